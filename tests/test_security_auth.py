"""Security issue #8: sessions, lockouts, cross-site POSTs, NUL bytes, hosts, start-up checks.

Each test replays the attack over HTTP with the test client.
"""
import logging
import re

import pytest
from flask import Flask

from forum import create_app
from forum.auth import services
from forum.extensions import db
from forum.models import Post, Thread, User
from forum.security import InsecureConfiguration, check_config, configured_workers

from .factories import PASSWORD, make_category, make_thread, make_user

WRONG = "wrong password!"
EVIL = "https://evil.example"


def _log_in(client, name="alice", password=PASSWORD, *, ip="10.1.0.1", **extra):
    return client.post("/login", data={"username": name, "password": password, **extra},
                       environ_base={"REMOTE_ADDR": ip})


def _set_cookie_headers(response, name):
    return [c for c in response.headers.getlist("Set-Cookie") if c.startswith(f"{name}=")]


# --- 1. log out ends "remember me", and copied cookies stop working ---------------------

def test_logout_ends_the_session_and_the_remember_cookie(app, alice):
    client = app.test_client()
    assert _log_in(client, remember="y").status_code == 302
    copied_session = client.get_cookie("session").value
    copied_remember = client.get_cookie("remember_token").value

    response = client.post("/logout")
    assert response.status_code == 302
    (deleted,) = _set_cookie_headers(response, "remember_token")
    assert "Expires=Thu, 01 Jan 1970" in deleted or "Max-Age=0" in deleted
    assert client.get_cookie("remember_token") is None
    assert client.get("/settings").status_code == 302  # to the login page

    for name, value in (("session", copied_session), ("remember_token", copied_remember)):
        thief = app.test_client()
        thief.set_cookie(name, value)
        assert thief.get("/settings").status_code == 302, name
        assert "Log in" in thief.get("/").get_data(as_text=True)


def test_logging_in_again_after_logout_works(app, alice):
    client = app.test_client()
    _log_in(client, remember="y")
    client.post("/logout")
    assert _log_in(client, ip="10.1.0.2").status_code == 302
    assert client.get("/settings").status_code == 200


# --- 5. strangers' wrong passwords do not lock the owner out ----------------------------

def _guess(app, name="alice", times=10, *, client=None, subnet="10.9.0"):
    client = client or app.test_client()
    for n in range(times):
        assert _log_in(client, name, WRONG, ip=f"{subnet}.{n}").status_code == 200
    return client


def _device_that_logged_in(app, name="alice"):
    device = app.test_client()
    assert _log_in(device, name, ip="10.1.0.9").status_code == 302
    device.post("/logout")
    return device


def test_device_cookie_is_signed_long_lived_httponly_lax(app, alice):
    response = _log_in(app.test_client())
    (cookie,) = _set_cookie_headers(response, "forum_device")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    max_age = int(re.search(r"Max-Age=(\d+)", cookie).group(1))
    assert max_age >= 300 * 24 * 3600
    assert "Secure" not in cookie  # plain http in development; see the next test


def test_device_cookie_is_secure_when_sessions_are(app_factory):
    app = app_factory(SESSION_COOKIE_SECURE=True)
    make_user("alice")
    (cookie,) = _set_cookie_headers(_log_in(app.test_client()), "forum_device")
    assert "Secure" in cookie


def test_strangers_guessing_lock_out_unknown_devices_but_not_the_owner(app, alice):
    owner = _device_that_logged_in(app)
    attacker = _guess(app)
    assert _log_in(attacker, ip="10.9.1.1").status_code == 429
    assert _log_in(app.test_client(), ip="10.9.1.2").status_code == 429  # any unknown device
    response = _log_in(owner, ip="10.1.1.1")
    assert response.status_code == 302
    assert owner.get("/settings").status_code == 200


def test_the_owners_device_has_a_limit_of_its_own(app, alice):
    owner = _device_that_logged_in(app)
    _guess(app, client=owner, subnet="10.1.2")
    assert _log_in(owner, ip="10.1.3.1").status_code == 429
    # ...and its failures did not use up the shared bucket.
    assert _log_in(app.test_client(), ip="10.1.3.2").status_code == 302


