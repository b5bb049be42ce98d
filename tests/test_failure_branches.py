"""The refusals of the moderation services, without HTTP.

Each test runs the allowed branch (the state changes and one log row is written), then
the refused one: the error names the problem, and the database is exactly as it was
(no log row, no notification, no changed column) with nothing left pending in the
session.
"""
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select

from forum.errors import ValidationFailed
from forum.extensions import db
from forum.flags.services import flag_post
from forum.models import (Action, Flag, ModerationAction, Post, ProfessionalApplication,
                          Resource, Role, Thread, User)
from forum.moderation import sanctions, services, verification
from forum.moderation.services import AlreadyHandled
from forum.resources import services as resources

from .factories import make_category, make_thread


def _database() -> dict:
    """Every row of every table. The rollback first drops what a refused call left
    unflushed, as the end of the request would."""
    db.session.rollback()
    return {table.name: db.session.execute(
                table.select().order_by(*table.primary_key.columns)).all()
            for table in db.metadata.sorted_tables}


@contextmanager
def refused(error=ValidationFailed, *, field: str | None = None, says: str | None = None):
    """The block raises `error` (for ValidationFailed: on `field`, with a message that
    contains `says`) and changes nothing."""
    before = _database()
    with pytest.raises(error) as caught:
        yield caught
    pending = [obj for obj in db.session.dirty if db.session.is_modified(obj)]
    assert not pending and not db.session.new, "the refusal left changes in the session"
    if error is ValidationFailed:
        [(got_field, message)] = caught.value.errors
        assert got_field == field
        assert says.lower() in message.lower(), message
    assert _database() == before


def _log_count() -> int:
    return db.session.scalar(select(func.count()).select_from(ModerationAction))


def assert_logged(entry, count_before: int, action: str, actor, reason: str, **target):
    """`entry` is the one row the call added, for `action` by `actor` on `target`."""
    db.session.expire_all()
    assert _log_count() == count_before + 1
    row = db.session.scalars(select(ModerationAction).order_by(ModerationAction.id.desc())
                             .limit(1)).one()
    assert row.id == entry.id and row.action == action and row.reason == reason
    assert row.actor_id == (actor.id if actor is not None else None)
    for name, value in target.items():
        assert getattr(row, name) == value, name
    return row


# --- thread tools ---------------------------------------------------------------------

def test_locking_a_locked_thread_is_refused(app, alice, mia):
    thread = make_thread(alice)
    count = _log_count()
    entry = sanctions.lock_thread(mia, thread, reason="Resolved")
    assert db.session.get(Thread, thread.id).is_locked
    assert_logged(entry, count, Action.LOCK, mia, "Resolved", thread_id=thread.id)

    with refused(field="reason", says="already locked"):
        sanctions.lock_thread(mia, thread, reason="Again")


def test_unlocking_an_open_thread_is_refused(app, alice, mia):
    thread = make_thread(alice)
    with refused(field="reason", says="not locked"):
        sanctions.unlock_thread(mia, thread, reason="Nothing to unlock")

    sanctions.lock_thread(mia, thread, reason="Cooling off")
    count = _log_count()
    entry = sanctions.unlock_thread(mia, thread, reason="Calm again")
    assert not db.session.get(Thread, thread.id).is_locked
    assert_logged(entry, count, Action.UNLOCK, mia, "Calm again", thread_id=thread.id)


def test_unpinning_an_unpinned_thread_is_refused(app, alice, mia):
    thread = make_thread(alice)
    with refused(field="reason", says="not pinned"):
        sanctions.unpin_thread(mia, thread, reason="Nothing to unpin")

    sanctions.pin_thread(mia, thread, globally=True, reason="Useful")
    count = _log_count()
    entry = sanctions.unpin_thread(mia, thread, reason="Out of date")
    thread = db.session.get(Thread, thread.id)
    assert not thread.pinned and not thread.pinned_globally
    assert_logged(entry, count, Action.UNPIN, mia, "Out of date", thread_id=thread.id)


def test_pinning_a_thread_pinned_there_already_is_refused(app, alice, mia):
    thread = make_thread(alice)
    count = _log_count()
    entry = sanctions.pin_thread(mia, thread, globally=False, reason="Useful")
    assert db.session.get(Thread, thread.id).pinned
    assert_logged(entry, count, Action.PIN, mia, "Useful", thread_id=thread.id,
                  details="in its category")

    with refused(field="reason", says="already pinned"):
        sanctions.pin_thread(mia, thread, globally=False, reason="Again")


