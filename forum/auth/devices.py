"""Device cookies (OWASP): browsers that have logged in to an account before.

Ten wrong passwords from anywhere would otherwise lock the real owner out of their account
for an hour. So a successful login leaves a long-lived signed cookie naming the account and
a random nonce; a later login attempt for that account that presents it is counted in a
bucket of its own (keyed by the nonce) instead of the bucket every stranger shares. The
signature keeps anyone from making one up; a copy stolen from the owner's browser only
buys its thief the same ten guesses an hour.

These helpers read the request's cookies and write the response's; they hold no state on
the server.
"""
import secrets

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

# A browser shared by a household keeps a place for a few accounts, most recent first.
MAX_ACCOUNTS_PER_DEVICE = 5
_SALT = "forum.device-cookie"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def _entries() -> list[tuple[int, str]]:
    """The (account id, nonce) pairs of this request's device cookie; [] if none or forged."""
    raw = request.cookies.get(current_app.config["DEVICE_COOKIE_NAME"])
    if not raw or len(raw) > 1024:
        return []
    max_age = current_app.config["DEVICE_COOKIE_DURATION"].total_seconds()
    try:
        value = _serializer().loads(raw, max_age=max_age)
    except BadSignature:  # includes SignatureExpired
        return []
    if not isinstance(value, list):
        return []
    return [(entry[0], entry[1]) for entry in value
            if isinstance(entry, list) and len(entry) == 2
            and isinstance(entry[0], int) and isinstance(entry[1], str)]


def has_device_cookie() -> bool:
    """Whether this request carries a device cookie at all (cheap: no signature check)."""
    return bool(request.cookies.get(current_app.config["DEVICE_COOKIE_NAME"]))


def device_nonce(account_id: int) -> str | None:
    """The nonce this browser holds for `account_id`, if it has logged in to it before."""
    return next((nonce for owner, nonce in _entries() if owner == account_id), None)


def remember_device(response, account_id: int):
    """Add (or refresh) `account_id` in this browser's device cookie; returns `response`."""
    config = current_app.config
    entries = _entries()
    nonce = next((n for owner, n in entries if owner == account_id), None)
    nonce = nonce or secrets.token_urlsafe(16)
    kept = [[owner, n] for owner, n in entries if owner != account_id]
    value = [[account_id, nonce], *kept][:MAX_ACCOUNTS_PER_DEVICE]
    response.set_cookie(config["DEVICE_COOKIE_NAME"], _serializer().dumps(value),
                        max_age=int(config["DEVICE_COOKIE_DURATION"].total_seconds()),
                        httponly=True, samesite="Lax",
                        secure=config["SESSION_COOKIE_SECURE"])  # Secure like the session's
    return response
