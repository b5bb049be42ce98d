"""The one owner of a post's life.

Every status change of a post, every counter it moves (a thread's `post_count`,
`last_post_at` and `last_poster_id`, a category's `thread_count`, a member's
`approved_post_count`), and every rewrite of its text happens here, for members,
moderators, the system and the command line alike. Each change announces itself
(forum/events.py) inside the caller's transaction, so search, notifications, the page
cache, export and erasure hear of it exactly when it is saved.

    pending ──approve──▶ published ──hide──▶ hidden
       │                   │  ▲                │
       └──reject──▶ rejected  └────restore─────┘ (rejected ──restore──▶ published too)
    pending, published, hidden, rejected ──(author) delete──▶ deleted
    hidden, rejected ──(author) resubmit──▶ pending (its earlier text kept as a revision)

These functions check no permission and never commit: the services in forum/threads,
forum/moderation and forum/flags ask permissions.py, call one of these, write their log
row and notification, and commit once. Status changes are conditional UPDATEs, so when two
moderators act on one post at once the second gets AlreadyHandled and changes nothing.
"""
import re

from sqlalchemy import delete as delete_rows
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..events import PostEvent, announce
from ..extensions import begin_writing, db
from ..models import (Action, Category, EditStatus, Flag, FlagReason, Post, PostStatus,
                      ProposedEdit, Revision, Thread, User, utcnow)
from ..modlog import log_action
from .text import PreparedText, prepare_text


class AlreadyHandled(Exception):
    """Someone else changed this post first; nothing was changed."""


class DuplicateSubmission(Exception):
    """A copy of this submission (same idempotency key) was saved first; the session was
    rolled back and the caller answers with the saved copy."""


# --- new posts -------------------------------------------------------------------------

def start_thread(author, category: Category, text: PreparedText, *, held: bool,
                 idempotency_key: str | None, hold_reason: str | None = None) -> Post:
    """Add a thread and its opening post to the session (pending when `held`)."""
    begin_writing()
    now = utcnow()
    status = PostStatus.PENDING if held else PostStatus.PUBLISHED
    thread = Thread(category=category, author_id=author.id, title=text.title, status=status,
                    created_at=now, last_post_at=now, last_poster_id=author.id,
                    post_count=0 if held else 1, last_position=1)
    post = Post(thread=thread, author_id=author.id, position=1, body=text.body,
                body_html=text.html, status=status, created_at=now,
                mentions_dose=text.mentions_dose, idempotency_key=idempotency_key or None,
                hold_reason=hold_reason if held else None)
    if not held:
        _count_threads(category.id, +1)
    db.session.add_all([thread, post])
    _insert()
    _raise_at_risk_flag(post, text.crisis_phrase)
    if not held:
        _announce(PostEvent.BECAME_VISIBLE, post, author.id, "new thread")
    return post


def add_reply(author, thread: Thread, text: PreparedText, *, held: bool,
              idempotency_key: str | None, hold_reason: str | None = None) -> Post:
    """Add a reply at the end of `thread` to the session (pending when `held`)."""
    begin_writing()
    now = utcnow()
    position = _next_position(thread.id)
    if not held:  # a held reply counts, and is "last activity", once it is approved
        db.session.execute(update(Thread).where(Thread.id == thread.id)
                           .values(post_count=Thread.post_count + 1, last_post_at=now,
                                   last_poster_id=author.id)
                           .execution_options(synchronize_session=False))
    post = Post(thread_id=thread.id, author_id=author.id, position=position, body=text.body,
                body_html=text.html,
                status=PostStatus.PENDING if held else PostStatus.PUBLISHED,
                created_at=now, mentions_dose=text.mentions_dose,
                idempotency_key=idempotency_key or None,
                hold_reason=hold_reason if held else None)
    db.session.add(post)
    _insert()
    _raise_at_risk_flag(post, text.crisis_phrase)
    if not held:
        _announce(PostEvent.BECAME_VISIBLE, post, author.id, "reply")
    return post


