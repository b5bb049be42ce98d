"""Sanctions on members, roles, and the thread tools. Same shape as services.py."""
from datetime import datetime, timedelta

from sqlalchemy import update

from ..errors import ValidationFailed, require
from ..extensions import db
from ..models import (INDEFINITE, Action, Category, ModerationAction, NotificationKind, PostStatus,
                      Role, Thread, User, utcnow)
from ..notifications.services import notify
from ..permissions import can_change_roles, can_moderate, can_sanction
from ..threads.services import clean_title
from .log import clean_reason, log_action

MAX_SANCTION_DAYS = 3650


def _sanction_end(days: int | None) -> tuple[datetime, str]:
    if days is None:
        return INDEFINITE, "indefinitely"
    if not 1 <= days <= MAX_SANCTION_DAYS:
        raise ValidationFailed([("days", f"Choose 1 to {MAX_SANCTION_DAYS} days.")])
    return utcnow() + timedelta(days=days), f"{days} day{'' if days == 1 else 's'}"


def silence_user(moderator, member: User, *, days: int, reason: str) -> ModerationAction:
    """The member can read and log in, but cannot post or flag until the end date."""
    require(can_sanction(moderator, member))
    reason = clean_reason(reason)
    until, details = _sanction_end(days)
    member.silenced_until = until
    entry = log_action(moderator, Action.SILENCE, reason=reason, user=member, details=details,
                       until=until)
    notify(member.id, NotificationKind.SANCTION_APPLIED, reason=reason,
           details=f"You cannot post or flag for {details}.")
    db.session.commit()
    return entry


def suspend_user(moderator, member: User, *, days: int | None, reason: str) -> ModerationAction:
    """The member cannot log in until the end date; every session ends now."""
    require(can_sanction(moderator, member))
    reason = clean_reason(reason)
    until, details = _sanction_end(days)
    member.suspended_until = until
    member.session_version += 1
    entry = log_action(moderator, Action.SUSPEND, reason=reason, user=member, details=details,
                       until=until)
    notify(member.id, NotificationKind.SANCTION_APPLIED, reason=reason,
           details=f"Your account is suspended {'indefinitely' if days is None else 'for ' + details}.")
    db.session.commit()
    return entry


def lift_sanction(moderator, member: User, *, reason: str) -> ModerationAction:
    require(can_sanction(moderator, member))
    reason = clean_reason(reason)
    if not (member.is_silenced or member.is_suspended):
        raise ValidationFailed([("reason", f"{member.username} has no sanction to lift.")])
    member.silenced_until = None
    member.suspended_until = None
    entry = log_action(moderator, Action.LIFT, reason=reason, user=member)
    notify(member.id, NotificationKind.SANCTION_LIFTED, reason=reason)
    db.session.commit()
    return entry


def change_role(admin, member: User, role: str, *, reason: str) -> ModerationAction:
    """Make `member` a member, moderator or admin. `admin` None: the command line, run by
    whoever administers the server (logged as the system)."""
    if admin is not None:
        require(can_change_roles(admin))
    reason = clean_reason(reason)
    if role not in tuple(Role):
        raise ValidationFailed([("role", "Choose member, moderator or admin.")])
    if admin is not None and member.id == admin.id:
        raise ValidationFailed([("role", "Ask another admin to change your own role.")])
    if role == member.role:
        raise ValidationFailed([("role", f"{member.username} is already a {role}.")])
    details = f"{member.role} → {role}"
    member.role = role
    entry = log_action(admin, Action.CHANGE_ROLE, reason=reason, user=member, details=details)
    db.session.commit()
    return entry


# --- thread tools --------------------------------------------------------------------

def _thread_action(moderator, thread: Thread, action: str, reason: str, details: str = ""):
    entry = log_action(moderator, action, reason=reason, thread=thread, details=details)
    db.session.commit()
    return entry


def lock_thread(moderator, thread: Thread, *, reason: str) -> ModerationAction:
    require(can_moderate(moderator))
    reason = clean_reason(reason)
    if thread.is_locked:
        raise ValidationFailed([("reason", "This thread is already locked.")])
    thread.locked_at = utcnow()
    return _thread_action(moderator, thread, Action.LOCK, reason)


def unlock_thread(moderator, thread: Thread, *, reason: str) -> ModerationAction:
    require(can_moderate(moderator))
    reason = clean_reason(reason)
    if not thread.is_locked:
        raise ValidationFailed([("reason", "This thread is not locked.")])
    thread.locked_at = None
    return _thread_action(moderator, thread, Action.UNLOCK, reason)


def pin_thread(moderator, thread: Thread, *, globally: bool, reason: str) -> ModerationAction:
    """Pin in its category, or site-wide (also listed at the top of the home page)."""
    require(can_moderate(moderator))
    reason = clean_reason(reason)
    thread.pinned = True
    thread.pinned_globally = globally
    return _thread_action(moderator, thread, Action.PIN, reason,
                          "site-wide" if globally else "in its category")


def unpin_thread(moderator, thread: Thread, *, reason: str) -> ModerationAction:
    require(can_moderate(moderator))
    reason = clean_reason(reason)
    if not thread.pinned:
        raise ValidationFailed([("reason", "This thread is not pinned.")])
    thread.pinned = thread.pinned_globally = False
    return _thread_action(moderator, thread, Action.UNPIN, reason)


def move_thread(moderator, thread: Thread, category: Category, *, reason: str) -> ModerationAction:
    require(can_moderate(moderator))
    reason = clean_reason(reason)
    if category.id == thread.category_id:
        raise ValidationFailed([("category", "The thread is already there.")])
    old = thread.category
    if thread.status == PostStatus.PUBLISHED:
        for category_id, change in ((old.id, -1), (category.id, +1)):
            db.session.execute(update(Category).where(Category.id == category_id)
                               .values(thread_count=Category.thread_count + change)
                               .execution_options(synchronize_session=False))
    thread.category_id = category.id
    return _thread_action(moderator, thread, Action.MOVE, reason,
                          f"from {old.name} to {category.name}")


def rename_thread(moderator, thread: Thread, *, title: str, reason: str) -> ModerationAction:
    require(can_moderate(moderator))
    reason = clean_reason(reason)
    title = clean_title(title)
    # The old title is not repeated in the log: it may be why the thread was renamed.
    thread.title = title
    return _thread_action(moderator, thread, Action.RENAME, reason)