def test_pinning_site_wide_a_thread_pinned_in_its_category_is_a_change(app, alice, mia):
    """Not a repeat: whatever check the repeat gets must let this through."""
    thread = make_thread(alice)
    sanctions.pin_thread(mia, thread, globally=False, reason="Useful here")
    count = _log_count()
    entry = sanctions.pin_thread(mia, thread, globally=True, reason="Useful everywhere")
    assert db.session.get(Thread, thread.id).pinned_globally
    assert_logged(entry, count, Action.PIN, mia, "Useful everywhere", thread_id=thread.id,
                  details="site-wide")


def test_moving_a_thread_to_its_own_category_is_refused(app, alice, mia):
    here, there = make_category("here", "Here"), make_category("there", "There")
    thread = make_thread(alice, here)
    with refused(field="category", says="already there"):
        sanctions.move_thread(mia, thread, here, reason="Fits")

    count = _log_count()
    entry = sanctions.move_thread(mia, thread, there, reason="Fits better")
    db.session.expire_all()
    assert db.session.get(Thread, thread.id).category_id == there.id
    assert (here.thread_count, there.thread_count) == (0, 1)
    assert_logged(entry, count, Action.MOVE, mia, "Fits better", thread_id=thread.id,
                  details="from Here to There")


def test_renaming_a_thread_to_its_own_title_is_refused(app, alice, mia):
    thread = make_thread(alice, title="Three months at 90 mg")
    count = _log_count()
    entry = sanctions.rename_thread(mia, thread, title="Three months on baclofen",
                                    reason="Clearer")
    assert db.session.get(Thread, thread.id).title == "Three months on baclofen"
    assert_logged(entry, count, Action.RENAME, mia, "Clearer", thread_id=thread.id)

    with refused(field="title", says="already"):
        sanctions.rename_thread(mia, thread, title="Three months on baclofen",
                                reason="Clearer still")


# --- roles and sanctions ---------------------------------------------------------------

def test_changing_ones_own_role_is_refused(app, ada, alice):
    count = _log_count()
    entry = sanctions.change_role(ada, alice, Role.MODERATOR, reason="Trusted member")
    assert db.session.get(User, alice.id).role == Role.MODERATOR
    assert_logged(entry, count, Action.CHANGE_ROLE, ada, "Trusted member",
                  target_user_id=alice.id, details="member → moderator")

    with refused(field="role", says="your own role"):
        sanctions.change_role(ada, ada, Role.MEMBER, reason="Stepping down")


def test_changing_to_the_same_role_is_refused(app, ada, mia):
    with refused(field="role", says="already a moderator"):
        sanctions.change_role(ada, mia, Role.MODERATOR, reason="Trusted")
    # From the command line too (no acting admin).
    with refused(field="role", says="already a moderator"):
        sanctions.change_role(None, mia, Role.MODERATOR, reason="Trusted")

    count = _log_count()
    entry = sanctions.change_role(ada, mia, Role.ADMIN, reason="Runs the forum now")
    assert db.session.get(User, mia.id).role == Role.ADMIN
    assert_logged(entry, count, Action.CHANGE_ROLE, ada, "Runs the forum now",
                  target_user_id=mia.id, details="moderator → admin")


def test_lifting_when_there_is_no_sanction_is_refused(app, mia, alice, fred):
    with refused(field="reason", says="no sanction to lift"):
        sanctions.lift_sanction(mia, alice, reason="Appeal accepted")

    count = _log_count()
    entry = sanctions.lift_sanction(mia, fred, reason="Appeal accepted")
    fred = db.session.get(User, fred.id)
    assert not fred.is_suspended and fred.suspended_until is None
    assert_logged(entry, count, Action.LIFT, mia, "Appeal accepted", target_user_id=fred.id)


# --- verification ----------------------------------------------------------------------

def test_revoking_a_badge_nobody_has_is_refused(app, mia, alice, tess):
    with refused(field="reason", says="no badge to revoke"):
        verification.revoke_verification(mia, alice, reason="Registration lapsed")

    count = _log_count()
    entry = verification.revoke_verification(mia, tess, reason="Registration lapsed")
    tess = db.session.get(User, tess.id)
    assert tess.verified_profession is None and tess.badge is None
    assert_logged(entry, count, Action.REVOKE_VERIFICATION, mia, "Registration lapsed",
                  target_user_id=tess.id, details="Verified therapist")


