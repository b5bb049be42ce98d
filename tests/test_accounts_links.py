"""Verification, password reset and e-mail change: signed links, the same answers for
known and unknown addresses, and sessions ended when they must be."""
import re
import time

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import select

from forum.auth import services, tokens
from forum.extensions import db
from forum.models import OutboxMessage, User

from .factories import PASSWORD, make_category, make_user

NEW_PASSWORD = "a brand new passphrase"
REGISTRATION = {"consent_health": "y", "accept_guidelines": "y", "password": PASSWORD}


def outbox(kind=None, to=None):
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    messages = db.session.scalars(query).all()
    return [m for m in messages if (kind is None or m.kind == kind)
            and (to is None or m.to_address == to)]


def link_in(message) -> str:
    return re.search(r"https?://\S+/(?:verify|reset|settings/email)/[\w.-]+",
                     message.text).group(0)


def path_of(link: str) -> str:
    return re.sub(r"^https?://[^/]+", "", link)


def made_in_the_past(monkeypatch, seconds: int, make):
    real = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp",
                        lambda self: int(time.time()) - seconds)
    try:
        return make()
    finally:
        monkeypatch.setattr(TimestampSigner, "get_timestamp", real)


# --- registration and verification ------------------------------------------------------

def test_registration_queues_a_verification_link_and_the_account_cannot_post(app, client):
    response = client.post("/register", data={"username": "carol",
                                              "email": "carol@example.org", **REGISTRATION})
    assert response.status_code == 302
    carol = db.session.scalar(select(User).where(User.username == "carol"))
    assert carol.email_verified_at is None
    assert carol.health_consent_version == app.config["PRIVACY_POLICY_VERSION"]
    [mail] = outbox("verify")
    assert mail.to_address == "carol@example.org" and mail.user_id == carol.id
    assert link_in(mail).startswith("http://localhost:5000/verify/")
    from forum.permissions import can_post
    assert not can_post(carol)
    client.post("/login", data={"username": "carol", "password": PASSWORD})
    category = make_category()
    page = client.post(f"/c/{category.slug}/new", data={"title": "Hello there",
                                                        "body": "My first post."})
    assert page.status_code in (403, 404)
    # The link: GET shows a button (mail scanners change nothing), POST confirms.
    path = path_of(link_in(mail))
    assert client.get(path).status_code == 200
    db.session.expire_all()
    assert db.session.get(User, carol.id).email_verified_at is None
    assert client.post(path).status_code == 302
    db.session.expire_all()
    carol = db.session.get(User, carol.id)
    assert carol.email_verified_at is not None and can_post(carol)


def test_the_development_page_shows_the_link(client):
    client.post("/register", data={"username": "carol", "email": "carol@example.org",
                                   **REGISTRATION})
    page = client.get("/register/check-email").get_data(as_text=True)
    assert "Check your e-mail" in page
    assert link_in(outbox("verify")[0]) in page


def test_verification_link_expires_after_48_hours(app, monkeypatch):
    user = make_user("carol")
    user.email_verified_at = None
    db.session.commit()
    stale = made_in_the_past(monkeypatch, 48 * 3600 + 5, lambda: tokens.verification_token(user))
    fresh = made_in_the_past(monkeypatch, 47 * 3600, lambda: tokens.verification_token(user))
    with pytest.raises(tokens.InvalidToken):
        services.verify_email(stale)
    assert services.verify_email(fresh).email_verified_at is not None


def test_forged_or_tampered_links_are_refused(client, alice):
    token = tokens.reset_token(alice)
    for bad in (token[:-2] + "xx", "nonsense", "a" * 2000):
        assert client.get(f"/reset/{bad}").status_code in (400, 404)
        assert client.post(f"/verify/{bad}").status_code == 400


