"""Accounts: registration, login, sessions, throttling."""
import re
from datetime import timedelta

import pytest
from argon2 import PasswordHasher

from forum.auth import services
from forum.redirects import safe_next
from forum.errors import ValidationFailed
from forum.extensions import db
from forum.models import User, utcnow

from .factories import PASSWORD, make_user


# --- registration (service) -------------------------------------------------------

def test_register_stores_argon2id_hash_and_normalised_email(app):
    user = services.register_user("Alice", "Alice@Example.ORG", PASSWORD)
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert user.email == "Alice@example.org"   # the domain is normalised, the local part kept
    assert user.email_key == "alice@example.org"
    assert user.role == "member"


@pytest.mark.parametrize("taken, attempt", [
    ("alice", "ALICE"),
    ("alice", "ａｌｉｃｅ"),        # full-width
    ("alice", "\u0430lice"),        # Cyrillic а (refused as mixed script anyway)
    ("alice", "a1ice"),
    ("oleg", "\u043e\u0435\u0433"),  # no: Cyrillic oeg is not a look-alike of oleg
])
def test_lookalike_usernames_are_refused(app, taken, attempt):
    make_user(taken)
    if attempt == "\u043e\u0435\u0433":
        services.register_user(attempt, "other@example.org", PASSWORD)  # allowed
        return
    with pytest.raises(ValidationFailed) as failure:
        services.register_user(attempt, "other@example.org", PASSWORD)
    assert failure.value.errors[0][0] == "username"


@pytest.mark.parametrize("name", ["admin", "Moderator", "support", "al\u200dice", "\u202eecila",
                                  "ab", "x" * 31, "has space", "bad@name"])
def test_invalid_or_reserved_usernames_are_refused(app, name):
    with pytest.raises(ValidationFailed) as failure:
        services.register_user(name, "someone@example.org", PASSWORD)
    assert [field for field, _ in failure.value.errors] == ["username"]


def test_email_unique_case_insensitively(app):
    make_user("alice", email="alice@example.org")
    with pytest.raises(ValidationFailed) as failure:
        services.register_user("alice2", "ALICE@EXAMPLE.ORG", PASSWORD)
    assert failure.value.errors == [("email", services.EMAIL_TAKEN)]


@pytest.mark.parametrize("email", ["not-an-email", "a@b", "a@@example.org", "a b@example.org"])
def test_invalid_email_refused(app, email):
    with pytest.raises(ValidationFailed) as failure:
        services.register_user("carol", email, PASSWORD)
    assert failure.value.errors[0][0] == "email"


@pytest.mark.parametrize("password, ok", [("x" * 9, False), ("x" * 10, True),
                                          ("x" * 128, True), ("x" * 129, False),
                                          ("alllowercase", True)])
def test_password_length_rules_without_composition_rules(app, password, ok):
    if ok:
        assert services.register_user("carol", "carol@example.org", password)
    else:
        with pytest.raises(ValidationFailed):
            services.register_user("carol", "carol@example.org", password)


def test_all_problems_reported_at_once(app):
    with pytest.raises(ValidationFailed) as failure:
        services.register_user("a", "nope", "short")
    assert {field for field, _ in failure.value.errors} == {"username", "email", "password"}


# --- authentication (service) ------------------------------------------------------

def test_authenticate(app, alice):
    assert services.authenticate("alice", PASSWORD) == alice
    assert services.authenticate("ALICE", PASSWORD) == alice
    assert services.authenticate("alice", "wrong password") is None
    assert services.authenticate("nobody", PASSWORD) is None
    assert services.authenticate("alice", "x" * 500) is None


def test_suspended_member_cannot_authenticate(app, fred):
    with pytest.raises(services.AccountSuspended):
        services.authenticate("fred", PASSWORD)
    assert services.authenticate("fred", "wrong password") is None  # tells nothing


def test_hash_upgraded_on_login_when_parameters_change(app, alice):
    old = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    alice.password_hash = old
    db.session.commit()
    app.extensions.pop("forum_password_hasher")
    app.config["ARGON2_TIME_COST"] = 2
    assert services.authenticate("alice", PASSWORD) == alice
    assert alice.password_hash != old
    assert ",t=2," in alice.password_hash or "t=2" in alice.password_hash


