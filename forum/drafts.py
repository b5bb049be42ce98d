"""What a person was writing, recovered from a request that could not be completed.

Whenever a post cannot be saved (the session or CSRF token expired, the database was
unreachable, an unexpected error), the answer gives the text back in a form that can
send it again. The draft travels in the page itself; nothing is stored on the server.
"""
import re
from dataclasses import dataclass

from flask import request

# The only places a draft may be sent back to: the forms that write posts.
_DRAFT_ACTIONS = (
    re.compile(r"/t/\d{1,18}/reply"),
    re.compile(r"/c/[a-z0-9-]{1,60}/new"),
    re.compile(r"/p/\d{1,18}/edit"),
)


@dataclass(frozen=True)
class Draft:
    action: str
    body: str
    title: str | None = None
    # Kept from the first attempt, so that a retry of a post that did get saved
    # finds it instead of posting it twice.
    idempotency_key: str | None = None

    @property
    def submit_label(self) -> str:
        if self.action.endswith("/reply"):
            return "Reply"
        return "Save" if self.action.endswith("/edit") else "Post"


_KEY = re.compile(r"[0-9a-f]{1,64}")


def _text(value: str | None) -> str | None:
    """The text without NUL characters, which no database column may hold."""
    return value.replace("\x00", "") if value is not None else None


def _key(form) -> str | None:
    key = form.get("idempotency_key", "")
    return key if _KEY.fullmatch(key) else None


def is_draft_action(path: str) -> bool:
    return any(pattern.fullmatch(path) for pattern in _DRAFT_ACTIONS)


def draft_from_request() -> Draft | None:
    """The text of the current POST, if it was one of ours; never raises."""
    try:
        if request.method != "POST" or not is_draft_action(request.path):
            return None
        body = _text(request.form.get("body", ""))
        title = _text(request.form.get("title"))
    except Exception:  # a body we cannot even parse has nothing to give back
        return None
    if not body and not title:
        return None
    return Draft(action=request.path, body=body, title=title, idempotency_key=_key(request.form))


def draft_from_login_form(form) -> Draft | None:
    """A draft carried through the login form (see errors/resubmit.html)."""
    action = form.get("draft_action", "")
    if not is_draft_action(action):
        return None
    body = _text(form.get("draft_body", ""))
    title = _text(form.get("draft_title"))
    if not body and not title:
        return None
    return Draft(action=action, body=body, title=title, idempotency_key=_key(form))
