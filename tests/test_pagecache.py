"""The page cache for readers without a session: every write shows at once, nothing
personal is ever kept or served (forum/pagecache.py)."""
import os

import pytest

from forum.extensions import db
from forum.flags import services as flags
from forum.models import Post
from forum.moderation import sanctions, services as moderation
from forum.resources import services as resources
from forum.threads import services

from .factories import make_category, make_post, make_thread, make_user

REDIS_URL = os.environ.get("FORUM_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture(params=["memory", "redis"])
def app(request, app_factory):
    """The app with the page cache on: in process, and in the real Redis. (It replaces
    conftest's `app`, so the cast is made in this app's database.)"""
    if request.param == "redis":
        app = app_factory(PAGE_CACHE=True, CACHE_URL=REDIS_URL,
                          PAGE_CACHE_PREFIX=f"forum-page-test-{os.getpid()}:")
        app.extensions["forum_pagecache"].clear()
    else:
        app = app_factory(PAGE_CACHE=True)
    return app


def _get(client, url, **headers):
    response = client.get(url, headers=headers)
    return response, response.get_data(as_text=True)


def _served_from_cache(client, url):
    return client.get(url).headers.get("X-Forum-Cache") == "hit"


def test_anonymous_pages_are_served_from_the_cache(app, alice, count_queries):
    thread = make_thread(alice)
    client = app.test_client()
    for url in ("/", "/c/experiences", f"/t/{thread.id}"):
        first = client.get(url)
        assert first.status_code == 200 and first.headers["X-Forum-Cache"] == "miss"
        with count_queries() as queries:
            again = client.get(url)
        assert again.headers["X-Forum-Cache"] == "hit", url
        assert queries == [], url  # no database work at all
        assert again.get_data() == first.get_data()
        assert "Cookie" in again.headers["Vary"] and again.headers["Cache-Control"] == "no-cache"


def test_an_unchanged_page_answers_304(app, alice):
    thread = make_thread(alice)
    client = app.test_client()
    etag = client.get(f"/t/{thread.id}").headers["ETag"]
    response = client.get(f"/t/{thread.id}", headers={"If-None-Match": etag})
    assert response.status_code == 304 and response.get_data() == b""
    make_post(alice, thread, body="A new reply changes the page.")
    assert client.get(f"/t/{thread.id}", headers={"If-None-Match": etag}).status_code == 200


# --- never stale: each write is visible to the very next anonymous request -------------

def _warm(client, *urls):
    for url in urls:
        client.get(url)
        assert _served_from_cache(client, url), url


def test_a_new_reply_shows_at_once_on_thread_category_and_home(app, alice, bob):
    thread = make_thread(alice)
    client = app.test_client()
    _warm(client, f"/t/{thread.id}", "/c/experiences", "/")
    services.reply(bob, thread, body="A brand new reply from bob.")
    assert "A brand new reply from bob." in _get(client, f"/t/{thread.id}")[1]
    assert "bob" in _get(client, "/c/experiences")[1]
    assert "bob" in _get(client, "/")[1]


def test_a_reply_elsewhere_keeps_other_threads_cached(app, alice, bob):
    one, two = make_thread(alice, title="Thread one"), make_thread(alice, title="Thread two")
    client = app.test_client()
    _warm(client, f"/t/{one.id}", f"/t/{two.id}")
    services.reply(bob, one, body="Only thread one changes.")
    assert _served_from_cache(client, f"/t/{two.id}")
    assert not _served_from_cache(client, f"/t/{one.id}")


def test_an_edit_shows_at_once(app, alice):
    thread = make_thread(alice, body="Words before the edit.")
    post = db.session.query(Post).filter_by(thread_id=thread.id).one()
    client = app.test_client()
    _warm(client, f"/t/{thread.id}")
    services.edit_post(alice, post, body="Words after the edit.")
    page = _get(client, f"/t/{thread.id}")[1]
    assert "Words after the edit." in page and "Words before the edit." not in page


def test_a_hide_and_a_restore_show_at_once(app, alice, bob, mia):
    thread = make_thread(alice)
    reply = make_post(bob, thread, body="Buy cheap pills here.")
    client = app.test_client()
    _warm(client, f"/t/{thread.id}")
    moderation.hide_post(mia, reply, reason="Advertising")
    assert "Buy cheap pills here." not in _get(client, f"/t/{thread.id}")[1]
    moderation.restore_post(mia, reply, reason="Mistake")
    assert "Buy cheap pills here." in _get(client, f"/t/{thread.id}")[1]


def test_an_automatic_hide_by_flags_shows_at_once(app, alice, bob):
    thread = make_thread(alice)
    reply = make_post(bob, thread, body="Something members find harmful.")
    client = app.test_client()
    _warm(client, f"/t/{thread.id}")
    for n in range(3):
        flags.flag_post(make_user(f"member{n}"), reply, reason="harmful")
    assert "Something members find harmful." not in _get(client, f"/t/{thread.id}")[1]


def test_a_deletion_shows_at_once(app, alice, bob):
    thread = make_thread(alice)
    reply = make_post(bob, thread, body="I will take this back.")
    client = app.test_client()
    _warm(client, f"/t/{thread.id}")
    services.delete_post(bob, reply)
    page = _get(client, f"/t/{thread.id}")[1]
    assert "I will take this back." not in page and "removed by its author" in page


def test_lock_pin_rename_and_move_show_at_once(app, alice, mia):
    thread = make_thread(alice, title="Original title here")
    other = make_category("other", "Other things")
    client = app.test_client()
    _warm(client, f"/t/{thread.id}", "/c/experiences", "/c/other", "/")
    sanctions.lock_thread(mia, thread, reason="Resolved")
    assert "This thread is locked" in _get(client, f"/t/{thread.id}")[1]
    sanctions.pin_thread(mia, thread, globally=True, reason="Useful")
    assert "Pinned" in _get(client, "/")[1]
    _warm(client, "/c/experiences", "/c/other")
    sanctions.rename_thread(mia, thread, title="A clearer title", reason="Clearer")
    assert "A clearer title" in _get(client, "/c/experiences")[1]
    _warm(client, "/c/experiences", "/c/other")
    sanctions.move_thread(mia, thread, other, reason="Fits better")
    assert "A clearer title" not in _get(client, "/c/experiences")[1]
    assert "A clearer title" in _get(client, "/c/other")[1]


def test_a_resource_change_shows_at_once(app, alice, mia):
    client = app.test_client()
    _warm(client, "/")
    resource = resources.add_resource(mia, section="research", title="A landmark trial",
                                      evidence_type="rct")
    resources.set_pinned(mia, resource, True)
    assert "A landmark trial" in _get(client, "/")[1]


def test_a_new_badge_shows_at_once(app, alice, mia):
    thread = make_thread(alice)
    client = app.test_client()
    _warm(client, f"/t/{thread.id}")
    alice.verified_profession = "nurse"
    db.session.commit()
    assert "Verified nurse" in _get(client, f"/t/{thread.id}")[1]


def test_a_write_through_http_shows_at_once(app, alice):
    thread = make_thread(alice)
    reader = app.test_client()
    _warm(reader, f"/t/{thread.id}")
    response = app.test_client(user=alice).post(
        f"/t/{thread.id}/reply", data={"body": "Posted through the form."})
    assert response.status_code == 302
    assert "Posted through the form." in _get(reader, f"/t/{thread.id}")[1]


# --- never personal --------------------------------------------------------------------

def test_members_never_get_a_cached_page(app, alice, bob):
    thread = make_thread(alice)
    _warm(app.test_client(), f"/t/{thread.id}")
    response, page = _get(app.test_client(user=bob), f"/t/{thread.id}")
    assert "X-Forum-Cache" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    assert "bob" in page and 'id="reply"' in page


def test_a_members_page_is_never_stored(app, alice, bob):
    thread = make_thread(alice)
    app.test_client(user=bob).get(f"/t/{thread.id}")
    response, page = _get(app.test_client(), f"/t/{thread.id}")
    assert response.headers["X-Forum-Cache"] == "miss"
    assert "bob" not in page and 'name="csrf_token"' not in page


def test_a_response_that_sets_a_cookie_or_flashes_is_never_stored(app, alice):
    thread = make_thread(alice)
    client = app.test_client()
    with client.session_transaction() as sess:  # a visitor with a pending flash message
        sess["_flashes"] = [("info", "A personal message for this visitor.")]
    response, page = _get(client, f"/t/{thread.id}")
    assert "A personal message for this visitor." in page
    assert "X-Forum-Cache" not in response.headers  # they have a session: not even looked up
    anonymous = app.test_client()
    response, page = _get(anonymous, f"/t/{thread.id}")
    assert "A personal message" not in page and response.headers["X-Forum-Cache"] == "miss"


def test_a_page_that_wrote_to_the_session_is_not_stored(app):
    client = app.test_client()
    client.get("/login")  # its CSRF token goes into a new session
    assert "X-Forum-Cache" not in app.test_client().get("/login").headers


def test_unknown_query_arguments_are_not_cached(app, alice):
    thread = make_thread(alice)
    client = app.test_client()
    for _ in range(2):
        response = client.get(f"/t/{thread.id}?utm_source=evil")
        assert "X-Forum-Cache" not in response.headers


def test_a_missing_page_is_not_cached(app):
    client = app.test_client()
    client.get("/t/999")
    assert client.get("/t/999").status_code == 404
    assert "X-Forum-Cache" not in client.get("/t/999").headers


def test_the_cache_can_be_turned_off(app_factory):
    app = app_factory(PAGE_CACHE=False)
    thread = make_thread(make_user("alice"))
    client = app.test_client()
    client.get(f"/t/{thread.id}")
    assert "X-Forum-Cache" not in client.get(f"/t/{thread.id}").headers


def test_keeping_the_cache_right_costs_no_query(app, app_factory, count_queries):
    """A reply POST runs the same statements with the cache on as with it off."""
    def reply_queries(application):
        alice = make_user("alice")
        thread = make_thread(alice)
        client = application.test_client(user=alice)
        db.session.commit()
        with count_queries() as queries:
            assert client.post(f"/t/{thread.id}/reply",
                               data={"body": "Counting.", "idempotency_key": "ab" * 16}
                               ).status_code == 302
        return len(queries)

    with_cache = reply_queries(app)
    without = reply_queries(app_factory(PAGE_CACHE=False))
    assert with_cache == without


def test_this_helped_shows_at_once(app, alice, bob):
    from forum.reactions import services as reactions
    thread = make_thread(alice)
    post = db.session.query(Post).filter_by(thread_id=thread.id).one()
    client = app.test_client()
    _warm(client, f"/t/{thread.id}")
    assert "found this helpful" not in _get(client, f"/t/{thread.id}")[1]
    reactions.mark_helped(bob, post)
    assert "1 found this helpful" in _get(client, f"/t/{thread.id}")[1]
    reactions.undo_helped(bob, post)
    assert "found this helpful" not in _get(client, f"/t/{thread.id}")[1]
