"""Hearing about replies: watches, follows, mutes, mentions, quotes, "This helped", and the
rule that no notification reveals a post its receiver may not see."""
import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import Notification, NotificationKind, ThreadState, User, Watch
from forum.moderation import services as moderation
from forum.notifications import following, queries as reads, services as notes
from forum.notifications.email import save_settings
from forum.reactions import services as reactions
from forum.threads import services

from .factories import make_category, make_post, make_thread, make_user


def kinds(user):
    db.session.expire_all()
    return sorted((n.kind, n.post_id) for n in db.session.scalars(
        select(Notification).where(Notification.user_id == user.id)))


def unread_count(user):
    db.session.expire_all()
    return db.session.get(User, user.id).unread_notifications


def test_starting_a_thread_watches_it_and_replies_notify_the_watcher(app, alice, bob):
    thread = make_thread(alice)
    reply = make_post(bob, thread, body="Welcome!")
    assert kinds(alice) == [(NotificationKind.REPLY, reply.id)]
    assert kinds(bob) == []  # nobody is told of their own post
    # bob replied, so bob watches now: alice's answer reaches him
    answer = make_post(alice, thread, body="Thanks!")
    assert kinds(bob) == [(NotificationKind.REPLY, answer.id)]


def test_the_watch_on_post_setting_turns_it_off(app, alice, bob):
    save_settings(alice, watch_on_post=False)
    thread = make_thread(alice)
    make_post(bob, thread)
    assert kinds(alice) == []


def test_muting_a_thread_silences_its_replies_but_not_mentions(app, alice, bob):
    thread = make_thread(alice)
    following.set_watch(alice, thread, Watch.MUTED)
    make_post(bob, thread, body="A reply.")
    assert kinds(alice) == []
    mention = make_post(bob, thread, body="What do you think, @alice?")
    assert kinds(alice) == [(NotificationKind.MENTION, mention.id)]


def test_stop_watching_and_watching_again(app, alice, bob):
    thread = make_thread(alice)
    following.set_watch(alice, thread, None)
    make_post(bob, thread)
    assert kinds(alice) == []
    following.set_watch(alice, thread, Watch.WATCHING)
    reply = make_post(bob, thread, body="Again.")
    assert kinds(alice) == [(NotificationKind.REPLY, reply.id)]


def test_following_a_category_tells_of_new_threads_and_replies(app, alice, bob, tess):
    category = make_category()
    following.set_follow(tess, category, True)
    thread = make_thread(alice, category)
    reply = make_post(bob, thread)
    opening = thread.id and db.session.scalar(select(Notification.post_id).where(
        Notification.user_id == tess.id, Notification.kind == NotificationKind.NEW_THREAD))
    assert opening is not None
    assert (NotificationKind.REPLY, reply.id) in kinds(tess)
    following.set_follow(tess, category, False)
    make_thread(alice, category, title="Another thread here")
    assert len(kinds(tess)) == 2


def test_mentions_and_quotes_are_their_own_kinds(app, alice, bob, tess):
    thread = make_thread(alice)
    save_settings(alice, watch_on_post=False)
    following.set_watch(alice, thread, None)
    quoted = make_post(tess, thread, body="Titrate slowly.")
    post = make_post(bob, thread, body=f"[tess wrote](/p/{quoted.id}):\n> Titrate slowly.\n\n"
                                       "Agreed, and @alice @nobody-here @ALICE see this.")
    assert kinds(alice) == [(NotificationKind.MENTION, post.id)]  # once, though named twice
    assert (NotificationKind.QUOTE, post.id) in kinds(tess)
    assert (NotificationKind.REPLY, post.id) not in kinds(tess)  # told once per post


def test_a_held_reply_notifies_nobody_until_approved(app, alice, mia):
    thread = make_thread(alice)
    newcomer = make_user("newcomer", new=True)
    held = services.reply(newcomer, thread, body="Hello @alice, first post here.").post
    assert kinds(alice) == []
    moderation.approve_post(mia, held)
    assert (NotificationKind.MENTION, held.id) in kinds(alice)


def test_a_rejected_reply_never_notifies(app, alice, mia):
    thread = make_thread(alice)
    newcomer = make_user("newcomer", new=True)
    held = services.reply(newcomer, thread, body="Spam spam.").post
    moderation.reject_post(mia, held, reason="Spam.")
    assert kinds(alice) == []


@pytest.mark.parametrize("how", ["hidden", "deleted"])
def test_a_reply_hidden_after_it_notified_takes_its_notification_with_it(app, alice, bob, mia,
                                                                          how):
    thread = make_thread(alice)
    reply = make_post(bob, thread, body="Something regrettable, @alice.")
    assert unread_count(alice) == 1
    if how == "hidden":
        moderation.hide_post(mia, reply, reason="Harassment.")
    else:
        services.delete_post(bob, reply)
    assert kinds(alice) == []
    assert unread_count(alice) == 0