def test_a_forged_device_cookie_does_not_bypass_the_lockout(app, alice):
    owner = _device_that_logged_in(app)
    genuine = owner.get_cookie("forum_device").value
    _guess(app)
    payload, _, signature = genuine.rpartition(".")
    tampered = f"{payload}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"
    other_key = Flask("elsewhere")
    other_key.config.update(SECRET_KEY="another-secret", DEVICE_COOKIE_NAME="forum_device",
                            DEVICE_COOKIE_DURATION=app.config["DEVICE_COOKIE_DURATION"],
                            SESSION_COOKIE_SECURE=False)
    from forum.auth import devices
    with other_key.test_request_context():
        response = devices.remember_device(other_key.response_class(), alice.id)
    signed_elsewhere = response.headers["Set-Cookie"].split(";")[0].partition("=")[2]
    for n, value in enumerate((tampered, signed_elsewhere, "garbage", "")):
        forger = app.test_client()
        forger.set_cookie("forum_device", value)
        assert _log_in(forger, ip=f"10.9.2.{n}").status_code == 429, value


def test_another_accounts_device_cookie_does_not_bypass_the_lockout(app, alice, bob):
    bobs_device = _device_that_logged_in(app, "bob")
    _guess(app)
    assert _log_in(bobs_device, ip="10.9.3.1").status_code == 429
    assert _log_in(bobs_device, "bob", ip="10.9.3.2").status_code == 302


def test_a_shared_browser_remembers_several_accounts(app, alice, bob):
    device = _device_that_logged_in(app, "alice")
    assert _log_in(device, "bob", ip="10.1.4.1").status_code == 302
    device.post("/logout")
    _guess(app, "alice")
    _guess(app, "bob", subnet="10.9.4")
    assert _log_in(device, "alice", ip="10.1.4.2").status_code == 302
    device.post("/logout")
    assert _log_in(device, "bob", ip="10.1.4.3").status_code == 302


# --- 6. the current password cannot be guessed on the settings page ---------------------

NEW_PASSWORD = "a brand new password"


def test_guessing_the_current_password_is_throttled(app, login, alice):
    client = login(alice)
    for _ in range(10):
        response = client.post("/settings/password", data={"current_password": WRONG,
                                                           "password": NEW_PASSWORD})
        assert response.status_code == 422
    response = client.post("/settings/password", data={"current_password": PASSWORD,
                                                       "password": NEW_PASSWORD})
    assert response.status_code == 429
    assert "Slow down" in response.get_data(as_text=True)
    # Per account: another session of the same member is throttled too.
    assert login(alice).post("/settings/password", data={
        "current_password": PASSWORD, "password": NEW_PASSWORD}).status_code == 429
    assert services.authenticate("alice", PASSWORD) == alice  # unchanged
    # Others are not affected.
    bob = make_user("bob")
    assert login(bob).post("/settings/password", data={
        "current_password": PASSWORD, "password": NEW_PASSWORD}).status_code == 302


def test_only_wrong_current_passwords_count(app, login, alice):
    client = login(alice)
    for _ in range(12):  # right current password, new one too short: not a guess
        response = client.post("/settings/password", data={"current_password": PASSWORD,
                                                           "password": "short"})
        assert response.status_code == 422
    response = client.post("/settings/password", data={"current_password": PASSWORD,
                                                       "password": NEW_PASSWORD})
    assert response.status_code == 302


# --- 7. cross-site POSTs get a bare 403 -----------------------------------------------

CROSS_SITE = [
    {"Origin": EVIL},
    {"Origin": "http://localhost.evil.example"},
    {"Origin": "http://localhost:8000"},          # another origin on the same host name
    {"Origin": "null"},
    {"Origin": EVIL, "Sec-Fetch-Site": "same-origin"},
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},               # a sibling subdomain
]


