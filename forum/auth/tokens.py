"""Signed, expiring links for mail (itsdangerous), and where those links point.

A token's payload is only signed, not hidden, so it carries fingerprints (an HMAC) of the
values it is bound to, never the values: a reset link is bound to the current password
hash, so it works once and dies when the password changes; a verification link to the
address it was sent to.
"""
import hashlib
import hmac
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..extensions import db
from ..models import User

VERIFY_MAX_AGE = timedelta(hours=48)
RESET_MAX_AGE = timedelta(hours=1)
EMAIL_CHANGE_MAX_AGE = timedelta(hours=48)

VERIFY, RESET, EMAIL_CHANGE = "forum.verify-email", "forum.reset-password", "forum.change-email"
_MAX_AGES = {VERIFY: VERIFY_MAX_AGE, RESET: RESET_MAX_AGE, EMAIL_CHANGE: EMAIL_CHANGE_MAX_AGE}


class InvalidToken(Exception):
    """Forged, expired, already used, or for an account that changed since."""


def fingerprint(value: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:24]


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=purpose)


def make(purpose: str, user: User, **extra) -> str:
    return _serializer(purpose).dumps({"u": user.id, **extra})


def read(purpose: str, token: str, *, now=None) -> tuple[User, dict]:
    """The account a token was made for, and its payload; InvalidToken otherwise."""
    if not token or len(token) > 1000:
        raise InvalidToken()
    try:
        payload = _serializer(purpose).loads(
            token, max_age=int(_MAX_AGES[purpose].total_seconds()))
    except BadSignature as error:  # SignatureExpired is one
        raise InvalidToken() from error
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        raise InvalidToken()
    user = db.session.get(User, payload["u"])
    if user is None or user.is_erased:
        raise InvalidToken()
    return user, payload


def verification_token(user: User) -> str:
    return make(VERIFY, user, e=fingerprint(user.email_key))


def read_verification_token(token: str) -> User:
    user, payload = read(VERIFY, token)
    if not hmac.compare_digest(str(payload.get("e", "")), fingerprint(user.email_key)):
        raise InvalidToken()
    return user


def reset_token(user: User) -> str:
    return make(RESET, user, p=fingerprint(user.password_hash))


def read_reset_token(token: str) -> User:
    user, payload = read(RESET, token)
    if not hmac.compare_digest(str(payload.get("p", "")), fingerprint(user.password_hash)):
        raise InvalidToken()  # used already (the password changed), or superseded
    return user


def email_change_token(user: User, new_address: str) -> str:
    return make(EMAIL_CHANGE, user, e=fingerprint(user.email_key), n=new_address)


def read_email_change_token(token: str) -> tuple[User, str]:
    user, payload = read(EMAIL_CHANGE, token)
    new_address = payload.get("n")
    if not isinstance(new_address, str) or not hmac.compare_digest(
            str(payload.get("e", "")), fingerprint(user.email_key)):
        raise InvalidToken()
    return user, new_address


def site_url() -> str:
    """The forum's public address, from configuration only (never a request's Host)."""
    config = current_app.config
    base = config.get("SERVER_NAME_FOR_LINKS")
    if not base:
        hosts = config.get("TRUSTED_HOSTS") or ["localhost"]
        base = hosts[0].lstrip(".")
    if "://" not in base:
        base = f"{config.get('PREFERRED_URL_SCHEME') or 'https'}://{base}"
    return base.rstrip("/")


def link(path: str) -> str:
    return site_url() + path