def test_a_hidden_thread_takes_its_replies_notifications_too(app, alice, bob, tess, mia):
    thread = make_thread(tess)
    make_post(alice, thread)
    reply = make_post(bob, thread)
    assert (NotificationKind.REPLY, reply.id) in kinds(alice)
    opening = db.session.scalar(select(ThreadState).where(ThreadState.thread_id == thread.id))
    assert opening is not None
    from forum.models import Post
    first = db.session.scalar(select(Post).where(Post.thread_id == thread.id, Post.position == 1))
    moderation.hide_post(mia, first, reason="Personal information.")
    assert kinds(alice) == []


def test_the_page_never_shows_a_post_its_receiver_may_no_longer_see(app, alice, bob, login):
    thread = make_thread(alice)
    reply = make_post(bob, thread, body="Visible for now.")
    reply.status = "hidden"  # as if hidden by a path that did not announce it
    db.session.commit()
    assert reads.list_notifications(alice) == []
    page = login(alice).get("/notifications").get_data(as_text=True)
    assert f"/p/{reply.id}" not in page


def test_replies_are_grouped_and_opening_marks_the_group_read(app, alice, bob, tess, login):
    thread = make_thread(alice, title="Grouped replies here")
    for body in ("One.", "Two.", "Three."):
        make_post(bob, thread, body=body)
    entries = reads.list_notifications(alice)
    assert len(entries) == 1 and entries[0].count == 3
    client = login(alice)
    page = client.get("/notifications").get_data(as_text=True)
    assert "3 new replies in" in page and "Grouped replies here" in page
    response = client.post(f"/notifications/{entries[0].first_unread_id}/open")
    assert response.status_code == 302 and "/p/" in response.headers["Location"]
    assert unread_count(alice) == 0


def test_someone_elses_notification_cannot_be_opened(app, alice, bob, login):
    thread = make_thread(alice)
    make_post(bob, thread)
    note_id = db.session.scalar(select(Notification.id).where(Notification.user_id == alice.id))
    assert login(bob).post(f"/notifications/{note_id}/open").status_code == 404


def test_mark_all_read_and_the_count_in_the_navigation(app, alice, bob, login):
    thread = make_thread(alice)
    make_post(bob, thread)
    client = login(alice)
    assert "1<span class=\"visually-hidden\"> unread" in client.get("/").get_data(as_text=True)
    client.post("/notifications/read")
    assert unread_count(alice) == 0


def test_helped_notifies_the_author_grouped_and_undo_takes_it_back(app, alice, bob, tess):
    thread = make_thread(alice)
    from forum.models import Post
    first = db.session.scalar(select(Post).where(Post.thread_id == thread.id))
    save_settings(alice, watch_on_post=False)
    reactions.mark_helped(bob, first)
    reactions.mark_helped(tess, first)
    entries = [e for e in reads.list_notifications(alice) if e.note.kind == NotificationKind.HELPED]
    assert len(entries) == 1 and entries[0].count == 2
    reactions.undo_helped(bob, first)
    assert kinds(alice) == [(NotificationKind.HELPED, first.id)]


def test_watch_buttons_on_the_thread_page(app, alice, bob, login):
    thread = make_thread(alice)
    client = login(bob)
    page = client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert ">Watch</button>" in page
    response = client.post(f"/t/{thread.id}/watch", data={"watch": "watching"})
    assert response.status_code == 302
    page = client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert ">Stop watching</button>" in page
    assert client.post(f"/t/{thread.id}/watch", data={"watch": "bogus"}).status_code == 400


def test_guests_get_no_watch_buttons_and_cannot_watch(app, alice, client):
    thread = make_thread(alice)
    assert ">Watch</button>" not in client.get(f"/t/{thread.id}").get_data(as_text=True)
    response = client.post(f"/t/{thread.id}/watch", data={"watch": "watching"})
    assert response.status_code in (302, 401)
    others = select(ThreadState).where(ThreadState.user_id != alice.id)
    assert db.session.scalars(others).all() == []


def test_watching_a_thread_one_may_not_see_is_a_404(app, alice, bob, mia, login):
    newcomer = make_user("newcomer", new=True)
    held = services.create_thread(newcomer, make_category(), title="Waiting thread",
                                  body="Held.").post
    assert login(bob).post(f"/t/{held.thread_id}/watch",
                           data={"watch": "watching"}).status_code == 404
