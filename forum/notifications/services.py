"""In-app notifications. `notify` adds to the caller's transaction; it never commits."""
from sqlalchemy import select, update

from ..extensions import db
from ..models import Notification, User, utcnow


def notify(user_id: int | None, kind: str, *, post=None, reason: str = "",
           details: str = "") -> None:
    if user_id is None:  # the author's account is gone
        return
    db.session.add(Notification(user_id=user_id, kind=kind, post_id=post.id if post else None,
                                reason=reason, details=details))
    db.session.execute(update(User).where(User.id == user_id)
                       .values(unread_notifications=User.unread_notifications + 1)
                       .execution_options(synchronize_session=False))


def list_notifications(user, limit: int = 100) -> list[Notification]:
    return list(db.session.scalars(
        select(Notification).where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)))


def mark_all_read(user) -> None:
    db.session.execute(update(Notification)
                       .where(Notification.user_id == user.id, Notification.read_at.is_(None))
                       .values(read_at=utcnow()))
    user.unread_notifications = 0
    db.session.commit()
