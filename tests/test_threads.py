"""Threads and posts: services first, then over HTTP."""
import re

import pytest

from forum.errors import PermissionDenied, ValidationFailed
from forum.extensions import db
from forum.models import Category, Post, PostStatus, Revision, Thread
from forum.threads import services

from .factories import make_post, make_thread, make_user


# --- services ----------------------------------------------------------------------

def test_create_thread_stores_safe_html_and_counts(app, alice, category):
    post = services.create_thread(alice, category, title="  Week one   at 30 mg ",
                                  body="**Better** sleep <script>alert(1)</script>").post
    thread = post.thread
    assert thread.title == "Week one at 30 mg"
    assert post.position == 1 and thread.last_position == 1 and thread.post_count == 1
    assert "<strong>Better</strong>" in post.body_html
    assert "<script>" not in post.body_html
    assert db.session.get(Category, category.id).thread_count == 1


def test_replies_are_numbered_and_update_the_thread(app, alice, bob):
    thread = make_thread(alice)
    first = make_post(bob, thread)
    second = make_post(alice, thread)
    assert (first.position, second.position) == (2, 3)
    thread = db.session.get(Thread, thread.id)
    assert thread.post_count == 3 and thread.last_position == 3
    assert thread.last_poster_id == alice.id
    assert thread.last_post_at == second.created_at


@pytest.mark.parametrize("title, ok", [("abcd", False), ("abcde", True), ("x" * 150, True),
                                       ("x" * 151, False), ("   ", False)])
def test_title_length(app, alice, category, title, ok):
    if ok:
        assert services.create_thread(alice, category, title=title, body="text")
    else:
        with pytest.raises(ValidationFailed) as failure:
            services.create_thread(alice, category, title=title, body="text")
        assert failure.value.errors[0][0] == "title"


@pytest.mark.parametrize("body, ok", [("", False), ("   \n ", False), ("x", True),
                                      ("x" * 20_000, True), ("x" * 20_001, False)])
def test_body_length(app, alice, body, ok):
    thread = make_thread(alice)
    if ok:
        assert services.reply(alice, thread, body=body)
    else:
        with pytest.raises(ValidationFailed):
            services.reply(alice, thread, body=body)


def test_same_idempotency_key_makes_one_post(app, alice):
    thread = make_thread(alice)
    first = services.reply(alice, thread, body="Hello", idempotency_key="ab" * 16).post
    again = services.reply(alice, thread, body="Hello", idempotency_key="ab" * 16)
    assert again.repeated
    again = again.post
    assert first.id == again.id
    assert db.session.query(Post).filter_by(thread_id=thread.id).count() == 2


def test_someone_elses_idempotency_key_is_refused(app, alice, bob):
    thread = make_thread(alice)
    services.reply(alice, thread, body="Hello", idempotency_key="cd" * 16)
    with pytest.raises(ValidationFailed):
        services.reply(bob, thread, body="Hi", idempotency_key="cd" * 16)


def test_edit_keeps_revisions_and_marks_edited(app, alice):
    thread = make_thread(alice, title="First title", body="version one")
    post = db.session.query(Post).filter_by(thread_id=thread.id, position=1).one()
    services.edit_post(alice, post, body="version two", title="Second title")
    services.edit_post(alice, post, body="version three")
    revisions = db.session.query(Revision).filter_by(post_id=post.id).order_by(Revision.id).all()
    assert [r.body for r in revisions] == ["version one", "version two"]
    assert [r.title for r in revisions] == ["First title", "Second title"]
    assert post.is_edited and post.body == "version three" and "version three" in post.body_html
    assert thread.title == "Second title"


def test_edit_without_change_makes_no_revision(app, alice):
    thread = make_thread(alice, body="same")
    post = db.session.query(Post).filter_by(thread_id=thread.id).one()
    services.edit_post(alice, post, body="same")
    assert not post.is_edited
    assert db.session.query(Revision).count() == 0


