"""In-app notifications (and the e-mails that go with them). `notify` adds to the caller's
transaction; it never commits. The services below that do commit say so."""
from datetime import datetime

from sqlalchemy import delete, func, select, update

from ..extensions import db
from ..models import Notification, NotificationKind, Post, User, utcnow
from . import email
from .queries import GROUPED

# Notifications about other people's posts: they go when the post stops being visible.
ABOUT_OTHERS_POSTS = (NotificationKind.REPLY, NotificationKind.NEW_THREAD,
                      NotificationKind.MENTION, NotificationKind.QUOTE)


def notify(user_id: int | None, kind: str, *, post=None, reason: str = "",
           details: str = "", actor_id: int | None = None) -> None:
    if user_id is None:  # the author's account is gone
        return
    db.session.add(Notification(user_id=user_id, kind=kind, post_id=post.id if post else None,
                                actor_id=actor_id, reason=reason, details=details))
    db.session.execute(update(User).where(User.id == user_id)
                       .values(unread_notifications=User.unread_notifications + 1)
                       .execution_options(synchronize_session=False))
    email.send_if_wanted(user_id, kind, post=post)


def withdraw(*, post_ids, kinds, actor_id: int | None = None) -> int:
    """Take back notifications about `post_ids` of these `kinds` (a reply hidden after it
    notified, an undone "This helped"), keeping the unread counts right. Never commits."""
    condition = [Notification.post_id.in_(post_ids), Notification.kind.in_(kinds)]
    if actor_id is not None:
        condition.append(Notification.actor_id == actor_id)
    unread = db.session.execute(
        select(Notification.user_id, func.count()).where(*condition,
                                                         Notification.read_at.is_(None))
        .group_by(Notification.user_id)).all()
    for user_id, count in unread:
        db.session.execute(update(User).where(User.id == user_id)
                           .values(unread_notifications=func.max(
                               User.unread_notifications - count, 0)
                               if db.session.get_bind().dialect.name == "sqlite" else
                               func.greatest(User.unread_notifications - count, 0))
                           .execution_options(synchronize_session=False))
    return db.session.execute(delete(Notification).where(*condition)
                              .execution_options(synchronize_session=False)).rowcount


def open_notification(user, notification_id: int) -> Notification | None:
    """Mark a notification (and the others grouped with it) read; commits. None when it is
    not this member's."""
    note = db.session.get(Notification, notification_id)
    if note is None or note.user_id != user.id:
        return None
    same = [Notification.id == note.id]
    if note.kind in GROUPED and note.post is not None:
        if note.kind == NotificationKind.REPLY:
            same = [Notification.kind == note.kind, Notification.post_id.in_(
                select(Post.id).where(Post.thread_id == note.post.thread_id))]
        else:
            same = [Notification.kind == note.kind, Notification.post_id == note.post_id]
    _mark_read(user, [Notification.user_id == user.id, *same])
    db.session.commit()
    return note


def mark_read_about(user, post_ids) -> None:
    """Reading a page marks the notifications about its posts read. Never commits."""
    _mark_read(user, [Notification.user_id == user.id, Notification.post_id.in_(post_ids)])


def _mark_read(user, condition) -> None:
    changed = db.session.execute(
        update(Notification).where(*condition, Notification.read_at.is_(None))
        .values(read_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    if changed:
        db.session.execute(update(User).where(User.id == user.id).values(
            unread_notifications=select(func.count()).where(
                Notification.user_id == user.id, Notification.read_at.is_(None))
            .scalar_subquery()).execution_options(synchronize_session=False))
        db.session.expire(user, ["unread_notifications"])


def mark_all_read(user) -> None:
    db.session.execute(update(Notification)
                       .where(Notification.user_id == user.id, Notification.read_at.is_(None))
                       .values(read_at=utcnow()))
    user.unread_notifications = 0
    db.session.commit()


def unread_since(user, since: datetime | None) -> list[Notification]:
    condition = [Notification.user_id == user.id, Notification.read_at.is_(None)]
    if since is not None:
        condition.append(Notification.created_at > since)
    return list(db.session.scalars(select(Notification).where(*condition)
                                   .order_by(Notification.id)))
