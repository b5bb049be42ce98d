"""Erasure: afterwards nothing of the member's address, bio or removed words is left in
any column of any table of the live database (the search index's own tables included)."""
import pytest
from sqlalchemy import inspect, select, text

from forum.accounts import erasure
from forum.accounts.services import update_profile
from forum.extensions import db
from forum.flags import services as flags
from forum.mail.outbox import enqueue
from forum.messages import services as messages
from forum.models import (Action, Flag, ModerationAction, Notification, OutboxMessage, Post,
                          PostStatus, Revision, Thread, User)
from forum.moderation import services as moderation
from forum.moderation import verification
from forum.moderation.sanctions import silence_user
from forum.posts import lifecycle
from forum.threads import queries, services

from .factories import PASSWORD, make_category, make_user

EMAIL = "alice.secret@example.org"
BIO = "Mother of two, I live near Quixotebrook."
# Distinctive words, so that the FTS5 segments (which store words, prefix-compressed) can
# be searched for them too.
TITLE = "Drinking alone zebraquillfish"
OPENING = "I drink every night since the divorce xylophonemoth and hide the bottles."
REPLY = "Day three at 30 mg, the cravings are quietening marzipanowlet."
HELD = "A pending confession about the wedding juniperglimmer."
HIDDEN = "Something a moderator hid lanternwhelk for its own good."
EDITED_BEFORE = "First version of my reply before edits cobaltfernicle."
BOB_OWN_WORDS = "Thank you for telling us; you are not alone, truly."


def _words(texts):
    return [word for t in texts for word in t.split() if len(word) > 10 and word.isalpha()]


def scan_database(needles: list[str]) -> list[str]:
    """Every column of every table of the live database (inspector: tables other areas
    add, and the search index's shadow tables, too), as text and as bytes."""
    found = []
    db.session.commit()
    engine = db.session.get_bind()
    inspector = inspect(db.session.connection())
    lowered = [needle.lower() for needle in needles]
    # FTS5 keeps words prefix-compressed: a word's tail is what its bytes surely contain.
    tails = [needle.lower()[-8:].encode() for needle in needles if " " not in needle]
    connection = db.session.connection()
    if True:
        for table in inspector.get_table_names():
            for column in inspector.get_columns(table):
                name = column["name"]
                if engine.dialect.name == "postgresql":
                    query = text(f'SELECT CAST("{name}" AS TEXT) FROM "{table}"')
                else:
                    query = text(f'SELECT "{name}" FROM "{table}"')
                for (value,) in connection.execute(query):
                    if value is None:
                        continue
                    if isinstance(value, (bytes, memoryview)):
                        raw = bytes(value).lower()
                        hits = [n for n, tail in zip(needles, tails) if tail in raw]
                        hits += [n for n in needles if n.lower().encode() in raw]
                    else:
                        value = str(value).lower()
                        hits = [n for n, low in zip(needles, lowered) if low in value]
                        if engine.dialect.name == "postgresql" and value.startswith("\\x"):
                            hits += [n for n in needles if n.lower().encode().hex() in value]
                    found += [f"{table}.{name}: {hit!r}" for hit in hits]
    return sorted(set(found))


@pytest.fixture
def departing(app, bob, mia):
    """Alice, with one of everything, quoted by Bob."""
    alice = make_user("alice", email=EMAIL)
    update_profile(alice, bio=BIO, hide_activity=False)
    category = make_category()
    opening = services.create_thread(alice, category, title=TITLE, body=OPENING).post
    thread = opening.thread
    reply = services.reply(alice, thread, body=EDITED_BEFORE).post
    services.edit_post(alice, reply, body=REPLY)
    held_category = make_category("held", "Held")
    held_category.requires_approval = True
    db.session.commit()
    held_thread = services.create_thread(alice, held_category, title="Held for review",
                                         body=HELD)
    hidden = services.reply(alice, thread, body=HIDDEN).post
    moderation.hide_post(mia, hidden, reason="Too much personal detail.")
    quote = queries.quote_text(db.session.get(Post, reply.id))
    bobs = services.reply(bob, thread, body=f"{quote}{BOB_OWN_WORDS}").post
    flags.flag_post(alice, bobs, reason="other", note="I think he means well.")
    silence_user(mia, alice, days=1, reason="Cooling off after an argument.")
    messages.start_conversation(mia, alice, subject="Checking in",
                                body="How are you doing this week?")
    enqueue("bob@example.org", "Someone quoted one of your posts",
            f"They wrote: {REPLY}", kind="notification", user_id=bob.id)
    enqueue(EMAIL, "Reset your password", "a link", kind="reset", user_id=alice.id)
    db.session.commit()
    alice.silenced_until = None
    db.session.commit()
    assert held_thread.post.status == PostStatus.PENDING
    return {"alice": alice, "thread_id": thread.id, "reply_id": reply.id,
            "bob_post_id": bobs.id}


