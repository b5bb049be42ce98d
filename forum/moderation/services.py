"""Moderating posts: approve, reject, hide, restore, edit, flags and the review queue.

Every action checks permission, changes state with a conditional UPDATE (so when two
moderators act on one item at once, the second is told it was already handled), writes
its log row and the author's notification, and commits once.
"""
from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from ..errors import ValidationFailed, require
from ..extensions import db
from ..resources.citations import render_post
from ..safety import mentions_dose
from ..models import (Action, Category, Flag, FlagReason, ModerationAction,
                      NotificationKind, Post, PostStatus, Revision, Thread, User, utcnow)
from ..notifications.services import notify
from ..permissions import can_flag, can_moderate
from ..threads.services import clean_body
from .log import clean_reason, log_action

NOTE_MAX = 1000


class AlreadyHandled(Exception):
    """Another moderator acted on this item first."""


def _transition(post: Post, allowed_from: set[str], to: str) -> str:
    """Move `post` to status `to` if it is still in one of `allowed_from`; return the old
    status. The WHERE clause makes a concurrent second attempt change nothing."""
    before = post.status
    changed = db.session.execute(
        update(Post).where(Post.id == post.id, Post.status.in_(allowed_from))
        .values(status=to).execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        db.session.rollback()
        raise AlreadyHandled()
    post.status = to
    db.session.flush()
    return before


def _went_public(post: Post, *, bump_activity: bool) -> None:
    thread = post.thread
    values = {"post_count": Thread.post_count + 1}
    if bump_activity:
        values.update(last_post_at=utcnow(), last_poster_id=post.author_id)
    if post.is_first and thread.status != PostStatus.PUBLISHED:
        values["status"] = PostStatus.PUBLISHED
        _count_thread(thread.category_id, +1)
    db.session.execute(update(Thread).where(Thread.id == thread.id).values(**values)
                       .execution_options(synchronize_session=False))
    db.session.expire(thread)


def _went_private(post: Post, was: str, now: str) -> None:
    thread = post.thread
    values = {}
    if was == PostStatus.PUBLISHED:
        values["post_count"] = Thread.post_count - 1
    if post.is_first and thread.status != now:
        if thread.status == PostStatus.PUBLISHED:
            _count_thread(thread.category_id, -1)
        values["status"] = now
    if values:
        db.session.execute(update(Thread).where(Thread.id == thread.id).values(**values)
                           .execution_options(synchronize_session=False))
        db.session.expire(thread)


def _count_thread(category_id: int, change: int) -> None:
    db.session.execute(update(Category).where(Category.id == category_id)
                       .values(thread_count=Category.thread_count + change)
                       .execution_options(synchronize_session=False))


def _resolve_flags(post: Post, moderator, resolution: str) -> int:
    return db.session.execute(
        update(Flag).where(Flag.post_id == post.id, Flag.resolved_at.is_(None))
        .values(resolved_at=utcnow(), resolved_by_id=moderator.id if moderator else None,
                resolution=resolution)
        .execution_options(synchronize_session=False)).rowcount


def approve_post(moderator, post: Post) -> ModerationAction:
    """Publish a held post; the thread's counters and last activity update now."""
    require(can_moderate(moderator))
    _transition(post, {PostStatus.PENDING}, PostStatus.PUBLISHED)
    _went_public(post, bump_activity=True)
    db.session.execute(update(User).where(User.id == post.author_id)
                       .values(approved_post_count=User.approved_post_count + 1)
                       .execution_options(synchronize_session=False))
    entry = log_action(moderator, Action.APPROVE, reason="Approved.", post=post)
    notify(post.author_id, NotificationKind.POST_APPROVED, post=post)
    db.session.commit()
    return entry


def reject_post(moderator, post: Post, *, reason: str) -> ModerationAction:
    """Keep a held post from being published. Its author can still read and copy it."""
    require(can_moderate(moderator))
    reason = clean_reason(reason)
    was = _transition(post, {PostStatus.PENDING}, PostStatus.REJECTED)
    _went_private(post, was, PostStatus.REJECTED)
    _resolve_flags(post, moderator, "actioned")
    entry = log_action(moderator, Action.REJECT, reason=reason, post=post)
    notify(post.author_id, NotificationKind.POST_REJECTED, post=post, reason=reason)
    db.session.commit()
    return entry


def hide_post(moderator, post: Post, *, reason: str) -> ModerationAction:
    """Take a published post out of view (restorable). `moderator` None: the system."""
    if moderator is not None:
        require(can_moderate(moderator))
    reason = clean_reason(reason)
    was = _transition(post, {PostStatus.PUBLISHED}, PostStatus.HIDDEN)
    _went_private(post, was, PostStatus.HIDDEN)
    if moderator is not None:
        _resolve_flags(post, moderator, "actioned")
    entry = log_action(moderator, Action.HIDE, reason=reason, post=post)
    notify(post.author_id, NotificationKind.POST_HIDDEN, post=post, reason=reason)
    if moderator is not None:
        db.session.commit()
    return entry


def restore_post(moderator, post: Post, *, reason: str) -> ModerationAction:
    """Publish a hidden or rejected post again."""
    require(can_moderate(moderator))
    reason = clean_reason(reason)
    _transition(post, {PostStatus.HIDDEN, PostStatus.REJECTED}, PostStatus.PUBLISHED)
    _went_public(post, bump_activity=False)
    _resolve_flags(post, moderator, "dismissed")
    entry = log_action(moderator, Action.RESTORE, reason=reason, post=post)
    notify(post.author_id, NotificationKind.POST_RESTORED, post=post, reason=reason)
    db.session.commit()
    return entry


def dismiss_flags(moderator, post: Post, *, reason: str = "") -> ModerationAction:
    """The flags were wrong. A post the system hid because of them is published again."""
    require(can_moderate(moderator))
    reason = clean_reason(reason, required=False, default="Flags dismissed.")
    if _resolve_flags(post, moderator, "dismissed") == 0:
        db.session.rollback()
        raise AlreadyHandled()
    if post.status == PostStatus.HIDDEN and _hidden_by_system(post):
        _transition(post, {PostStatus.HIDDEN}, PostStatus.PUBLISHED)
        _went_public(post, bump_activity=False)
        notify(post.author_id, NotificationKind.POST_RESTORED, post=post, reason=reason)
    entry = log_action(moderator, Action.DISMISS_FLAGS, reason=reason, post=post)
    db.session.commit()
    return entry


def _hidden_by_system(post: Post) -> bool:
    last_hide = db.session.scalar(
        select(ModerationAction).where(ModerationAction.post_id == post.id,
                                       ModerationAction.action == Action.HIDE)
        .order_by(ModerationAction.id.desc()).limit(1))
    return last_hide is not None and last_hide.actor_id is None


def moderator_edit_post(moderator, post: Post, *, body: str, reason: str) -> ModerationAction:
    """Edit someone's post (e.g. remove a phone number); the earlier text is kept."""
    require(can_moderate(moderator))
    reason = clean_reason(reason)
    body = clean_body(body)
    db.session.add(Revision(post_id=post.id, editor_id=moderator.id, body=post.body,
                            title=post.thread.title if post.is_first else None))
    post.body = body
    post.body_html = render_post(body)
    post.mentions_dose = mentions_dose(body)
    post.edited_at = utcnow()
    entry = log_action(moderator, Action.EDIT_POST, reason=reason, post=post)
    notify(post.author_id, NotificationKind.POST_EDITED, post=post, reason=reason)
    db.session.commit()
    return entry


# --- flags ---------------------------------------------------------------------------

def flag_post(flagger, post: Post, *, reason: str, note: str = "") -> Flag:
    """Flag a post once. At AUTO_HIDE_FLAGS flags from different members, the post is
    hidden until a moderator reviews it (a system action, logged)."""
    require(can_flag(flagger, post))
    note = (note or "").strip()
    if reason not in tuple(FlagReason):
        raise ValidationFailed([("reason", "Choose why you are flagging this post.")])
    if reason == FlagReason.OTHER and not note:
        raise ValidationFailed([("note", "Tell the moderators what is wrong.")])
    if len(note) > NOTE_MAX:
        raise ValidationFailed([("note", f"Keep the note under {NOTE_MAX} characters.")])
    already = db.session.scalar(select(Flag.id).where(Flag.post_id == post.id,
                                                      Flag.flagger_id == flagger.id))
    if already:
        raise ValidationFailed([("reason", "You have already flagged this post. Thank you: "
                                           "a moderator will look at it.")])
    flag = Flag(post_id=post.id, flagger_id=flagger.id, reason=reason, note=note)
    db.session.add(flag)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise ValidationFailed([("reason", "You have already flagged this post.")]) from None
    flaggers = db.session.scalar(
        select(func.count(func.distinct(Flag.flagger_id)))
        .where(Flag.post_id == post.id, Flag.resolved_at.is_(None),
               Flag.flagger_id.is_not(None)))
    if flaggers >= current_app.config["AUTO_HIDE_FLAGS"] and post.status == PostStatus.PUBLISHED:
        hide_post(None, post, reason=f"Hidden automatically after {flaggers} members flagged "
                                     "it, until a moderator reviews it.")
    db.session.commit()
    return flag


def list_own_flags(user, limit: int = 100) -> list[Flag]:
    return list(db.session.scalars(
        select(Flag).where(Flag.flagger_id == user.id)
        .order_by(Flag.created_at.desc()).limit(limit)))