@pytest.mark.parametrize("known", [True, False])
def test_registering_a_known_address_answers_like_a_new_one(app, client, alice, known):
    app.config["MAIL_SHOW_LINKS_ON_PAGE"] = False
    address = "alice@example.org" if known else "nobody@example.org"
    response = client.post("/register", data={"username": "newcomer", "email": address,
                                              **REGISTRATION})
    assert response.status_code == 302
    assert response.location.endswith("/register/check-email")
    page = client.get(response.location).get_data(as_text=True)
    assert "Check your e-mail" in page and services.EMAIL_TAKEN not in page
    if known:
        [mail] = outbox()
        assert mail.kind == "account_exists" and mail.to_address == "alice@example.org"
        assert "/reset/" in link_in(mail)
        assert db.session.scalar(select(User).where(User.username == "newcomer")) is None
    else:
        assert [m.kind for m in outbox()] == ["verify"]


def test_the_two_answers_are_byte_for_byte_the_same(app, alice):
    app.config["MAIL_SHOW_LINKS_ON_PAGE"] = False
    pages = []
    for n, address in enumerate(["alice@example.org", "stranger@example.org"]):
        client = app.test_client()
        response = client.post("/register", data={"username": f"newcomer{n}", "email": address,
                                                  **REGISTRATION})
        pages.append((response.status_code, response.location,
                      client.get(response.location).get_data(as_text=True)))
    assert pages[0] == pages[1]


def test_a_taken_name_is_still_reported_with_the_input_kept(client, alice):
    page = client.post("/register", data={"username": "Alice", "email": "x@example.org",
                                          **REGISTRATION})
    assert page.status_code == 422
    assert "looks too much like one" in page.get_data(as_text=True)


def test_registration_needs_both_consents_separately(client):
    page = client.post("/register", data={"username": "carol", "email": "c@example.org",
                                          "password": PASSWORD})
    text = page.get_data(as_text=True)
    assert page.status_code == 422
    assert services.CONSENT_NEEDED.split(":")[0] in text
    assert services.GUIDELINES_NEEDED.split(":")[1].strip() in text
    assert db.session.scalar(select(User.id)) is None
    page = client.post("/register", data={"username": "carol", "email": "c@example.org",
                                          "password": PASSWORD, "accept_guidelines": "y"})
    assert page.status_code == 422 and db.session.scalar(select(User.id)) is None


# --- password reset --------------------------------------------------------------------

@pytest.mark.parametrize("address", ["alice@example.org", "ALICE@example.org",
                                     "nobody@example.org", "not an address"])
def test_reset_answers_the_same_for_any_address(app, client, alice, address):
    app.config["MAIL_SHOW_LINKS_ON_PAGE"] = False
    response = client.post("/reset", data={"email": address})
    assert response.status_code == 302 and response.location.endswith("/reset/sent")
    page = client.get("/reset/sent").get_data(as_text=True)
    assert "If an account uses that address" in page
    sent = outbox("reset")
    assert len(sent) == (1 if "alice" in address.lower() else 0)


def test_reset_link_works_once_and_ends_every_session(app, client, alice, login):
    elsewhere = login(alice)
    assert elsewhere.get("/settings").status_code == 200
    link = services.request_reset("alice@example.org")
    path = path_of(link)
    assert client.get(path).status_code == 200
    response = client.post(path, data={"password": NEW_PASSWORD})
    assert response.status_code == 302 and response.location.endswith("/login")
    assert elsewhere.get("/settings").status_code == 302  # logged out there
    # Once: the link was bound to the old password hash.
    assert client.get(path).status_code == 400
    assert client.post(path, data={"password": "yet another passphrase"}).status_code == 400
    assert client.post("/login", data={"username": "alice", "password": PASSWORD}) \
        .status_code == 200
    assert client.post("/login", data={"username": "alice", "password": NEW_PASSWORD}) \
        .status_code == 302
    assert [m.kind for m in outbox(to="alice@example.org")] == ["reset", "password_changed"]


def test_reset_link_expires_after_an_hour(app, client, alice, monkeypatch):
    stale = made_in_the_past(monkeypatch, 3600 + 5, lambda: tokens.reset_token(alice))
    assert client.get(f"/reset/{stale}").status_code == 400
    assert client.post(f"/reset/{stale}", data={"password": NEW_PASSWORD}).status_code == 400
    fresh = made_in_the_past(monkeypatch, 3500, lambda: tokens.reset_token(alice))
    assert client.post(f"/reset/{fresh}", data={"password": NEW_PASSWORD}).status_code == 302


