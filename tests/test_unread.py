"""Unread: marks in thread lists, the first-unread jump, mark all read, and its costs."""
from datetime import timedelta

from sqlalchemy import select

from forum.extensions import db
from forum.models import ThreadState, utcnow

from .factories import make_category, make_post, make_thread


def _old(thread):
    """A thread from before the member joined is not "new" to them: make it recent."""
    return thread


def test_a_never_opened_thread_is_new_then_read_after_a_visit(app, alice, bob, login):
    bob.created_at = utcnow() - timedelta(days=60)
    db.session.commit()
    thread = make_thread(alice, title="Fresh thread here")
    client = login(bob)
    page = client.get("/c/experiences").get_data(as_text=True)
    assert 'class="tag">New</span>' in page
    client.get(f"/t/{thread.id}")
    page = client.get("/c/experiences").get_data(as_text=True)
    assert 'class="tag">New</span>' not in page and "unread" not in page.split("thread-list")[1]


def test_new_posts_show_as_a_count_and_the_jump_goes_to_the_first_unread(app, alice, bob, login):
    thread = make_thread(alice, replies=2)
    client = login(bob)
    client.get(f"/t/{thread.id}")
    newer = make_post(alice, thread, body="A new reply.")
    make_post(alice, thread, body="And another.")
    page = client.get("/c/experiences").get_data(as_text=True)
    assert "2 unread" in page
    response = client.get(f"/t/{thread.id}/unread")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"#p{newer.id}")


def test_the_jump_skips_posts_the_reader_may_not_see_and_ends_at_the_latest(app, alice, bob,
                                                                              mia, login):
    from forum.moderation import services as moderation
    thread = make_thread(alice)
    client = login(bob)
    client.get(f"/t/{thread.id}")
    hidden = make_post(alice, thread, body="To be hidden.")
    visible = make_post(alice, thread, body="Visible.")
    moderation.hide_post(mia, hidden, reason="Checking.")
    assert client.get(f"/t/{thread.id}/unread").headers["Location"].endswith(f"#p{visible.id}")
    client.get(f"/t/{thread.id}")
    assert client.get(f"/t/{thread.id}/unread").headers["Location"].endswith("#latest")


def test_a_thread_view_writes_at_most_once_and_not_again_when_nothing_is_new(app, alice, bob,
                                                                             login,
                                                                             count_queries):
    thread = make_thread(alice, replies=3)
    client = login(bob)
    with count_queries() as first:
        client.get(f"/t/{thread.id}")
    writes = [q for q in first if q.lstrip().upper().startswith(("INSERT", "UPDATE"))]
    assert len(writes) == 1
    with count_queries() as second:
        client.get(f"/t/{thread.id}")
    assert not [q for q in second if q.lstrip().upper().startswith(("INSERT", "UPDATE"))]
    state = db.session.scalar(select(ThreadState).where(ThreadState.user_id == bob.id))
    assert state.last_read_position == 4


def test_guests_have_no_reading_state(app, alice, client):
    thread = make_thread(alice)
    client.get(f"/t/{thread.id}")
    assert db.session.scalars(select(ThreadState)).all() == [
        s for s in db.session.scalars(select(ThreadState)) if s.user_id == alice.id]


def test_mark_all_read_per_category(app, alice, bob, login):
    category = make_category()
    threads = [make_thread(alice, category, title=f"Thread number {n}") for n in range(3)]
    client = login(bob)
    client.get(f"/t/{threads[0].id}")
    make_post(alice, threads[0], body="New one.")
    assert client.post(f"/c/{category.slug}/read").status_code == 302
    page = client.get(f"/c/{category.slug}").get_data(as_text=True)
    assert "unread" not in page.split("thread-list")[1] and 'class="tag">New' not in page
    positions = dict(db.session.execute(select(ThreadState.thread_id, ThreadState.last_read_position)
                                        .where(ThreadState.user_id == bob.id)).all())
    assert positions == {t.id: t.last_position for t in threads}


def test_a_jump_in_a_thread_one_may_not_see_is_a_404(app, bob, login):
    assert login(bob).get("/t/999/unread").status_code == 404
