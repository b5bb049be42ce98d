"""Export: one zip, JSON and a readable page, of everything stored about the member;
streamed, never held whole in memory."""
import io
import json
import tracemalloc
import zipfile

from sqlalchemy import insert

from forum.accounts.export import zip_chunks
from forum.extensions import db
from forum.models import Post, PostStatus, Thread

from .factories import make_category
from .test_erasure import (BIO, BOB_OWN_WORDS, EDITED_BEFORE, EMAIL, HELD, HIDDEN, OPENING,
                           REPLY, TITLE, departing)  # noqa: F401  (the fixture)


def read_export(data: bytes) -> tuple[dict, str]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert sorted(archive.namelist()) == ["forum-export.html", "forum-export.json"]
    return (json.loads(archive.read("forum-export.json")),
            archive.read("forum-export.html").decode())


def test_the_export_holds_one_of_everything(app, departing, mia, login):
    alice = departing["alice"]
    from forum.moderation import verification
    verification.apply_for_verification(alice, profession="nurse",
                                        register_url="https://register.example/alice",
                                        private_note="Ward 7, night shifts.")
    client = login(alice)
    assert "Export" in client.get("/settings/export").get_data(as_text=True)
    response = client.post("/settings/export")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.is_streamed
    data, page = read_export(response.get_data())
    dumped = json.dumps(data, ensure_ascii=False)
    sections = data["sections"]
    account = sections["users"]["rows"][0]
    assert account["email"] == EMAIL and account["bio"] == BIO
    assert account["password_hash"] == "(secret: not exported)"
    # Every post in every status, with its earlier versions.
    statuses = {row["status"] for row in sections["posts"]["rows"]}
    assert {PostStatus.PUBLISHED, PostStatus.PENDING, PostStatus.HIDDEN} <= statuses
    for words in (OPENING, REPLY, HELD, HIDDEN, EDITED_BEFORE, TITLE):
        assert words in dumped, words
        assert words in page or words.replace("'", "&#39;") in page, words
    assert any(row["body"] == EDITED_BEFORE
               for row in sections["revisions_of_own_posts"]["rows"])
    # Flags they made, notifications, sanctions, messages, application, consent.
    assert sections["flags.flagger_id"]["rows"][0]["note"] == "I think he means well."
    assert sections["notifications.user_id"]["rows"]
    assert any(row["action"] == "silence"
               for row in sections["moderation_actions.target_user_id"]["rows"])
    assert any("How are you doing this week?" in row["body"]
               for row in sections["messages_with_moderators"]["rows"])
    assert sections["professional_applications"]["rows"][0]["private_note"] == \
        "Ward 7, night shifts."
    assert {row["kind"] for row in sections["consents"]["rows"]} == {"health_data",
                                                                     "guidelines"}
    # Nobody else's words.
    assert BOB_OWN_WORDS not in dumped
    assert '<main>' in page and "<h1>" in page


def test_the_command_line_writes_the_same_export(app, departing, tmp_path):
    path = tmp_path / "alice.zip"
    result = app.test_cli_runner().invoke(args=["user", "export", "alice", str(path)])
    assert result.exit_code == 0, result.output
    data, _ = read_export(path.read_bytes())
    assert data["sections"]["users"]["rows"][0]["email"] == EMAIL
    missing = app.test_cli_runner().invoke(args=["user", "export", "nobody", str(path)])
    assert missing.exit_code == 1


def test_ten_thousand_posts_are_streamed_not_held_in_memory(app, alice):
    thread = Thread(category=make_category(), author_id=alice.id, title="A long diary",
                    status=PostStatus.PUBLISHED, post_count=10_000, last_position=10_000)
    db.session.add(thread)
    db.session.commit()
    body = "Day {n}: steady at 60 mg, slept well, no cravings to speak of today. " * 3
    rows = [{"thread_id": thread.id, "author_id": alice.id, "position": n, "status": "published",
             "body": body.format(n=n), "body_html": f"<p>{body.format(n=n)}</p>",
             "created_at": thread.created_at} for n in range(1, 10_001)]
    db.session.execute(insert(Post), rows)
    db.session.commit()
    db.session.expire_all()
    tracemalloc.start()
    try:
        size, chunks = 0, 0
        archive = io.BytesIO()
        for chunk in zip_chunks(alice):
            size += len(chunk)
            chunks += 1
            archive.write(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    data, _ = read_export(archive.getvalue())
    assert len(data["sections"]["posts"]["rows"]) == 10_000
    uncompressed = sum(info.file_size for info in zipfile.ZipFile(archive).infolist())
    assert chunks > 20
    # Never the whole export in memory at once (rows come in batches, the zip in pieces).
    assert peak < uncompressed / 2, (peak, uncompressed)


def test_export_needs_a_login_and_a_post(app, alice, login):
    assert app.test_client().get("/settings/export").status_code == 302
    assert login(alice).get("/settings/export").mimetype == "text/html"