def removed_texts():
    return [EMAIL, BIO, "Quixotebrook", TITLE, OPENING, REPLY, HELD, HIDDEN, EDITED_BEFORE,
            *_words([TITLE, OPENING, REPLY, HELD, HIDDEN, EDITED_BEFORE])]


def test_the_scan_really_finds_things(app, departing):
    found = scan_database(removed_texts())
    tables = {hit.split(".")[0] for hit in found}
    assert {"users", "posts", "revisions", "outbox_messages", "threads"} <= tables
    assert any(t.startswith("search") for t in tables), found  # the index holds them


def test_erasing_with_removal_leaves_nothing_of_them_anywhere(app, departing, login):
    alice = departing["alice"]
    other_session = login(alice)
    assert other_session.get("/settings").status_code == 200
    client = login(alice)
    response = client.post("/settings/delete", data={"password": PASSWORD, "posts": "remove"})
    assert response.status_code == 302
    assert scan_database(removed_texts()) == []
    # Every session ended.
    assert other_session.get("/settings").status_code == 302
    assert client.get("/settings").status_code == 302
    # The name stays reserved, and nobody can log in as it.
    db.session.expire_all()
    erased = db.session.get(User, alice.id)
    assert erased.is_erased and erased.username == erasure.FORMER_MEMBER
    with pytest.raises(Exception):
        make_user("alice")
    assert app.test_client().post("/login", data={"username": "alice",
                                                  "password": PASSWORD}).status_code == 200
    # Bob's own words stay; the quoted passage is replaced.
    bobs = db.session.get(Post, departing["bob_post_id"])
    assert BOB_OWN_WORDS in bobs.body and "quote removed at the author's request" in bobs.body
    assert BOB_OWN_WORDS in bobs.body_html
    # Each removed post is a placeholder.
    page = app.test_client().get(f"/t/{departing['thread_id']}").get_data(as_text=True)
    assert "removed at the author's request" in page
    assert BOB_OWN_WORDS in page
    # Flags they made stay, unlinked; the log keeps its rows, naming "a former member".
    assert db.session.scalar(select(Flag).where(Flag.note == "I think he means well.")) \
        .flagger_id is None
    silence = db.session.scalar(select(ModerationAction).where(
        ModerationAction.action == Action.SILENCE))
    assert silence.target_user.username == erasure.FORMER_MEMBER
    public_log = app.test_client().get("/modlog").get_data(as_text=True)
    assert "alice" not in public_log.lower() and erasure.FORMER_MEMBER in public_log
    # Their notifications and conversations are gone; search finds nothing.
    assert db.session.scalar(select(Notification).where(Notification.user_id == alice.id)) is None
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.user_id == alice.id)) is None
    counters = db.session.get(Thread, departing["thread_id"])
    visible = db.session.scalar(select(db.func.count()).select_from(Post).where(
        Post.thread_id == counters.id, Post.status == PostStatus.PUBLISHED))
    assert counters.post_count == visible


