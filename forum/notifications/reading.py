"""Unread: how far each member has read each thread (one `thread_states` row per member
and thread, which also holds whether they watch it).

A thread page reads the row once (one query) and writes it at most once, only when the
page shows posts further on than the member had read. A thread list reads the rows of its
threads in one query. "Mark all read" for a category is one INSERT ... SELECT.
"""
from dataclasses import dataclass

from flask import after_this_request

from sqlalchemy import func, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError

from ..extensions import db
from ..models import PostStatus, Thread, ThreadState, utcnow


def _insert():
    dialect = db.session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(ThreadState)


def _greatest(a, b):
    name = db.session.get_bind().dialect.name
    return func.greatest(a, b) if name == "postgresql" else func.max(a, b)


def upsert_state(user_id: int, thread_id: int, *, read_position: int | None = None,
                 watch: str | None = None, set_watch: bool = False,
                 watch_if_unset: str | None = None) -> None:
    """Move a member's read position forward and/or set their watch, in one statement.
    Never commits."""
    statement = _insert().values(user_id=user_id, thread_id=thread_id,
                                 last_read_position=read_position or 0,
                                 watch=watch if set_watch else watch_if_unset,
                                 updated_at=utcnow())
    changes = {"updated_at": statement.excluded.updated_at}
    if read_position is not None:
        changes["last_read_position"] = _greatest(ThreadState.last_read_position,
                                                  statement.excluded.last_read_position)
    if set_watch:
        changes["watch"] = statement.excluded.watch
    elif watch_if_unset is not None:
        changes["watch"] = func.coalesce(ThreadState.watch, statement.excluded.watch)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=[ThreadState.user_id, ThreadState.thread_id], set_=changes))


def get_state(viewer, thread) -> ThreadState | None:
    """The viewer's row for `thread` (one query), None for guests and first visits."""
    if not viewer.is_authenticated:
        return None
    return db.session.get(ThreadState, (viewer.id, thread.id))


def record_reading(viewer, thread, state: ThreadState | None, last_position_shown: int) -> bool:
    """After a page of `thread` was shown: remember it was read that far (one write,
    committed on its own, and only when it moves the position forward). Reading state is
    a convenience: a write that loses a race for the database lock is dropped."""
    if not viewer.is_authenticated or last_position_shown <= 0:
        return False
    if state is not None and state.last_read_position >= last_position_shown:
        return False
    try:
        db.session.commit()  # end the page's read transaction before this small write
        upsert_state(viewer.id, thread.id, read_position=last_position_shown)
        db.session.commit()
    except OperationalError:
        db.session.rollback()
        return False
    return True


@dataclass(frozen=True)
class Unread:
    new: bool          # never opened
    count: int         # posts after the last one read (0: all read)
    first_position: int


def unread_of(viewer, thread, state: ThreadState | None) -> Unread | None:
    """What the viewer has not read in `thread`, or None when nothing (or a guest)."""
    if not viewer.is_authenticated:
        return None
    if state is None or state.last_read_position == 0:
        # Threads from before the member joined are not "new" to them.
        if thread.last_post_at is not None and viewer.created_at is not None \
                and thread.last_post_at < viewer.created_at:
            return None
        return Unread(new=True, count=thread.last_position, first_position=1)
    if thread.last_position > state.last_read_position:
        return Unread(new=False, count=thread.last_position - state.last_read_position,
                      first_position=state.last_read_position + 1)
    return None


def states_for(viewer, threads) -> dict[int, ThreadState]:
    """The viewer's rows for a list of threads: one query (none for guests or no threads)."""
    if not viewer.is_authenticated or not threads:
        return {}
    return {state.thread_id: state for state in db.session.scalars(
        select(ThreadState).where(ThreadState.user_id == viewer.id,
                                  ThreadState.thread_id.in_([t.id for t in threads])))}


def unread_map(viewer, threads) -> dict[int, Unread]:
    states = states_for(viewer, threads)
    marks = {}
    for thread in threads:
        unread = unread_of(viewer, thread, states.get(thread.id))
        if unread is not None:
            marks[thread.id] = unread
    return marks


def mark_category_read(viewer, category) -> None:
    """Everything in `category` is read, as of now (one statement); commits."""
    statement = _insert().from_select(
        ["user_id", "thread_id", "last_read_position", "updated_at"],
        select(literal(viewer.id), Thread.id, Thread.last_position, literal(utcnow(),
                                                                            ThreadState.updated_at.type))
        .where(Thread.category_id == category.id, Thread.status == PostStatus.PUBLISHED))
    db.session.execute(statement.on_conflict_do_update(
        index_elements=[ThreadState.user_id, ThreadState.thread_id],
        set_={"last_read_position": statement.excluded.last_read_position,
              "updated_at": statement.excluded.updated_at}))
    db.session.commit()


def record_after_response(viewer, thread, state: ThreadState | None, posts) -> None:
    """Remember how far the viewer read once the page is made (so a failed write never
    costs the page itself)."""
    if not viewer.is_authenticated or not posts:
        return
    last = max(post.position for post in posts)
    if state is not None and state.last_read_position >= last:
        return

    @after_this_request
    def remember(response):
        if response.status_code == 200:
            record_reading(viewer, thread, state, last)
        return response
