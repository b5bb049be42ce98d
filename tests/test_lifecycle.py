"""The post lifecycle: one owner of status, counters and text, and what it announces."""
import ast
import re
from pathlib import Path

import pytest

from forum import events
from forum.errors import PermissionDenied, ValidationFailed
from forum.events import PostEvent
from forum.extensions import db
from forum.flags import services as flags
from forum.models import (Action, Category, EditStatus, Flag, ModerationAction, Post,
                          PostStatus, ProposedEdit, Thread, User)
from forum.moderation import queries as moderation_queries
from forum.moderation import sanctions, services as moderation
from forum.posts.lifecycle import AlreadyHandled
from forum.threads import services

from .factories import make_category, make_post, make_thread, make_user

FORUM = Path(__file__).resolve().parent.parent / "forum"


@pytest.fixture
def heard(app):
    """Every announcement made during the test, as (event, post id, cause)."""
    log = []

    def listener(announcement):
        log.append((announcement.event, announcement.post.id, announcement.cause))

    for event in PostEvent:
        events.subscribe(event, listener)
    yield log
    for event in PostEvent:
        events.unsubscribe(event, listener)


def _counts(thread_id):
    db.session.expire_all()
    thread = db.session.get(Thread, thread_id)
    return thread.post_count, thread.category.thread_count, thread.status


# --- announcements -------------------------------------------------------------------

def test_every_change_is_announced_once_with_its_cause(app, heard, alice, bob, mia):
    thread = make_thread(alice)
    opening = thread_opening(thread)
    reply = make_post(bob, thread)
    services.edit_post(bob, reply, body="Edited words.")
    moderation.hide_post(mia, reply, reason="Dosing advice")
    moderation.restore_post(mia, reply, reason="Fine after all")
    services.delete_post(bob, reply)
    assert heard == [
        (PostEvent.BECAME_VISIBLE, opening.id, "new thread"),
        (PostEvent.BECAME_VISIBLE, reply.id, "reply"),
        (PostEvent.TEXT_CHANGED, reply.id, "edited"),
        (PostEvent.STOPPED_BEING_VISIBLE, reply.id, "hidden"),
        (PostEvent.BECAME_VISIBLE, reply.id, "restored"),
        (PostEvent.STOPPED_BEING_VISIBLE, reply.id, "deleted"),
    ]


def test_held_posts_are_announced_when_approved_not_before(app, heard, alice, mia):
    thread = make_thread(alice)
    heard.clear()
    newbie = make_user("newbie", new=True)
    held = make_post(newbie, thread)
    assert held.status == PostStatus.PENDING
    services.edit_post(newbie, held, body="Still waiting, edited.")
    assert heard == []  # nobody may see it yet: nothing to index or notify
    moderation.approve_post(mia, held)
    assert heard == [(PostEvent.BECAME_VISIBLE, held.id, "approved")]


def test_a_rejected_post_is_never_announced(app, heard, alice, mia):
    thread = make_thread(alice)
    heard.clear()
    held = make_post(make_user("newbie", new=True), thread)
    moderation.reject_post(mia, held, reason="Off topic")
    assert heard == []


def test_a_listener_runs_inside_the_writers_transaction(app, alice):
    """What a listener adds is saved with the change, or rolled back with it."""
    def failing(announcement):
        raise RuntimeError("the index is broken")

    thread = make_thread(alice)
    events.subscribe(PostEvent.BECAME_VISIBLE, failing)
    try:
        with pytest.raises(RuntimeError):
            services.reply(alice, thread, body="This must not be half-saved.")
        db.session.rollback()
    finally:
        events.unsubscribe(PostEvent.BECAME_VISIBLE, failing)
    assert db.session.query(Post).filter_by(thread_id=thread.id).count() == 1
    assert _counts(thread.id)[0] == 1


def thread_opening(thread):
    return db.session.query(Post).filter_by(thread_id=thread.id, position=1).one()


# --- counters --------------------------------------------------------------------------

def test_counters_follow_every_status_change(app, alice, bob, mia):
    thread = make_thread(alice)
    assert _counts(thread.id) == (1, 1, "published")
    reply = make_post(bob, thread)
    assert _counts(thread.id) == (2, 1, "published")
    moderation.hide_post(mia, reply, reason="r")
    assert _counts(thread.id)[0] == 1
    moderation.restore_post(mia, reply, reason="r")
    assert _counts(thread.id)[0] == 2
    services.delete_post(bob, reply)
    assert _counts(thread.id)[0] == 1
    moderation.hide_post(mia, thread_opening(thread), reason="r")
    assert _counts(thread.id) == (0, 0, "hidden")
    moderation.restore_post(mia, thread_opening(thread), reason="r")
    assert _counts(thread.id) == (1, 1, "published")
    services.delete_post(alice, thread_opening(thread))
    assert _counts(thread.id) == (0, 0, "deleted")


