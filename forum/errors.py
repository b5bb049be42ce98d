"""Domain errors raised by services, and the error pages."""
from flask import Flask, g, render_template, request, session
from flask_login import AnonymousUserMixin, current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
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


# The database is unreachable (connection refused or cut, pool exhausted).
DATABASE_ERRORS = (DBAPIError, PoolTimeout)


class OfflineVisitor(AnonymousUserMixin):
    """Stands in for whoever is asking while the database cannot say who they are.

    Signed in or not is read from the signed session cookie alone, so the "try again"
    page offers the right form; nothing else about them is known, so no page rendered
    with this visitor may ask more (base.html shows no member menu when
    `g.database_down`).
    """

    def __init__(self, signed_in: bool):
        self._signed_in = signed_in

    @property
    def is_authenticated(self):
        return self._signed_in

    @property
    def is_anonymous(self):
        return not self._signed_in


def database_gone() -> None:
    """From here on this request renders without the database."""
    try:
        db.session.rollback()
    except Exception:  # the connection is gone: throw the session away instead
        db.session.remove()
    g.database_down = True
    # Flask-Login keeps the request's user in g._login_user: replace it (and whatever was
    # loaded from the database, whose attributes can no longer be read).
    g._login_user = OfflineVisitor(bool(session.get("_user_id")))


def render_page(template: str, status: int, **context):
    """render_template that still answers when the database went away meanwhile."""
    if not g.get("database_down"):
        try:
            return render_template(template, **context), status
        except DATABASE_ERRORS:
            database_gone()
    return render_template(template, **context), status


def render_error(code: int, detail: str | None = None):
    title, message = ERROR_PAGES.get(code, ERROR_PAGES[500])
    return render_page("errors/error.html", code, code=code, title=title,
                       message=detail or message)


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

    def database_unavailable(error):
        # The route template, not the path: a path may carry what the person was after.
        rule = request.url_rule.rule if request.url_rule is not None else "<unmatched>"
        app.logger.error("database unavailable on %s %s: %s", request.method, rule,
                         type(error).__name__)
        database_gone()
        response = app.make_response(render_template(
            "errors/resubmit.html", draft=draft_from_request(), reason="database"))
        response.status_code = 503
        response.headers["Retry-After"] = "10"
        response.headers["Cache-Control"] = "no-store"
        return response

    for error_class in DATABASE_ERRORS:
        app.register_error_handler(error_class, database_unavailable)

    @app.errorhandler(429)
    def too_many(_error):
        # A member who posts too fast keeps what they wrote: it comes back ready to send.
        draft = draft_from_request()
        if draft is not None:
            return render_page("errors/resubmit.html", 429, draft=draft, reason="too_fast")
        return render_error(429)

    @app.errorhandler(HTTPException)
    def http_error(error):
        return render_error(error.code or 500)

    @app.errorhandler(500)
    def internal_error(error):
        if isinstance(getattr(error, "original_exception", None), DATABASE_ERRORS):
            return database_unavailable(error.original_exception)
        draft = draft_from_request()
        if draft is not None:
            return render_page("errors/resubmit.html", 500, draft=draft, reason="error")
        return render_error(500)
