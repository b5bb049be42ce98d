"""Issue #10: crisis follow-through — helplines every visit, "reached out" and "handled",
and private conversations between the moderators and one member."""
import re

import pytest

from forum.errors import PermissionDenied
from forum.extensions import db
from forum.messages import services as messages
from forum.models import (Action, Conversation, Flag, Message, ModerationAction,
                          Notification, NotificationKind, Post)
from forum.moderation import services as moderation

from .factories import make_post, make_thread, make_user

CRISIS = "Some nights I want to die, honestly."


def _helplines(app):
    app.test_cli_runner().invoke(args=["seed"])


def test_the_author_sees_the_helplines_every_time_and_others_a_short_box(app, login, alice,
                                                                          bob, mia):
    _helplines(app)
    thread = make_thread(alice, title="Week three")
    post = make_post(bob, thread, body=CRISIS)
    assert post.at_risk
    for visit in range(2):  # not only once
        page = login(bob).get(f"/t/{thread.id}").get_data(as_text=True)
        assert "have to go through this alone" in page, visit
        assert "a moderator has been alerted" in page
        assert "Samaritans" in page
        assert "If you are worried about someone in this thread" not in page
    # Even when their post is on another page than the one they open.
    for n in range(25):
        make_post(alice, thread, body=f"Filler {n}")
    assert "a moderator has been alerted" in login(bob).get(
        f"/t/{thread.id}?page=2").get_data(as_text=True)
    for viewer in (login(alice), app.test_client()):
        other = viewer.get(f"/t/{thread.id}").get_data(as_text=True)
        assert "If you are worried about someone in this thread" in other
        assert "Someone may be at risk" in other
        assert "a moderator has been alerted" not in other
    # A thread without crisis language shows neither.
    calm = make_thread(alice, title="A calm thread")
    page = login(bob).get(f"/t/{calm.id}").get_data(as_text=True)
    assert "worried about someone" not in page and "moderator has been alerted" not in page


def test_reached_out_then_handled_with_private_notes(app, login, alice, bob, mia):
    _helplines(app)  # and the crisis phrases
    thread = make_thread(alice)
    post = make_post(bob, thread, body=CRISIS)
    client = login(mia)
    queue = client.get("/mod/queue").get_data(as_text=True)
    assert "Reached out" in queue and "Handled" in queue
    assert f"/messages/new?member={bob.id}&amp;post={post.id}" in queue

    response = client.post(f"/mod/posts/{post.id}/reached_out",
                           data={"reason": "Wrote to them; they answered.",
                                 "next": "/mod/queue"})
    assert response.status_code == 302
    queue = client.get("/mod/queue").get_data(as_text=True)
    assert "Reached out by mia" in queue and "Wrote to them; they answered." in queue
    # An outcome note is required.
    client.post(f"/mod/posts/{post.id}/handled", data={"reason": " ", "next": "/mod/queue"})
    assert db.session.query(ModerationAction).filter_by(action=Action.HANDLED).count() == 0

    client.post(f"/mod/posts/{post.id}/handled",
                data={"reason": "Safe; seeing their GP tomorrow.", "next": "/mod/queue"})
    flag = db.session.query(Flag).filter_by(post_id=post.id).one()
    assert flag.resolved_at is not None and flag.resolution == "handled"
    assert f'id="q{post.id}"' not in client.get("/mod/queue").get_data(as_text=True)
    # Private: the moderators' log has the notes, the public log and the author do not.
    full = client.get("/mod/log").get_data(as_text=True)
    assert "Safe; seeing their GP tomorrow." in full and "reached out" in full
    public = app.test_client().get("/modlog").get_data(as_text=True)
    assert "GP tomorrow" not in public and "answered" not in public
    assert db.session.query(Notification).filter_by(user_id=bob.id).count() == 0
    # Handled twice: the second moderator is told.
    with pytest.raises(moderation.AlreadyHandled):
        moderation.record_outreach(mia, post, outcome="Again", handled=True)


