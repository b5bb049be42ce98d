"""Login sessions, request guards, response headers and start-up checks."""
import os
import re
import shlex
import sys
from urllib.parse import urlsplit

from flask import Flask, render_template, request
from flask_login import current_user
from werkzeug.exceptions import SecurityError
from werkzeug.wrappers import Response
from werkzeug.wsgi import get_host

from config import DEV_SECRET_KEY

from .drafts import draft_from_request, is_draft_action
from .errors import render_error
from .extensions import db, login_manager
from .models import User

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
])


class InsecureConfiguration(RuntimeError):
    pass


def check_config(app: Flask) -> None:
    """Refuse to start with a configuration that would be unsafe in production."""
    _normalise_trusted_hosts(app)
    _check_secret_key(app)
    _check_trusted_hosts(app)
    _check_rate_limit_storage(app)


def _check_secret_key(app: Flask) -> None:
    if not app.config.get("REQUIRE_REAL_SECRET_KEY"):
        return
    key = app.config.get("SECRET_KEY")
    if not key or key == DEV_SECRET_KEY or len(key) < 32:
        raise InsecureConfiguration(
            "Set FORUM_SECRET_KEY to a long random value (at least 32 characters), e.g. "
            "python -c 'import secrets; print(secrets.token_urlsafe(48))'")


def _normalise_trusted_hosts(app: Flask) -> None:
    """FORUM_TRUSTED_HOSTS may be a JSON list or "a.example, b.example"; SERVER_NAME counts."""
    hosts = app.config.get("TRUSTED_HOSTS")
    if isinstance(hosts, str):
        hosts = [host for host in re.split(r"[\s,]+", hosts) if host]
    hosts = list(hosts or [])
    server_name = app.config.get("SERVER_NAME")
    if server_name:
        name = server_name.rpartition(":")[0] if server_name.count(":") == 1 else server_name
        if name not in hosts:
            hosts.append(name)
    # None (not []) when unset: werkzeug reads both as "any host", this code reads None.
    app.config["TRUSTED_HOSTS"] = hosts or None


def _check_trusted_hosts(app: Flask) -> None:
    if app.config.get("REQUIRE_TRUSTED_HOSTS") and not app.config["TRUSTED_HOSTS"]:
        raise InsecureConfiguration(
            "Set FORUM_TRUSTED_HOSTS to the host names this forum is served under, e.g. "
            "FORUM_TRUSTED_HOSTS=forum.example.org (a JSON list or comma-separated), or set "
            "FORUM_SERVER_NAME. Without it, links and redirects would carry whatever Host "
            "header a request sent.")


def configured_workers() -> int:
    """How many gunicorn worker processes this start asked for (1 if it says nothing).

    gunicorn tells its workers nothing, so read what configures it: its command line
    (-w/--workers, also in GUNICORN_CMD_ARGS), WEB_CONCURRENCY (its default for
    --workers) and FORUM_WORKERS. A gunicorn.conf.py is not read.
    """
    counts = [1]
    for name in ("WEB_CONCURRENCY", "FORUM_WORKERS"):
        if os.environ.get(name, "").strip().isdigit():
            counts.append(int(os.environ[name]))
    try:
        args = [*sys.argv[1:], *shlex.split(os.environ.get("GUNICORN_CMD_ARGS", ""))]
    except ValueError:
        args = list(sys.argv[1:])
    for index, arg in enumerate(args):
        value = None
        if arg in ("-w", "--workers") and index + 1 < len(args):
            value = args[index + 1]
        elif arg.startswith("--workers="):
            value = arg.partition("=")[2]
        elif arg.startswith("-w") and arg[2:].isdigit():
            value = arg[2:]
        if value and value.isdigit():
            counts.append(int(value))
    return max(counts)


def running_under_gunicorn() -> bool:
    return "gunicorn" in sys.modules or os.environ.get("SERVER_SOFTWARE", "").startswith("gunicorn")