def _insert() -> None:
    """INSERT what was added, here and nowhere else. Two copies of one submission (a
    double click) can both pass the service's idempotency check on PostgreSQL; the second
    INSERT then waits for the first and fails on the idempotency key, and the service
    answers with the saved copy. (An autoflush elsewhere once raised that error where
    nothing caught it: an error page instead of the post; bench/write_load.py.)"""
    try:
        db.session.flush()
    except IntegrityError as error:
        db.session.rollback()
        raise DuplicateSubmission() from error


def _next_position(thread_id: int) -> int:
    """Take the thread's next position atomically (a row lock on PostgreSQL, the
    write lock on SQLite), so concurrent replies never share a number."""
    return db.session.execute(
        update(Thread).where(Thread.id == thread_id)
        .values(last_position=Thread.last_position + 1)
        .returning(Thread.last_position)
        .execution_options(synchronize_session=False)
    ).scalar_one()


# --- status changes --------------------------------------------------------------------

def approve(moderator, post: Post) -> None:
    """pending → published: it counts, it is the thread's latest activity, and its
    author has one more approved post."""
    _transition(post, {PostStatus.PENDING}, PostStatus.PUBLISHED)
    post.status_reason = None
    _went_public(post, bump_activity=True)
    db.session.execute(update(User).where(User.id == post.author_id)
                       .values(approved_post_count=User.approved_post_count + 1)
                       .execution_options(synchronize_session=False))
    _announce(PostEvent.BECAME_VISIBLE, post, moderator.id, "approved")


def reject(moderator, post: Post, *, reason: str | None = None) -> None:
    """pending → rejected (still readable by its author, who is shown `reason` on it)."""
    was = _transition(post, {PostStatus.PENDING}, PostStatus.REJECTED)
    post.status_reason = reason
    _went_private(post, was, PostStatus.REJECTED)
    _resolve_flags(post, moderator, "actioned")


def hide(moderator, post: Post, *, reason: str | None = None) -> None:
    """published → hidden, restorable. `moderator` None: the system (auto-hide).
    Its author is shown `reason` on the post."""
    was = _transition(post, {PostStatus.PUBLISHED}, PostStatus.HIDDEN)
    post.status_reason = reason
    _went_private(post, was, PostStatus.HIDDEN)
    if moderator is not None:
        _resolve_flags(post, moderator, "actioned")
    _announce(PostEvent.STOPPED_BEING_VISIBLE, post, _id(moderator), "hidden")


def restore(moderator, post: Post, *, resolution: str = "dismissed") -> None:
    """hidden or rejected → published, without making it the latest activity."""
    _transition(post, {PostStatus.HIDDEN, PostStatus.REJECTED}, PostStatus.PUBLISHED)
    post.status_reason = None
    _went_public(post, bump_activity=False)
    _resolve_flags(post, moderator, resolution)
    _announce(PostEvent.BECAME_VISIBLE, post, _id(moderator), "restored")


def restore_after_false_flags(moderator, post: Post) -> None:
    """A post the system hid because of flags that a moderator then dismissed."""
    _transition(post, {PostStatus.HIDDEN}, PostStatus.PUBLISHED)
    post.status_reason = None
    _went_public(post, bump_activity=False)
    _announce(PostEvent.BECAME_VISIBLE, post, moderator.id, "flags dismissed")


def delete(author, post: Post) -> None:
    """Its author removes a post (live, waiting, rejected or hidden): the thread shows a
    placeholder in its place. The opening post of a thread nobody has answered takes the
    thread with it. Its open flags are closed (the system logs why) and a waiting edit is
    withdrawn."""
    begin_writing()
    was = _transition(post, {PostStatus.PUBLISHED, PostStatus.PENDING, PostStatus.HIDDEN,
                             PostStatus.REJECTED}, PostStatus.DELETED)
    post.deleted_at = utcnow()
    thread = post.thread
    remaining = thread.post_count
    if was == PostStatus.PUBLISHED:
        remaining = db.session.execute(
            update(Thread).where(Thread.id == thread.id)
            .values(post_count=Thread.post_count - 1)
            .returning(Thread.post_count)
            .execution_options(synchronize_session=False)
        ).scalar_one()
    if post.is_first and remaining == 0:
        if thread.status == PostStatus.PUBLISHED:
            _count_threads(thread.category_id, -1)
        db.session.execute(update(Thread).where(Thread.id == thread.id)
                           .values(status=PostStatus.DELETED)
                           .execution_options(synchronize_session=False))
    db.session.expire(thread)
    if _resolve_flags(post, None, "withdrawn"):
        log_action(None, Action.CLOSE_FLAGS, post=post,
                   reason="Its author deleted the post, so its flags were closed.")
    withdraw_pending_edit(post)
    if was == PostStatus.PUBLISHED:
        _announce(PostEvent.STOPPED_BEING_VISIBLE, post, author.id, "deleted")