def test_a_moderator_writes_privately_and_the_member_answers(app, login, alice, bob, mia, ada):
    _helplines(app)
    thread = make_thread(alice)
    post = make_post(bob, thread, body=CRISIS)
    # From the queue's link: the helplines template is filled in for an at-risk post.
    form = login(mia).get(f"/messages/new?member={bob.id}&post={post.id}").get_data(
        as_text=True)
    assert "Hello bob" in form and "Samaritans" in form and "Checking in with you" in form
    response = login(mia).post(f"/messages/new?member={bob.id}&post={post.id}", data={
        "subject": "Checking in with you", "body": "How are you doing tonight?"})
    assert response.status_code == 302
    conversation = db.session.query(Conversation).one()
    assert conversation.member_id == bob.id and conversation.post_id == post.id
    url = f"/messages/{conversation.id}"
    assert response.headers["Location"] == url

    # The member is notified, and can read and answer.
    note = db.session.query(Notification).filter_by(
        user_id=bob.id, kind=NotificationKind.MODERATOR_MESSAGE).one()
    assert note.details == "Checking in with you"
    notes = login(bob).get("/notifications").get_data(as_text=True)
    assert "The moderators wrote to you privately" in notes and 'href="/messages"' in notes
    assert "Checking in with you" in login(bob).get("/messages").get_data(as_text=True)
    page = login(bob).get(url).get_data(as_text=True)
    assert "How are you doing tonight?" in page and "The moderators" in page
    login(bob).post(url, data={"body": "A bit better, thank you."})
    # Any moderator (the team) reads and answers; every message is kept, in order.
    assert "A bit better, thank you." in login(ada).get(url).get_data(as_text=True)
    login(ada).post(url, data={"body": "Glad to hear it. We're here."})
    bodies = [m.body for m in db.session.query(Message).order_by(Message.id)]
    assert bodies == ["How are you doing tonight?", "A bit better, thank you.",
                      "Glad to hear it. We're here."]
    assert db.session.query(Notification).filter_by(
        user_id=bob.id, kind=NotificationKind.MODERATOR_MESSAGE).count() == 2
    # Logged privately.
    entry = db.session.query(ModerationAction).filter_by(action=Action.MESSAGE_MEMBER).one()
    assert entry.target_user_id == bob.id and not entry.is_public


def test_only_the_member_and_moderators_can_read_a_conversation(app, login, alice, bob, mia,
                                                                fred):
    conversation = messages.start_conversation(mia, bob, subject="A word", body="Hello")
    url = f"/messages/{conversation.id}"
    assert login(alice).get(url).status_code == 404
    assert login(alice).post(url, data={"body": "Let me in"}).status_code == 404
    assert login(alice).get("/messages/999999").status_code == 404
    assert app.test_client().get(url).status_code in (302, 401)
    assert "A word" not in login(alice).get("/messages").get_data(as_text=True)
    assert db.session.query(Message).count() == 1


def test_members_cannot_start_conversations(app, login, alice, bob, mia):
    # Not member-to-member messaging: pharmacy spam and grooming stay out.
    assert login(alice).get(f"/messages/new?member={bob.id}").status_code == 404
    assert login(alice).post(f"/messages/new?member={bob.id}",
                             data={"subject": "Pills", "body": "Cheap"}).status_code == 404
    with pytest.raises(PermissionDenied):
        messages.start_conversation(alice, bob, subject="Pills", body="Cheap")
    assert login(mia).get(f"/messages/new?member={mia.id}").status_code == 404
    assert login(mia).get("/messages/new?member=abc").status_code == 404
    assert db.session.query(Conversation).count() == 0


def test_starting_needs_a_subject_and_words_and_loses_nothing(app, login, bob, mia):
    response = login(mia).post(f"/messages/new?member={bob.id}",
                               data={"subject": "", "body": "My careful words"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Give the conversation a subject." in page
    assert "My careful words" in page
    assert db.session.query(Conversation).count() == 0


def test_conversations_start_from_a_post_and_the_member_page(app, login, alice, bob, mia):
    thread = make_thread(alice)
    post = make_post(bob, thread)
    page = login(mia).get(f"/t/{thread.id}").get_data(as_text=True)
    assert f"/messages/new?member={bob.id}&amp;post={post.id}" in page
    member = login(mia).get(f"/mod/users/{bob.id}").get_data(as_text=True)
    assert f'href="/messages/new?member={bob.id}"' in member
    # A post that is not at risk starts blank, with the template one click away.
    form = login(mia).get(f"/messages/new?member={bob.id}&post={post.id}").get_data(
        as_text=True)
    assert "Hello bob" not in form and "template=helplines" in form
    assert "Hello bob" in login(mia).get(
        f"/messages/new?member={bob.id}&template=helplines").get_data(as_text=True)
    # A post of someone else is ignored as the subject of a conversation with bob.
    other = db.session.query(Post).filter_by(thread_id=thread.id, position=1).one()
    login(mia).post(f"/messages/new?member={bob.id}&post={other.id}",
                    data={"subject": "Hi", "body": "Hello"})
    assert db.session.query(Conversation).one().post_id is None


def test_a_silenced_member_may_still_answer(app, login, mia):
    sam = make_user("sam", silenced=True)
    conversation = messages.start_conversation(mia, sam, subject="About your silence",
                                               body="We're here if you want to talk.")
    login(sam).post(f"/messages/{conversation.id}", data={"body": "Thank you."})
    assert db.session.query(Message).count() == 2
    assert re.search(r"Thank you\.", login(mia).get(
        f"/messages/{conversation.id}").get_data(as_text=True))
