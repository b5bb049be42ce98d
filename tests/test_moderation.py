"""Held posts, the queue, flags, sanctions, thread tools, the logs and notifications."""
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from forum.errors import PermissionDenied, ValidationFailed
from forum.extensions import db
from forum.models import (Action, Category, Flag, ModerationAction, Notification, Post,
                          PostStatus, Role, Thread, User)
from forum.flags import services as flags
from forum.moderation import queries, sanctions, services
from forum.threads import services as thread_services

from .conftest import USING_POSTGRES
from .factories import PASSWORD, make_category, make_post, make_thread, make_user


def _log_rows(**filters):
    return db.session.query(ModerationAction).filter_by(**filters).all()


# --- holding posts for review ----------------------------------------------------------

def test_first_post_is_held_until_approved_end_to_end(app, login, mia, bob):
    category = make_category()
    newbie = make_user("newbie", new=True)
    response = login(newbie).post(f"/c/{category.slug}/new",
                                  data={"title": "Hello from a newcomer", "body": "Hi all"})
    thread_url = response.headers["Location"].split("#")[0]
    thread = db.session.query(Thread).one()
    post = db.session.query(Post).one()
    assert post.status == thread.status == PostStatus.PENDING

    # The author sees it in place, marked; nobody else sees it at all.
    own = login(newbie).get(thread_url).get_data(as_text=True)
    assert "Waiting for a moderator" in own and "Hi all" in own
    assert login(bob).get(thread_url).status_code == 404
    assert app.test_client().get(thread_url).status_code == 404
    assert "Hello from a newcomer" not in app.test_client().get(f"/c/{category.slug}").get_data(as_text=True)
    assert "Hello from a newcomer" not in app.test_client().get("/").get_data(as_text=True)
    assert db.session.get(Category, category.id).thread_count == 0

    # The queue shows it; the moderator approves it over HTTP.
    queue = login(mia).get("/mod/queue").get_data(as_text=True)
    assert "Hello from a newcomer" in queue and "Waiting for approval" in queue
    approved = login(mia).post(f"/mod/posts/{post.id}/approve", data={"next": "/mod/queue"})
    assert approved.status_code == 302 and approved.headers["Location"] == "/mod/queue"

    db.session.expire_all()
    assert post.status == thread.status == PostStatus.PUBLISHED
    assert thread.post_count == 1 and db.session.get(Category, category.id).thread_count == 1
    assert app.test_client().get(thread_url).status_code == 200
    assert newbie.approved_post_count == 1 and newbie.unread_notifications == 1
    assert "approved your post" in login(newbie).get("/notifications").get_data(as_text=True)
    # Once approved, the next post goes straight out.
    assert make_post(newbie, thread).status == PostStatus.PUBLISHED


def test_held_reply_counts_only_when_approved(app, alice, mia):
    thread = make_thread(alice)
    before = thread.last_post_at
    newbie = make_user("newbie", new=True)
    reply = make_post(newbie, thread)
    assert reply.status == PostStatus.PENDING and reply.position == 2
    db.session.expire_all()
    assert thread.post_count == 1 and thread.last_post_at == before
    services.approve_post(mia, reply)
    db.session.expire_all()
    assert thread.post_count == 2 and thread.last_post_at > before
    assert thread.last_poster_id == newbie.id


def test_link_from_an_account_under_a_day_old_is_held(app, alice):
    thread = make_thread(alice)
    young = make_user("young")
    from forum.models import utcnow
    young.created_at = utcnow()
    db.session.commit()
    assert make_post(young, thread, body="No link, fine").status == PostStatus.PUBLISHED
    assert make_post(young, thread, body="See https://example.com").status == PostStatus.PENDING
    assert make_post(young, thread, body="A quote of [alice](/p/1)").status == PostStatus.PUBLISHED


def test_category_requiring_approval_holds_everyone_but_moderators(app, alice, mia):
    category = make_category("clinicians", "For clinicians")
    category.requires_approval = True
    db.session.commit()
    thread = make_thread(mia, category)
    assert thread.status == PostStatus.PUBLISHED
    assert make_post(alice, thread).status == PostStatus.PENDING