def test_delete_is_soft_and_updates_counts(app, alice, bob):
    thread = make_thread(alice)
    reply = make_post(bob, thread, body="my reply")
    services.delete_post(bob, reply)
    assert reply.status == PostStatus.DELETED and reply.body == "my reply"
    assert db.session.get(Thread, thread.id).post_count == 1


def test_deleting_an_unanswered_opening_post_removes_the_thread(app, alice, category):
    thread = make_thread(alice, category)
    post = db.session.query(Post).filter_by(thread_id=thread.id).one()
    services.delete_post(alice, post)
    assert thread.status == PostStatus.DELETED
    assert db.session.get(Category, category.id).thread_count == 0


def test_deleting_an_answered_opening_post_keeps_the_replies(app, alice, bob, category):
    thread = make_thread(alice, category)
    make_post(bob, thread)
    opening = db.session.query(Post).filter_by(thread_id=thread.id, position=1).one()
    services.delete_post(alice, opening)
    assert thread.status == PostStatus.PUBLISHED


# --- who may do what: persona x action -------------------------------------------

PERSONAS = ["anonymous", "alice", "bob", "fred", "silenced", "mia"]


@pytest.fixture
def persona(app, request):
    from flask_login import AnonymousUserMixin
    from forum.models import Role

    def get(name):
        if name == "anonymous":
            return AnonymousUserMixin()
        if name == "fred":
            return make_user("fred", suspended=True)
        if name == "silenced":
            return make_user("sam", silenced=True)
        return make_user(name, role=Role.MODERATOR if name == "mia" else "member")
    return get


@pytest.fixture
def alices_thread(app):
    author = make_user("alice")
    return make_thread(author, replies=1)


@pytest.mark.parametrize("name, allowed", [("anonymous", False), ("alice", True), ("bob", True),
                                           ("fred", False), ("silenced", False), ("mia", True)])
def test_who_may_reply(app, persona, name, allowed):
    thread = make_thread(make_user("carol"))
    user = persona(name)
    if allowed:
        assert services.reply(user, thread, body="hello").post.id
    else:
        with pytest.raises(PermissionDenied):
            services.reply(user, thread, body="hello")


@pytest.mark.parametrize("name, allowed", [("anonymous", False), ("alice", True), ("bob", False),
                                           ("fred", False), ("silenced", False), ("mia", False)])
def test_who_may_edit_alices_post(app, persona, name, allowed):
    user = persona(name)
    alice = user if name == "alice" else make_user("alice")
    thread = make_thread(alice)
    post = db.session.query(Post).filter_by(thread_id=thread.id).one()
    if allowed:
        services.edit_post(user, post, body="changed")
    else:
        with pytest.raises(PermissionDenied):
            services.edit_post(user, post, body="changed")


@pytest.mark.parametrize("name, allowed", [("anonymous", False), ("alice", True), ("bob", False),
                                           ("fred", False), ("silenced", True), ("mia", False)])
def test_who_may_delete_a_post(app, persona, name, allowed):
    """Authors may always remove what they wrote, even while silenced."""
    user = persona(name)
    author = user if name in ("alice", "silenced") else make_user("alice")
    if name == "silenced":
        author.silenced_until = None
        thread = make_thread(author)
        from datetime import timedelta
        from forum.models import utcnow
        author.silenced_until = utcnow() + timedelta(days=1)
        db.session.commit()
    else:
        thread = make_thread(author)
    post = db.session.query(Post).filter_by(thread_id=thread.id).one()
    if allowed:
        services.delete_post(user, post)
    else:
        with pytest.raises(PermissionDenied):
            services.delete_post(user, post)


def test_locked_thread_takes_replies_from_moderators_only(app, alice, mia):
    from forum.models import utcnow
    thread = make_thread(alice)
    thread.locked_at = utcnow()
    db.session.commit()
    with pytest.raises(PermissionDenied):
        services.reply(alice, thread, body="hello")
    assert services.reply(mia, thread, body="Locked for now, see the pinned note.")


# --- over HTTP -----------------------------------------------------------------------