def test_a_reset_link_is_never_built_from_the_host_header(app, alice):
    app.config["TRUSTED_HOSTS"] = None  # even a proxy that passes any Host through
    app.config["SERVER_NAME_FOR_LINKS"] = "https://forum.example.org"
    client = app.test_client()
    client.post("/reset", data={"email": "alice@example.org"},
                headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"})
    [mail] = outbox("reset")
    assert "evil.example" not in mail.text
    assert link_in(mail).startswith("https://forum.example.org/reset/")


def test_a_too_short_new_password_keeps_the_link_usable(client, alice):
    path = path_of(services.request_reset("alice@example.org"))
    page = client.post(path, data={"password": "short"})
    assert page.status_code == 422 and "Use 10 to 128 characters" in page.get_data(as_text=True)
    assert client.post(path, data={"password": NEW_PASSWORD}).status_code == 302


def test_forgot_password_is_linked_from_login_failure_and_throttling(app, client, alice):
    assert 'href="/reset"' in client.get("/login").get_data(as_text=True)
    failed = client.post("/login", data={"username": "alice", "password": "wrong password!"})
    assert failed.get_data(as_text=True).count('href="/reset"') >= 2
    for _ in range(10):
        response = client.post("/login", data={"username": "alice", "password": "wrong!!!!!!"})
    assert response.status_code == 429
    assert 'href="/reset"' in response.get_data(as_text=True)


# --- e-mail and password changes ------------------------------------------------------------

def test_change_email_needs_the_password_and_confirmation_and_tells_the_old_address(
        app, alice, login):
    client = login(alice)
    wrong = client.post("/settings/email", data={"email": "new@example.org",
                                                 "password": "not my password"})
    assert wrong.status_code == 422 and outbox() == []
    client.post("/settings/email", data={"email": "new@example.org", "password": PASSWORD})
    [confirm] = outbox("email_change")
    assert confirm.to_address == "new@example.org"
    db.session.expire_all()
    assert db.session.get(User, alice.id).email == "alice@example.org"  # not yet
    path = path_of(link_in(confirm))
    assert client.get(path).status_code == 200
    assert client.post(path).status_code == 302
    db.session.expire_all()
    alice = db.session.get(User, alice.id)
    assert alice.email == "new@example.org" and alice.email_verified_at is not None
    [told] = outbox("email_changed")
    assert told.to_address == "alice@example.org"
    assert client.post(path).status_code == 400  # bound to the old address: once


def test_change_email_to_an_address_in_use_changes_nothing(app, alice, bob):
    link = services.request_email_change(alice, PASSWORD, "bob@example.org")
    client = app.test_client()
    response = client.post(path_of(link))
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(User, alice.id).email == "alice@example.org"


def test_password_change_ends_other_sessions_and_tells_the_member(alice, login):
    here, elsewhere = login(alice), login(alice)
    response = here.post("/settings/password", data={"current_password": PASSWORD,
                                                     "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert here.get("/settings").status_code == 200
    assert elsewhere.get("/settings").status_code == 302
    assert [m.kind for m in outbox()] == ["password_changed"]


def test_log_out_everywhere_ends_every_session(alice, login):
    here, elsewhere = login(alice), login(alice)
    here.post("/settings/logout-everywhere")
    assert here.get("/settings").status_code == 302
    assert elsewhere.get("/settings").status_code == 302


def test_no_account_mail_subject_holds_what_a_member_wrote(app, client, alice):
    services.request_reset("alice@example.org")
    services.request_email_change(alice, PASSWORD, "other@example.org")
    client.post("/register", data={"username": "xavier", "email": "alice@example.org",
                                   **REGISTRATION})
    subjects = {m.subject for m in outbox()}
    assert subjects == {"Reset your password", "Confirm your new e-mail address",
                        "Someone tried to register with your address"}
