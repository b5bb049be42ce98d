"""Domain errors raised by services, and the error pages."""
from flask import Flask, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

from .extensions import db


class NotFound(Exception):
    """Missing, or not yours to see: both answer the same 404."""


class PermissionDenied(Exception):
    """Visible to you, but you may not do this."""


class ValidationFailed(Exception):
    """A rule of the service refused the input: a list of (field, message) pairs."""

    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__(errors)
        self.errors = errors


# Ids beyond a signed 64-bit integer cannot exist; refusing them early keeps the
# database driver from overflowing (STYLE.md, known trap 8).
MAX_ID = 2**63 - 1


def check_id(value: int) -> int:
    """`value` if it can be a row id, else NotFound (the same 404 as a missing row)."""
    if not 0 < value <= MAX_ID:
        raise NotFound()
    return value


def require(condition: bool) -> None:
    """Raise PermissionDenied unless `condition` holds (the result of a can_* question)."""
    if not condition:
        raise PermissionDenied()


ERROR_PAGES = {
    400: ("Something was wrong with that request",
          "The page could not make sense of what your browser sent. Go back and try again."),
    403: ("You can't do that here",
          "Your account is not allowed to do this. If you think that is a mistake, "
          "ask a moderator."),
    404: ("Page not found",
          "There is nothing here. It may have been moved or removed, or the address may be "
          "mistyped."),
    405: ("That doesn't work here",
          "This address does not accept that kind of request."),
    413: ("That was too large",
          "What you sent was larger than this forum accepts. If you were writing a post, "
          "make it shorter or split it into several."),
    429: ("Slow down a little",
          "Too many attempts in a short time. Wait a few minutes, then try again."),
    500: ("Something went wrong on our side",
          "The error has been logged. Please try again in a moment."),
}


def render_error(code: int, detail: str | None = None):
    title, message = ERROR_PAGES.get(code, ERROR_PAGES[500])
    return render_template("errors/error.html", code=code, title=title,
                           message=detail or message), code


def init_app(app: Flask) -> None:
    from .drafts import draft_from_request  # late: drafts needs the request helpers

    @app.errorhandler(NotFound)
    def not_found(_error):
        return render_error(404)

    @app.errorhandler(PermissionDenied)
    def permission_denied(_error):
        return render_error(403)

    @app.errorhandler(CSRFError)
    def csrf_failed(_error):
        # The form's token no longer matches the session (it expired, or the person
        # logged out in another tab): give back what they wrote, with a fresh form.
        reason = "session" if current_user.is_authenticated else "logged_out"
        return render_template("errors/resubmit.html", draft=draft_from_request(),
                               reason=reason), 400

    @app.errorhandler(DBAPIError)
    def database_unavailable(error):
        app.logger.exception("database error on %s %s", request.method, request.path)
        db.session.rollback()
        return render_template("errors/resubmit.html", draft=draft_from_request(),
                               reason="database"), 503

    @app.errorhandler(429)
    def too_many(_error):
        # A member who posts too fast keeps what they wrote: it comes back ready to send.
        draft = draft_from_request()
        if draft is not None:
            return render_template("errors/resubmit.html", draft=draft,
                                   reason="too_fast"), 429
        return render_error(429)

    @app.errorhandler(HTTPException)
    def http_error(error):
        return render_error(error.code or 500)

    @app.errorhandler(500)
    def internal_error(_error):
        draft = draft_from_request()
        if draft is not None:
            return render_template("errors/resubmit.html", draft=draft, reason="error"), 500
        return render_error(500)
