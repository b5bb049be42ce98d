"""Categories, threads, posts and the revisions of edited posts."""
from datetime import datetime
from enum import StrEnum

from sqlalchemy import (Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .user import User


class PostStatus(StrEnum):
    PENDING = "pending"        # held for review; seen by its author and moderators
    PUBLISHED = "published"
    REJECTED = "rejected"      # by a moderator; still readable by its author
    HIDDEN = "hidden"          # by a moderator, restorable
    DELETED = "deleted"        # by its author; the thread shows a placeholder


_STATUS_CHECK = "status IN ('pending', 'published', 'rejected', 'hidden', 'deleted')"


class Category(db.Model):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    # Every post here waits for a moderator, whoever writes it.
    requires_approval: Mapped[bool] = mapped_column(Boolean, default=False)
    # Readable by logged-in members only: hidden from guests in every list, page and feed.
    members_only: Mapped[bool] = mapped_column(Boolean, default=False)
    # Kept in step by the services: the category page never counts rows.
    thread_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Thread(db.Model):
    __tablename__ = "threads"
    __table_args__ = (
        CheckConstraint(_STATUS_CHECK, name="status_known"),
        # The category page: visible threads, pinned first, then by last activity. Both
        # listings order by id last to break ties; with id in the index, PostgreSQL reads
        # just the page's rows in order instead of sorting groups of them (migration 0007).
        Index("ix_threads_listing", "category_id", "status", "pinned", "last_post_at", "id"),
        Index("ix_threads_latest", "status", "last_post_at", "id"),
        # The home page's site-wide pins: without it, every visit reads every thread.
        Index("ix_threads_site_pinned", "pinned_globally", "status", "last_post_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(150))
    # Follows the opening post: pending, rejected or hidden with it. It stays published
    # when its author deletes an opening post that others have answered.
    status: Mapped[str] = mapped_column(String(16), default=PostStatus.PUBLISHED)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_post_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_poster_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Published posts (the opening post included), kept in step by the services.
    post_count: Mapped[int] = mapped_column(Integer, default=0)
    # The highest position handed out; positions number a thread's posts 1, 2, 3 ...
    last_position: Mapped[int] = mapped_column(Integer, default=0)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    # Pinned site-wide: listed at the top of the home page.
    pinned_globally: Mapped[bool] = mapped_column(Boolean, default=False)
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when a moderator renames the thread: the author's next change of the title waits
    # for review (so a removed phone number cannot be put straight back).
    title_needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    # The moderator's reason for locking, shown to readers while it is locked.
    lock_reason: Mapped[str | None] = mapped_column(Text)
    # A post here used crisis language: its author sees the helplines on every visit, and
    # other readers a short "if you are worried about this person" box.
    has_at_risk_post: Mapped[bool] = mapped_column(Boolean, default=False)

    category: Mapped[Category] = relationship(lazy="joined", innerjoin=True)
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    last_poster: Mapped[User | None] = relationship(foreign_keys=[last_poster_id])

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    @property
    def reply_count(self) -> int:
        return max(self.post_count - 1, 0)


class Post(db.Model):
    __tablename__ = "posts"
    __table_args__ = (
        CheckConstraint(_STATUS_CHECK, name="status_known"),
        # Also the index that serves a thread page: positions BETWEEN a AND b.
        UniqueConstraint("thread_id", "position", name="uq_posts_thread_position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    # Sanitised HTML, made once when the post is written; page views never render markdown.
    body_html: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=PostStatus.PUBLISHED)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Its author erased their account and had their words removed: a placeholder remains.
    text_removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Mentions a dose ("90 mg", "titrate", "taper"): shown with a not-dosing-advice line.
    mentions_dose: Mapped[bool] = mapped_column(Boolean, default=False)
    # From the form: a double click or a retried request finds the post already made.
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Set when a moderator edits the post: the author's next edit waits for review.
    edit_needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    # An edit of this (published) post is waiting for a moderator; readers see the text
    # above until it is approved. The proposed text is in `proposed_edits`.
    edit_pending: Mapped[bool] = mapped_column(Boolean, default=False)
    # Why it waits for review (permissions.HoldReason), explained to its author on it.
    hold_reason: Mapped[str | None] = mapped_column(String(30))
    # Why a moderator rejected or hid it, shown to its author on the post itself.
    status_reason: Mapped[str | None] = mapped_column(Text)
    # Its author edited it after a rejection or hiding and sent it back for review.
    resubmitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # It used crisis language when written or edited (its author is shown the helplines).
    at_risk: Mapped[bool] = mapped_column(Boolean, default=False)

    thread: Mapped[Thread] = relationship()
    author: Mapped[User | None] = relationship()

    @property
    def is_edited(self) -> bool:
        return self.edited_at is not None

    @property
    def is_first(self) -> bool:
        return self.position == 1


class Revision(db.Model):
    """An earlier version of an edited post, kept whole."""

    __tablename__ = "revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), index=True)
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The thread's title at the time, when the edited post opened the thread.
    title: Mapped[str | None] = mapped_column(String(150))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    post: Mapped[Post] = relationship()
    editor: Mapped[User | None] = relationship()


class EditStatus(StrEnum):
    PENDING = "pending"      # waiting for a moderator
    APPROVED = "approved"    # applied to the post (the text it replaced became a Revision)
    REJECTED = "rejected"    # not applied; kept, and readable by its author
    WITHDRAWN = "withdrawn"  # replaced by a newer edit, or the post was deleted


class ProposedEdit(db.Model):
    """An edit of a published post that waits for review: readers keep seeing the post as
    it was until a moderator approves it. Nothing is lost when it is rejected."""

    __tablename__ = "proposed_edits"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'approved', 'rejected', 'withdrawn')",
                        name="status_known"),
        Index("ix_proposed_edits_post_status", "post_id", "status"),
        Index("ix_proposed_edits_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    # The new title, when the edit retitles the thread it opens.
    title: Mapped[str | None] = mapped_column(String(150))
    mentions_dose: Mapped[bool] = mapped_column(Boolean, default=False)
    # Why it waits (permissions.HoldReason), for the moderator and the author.
    hold_reason: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(16), default=EditStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    post: Mapped[Post] = relationship()
    editor: Mapped[User | None] = relationship(foreign_keys=[editor_id])
