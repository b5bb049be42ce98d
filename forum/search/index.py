"""The search index follows the post lifecycle.

It holds one `search_documents` row per visible post (forum/models/following.py), written
by the listeners below inside the writer's transaction: a post that becomes visible is
added, one whose text changes is rewritten, one that stops being visible is removed. The
full-text structure over those rows is the database's own (SQLite FTS5 or a PostgreSQL
tsvector with a GIN index), so this module writes plain rows and the database does the
rest. Nothing here commits, except `reindex`, which the command line runs on its own.
"""
import html
import re

from sqlalchemy import delete, insert, select, text

from ..events import PostEvent, subscribe
from ..extensions import db
from ..models import Post, PostStatus, SearchDocument, Thread
from ..models.following import (SEARCH_FTS_TABLE, SQLITE_SEARCH_TABLE_DDL,
                                SQLITE_SEARCH_TRIGGERS)

_SQLITE_TRIGGERS = ("search_documents_ai", "search_documents_ad", "search_documents_au")

_TAG = re.compile(r"<[^>]*>")
# Block-level ends become spaces, so words of two paragraphs never run together.
_BLOCK_END = re.compile(r"</(p|li|h\d|blockquote|pre|tr|td|th)>|<br\s*/?>", re.I)
# Never stored: they could be confused with the highlight markers (forum/search/queries.py).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def plain_text(body_html: str) -> str:
    """The words of a post as readers see them (its sanitised HTML without the tags)."""
    words = _TAG.sub("", _BLOCK_END.sub(" ", body_html))
    return _CONTROL.sub(" ", " ".join(html.unescape(words).split()))


def _document(post: Post) -> dict:
    title = post.thread.title if post.position == 1 else ""
    return {"post_id": post.id, "title": _CONTROL.sub(" ", title),
            "body": plain_text(post.body_html)}


def index_post(post: Post, *, new: bool = False) -> None:
    """Put `post`'s current text in the index (replacing what it held, unless `new`)."""
    if not new:
        db.session.execute(delete(SearchDocument).where(SearchDocument.post_id == post.id))
    db.session.execute(insert(SearchDocument).values(**_document(post)))


def forget_post(post_id: int) -> None:
    """Take a post out of the index. Its words may linger in SQLite's FTS5 segments (as
    'delete' entries) until `compact()` merges them away: call it after an erasure."""
    db.session.execute(delete(SearchDocument).where(SearchDocument.post_id == post_id))


def compact() -> None:
    """Merge the index so that nothing removed from it remains in its own tables (SQLite
    FTS5 'optimize'; on PostgreSQL a deleted row's tsvector goes with the row, and VACUUM
    reclaims the space)."""
    if _dialect() == "sqlite":
        db.session.execute(text(f"INSERT INTO {SEARCH_FTS_TABLE}({SEARCH_FTS_TABLE}) "
                                "VALUES ('optimize')"))


def own_tables() -> list[str]:
    """The tables the index keeps its words in (for whole-database scans after erasure)."""
    if _dialect() == "sqlite":
        return ["search_documents"] + [f"{SEARCH_FTS_TABLE}_{part}" for part in
                                       ("data", "idx", "docsize", "config")]
    return ["search_documents"]


def is_index_structure(name: str) -> bool:
    """True for the FTS5 virtual table and its shadow tables, and the tsvector column and
    GIN index: made by DDL, not by the models, so a comparison of the migrated schema with
    the models (Alembic's compare_metadata, include_name) must leave them out."""
    return (name == SEARCH_FTS_TABLE or name.startswith(SEARCH_FTS_TABLE + "_")
            or name in ("tsv", "ix_search_documents_tsv"))


def reindex(progress=None, batch_size: int = 5000) -> int:
    """Rebuild the index from the visible posts; returns how many it holds. `progress`,
    if given, is called with the number of posts done after each batch."""
    sqlite = _dialect() == "sqlite"
    if sqlite:
        # Without its triggers while it fills (every row would be indexed twice: once by
        # the trigger, once by the 'rebuild' below); they come back in this transaction.
        for trigger in _SQLITE_TRIGGERS:
            db.session.execute(text(f"DROP TRIGGER IF EXISTS {trigger}"))
    db.session.execute(delete(SearchDocument))
    visible = (select(Post.id, Post.position, Post.body_html, Thread.title)
               .join(Thread, Thread.id == Post.thread_id)
               .where(Post.status == PostStatus.PUBLISHED)
               .order_by(Post.id))
    done, last_id = 0, 0
    while True:
        rows = db.session.execute(visible.where(Post.id > last_id).limit(batch_size)).all()
        if not rows:
            break
        db.session.execute(insert(SearchDocument), [
            {"post_id": row.id, "title": _CONTROL.sub(" ", row.title) if row.position == 1
             else "", "body": plain_text(row.body_html)} for row in rows])
        done += len(rows)
        last_id = rows[-1].id
        if progress is not None:
            progress(len(rows))
    if sqlite:
        db.session.execute(text(f"INSERT INTO {SEARCH_FTS_TABLE}({SEARCH_FTS_TABLE}) "
                                "VALUES ('rebuild')"))
        db.session.execute(text(SQLITE_SEARCH_TABLE_DDL[1]))  # the rank function, again
        for statement in SQLITE_SEARCH_TRIGGERS:
            db.session.execute(text(statement))
    db.session.commit()
    return done


def count_visible_posts() -> int:
    return db.session.scalar(select(db.func.count()).select_from(Post)
                             .where(Post.status == PostStatus.PUBLISHED))


def _dialect() -> str:
    return db.session.get_bind().dialect.name


# --- listening to the post lifecycle ---------------------------------------------------

def _became_visible(announcement) -> None:
    # A post written just now cannot be in the index yet; an approved or restored one
    # may be (an interrupted reindex), so it replaces whatever is there.
    index_post(announcement.post, new=announcement.cause in ("new thread", "reply"))


def _text_changed(announcement) -> None:
    index_post(announcement.post)


def _stopped_being_visible(announcement) -> None:
    forget_post(announcement.post.id)


def listen() -> None:
    """Subscribe once per process (events.subscribe ignores a second subscription)."""
    subscribe(PostEvent.BECAME_VISIBLE, _became_visible)
    subscribe(PostEvent.TEXT_CHANGED, _text_changed)
    subscribe(PostEvent.STOPPED_BEING_VISIBLE, _stopped_being_visible)