def test_start_a_thread_and_reply_over_http(login, alice, bob, category):
    client = login(alice)
    response = client.post(f"/c/{category.slug}/new",
                           data={"title": "My first month", "body": "It *helped*."})
    assert response.status_code == 302
    thread_url = response.headers["Location"]
    assert re.fullmatch(r"/t/\d+#p\d+", thread_url)
    page = client.get(thread_url.split("#")[0]).get_data(as_text=True)
    assert "<em>helped</em>" in page and "My first month" in page
    bob_client = login(bob)
    response = bob_client.post(thread_url.split("#")[0] + "/reply", data={"body": "Glad to hear"})
    assert response.status_code == 302
    page = bob_client.get(thread_url.split("#")[0]).get_data(as_text=True)
    assert "Glad to hear" in page


def test_thread_page_structure(client, alice):
    thread = make_thread(alice, replies=2)
    page = client.get(f"/t/{thread.id}").get_data(as_text=True)
    posts = db.session.query(Post).filter_by(thread_id=thread.id).all()
    for post in posts:
        assert f'<article id="p{post.id}"' in page
    assert page.count('class="badge-slot"') == 3
    # Each post gives its exact date on hover (title) besides the relative time.
    assert len(re.findall(r'<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00" title="[^"]+ UTC">', page)) == 3


def test_thread_paginates_by_twenty_and_permalinks_find_the_page(client, alice):
    thread = make_thread(alice, replies=44)  # 45 posts: pages of 20, 20, 5
    assert "Page 1 of 3" in client.get(f"/t/{thread.id}").get_data(as_text=True)
    last = client.get(f"/t/{thread.id}?page=3").get_data(as_text=True)
    assert last.count("<article") == 5
    # Past the end: to the last page (a thread that shrank, a hand-typed number).
    past = client.get(f"/t/{thread.id}?page=4")
    assert past.status_code == 302 and past.headers["Location"] == f"/t/{thread.id}?page=3"
    post_41 = db.session.query(Post).filter_by(thread_id=thread.id, position=41).one()
    response = client.get(f"/p/{post_41.id}")
    assert response.headers["Location"] == f"/t/{thread.id}?page=3#p{post_41.id}"
    post_2 = db.session.query(Post).filter_by(thread_id=thread.id, position=2).one()
    assert client.get(f"/p/{post_2.id}").headers["Location"] == f"/t/{thread.id}#p{post_2.id}"


@pytest.mark.parametrize("url", ["/t/0", "/t/-1", "/t/99999999999999999999999999",
                                 "/t/9223372036854775808", "/p/-5", "/p/99999999999999999999999",
                                 "/p/0/edit", "/t/1?page=0", "/t/1?page=-1", "/t/1?page=abc",
                                 "/t/1?page=99999999999999999999", "/c/nope", "/u/nobody",
                                 "/c/experiences?page=99999999999999999999999"])
def test_bad_ids_answer_404(login, alice, url):
    make_thread(alice)
    assert login(alice).get(url).status_code == 404


def test_edit_over_http_shows_edited(login, alice, client):
    thread = make_thread(alice, body="before")
    post = db.session.query(Post).filter_by(thread_id=thread.id).one()
    member = login(alice)
    form = member.get(f"/p/{post.id}/edit").get_data(as_text=True)
    assert "before" in form and 'name="title"' in form
    response = member.post(f"/p/{post.id}/edit", data={"title": thread.title, "body": "after"})
    assert response.status_code == 302
    page = client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert "after" in page and 'class="edited"' in page


def test_delete_over_http_leaves_a_placeholder(login, alice, bob):
    thread = make_thread(alice)
    reply = make_post(bob, thread, body="something I regret")
    member = login(bob)
    confirm = member.get(f"/p/{reply.id}/delete").get_data(as_text=True)
    assert "Delete" in confirm
    assert member.post(f"/p/{reply.id}/delete").status_code == 302
    page = member.get(f"/t/{thread.id}").get_data(as_text=True)
    assert "removed by its author" in page and "something I regret" not in page


