"""The physical limit of our stack: Flask + Jinja behind gunicorn, no database.

A bare Flask app whose /t/<id> renders a page of the same size and structure as the
forum's thread page for an anonymous reader: the same base.html (so the same url_for
calls in the navigation), 20 posts from an in-memory list with the same bodies the large
seed uses (bench/corpus.py, rendered once by forum.markup.render_markdown), a pager
above and below. No session, login, CSRF or rate limiting; the forum's response headers
are set so both answers are the same size on the wire.

    gunicorn -w 2 -b 127.0.0.1:8200 --pythonpath bench baseline_app:app
"""
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from flask import Flask, render_template  # noqa: E402
from jinja2 import ChoiceLoader, FileSystemLoader  # noqa: E402

import corpus  # noqa: E402
from forum.markup import render_markdown  # noqa: E402

POSTS_PER_PAGE = 20
BODIES_HTML = [render_markdown(body) for body in corpus.BODIES]
try:  # as the forum marks posts that mention a dose (newer versions only)
    from forum.safety import mentions_dose
except ImportError:
    def mentions_dose(body):
        return False
DOSE = [mentions_dose(body) for body in corpus.BODIES]

HEADERS = {
    "Content-Security-Policy": "default-src 'self'; object-src 'none'; base-uri 'none'; "
                               "frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Vary": "Cookie",
}


class Anonymous:
    """What base.html asks of `current_user` for a reader who is not logged in."""

    is_authenticated = False


def _posts() -> list[dict]:
    """20 posts whose bodies add up to 20 average ones, as on a seeded thread page
    (where bodies are picked at random): each body once, then the nearest to the mean."""
    mean = sum(map(len, BODIES_HTML)) / len(BODIES_HTML)
    by_closeness = sorted(range(len(BODIES_HTML)), key=lambda i: abs(len(BODIES_HTML[i]) - mean))
    order = (list(range(len(BODIES_HTML))) + by_closeness * POSTS_PER_PAGE)[:POSTS_PER_PAGE]
    first = datetime(2024, 12, 22, 2, 54, 12, tzinfo=UTC)
    posts = []
    for n, body in enumerate(order):
        created = first + timedelta(hours=7 * n)
        posts.append({"id": 13_849 + 97 * n, "author": f"reader{(n * 373) % 5000 + 1:04d}",
                      "iso": created.isoformat(timespec="seconds"),
                      "ago": created.strftime("%-d %b %Y"),
                      "body_html": BODIES_HTML[body], "mentions_dose": DOSE[body]})
    return posts


POSTS = _posts()
THREAD = {"id": 808, "title": corpus.LONG_THREAD_TITLE, "category_slug": "experiences",
          "category_name": "Experiences with baclofen"}


def _stub():
    return "", 204


def _forum_parts():
    """The forum's URL rules and Jinja globals and filters, read from an app that is
    built but never serves, so that whatever base.html links to or calls also works
    here (anonymous branches only: nothing in them touches a database)."""
    from forum import create_app as create_forum
    forum = create_forum("config.Config", DATABASE_URL="sqlite://",
                         SQLALCHEMY_DATABASE_URI="sqlite://",
                         RATELIMIT_ENABLED=False)  # never serves: limits play no part
    rules = [(rule.rule, rule.endpoint) for rule in forum.url_map.iter_rules()
             if rule.endpoint not in ("static", "threads.show_thread")]
    return rules, dict(forum.jinja_env.globals), dict(forum.jinja_env.filters)


def create_app() -> Flask:
    app = Flask(__name__, template_folder=str(ROOT / "templates"),
                static_folder=str(ROOT / "static"))
    app.config["SECRET_KEY"] = "baseline-only"
    app.jinja_loader = ChoiceLoader([FileSystemLoader(str(ROOT / "bench" / "templates")),
                                     FileSystemLoader(str(ROOT / "templates"))])
    rules, jinja_globals, jinja_filters = _forum_parts()
    # As forum/templating.py sets them, so the HTML comes out the same.
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.globals.update(jinja_globals)
    app.jinja_env.filters.update(jinja_filters)
    app.jinja_env.globals["current_user"] = Anonymous()

    # Every other forum endpoint answers 204 here; they exist so that url_for works.
    for rule, endpoint in rules:
        app.add_url_rule(rule, endpoint, _stub)

    @app.get("/t/<int:thread_id>", endpoint="threads.show_thread")
    def show_thread(thread_id):
        return render_template("baseline_thread.html", thread=THREAD, posts=POSTS,
                               page=1, pages=100)

    @app.after_request
    def headers(response):
        response.headers.update(HEADERS)
        return response

    return app


app = create_app()