def test_keeping_the_posts_attributes_them_to_a_former_member(app, departing, login):
    alice = departing["alice"]
    response = login(alice).post("/settings/delete", data={"password": PASSWORD,
                                                           "posts": "keep"})
    assert response.status_code == 302
    leftover = scan_database([EMAIL, BIO, "Quixotebrook"])
    assert leftover == []
    reply = db.session.get(Post, departing["reply_id"])
    assert reply.author_id is None and reply.body == REPLY
    assert db.session.scalar(select(Post.id).where(Post.author_id == alice.id)) is None
    assert db.session.scalar(select(Revision.id).where(Revision.editor_id == alice.id)) is None
    page = app.test_client().get(f"/t/{departing['thread_id']}").get_data(as_text=True)
    assert "a former member" in page and 'href="/u/alice"' not in page
    # Bob's quote of her stays, but no longer names her.
    bobs = db.session.get(Post, departing["bob_post_id"])
    assert f"[a former member wrote](/p/{departing['reply_id']}):" in bobs.body
    assert "alice wrote" not in bobs.body and "alice wrote" not in bobs.body_html
    assert BOB_OWN_WORDS in bobs.body and REPLY.splitlines()[0] in bobs.body


def test_erasure_needs_the_password_and_the_second_factor(app, departing, login):
    import pyotp

    from forum.auth import twofactor
    alice = departing["alice"]
    twofactor.begin_setup(alice)
    twofactor.confirm_setup(alice, pyotp.TOTP(alice.totp_secret).now())
    client = login(alice)
    wrong = client.post("/settings/delete", data={"password": "wrong password",
                                                  "posts": "remove"})
    assert wrong.status_code == 422
    no_code = client.post("/settings/delete", data={"password": PASSWORD, "posts": "remove"})
    assert no_code.status_code == 422
    no_choice = client.post("/settings/delete", data={"password": PASSWORD})
    assert no_choice.status_code == 422
    db.session.expire_all()
    assert not db.session.get(User, alice.id).is_erased
    code = pyotp.TOTP(alice.totp_secret).at(__import__("time").time() + 30)
    done = client.post("/settings/delete", data={"password": PASSWORD, "posts": "remove",
                                                 "code": code})
    assert done.status_code == 302
    db.session.expire_all()
    erased = db.session.get(User, alice.id)
    assert erased.is_erased and erased.totp_secret is None


def test_a_moderator_erases_on_request_and_it_is_logged(app, departing, mia, bob, login):
    alice = departing["alice"]
    assert login(bob).get(f"/mod/users/{alice.id}/erase").status_code == 404
    client = login(mia)
    assert client.get(f"/mod/users/{alice.id}/erase").status_code == 200
    refused = client.post(f"/mod/users/{alice.id}/erase", data={"posts": "remove"})
    assert refused.status_code == 422
    client.post(f"/mod/users/{alice.id}/erase",
                data={"posts": "remove", "reason": "She wrote to us from her address."})
    assert scan_database(removed_texts()) == []
    entry = db.session.scalar(select(ModerationAction).where(
        ModerationAction.action == Action.ERASE_ACCOUNT))
    assert entry.actor_id == mia.id and entry.target_user_id == alice.id
    assert "She wrote to us" in entry.reason


def test_admins_erase_from_the_command_line(app, departing):
    result = app.test_cli_runner().invoke(args=["user", "erase", "alice", "--posts", "remove",
                                                "--yes"])
    assert result.exit_code == 0, result.output
    assert scan_database(removed_texts()) == []
    again = app.test_cli_runner().invoke(args=["user", "erase", "alice", "--posts", "keep",
                                               "--yes"])
    assert again.exit_code == 1


def test_lifecycle_erase_text_announces_stopped_being_visible(app, alice):
    from forum import events
    heard = []

    def listen(announcement):
        heard.append((announcement.event, announcement.post.id))

    events.subscribe(events.PostEvent.STOPPED_BEING_VISIBLE, listen)
    try:
        post = services.create_thread(alice, make_category(), title="A title here",
                                      body="Some words.").post
        lifecycle.erase_text(post, actor_id=alice.id)
        db.session.commit()
    finally:
        events.unsubscribe(events.PostEvent.STOPPED_BEING_VISIBLE, listen)
    assert heard == [(events.PostEvent.STOPPED_BEING_VISIBLE, post.id)]
    assert post.status == PostStatus.DELETED and post.body == "" and post.text_removed_at
