"""Two-factor sign-in: TOTP (RFC 6238, any authenticator app) and one-time recovery codes.

The QR code is drawn here (segno, as inline SVG): the secret never leaves the server
except to the member's own browser.
"""
import hashlib
import hmac
import secrets
import time
from datetime import datetime

import pyotp
import segno
from flask import current_app
from markupsafe import Markup
from sqlalchemy import select, update

from ..errors import ValidationFailed
from ..extensions import db
from ..models import RecoveryCode, User, utcnow
from ..passwords import verify_password
from .services import WRONG_PASSWORD, _account_mail

RECOVERY_CODES = 10
STEP = 30  # seconds per TOTP code
WRONG_CODE = "That code is not right (or was used already). Try the newest code in your app."


def issuer() -> str:
    return current_app.config.get("SITE_NAME") or "Forum"


def begin_setup(user: User) -> str:
    """A new secret for the member to add to their app (not active until confirmed)."""
    if user.has_two_factor:
        raise ValidationFailed([("code", "Two-factor sign-in is already on.")])
    user.totp_secret = pyotp.random_base32()
    db.session.commit()
    return user.totp_secret


def provisioning_uri(user: User) -> str:
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.username,
                                                         issuer_name=issuer())


def qr_svg(uri: str) -> Markup:
    """The otpauth:// URI as an inline SVG image with a text alternative."""
    svg = segno.make(uri, error="m").svg_inline(
        scale=4, border=4, dark="#000", light="#fff",
        title="QR code of the secret for your authenticator app")
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))


def _step_matching(secret: str, code: str, now: float) -> int | None:
    """The time step `code` belongs to (now, or one step either side for clock drift)."""
    code = "".join(code.split())
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = int(now // STEP)
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _accept_totp(user: User, code: str, now: float | None) -> bool:
    step = _step_matching(user.totp_secret or "", code, time.time() if now is None else now)
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return False  # wrong, or already used: a code works once
    # Conditional, so two logins racing with one code cannot both succeed.
    changed = db.session.execute(
        update(User).where(User.id == user.id,
                           (User.totp_last_step.is_(None)) | (User.totp_last_step < step))
        .values(totp_last_step=step).execution_options(synchronize_session=False)).rowcount
    user.totp_last_step = step
    return changed == 1


def confirm_setup(user: User, code: str, *, now: float | None = None) -> list[str]:
    """The first code from the app proves it holds the secret: two-factor is on. Returns
    the recovery codes, shown once."""
    if user.has_two_factor or not user.totp_secret:
        raise ValidationFailed([("code", "Start the set-up again.")])
    if not _accept_totp(user, code, now):
        raise ValidationFailed([("code", WRONG_CODE)])
    user.totp_enabled_at = utcnow()
    codes = _new_recovery_codes(user)
    user.session_version += 1  # other sessions were opened without the second factor
    _account_mail(user, "two_factor_changed", "Two-factor sign-in was turned on")
    db.session.commit()
    return codes


def _code_hash(code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    normal = "".join(ch for ch in code.lower() if ch.isalnum())
    return hmac.new(key, normal.encode(), hashlib.sha256).hexdigest()


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(update(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow()).execution_options(synchronize_session=False))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = secrets.token_hex(5)  # 40 bits, and tries are throttled like passwords
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_code_hash(raw)))
    return codes


def regenerate_recovery_codes(user: User, code: str) -> list[str]:
    if not user.has_two_factor or not _accept_totp(user, code, None):
        raise ValidationFailed([("code", WRONG_CODE)])
    codes = _new_recovery_codes(user)
    db.session.commit()
    return codes


def _accept_recovery_code(user: User, code: str) -> bool:
    found = db.session.scalar(select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _code_hash(code),
        RecoveryCode.used_at.is_(None)))
    if found is None:
        return False
    return db.session.execute(
        update(RecoveryCode).where(RecoveryCode.id == found.id, RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow()).execution_options(synchronize_session=False)).rowcount == 1


def check_second_factor(user: User, code: str, *, now: float | None = None) -> bool:
    """A current TOTP code or an unused recovery code; either works once. Commits."""
    if not user.has_two_factor:
        return False
    code = (code or "").strip()[:40]
    accepted = _accept_totp(user, code, now) or _accept_recovery_code(user, code)
    db.session.commit()
    return accepted


def remaining_recovery_codes(user: User) -> int:
    return db.session.scalar(select(db.func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0


def disable(user: User, password: str, code: str) -> None:
    """Turn two-factor off: needs the password and a code. Staff keep it when required."""
    if must_have_two_factor(user):
        raise ValidationFailed([("code", "Moderators and admins must keep two-factor "
                                         "sign-in on.")])
    errors = []
    if not verify_password(user.password_hash, password):
        errors.append(("password", WRONG_PASSWORD))
    if not errors and not (_accept_totp(user, code, None) or _accept_recovery_code(user, code)):
        errors.append(("code", WRONG_CODE))
    if errors:
        db.session.rollback()
        raise ValidationFailed(errors)
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(update(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                                  RecoveryCode.used_at.is_(None))
                       .values(used_at=utcnow()).execution_options(synchronize_session=False))
    _account_mail(user, "two_factor_changed", "Two-factor sign-in was turned off")
    db.session.commit()


def must_have_two_factor(user) -> bool:
    """Staff must use two-factor sign-in when REQUIRE_2FA_FOR_STAFF (production)."""
    return (user.is_authenticated and user.is_moderator
            and bool(current_app.config.get("REQUIRE_2FA_FOR_STAFF")))


def current_code(user: User, at: datetime | None = None) -> str:
    """What the member's app shows now (tests, and nothing else, use this)."""
    return pyotp.TOTP(user.totp_secret).at(at or utcnow())
