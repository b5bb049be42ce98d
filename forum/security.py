"""Login sessions, response headers and start-up checks."""
from flask import Flask, request
from flask_login import current_user

from config import DEV_SECRET_KEY

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
    if not app.config.get("REQUIRE_REAL_SECRET_KEY"):
        return
    key = app.config.get("SECRET_KEY")
    if not key or key == DEV_SECRET_KEY or len(key) < 32:
        raise InsecureConfiguration(
            "Set FORUM_SECRET_KEY to a long random value (at least 32 characters), e.g. "
            "python -c 'import secrets; print(secrets.token_urlsafe(48))'")


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


def init_app(app: Flask) -> None:
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