@pytest.mark.parametrize("headers", CROSS_SITE)
def test_cookieless_cross_site_post_gets_a_bare_403(app_factory, headers):
    app = app_factory(WTF_CSRF_ENABLED=True)
    thread = make_thread(make_user("alice"))
    client = app.test_client()
    response = client.post(f"/t/{thread.id}/reply", headers=headers,
                           data={"body": "ATTACKER TEXT, ready to send"})
    assert response.status_code == 403
    assert "ATTACKER" not in response.get_data(as_text=True)
    assert "Set-Cookie" not in response.headers
    assert client.get_cookie("session") is None


@pytest.mark.parametrize("headers", CROSS_SITE[:1] + CROSS_SITE[-2:])
def test_cross_site_post_with_a_member_logged_in_changes_nothing(login, alice, headers):
    thread = make_thread(alice)
    client = login(alice)
    for path, data in ((f"/t/{thread.id}/reply", {"body": "ATTACKER TEXT"}),
                       ("/logout", {}), ("/settings/logout-everywhere", {}),
                       ("/login", {"username": "alice", "password": PASSWORD})):
        response = client.post(path, data=data, headers=headers)
        assert response.status_code == 403, path
        assert "Set-Cookie" not in response.headers
    assert db.session.query(Post).filter_by(thread_id=thread.id).count() == 1
    assert client.get("/settings").status_code == 200  # still logged in


