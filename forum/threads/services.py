"""Writing threads and posts. Each service checks permission, enforces the rules and
commits once; views, the CLI and tests all come through here."""
import re

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..errors import ValidationFailed, require
from ..extensions import db
from ..models import Category, Flag, FlagReason, Post, PostStatus, Revision, Thread, utcnow
from ..markup import render_markdown
from ..resources.citations import render_post
from ..safety import find_crisis_phrase, mentions_dose
from ..permissions import (can_delete_post, can_edit_post, can_reply, can_start_thread,
                           must_be_reviewed)

TITLE_MIN, TITLE_MAX = 5, 150
BODY_MIN, BODY_MAX = 1, 20_000


def clean_title(title: str) -> str:
    title = re.sub(r"\s+", " ", title or "").strip()
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        raise ValidationFailed([("title", f"A title needs {TITLE_MIN} to {TITLE_MAX} characters; "
                                          f"this one has {len(title)}.")])
    return title


def clean_body(body: str) -> str:
    body = (body or "").replace("\r\n", "\n").strip()
    if len(body) < BODY_MIN:
        raise ValidationFailed([("body", "Write something first.")])
    if len(body) > BODY_MAX:
        raise ValidationFailed([("body", f"Posts can be up to {BODY_MAX:,} characters; this one "
                                         f"has {len(body):,}. Shorten it or split it into two "
                                         "posts; your text is below.")])
    return body


def _flag_if_at_risk(post: Post, phrase: str | None) -> None:
    """A system flag that puts the post at the top of the review queue (once)."""
    if phrase is None:
        return
    if post.id is not None and db.session.scalar(
            select(Flag.id).where(Flag.post_id == post.id, Flag.flagger_id.is_(None),
                                  Flag.reason == FlagReason.AT_RISK,
                                  Flag.resolved_at.is_(None))):
        return
    db.session.add(Flag(post=post, flagger_id=None, reason=FlagReason.AT_RISK,
                        note=f"Crisis language: “{phrase}”"))


# What makes a link once rendered (markdown links, autolinks, bare URLs).
_LINK = re.compile(r'href="(?:https?|mailto):', re.IGNORECASE)


def _held(author, category, body: str) -> bool:
    """Whether the post waits for review. Only the author's own words count towards
    "has a link": a quoted post's links are someone else's."""
    own_words = "\n".join(line for line in body.splitlines()
                          if not line.lstrip().startswith(">"))
    has_link = bool(_LINK.search(render_markdown(own_words))) if own_words.strip() else False
    return must_be_reviewed(author, category, has_link,
                            threshold=current_app.config["APPROVAL_THRESHOLD"])


def _validated(*checks):
    """Run every (cleaner, value) pair; report all the problems at once."""
    values, errors = [], []
    for cleaner, value in checks:
        try:
            values.append(cleaner(value))
        except ValidationFailed as failure:
            errors.extend(failure.errors)
    if errors:
        raise ValidationFailed(errors)
    return values


def _existing_post(author, idempotency_key: str | None) -> Post | None:
    if not idempotency_key:
        return None
    post = db.session.scalar(select(Post).where(Post.idempotency_key == idempotency_key))
    if post is not None and post.author_id != author.id:
        raise ValidationFailed([("body", "This form was already used. Copy your text, reload "
                                         "the page and post again.")])
    return post


def _next_position(thread_id: int) -> int:
    """Take the thread's next position atomically (a row lock on PostgreSQL, the
    write lock on SQLite), so concurrent replies never share a number."""
    return db.session.execute(
        update(Thread).where(Thread.id == thread_id)
        .values(last_position=Thread.last_position + 1)
        .returning(Thread.last_position)
        .execution_options(synchronize_session=False)
    ).scalar_one()


def _commit_new_post(author, post: Post, idempotency_key: str | None) -> Post:
    try:
        db.session.commit()
    except IntegrityError:
        # Two copies of one submission raced; the other one was saved first.
        db.session.rollback()
        existing = _existing_post(author, idempotency_key)
        if existing is None:
            raise
        return existing
    return post