def test_threshold_is_configurable(app_factory):
    app_factory(APPROVAL_THRESHOLD=2)
    alice = make_user("alice", new=True)
    mia = make_user("mia", role=Role.MODERATOR)
    thread = make_thread(mia)
    first, second = make_post(alice, thread), make_post(alice, thread)
    services.approve_post(mia, first)
    assert make_post(alice, thread).status == PostStatus.PENDING
    services.approve_post(mia, second)
    assert make_post(alice, thread).status == PostStatus.PUBLISHED


def test_reject_needs_a_reason_and_keeps_the_text_for_its_author(app, login, mia, bob):
    newbie = make_user("newbie", new=True)
    thread = make_thread(newbie, title="My held thread", body="My private words")
    post = db.session.query(Post).filter_by(thread_id=thread.id).one()
    with pytest.raises(ValidationFailed):
        services.reject_post(mia, post, reason="   ")
    services.reject_post(mia, post, reason="Please post this in Introductions.")
    assert post.status == PostStatus.REJECTED and thread.status == PostStatus.REJECTED
    own = login(newbie).get(f"/t/{thread.id}").get_data(as_text=True)
    assert "My private words" in own and "Not approved" in own
    assert login(bob).get(f"/t/{thread.id}").status_code == 404
    notes = login(newbie).get("/notifications").get_data(as_text=True)
    assert "Please post this in Introductions." in notes
    services.restore_post(mia, post, reason="Moved my judgement: fine here.")
    assert thread.status == PostStatus.PUBLISHED


def test_acting_twice_on_one_item_says_already_handled(app, login, mia, ada):
    newbie = make_user("newbie", new=True)
    thread = make_thread(newbie)
    post = db.session.query(Post).filter_by(thread_id=thread.id).one()
    login(mia).post(f"/mod/posts/{post.id}/approve")
    second = login(ada).post(f"/mod/posts/{post.id}/reject", data={"reason": "spam"},
                             follow_redirects=True)
    assert second.status_code == 200
    assert "already handled" in second.get_data(as_text=True)
    assert len(_log_rows(post_id=post.id)) == 1
    assert post.status == PostStatus.PUBLISHED


def test_two_moderators_approving_at_once_approve_once(app_factory, tmp_path):
    overrides = {} if USING_POSTGRES else {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'forum.db'}"}
    app = app_factory(**overrides)
    mods = [make_user(f"mod{n}", role=Role.MODERATOR) for n in range(2)]
    newbie = make_user("newbie", new=True)
    thread = make_thread(mods[0])
    pending = [make_post(newbie, thread, body=f"held {n}") for n in range(5)]
    ids = [p.id for p in pending]
    clients = [app.test_client(user=m) for m in mods]
    db.session.commit()

    def approve_all(client):
        return [client.post(f"/mod/posts/{post_id}/approve", follow_redirects=True)
                .get_data(as_text=True) for post_id in ids]

    with ThreadPoolExecutor(max_workers=2) as pool:
        pages = [page for result in pool.map(approve_all, clients) for page in result]
    assert all("went wrong" not in page for page in pages)
    db.session.expire_all()
    for post_id in ids:
        assert db.session.get(Post, post_id).status == PostStatus.PUBLISHED
        assert len(_log_rows(post_id=post_id, action=Action.APPROVE)) == 1
    assert db.session.get(Thread, thread.id).post_count == 1 + len(ids)
    assert sum("already handled" in page for page in pages) == len(ids)


# --- flags ------------------------------------------------------------------------------