def _check_rate_limit_storage(app: Flask) -> None:
    """memory:// storage counts in each process: with N workers every limit is N times
    looser (STYLE.md, known trap 6)."""
    if not app.config.get("RATELIMIT_ENABLED", True):
        return
    if not str(app.config.get("RATELIMIT_STORAGE_URI", "memory://")).startswith("memory://"):
        return
    workers = configured_workers()
    if str(app.config.get("WORKERS", "")).isdigit():
        workers = max(workers, int(app.config["WORKERS"]))
    if workers > 1 and running_under_gunicorn():
        raise InsecureConfiguration(
            f"Rate limits are kept in each process's memory (RATELIMIT_STORAGE_URI=memory://) "
            f"but gunicorn is asked for {workers} workers: each would count on its own, "
            f"multiplying every login, registration and posting limit by {workers}. Set "
            "FORUM_RATELIMIT_STORAGE_URI=redis://host:6379/0, or run a single worker.")
    if not app.config.get("ALLOW_MEMORY_RATELIMITS"):
        raise InsecureConfiguration(
            "Rate limits are kept in process memory (RATELIMIT_STORAGE_URI=memory://): they "
            "reset at every restart and are multiplied by the number of workers and hosts. "
            "Set FORUM_RATELIMIT_STORAGE_URI=redis://host:6379/0, or, for a single process "
            "on a single host, FORUM_ALLOW_MEMORY_RATELIMITS=1.")


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Cookie ids are "<id>:<session version>": a bumped version ends old sessions."""
    account_id, _, version = user_id.partition(":")
    if not (account_id.isdigit() and version.isdigit()) or len(account_id) > 18:
        return None
    user = db.session.get(User, int(account_id))
    if user is None or user.session_version != int(version) or user.is_suspended:
        return None
    return user


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
CROSS_SITE_REFUSED = ("This form was sent from another website, so it was refused. "
                      "Open the forum itself and try again.\n")
UNKNOWN_HOST = "This server does not serve that host name.\n"


def _plain(status: int, text: str) -> Response:
    """A bare answer that echoes nothing and sets no cookie."""
    return Response(text, status=status, mimetype="text/plain", headers={
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    })


def _without_default_port(host: str, scheme: str) -> str:
    host = host.lower()
    for default in (":80", ":443"):
        if host.endswith(default) and scheme in ("http", "https", ""):
            return host.removesuffix(default)
    return host


def is_cross_site(environ, host: str) -> bool:
    """Whether a request was sent by a page of another origin, as the browser tells it.

    `Origin` must name this host (the scheme is not compared: behind a TLS-terminating
    proxy the app itself is reached over http). `Sec-Fetch-Site: same-site` means another
    host of the same site (a sibling subdomain), so it is refused as well.
    """
    fetch_site = environ.get("HTTP_SEC_FETCH_SITE", "").strip().lower()
    if fetch_site in ("cross-site", "same-site"):
        return True
    origin = environ.get("HTTP_ORIGIN")
    if origin is None:
        return False
    parts = urlsplit(origin.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return True  # "null" (sandboxed frames, cross-origin redirects) and the like
    return (_without_default_port(parts.netloc, parts.scheme)
            != _without_default_port(host, parts.scheme))


class RequestGuard:
    """WSGI middleware answering, before Flask runs at all (so before any session, CSRF
    check or rate limit is touched, and with no cookie set):

    - 400 to a Host header outside TRUSTED_HOSTS, so no link, redirect or error page
      can carry an attacker's host;
    - 403 to a state-changing request sent by another site (`Origin` /
      `Sec-Fetch-Site`), so a cookieless cross-site POST cannot obtain a page holding
      the attacker's text ready to send, nor a fresh session.
    """

    def __init__(self, wsgi_app, app: Flask):
        self.wsgi_app = wsgi_app
        self.app = app

    def __call__(self, environ, start_response):
        try:
            host = get_host(environ, self.app.config["TRUSTED_HOSTS"])
        except SecurityError:
            self.app.logger.info("refused Host %r: not in TRUSTED_HOSTS (FORUM_TRUSTED_HOSTS)",
                                 environ.get("HTTP_HOST"))
            return _plain(400, UNKNOWN_HOST)(environ, start_response)
        if environ.get("REQUEST_METHOD", "GET").upper() not in SAFE_METHODS \
                and is_cross_site(environ, host):
            self.app.logger.info("refused a cross-site %s to %r from %r",
                                 environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"),
                                 environ.get("HTTP_ORIGIN"))
            return _plain(403, CROSS_SITE_REFUSED)(environ, start_response)
        return self.wsgi_app(environ, start_response)


NUL_REFUSED = ("What was sent contains a NUL character (an invisible control character "
               "that has no place in text), so it was refused.")


def _contains_nul() -> bool:
    if "\x00" in request.path:
        return True
    fields = [request.args]
    if request.method not in SAFE_METHODS:
        fields.append(request.form)
    return any("\x00" in key or "\x00" in value
               for multidict in fields for key, value in multidict.items(multi=True))


def refuse_nul_bytes():
    """NUL is no text: PostgreSQL cannot store it, so refuse it before anything reads it.

    A post being written gets its text back (without the NULs) to send again; anything
    else gets 400.
    """
    if not _contains_nul():
        return None
    if request.method == "POST" and is_draft_action(request.path):
        return render_template("errors/resubmit.html", draft=draft_from_request(),
                               reason="nul"), 422
    return render_error(400, NUL_REFUSED)


def init_app(app: Flask) -> None:
    app.wsgi_app = RequestGuard(app.wsgi_app, app)
    # First of all before_request hooks: before CSRFProtect and the rate limiter read the
    # form, and before any query sees a NUL.
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_nul_bytes)

    login_manager.login_view = "auth.login"
    login_manager.login_message = "Log in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @app.after_request
    def set_security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config["HSTS_SECONDS"]:
            headers.setdefault("Strict-Transport-Security",
                               f"max-age={app.config['HSTS_SECONDS']}; includeSubDomains")
        # Pages for a logged-in member may hold private things: no cache may keep them.
        if current_user.is_authenticated and request.endpoint != "static":
            headers["Cache-Control"] = "no-store"
            headers.setdefault("Vary", "Cookie")
        return response
