"""Several writers at once: no "database is locked", no lost or doubled posts."""
from concurrent.futures import ThreadPoolExecutor

from forum.extensions import db
from forum.models import Post, Thread

from .conftest import USING_POSTGRES
from .factories import make_thread, make_user

WRITERS, REPLIES_EACH = 4, 15


def test_concurrent_replies_all_land_once(app_factory, tmp_path):
    # A file database (WAL) as in production; in-memory SQLite has a single connection.
    overrides = {} if USING_POSTGRES else {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'forum.db'}"}
    app = app_factory(**overrides)
    members = [make_user(f"writer{n}") for n in range(WRITERS)]
    thread = make_thread(members[0])
    clients = [app.test_client(user=member) for member in members]
    thread_id = thread.id
    # Outside a request a transaction takes the write lock (see extensions._tune_sqlite):
    # end the test's own before the writers start.
    db.session.commit()

    def write(client_number):
        statuses = []
        for n in range(REPLIES_EACH):
            key = f"{client_number:02x}{n:02x}" * 8
            for _attempt in range(2):  # a retried request must not double the post
                response = clients[client_number].post(
                    f"/t/{thread_id}/reply",
                    data={"body": f"writer {client_number} reply {n}", "idempotency_key": key})
                statuses.append(response.status_code)
        return statuses

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        statuses = [s for result in pool.map(write, range(WRITERS)) for s in result]

    assert set(statuses) == {302}
    db.session.expire_all()
    posts = db.session.query(Post).filter_by(thread_id=thread.id).all()
    assert len(posts) == 1 + WRITERS * REPLIES_EACH
    assert sorted(p.position for p in posts) == list(range(1, len(posts) + 1))
    refreshed = db.session.get(Thread, thread.id)
    assert refreshed.post_count == refreshed.last_position == len(posts)


def test_sqlite_file_database_is_tuned(app_factory, tmp_path):
    if USING_POSTGRES:
        return
    app_factory(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'forum.db'}")
    with db.engine.connect() as connection:
        pragma = lambda name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") == 10000