def test_flag_once_with_a_reason(app, login, alice, bob):
    thread = make_thread(alice)
    post = db.session.query(Post).filter_by(thread_id=thread.id).one()
    form = login(bob).get(f"/p/{post.id}/flag").get_data(as_text=True)
    assert "Someone may be at risk" in form and "Harmful or dangerous advice" in form
    response = login(bob).post(f"/p/{post.id}/flag", data={"reason": "harmful", "note": ""})
    assert response.status_code == 302
    again = login(bob).post(f"/p/{post.id}/flag", data={"reason": "spam"})
    assert again.status_code == 422 and "already flagged" in again.get_data(as_text=True)
    assert db.session.query(Flag).count() == 1
    other = login(bob).post(f"/p/{post.id}/flag", data={"reason": "other", "note": ""})
    assert other.status_code == 422


@pytest.mark.parametrize("who, allowed", [("author", False), ("bob", True), ("silenced", False),
                                          ("mia", True)])
def test_who_may_flag(app, alice, who, allowed):
    thread = make_thread(alice)
    post = db.session.query(Post).filter_by(thread_id=thread.id).one()
    user = {"author": alice, "bob": make_user("bob"),
            "silenced": make_user("sam", silenced=True),
            "mia": make_user("mia", role=Role.MODERATOR)}[who]
    if allowed:
        flags.flag_post(user, post, reason="spam")
    else:
        with pytest.raises(PermissionDenied):
            flags.flag_post(user, post, reason="spam")


def test_members_see_their_flags_in_settings(app, login, alice, bob):
    thread = make_thread(alice)
    post = db.session.query(Post).filter_by(thread_id=thread.id).one()
    flags.flag_post(bob, post, reason="misinformation", note="The trial says otherwise")
    page = login(bob).get("/settings").get_data(as_text=True)
    assert "Misinformation" in page and "waiting for a moderator" in page


def test_flagging_is_rate_limited(app, login, alice, bob):
    thread = make_thread(alice, replies=11)
    posts = db.session.query(Post).filter_by(thread_id=thread.id).order_by(Post.id).all()
    client = login(bob)
    statuses = [client.post(f"/p/{p.id}/flag", data={"reason": "spam"}).status_code
                for p in posts]
    assert statuses[:10] == [302] * 10 and statuses[10] == 429


def test_auto_hide_at_three_flags_from_different_members(app, login, alice):
    thread = make_thread(alice, replies=1)
    post = db.session.query(Post).filter_by(thread_id=thread.id, position=2).one()
    flaggers = [make_user(f"flagger{n}") for n in range(3)]
    flags.flag_post(flaggers[0], post, reason="harmful")
    flags.flag_post(flaggers[1], post, reason="harmful")
    assert post.status == PostStatus.PUBLISHED
    flags.flag_post(flaggers[2], post, reason="spam")
    assert post.status == PostStatus.HIDDEN
    [entry] = _log_rows(post_id=post.id, action=Action.HIDE)
    assert entry.actor_id is None and "3 members" in entry.reason
    assert db.session.query(Notification).filter_by(user_id=alice.id, kind="post_hidden").count() == 1
    assert db.session.get(Thread, thread.id).post_count == 1
    # Still in the queue, for a moderator to decide.
    assert [item.post.id for item in queries.list_queue()] == [post.id]
    # Dismissing the flags restores a post the system hid.
    services.dismiss_flags(make_user("mia", role=Role.MODERATOR), post)
    assert post.status == PostStatus.PUBLISHED and queries.list_queue() == []


def test_queue_order_at_risk_then_most_flags_then_oldest(app, alice, mia):
    thread = make_thread(alice, replies=3)
    posts = db.session.query(Post).filter_by(thread_id=thread.id).order_by(Post.position).all()
    members = [make_user(f"member{n}") for n in range(2)]
    newbie = make_user("newbie", new=True)
    held = make_post(newbie, thread)                                   # no flags, older
    held_later = make_post(newbie, thread)                             # no flags, newer
    flags.flag_post(members[0], posts[1], reason="spam")            # one flag
    flags.flag_post(members[0], posts[2], reason="spam")            # two flags
    flags.flag_post(members[1], posts[2], reason="harmful")
    flags.flag_post(members[1], posts[3], reason="at_risk")         # at risk, one flag
    order = [item.post.id for item in queries.list_queue()]
    assert order == [posts[3].id, posts[2].id, posts[1].id, held.id, held_later.id]
    assert queries.count_waiting() == 5


