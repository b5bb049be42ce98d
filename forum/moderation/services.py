"""Moderating posts: approve, reject, hide, restore, edit, waiting edits and flags.

Every action asks permissions.py, hands the change to the post lifecycle (which uses a
conditional UPDATE, so when two moderators act on one item at once the second is told it
was already handled), writes its log row and the author's notification, and commits once.
"""
from collections.abc import Callable
from functools import wraps

from ..errors import ValidationFailed, require
from ..extensions import begin_writing, db
from ..modlog import clean_reason, log_action
from ..models import Action, ModerationAction, NotificationKind, Post, PostStatus, ProposedEdit
from ..notifications.services import notify
from ..permissions import Move, can_edit_as_moderator, can_moderate, can_move_post
from ..posts import lifecycle
from ..posts.lifecycle import AlreadyHandled
from ..posts.text import prepare_text
from .queries import hidden_by_system

__all__ = ["AlreadyHandled", "approve_post", "reject_post", "hide_post", "restore_post",
           "dismiss_flags", "moderator_edit_post", "approve_edit", "reject_edit",
           "record_outreach"]


def _all_or_nothing(service: Callable) -> Callable:
    """A lost race changes nothing: roll back whatever the action had begun."""
    @wraps(service)
    def run(*args, **kwargs):
        try:
            return service(*args, **kwargs)
        except AlreadyHandled:
            db.session.rollback()
            raise
    return run


def _require_move(moderator, post: Post, move: Move) -> None:
    require(can_moderate(moderator))
    if not can_move_post(moderator, post, move):
        raise AlreadyHandled()  # the post has moved on since the page was drawn


@_all_or_nothing
def approve_post(moderator, post: Post) -> ModerationAction:
    """Publish a held post; the thread's counters and last activity update now."""
    _require_move(moderator, post, Move.APPROVE)
    lifecycle.approve(moderator, post)
    entry = log_action(moderator, Action.APPROVE, reason="Approved.", post=post)
    notify(post.author_id, NotificationKind.POST_APPROVED, post=post)
    db.session.commit()
    return entry


@_all_or_nothing
def reject_post(moderator, post: Post, *, reason: str) -> ModerationAction:
    """Keep a held post from being published. Its author can still read and copy it."""
    _require_move(moderator, post, Move.REJECT)
    reason = clean_reason(reason)
    lifecycle.reject(moderator, post, reason=reason)
    entry = log_action(moderator, Action.REJECT, reason=reason, post=post)
    notify(post.author_id, NotificationKind.POST_REJECTED, post=post, reason=reason)
    db.session.commit()
    return entry


@_all_or_nothing
def hide_post(moderator, post: Post, *, reason: str) -> ModerationAction:
    """Take a published post out of view (restorable)."""
    _require_move(moderator, post, Move.HIDE)
    reason = clean_reason(reason)
    lifecycle.hide(moderator, post, reason=reason)
    entry = log_action(moderator, Action.HIDE, reason=reason, post=post)
    notify(post.author_id, NotificationKind.POST_HIDDEN, post=post, reason=reason)
    db.session.commit()
    return entry


@_all_or_nothing
def restore_post(moderator, post: Post, *, reason: str) -> ModerationAction:
    """Publish a hidden or rejected post again."""
    _require_move(moderator, post, Move.RESTORE)
    reason = clean_reason(reason)
    lifecycle.restore(moderator, post)
    entry = log_action(moderator, Action.RESTORE, reason=reason, post=post)
    notify(post.author_id, NotificationKind.POST_RESTORED, post=post, reason=reason)
    db.session.commit()
    return entry


@_all_or_nothing
def dismiss_flags(moderator, post: Post, *, reason: str = "") -> ModerationAction:
    """The flags were wrong. A post the system hid because of them is published again."""
    require(can_moderate(moderator))
    reason = clean_reason(reason, required=False, default="Flags dismissed.")
    begin_writing()
    if lifecycle.resolve_flags(post, moderator, "dismissed") == 0:
        raise AlreadyHandled()
    if post.status == PostStatus.HIDDEN and hidden_by_system(post):
        lifecycle.restore_after_false_flags(moderator, post)
        notify(post.author_id, NotificationKind.POST_RESTORED, post=post, reason=reason)
    entry = log_action(moderator, Action.DISMISS_FLAGS, reason=reason, post=post)
    db.session.commit()
    return entry


@_all_or_nothing
def record_outreach(moderator, post: Post, *, outcome: str, handled: bool) -> ModerationAction:
    """For a post whose author may be at risk: "Reached out" (the item stays in the queue,
    marked) or "Handled" (its flags close). The outcome note is for moderators only: the
    log row is private and the author is not notified."""
    require(can_moderate(moderator))
    outcome = clean_reason(outcome)
    begin_writing()
    if handled and lifecycle.resolve_flags(post, moderator, "handled") == 0:
        raise AlreadyHandled()
    entry = log_action(moderator, Action.HANDLED if handled else Action.REACHED_OUT,
                       reason=outcome, post=post)
    db.session.commit()
    return entry


def moderator_edit_post(moderator, post: Post, *, body: str, reason: str) -> ModerationAction:
    """Edit someone's post (e.g. remove a phone number); the earlier text is kept, and the
    author's next edit of it waits for review."""
    require(can_edit_as_moderator(moderator, post))
    reason = clean_reason(reason)
    text = prepare_text(body)
    if not lifecycle.moderator_rewrite(moderator, post, text):
        raise ValidationFailed([("body", "The text is unchanged; edit it, or go back.")])
    entry = log_action(moderator, Action.EDIT_POST, reason=reason, post=post)
    notify(post.author_id, NotificationKind.POST_EDITED, post=post, reason=reason)
    db.session.commit()
    return entry


@_all_or_nothing
def approve_edit(moderator, edit: ProposedEdit) -> ModerationAction:
    """Apply an edit that waited for review: readers see the new text from now on."""
    require(can_moderate(moderator))
    lifecycle.accept_edit(moderator, edit)
    entry = log_action(moderator, Action.APPROVE_EDIT, reason="Edit approved.", post=edit.post)
    notify(edit.post.author_id, NotificationKind.EDIT_APPROVED, post=edit.post)
    db.session.commit()
    return entry


@_all_or_nothing
def reject_edit(moderator, edit: ProposedEdit, *, reason: str) -> ModerationAction:
    """Keep the post as it was; the author is told why and keeps their edited text."""
    require(can_moderate(moderator))
    reason = clean_reason(reason)
    lifecycle.decline_edit(moderator, edit)
    entry = log_action(moderator, Action.REJECT_EDIT, reason=reason, post=edit.post)
    notify(edit.post.author_id, NotificationKind.EDIT_REJECTED, post=edit.post, reason=reason)
    db.session.commit()
    return entry
