"""What happened to a post, announced by its one owner (forum/threads/lifecycle.py).

Search indexing, notifications, the page cache, export and erasure listen here instead of
each finding its own way into the services. A listener is a plain function called inside
the writer's transaction, before it commits: whatever it adds to the session is saved with
the change that caused it, or rolled back with it. Listeners never commit.
"""
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum


class PostEvent(StrEnum):
    # The post can now be read by anyone who may read its thread (published: new, approved
    # or restored).
    BECAME_VISIBLE = "became_visible"
    # It no longer can (hidden, deleted by its author, or its text was removed).
    STOPPED_BEING_VISIBLE = "stopped_being_visible"
    # A visible post's text (or, for an opening post, its thread's title) was rewritten.
    TEXT_CHANGED = "text_changed"


@dataclass(frozen=True)
class Announcement:
    event: PostEvent
    post: object          # forum.models.Post (not imported: this module sits below models)
    actor_id: int | None  # who caused it; None for the system
    # Why, in the writer's words: "reply", "approved", "restored", "hidden", "deleted",
    # "edited", "moderator edit" ...
    cause: str


Listener = Callable[[Announcement], None]
_listeners: dict[PostEvent, list[Listener]] = defaultdict(list)


def subscribe(event: PostEvent, listener: Listener) -> Listener:
    """Call `listener` for every `event` from now on; returns it (usable as a decorator
    through functools.partial, or called directly at import time of the listening area)."""
    if listener not in _listeners[event]:
        _listeners[event].append(listener)
    return listener


def unsubscribe(event: PostEvent, listener: Listener) -> None:
    if listener in _listeners[event]:
        _listeners[event].remove(listener)


def announce(event: PostEvent, post, *, actor_id: int | None, cause: str) -> None:
    """Tell every listener, in order of subscription. A listener's exception propagates:
    the writer's transaction then rolls back, so nothing is half-announced."""
    announcement = Announcement(event=event, post=post, actor_id=actor_id, cause=cause)
    for listener in tuple(_listeners[event]):
        listener(announcement)