def test_moving_a_thread_moves_its_count(app, alice, mia):
    thread = make_thread(alice)
    other = make_category("other", "Other")
    sanctions.move_thread(mia, thread, other, reason="Fits better")
    db.session.expire_all()
    assert db.session.get(Category, other.id).thread_count == 1
    assert db.session.get(Category, thread.category_id).id == other.id
    assert db.session.query(Category).filter_by(slug="experiences").one().thread_count == 0


# --- the rules decided in one place ----------------------------------------------------

def test_deleting_a_flagged_post_closes_its_flags_as_the_system(app, alice, bob, tess):
    thread = make_thread(alice, replies=1)
    reply = db.session.query(Post).filter_by(thread_id=thread.id, position=2).one()
    flags.flag_post(bob, reply, reason="spam")
    flags.flag_post(tess, reply, reason="harmful")
    assert moderation_queries.count_waiting() == 1
    services.delete_post(alice, reply)
    assert moderation_queries.count_waiting() == 0
    assert moderation_queries.list_queue() == []
    assert db.session.query(Flag).filter(Flag.resolved_at.is_(None)).count() == 0
    [entry] = db.session.query(ModerationAction).filter_by(action=Action.CLOSE_FLAGS).all()
    assert entry.actor_id is None and entry.post_id == reply.id and "deleted" in entry.reason
    assert not entry.is_public  # the public log must not tell that the post was flagged


def test_deleting_an_unflagged_post_logs_nothing(app, alice):
    thread = make_thread(alice, replies=1)
    reply = db.session.query(Post).filter_by(thread_id=thread.id, position=2).one()
    services.delete_post(alice, reply)
    assert db.session.query(ModerationAction).count() == 0


def test_a_moderator_cannot_edit_a_deleted_post(app, alice, mia, login):
    thread = make_thread(alice, replies=1)
    reply = db.session.query(Post).filter_by(thread_id=thread.id, position=2).one()
    services.delete_post(alice, reply)
    with pytest.raises(PermissionDenied):
        moderation.moderator_edit_post(mia, reply, body="new words", reason="r")
    client = login(mia)
    assert client.get(f"/mod/posts/{reply.id}/edit").status_code == 403
    assert client.post(f"/mod/posts/{reply.id}/edit",
                       data={"body": "x", "reason": "r"}).status_code == 403
    page = client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert f"/mod/posts/{reply.id}/edit" not in page
    assert db.session.query(ModerationAction).filter_by(action=Action.EDIT_POST).count() == 0


def test_a_moderator_can_edit_a_live_post(app, alice, mia):
    thread = make_thread(alice)
    post = thread_opening(thread)
    entry = moderation.moderator_edit_post(mia, post, body="[phone number removed]",
                                           reason="No phone numbers")
    assert entry.action == Action.EDIT_POST and post.body == "[phone number removed]"
    assert post.edit_needs_review


@pytest.mark.parametrize("days", [None, 0, -1, 3651])
def test_silence_needs_a_number_of_days_in_the_service_itself(app, mia, bob, days):
    with pytest.raises(ValidationFailed) as refused:
        sanctions.silence_user(mia, bob, days=days, reason="Heated")
    assert "number of days" in refused.value.errors[0][1]
    db.session.refresh(bob)
    assert bob.silenced_until is None
    assert db.session.query(ModerationAction).count() == 0


def test_suspension_is_for_days_or_until_further_notice_never_neither(app, mia, bob):
    with pytest.raises(ValidationFailed):
        sanctions.suspend_user(mia, bob, reason="Spam")
    with pytest.raises(ValidationFailed):
        sanctions.suspend_user(mia, bob, days=3, indefinitely=True, reason="Spam")
    assert db.session.query(ModerationAction).count() == 0
    sanctions.suspend_user(mia, bob, indefinitely=True, reason="Spam")
    notice = bob_notice(bob)
    assert "until further notice" in notice and "indefinitely" not in notice


def bob_notice(user):
    from forum.models import Notification
    return db.session.query(Notification).filter_by(user_id=user.id).one().details


