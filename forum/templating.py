"""Jinja globals and filters: permissions, dates, pagination helpers."""
from datetime import datetime

from flask import Flask

from . import permissions
from .moderation.queries import count_waiting
from .resources.queries import list_helplines
from .models import is_indefinite, utcnow


_UNITS = (("minute", 60, 3600), ("hour", 3600, 86400), ("day", 86400, 7 * 86400))


def timeago(value: datetime) -> str:
    """'3 minutes ago', '2 days ago', or the date for anything older than a week."""
    seconds = int((utcnow() - value).total_seconds())
    if seconds < 60:
        return "just now"
    for unit, size, limit in _UNITS:
        if seconds < limit:
            n = seconds // size
            return f"{n} {unit}{'' if n == 1 else 's'} ago"
    return value.strftime("%-d %b %Y")


def until(value: datetime, style: str = "long") -> str:
    """The end of a sanction: "12 March 2027", or "further notice" when indefinite."""
    if is_indefinite(value):
        return "further notice"
    return value.strftime("%-d %B %Y" if style == "long" else "%-d %b %Y")


def init_app(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters["timeago"] = timeago
    # One question per post on the thread page (the macro `post_actions` draws the answer).
    app.jinja_env.globals["actions_for"] = permissions.post_actions
    app.jinja_env.filters["until"] = until
    app.jinja_env.filters["isotime"] = lambda value: value.isoformat(timespec="seconds")
    # Only moderators' pages call this (one COUNT query); see base.html.
    app.jinja_env.globals["moderation_waiting"] = count_waiting
    # Only a crisis message calls this (base.html).
    app.jinja_env.globals["list_helplines"] = list_helplines
    for name in dir(permissions):
        if name.startswith(("can_", "is_", "status_moves")):
            app.jinja_env.globals[name] = getattr(permissions, name)
