"""Two copies of one submission that both pass the "already posted?" check.

On PostgreSQL a double click can do exactly that: each request looks for its key before
the other has committed. The second INSERT then fails on the unique idempotency key; the
service must answer with the copy that was saved, not raise (bench/write_load.py found
it raising from an autoflush, outside the handler).
"""
import pytest

from forum.extensions import db
from forum.models import Post, Thread
from forum.threads import services

from .factories import make_category, make_thread

KEY = "5e" * 16


@pytest.fixture
def late_check(monkeypatch):
    """Make the next `_existing_post` look before the first copy was committed."""
    real = services._existing_post
    calls = []

    def first_misses(author, key):
        calls.append(key)
        return None if len(calls) == 1 else real(author, key)

    monkeypatch.setattr(services, "_existing_post", first_misses)
    return calls


def test_reply_racing_its_copy_returns_the_saved_post(app, alice, late_check):
    thread = make_thread(alice)
    first = services.reply(alice, thread, body="Only once", idempotency_key=KEY).post
    late_check.clear()
    again = services.reply(alice, thread, body="Only once", idempotency_key=KEY).post
    assert again.id == first.id
    assert db.session.query(Post).filter_by(idempotency_key=KEY).count() == 1
    refreshed = db.session.get(Thread, thread.id)
    assert refreshed.post_count == 2  # the opening post and one reply, not two


def test_new_thread_racing_its_copy_returns_the_saved_post(app, alice, late_check):
    category = make_category()
    first = services.create_thread(alice, category, title="Only one thread",
                                   body="Only once", idempotency_key=KEY).post
    late_check.clear()
    again = services.create_thread(alice, category, title="Only one thread",
                                   body="Only once", idempotency_key=KEY).post
    assert again.id == first.id
    assert db.session.query(Thread).count() == 1
    db.session.refresh(category)
    assert category.thread_count == 1
