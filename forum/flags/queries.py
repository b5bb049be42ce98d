"""Reading flags as their flagger sees them."""
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Flag, Post, User
from ..permissions import FLAG_STANDING_AGE


def list_own_flags(user, limit: int = 100) -> list[Flag]:
    """The member's flags, newest first, with the posts and threads they name."""
    return list(db.session.scalars(
        select(Flag).where(Flag.flagger_id == user.id)
        .options(joinedload(Flag.post).joinedload(Post.thread))
        .order_by(Flag.created_at.desc()).limit(limit)))


def has_flagged(user, post) -> bool:
    return db.session.scalar(select(Flag.id).where(Flag.post_id == post.id,
                                                   Flag.flagger_id == user.id)) is not None


def count_standing_flaggers(post, *, now) -> int:
    """Different members with standing (permissions.has_flagging_standing, in SQL) whose
    flags on `post` are still open."""
    return db.session.scalar(
        select(func.count(func.distinct(Flag.flagger_id)))
        .join(User, User.id == Flag.flagger_id)
        .where(Flag.post_id == post.id, Flag.resolved_at.is_(None),
               User.approved_post_count >= 1,
               User.created_at <= now - FLAG_STANDING_AGE))
