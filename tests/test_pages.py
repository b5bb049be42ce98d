"""Page furniture, headers, error pages and the health check."""
import re

import pytest

from forum import create_app

from .factories import make_thread

CSP = ("default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
       "form-action 'self'")
DISCLAIMER = ("Experiences shared here are personal, not medical advice. Talk to a prescriber "
              "before starting, changing or stopping baclofen — stopping suddenly can be "
              "dangerous.")


def test_every_page_has_skip_link_nav_and_footer(client, category):
    for url in ("/", f"/c/{category.slug}", "/login", "/register", "/help", "/nope"):
        page = client.get(url).get_data(as_text=True)
        assert '<a class="skip-link" href="#main">' in page
        assert '<main id="main"' in page and page.count("<main") == 1
        assert DISCLAIMER in page
        assert '<a class="help-link" href="/help">Need help now?</a>' in page
        assert 'href="/login"' in page and 'href="/register"' in page


def test_member_menu(login, alice):
    page = login(alice).get("/").get_data(as_text=True)
    assert 'href="/u/alice"' in page and 'href="/settings"' in page
    assert re.search(r'<form method="post" action="/logout"', page)


@pytest.mark.parametrize("url", ["/", "/help", "/login", "/nope", "/healthz"])
def test_security_headers_on_every_response(client, url):
    headers = client.get(url).headers
    assert headers["Content-Security-Policy"] == CSP
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers


def test_hsts_when_configured(app_factory):
    app = app_factory(HSTS_SECONDS=31536000)
    assert app.test_client().get("/").headers["Strict-Transport-Security"].startswith(
        "max-age=31536000")


def test_no_store_only_for_members(client, login, alice):
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    assert login(alice).get("/").headers["Cache-Control"] == "no-store"
    assert login(alice).get("/help").headers["Cache-Control"] == "no-store"


def test_anonymous_reading_sets_no_cookie(client, alice):
    thread = make_thread(alice)
    for url in ("/", f"/t/{thread.id}", "/help"):
        assert "Set-Cookie" not in client.get(url).headers


def test_pages_have_no_inline_script_or_third_party_resource(client, login, alice):
    thread = make_thread(alice, body="[a link](https://example.org)")
    for c in (client, login(alice)):
        for url in ("/", f"/t/{thread.id}", "/login", "/register", "/help"):
            page = c.get(url).get_data(as_text=True)
            assert "<script" not in page and " style=" not in page
            assert not re.search(r"<[^>]+\son[a-z]+=", page)  # no inline event handlers
            for attr in re.findall(r'(?:src|href)="([^"]+)"', page):
                if attr.startswith(("http://", "https://", "//")):
                    assert attr == "https://example.org"  # the user's own link, not a resource
            assert not re.search(r'<(?:link|img|script)[^>]+(?:src|href)="(?:https?:)?//', page)


@pytest.mark.parametrize("code, text", [(400, "Something was wrong"), (403, "do that here"),
                                        (404, "Page not found"), (413, "too large"),
                                        (429, "Slow down"), (500, "went wrong on our side")])
def test_friendly_error_pages(app, code, text):
    from flask import abort

    @app.get(f"/boom/{code}")
    def boom():
        abort(code)

    response = app.test_client().get(f"/boom/{code}")
    assert response.status_code == code
    assert text in response.get_data(as_text=True)
    assert "Need help now?" in response.get_data(as_text=True)


def test_unhandled_exception_gives_the_500_page(app_factory):
    app = app_factory(PROPAGATE_EXCEPTIONS=False)

    @app.get("/crash")
    def crash():
        raise RuntimeError("bug")

    response = app.test_client().get("/crash")
    assert response.status_code == 500 and "went wrong on our side" in response.get_data(as_text=True)


def test_too_large_request_is_a_friendly_413(app):
    response = app.test_client().post("/login", data={"username": "x" * 300_000})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json["database"] == "ok"


def test_healthz_503_when_the_database_is_unreachable(tmp_path):
    app = create_app("config.TestConfig",
                     SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing/dir/forum.db")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.json["database"] == "unreachable"


def test_production_refuses_the_development_secret_key(monkeypatch):
    from forum.security import InsecureConfiguration
    monkeypatch.delenv("FORUM_SECRET_KEY", raising=False)
    with pytest.raises(InsecureConfiguration):
        create_app("config.ProductionConfig")
    with pytest.raises(InsecureConfiguration):
        create_app("config.ProductionConfig", SECRET_KEY="short")
    # Production also needs its host names and shared rate-limit storage (issue #8).
    app = create_app("config.ProductionConfig", SECRET_KEY="k" * 40,
                     SQLALCHEMY_DATABASE_URI="sqlite://", TRUSTED_HOSTS=["forum.example"],
                     ALLOW_MEMORY_RATELIMITS=True)
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]


def test_environment_overrides_config(monkeypatch):
    monkeypatch.setenv("FORUM_POSTS_PER_PAGE", "25")
    app = create_app("config.TestConfig")
    assert app.config["POSTS_PER_PAGE"] == 25


def test_stylesheet_is_served_locally(client):
    page = client.get("/").get_data(as_text=True)
    href = re.search(r'<link rel="stylesheet" href="([^"]+)"', page).group(1)
    assert href.startswith("/static/")
    with client.get(href) as response:
        assert response.status_code == 200
        assert response.mimetype == "text/css"