def test_silence_tells_the_member_for_how_long(app, mia, bob):
    sanctions.silence_user(mia, bob, days=3, reason="Heated")
    assert bob_notice(bob) == "You cannot post or flag for 3 days."


def test_a_lost_race_changes_nothing(app, alice, mia, ada):
    thread = make_thread(alice)
    held = make_post(make_user("newbie", new=True), thread)
    moderation.approve_post(mia, held)
    from sqlalchemy.orm.attributes import set_committed_value
    stale = db.session.get(Post, held.id)
    # What a second moderator's page still shows (loaded before the first one approved).
    set_committed_value(stale, "status", PostStatus.PENDING)
    with pytest.raises(AlreadyHandled):
        moderation.approve_post(ada, stale)
    db.session.expire_all()
    assert db.session.query(ModerationAction).filter_by(action=Action.APPROVE).count() == 1
    assert db.session.get(Thread, thread.id).post_count == 2
    assert db.session.get(User, held.author_id).approved_post_count == 1


# --- the structure ---------------------------------------------------------------------

_LIFECYCLE_FACTS = re.compile(
    r"\.(status|post_count|thread_count|last_post_at|last_poster_id|approved_post_count|"
    r"body|body_html)\s*=[^=]"
    r"|\b(post_count|thread_count|last_post_at|last_poster_id|approved_post_count)\s*="
    r"[^=].*\+|values\([^)]*\b(post_count|thread_count|last_post_at|approved_post_count)=")


def test_no_post_status_counter_or_text_is_written_outside_the_lifecycle():
    """grep: status, counter and `last_post_at` writes live in forum/posts/lifecycle.py."""
    offenders = []
    for path in FORUM.rglob("*.py"):
        relative = path.relative_to(FORUM).as_posix()
        if relative == "posts/lifecycle.py":
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            code = line.split("#")[0]
            if not _LIFECYCLE_FACTS.search(code):
                continue
            # Professional applications have a status of their own (verification).
            if "application" in code or "ProfessionalApplication" in code:
                continue
            offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == []


def _imports_of(module_path: Path, package: str) -> set[str]:
    """The forum subpackages `module_path` imports (relative or absolute)."""
    tree = ast.parse(module_path.read_text())
    parts = module_path.relative_to(FORUM).with_suffix("").parts
    here = parts[:-1] if parts[-1] != "__init__" else parts[:-1]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(here)[:len(here) - (node.level - 1)] if node.level > 1 else list(here)
                target = base + (node.module.split(".") if node.module else [])
                names = [target + [alias.name] for alias in node.names] if not node.module \
                    else [target]
            elif node.module and node.module.startswith(package + "."):
                names = [node.module.split(".")[1:]]
            else:
                continue
            for name in names:
                if name and (FORUM / name[0]).is_dir():
                    found.add(name[0])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(package + "."):
                    first = alias.name.split(".")[1]
                    if (FORUM / first).is_dir():
                        found.add(first)
    return found


def _subpackage_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in FORUM.rglob("*.py"):
        parts = path.relative_to(FORUM).parts
        if len(parts) < 2:
            continue  # top-level modules sit below the areas
        area = parts[0]
        graph.setdefault(area, set()).update(_imports_of(path, "forum") - {area})
    return graph


def test_no_forum_subpackage_imports_one_that_imports_it_back():
    graph = _subpackage_graph()
    assert graph["moderation"] >= {"posts"}  # the walk really sees imports
    cycles = []

    def walk(node, path):
        for nxt in sorted(graph.get(node, ())):
            if nxt == path[0]:
                cycles.append(" -> ".join(path + [nxt]))
            elif nxt not in path:
                walk(nxt, path + [nxt])

    for start in sorted(graph):
        walk(start, [start])
    assert cycles == []


def test_a_held_edit_keeps_readers_on_the_earlier_version(app, alice, mia):
    thread = make_thread(alice, body="The original words.")
    post = thread_opening(thread)
    moderation.moderator_edit_post(mia, post, body="[phone number removed]",
                                   reason="No phone numbers")
    edited = services.edit_post(alice, post, body="Call me on 07700 900123")
    assert edited.held and edited.proposal.status == EditStatus.PENDING
    db.session.expire_all()
    post = db.session.get(Post, post.id)
    assert post.body == "[phone number removed]" and post.edit_pending
    assert db.session.query(ProposedEdit).count() == 1