def test_others_cannot_edit_or_delete_over_http(login, alice, bob):
    thread = make_thread(alice)
    post = db.session.query(Post).filter_by(thread_id=thread.id).one()
    assert login(bob).get(f"/p/{post.id}/edit").status_code == 403
    assert login(bob).post(f"/p/{post.id}/delete").status_code == 403
    assert login(bob).post(f"/p/{post.id}/edit", data={"body": "x"}).status_code == 403


def test_anonymous_is_sent_to_login_for_new_thread(client, category):
    response = client.get(f"/c/{category.slug}/new")
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]


def test_quote_prefills_the_reply_box(login, alice, bob):
    thread = make_thread(alice, body="Line one\n\nLine *two*")
    post = db.session.query(Post).filter_by(thread_id=thread.id).one()
    page = login(bob).get(f"/t/{thread.id}?quote={post.id}").get_data(as_text=True)
    textarea = re.search(r'<textarea[^>]*name="body"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    assert f"[alice wrote](/p/{post.id}):" in textarea
    assert "&gt; Line one" in textarea and "&gt; Line *two*" in textarea
    assert f'href="/t/{thread.id}?quote={post.id}#reply">Quote</a>' in page


def test_double_submit_over_http_creates_one_post(login, alice):
    thread = make_thread(alice)
    client = login(alice)
    data = {"body": "Only once please", "idempotency_key": "ef" * 16}
    first = client.post(f"/t/{thread.id}/reply", data=data)
    second = client.post(f"/t/{thread.id}/reply", data=data)
    assert first.headers["Location"] == second.headers["Location"]
    assert db.session.query(Post).filter_by(body="Only once please").count() == 1


def test_reply_form_carries_a_fresh_idempotency_key(login, alice):
    thread = make_thread(alice)
    client = login(alice)
    keys = {re.search(r'name="idempotency_key" type="hidden" value="([0-9a-f]+)"',
                      client.get(f"/t/{thread.id}").get_data(as_text=True)).group(1)
            for _ in range(2)}
    assert len(keys) == 2


def test_over_long_reply_gives_the_text_back(login, alice):
    thread = make_thread(alice)
    text = "I want to keep this. " * 1000  # 21,000 characters
    response = login(alice).post(f"/t/{thread.id}/reply", data={"body": text})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "I want to keep this. " * 50 in page
    assert "20,000" in page
    assert db.session.query(Post).count() == 1


def test_over_long_thread_gives_title_and_text_back(login, alice, category):
    response = login(alice).post(f"/c/{category.slug}/new",
                                 data={"title": "Keep my title", "body": "y" * 20_001})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'value="Keep my title"' in page and "y" * 20_001 in page


def test_category_lists_pinned_first_then_by_activity(client, alice, category):
    old = make_thread(alice, category, title="Old but pinned")
    middle = make_thread(alice, category, title="Middle thread")
    newest = make_thread(alice, category, title="Newest thread")
    old.pinned = True
    db.session.commit()
    make_post(alice, middle)  # now the most recently active
    page = client.get(f"/c/{category.slug}").get_data(as_text=True)
    order = [page.index(t) for t in ("Old but pinned", "Middle thread", "Newest thread")]
    assert order == sorted(order)
    assert newest.title in page


def test_category_paginates(client, alice, category):
    for n in range(31):
        make_thread(alice, category, title=f"Thread number {n}")
    first = client.get(f"/c/{category.slug}").get_data(as_text=True)
    assert "Page 1 of 2" in first and first.count('class="thread-title"') == 30
    second = client.get(f"/c/{category.slug}?page=2").get_data(as_text=True)
    assert second.count('class="thread-title"') == 1 and "Thread number 0" in second


def test_profile_page(client, alice):
    make_thread(alice, title="About my journey")
    page = client.get("/u/alice").get_data(as_text=True)
    assert "About my journey" in page and "1 post" in page
    assert client.get("/u/ALICE").headers["Location"] == "/u/alice"
    assert "alice@example.org" not in page
