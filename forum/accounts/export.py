"""Export: everything stored about a member, as one zip (JSON and a readable page).

Built row by row and streamed: a member with tens of thousands of posts is never held in
memory, neither the rows nor the zip. Tables other areas add are included without being
named here: every row of every table that points at the member is theirs to take.
"""
import base64
import json
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal

from flask import Response, render_template, stream_with_context
from markupsafe import escape
from sqlalchemy import select

from ..extensions import db
from ..models import Conversation, Message, Post, ProposedEdit, Revision, User, utcnow

# Secrets are not personal data worth taking, and must not leave the server.
SECRET_COLUMNS = {("users", "password_hash"), ("users", "totp_secret"),
                  ("users", "totp_last_step"), ("recovery_codes", "code_hash")}
BATCH = 1000

SECTION_TITLES = {
    "users": "Your account", "posts": "Your posts (every status)",
    "threads": "Threads you started", "revisions": "Earlier versions of your posts",
    "proposed_edits": "Edits of your posts", "flags": "Posts you flagged",
    "notifications": "Your notifications", "moderation_actions":
    "Moderation decisions about you or your posts", "conversations":
    "Conversations with the moderators", "messages": "Messages in those conversations",
    "professional_applications": "Your application for a professional badge",
    "consents": "Your consent records", "recovery_codes": "Two-factor recovery codes",
    "outbox_messages": "E-mail waiting to be sent to you",
}


def _json_value(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _sections(member: User) -> list[tuple[str, str, object]]:
    """(key, title, select statement) for everything about `member`, in a stable order."""
    sections = []
    users = db.metadata.tables["users"]
    sections.append(("users", SECTION_TITLES["users"], select(users).where(users.c.id == member.id)))
    own_posts = select(Post.id).where(Post.author_id == member.id)
    for table in db.metadata.sorted_tables:
        if table.name == "users":
            continue
        columns = [column for column in table.columns
                   if any(fk.column.table.name == "users" for fk in column.foreign_keys)]
        for column in columns:
            key = table.name if len(columns) == 1 else f"{table.name}.{column.name}"
            title = SECTION_TITLES.get(table.name, table.name.replace("_", " ").capitalize())
            if len(columns) > 1:
                title = f"{title} ({column.name.removesuffix('_id').replace('_', ' ')})"
            sections.append((key, title, select(table).where(column == member.id)
                             .order_by(*table.primary_key.columns)))
    # About their posts, whoever wrote the row (a moderator's edit, its earlier versions).
    sections.append(("revisions_of_own_posts", "Earlier versions of your posts",
                     select(Revision.__table__).where(Revision.post_id.in_(own_posts))
                     .order_by(Revision.id)))
    sections.append(("proposed_edits_of_own_posts", "Edits of your posts",
                     select(ProposedEdit.__table__).where(ProposedEdit.post_id.in_(own_posts))
                     .order_by(ProposedEdit.id)))
    own_conversations = select(Conversation.id).where(Conversation.member_id == member.id)
    sections.append(("messages_with_moderators", "Messages between you and the moderators",
                     select(Message.__table__)
                     .where(Message.conversation_id.in_(own_conversations))
                     .order_by(Message.id)))
    return sections


def _rows(statement) -> Iterator[dict]:
    """Rows as dicts, fetched in batches (by primary key where there is one)."""
    result = db.session.execute(statement.execution_options(yield_per=BATCH))
    table_name = statement.get_final_froms()[0].name
    for row in result.mappings():
        yield {key: ("(secret: not exported)" if (table_name, key) in SECRET_COLUMNS
                     else _json_value(value)) for key, value in row.items()}


class _Pipe:
    """A write-only file whose written bytes are taken out as chunks to stream."""

    def __init__(self):
        self.chunks: list[bytes] = []
        self.position = 0

    def write(self, data) -> int:
        self.chunks.append(bytes(data))
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def flush(self):
        pass

    def take(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


def _json_parts(member: User, sections) -> Iterator[str]:
    yield json.dumps({"format": "forum-member-export", "version": 1,
                      "exported_at": utcnow().isoformat(), "username": member.username})[:-1]
    yield ', "sections": {'
    for index, (key, title, statement) in enumerate(sections):
        yield ("," if index else "") + f"\n{json.dumps(key)}: {{\"title\": {json.dumps(title)}, \"rows\": ["
        for number, row in enumerate(_rows(statement)):
            yield ("," if number else "") + "\n  " + json.dumps(row, ensure_ascii=False)
        yield "]}"
    yield "\n}}\n"


def _html_parts(member: User, sections) -> Iterator[str]:
    yield render_template("accounts/export_head.html", member=member, exported_at=utcnow(),
                          sections=sections)
    for key, title, statement in sections:
        yield f'<section id="{escape(key)}"><h2>{escape(title)}</h2>\n'
        count = 0
        for row in _rows(statement):
            count += 1
            yield "<dl>" + "".join(
                f"<dt>{escape(name)}</dt><dd>{_html_value(value)}</dd>"
                for name, value in row.items() if name not in ("body_html", "bio_html")) \
                + "</dl>\n"
        if not count:
            yield "<p>Nothing.</p>\n"
        yield "</section>\n"
    yield "</main></body></html>\n"


def _html_value(value) -> str:
    if value is None or value == "":
        return "—"
    text = str(value)
    if "\n" in text:
        return f"<pre>{escape(text)}</pre>"
    return str(escape(text))


def zip_chunks(member: User) -> Iterator[bytes]:
    """The export as a zip, in pieces of a few kilobytes to a few hundred."""
    sections = _sections(member)
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, parts in (("forum-export.json", _json_parts(member, sections)),
                            ("forum-export.html", _html_parts(member, sections))):
            with archive.open(name, "w", force_zip64=True) as entry:
                for part in parts:
                    entry.write(part.encode())
                    if pipe.position and len(pipe.chunks) > 16:
                        yield pipe.take()
            yield pipe.take()
    yield pipe.take()


def export_filename(member: User) -> str:
    return f"forum-export-{member.id}-{utcnow():%Y%m%d}.zip"


def export_response(member: User) -> Response:
    response = Response(stream_with_context(zip_chunks(member)), mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{export_filename(member)}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def export_to_path(member: User, path) -> int:
    """Write the export to `path`; returns its size in bytes."""
    size = 0
    with open(path, "wb") as out:
        for chunk in zip_chunks(member):
            out.write(chunk)
            size += len(chunk)
    return size
