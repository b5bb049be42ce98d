"""Nothing typed is lost: expired sessions, missing CSRF tokens, a failing database."""
import re

import pytest
from sqlalchemy.exc import OperationalError

from forum.extensions import db
from forum.models import Post

from .factories import PASSWORD, make_thread, make_user

LONG_TEXT = "After six weeks at 60 mg the cravings were quieter. " * 20


@pytest.fixture
def csrf_app(app_factory):
    return app_factory(WTF_CSRF_ENABLED=True)


def _token(client, url):
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)


def test_post_without_csrf_token_is_refused(csrf_app):
    alice = make_user("alice")
    thread = make_thread(alice)
    client = csrf_app.test_client(user=alice)
    response = client.post(f"/t/{thread.id}/reply", data={"body": "no token"})
    assert response.status_code == 400
    assert db.session.query(Post).filter_by(body="no token").count() == 0


def test_logout_without_csrf_token_is_refused(csrf_app):
    alice = make_user("alice")
    client = csrf_app.test_client(user=alice)
    assert client.post("/logout").status_code == 400
    assert client.get("/settings").status_code == 200  # still logged in


def test_expired_session_reply_gives_text_back_and_posts_after_login(csrf_app):
    alice = make_user("alice")
    thread = make_thread(alice)
    client = csrf_app.test_client()
    client.post("/login", data={"csrf_token": _token(client, "/login"),
                                "username": "alice", "password": PASSWORD})
    token = _token(client, f"/t/{thread.id}")
    client.delete_cookie("session")  # the browser dropped the session while they wrote

    response = client.post(f"/t/{thread.id}/reply",
                           data={"csrf_token": token, "body": LONG_TEXT,
                                 "idempotency_key": "ab" * 16})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Your text is safe" in page and LONG_TEXT.strip() in page
    assert 'name="draft_action" value="/t/%d/reply"' % thread.id in page

    # Log in from that page: the text comes back in a form ready to send.
    new_token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    resumed = client.post("/login", data={"csrf_token": new_token, "username": "alice",
                                          "password": PASSWORD, "draft_action": f"/t/{thread.id}/reply",
                                          "draft_body": LONG_TEXT, "idempotency_key": "ab" * 16})
    page = resumed.get_data(as_text=True)
    assert resumed.status_code == 200 and "Ready to post" in page
    assert f'action="/t/{thread.id}/reply"' in page and LONG_TEXT.strip() in page
    send_token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    sent = client.post(f"/t/{thread.id}/reply", data={"csrf_token": send_token,
                                                      "body": LONG_TEXT,
                                                      "idempotency_key": "ab" * 16})
    assert sent.status_code == 302
    assert db.session.query(Post).filter_by(thread_id=thread.id).count() == 2


def test_logged_out_reply_without_csrf_gets_text_back(app):
    alice = make_user("alice")
    thread = make_thread(alice)
    response = app.test_client().post(f"/t/{thread.id}/reply", data={"body": LONG_TEXT})
    assert response.status_code == 401
    page = response.get_data(as_text=True)
    assert LONG_TEXT.strip() in page and 'action="/login"' in page


def test_new_thread_draft_keeps_title(csrf_app):
    alice = make_user("alice")
    from .factories import make_category
    category = make_category()
    client = csrf_app.test_client(user=alice)
    response = client.post(f"/c/{category.slug}/new", data={"title": "Keep me", "body": "And me"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="Keep me"' in page and "And me" in page and ">Post</button>" in page


def test_login_ignores_a_draft_aimed_elsewhere(app):
    make_user("alice")
    response = app.test_client().post("/login", data={
        "username": "alice", "password": PASSWORD,
        "draft_action": "https://evil.example/steal", "draft_body": "x"})
    assert response.status_code == 302


def test_database_failure_gives_the_text_back(app, monkeypatch):
    alice = make_user("alice")
    thread = make_thread(alice)
    from forum.threads import services

    def unreachable(*args, **kwargs):
        raise OperationalError("INSERT ...", {}, Exception("could not connect to server"))

    monkeypatch.setattr(services, "reply", unreachable)
    response = app.test_client(user=alice).post(f"/t/{thread.id}/reply",
                                                data={"body": LONG_TEXT})
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "database didn" in page and LONG_TEXT.strip() in page
