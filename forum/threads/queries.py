"""Reading threads and posts, always as seen by a particular viewer."""
import functools
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import bindparam, or_, select, true
from sqlalchemy.orm import joinedload

from ..errors import NotFound, check_id
from ..extensions import db
from ..models import Category, EditStatus, Post, PostStatus, ProposedEdit, Thread
from ..permissions import (PUBLIC_STATUSES, can_quote, can_see_post, can_see_thread,
                           is_author, is_moderator)


@dataclass(frozen=True)
class Page:
    number: int
    count: int

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.count


def page_of(number: int, total_items: int, per_page: int) -> Page:
    count = max(1, -(-total_items // per_page))
    if not 1 <= number <= count:
        raise NotFound()
    return Page(number=number, count=count)


def get_category(slug: str) -> Category:
    category = db.session.scalar(select(Category).where(Category.slug == slug))
    if category is None:
        raise NotFound()
    return category


def get_category_by_id(category_id: int) -> Category:
    category = db.session.get(Category, check_id(category_id))
    if category is None:
        raise NotFound()
    return category


def list_categories() -> list[Category]:
    return list(db.session.scalars(select(Category).order_by(Category.position, Category.id)))


def get_visible_thread(thread_id: int, viewer) -> Thread:
    """The thread, or NotFound if it is missing or not the viewer's to see."""
    thread = db.session.get(Thread, check_id(thread_id))
    if thread is None or not can_see_thread(viewer, thread):
        raise NotFound()
    return thread


def get_visible_post(post_id: int, viewer) -> Post:
    post = db.session.scalar(
        select(Post).where(Post.id == check_id(post_id))
        .options(joinedload(Post.thread), joinedload(Post.author)))
    if post is None or not can_see_post(viewer, post) or not can_see_thread(viewer, post.thread):
        raise NotFound()
    return post


def _viewer_kind(viewer) -> str:
    if is_moderator(viewer):
        return "moderator"
    return "member" if viewer.is_authenticated else "anonymous"


def _visible_to(kind: str):
    """SQL condition: posts a viewer of this kind may see in a thread (a member's own
    posts through the :viewer_id parameter)."""
    if kind == "moderator":
        return true()
    public = Post.status.in_(PUBLIC_STATUSES)
    if kind == "member":
        return or_(public, Post.author_id == bindparam("viewer_id"))
    return public


def thread_pages(thread: Thread) -> int:
    per_page = current_app.config["POSTS_PER_PAGE"]
    return max(1, -(-thread.last_position // per_page))


@functools.cache
def _thread_page_statement(kind: str):
    """Built once per kind of viewer, with parameters: the busiest page of the forum
    then skips building the statement and its cache key on every view (about a tenth
    of the page's time; README.md, "Performance")."""
    return (
        select(Post)
        .where(Post.thread_id == bindparam("thread_id"),
               Post.position.between(bindparam("first"), bindparam("last")),
               _visible_to(kind))
        .options(joinedload(Post.author))
        .order_by(Post.position)
        # Never more than a page anyway; the LIMIT tells PostgreSQL so. Without it, page 1
        # of a long thread looks (to its statistics) like hundreds of rows, since most
        # posts in the forum have a low position, and it hashes the whole users table to
        # join 20 authors: 2 ms instead of 0.1 ms.
        .limit(bindparam("per_page"))
    )


def list_thread_posts(thread: Thread, viewer, page_number: int) -> tuple[list[Post], Page]:
    """One page of a thread, by position: the same single query on page 1 and page 100."""
    per_page = current_app.config["POSTS_PER_PAGE"]
    page = page_of(page_number, thread.last_position, per_page)
    first = (page.number - 1) * per_page + 1
    kind = _viewer_kind(viewer)
    params = {"thread_id": thread.id, "first": first, "last": first + per_page - 1,
              "per_page": per_page}
    if kind == "member":
        params["viewer_id"] = viewer.id
    posts = db.session.scalars(_thread_page_statement(kind), params).all()
    return list(posts), page


def page_of_post(post: Post) -> int:
    return (post.position - 1) // current_app.config["POSTS_PER_PAGE"] + 1


@functools.cache
def _category_page_statement():
    """Built once, with parameters, like _thread_page_statement: building it for every
    view took about a tenth of the category page's time."""
    return (
        select(Thread)
        .where(Thread.category_id == bindparam("category_id"),
               Thread.status == PostStatus.PUBLISHED)
        .options(joinedload(Thread.author), joinedload(Thread.last_poster))
        .order_by(Thread.pinned.desc(), Thread.last_post_at.desc(), Thread.id.desc())
        .limit(bindparam("per_page")).offset(bindparam("skip"))
    )


def list_category_threads(category: Category, page_number: int) -> tuple[list[Thread], Page]:
    """A page of a category: pinned threads first, then by last activity."""
    per_page = current_app.config["THREADS_PER_PAGE"]
    page = page_of(page_number, category.thread_count, per_page)
    threads = db.session.scalars(_category_page_statement(), {
        "category_id": category.id, "per_page": per_page,
        "skip": (page.number - 1) * per_page}).all()
    return list(threads), page


def list_latest_threads(limit: int = 10) -> list[Thread]:
    return list(db.session.scalars(
        select(Thread)
        .where(Thread.status == PostStatus.PUBLISHED)
        .options(joinedload(Thread.last_poster))
        .order_by(Thread.last_post_at.desc(), Thread.id.desc())
        .limit(limit)
    ))


def list_site_pinned() -> list[Thread]:
    """Threads a moderator pinned site-wide, for the top of the home page."""
    return list(db.session.scalars(
        select(Thread).where(Thread.pinned_globally.is_(True),
                             Thread.status == PostStatus.PUBLISHED)
        .order_by(Thread.last_post_at.desc()).limit(10)))


def get_quotable_post(raw_id: str | None, thread: Thread, *, viewer,
                      loaded: list[Post] = ()) -> Post | None:
    """The post a `?quote=` names, if `viewer` may quote it in a reply to `thread`; None
    for anything else (missing, deleted, hidden, pending, another thread's): a bad hint
    is ignored, never a 404. Posts already `loaded` for the page cost no query."""
    if not raw_id or not raw_id.isdigit() or len(raw_id) > 18:
        return None
    post_id = int(raw_id)
    post = next((p for p in loaded if p.id == post_id), None)
    if post is None:
        post = db.session.scalar(select(Post).where(Post.id == post_id)
                                 .options(joinedload(Post.author)))
    if post is None or not can_quote(viewer, post, thread):
        return None
    return post


def get_own_pending_edit(post: Post, viewer) -> ProposedEdit | None:
    """The viewer's own edit of `post` that waits for review, if any."""
    if not post.edit_pending or not is_author(viewer, post):
        return None
    return db.session.scalar(select(ProposedEdit).where(
        ProposedEdit.post_id == post.id, ProposedEdit.status == EditStatus.PENDING))


def quote_text(post: Post) -> str:
    """Markdown that quotes `post` in a reply, linking back to it."""
    quoted = "\n".join(f"> {line}" if line else ">" for line in post.body.splitlines())
    name = post.author.username if post.author else "someone"
    return f"[{name} wrote](/p/{post.id}):\n{quoted}\n\n"
