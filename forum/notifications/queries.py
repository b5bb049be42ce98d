"""Reading notifications, as the member they belong to may see them."""
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Notification, NotificationKind, Post
from ..permissions import can_see_post, can_see_thread

# Shown as one line per thread or post while unread: "3 new replies in ...".
GROUPED = (NotificationKind.REPLY, NotificationKind.HELPED)


@dataclass
class Entry:
    """One line on the notifications page: a notification, or several grouped."""
    note: Notification
    count: int = 1
    first_unread_id: int | None = None

    @property
    def unread(self) -> bool:
        return self.note.read_at is None


def list_notifications(user, limit: int = 100) -> list[Entry]:
    """Newest first; unread replies in one thread (or "This helped" on one post) as one
    line. Nothing about a post the member may no longer see is shown."""
    notes = db.session.scalars(
        select(Notification).where(Notification.user_id == user.id)
        .options(joinedload(Notification.post).joinedload(Post.thread))
        .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit))
    entries, groups = [], {}
    for note in notes:
        if note.post is not None and not (can_see_post(user, note.post)
                                          and can_see_thread(user, note.post.thread)):
            continue
        if note.kind in GROUPED and note.read_at is None and note.post is not None:
            key = (note.kind, note.post.thread_id if note.kind == NotificationKind.REPLY
                   else note.post_id)
            if key in groups:
                groups[key].count += 1
                groups[key].first_unread_id = note.id  # older: listed newest first
                continue
            groups[key] = Entry(note=note, first_unread_id=note.id)
            entries.append(groups[key])
            continue
        entries.append(Entry(note=note, first_unread_id=note.id))
    return entries