# --- login over HTTP ---------------------------------------------------------------

def test_real_login_through_the_form(app_factory):
    app = app_factory(WTF_CSRF_ENABLED=True)
    make_user("alice")
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"csrf_token": token, "username": "alice",
                                           "password": PASSWORD})
    assert response.status_code == 302
    assert "alice" in client.get("/").get_data(as_text=True)
    assert "Log out" in client.get("/").get_data(as_text=True)


def test_unknown_name_and_wrong_password_get_the_same_answer(client, alice):
    unknown = client.post("/login", data={"username": "nobody", "password": PASSWORD})
    wrong = client.post("/login", data={"username": "alice", "password": "wrong password!"})
    assert unknown.status_code == wrong.status_code == 200
    # Identical but for the name typed, which the form gives back.
    assert (unknown.get_data(as_text=True).replace('value="nobody"', "")
            == wrong.get_data(as_text=True).replace('value="alice"', ""))
    assert "match an account" in wrong.get_data(as_text=True)


def test_suspended_member_is_told_after_the_right_password(client, fred):
    page = client.post("/login", data={"username": "fred", "password": PASSWORD})
    assert "suspended until" in page.get_data(as_text=True)


@pytest.mark.parametrize("target, expected", [
    ("/t/5", "/t/5"), ("/c/experiences?page=2", "/c/experiences?page=2"),
    ("//evil.example", None), ("/\\evil.example", None), ("\\/evil.example", None),
    ("https://evil.example/", None), ("javascript:alert(1)", None), ("evil.example", None),
    ("/\t/evil.example", None), ("", None), (None, None), ("/%0d%0aSet-Cookie:x", "/%0d%0aSet-Cookie:x"),
])
def test_next_accepts_only_same_origin_paths(target, expected):
    assert safe_next(target) == expected


def test_login_redirects_to_safe_next_only(client, alice):
    ok = client.post("/login", data={"username": "alice", "password": PASSWORD, "next": "/help"})
    assert ok.headers["Location"] == "/help"
    client.post("/logout")
    evil = client.post("/login", data={"username": "alice", "password": PASSWORD,
                                       "next": "//evil.example/"})
    assert evil.headers["Location"] == "/"


def test_remember_me_cookie_lasts_30_days_and_is_httponly(client, alice):
    response = client.post("/login", data={"username": "alice", "password": PASSWORD,
                                           "remember": "y"})
    cookies = response.headers.getlist("Set-Cookie")
    remember = next(c for c in cookies if c.startswith("remember_token="))
    assert "HttpOnly" in remember and "SameSite=Lax" in remember
    expires = re.search(r"Expires=([^;]+)", remember).group(1)
    from email.utils import parsedate_to_datetime
    days = (parsedate_to_datetime(expires) - utcnow()).days
    assert 29 <= days <= 30
    session_cookie = next(c for c in cookies if c.startswith("session="))
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie


def test_production_cookies_are_secure(app_factory):
    app = app_factory(SESSION_COOKIE_SECURE=True)  # as ProductionConfig sets them
    from config import ProductionConfig
    assert ProductionConfig.SESSION_COOKIE_SECURE and ProductionConfig.REMEMBER_COOKIE_SECURE
    make_user("alice")
    response = app.test_client().post("/login", data={"username": "alice", "password": PASSWORD})
    assert "Secure" in response.headers["Set-Cookie"]


def test_logout_is_post_only(login, alice):
    client = login(alice)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert "Log in" in client.get("/").get_data(as_text=True)


def test_register_over_http_then_verify_and_log_in(client):
    # Registering logs nobody in: the page must answer the same for a known address.
    response = client.post("/register", data={"username": "carol", "email": "carol@example.org",
                                              "password": PASSWORD, "consent_health": "y",
                                              "accept_guidelines": "y"})
    assert response.status_code == 302 and "/register/check-email" in response.location
    page = client.get("/register/check-email").get_data(as_text=True)
    link = page.split('Your link: <a href="', 1)[1].split('"', 1)[0]
    assert client.post(link.removeprefix("http://localhost:5000")).status_code == 302
    client.post("/login", data={"username": "carol", "password": PASSWORD})
    assert "carol" in client.get("/settings").get_data(as_text=True)


