"""What members write: threads, replies, edits and deletions.

Each service checks permission, decides (held for review? crisis language?), hands the
change to the post lifecycle (forum/posts/lifecycle.py), commits once, and returns what it
decided, so the route only translates it. Views, the CLI and tests all come through here.
"""
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from ..errors import ValidationFailed, require
from ..extensions import db
from ..models import Category, Post, ProposedEdit, Thread
from ..permissions import (HoldReason, can_delete_post, can_edit_post, can_reply,
                           can_resubmit, can_start_thread, edit_review_reason, review_reason)
from ..posts import lifecycle
from ..posts.text import PreparedText, prepare_text

# The cleaners are the services' own rules; re-exported for the forms' callers.
from ..posts.text import clean_body, clean_title  # noqa: F401


@dataclass(frozen=True)
class Posted:
    """What became of a new post."""
    post: Post
    # Why it waits for a moderator (permissions.HoldReason), or None: it is published.
    hold_reason: HoldReason | None = None
    # The crisis phrase found in it: its author is shown the helplines first.
    crisis_phrase: str | None = None
    # True when this submission had already been saved (a double click, a retry).
    repeated: bool = False

    @property
    def held(self) -> bool:
        return self.hold_reason is not None


@dataclass(frozen=True)
class Edited:
    """What became of an edit."""
    post: Post
    changed: bool
    # Set when the edit waits for a moderator; readers keep the earlier version meanwhile.
    proposal: ProposedEdit | None = None
    hold_reason: HoldReason | None = None
    crisis_phrase: str | None = None

    @property
    def held(self) -> bool:
        return self.proposal is not None


def _hold_reason(author, category: Category, text: PreparedText) -> HoldReason | None:
    # Someone who may be at risk is never kept waiting: the post goes out, and
    # moderators see it first (an "at risk" flag).
    if text.crisis_phrase is not None:
        return None
    return review_reason(author, category, text.has_own_link,
                         threshold=current_app.config["APPROVAL_THRESHOLD"])


def _existing_post(author, idempotency_key: str | None) -> Post | None:
    if not idempotency_key:
        return None
    post = db.session.scalar(select(Post).where(Post.idempotency_key == idempotency_key))
    if post is not None and post.author_id != author.id:
        raise ValidationFailed([("body", "This form was already used. Copy your text, reload "
                                         "the page and post again.")])
    return post


def _repeat(post: Post) -> Posted:
    return Posted(post=post, repeated=True)


def create_thread(author, category: Category, *, title: str, body: str,
                  idempotency_key: str | None = None) -> Posted:
    """Start a thread with its opening post (or find the one this submission made)."""
    require(can_start_thread(author, category))
    existing = _existing_post(author, idempotency_key)
    if existing is not None:
        return _repeat(existing)
    text = prepare_text(body, title=title, with_title=True)
    hold = _hold_reason(author, category, text)
    try:
        post = lifecycle.start_thread(author, category, text, held=hold is not None,
                                      idempotency_key=idempotency_key, hold_reason=hold)
    except lifecycle.DuplicateSubmission:
        return _repeat(_saved_copy(author, idempotency_key))
    db.session.commit()
    return Posted(post=post, hold_reason=hold, crisis_phrase=text.crisis_phrase)


def reply(author, thread: Thread, *, body: str, idempotency_key: str | None = None) -> Posted:
    """Add a reply at the end of `thread`."""
    require(can_reply(author, thread))
    existing = _existing_post(author, idempotency_key)
    if existing is not None:
        return _repeat(existing)
    text = prepare_text(body)
    hold = _hold_reason(author, thread.category, text)
    try:
        post = lifecycle.add_reply(author, thread, text, held=hold is not None,
                                   idempotency_key=idempotency_key, hold_reason=hold)
    except lifecycle.DuplicateSubmission:
        return _repeat(_saved_copy(author, idempotency_key))
    db.session.commit()
    db.session.expire(thread)
    return Posted(post=post, hold_reason=hold, crisis_phrase=text.crisis_phrase)


def _saved_copy(author, idempotency_key: str | None) -> Post:
    existing = _existing_post(author, idempotency_key)
    if existing is None:  # the conflict was about something else: let it be seen
        raise RuntimeError("a new post conflicted with a row that is not its saved copy")
    return existing


def edit_post(editor, post: Post, *, body: str, title: str | None = None) -> Edited:
    """Change one's own post. An edit that a new post would need reviewed (or of a text a
    moderator changed) waits for a moderator; readers keep the earlier version until then."""
    require(can_edit_post(editor, post))
    thread = post.thread
    retitles = post.is_first and title is not None
    text = prepare_text(body, title=title, with_title=retitles)
    title_changed = retitles and text.title != thread.title
    if text.body == post.body and not title_changed:
        if post.edit_pending:  # back to the text readers see: the waiting edit goes
            lifecycle.withdraw_pending_edit(post)
            db.session.commit()
        return Edited(post=post, changed=False)
    hold = None
    if post.status == "published" and text.crisis_phrase is None:
        hold = edit_review_reason(editor, post, has_link=text.has_own_link,
                                  title_changed=title_changed,
                                  threshold=current_app.config["APPROVAL_THRESHOLD"])
    if hold is not None:
        proposal = lifecycle.propose_edit(editor, post, text, hold_reason=hold)
        db.session.commit()
        return Edited(post=post, changed=True, proposal=proposal, hold_reason=hold,
                      crisis_phrase=text.crisis_phrase)
    lifecycle.withdraw_pending_edit(post)  # this newer text replaces any waiting edit
    changed = lifecycle.rewrite(editor, post, text, cause="edited")
    db.session.commit()
    return Edited(post=post, changed=changed, crisis_phrase=text.crisis_phrase)


def delete_post(user, post: Post) -> None:
    """Soft-delete one's own post; the thread shows a placeholder in its place."""
    require(can_delete_post(user, post))
    lifecycle.delete(user, post)
    db.session.commit()


def resubmit_post(author, post: Post, *, body: str, title: str | None = None) -> Edited:
    """Rewrite a post a moderator rejected or hid and send it back to the review queue,
    marked as a resubmission; the earlier version is kept."""
    require(can_resubmit(author, post))
    retitles = post.is_first and title is not None
    text = prepare_text(body, title=title, with_title=retitles)
    if not lifecycle.resubmit(author, post, text):
        raise ValidationFailed([("body", "Change the text to answer the moderator's reason, "
                                         "then send it again.")])
    db.session.commit()
    return Edited(post=post, changed=True, crisis_phrase=text.crisis_phrase)


def will_be_reviewed(author, category: Category) -> HoldReason | None:
    """What the compose form says beforehand: why this author's next post in `category`
    will wait for a moderator (links from new accounts are said separately), or None."""
    if not author.is_authenticated:
        return None
    return review_reason(author, category, False,
                         threshold=current_app.config["APPROVAL_THRESHOLD"])


def preview(body: str) -> str:
    """The HTML a post would have, through the same pipeline as a saved post."""
    return prepare_text(body).html
