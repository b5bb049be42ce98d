"""Public profiles."""
from sqlalchemy import func, select

from ..errors import NotFound
from ..extensions import db
from ..models import Post, PostStatus, Thread, User
from ..usernames import lookup_key


def get_user_by_name(username: str) -> User:
    key = lookup_key(username)
    if key is None:
        raise NotFound()
    user = db.session.scalar(select(User).where(User.username_key == key))
    if user is None:
        raise NotFound()
    return user


def count_published_posts(user: User) -> int:
    return db.session.scalar(select(func.count(Post.id)).where(
        Post.author_id == user.id, Post.status == PostStatus.PUBLISHED))


def list_recent_threads(user: User, limit: int = 10) -> list[Thread]:
    return list(db.session.scalars(
        select(Thread).where(Thread.author_id == user.id, Thread.status == PostStatus.PUBLISHED)
        .order_by(Thread.created_at.desc()).limit(limit)))
