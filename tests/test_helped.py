""""This helped": published posts of others only, counted, undoable, rate-limited, never on
hidden posts, who gave it shown to members only."""
import pytest
from sqlalchemy import select

from forum.errors import PermissionDenied
from forum.extensions import db
from forum.models import HelpedMark, Post
from forum.moderation import services as moderation
from forum.reactions import queries, services

from .factories import make_post, make_thread


def opening(thread):
    return db.session.scalar(select(Post).where(Post.thread_id == thread.id, Post.position == 1))


def test_a_member_marks_a_post_helpful_once_and_can_undo(app, alice, bob):
    post = opening(make_thread(alice))
    assert services.mark_helped(bob, post) is True
    assert services.mark_helped(bob, post) is False
    assert [u.username for u in queries.list_helpers(post)] == ["bob"]
    assert services.undo_helped(bob, post) is True
    assert queries.list_helpers(post) == []


@pytest.mark.parametrize("who", ["author", "fred", "guest"])
def test_not_ones_own_post_and_not_when_suspended_or_a_guest(app, alice, fred, who):
    from flask_login import AnonymousUserMixin
    post = opening(make_thread(alice))
    user = {"author": alice, "fred": fred, "guest": AnonymousUserMixin()}[who]
    with pytest.raises(PermissionDenied):
        services.mark_helped(user, post)


def test_never_on_a_hidden_post(app, alice, bob, mia, login):
    thread = make_thread(alice)
    reply = make_post(alice, thread, body="Hidden soon.")
    services.mark_helped(bob, reply)
    moderation.hide_post(mia, reply, reason="Checking.")
    with pytest.raises(PermissionDenied):
        services.mark_helped(mia, reply)
    page = login(mia).get(f"/t/{thread.id}").get_data(as_text=True)
    article = page.split(f'id="p{reply.id}"')[1].split("</article>")[0]
    assert "This helped" not in article and "found this helpful" not in article


def test_the_count_and_button_on_the_thread_page(app, alice, bob, tess, login, client):
    thread = make_thread(alice)
    post = opening(thread)
    bob_client = login(bob)
    response = bob_client.post(f"/p/{post.id}/helped")
    assert response.status_code == 302
    services.mark_helped(tess, post)
    page = bob_client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert 'aria-pressed="true"' in page and "2 found this helpful" in page
    assert f'href="/p/{post.id}/helped"' in page
    guest_page = client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert "2 found this helpful" in guest_page and f'/p/{post.id}/helped"' not in guest_page
    assert client.get(f"/p/{post.id}/helped").status_code in (302, 401)
    helpers = bob_client.get(f"/p/{post.id}/helped").get_data(as_text=True)
    assert "bob" in helpers and "tess" in helpers
    bob_client.post(f"/p/{post.id}/helped/undo")
    assert db.session.scalar(select(HelpedMark).where(HelpedMark.user_id == bob.id)) is None


def test_it_is_rate_limited(app_factory):
    app = app_factory(HELPED_LIMITS="2/minute")
    from .factories import make_user
    carol = make_user("carol")
    thread = make_thread(carol)
    client = app.test_client(user=make_user("dave"))
    posts = [opening(thread)] + [make_post(carol, thread, body=f"Post {n}.") for n in range(2)]
    codes = [client.post(f"/p/{p.id}/helped").status_code for p in posts]
    assert codes[:2] == [302, 302] and codes[2] == 429
