"""Two-factor sign-in: set-up with a locally drawn QR code, login with a code, recovery
codes used once, staff made to set it up, throttled like the password."""
import re
import time

import pyotp
import pytest
from sqlalchemy import select

from forum.auth import twofactor
from forum.extensions import db
from forum.models import RecoveryCode, Role, User

from .factories import PASSWORD, make_user


def turn_on(user) -> list[str]:
    twofactor.begin_setup(user)
    return twofactor.confirm_setup(user, pyotp.TOTP(user.totp_secret).now())


def login_with_password(client, name="alice"):
    return client.post("/login", data={"username": name, "password": PASSWORD})


def code_for(user, *, steps_ahead: int = 0) -> str:
    return pyotp.TOTP(user.totp_secret).at(time.time() + steps_ahead * 30)


def test_set_up_from_settings_with_a_local_qr_code(alice, login):
    client = login(alice)
    page = client.get("/settings/two-factor").get_data(as_text=True)
    assert "Set up two-factor sign-in" in page
    client.post("/settings/two-factor/start")
    page = client.get("/settings/two-factor").get_data(as_text=True)
    assert "<svg" in page and 'role="img"' in page and "<title>" in page
    assert "http" not in page.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org", "")  # drawn here: no image from elsewhere
    db.session.expire_all()
    secret = db.session.get(User, alice.id).totp_secret
    assert secret in page
    wrong = client.post("/settings/two-factor/confirm", data={"code": "000000"})
    assert wrong.status_code == 422 and twofactor.WRONG_CODE in wrong.get_data(as_text=True)
    done = client.post("/settings/two-factor/confirm",
                       data={"code": pyotp.TOTP(secret).now()})
    codes = re.findall(r"<code>([0-9a-f]{5}-[0-9a-f]{5})</code>", done.get_data(as_text=True))
    assert len(codes) == twofactor.RECOVERY_CODES
    db.session.expire_all()
    assert db.session.get(User, alice.id).has_two_factor
    # Stored as HMACs only.
    stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert not set(codes) & set(stored)
    assert client.get("/settings").status_code == 200  # this session goes on


def test_login_asks_for_the_code_and_a_code_works_once(app, alice):
    turn_on(alice)
    client = app.test_client()
    response = login_with_password(client)
    assert response.status_code == 302 and response.location.endswith("/login/code")
    assert client.get("/settings").status_code == 302  # not logged in yet
    code = code_for(alice, steps_ahead=1)
    assert client.post("/login/code", data={"code": code}).status_code == 302
    assert client.get("/settings").status_code == 200
    other = app.test_client()
    login_with_password(other)
    refused = other.post("/login/code", data={"code": code})  # replayed
    assert refused.status_code == 422
    assert other.get("/settings").status_code == 302


def test_a_recovery_code_works_once(app, alice):
    codes = turn_on(alice)
    first = app.test_client()
    login_with_password(first)
    assert first.post("/login/code", data={"code": codes[0].upper()}).status_code == 302
    second = app.test_client()
    login_with_password(second)
    assert second.post("/login/code", data={"code": codes[0]}).status_code == 422
    assert second.post("/login/code", data={"code": codes[1]}).status_code == 302
    assert twofactor.remaining_recovery_codes(alice) == twofactor.RECOVERY_CODES - 2


def test_the_second_step_is_throttled_per_account(app, alice):
    turn_on(alice)
    limit = int(app.config["TWO_FACTOR_LIMITS_PER_ACCOUNT"].split("/")[0])
    client = app.test_client()
    login_with_password(client)
    for n in range(limit):
        assert client.post("/login/code", data={"code": f"{n:06d}"},
                           environ_base={"REMOTE_ADDR": f"10.9.0.{n}"}).status_code == 422
    blocked = client.post("/login/code", data={"code": code_for(alice)},
                          environ_base={"REMOTE_ADDR": "10.9.1.1"})
    assert blocked.status_code == 429


def test_the_password_step_does_not_count_as_logged_in_for_long(app, alice, monkeypatch):
    turn_on(alice)
    client = app.test_client()
    login_with_password(client)
    later = time.time() + 601
    monkeypatch.setattr("forum.auth.routes.time.time", lambda: later)
    response = client.post("/login/code", data={"code": code_for(alice)})
    assert response.status_code == 302 and response.location.endswith("/login")
    assert client.get("/settings").status_code == 302


def test_turning_it_on_ends_other_sessions(alice, login):
    other = login(alice)
    assert other.get("/settings").status_code == 200
    turn_on(alice)
    assert other.get("/settings").status_code == 302


def test_turning_it_off_needs_password_and_code(alice, login):
    turn_on(alice)
    client = login(alice)
    refused = client.post("/settings/two-factor/disable",
                          data={"password": "wrong password", "code": code_for(alice)})
    assert refused.status_code == 422
    db.session.expire_all()
    assert db.session.get(User, alice.id).has_two_factor
    client.post("/settings/two-factor/disable",
                data={"password": PASSWORD, "code": code_for(alice, steps_ahead=1)})
    db.session.expire_all()
    alice = db.session.get(User, alice.id)
    assert not alice.has_two_factor and alice.totp_secret is None


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.ADMIN])
def test_staff_are_made_to_set_it_up_first(app, login, role):
    app.config["REQUIRE_2FA_FOR_STAFF"] = True
    staff = make_user("staffer", role=role)
    client = login(staff)
    for path in ("/", "/mod/queue", "/settings"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.location.endswith("/settings/two-factor")
    assert client.get("/settings/two-factor").status_code == 200
    client.post("/settings/two-factor/start")
    db.session.expire_all()
    staff = db.session.get(User, staff.id)
    client.post("/settings/two-factor/confirm", data={"code": code_for(staff)})
    assert client.get("/").status_code == 200
    # ... and cannot turn it off again.
    refused = client.post("/settings/two-factor/disable",
                          data={"password": PASSWORD, "code": code_for(staff, steps_ahead=1)})
    assert refused.status_code == 422
    db.session.expire_all()
    assert db.session.get(User, staff.id).has_two_factor


def test_members_are_not_made_to(app, alice, login):
    app.config["REQUIRE_2FA_FOR_STAFF"] = True
    assert login(alice).get("/").status_code == 200


def test_production_requires_it_for_staff_by_default():
    from config import Config, ProductionConfig
    assert ProductionConfig.REQUIRE_2FA_FOR_STAFF and not Config.REQUIRE_2FA_FOR_STAFF


def test_new_recovery_codes_replace_the_old(alice, login):
    old = turn_on(alice)
    client = login(alice)
    page = client.post("/settings/two-factor/recovery-codes",
                       data={"code": code_for(alice, steps_ahead=1)}).get_data(as_text=True)
    new = re.findall(r"<code>([0-9a-f]{5}-[0-9a-f]{5})</code>", page)
    assert len(new) == twofactor.RECOVERY_CODES and not set(new) & set(old)
    assert not twofactor.check_second_factor(alice, old[0])
    assert twofactor.check_second_factor(alice, new[0])