def _transition(post: Post, allowed_from: set[str], to: str) -> str:
    """Move `post` to status `to` if it is still in one of `allowed_from`; return the old
    status. The WHERE clause makes a concurrent second attempt change nothing."""
    begin_writing()
    before = post.status
    changed = db.session.execute(
        update(Post).where(Post.id == post.id, Post.status.in_(allowed_from))
        .values(status=to).execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        raise AlreadyHandled()  # this statement changed nothing; the caller rolls back
    post.status = to
    db.session.flush()
    return before


def _went_public(post: Post, *, bump_activity: bool) -> None:
    thread = post.thread
    values = {"post_count": Thread.post_count + 1}
    if bump_activity:
        values.update(last_post_at=utcnow(), last_poster_id=post.author_id)
    if post.is_first and thread.status != PostStatus.PUBLISHED:
        values["status"] = PostStatus.PUBLISHED
        _count_threads(thread.category_id, +1)
    db.session.execute(update(Thread).where(Thread.id == thread.id).values(**values)
                       .execution_options(synchronize_session=False))
    db.session.expire(thread)


def _went_private(post: Post, was: str, now: str) -> None:
    thread = post.thread
    values = {}
    if was == PostStatus.PUBLISHED:
        values["post_count"] = Thread.post_count - 1
    if post.is_first and thread.status != now:
        if thread.status == PostStatus.PUBLISHED:
            _count_threads(thread.category_id, -1)
        values["status"] = now
    if values:
        db.session.execute(update(Thread).where(Thread.id == thread.id).values(**values)
                           .execution_options(synchronize_session=False))
        db.session.expire(thread)


def move_thread(thread: Thread, category: Category) -> None:
    """A thread changes category; a visible one counts in its new category instead."""
    begin_writing()
    if thread.status == PostStatus.PUBLISHED:
        _count_threads(thread.category_id, -1)
        _count_threads(category.id, +1)
    thread.category_id = category.id


def _count_threads(category_id: int, change: int) -> None:
    db.session.execute(update(Category).where(Category.id == category_id)
                       .values(thread_count=Category.thread_count + change)
                       .execution_options(synchronize_session=False))


# --- text ------------------------------------------------------------------------------

def rewrite(editor, post: Post, text: PreparedText, *, cause: str) -> bool:
    """Replace a post's text (and, for an opening post with `text.title`, its thread's
    title), keeping the earlier version as a revision. False when nothing changed."""
    begin_writing()
    thread = post.thread
    new_title = text.title if post.is_first and text.title is not None else None
    title_changes = new_title is not None and new_title != thread.title
    if text.body == post.body and not title_changes:
        return False  # nothing changed: no revision, no "edited" marker
    db.session.add(Revision(post_id=post.id, editor_id=_id(editor), body=post.body,
                            title=thread.title if post.is_first else None))
    post.body = text.body
    post.body_html = text.html
    post.mentions_dose = text.mentions_dose
    post.edited_at = utcnow()
    if title_changes:
        thread.title = new_title
    _raise_at_risk_flag(post, text.crisis_phrase)
    if post.status == PostStatus.PUBLISHED:
        _announce(PostEvent.TEXT_CHANGED, post, _id(editor), cause)
    return True


def resubmit(author, post: Post, text: PreparedText) -> bool:
    """hidden or rejected → pending: its author rewrote it after a moderator's reason, and
    it goes back to the review queue marked as a resubmission. The earlier text is kept
    as a revision (the moderator's reason stays on it until a moderator decides). False
    when the text is unchanged (nothing happens)."""
    if not rewrite(author, post, text, cause="resubmitted"):
        return False
    _transition(post, {PostStatus.HIDDEN, PostStatus.REJECTED}, PostStatus.PENDING)
    post.resubmitted_at = utcnow()
    thread = post.thread
    if post.is_first and thread.status != PostStatus.PENDING:
        # The thread follows its opening post; it did not count while hidden or rejected.
        db.session.execute(update(Thread).where(Thread.id == thread.id)
                           .values(status=PostStatus.PENDING)
                           .execution_options(synchronize_session=False))
        db.session.expire(thread)
    return True


def retitle(moderator, thread: Thread, title: str) -> None:
    """A moderator renames a thread; its author's next change of the title is reviewed."""
    begin_writing()
    thread.title = title
    thread.title_needs_review = True
    opening = db.session.scalar(select(Post).where(Post.thread_id == thread.id,
                                                   Post.position == 1))
    if opening is not None and opening.status == PostStatus.PUBLISHED:
        _announce(PostEvent.TEXT_CHANGED, opening, _id(moderator), "renamed")


def moderator_rewrite(moderator, post: Post, text: PreparedText) -> bool:
    """A moderator's edit; the author's next edit of this post waits for review."""
    changed = rewrite(moderator, post, text, cause="moderator edit")
    if changed:
        post.edit_needs_review = True
    return changed


def propose_edit(editor, post: Post, text: PreparedText, *, hold_reason: str) -> ProposedEdit:
    """Keep an edit of a published post for review: readers see the post as it was.
    A newer proposal replaces a waiting one (which is kept, as withdrawn)."""
    begin_writing()
    withdraw_pending_edit(post)
    edit = ProposedEdit(post_id=post.id, editor_id=editor.id, body=text.body,
                        body_html=text.html, title=text.title if post.is_first else None,
                        mentions_dose=text.mentions_dose, hold_reason=hold_reason)
    db.session.add(edit)
    post.edit_pending = True
    _raise_at_risk_flag(post, text.crisis_phrase)
    return edit


def pending_edit(post: Post) -> ProposedEdit | None:
    if not post.edit_pending:
        return None
    return db.session.scalar(select(ProposedEdit).where(
        ProposedEdit.post_id == post.id, ProposedEdit.status == EditStatus.PENDING))


def accept_edit(moderator, edit: ProposedEdit) -> None:
    """Apply a waiting edit (the text it replaces becomes a revision, as for any edit)."""
    _review_edit(moderator, edit, EditStatus.APPROVED)
    post = edit.post
    text = PreparedText(body=edit.body, html=edit.body_html, title=edit.title,
                        has_own_link=False, mentions_dose=edit.mentions_dose,
                        crisis_phrase=None)
    rewrite(edit.editor, post, text, cause="edit approved")
    post.edit_needs_review = False
    if edit.title is not None:
        post.thread.title_needs_review = False


def decline_edit(moderator, edit: ProposedEdit) -> None:
    """Leave the post as it is; the proposal is kept for its author."""
    _review_edit(moderator, edit, EditStatus.REJECTED)


def _review_edit(moderator, edit: ProposedEdit, to: str) -> None:
    begin_writing()
    changed = db.session.execute(
        update(ProposedEdit).where(ProposedEdit.id == edit.id,
                                   ProposedEdit.status == EditStatus.PENDING)
        .values(status=to, reviewed_at=utcnow(), reviewed_by_id=_id(moderator))
        .execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        raise AlreadyHandled()
    db.session.expire(edit)
    edit.post.edit_pending = False


def withdraw_pending_edit(post: Post) -> None:
    """A waiting edit is replaced by a newer one, or its post is deleted (kept, as
    withdrawn)."""
    if not post.edit_pending:
        return
    db.session.execute(update(ProposedEdit)
                       .where(ProposedEdit.post_id == post.id,
                              ProposedEdit.status == EditStatus.PENDING)
                       .values(status=EditStatus.WITHDRAWN, reviewed_at=utcnow())
                       .execution_options(synchronize_session=False))
    post.edit_pending = False


# --- flags the lifecycle itself raises or closes ---------------------------------------

def _raise_at_risk_flag(post: Post, phrase: str | None) -> None:
    """A system flag that puts the post at the top of the review queue (once)."""
    if phrase is None:
        return
    post.at_risk = True
    thread_id = post.thread_id if post.thread_id is not None else post.thread.id
    db.session.execute(update(Thread).where(Thread.id == thread_id)
                       .values(has_at_risk_post=True)
                       .execution_options(synchronize_session=False))
    if post.id is not None and db.session.scalar(
            select(Flag.id).where(Flag.post_id == post.id, Flag.flagger_id.is_(None),
                                  Flag.reason == FlagReason.AT_RISK,
                                  Flag.resolved_at.is_(None))):
        return
    db.session.add(Flag(post=post, flagger_id=None, reason=FlagReason.AT_RISK,
                        note=f"Crisis language: “{phrase}”"))


def _resolve_flags(post: Post, moderator, resolution: str) -> int:
    return db.session.execute(
        update(Flag).where(Flag.post_id == post.id, Flag.resolved_at.is_(None))
        .values(resolved_at=utcnow(), resolved_by_id=_id(moderator), resolution=resolution)
        .execution_options(synchronize_session=False)).rowcount


def resolve_flags(post: Post, moderator, resolution: str) -> int:
    """Close a post's open flags ("actioned", "dismissed"); returns how many."""
    return _resolve_flags(post, moderator, resolution)


def _announce(event: PostEvent, post: Post, actor_id: int | None, cause: str) -> None:
    announce(event, post, actor_id=actor_id, cause=cause)


def _id(user) -> int | None:
    return user.id if user is not None else None


# --- erasure (forum/accounts/erasure.py) -----------------------------------------------

REMOVED_TITLE = "Removed at the author's request"
QUOTE_REMOVED = "> *quote removed at the author's request*\n"
# What threads/queries.quote_text writes: "[name wrote](/p/<id>):" then "> " lines.
_QUOTE = re.compile(r"^\[[^\]\n]*\]\(/p/(?P<id>\d+)\):[ \t]*\n(?:>[^\n]*(?:\n|$))*", re.M)


def erase_text(post: Post, *, actor_id: int | None) -> None:
    """Its author left and asked for their words to go. The post becomes a placeholder
    ("removed at the author's request") wherever it stood, with the counters of a
    deletion; its text, every earlier version and any waiting edit are destroyed; an
    opening post takes its thread's title with it. A visible post announces that it
    stopped being visible, so the search index and the caches drop it."""
    begin_writing()
    if post.status in (PostStatus.PUBLISHED, PostStatus.PENDING):
        delete(_Actor(actor_id), post)
    elif post.status in (PostStatus.HIDDEN, PostStatus.REJECTED):
        _transition(post, {PostStatus.HIDDEN, PostStatus.REJECTED}, PostStatus.DELETED)
        post.deleted_at = utcnow()
        withdraw_pending_edit(post)
    post.body = ""
    post.body_html = ""
    post.mentions_dose = False
    post.edit_needs_review = False
    post.text_removed_at = utcnow()
    db.session.execute(delete_rows(Revision).where(Revision.post_id == post.id))
    db.session.execute(delete_rows(ProposedEdit).where(ProposedEdit.post_id == post.id))
    # A crisis flag's note quotes the post; the flag itself stays for the moderators.
    db.session.execute(update(Flag).where(Flag.post_id == post.id, Flag.flagger_id.is_(None))
                       .values(note="(text removed at the author's request)")
                       .execution_options(synchronize_session=False))
    if post.position == 1:
        db.session.execute(update(Thread).where(Thread.id == post.thread_id)
                           .values(title=REMOVED_TITLE)
                           .execution_options(synchronize_session=False))
        db.session.expire(post.thread)


class _Actor:
    """Who erased (the member, a moderator, or None for the command line), as delete()
    wants it."""
    def __init__(self, actor_id):
        self.id = actor_id


def strip_quotes(text: str, removed_ids: set[int]) -> str:
    """`text` with every quote of a post in `removed_ids` replaced by a short note."""
    return _QUOTE.sub(lambda m: QUOTE_REMOVED if int(m.group("id")) in removed_ids
                      else m.group(0), text)


def quoted_post_ids(text: str) -> set[int]:
    return {int(m.group("id")) for m in _QUOTE.finditer(text)}


def _rewrite_quotes(post: Post, rewrite, *, actor_id: int | None, cause: str) -> bool:
    """Apply `rewrite` (text -> text) to someone else's post, its earlier versions and any
    waiting edit alike, so no version keeps what it changes. False when nothing changed."""
    new_body = rewrite(post.body)
    if new_body == post.body:
        return False
    begin_writing()
    text = prepare_text(new_body)
    post.body = text.body
    post.body_html = text.html
    for revision in db.session.scalars(select(Revision).where(Revision.post_id == post.id)):
        revision.body = rewrite(revision.body)
    for edit in db.session.scalars(select(ProposedEdit).where(ProposedEdit.post_id == post.id)):
        changed = rewrite(edit.body)
        if changed != edit.body:
            edit.body = changed
            edit.body_html = prepare_text(changed).html
    if post.status == PostStatus.PUBLISHED:
        _announce(PostEvent.TEXT_CHANGED, post, actor_id, cause)
    return True


def remove_quotes(post: Post, removed_ids: set[int], *, actor_id: int | None) -> bool:
    """Where `post` (someone else's) quotes a removed post, the quoted passage becomes
    "quote removed at the author's request"; their own words stay as they wrote them.
    False when it quoted none of them."""
    return _rewrite_quotes(post, lambda text: strip_quotes(text, removed_ids),
                           actor_id=actor_id, cause="quote removed")


# The header the quote helper writes before a quoted passage: "[name wrote](/p/<id>):".
_QUOTE_HEADER = re.compile(r"^\[[^\]\n]*\]\(/p/(?P<id>\d+)\):", re.M)
FORMER_MEMBER_WROTE = "a former member wrote"


def relabel_quote_headers(text: str, post_ids: set[int]) -> str:
    """`text` with the name in each quote header of a post in `post_ids` replaced by
    "a former member": the quoted words stay, the departed member's name goes."""
    return _QUOTE_HEADER.sub(
        lambda m: (f"[{FORMER_MEMBER_WROTE}](/p/{m.group('id')}):"
                   if int(m.group("id")) in post_ids else m.group(0)), text)


def relabel_quotes(post: Post, quoted_ids: set[int], *, actor_id: int | None) -> bool:
    """Someone else's post quotes a departed member who kept their posts: the quote stays,
    attributed to "a former member"."""
    return _rewrite_quotes(post, lambda text: relabel_quote_headers(text, quoted_ids),
                           actor_id=actor_id, cause="quote relabelled")


def relabel_quotes_in_revision(revision: Revision, post_ids: set[int]) -> None:
    """An earlier version of someone's post that quoted a departed member."""
    revision.body = relabel_quote_headers(revision.body, post_ids)


def remove_quotes_from_revision(revision: Revision, removed_ids: set[int]) -> None:
    """An earlier version of someone's post that quoted a removed post."""
    revision.body = strip_quotes(revision.body, removed_ids)


def unlink_author(member_id: int) -> None:
    """A departed member's posts and threads stay, attributed to "a former member"."""
    begin_writing()
    db.session.execute(update(Post).where(Post.author_id == member_id)
                       .values(author_id=None).execution_options(synchronize_session=False))
    db.session.execute(update(Thread).where(Thread.author_id == member_id)
                       .values(author_id=None).execution_options(synchronize_session=False))
    db.session.execute(update(Thread).where(Thread.last_poster_id == member_id)
                       .values(last_poster_id=None)
                       .execution_options(synchronize_session=False))
    db.session.execute(update(Revision).where(Revision.editor_id == member_id)
                       .values(editor_id=None).execution_options(synchronize_session=False))
