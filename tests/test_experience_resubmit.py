"""Issue #10: members can fix what moderators send back; held posts explained once; edit
history for the author and moderators only."""
import pytest

from forum.errors import ValidationFailed
from forum.extensions import db
from forum.models import Category, Post, PostStatus, Revision, Thread
from forum.moderation import services as moderation
from forum.threads import services

from .factories import make_category, make_post, make_thread, make_user


def _opening(thread) -> Post:
    return db.session.query(Post).filter_by(thread_id=thread.id, position=1).one()


def _rejected_thread(mia, reason="Please take the phone number out."):
    newbie = make_user("newbie", new=True)
    thread = make_thread(newbie, title="Call me any time", body="Ring me on 07700 900123")
    post = _opening(thread)
    moderation.reject_post(mia, post, reason=reason)
    return newbie, thread, post


def test_the_author_sees_the_reason_on_the_post_and_can_resubmit(app, login, mia, bob):
    newbie, thread, post = _rejected_thread(mia)
    page = login(newbie).get(f"/t/{thread.id}").get_data(as_text=True)
    assert "Not approved by a moderator" in page
    assert "Please take the phone number out." in page
    assert f'href="/p/{post.id}/edit">Edit and resubmit</a>' in page
    assert f'href="/p/{post.id}/delete">Delete</a>' in page
    # Moderators see the reason too; others cannot see the post at all.
    assert "Please take the phone number out." in login(mia).get(
        f"/t/{thread.id}").get_data(as_text=True)
    assert login(bob).get(f"/t/{thread.id}").status_code == 404
    assert login(bob).get(f"/p/{post.id}/edit").status_code == 404

    form = login(newbie).get(f"/p/{post.id}/edit").get_data(as_text=True)
    assert "Edit and resubmit your post" in form and "Ring me on 07700 900123" in form
    response = login(newbie).post(f"/p/{post.id}/edit", data={
        "title": "Call me any time", "body": "Message me here instead."})
    assert response.status_code == 302

    db.session.expire_all()
    assert post.status == thread.status == PostStatus.PENDING
    assert post.resubmitted_at is not None and post.body == "Message me here instead."
    # The earlier version is kept.
    assert [r.body for r in db.session.query(Revision).filter_by(post_id=post.id)] == [
        "Ring me on 07700 900123"]
    # The queue marks it, with the earlier reason and the way to compare.
    queue = login(mia).get("/mod/queue").get_data(as_text=True)
    assert "Resubmission" in queue and "Please take the phone number out." in queue
    assert f"/p/{post.id}/history" in queue
    moderation.approve_post(mia, post)
    db.session.expire_all()
    assert post.status == PostStatus.PUBLISHED and post.status_reason is None
    assert app.test_client().get(f"/t/{thread.id}").status_code == 200


def test_a_resubmission_must_change_the_text(app, mia):
    newbie, thread, post = _rejected_thread(mia)
    with pytest.raises(ValidationFailed):
        services.resubmit_post(newbie, post, body=post.body, title=thread.title)
    assert post.status == PostStatus.REJECTED


def test_a_hidden_reply_can_be_resubmitted_and_deleted(app, login, alice, bob, mia):
    thread = make_thread(alice)
    reply = make_post(bob, thread, body="Take 150 mg at once, it's fine.")
    moderation.hide_post(mia, reply, reason="Dosing instructions can hurt someone.")
    page = login(bob).get(f"/t/{thread.id}").get_data(as_text=True)
    assert "A moderator hid this post" in page and "Dosing instructions can hurt" in page
    # Other readers see nothing of it, not even the reason.
    assert "Dosing instructions can hurt" not in login(alice).get(
        f"/t/{thread.id}").get_data(as_text=True)

    services.resubmit_post(bob, reply, body="What helped me was going slowly with my GP.")
    db.session.expire_all()
    assert reply.status == PostStatus.PENDING
    assert db.session.get(Thread, thread.id).post_count == 1

    # Back to hidden, then the author deletes it.
    moderation.reject_post(mia, reply, reason="Still a dose instruction.")
    response = login(bob).post(f"/p/{reply.id}/delete")
    assert response.status_code == 302
    db.session.expire_all()
    assert reply.status == PostStatus.DELETED
    assert db.session.get(Thread, thread.id).post_count == 1


def test_deleting_a_rejected_opening_post_removes_its_thread(app, login, mia):
    newbie, thread, post = _rejected_thread(mia)
    response = login(newbie).post(f"/p/{post.id}/delete")
    assert response.status_code == 302
    db.session.expire_all()
    assert post.status == thread.status == PostStatus.DELETED
    assert db.session.get(Category, thread.category_id).thread_count == 0


