"""Following conversations: read positions, watches, follows, "This helped", notification
settings, and the search index's documents."""
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class Watch(StrEnum):
    WATCHING = "watching"  # hear about every new reply
    MUTED = "muted"        # hear about nothing from this thread (mentions still come)


class ThreadState(db.Model):
    """One member's relation to one thread: how far they have read, and whether they watch
    it. One row, so a thread page reads both with one query."""

    __tablename__ = "thread_states"
    __table_args__ = (
        CheckConstraint("watch IS NULL OR watch IN ('watching', 'muted')", name="watch_known"),
        # "Who watches this thread?" when a reply goes out.
        Index("ix_thread_states_thread_watch", "thread_id", "watch"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"),
                                           primary_key=True)
    # The highest post position this member has had on screen (0: never opened).
    last_read_position: Mapped[int] = mapped_column(Integer, default=0)
    watch: Mapped[str | None] = mapped_column(String(10))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CategoryFollow(db.Model):
    """A member hears about every new thread and reply in a category."""

    __tablename__ = "category_follows"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id", ondelete="CASCADE"),
                                             primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class HelpedMark(db.Model):
    """One member found one post helpful ("This helped"); removed when undone."""

    __tablename__ = "helped_marks"

    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"),
                                         primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EmailChoice(StrEnum):
    OFF = "off"
    INSTANT = "instant"  # one e-mail per notification
    DAILY = "daily"      # gathered into one e-mail a day


class NotificationSettings(db.Model):
    """A member's choices; no row means the defaults below."""

    __tablename__ = "notification_settings"
    __table_args__ = tuple(
        CheckConstraint(f"{column} IN ('off', 'instant', 'daily')", name=f"{column}_known")
        for column in ("email_replies", "email_mentions", "email_quotes", "email_helped",
                       "email_moderation"))

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    # Starting or replying to a thread watches it.
    watch_on_post: Mapped[bool] = mapped_column(Boolean, default=True)
    email_replies: Mapped[str] = mapped_column(String(10), default=EmailChoice.OFF)
    email_mentions: Mapped[str] = mapped_column(String(10), default=EmailChoice.INSTANT)
    email_quotes: Mapped[str] = mapped_column(String(10), default=EmailChoice.OFF)
    email_helped: Mapped[str] = mapped_column(String(10), default=EmailChoice.OFF)
    # Moderators' messages and notices about one's posts and account.
    email_moderation: Mapped[str] = mapped_column(String(10), default=EmailChoice.INSTANT)
    # When the last daily digest was sent.
    digest_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SearchDocument(db.Model):
    """What the search index holds for one visible post: its thread's title (opening posts
    only) and its text as plain words. Kept by forum/search/index.py from the post
    lifecycle's events. The full-text structures over it are made by DDL there: an FTS5
    table on SQLite, a tsvector column with a GIN index on PostgreSQL."""

    __tablename__ = "search_documents"

    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"),
                                         primary_key=True)
    title: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")


# --- the full-text structures over search_documents ------------------------------------
# Made by DDL so that db.create_all() (the tests) and the migration make the same thing.
# SQLite: an external-content FTS5 table over search_documents, kept in step by triggers;
# deleting a document writes FTS5 'delete' entries, and forum.search.index.compact()
# ('optimize') merges them away so no removed word stays in the shadow tables.
# PostgreSQL: a generated, weighted tsvector column (title A, body B) with a GIN index.
SEARCH_FTS_TABLE = "search_fts"
SQLITE_SEARCH_TABLE_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(title, body, "
    "content='search_documents', content_rowid='post_id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    # Its `rank` column: BM25 with a title match worth four of the body's. ORDER BY rank is
    # computed inside FTS5, three times faster than bm25() in the outer query.
    "INSERT INTO search_fts(search_fts, rank) VALUES ('rank', 'bm25(4.0, 1.0)')",
)
SQLITE_SEARCH_TRIGGERS = (
    "CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN "
    "INSERT INTO search_fts(rowid, title, body) VALUES (new.post_id, new.title, new.body); END",
    "CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body) "
    "VALUES ('delete', old.post_id, old.title, old.body); END",
    "CREATE TRIGGER search_documents_au AFTER UPDATE ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body) "
    "VALUES ('delete', old.post_id, old.title, old.body); "
    "INSERT INTO search_fts(rowid, title, body) VALUES (new.post_id, new.title, new.body); END",
)
SQLITE_SEARCH_DDL = SQLITE_SEARCH_TABLE_DDL + SQLITE_SEARCH_TRIGGERS
SQLITE_SEARCH_DROP = ("DROP TABLE IF EXISTS search_fts",)
POSTGRES_SEARCH_DDL = (
    "ALTER TABLE search_documents ADD COLUMN tsv tsvector GENERATED ALWAYS AS "
    "(setweight(to_tsvector('english', title), 'A') || "
    "setweight(to_tsvector('english', body), 'B')) STORED",
    "CREATE INDEX ix_search_documents_tsv ON search_documents USING gin (tsv)",
)


def _attach_search_ddl() -> None:
    from sqlalchemy import DDL, event

    table = SearchDocument.__table__
    for statement in SQLITE_SEARCH_DDL:
        event.listen(table, "after_create", DDL(statement).execute_if(dialect="sqlite"))
    for statement in SQLITE_SEARCH_DROP:
        event.listen(table, "before_drop", DDL(statement).execute_if(dialect="sqlite"))
    for statement in POSTGRES_SEARCH_DDL:
        event.listen(table, "after_create", DDL(statement).execute_if(dialect="postgresql"))


_attach_search_ddl()
