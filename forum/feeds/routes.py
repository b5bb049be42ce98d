"""Atom 1.0 (RFC 4287). A feed reader is a guest: it gets exactly what a logged-out
visitor may read, never a members-only category, never a post that is not published."""
from flask import make_response, render_template
from flask_login import AnonymousUserMixin
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Post, PostStatus, Thread
from ..threads import queries
from . import bp

ENTRIES = 20
GUEST = AnonymousUserMixin()


def _atom(**context):
    response = make_response(render_template("feeds/atom.xml", **context))
    response.headers["Content-Type"] = "application/atom+xml; charset=utf-8"
    return response


@bp.get("/c/<slug>/feed.atom")
def category_feed(slug):
    category = queries.get_category(slug, viewer=GUEST)
    threads = list(db.session.scalars(
        select(Thread).where(Thread.category_id == category.id,
                             Thread.status == PostStatus.PUBLISHED)
        .order_by(Thread.created_at.desc(), Thread.id.desc()).limit(ENTRIES)))
    openings = {post.thread_id: post for post in db.session.scalars(
        select(Post).where(Post.thread_id.in_([t.id for t in threads]), Post.position == 1,
                           Post.status == PostStatus.PUBLISHED)
        .options(joinedload(Post.author)))} if threads else {}
    entries = [{"id": f"thread-{t.id}", "title": t.title, "post": openings.get(t.id),
                "updated": t.created_at, "thread": t} for t in threads]
    updated = max((t.last_post_at for t in threads), default=category.created_at)
    return _atom(feed_id=f"category-{category.id}", title=category.name,
                 subtitle=category.description, updated=updated, entries=entries,
                 page_endpoint=("threads.show_category", {"slug": category.slug}),
                 self_endpoint=("feeds.category_feed", {"slug": category.slug}))


@bp.get("/t/<int(signed=True):thread_id>/feed.atom")
def thread_feed(thread_id):
    thread = queries.get_visible_thread(thread_id, GUEST)
    posts = list(db.session.scalars(
        select(Post).where(Post.thread_id == thread.id, Post.status == PostStatus.PUBLISHED)
        .options(joinedload(Post.author))
        .order_by(Post.position.desc()).limit(ENTRIES)))
    entries = [{"id": f"post-{p.id}", "title": (thread.title if p.position == 1 else
                                                f"Reply {p.position - 1} in: {thread.title}"),
                "post": p, "updated": p.edited_at or p.created_at, "thread": thread}
               for p in posts]
    updated = max((e["updated"] for e in entries), default=thread.created_at)
    return _atom(feed_id=f"thread-{thread.id}", title=thread.title, subtitle="",
                 updated=updated, entries=entries,
                 page_endpoint=("threads.show_thread", {"thread_id": thread.id}),
                 self_endpoint=("feeds.thread_feed", {"thread_id": thread.id}))
