"""Pages run a fixed number of queries, however big the thread or category."""
import pytest
from sqlalchemy import insert, update

from forum.extensions import db
from forum.models import Category, Post, Thread, utcnow

from .factories import make_category, make_thread

THREAD_PAGE_BUDGET = 6
# A member's reading state (#12): one query per page, whatever the page shows.
READING_STATE = 1


@pytest.fixture
def app(app_factory):
    """Budgets are for rendering the page: the anonymous page cache (which answers a
    repeat visit with no query at all, tests/test_pagecache.py) is off here."""
    return app_factory(PAGE_CACHE=False)


def _grow_thread(thread, author, total_posts):
    """Bulk-add posts (as the services would number them) to reach `total_posts`."""
    now = utcnow()
    rows = [dict(thread_id=thread.id, author_id=author.id, position=n, body=f"post {n}",
                 body_html=f"<p>post {n}</p>", status="published", created_at=now)
            for n in range(thread.last_position + 1, total_posts + 1)]
    db.session.execute(insert(Post), rows)
    db.session.execute(update(Thread).where(Thread.id == thread.id)
                       .values(last_position=total_posts, post_count=total_posts))
    db.session.commit()


def _grow_category(category, author, total_threads):
    now = utcnow()
    for n in range(total_threads - category.thread_count):
        thread = Thread(category_id=category.id, author_id=author.id, title=f"Thread {n}",
                        last_poster_id=author.id, created_at=now, last_post_at=now,
                        post_count=1, last_position=1)
        db.session.add(thread)
    db.session.execute(update(Category).where(Category.id == category.id)
                       .values(thread_count=total_threads))
    db.session.commit()


def _queries_for(client, url, count_queries):
    client.get(url)  # warm: first-request work (e.g. loading templates) is not the budget
    with count_queries() as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("viewer", ["anonymous", "member"])
def test_thread_page_queries_do_not_grow_with_the_thread(app, login, alice, bob, count_queries,
                                                         viewer):
    client = app.test_client() if viewer == "anonymous" else login(bob)
    small, big = make_thread(alice, title="Small thread"), make_thread(alice, title="Huge thread")
    _grow_thread(small, alice, 20)
    _grow_thread(big, alice, 2000)
    counts = {
        "20 posts": _queries_for(client, f"/t/{small.id}", count_queries),
        "2000 posts, page 1": _queries_for(client, f"/t/{big.id}", count_queries),
        "2000 posts, last page": _queries_for(client, f"/t/{big.id}?page=100", count_queries),
    }
    assert len(set(counts.values())) == 1, counts
    assert counts["20 posts"] <= THREAD_PAGE_BUDGET
    # Exact, so that a change that adds a query is noticed: thread, posts (+ the viewer).
    # (+ for a member, their reading state of this thread, which also says whether they
    # watch it: #12; "This helped" counts ride in the posts query)
    assert counts["20 posts"] == (2 if viewer == "anonymous" else 3 + READING_STATE)


@pytest.mark.parametrize("viewer", ["anonymous", "member"])
def test_category_page_queries_do_not_grow_with_the_category(app, login, alice, bob,
                                                             count_queries, viewer):
    client = app.test_client() if viewer == "anonymous" else login(bob)
    small, big = make_category("small", "Small"), make_category("big", "Big")
    _grow_category(small, alice, 10)
    _grow_category(big, alice, 1000)
    ten = _queries_for(client, "/c/small", count_queries)
    thousand = _queries_for(client, "/c/big", count_queries)
    last_page = _queries_for(client, "/c/big?page=34", count_queries)
    # category, pinned resources ("Start here"), threads (+ the viewer, and the viewer's own
    # posts that wait for review or were rejected or hidden: a held post stays findable)
    # (+ for a member, their reading state of the listed threads and whether they follow
    # the category: #12)
    assert ten == thousand == last_page == (3 if viewer == "anonymous"
                                            else 5 + READING_STATE + 1)


def test_home_page_queries(app, alice, count_queries):
    category = make_category()
    for n in range(15):
        make_thread(alice, category, title=f"Thread number {n}")
    assert _queries_for(app.test_client(), "/", count_queries) == 4  # categories, pinned threads, pinned resources, latest


def test_a_moderators_thread_page_costs_two_queries_more(app, login, alice, mia, count_queries):
    thread = make_thread(alice, replies=3)
    # thread, posts, the viewer, the queue's waiting count (nav), the move-to categories
    assert _queries_for(login(mia), f"/t/{thread.id}", count_queries) == 5 + READING_STATE


def _queries_for_post(client, url, data, count_queries):
    with count_queries() as queries:
        response = client.post(url, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return queries


def test_a_reply_post_runs_a_fixed_number_of_queries(app, login, alice, bob, count_queries):
    thread = make_thread(alice, replies=30)
    client = login(bob)
    counts = []
    for n in range(2):
        queries = _queries_for_post(client, f"/t/{thread.id}/reply",
                                    {"body": f"Same here, week {n}.", "idempotency_key": f"{n:02x}" * 16},
                                    count_queries)
        counts.append(len(queries))
    # viewer, thread, idempotency check, crisis phrases, next position, counters, INSERT,
    # then the post and the viewer again (expired by the commit) for the redirect
    assert counts == [REPLY_POST_QUERIES, REPLY_POST_QUERIES]


def test_a_new_thread_post_runs_a_fixed_number_of_queries(app, login, alice, count_queries):
    category = make_category()
    client = login(alice)
    queries = _queries_for_post(client, f"/c/{category.slug}/new",
                                {"title": "A question about sleep", "body": "Anyone else?",
                                 "idempotency_key": "ab" * 16}, count_queries)
    assert len(queries) == NEW_THREAD_POST_QUERIES


# Before the post lifecycle (crisis language read twice, the thread reloaded): 10 and 11.
# Following conversations (#12), on every new post: the author's notification settings,
# their watch and read row, who watches the thread or follows its category, and the search
# index's document; then for each member told (here alice, who watches her thread): the
# notification, their unread count, their e-mail settings.
ON_A_NEW_POST = 4
PER_MEMBER_TOLD = 3
REPLY_POST_QUERIES = 9 + ON_A_NEW_POST + PER_MEMBER_TOLD
NEW_THREAD_POST_QUERIES = 9 + ON_A_NEW_POST