def test_queue_page_shows_history_and_flags(app, login, alice, mia):
    thread = make_thread(alice, replies=1)
    post = db.session.query(Post).filter_by(thread_id=thread.id, position=2).one()
    flags.flag_post(make_user("bob"), post, reason="at_risk", note="They sound desperate")
    page = login(mia).get("/mod/queue").get_data(as_text=True)
    assert "Someone may be at risk" in page and "They sound desperate" in page
    assert "published post" in page and "joined" in page
    assert "Queue <span class=\"count-badge\">1" in login(mia).get("/").get_data(as_text=True)


# --- sanctions ---------------------------------------------------------------------------

def test_silenced_member_cannot_post_or_flag_but_can_read(app, login, alice, mia):
    bob = make_user("bob")
    thread = make_thread(alice)
    sanctions.silence_user(mia, bob, days=2, reason="Let things cool down")
    client = login(bob)
    assert client.get(f"/t/{thread.id}").status_code == 200
    assert client.post(f"/t/{thread.id}/reply", data={"body": "hi"}).status_code == 403
    page = client.get("/settings").get_data(as_text=True)
    assert "Let things cool down" in page and "silenced" in page


def test_suspension_ends_the_session_and_login(app, mia):
    fred = make_user("fred")
    client = app.test_client()
    assert client.post("/login", data={"username": "fred", "password": PASSWORD}).status_code == 302
    assert client.get("/settings").status_code == 200
    sanctions.suspend_user(mia, fred, indefinitely=True, reason="Repeated harassment")
    assert client.get("/settings").status_code == 302
    page = client.post("/login", data={"username": "fred", "password": PASSWORD})
    assert page.status_code == 200 and "suspended" in page.get_data(as_text=True)


def test_lift_sanction_over_http(app, login, mia):
    fred = make_user("fred")
    sanctions.suspend_user(mia, fred, days=7, reason="Spam")
    response = login(mia).post(f"/mod/users/{fred.id}/lift", data={"reason": "Appeal accepted"})
    assert response.status_code == 302
    db.session.expire_all()
    assert not fred.is_suspended
    assert [e.action for e in _log_rows(target_user_id=fred.id)] == ["suspend", "lift"]


def test_suspend_over_http_needs_days_or_indefinitely(app, login, mia):
    fred = make_user("fred")
    page = login(mia).post(f"/mod/users/{fred.id}/suspend", data={"reason": "Spam"},
                           follow_redirects=True).get_data(as_text=True)
    assert "number of days" in page and not db.session.get(User, fred.id).is_suspended
    login(mia).post(f"/mod/users/{fred.id}/suspend", data={"reason": "Spam", "indefinitely": "y"})
    db.session.expire_all()
    assert fred.suspended_until.year == 9999


