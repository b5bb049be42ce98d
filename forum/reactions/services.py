""""This helped": give it and take it back (who gave it: queries.py)."""
from ..errors import require
from ..extensions import db
from ..models import HelpedMark, NotificationKind, utcnow
from ..notifications.services import notify, withdraw
from ..permissions import can_mark_helped


def mark_helped(user, post) -> bool:
    """`user` found `post` helpful; its author hears of it. False when already given.
    Commits."""
    require(can_mark_helped(user, post))
    if db.session.get(HelpedMark, (post.id, user.id)) is not None:
        return False
    db.session.add(HelpedMark(post_id=post.id, user_id=user.id, created_at=utcnow()))
    notify(post.author_id, NotificationKind.HELPED, post=post, actor_id=user.id)
    db.session.commit()
    return True


def undo_helped(user, post) -> bool:
    """Take it back (and the notification it made). False when there was none. Commits."""
    mark = db.session.get(HelpedMark, (post.id, user.id))
    if mark is None:
        return False
    db.session.delete(mark)
    withdraw(post_ids=[post.id], kinds=[NotificationKind.HELPED], actor_id=user.id)
    db.session.commit()
    return True
