"""Parts failing for real (issue #13): PostgreSQL cut off behind a TCP relay or its
connections terminated, Redis not listening or cut mid-run. Nobody gets a bare 500, no
text being posted is lost, and the forum recovers by itself."""
import logging

import pytest
import redis
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from forum.extensions import db, limiter
from forum.models import Post

from .factories import PASSWORD, make_thread, make_user
from .ops_support import TcpRelay, free_port, fresh_pg_database, redis_url

REPLY = "Day nine. I wrote this while the database was away; it must come back to me."


@pytest.fixture
def pg_behind_relay(app_factory):
    url = make_url(fresh_pg_database("ops_relay"))
    relay = TcpRelay(url.host, url.port or 5432)
    app = app_factory(SQLALCHEMY_DATABASE_URI=url.set(host="127.0.0.1", port=relay.port)
                      .render_as_string(hide_password=False),
                      SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True,
                                                 "connect_args": {"connect_timeout": 3}})
    yield app, relay
    db.session.remove()  # before the relay goes: the fixture's teardown still talks to it
    db.engine.dispose()
    relay.close()


def test_the_database_cut_mid_run_gives_the_text_back_then_recovers(pg_behind_relay):
    app, relay = pg_behind_relay
    thread_id = make_thread(make_user("tess")).id
    member = app.test_client(user=make_user("alice"))
    assert member.get(f"/t/{thread_id}").status_code == 200

    relay.cut()
    answer = member.post(f"/t/{thread_id}/reply", data={"body": REPLY,
                                                        "idempotency_key": "ab" * 16})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 503
    assert "database didn" in page and REPLY in page          # the text, ready to send
    assert f'action="/t/{thread_id}/reply"' in page and 'value="' + "ab" * 16 in page
    assert answer.headers["Cache-Control"] == "no-store"
    assert member.get("/healthz").status_code == 503
    assert member.get("/").status_code == 503                # a friendly page, not a bare 500
    assert "Internal Server Error" not in member.get("/help").get_data(as_text=True)

    relay.restore()
    assert member.get("/healthz").status_code == 200
    again = member.post(f"/t/{thread_id}/reply", data={"body": REPLY,
                                                       "idempotency_key": "ab" * 16})
    assert again.status_code == 302
    assert REPLY in member.get(f"/t/{thread_id}").get_data(as_text=True)
    assert Post.query.filter_by(body=REPLY).count() == 1


def test_connections_terminated_between_requests_are_replaced(app_factory):
    url = fresh_pg_database("ops_terminate")
    app = app_factory(SQLALCHEMY_DATABASE_URI=url)
    thread_id = make_thread(make_user("tess")).id
    member = app.test_client(user=make_user("alice"))
    assert member.get(f"/t/{thread_id}").status_code == 200
    # A served request ends by handing its connection back to the pool; here one app
    # context spans the whole test, so do what that request's teardown would.
    db.session.remove()
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        killed = connection.execute(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = :name AND pid <> pg_backend_pid()"),
            {"name": make_url(url).database}).scalar()
    admin.dispose()
    assert killed >= 1
    assert member.get(f"/t/{thread_id}").status_code == 200
    assert member.post(f"/t/{thread_id}/reply", data={"body": REPLY}).status_code == 302
    assert member.get("/healthz").status_code == 200


@pytest.fixture
def limiter_revives():
    yield
    # The limiter is one object for every app of this process: the next test must not
    # start in fallback mode because this one killed its storage.
    limiter._storage_dead = False


def _log_in_wrong(client):
    return client.post("/login", data={"username": "alice", "password": "wrong-password"})


def test_redis_not_listening_falls_back_to_memory_limits(app_factory, caplog, limiter_revives):
    app_factory(RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{free_port()}/0", reset_limits=False)
    make_user("alice")
    client = _client()
    with caplog.at_level(logging.WARNING, logger="flask-limiter"):
        answers = [_log_in_wrong(client).status_code for _ in range(7)]
    assert answers == [200] * 6 + [429]      # still limited, in this process's memory
    assert any("falling back to in-memory" in r.getMessage() for r in caplog.records)
    assert client.post("/login", data={"username": "alice",
                                       "password": PASSWORD}).status_code == 429


def _client():
    from flask import current_app
    return current_app.test_client()


def test_redis_cut_mid_run_keeps_logins_working(app_factory, caplog, limiter_revives):
    target = make_url(redis_url().replace("redis://", "postgresql://"))  # host and port only
    relay = TcpRelay(target.host, target.port or 6379)
    try:
        storage = f"redis://127.0.0.1:{relay.port}/{(target.database or '0')}"
        app_factory(RATELIMIT_STORAGE_URI=storage, RATELIMIT_KEY_PREFIX="ops-cut")
        make_user("alice")
        client = _client()
        assert _log_in_wrong(client).status_code == 200
        relay.cut()
        with caplog.at_level(logging.WARNING, logger="flask-limiter"):
            assert _log_in_wrong(client).status_code == 200
            assert client.post("/login", data={"username": "alice", "password": PASSWORD}
                               ).status_code == 302
        assert any("falling back to in-memory" in r.getMessage() for r in caplog.records)
    finally:
        relay.close()
        store = redis.Redis.from_url(redis_url())
        for key in store.scan_iter("*ops-cut*"):
            store.delete(key)