def test_register_errors_are_shown_with_input_kept(client, alice):
    page = client.post("/register", data={"username": "ALICE", "email": "new@example.org",
                                          "password": PASSWORD, "consent_health": "y",
                                          "accept_guidelines": "y"}).get_data(as_text=True)
    assert "looks too much like one" in page
    assert 'value="new@example.org"' in page
    assert 'aria-invalid="true"' in page


# --- sessions end when they must ---------------------------------------------------

def _logged_in_client(app):
    client = app.test_client()
    assert client.post("/login", data={"username": "alice", "password": PASSWORD}).status_code == 302
    return client


def test_log_out_everywhere_ends_other_sessions(app, alice):
    phone, laptop = _logged_in_client(app), _logged_in_client(app)
    phone.post("/settings/logout-everywhere")
    assert laptop.get("/settings").status_code == 302   # back to the login page
    assert phone.get("/settings").status_code == 302


def test_password_change_ends_other_sessions_but_not_this_one(app, alice):
    phone, laptop = _logged_in_client(app), _logged_in_client(app)
    response = laptop.post("/settings/password", data={"current_password": PASSWORD,
                                                       "password": "a brand new password"})
    assert response.status_code == 302
    assert laptop.get("/settings").status_code == 200
    assert phone.get("/settings").status_code == 302
    assert services.authenticate("alice", "a brand new password") == alice


def test_suspension_ends_an_existing_session(app, alice):
    client = _logged_in_client(app)
    assert client.get("/settings").status_code == 200
    alice.suspended_until = utcnow() + timedelta(days=1)
    db.session.commit()
    assert client.get("/settings").status_code == 302


def test_a_forged_or_stale_cookie_id_loads_nobody(app, alice):
    from forum.security import load_user
    assert load_user(alice.get_id()) == alice
    assert load_user(f"{alice.id}:{alice.session_version + 1}") is None
    for bad in ("", "1", "x:1", "1:x", "99999999999999999999999:1", f"{alice.id}"):
        assert load_user(bad) is None


# --- throttling --------------------------------------------------------------------

def test_login_is_throttled_per_ip_with_a_clear_page(client, alice):
    for _ in range(6):
        client.post("/login", data={"username": "alice", "password": "wrong password!"})
    response = client.post("/login", data={"username": "alice", "password": PASSWORD})
    assert response.status_code == 429
    assert "Slow down" in response.get_data(as_text=True)


def test_login_is_throttled_per_account_across_ips(app, alice):
    client = app.test_client()
    for n in range(10):
        client.post("/login", data={"username": "alice", "password": "wrong password!"},
                    environ_base={"REMOTE_ADDR": f"10.0.0.{n}"})
    response = client.post("/login", data={"username": "ALICE", "password": PASSWORD},
                           environ_base={"REMOTE_ADDR": "10.0.1.1"})
    assert response.status_code == 429
    other = client.post("/login", data={"username": "bob", "password": PASSWORD},
                        environ_base={"REMOTE_ADDR": "10.0.1.2"})
    assert other.status_code != 429


def test_successful_logins_do_not_use_up_the_account_limit(app, alice):
    client = app.test_client()
    for n in range(12):
        response = client.post("/login", data={"username": "alice", "password": PASSWORD},
                               environ_base={"REMOTE_ADDR": f"10.0.2.{n}"})
        assert response.status_code == 302


def test_registration_is_throttled(client):
    for n in range(5):
        assert client.post("/register", data={"username": f"newbie{n}",
                                              "email": f"n{n}@example.org",
                                              "password": PASSWORD, "consent_health": "y",
                                              "accept_guidelines": "y"}).status_code == 302
        client.post("/logout")
    response = client.post("/register", data={"username": "newbie9", "email": "n9@example.org",
                                              "password": PASSWORD})
    assert response.status_code == 429
    assert db.session.query(User).filter_by(username="newbie9").count() == 0
