"""Per-member limits on writing: posts, edits and flags (Flask-Limiter).

The limits are config strings (Flask-Limiter's notation) that admins can tune; accounts
that are new (permissions.is_new_member) get the stricter NEW_MEMBER_* ones. Buckets are
per account, so a member cannot spread bursts over several addresses, and a shared
address (a clinic, a library) does not throttle everyone behind it.
"""
from flask import current_app
from flask_limiter.util import get_remote_address
from flask_login import current_user

from .permissions import is_new_member


def member_limits(kind: str):
    """A callable for `limiter.limit`: the config's `<kind>_LIMITS`, or the stricter
    `NEW_MEMBER_<kind>_LIMITS` for a new account."""
    def limits() -> str:
        new = current_user.is_authenticated and is_new_member(current_user)
        return current_app.config[f"NEW_MEMBER_{kind}_LIMITS" if new else f"{kind}_LIMITS"]
    return limits


def member_key() -> str:
    if current_user.is_authenticated:
        return f"member:{current_user.id}"
    return f"address:{get_remote_address()}"