@pytest.mark.parametrize("headers", [
    {},
    {"Origin": "http://localhost"},
    {"Origin": "HTTP://LOCALHOST:80"},
    {"Origin": "https://localhost"},   # behind a TLS proxy the app itself sees http
    {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"},
    {"Sec-Fetch-Site": "same-origin"},
    {"Sec-Fetch-Site": "none"},
])
def test_same_origin_posts_keep_working(login, alice, headers):
    thread = make_thread(alice)
    response = login(alice).post(f"/t/{thread.id}/reply", headers=headers,
                                 data={"body": "A reply from the forum itself."})
    assert response.status_code == 302
    assert db.session.query(Post).filter_by(thread_id=thread.id).count() == 2


def test_cross_site_get_is_not_refused(client):
    assert client.get("/", headers={"Origin": EVIL, "Sec-Fetch-Site": "cross-site"}
                      ).status_code == 200


# --- 9. NUL bytes are refused as bad input (they are no text; PostgreSQL rejects them) ---

@pytest.fixture
def no_database_errors(caplog):
    caplog.set_level(logging.ERROR)
    yield
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text


@pytest.mark.parametrize("method, path, data", [
    ("post", "/login", {"username": "al\x00ice", "password": PASSWORD}),
    ("post", "/login", {"username": "alice", "password": "pass\x00word!!"}),
    ("post", "/register", {"username": "ca\x00rol", "email": "carol@example.org",
                           "password": PASSWORD}),
    ("get", "/u/al%00ice", None),
    ("get", "/search?q=bac%00lofen", None),
    ("get", "/c/experiences?page=%00", None),
    ("get", "/?x%00=1", None),
])
def test_nul_in_urls_and_other_forms_is_a_400(client, alice, category, no_database_errors,
                                              method, path, data):
    response = getattr(client, method)(path, data=data)
    assert response.status_code == 400
    assert "NUL character" in response.get_data(as_text=True)


def _new_thread(client, category, title, body):
    return client.post(f"/c/{category.slug}/new", data={"title": title, "body": body})


def test_nul_in_a_new_thread_gives_the_text_back_without_it(login, alice, category,
                                                            no_database_errors):
    response = _new_thread(login(alice), category, "My first\x00 month", "It went\x00 well.")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "NUL character" in page
    assert 'value="My first month"' in page and ">It went well.</textarea>" in page
    assert f'action="/c/{category.slug}/new"' in page
    assert "\x00" not in page
    assert db.session.query(Thread).count() == 0


def test_nul_in_a_reply_or_an_edit_gives_the_text_back(login, alice, no_database_errors):
    thread = make_thread(alice)
    client = login(alice)
    reply = client.post(f"/t/{thread.id}/reply", data={"body": "Thank\x00 you."})
    assert reply.status_code == 422
    assert ">Thank you.</textarea>" in reply.get_data(as_text=True)
    first = db.session.query(Post).filter_by(thread_id=thread.id).one()
    edit = client.post(f"/p/{first.id}/edit", data={"body": "Edited\x00 text."})
    assert edit.status_code == 422
    assert ">Edited text.</textarea>" in edit.get_data(as_text=True)
    assert db.session.query(Post).count() == 1
    assert "\x00" not in db.session.get(Post, first.id).body


def test_nul_in_a_post_when_logged_out_offers_the_login_with_the_text(client, alice,
                                                                      no_database_errors):
    thread = make_thread(alice)
    response = client.post(f"/t/{thread.id}/reply", data={"body": "Held\x00 text."})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert ">Held text.</textarea>" in page and 'name="draft_body"' in page


# --- 10. an attacker's Host header never reaches a response ------------------------------

@pytest.mark.parametrize("path", ["//t/1", "//help", "/t/1", "/help"])
def test_untrusted_host_gets_400(client, alice, path):
    make_thread(alice)
    for response in (client.get(path, headers={"Host": "evil.example"}),
                     client.get("/", headers={"Host": "evil.example"},
                                environ_overrides={"PATH_INFO": path})):
        assert response.status_code == 400
        assert "evil.example" not in response.headers.get("Location", "")
        assert "evil.example" not in response.get_data(as_text=True)
        assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("host", ["localhost", "localhost:5000", "127.0.0.1:8000"])
def test_development_hosts_are_trusted(client, host):
    assert client.get("/help", headers={"Host": host}).status_code == 200


def test_trusted_hosts_from_the_environment(app_factory, monkeypatch):
    monkeypatch.setenv("FORUM_TRUSTED_HOSTS", "forum.example, www.forum.example")
    app = app_factory()
    assert app.config["TRUSTED_HOSTS"] == ["forum.example", "www.forum.example"]
    client = app.test_client()
    assert client.get("/help", headers={"Host": "www.forum.example"}).status_code == 200
    assert client.get("/help", headers={"Host": "localhost"}).status_code == 400
    response = client.get("//help", headers={"Host": "forum.example"})
    assert response.headers.get("Location", "").startswith(("/", "http://forum.example/"))


def test_production_requires_trusted_hosts_or_a_server_name(monkeypatch):
    monkeypatch.delenv("FORUM_TRUSTED_HOSTS", raising=False)
    monkeypatch.delenv("FORUM_SERVER_NAME", raising=False)
    settings = dict(SECRET_KEY="k" * 40, SQLALCHEMY_DATABASE_URI="sqlite://",
                    ALLOW_MEMORY_RATELIMITS=True)
    with pytest.raises(InsecureConfiguration, match="FORUM_TRUSTED_HOSTS"):
        create_app("config.ProductionConfig", **settings)
    app = create_app("config.ProductionConfig", SERVER_NAME="forum.example", **settings)
    assert app.config["TRUSTED_HOSTS"] == ["forum.example"]
    app = create_app("config.ProductionConfig", TRUSTED_HOSTS=["forum.example"], **settings)
    assert app.config["TRUSTED_HOSTS"] == ["forum.example"]


# --- 11. memory:// rate limits with several workers ----------------------------------------

@pytest.fixture
def under_gunicorn(monkeypatch):
    for name in ("WEB_CONCURRENCY", "FORUM_WORKERS", "GUNICORN_CMD_ARGS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SERVER_SOFTWARE", "gunicorn/23.0.0")
    monkeypatch.setattr("sys.argv", ["gunicorn", "forum:create_app()"])
    return monkeypatch


@pytest.mark.parametrize("variable, value", [("WEB_CONCURRENCY", "4"), ("FORUM_WORKERS", "4"),
                                             ("GUNICORN_CMD_ARGS", "--workers 4 -b :8000")])
def test_memory_rate_limits_refused_with_several_gunicorn_workers(under_gunicorn,
                                                                  variable, value):
    under_gunicorn.setenv(variable, value)
    with pytest.raises(InsecureConfiguration, match="4 workers"):
        create_app("config.TestConfig", RATELIMIT_STORAGE_URI="memory://")


def test_workers_on_gunicorns_command_line_are_counted(under_gunicorn):
    for argv in (["gunicorn", "-w", "3", "app"], ["gunicorn", "--workers=3", "app"],
                 ["gunicorn", "-w3", "app"]):
        under_gunicorn.setattr("sys.argv", argv)
        assert configured_workers() == 3
        with pytest.raises(InsecureConfiguration, match="3 workers"):
            create_app("config.TestConfig", RATELIMIT_STORAGE_URI="memory://")


def _checked(**config):
    app = Flask("check")
    app.config.update(TRUSTED_HOSTS=["localhost"], ALLOW_MEMORY_RATELIMITS=True, **config)
    check_config(app)
    return app


def test_memory_rate_limits_allowed_where_they_are_not_multiplied(under_gunicorn):
    under_gunicorn.setenv("WEB_CONCURRENCY", "4")
    _checked(RATELIMIT_STORAGE_URI="redis://cache.internal:6379/0")  # shared storage
    _checked(RATELIMIT_STORAGE_URI="memory://", RATELIMIT_ENABLED=False)  # no limits
    under_gunicorn.setenv("WEB_CONCURRENCY", "1")
    _checked(RATELIMIT_STORAGE_URI="memory://")  # one worker
    under_gunicorn.delenv("SERVER_SOFTWARE")
    under_gunicorn.setenv("WEB_CONCURRENCY", "4")
    if "gunicorn" not in __import__("sys").modules:
        _checked(RATELIMIT_STORAGE_URI="memory://")  # flask run: one process


def test_production_refuses_memory_rate_limits_unless_allowed(monkeypatch):
    for name in ("FORUM_ALLOW_MEMORY_RATELIMITS", "FORUM_RATELIMIT_STORAGE_URI",
                 "WEB_CONCURRENCY", "FORUM_WORKERS", "SERVER_SOFTWARE"):
        monkeypatch.delenv(name, raising=False)
    settings = dict(SECRET_KEY="k" * 40, SQLALCHEMY_DATABASE_URI="sqlite://",
                    TRUSTED_HOSTS=["forum.example"])
    with pytest.raises(InsecureConfiguration, match="FORUM_ALLOW_MEMORY_RATELIMITS"):
        create_app("config.ProductionConfig", **settings)
    monkeypatch.setenv("FORUM_ALLOW_MEMORY_RATELIMITS", "1")
    assert create_app("config.ProductionConfig", **settings)
    # ...but never with several workers.
    monkeypatch.setenv("SERVER_SOFTWARE", "gunicorn/23.0.0")
    monkeypatch.setenv("WEB_CONCURRENCY", "2")
    with pytest.raises(InsecureConfiguration, match="2 workers"):
        create_app("config.ProductionConfig", **settings)


# --- registration cannot probe e-mail addresses without limit --------------------------------

def test_failed_registrations_count_towards_the_limit(app, client, alice):
    allowed = int(app.config["REGISTER_LIMITS_PER_IP"].split("/")[0])
    for n in range(allowed):
        response = client.post("/register", data={"username": f"probe{n}",
                                                  "email": "alice@example.org",
                                                  "password": PASSWORD, "consent_health": "y",
                                                  "accept_guidelines": "y"})
        # The same answer as a new registration: nothing says the address is known.
        assert response.status_code == 302
        assert services.EMAIL_TAKEN not in response.get_data(as_text=True)
    response = client.post("/register", data={"username": "probe9", "email": "bob@example.org",
                                              "password": PASSWORD})
    assert response.status_code == 429
    assert "Slow down" in response.get_data(as_text=True)
    assert db.session.query(User).count() == 1
