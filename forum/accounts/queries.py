"""Public profiles, as a given viewer sees them."""
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..errors import NotFound
from ..extensions import db
from ..models import Category, Post, PostStatus, Thread, User
from ..permissions import can_see_post
from ..usernames import lookup_key

EXCERPT_LENGTH = 200


def get_user_by_name(username: str) -> User:
    key = lookup_key(username)
    if key is None:
        raise NotFound()
    user = db.session.scalar(select(User).where(User.username_key == key))
    if user is None or user.is_erased:
        raise NotFound()  # an erased member's name stays reserved, with no page
    return user


def _published_by(user: User, viewer):
    condition = [Post.author_id == user.id, Post.status == PostStatus.PUBLISHED,
                 Thread.status == PostStatus.PUBLISHED]
    if not viewer.is_authenticated:
        condition.append(Category.members_only.is_not(True))
    return condition


def count_published_posts(user: User) -> int:
    """Every published post (a number says nothing about what or where)."""
    return db.session.scalar(select(func.count(Post.id)).where(
        Post.author_id == user.id, Post.status == PostStatus.PUBLISHED))


@dataclass(frozen=True)
class RecentPost:
    post: Post
    excerpt: str


@dataclass(frozen=True)
class Activity:
    hidden: bool  # the member hides it from guests, and this viewer is one
    posts: list[RecentPost]


def excerpt(text: str, length: int = EXCERPT_LENGTH) -> str:
    plain = " ".join(line.lstrip("> ") for line in text.splitlines() if line.strip())
    return plain if len(plain) <= length else plain[:length].rsplit(" ", 1)[0] + "…"


def profile_activity(user: User, *, viewer, limit: int = 10) -> Activity:
    """The member's recent published posts that `viewer` may read (not in members-only
    categories for guests), or nothing when they hide their activity from guests."""
    if user.hide_activity and not viewer.is_authenticated:
        return Activity(hidden=True, posts=[])
    posts = db.session.scalars(
        select(Post).join(Post.thread).join(Thread.category)
        .where(*_published_by(user, viewer))
        .options(joinedload(Post.thread))
        .order_by(Post.created_at.desc(), Post.id.desc()).limit(limit)).all()
    return Activity(hidden=False, posts=[RecentPost(post, excerpt(post.body))
                                         for post in posts if can_see_post(viewer, post)])