def test_applying_for_verification_twice_is_refused(app, alice, mia):
    count = _log_count()
    application = verification.apply_for_verification(
        alice, profession="nurse", register_url="https://register.example/alice")
    assert db.session.get(ProfessionalApplication, application.id).status == "pending"
    entry = db.session.scalars(select(ModerationAction)
                               .order_by(ModerationAction.id.desc()).limit(1)).one()
    assert_logged(entry, count, Action.APPLY_VERIFICATION, alice,
                  "Applied from their settings.", target_user_id=alice.id, details="nurse")

    with refused(field="profession", says="already waiting"):
        verification.apply_for_verification(
            alice, profession="nurse", register_url="https://register.example/alice")

    # Once decided, the member may apply again.
    verification.decline_application(mia, application, reason="Not on the register")
    again = verification.apply_for_verification(
        alice, profession="nurse", register_url="https://register.example/alice-2")
    assert again.id != application.id and again.status == "pending"


# --- flags -------------------------------------------------------------------------------

def test_dismissing_flags_twice_says_already_handled(app, alice, bob, mia, ada):
    thread = make_thread(alice, replies=1)
    post = db.session.query(Post).filter_by(thread_id=thread.id, position=2).one()
    flag_post(bob, post, reason="spam")
    count = _log_count()
    entry = services.dismiss_flags(mia, post, reason="Not spam")
    flag = db.session.scalars(select(Flag).where(Flag.post_id == post.id)).one()
    assert flag.resolution == "dismissed" and flag.resolved_by_id == mia.id
    assert_logged(entry, count, Action.DISMISS_FLAGS, mia, "Not spam", post_id=post.id)

    with refused(AlreadyHandled):  # the flag stays resolved by mia, not by ada
        services.dismiss_flags(ada, post, reason="Not spam either")


def test_dismissing_flags_on_a_post_nobody_flagged_says_already_handled(app, alice, mia):
    post = db.session.query(Post).filter_by(thread_id=make_thread(alice).id).one()
    with refused(AlreadyHandled):
        services.dismiss_flags(mia, post)


# --- resources ---------------------------------------------------------------------------

ENTRY = dict(section="research", title="A trial", evidence_type="rct")


def _two_resources(moderator) -> tuple[Resource, Resource]:
    first = resources.add_resource(moderator, **ENTRY)
    second = resources.add_resource(moderator, **{**ENTRY, "title": "Another trial"})
    return first, second


def _positions(*entries) -> tuple:
    db.session.expire_all()
    return tuple(db.session.get(Resource, entry.id).position for entry in entries)


def test_moving_a_resource_past_either_end_is_refused(app, mia):
    first, second = _two_resources(mia)
    with refused(field="direction", says="already at the top"):
        resources.move_resource(mia, first, direction="up")
    with refused(field="direction", says="already at the bottom"):
        resources.move_resource(mia, second, direction="down")

    count = _log_count()
    entry = resources.move_resource(mia, first, direction="down")
    assert _positions(first, second) == (2, 1)
    assert_logged(entry, count, Action.REORDER_RESOURCE, mia, "Moved down.",
                  resource_id=first.id)
    with refused(field="direction", says="already at the bottom"):
        resources.move_resource(mia, first, direction="down")


def test_removing_a_resource_twice_is_refused(app, mia):
    first, _ = _two_resources(mia)
    resources.set_pinned(mia, first, True)
    count = _log_count()
    entry = resources.remove_resource(mia, first, reason="Retracted")
    first = db.session.get(Resource, first.id)
    assert first.removed_at is not None and not first.pinned
    assert_logged(entry, count, Action.REMOVE_RESOURCE, mia, "Retracted", resource_id=first.id)

    with refused(field="reason", says="already removed"):
        resources.remove_resource(mia, first, reason="Retracted again")


def test_moving_a_removed_resource_is_refused(app, mia):
    first, _ = _two_resources(mia)
    resources.remove_resource(mia, first, reason="Retracted")
    with refused(ValidationFailed, field="direction", says="removed"):
        resources.move_resource(mia, first, direction="down")


def test_pinning_a_pinned_resource_is_refused(app, mia):
    first, _ = _two_resources(mia)
    count = _log_count()
    entry = resources.set_pinned(mia, first, True, reason="For newcomers")
    assert db.session.get(Resource, first.id).pinned
    assert_logged(entry, count, Action.PIN_RESOURCE, mia, "For newcomers",
                  resource_id=first.id)

    with refused(field="reason", says="already pinned"):
        resources.set_pinned(mia, first, True, reason="Again")


def test_unpinning_an_unpinned_resource_is_refused(app, mia):
    first, _ = _two_resources(mia)
    with refused(field="reason", says="not pinned"):
        resources.set_pinned(mia, first, False, reason="Tidy up")


def test_pinning_a_removed_resource_is_refused(app, mia):
    first, _ = _two_resources(mia)
    resources.remove_resource(mia, first, reason="Retracted")
    with refused(field="reason", says="removed"):
        resources.set_pinned(mia, first, True, reason="For newcomers")
