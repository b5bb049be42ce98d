"""Backups that restore and a forum moved from SQLite to PostgreSQL (issue #13), through
the real commands: `flask --app forum backup PATH`, `restore PATH`, `migrate-data --to`."""
import re

import pytest
from flask import current_app
from sqlalchemy import create_engine, inspect, text

from forum import create_app

from forum.extensions import db
from forum.ops.fingerprint import fingerprints

from .factories import PASSWORD
from .ops_support import fresh_pg_database, populate_forum

KINDS_OF_ROWS = ("users", "threads", "posts", "flags", "moderation_actions",
                 "notifications")


def invoke(*args):
    return current_app.test_cli_runner().invoke(args=[str(a) for a in args])


def assert_every_kind_of_row(prints):
    for name in KINDS_OF_ROWS:
        assert prints[name][0] > 0, f"the test forum has no {name}"
    assert any("revision" in name and count for name, (count, _) in prints.items())
    assert any("message" in name and count for name, (count, _) in prints.items())


def _sqlite(tmp_path, name):
    return f"sqlite:///{tmp_path / name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def two_databases(request, tmp_path):
    if request.param == "sqlite":
        return _sqlite(tmp_path, "live.db"), _sqlite(tmp_path, "restored.db")
    return fresh_pg_database("ops_backup_live"), fresh_pg_database("ops_backup_restored")


def test_backup_then_restore_gives_back_every_row(app_factory, two_databases, tmp_path):
    live, restored = two_databases
    app_factory(SQLALCHEMY_DATABASE_URI=live)
    populate_forum()
    before = fingerprints(db.engine)
    assert_every_kind_of_row(before)
    backup = tmp_path / "forum.backup"
    done = invoke("backup", backup)
    assert done.exit_code == 0, done.output
    assert "Backed up" in done.output and backup.stat().st_size > 0

    refused = invoke("restore", backup)  # into the live forum: never
    assert refused.exit_code == 1 and "not empty" in refused.output

    app_factory(SQLALCHEMY_DATABASE_URI=restored)  # an empty forum (tables, no rows)
    done = invoke("restore", backup)
    assert done.exit_code == 0, done.output
    db.session.remove()
    assert fingerprints(db.engine) == before


def test_a_backup_refuses_to_overwrite_a_file(app, tmp_path):
    (tmp_path / "taken").write_text("keep me")
    done = invoke("backup", tmp_path / "taken")
    assert done.exit_code == 1 and "exists already" in done.output
    assert (tmp_path / "taken").read_text() == "keep me"


def test_restore_refuses_what_is_not_a_backup(app, tmp_path):
    (tmp_path / "notes.txt").write_text("not a database")
    done = invoke("restore", tmp_path / "notes.txt")
    assert done.exit_code == 1 and "not a forum backup" in done.output


def test_migrate_data_copies_a_sqlite_forum_into_postgresql(app_factory, tmp_path):
    app_factory(SQLALCHEMY_DATABASE_URI=_sqlite(tmp_path, "small.db"))
    ids = populate_forum()
    before = fingerprints(db.engine)
    assert_every_kind_of_row(before)
    highest_post_id = max(row[0] for row in db.session.execute(text("SELECT id FROM posts")))
    db.session.remove()
    target = fresh_pg_database("ops_migrate")

    done = invoke("migrate-data", "--to", target)
    assert done.exit_code == 0, done.output
    assert "counts and checksums match" in done.output
    assert re.search(r"posts: \d+ rows, checksum equal", done.output)
    copy = create_engine(target)
    assert inspect(copy).has_table("alembic_version") is inspect(db.engine).has_table(
        "alembic_version")
    assert fingerprints(copy) == before  # counts and contents, table by table
    copy.dispose()

    again = invoke("migrate-data", "--to", target)  # the copy is no longer empty
    assert again.exit_code == 1 and "not empty" in again.output

    # The forum works on the copy: log in through the form, read, post.
    db.session.remove()
    moved = create_app("config.TestConfig", SQLALCHEMY_DATABASE_URI=target)
    with moved.app_context():
        browser = moved.test_client()
        logged_in = browser.post("/login", data={"username": "alice", "password": PASSWORD})
        assert logged_in.status_code == 302
        thread = browser.get(f"/t/{ids['thread_id']}")
        assert thread.status_code == 200 and "Three months at 90 mg" in thread.get_data(True)
        posted = browser.post(f"/t/{ids['thread_id']}/reply",
                              data={"body": "Written after the move to PostgreSQL."})
        assert posted.status_code == 302
        new_id = int(re.search(r"#p(\d+)", posted.headers["Location"]).group(1))
        assert new_id > highest_post_id  # the sequences continue after the copied ids
        assert "after the move" in browser.get(posted.headers["Location"]).get_data(True) \
            or "after the move" in browser.get(f"/p/{new_id}", follow_redirects=True
                                               ).get_data(True)
        found = browser.get("/search?q=taper")  # the index was rebuilt on the copy
        assert found.status_code == 200 and "Tapering down" in found.get_data(True)
        db.session.remove()
        db.engine.dispose()


def test_a_backup_taken_while_members_post_is_consistent(app_factory, two_databases, tmp_path):
    import threading

    from forum.models import Post, Thread

    from .factories import make_post, make_thread, make_user
    live, restored = two_databases
    app = app_factory(SQLALCHEMY_DATABASE_URI=live)
    thread_id = make_thread(make_user("tess"), replies=50).id
    make_user("alice")
    db.session.remove()
    stop, written = threading.Event(), []

    def keep_posting():
        with app.app_context():
            from forum.models import User
            alice = User.query.filter_by(username="alice").one()
            while not stop.is_set():
                written.append(make_post(alice, db.session.get(Thread, thread_id)).id)
            db.session.remove()

    writer = threading.Thread(target=keep_posting)
    writer.start()
    try:
        done = invoke("backup", tmp_path / "busy.backup")
    finally:
        stop.set()
        writer.join()
    assert done.exit_code == 0, done.output
    assert written  # the forum really was being written to meanwhile

    app_factory(SQLALCHEMY_DATABASE_URI=restored)
    assert invoke("restore", tmp_path / "busy.backup").exit_code == 0
    db.session.remove()
    thread = db.session.get(Thread, thread_id)
    posts = Post.query.filter_by(thread_id=thread_id).all()
    # One moment's state: the counters agree with the posts that were copied.
    assert thread.post_count == len(posts) >= 51
    assert sorted(p.position for p in posts) == list(range(1, len(posts) + 1))
