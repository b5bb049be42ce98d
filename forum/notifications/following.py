"""Hearing about replies: watches, follows, mentions and quotes, from the post lifecycle.

A post that becomes visible (new, approved or restored) tells the people who follow its
thread or category, the members it @mentions and the authors it quotes; a held post tells
nobody until a moderator approves it, since only then is it announced. A post that stops
being visible takes those notifications back with it. Listeners never commit.
"""
import re

from sqlalchemy import literal, select

from ..events import PostEvent, subscribe
from ..extensions import db
from ..models import (CategoryFollow, NotificationKind, Post, PostStatus, ThreadState, User,
                      Watch, utcnow)
from ..usernames import lookup_key
from . import email, services
from .reading import upsert_state

# "@name" at the start or after a space or bracket; names are up to 30 characters.
_MENTION = re.compile(r"(?:^|(?<=[\s(\[>]))@([\w.\-]{2,30})", re.UNICODE)
# A quote made by the Quote button links its source: "[name wrote](/p/123):".
_QUOTE = re.compile(r"\]\(/p/(\d{1,18})\)")
MAX_MENTIONS = 10  # a post naming the whole forum notifies the first ten


def mentioned_users(body: str) -> list[User]:
    keys = []
    for name in _MENTION.findall(body or ""):
        key = lookup_key(name.rstrip(".-"))
        if key and key not in keys:
            keys.append(key)
    if not keys:
        return []
    return list(db.session.scalars(select(User).where(User.username_key.in_(
        keys[:MAX_MENTIONS]))))


def quoted_author_ids(body: str, thread_id: int) -> set[int]:
    ids = {int(n) for n in _QUOTE.findall(body or "")}
    if not ids:
        return set()
    return {author for author in db.session.scalars(
        select(Post.author_id).where(Post.id.in_(ids), Post.thread_id == thread_id,
                                     Post.status == PostStatus.PUBLISHED)) if author}


def _became_visible(announcement) -> None:
    post = announcement.post
    thread = post.thread
    author_id = post.author_id
    if author_id is not None and email.settings_of(author_id).watch_on_post:
        upsert_state(author_id, thread.id, watch_if_unset=Watch.WATCHING,
                     read_position=post.position)
    told = {author_id}
    for user in mentioned_users(post.body):
        if user.id not in told:
            services.notify(user.id, NotificationKind.MENTION, post=post, actor_id=author_id)
            told.add(user.id)
    for user_id in quoted_author_ids(post.body, thread.id) - told:
        services.notify(user_id, NotificationKind.QUOTE, post=post, actor_id=author_id)
        told.add(user_id)
    # Who watches or muted the thread, and who follows its category: one query.
    rows = db.session.execute(
        select(ThreadState.user_id, ThreadState.watch).where(
            ThreadState.thread_id == thread.id, ThreadState.watch.is_not(None))
        .union_all(select(CategoryFollow.user_id, literal("following")).where(
            CategoryFollow.category_id == thread.category_id))).all()
    watching = {uid for uid, watch in rows if watch in (Watch.WATCHING, "following")}
    muted = {uid for uid, watch in rows if watch == Watch.MUTED}
    kind = NotificationKind.NEW_THREAD if post.position == 1 else NotificationKind.REPLY
    for user_id in sorted(watching - muted - told):
        services.notify(user_id, kind, post=post, actor_id=author_id)


def _stopped_being_visible(announcement) -> None:
    post = announcement.post
    post_ids = [post.id]
    if post.position == 1 and post.thread.status != PostStatus.PUBLISHED:
        # The whole thread went with its opening post: so do its replies' notifications.
        post_ids = select(Post.id).where(Post.thread_id == post.thread_id)
    services.withdraw(post_ids=post_ids, kinds=services.ABOUT_OTHERS_POSTS)


def listen() -> None:
    subscribe(PostEvent.BECAME_VISIBLE, _became_visible)
    subscribe(PostEvent.STOPPED_BEING_VISIBLE, _stopped_being_visible)


# --- watching and following (services: they commit) ------------------------------------

def set_watch(user, thread, watch: str | None) -> None:
    """Watch a thread, mute it, or neither (None)."""
    if watch not in (None, Watch.WATCHING, Watch.MUTED):
        raise ValueError(watch)
    upsert_state(user.id, thread.id, watch=watch, set_watch=True)
    db.session.commit()


def follows_category(user, category) -> bool:
    if not user.is_authenticated:
        return False
    return db.session.get(CategoryFollow, (user.id, category.id)) is not None


def set_follow(user, category, follow: bool) -> None:
    existing = db.session.get(CategoryFollow, (user.id, category.id))
    if follow and existing is None:
        db.session.add(CategoryFollow(user_id=user.id, category_id=category.id,
                                      created_at=utcnow()))
    elif not follow and existing is not None:
        db.session.delete(existing)
    db.session.commit()