def test_edit_history_is_for_the_author_and_moderators(app, login, alice, bob, mia, fred):
    thread = make_thread(alice, body="I said my town's name here.")
    post = _opening(thread)
    services.edit_post(alice, post, body="Removed where I live.", title=thread.title)
    own = login(alice).get(f"/t/{thread.id}").get_data(as_text=True)
    assert f'href="/p/{post.id}/history"' in own
    for viewer in (alice, mia):
        history = login(viewer).get(f"/p/{post.id}/history")
        assert history.status_code == 200
        assert "I said my town&#39;s name here." in history.get_data(as_text=True)
    # Other readers see that it was edited, and when, but not the earlier words.
    other = login(bob).get(f"/t/{thread.id}").get_data(as_text=True)
    assert 'class="edited"' in other and f"/p/{post.id}/history" not in other
    assert login(bob).get(f"/p/{post.id}/history").status_code == 404
    assert app.test_client().get(f"/p/{post.id}/history").status_code == 404


def test_a_held_post_is_explained_once_with_the_reason_that_applies(app, login):
    category = make_category()
    newbie = make_user("newbie", new=True)
    client = login(newbie)
    # Said beforehand, on the compose form.
    assert "first posts before they appear" in client.get(
        f"/c/{category.slug}/new").get_data(as_text=True)
    response = client.post(f"/c/{category.slug}/new", data={
        "title": "Hello from a newcomer", "body": "Hi all"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert page.count("first posts before they appear") == 1
    assert "This thread is waiting for a moderator" not in page
    # Findable afterwards, with its state, in the category.
    listing = client.get(f"/c/{category.slug}").get_data(as_text=True)
    assert "Your posts that only you and the moderators can see" in listing
    assert "Hello from a newcomer" in listing and "waiting for a moderator" in listing


def test_a_category_that_reviews_everything_says_so(app, login, alice):
    category = make_category("guidance", "Guidance")
    category.requires_approval = True
    db.session.commit()
    client = login(alice)
    assert "Every post in this category is read by a moderator" in client.get(
        f"/c/{category.slug}/new").get_data(as_text=True)
    client.post(f"/c/{category.slug}/new", data={"title": "A careful question",
                                                 "body": "Is it normal?"})
    post = db.session.query(Post).one()
    assert post.status == PostStatus.PENDING and post.hold_reason == "category"
    page = client.get(f"/p/{post.id}", follow_redirects=True).get_data(as_text=True)
    assert page.count("Every post in this category is read by a moderator") == 1


def test_no_review_notice_for_members_who_post_straight_away(app, login, alice):
    category = make_category()
    form = login(alice).get(f"/c/{category.slug}/new").get_data(as_text=True)
    assert "review-notice" not in form


def test_preview_renders_without_posting(app, login, alice):
    category = make_category()
    thread = make_thread(alice)
    client = login(alice)
    response = client.post(f"/c/{category.slug}/new", data={
        "title": "A thread to preview", "body": "Some **bold** words", "preview": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<strong>bold</strong>" in page
    assert "Some **bold** words" in page  # the text stays in the form
    response = client.post(f"/t/{thread.id}/reply", data={"body": "*soft*", "preview": "1"})
    assert response.status_code == 200 and "<em>soft</em>" in response.get_data(as_text=True)
    post = _opening(thread)
    response = client.post(f"/p/{post.id}/edit", data={
        "title": thread.title, "body": "New _words_", "preview": "1"})
    assert "<em>words</em>" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.query(Thread).count() == 1 and db.session.query(Post).count() == 1
    assert post.body != "New _words_"


def test_own_unpublished_posts_are_listed_on_ones_own_profile_only(app, login, alice, bob, mia):
    from forum.moderation import services as moderation
    from forum.threads import services as thread_services
    from tests.factories import make_thread
    thread = make_thread(alice)
    held = thread_services.reply(make_user("newbie", new=True), thread, body="First words").post
    newbie = held.author
    own = login(newbie).get(f"/u/{newbie.username}").get_data(as_text=True)
    assert "Your posts that only you and the moderators can see" in own
    assert "waiting for a moderator" in own
    moderation.reject_post(mia, held, reason="Off topic")
    own = login(newbie).get(f"/u/{newbie.username}").get_data(as_text=True)
    assert "not approved" in own
    other = login(bob).get(f"/u/{newbie.username}").get_data(as_text=True)
    assert "Your posts that only you" not in other and "First words" not in other


def test_a_flagged_post_says_so_to_its_flagger_and_settings_name_it(app, login, alice, bob):
    from forum.flags import services as flags
    from tests.factories import make_post, make_thread
    thread = make_thread(alice, title="Sleep at 60 mg")
    post = make_post(alice, thread, body="Something questionable.")
    flags.flag_post(bob, post, reason="misinformation")
    page = login(bob).get(f"/t/{thread.id}").get_data(as_text=True)
    assert "You flagged this post." in page
    assert f'/p/{post.id}/flag"' not in page
    settings = login(bob).get("/settings").get_data(as_text=True)
    assert "Post #2 in “<bdi>Sleep at 60 mg</bdi>”" in settings
    assert "You flagged this post." not in login(alice).get(f"/t/{thread.id}").get_data(as_text=True)
