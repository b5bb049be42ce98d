"""Reading threads and posts, always as seen by a particular viewer."""
import functools
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import bindparam, exists, func, literal, or_, select, true
from sqlalchemy.orm import joinedload

from ..errors import NotFound, check_id
from ..extensions import db
from ..models import (Category, EditStatus, Flag, HelpedMark, Post, PostStatus, ProposedEdit,
                      Revision, Thread)
from ..permissions import (PUBLIC_STATUSES, can_quote, can_see_history, can_see_post,
                           can_see_category, can_see_thread, is_author, is_moderator)


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
    """The page `number` of a listing; a number past the end gives the last page (the
    route then redirects there: a thread that shrank, or a hand-typed ?page=)."""
    count = max(1, -(-total_items // per_page))
    if number < 1:
        raise NotFound()
    return Page(number=min(number, count), count=count)


def get_category(slug: str, *, viewer) -> Category:
    """The category, or NotFound if it is missing or members-only and `viewer` a guest."""
    category = db.session.scalar(select(Category).where(Category.slug == slug))
    if category is None or not can_see_category(viewer, category):
        raise NotFound()
    return category


def category_visible_to(viewer):
    """SQL condition on Thread.category_id: the categories `viewer` may read (guests:
    not the members-only ones). Every listing of threads or posts uses it."""
    if viewer.is_authenticated:
        return true()
    return Thread.category_id.not_in(select(Category.id).where(Category.members_only.is_(True)))


def get_category_by_id(category_id: int) -> Category:
    category = db.session.get(Category, check_id(category_id))
    if category is None:
        raise NotFound()
    return category


def list_categories(*, viewer) -> list[Category]:
    query = select(Category).order_by(Category.position, Category.id)
    if not viewer.is_authenticated:
        query = query.where(Category.members_only.is_not(True))
    return list(db.session.scalars(query))


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
    # "This helped": each post's count, and whether this viewer gave it, in the same query.
    helped = (select(func.count()).where(HelpedMark.post_id == Post.id)
              .correlate(Post).scalar_subquery())
    mine = (exists().where(HelpedMark.post_id == Post.id,
                           HelpedMark.user_id == bindparam("viewer_id"))
            if kind != "anonymous" else literal(False))
    # "You flagged this": whether this viewer flagged the post, in the same query too.
    flagged = (exists().where(Flag.post_id == Post.id, Flag.flagger_id == bindparam("viewer_id"))
               if kind != "anonymous" else literal(False))
    return (
        select(Post, helped, mine, flagged)
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
    if kind != "anonymous":
        params["viewer_id"] = viewer.id
    posts = []
    for post, helped, mine, flagged in db.session.execute(_thread_page_statement(kind), params):
        post.helped_count, post.helped_by_viewer = helped, bool(mine)
        post.flagged_by_viewer = bool(flagged)
        posts.append(post)
    return posts, page


def first_visible_post_after(thread: Thread, viewer, position: int) -> Post | None:
    """The first post after `position` that `viewer` may see (the first unread one)."""
    kind = _viewer_kind(viewer)
    statement = (select(Post).where(Post.thread_id == thread.id, Post.position > position,
                                    _visible_to(kind))
                 .order_by(Post.position).limit(1))
    params = {"viewer_id": viewer.id} if kind == "member" else {}
    return db.session.scalars(statement, params).first()


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


def list_latest_threads(limit: int = 10, *, viewer) -> list[Thread]:
    return list(db.session.scalars(
        select(Thread)
        .where(Thread.status == PostStatus.PUBLISHED, category_visible_to(viewer))
        .options(joinedload(Thread.last_poster))
        .order_by(Thread.last_post_at.desc(), Thread.id.desc())
        .limit(limit)
    ))


def list_site_pinned(*, viewer) -> list[Thread]:
    """Threads a moderator pinned site-wide, for the top of the home page."""
    return list(db.session.scalars(
        select(Thread).where(Thread.pinned_globally.is_(True),
                             Thread.status == PostStatus.PUBLISHED,
                             category_visible_to(viewer))
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


def list_revisions(post: Post, viewer) -> list[Revision]:
    """The earlier versions of `post`, newest first: for its author and the moderators
    only (they may hold what the author removed on purpose); NotFound for anyone else."""
    if not can_see_history(viewer, post):
        raise NotFound()
    return list(db.session.scalars(
        select(Revision).where(Revision.post_id == post.id)
        .options(joinedload(Revision.editor)).order_by(Revision.id.desc())))


def viewer_wrote_at_risk_post(thread: Thread, viewer, loaded: list[Post]) -> bool:
    """Whether `viewer` wrote a post with crisis language in `thread`. Asked only of
    threads that have one; the posts already `loaded` for the page cost no query."""
    if not thread.has_at_risk_post or not viewer.is_authenticated:
        return False
    if any(p.at_risk and p.author_id == viewer.id for p in loaded):
        return True
    return db.session.scalar(select(Post.id).where(
        Post.thread_id == thread.id, Post.author_id == viewer.id,
        Post.at_risk.is_(True)).limit(1)) is not None


# The author's own posts that others cannot see yet (or any more), with their state.
OWN_UNPUBLISHED = (PostStatus.PENDING, PostStatus.REJECTED, PostStatus.HIDDEN)


def list_own_unpublished(viewer, *, category: Category | None = None,
                         limit: int = 20) -> list[Post]:
    """The viewer's pending, rejected and hidden posts (in `category` if given), newest
    first, so that a held post is always findable."""
    if not viewer.is_authenticated:
        return []
    query = (select(Post).join(Post.thread)
             .where(Post.author_id == viewer.id, Post.status.in_(OWN_UNPUBLISHED))
             .options(joinedload(Post.thread)).order_by(Post.id.desc()).limit(limit))
    if category is not None:
        query = query.where(Thread.category_id == category.id)
    return list(db.session.scalars(query))