def test_admin_changes_roles_over_http_and_cli(app, login, ada, mia, alice):
    assert login(mia).post(f"/mod/users/{alice.id}/role",
                           data={"role": "moderator", "reason": "x"}).status_code == 403
    login(ada).post(f"/mod/users/{alice.id}/role", data={"role": "moderator",
                                                         "reason": "Trusted member"})
    db.session.expire_all()
    assert alice.role == "moderator"
    result = app.test_cli_runner().invoke(args=["user", "role", "alice", "member"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert alice.role == "member"
    rows = _log_rows(target_user_id=alice.id, action=Action.CHANGE_ROLE)
    assert [(r.actor_id, r.details) for r in rows] == [(ada.id, "member → moderator"),
                                                       (None, "moderator → member")]


# --- thread tools ---------------------------------------------------------------------

def test_thread_tools(app, login, alice, mia):
    source, target = make_category("a-cat", "A"), make_category("b-cat", "B")
    thread = make_thread(alice, source)
    client = login(mia)
    client.post(f"/mod/threads/{thread.id}/lock", data={"reason": "Resolved"})
    assert thread_services.can_reply(alice, db.session.get(Thread, thread.id)) is False
    client.post(f"/mod/threads/{thread.id}/pin", data={"reason": "Useful", "scope": "site"})
    assert "Pinned by the moderators" in app.test_client().get("/").get_data(as_text=True)
    client.post(f"/mod/threads/{thread.id}/move", data={"reason": "Fits", "category": target.id})
    client.post(f"/mod/threads/{thread.id}/rename", data={"reason": "Clearer",
                                                          "title": "A clearer title"})
    db.session.expire_all()
    assert thread.is_locked and thread.pinned_globally and thread.category_id == target.id
    assert thread.title == "A clearer title"
    assert (source.thread_count, target.thread_count) == (0, 1)
    assert [e.action for e in _log_rows(thread_id=thread.id)] == ["lock", "pin", "move", "rename"]
    missing_reason = client.post(f"/mod/threads/{thread.id}/unlock", data={"reason": ""},
                                 follow_redirects=True)
    assert "Give a reason" in missing_reason.get_data(as_text=True)


def test_moderator_edit_keeps_revision_and_tells_the_author(app, login, alice, mia):
    thread = make_thread(alice, body="Call me on 07700 900123")
    post = db.session.query(Post).filter_by(thread_id=thread.id).one()
    response = login(mia).post(f"/mod/posts/{post.id}/edit",
                               data={"body": "[phone number removed]",
                                     "reason": "No phone numbers, for your safety"})
    assert response.status_code == 302
    db.session.expire_all()
    assert post.body == "[phone number removed]" and post.is_edited
    assert "No phone numbers" in login(alice).get("/notifications").get_data(as_text=True)


# --- the log -------------------------------------------------------------------------

def test_every_action_writes_exactly_one_log_row(app, alice, mia, ada):
    thread = make_thread(alice, replies=1)
    reply = db.session.query(Post).filter_by(thread_id=thread.id, position=2).one()
    newbie = make_user("newbie", new=True)
    held = [make_post(newbie, thread) for _ in range(2)]
    other = make_category("other", "Other")
    fred = make_user("fred")
    steps = [
        (Action.APPROVE, lambda: services.approve_post(mia, held[0])),
        (Action.REJECT, lambda: services.reject_post(mia, held[1], reason="r")),
        (Action.HIDE, lambda: services.hide_post(mia, reply, reason="r")),
        (Action.RESTORE, lambda: services.restore_post(mia, reply, reason="r")),
        (Action.EDIT_POST, lambda: services.moderator_edit_post(mia, reply, body="b", reason="r")),
        (Action.SILENCE, lambda: sanctions.silence_user(mia, fred, days=1, reason="r")),
        (Action.SUSPEND, lambda: sanctions.suspend_user(mia, fred, days=1, reason="r")),
        (Action.LIFT, lambda: sanctions.lift_sanction(mia, fred, reason="r")),
        (Action.LOCK, lambda: sanctions.lock_thread(mia, thread, reason="r")),
        (Action.UNLOCK, lambda: sanctions.unlock_thread(mia, thread, reason="r")),
        (Action.PIN, lambda: sanctions.pin_thread(mia, thread, globally=False, reason="r")),
        (Action.UNPIN, lambda: sanctions.unpin_thread(mia, thread, reason="r")),
        (Action.MOVE, lambda: sanctions.move_thread(mia, thread, other, reason="r")),
        (Action.RENAME, lambda: sanctions.rename_thread(mia, thread, title="Renamed!", reason="r")),
        (Action.CHANGE_ROLE, lambda: sanctions.change_role(ada, fred, "moderator", reason="r")),
    ]
    first = db.session.query(Post).filter_by(thread_id=thread.id, position=1).one()
    extra = make_post(alice, thread)
    # After the moderator's edit (and rename) above, alice's next change waits for review.
    steps += [
        (Action.APPROVE_EDIT, lambda: services.approve_edit(
            mia, thread_services.edit_post(alice, reply, body="My words again").proposal)),
        (Action.REJECT_EDIT, lambda: services.reject_edit(
            mia, thread_services.edit_post(alice, first, body=first.body,
                                           title="The old title back").proposal, reason="r")),
        (Action.CLOSE_FLAGS, lambda: (flags.flag_post(ada, extra, reason="spam"),
                                      thread_services.delete_post(alice, extra))),
    ]
    bob = make_user("bob")
    steps.append((Action.DISMISS_FLAGS, lambda: (flags.flag_post(bob, reply, reason="spam"),
                                                 services.dismiss_flags(mia, reply))))
    from forum.moderation import verification
    from forum.resources import services as resources
    made = {}
    entry = dict(section="research", title="A paper", evidence_type="rct")

    def add_two():  # two, so that one can be moved below the other
        made["first"] = resources.add_resource(mia, **entry)
        resources.add_resource(ada, **entry)

    steps += [
        (Action.ADD_RESOURCE, add_two),
        (Action.EDIT_RESOURCE, lambda: resources.edit_resource(mia, made["first"], **entry)),
        (Action.REORDER_RESOURCE, lambda: resources.move_resource(mia, made["first"],
                                                                  direction="down")),
        (Action.PIN_RESOURCE, lambda: resources.set_pinned(mia, made["first"], True)),
        (Action.UNPIN_RESOURCE, lambda: resources.set_pinned(mia, made["first"], False)),
        (Action.REMOVE_RESOURCE, lambda: resources.remove_resource(mia, made["first"],
                                                                   reason="Superseded")),
        (Action.APPLY_VERIFICATION, lambda: made.update(application=verification.apply_for_verification(
            bob, profession="therapist", register_url="https://register.example/123"))),
        (Action.VERIFY, lambda: verification.approve_application(mia, made["application"])),
        (Action.REVOKE_VERIFICATION, lambda: verification.revoke_verification(mia, bob,
                                                                             reason="Lapsed")),
        (Action.DECLINE_VERIFICATION, lambda: verification.decline_application(
            mia, verification.apply_for_verification(
                bob, profession="nurse", register_url="https://register.example/9"),
            reason="Could not find you")),
    ]
    at_risk = make_post(bob, make_thread(bob, title="A hard night"), body="I can't go on")
    flags.flag_post(alice, at_risk, reason="at_risk")
    from forum.messages import services as messages
    steps += [
        (Action.REACHED_OUT, lambda: services.record_outreach(
            mia, at_risk, outcome="Wrote to them; they answered.", handled=False)),
        (Action.HANDLED, lambda: services.record_outreach(
            mia, at_risk, outcome="Safe, talking to their GP.", handled=True)),
        (Action.MESSAGE_MEMBER, lambda: messages.start_conversation(
            mia, bob, subject="Checking in", body="How are you?", post=at_risk)),
    ]
    from forum.accounts import erasure  # issue #11
    leaving = make_user("leaving")
    steps.append((Action.ERASE_ACCOUNT, lambda: erasure.erase_on_request(
        mia, leaving, remove_posts=False, reason="Asked by e-mail.")))
    assert {action for action, _ in steps} == set(Action)
    for action, step in steps:
        before = db.session.query(ModerationAction).count()
        step()
        rows = db.session.query(ModerationAction).order_by(ModerationAction.id).all()
        # Adding happens twice in its step (to have something to reorder); applying
        # for a badge before a decline adds its own row.
        expected = {Action.ADD_RESOURCE: 2, Action.DECLINE_VERIFICATION: 2}.get(action, 1)
        assert len(rows) == before + expected, action
        assert rows[-1].action == action and rows[-1].reason


def test_no_code_path_updates_or_deletes_log_rows():
    source = "\n".join(p.read_text() for p in Path("forum").rglob("*.py"))
    assert not re.search(r"(update|delete)\(\s*ModerationAction", source)
    assert "session.delete(entry" not in source


def test_public_log_never_shows_private_details(app, login, alice, mia):
    thread = make_thread(alice, replies=2)
    posts = db.session.query(Post).filter_by(thread_id=thread.id).order_by(Post.position).all()
    posts[1].body = posts[1].body_html = "SECRET-HIDDEN-TEXT"
    db.session.commit()
    bob = make_user("bob")
    flags.flag_post(bob, posts[2], reason="at_risk", note="SECRET-FLAG-NOTE")
    services.hide_post(mia, posts[1], reason="Dosing instructions")
    services.dismiss_flags(mia, posts[2], reason="SECRET-DISMISS-REASON")
    newbie = make_user("newbie", new=True)
    held = make_post(newbie, thread, body="SECRET-REJECTED-TEXT")
    services.reject_post(mia, held, reason="Duplicate")
    approved = make_post(make_user("newer", new=True), thread, body="hello")
    services.approve_post(mia, approved)

    page = app.test_client().get("/modlog").get_data(as_text=True)
    for secret in ("SECRET-HIDDEN-TEXT", "SECRET-FLAG-NOTE", "SECRET-DISMISS-REASON",
                   "SECRET-REJECTED-TEXT", "at risk", "at_risk", "dismissed", "approved a post"):
        assert secret not in page
    assert "Dosing instructions" in page and "Duplicate" in page
    assert "a post no longer visible" in page
    assert f'href="/p/{posts[1].id}"' not in page
    # Moderators' own log shows everything, filterable.
    full = login(mia).get("/mod/log").get_data(as_text=True)
    assert "SECRET-DISMISS-REASON" in full and "approved a post" in full
    only_rejects = login(mia).get("/mod/log?action=reject").get_data(as_text=True)
    assert "Duplicate" in only_rejects and "Dosing instructions" not in only_rejects
    by_member = login(mia).get(f"/mod/log?member={newbie.id}").get_data(as_text=True)
    assert "Duplicate" in by_member and "Dosing instructions" not in by_member
    by_mod = login(mia).get(f"/mod/log?moderator={alice.id}").get_data(as_text=True)
    assert "Duplicate" not in by_mod


# --- notifications ---------------------------------------------------------------------

def test_notifications_unread_count_and_mark_read(app, login, alice, mia):
    thread = make_thread(alice, replies=1)
    reply = db.session.query(Post).filter_by(thread_id=thread.id, position=2).one()
    services.hide_post(mia, reply, reason="Off topic")
    services.restore_post(mia, reply, reason="On reflection, fine")
    client = login(alice)
    assert 'Notifications <span class="count-badge">2' in client.get("/").get_data(as_text=True)
    page = client.get("/notifications").get_data(as_text=True)
    assert "Your post was hidden." in page and "On reflection, fine" in page
    client.post("/notifications/read")
    db.session.expire_all()
    assert alice.unread_notifications == 0
    assert "count-badge" not in client.get("/").get_data(as_text=True)


def test_hidden_post_is_seen_by_author_and_moderators_only(app, login, alice, bob, mia):
    thread = make_thread(alice, replies=1)
    reply = db.session.query(Post).filter_by(thread_id=thread.id, position=2).one()
    reply.body_html = "<p>the hidden words</p>"
    db.session.commit()
    services.hide_post(mia, reply, reason="r")
    assert "the hidden words" in login(alice).get(f"/t/{thread.id}").get_data(as_text=True)
    assert "the hidden words" in login(mia).get(f"/t/{thread.id}").get_data(as_text=True)
    assert "the hidden words" not in login(bob).get(f"/t/{thread.id}").get_data(as_text=True)
    assert login(bob).get(f"/p/{reply.id}").status_code == 404


def test_a_quoted_link_does_not_hold_a_young_accounts_reply(app, alice):
    from forum.models import utcnow
    thread = make_thread(alice, body="See https://example.org/study")
    young = make_user("young")
    young.created_at = utcnow()
    db.session.commit()
    quoted = "[alice wrote](/p/1):\n> See https://example.org/study\n\nThanks, reading it now."
    assert make_post(young, thread, body=quoted).status == PostStatus.PUBLISHED
    own = quoted + "\nAlso www.example.com"
    assert make_post(young, thread, body=own).status == PostStatus.PENDING