def create_thread(author, category: Category, *, title: str, body: str,
                  idempotency_key: str | None = None) -> Post:
    """Start a thread; returns its opening post (or the one this submission already made)."""
    require(can_start_thread(author, category))
    existing = _existing_post(author, idempotency_key)
    if existing is not None:
        return existing
    title, body = _validated((clean_title, title), (clean_body, body))

    now = utcnow()
    html = render_post(body)
    crisis = find_crisis_phrase(f"{title}\n{body}")
    # Someone who may be at risk is never kept waiting: the post goes out, and
    # moderators see it first.
    held = crisis is None and _held(author, category, body)
    status = PostStatus.PENDING if held else PostStatus.PUBLISHED
    thread = Thread(category=category, author_id=author.id, title=title, status=status,
                    created_at=now, last_post_at=now, last_poster_id=author.id,
                    post_count=0 if held else 1, last_position=1)
    post = Post(thread=thread, author_id=author.id, position=1, body=body, body_html=html,
                status=status, created_at=now, mentions_dose=mentions_dose(body),
                idempotency_key=idempotency_key or None)
    if not held:
        db.session.execute(update(Category).where(Category.id == category.id)
                           .values(thread_count=Category.thread_count + 1)
                           .execution_options(synchronize_session=False))
    # Added after the UPDATE, so the INSERTs run in the commit, where a copy of this
    # submission saved meanwhile is caught (see _commit_new_post and reply below).
    db.session.add_all([thread, post])
    _flag_if_at_risk(post, crisis)
    return _commit_new_post(author, post, idempotency_key)


def reply(author, thread: Thread, *, body: str, idempotency_key: str | None = None) -> Post:
    """Add a reply at the end of `thread`."""
    require(can_reply(author, thread))
    existing = _existing_post(author, idempotency_key)
    if existing is not None:
        return existing
    body = clean_body(body)
    now = utcnow()
    html = render_post(body)
    crisis = find_crisis_phrase(body)
    held = crisis is None and _held(author, thread.category, body)
    position = _next_position(thread.id)
    if not held:  # a held reply counts, and is "last activity", once it is approved
        db.session.execute(update(Thread).where(Thread.id == thread.id)
                           .values(post_count=Thread.post_count + 1, last_post_at=now,
                                   last_poster_id=author.id)
                           .execution_options(synchronize_session=False))
    post = Post(thread_id=thread.id, author_id=author.id, position=position, body=body,
                body_html=html, status=PostStatus.PENDING if held else PostStatus.PUBLISHED,
                created_at=now, mentions_dose=mentions_dose(body),
                idempotency_key=idempotency_key or None)
    # Added last, so its INSERT runs in the commit. Two copies of one submission (a
    # double click) can both pass the check above on PostgreSQL; the second INSERT then
    # waits for the first and fails on the idempotency key inside _commit_new_post,
    # which answers with the saved copy. An earlier autoflush (e.g. by the UPDATE)
    # raised that error outside it: an error page instead of the post. (bench/write_load.py)
    db.session.add(post)
    _flag_if_at_risk(post, crisis)
    result = _commit_new_post(author, post, idempotency_key)
    db.session.expire(thread)
    return result


def edit_post(editor, post: Post, *, body: str, title: str | None = None) -> Post:
    """Replace a post's text, keeping the earlier version as a revision."""
    require(can_edit_post(editor, post))
    body = clean_body(body)
    thread = post.thread
    new_title = clean_title(title) if (post.is_first and title is not None) else None
    if body == post.body and (new_title is None or new_title == thread.title):
        return post  # nothing changed: no revision, no "edited" marker
    db.session.add(Revision(post_id=post.id, editor_id=editor.id, body=post.body,
                            title=thread.title if post.is_first else None))
    post.body = body
    post.body_html = render_post(body)
    post.mentions_dose = mentions_dose(body)
    post.edited_at = utcnow()
    if new_title is not None:
        thread.title = new_title
    _flag_if_at_risk(post, find_crisis_phrase(f"{new_title or ''}\n{body}"))
    db.session.commit()
    return post


def delete_post(user, post: Post) -> None:
    """Soft-delete one's own post; the thread shows a placeholder in its place.

    Deleting the opening post of a thread nobody has answered removes the thread too.
    """
    require(can_delete_post(user, post))
    was_published = post.status == PostStatus.PUBLISHED
    post.status = PostStatus.DELETED
    post.deleted_at = utcnow()
    thread = post.thread
    remaining = thread.post_count
    if was_published:
        remaining = db.session.execute(
            update(Thread).where(Thread.id == thread.id)
            .values(post_count=Thread.post_count - 1)
            .returning(Thread.post_count)
            .execution_options(synchronize_session=False)
        ).scalar_one()
    if post.is_first and remaining == 0:
        if thread.status == PostStatus.PUBLISHED:
            db.session.execute(update(Category).where(Category.id == thread.category_id)
                               .values(thread_count=Category.thread_count - 1)
                               .execution_options(synchronize_session=False))
        thread.status = PostStatus.DELETED
    db.session.commit()
