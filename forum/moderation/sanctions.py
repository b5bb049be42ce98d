"""Sanctions on members, roles, and the thread tools. Same shape as services.py."""
from datetime import datetime, timedelta

from ..errors import ValidationFailed, require
from ..extensions import db
from ..modlog import clean_reason, log_action
from ..models import (INDEFINITE, Action, Category, ModerationAction, NotificationKind, Thread,
                      User, utcnow)
from ..notifications.services import notify
from ..permissions import (MAX_SANCTION_DAYS, can_change_role, can_change_roles, can_moderate,
                           can_sanction, is_valid_sanction_length)
from ..posts import lifecycle
from ..posts.text import clean_title


def _sanction_end(kind: str, days: int | None, indefinitely: bool) -> tuple[datetime, str]:
    """The end date and its words for the member ("for 7 days", "until further notice")."""
    if not is_valid_sanction_length(days, indefinitely=indefinitely, kind=kind):
        if kind == "suspend":
            message = (f"Give the number of days (1 to {MAX_SANCTION_DAYS}), or choose "
                       "indefinitely (not both).")
        else:
            message = f"Give the number of days to silence for (1 to {MAX_SANCTION_DAYS})."
        raise ValidationFailed([("days", message)])
    if indefinitely:
        return INDEFINITE, "until further notice"
    return utcnow() + timedelta(days=days), f"for {days} day{'' if days == 1 else 's'}"


def _log_details(details: str) -> str:
    """"7 days" for the log, whose `until` column already says "until further notice"."""
    return details.removeprefix("for ") if details.startswith("for ") else ""


def silence_user(moderator, member: User, *, days: int | None,
                 reason: str) -> ModerationAction:
    """The member can read and log in, but cannot post or flag until the end date."""
    require(can_sanction(moderator, member))
    reason = clean_reason(reason)
    until, details = _sanction_end("silence", days, False)
    member.silenced_until = until
    entry = log_action(moderator, Action.SILENCE, reason=reason, user=member,
                       details=_log_details(details), until=until)
    notify(member.id, NotificationKind.SANCTION_APPLIED, reason=reason,
           details=f"You cannot post or flag {details}.")
    db.session.commit()
    return entry


def suspend_user(moderator, member: User, *, days: int | None = None, indefinitely: bool = False,
                 reason: str) -> ModerationAction:
    """The member cannot log in until the end date (or until further notice: say so with
    `indefinitely`); every session ends now."""
    require(can_sanction(moderator, member))
    reason = clean_reason(reason)
    until, details = _sanction_end("suspend", days, indefinitely)
    member.suspended_until = until
    member.session_version += 1
    entry = log_action(moderator, Action.SUSPEND, reason=reason, user=member,
                       details=_log_details(details), until=until)
    notify(member.id, NotificationKind.SANCTION_APPLIED, reason=reason,
           details=f"Your account is suspended {details}.")
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
    if admin is None or not can_change_role(admin, member, role):
        _explain_role_refusal(admin, member, role)
    details = f"{member.role} → {role}"
    member.role = role
    entry = log_action(admin, Action.CHANGE_ROLE, reason=reason, user=member, details=details)
    db.session.commit()
    return entry


def _explain_role_refusal(admin, member: User, role: str) -> None:
    """Say which part of permissions.can_change_role failed (the command line, acting as
    nobody, is held to the same rules but its own account)."""
    if role not in ("member", "moderator", "admin"):
        raise ValidationFailed([("role", "Choose member, moderator or admin.")])
    if admin is not None and member.id == admin.id:
        raise ValidationFailed([("role", "Ask another admin to change your own role.")])
    if role == member.role:
        raise ValidationFailed([("role", f"{member.username} is already a {role}.")])


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
    thread.lock_reason = reason  # readers see why
    return _thread_action(moderator, thread, Action.LOCK, reason)


def unlock_thread(moderator, thread: Thread, *, reason: str) -> ModerationAction:
    require(can_moderate(moderator))
    reason = clean_reason(reason)
    if not thread.is_locked:
        raise ValidationFailed([("reason", "This thread is not locked.")])
    thread.locked_at = None
    thread.lock_reason = None
    return _thread_action(moderator, thread, Action.UNLOCK, reason)


def pin_thread(moderator, thread: Thread, *, globally: bool, reason: str) -> ModerationAction:
    """Pin in its category, or site-wide (also listed at the top of the home page)."""
    require(can_moderate(moderator))
    reason = clean_reason(reason)
    if thread.pinned and thread.pinned_globally == globally:
        raise ValidationFailed([("reason", "This thread is already pinned there.")])
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
    lifecycle.move_thread(thread, category)
    return _thread_action(moderator, thread, Action.MOVE, reason,
                          f"from {old.name} to {category.name}")


def rename_thread(moderator, thread: Thread, *, title: str, reason: str) -> ModerationAction:
    require(can_moderate(moderator))
    reason = clean_reason(reason)
    title = clean_title(title)
    if title == thread.title:
        raise ValidationFailed([("title", "That is the thread's title already.")])
    # The old title is not repeated in the log: it may be why the thread was renamed.
    lifecycle.retitle(moderator, thread, title)
    return _thread_action(moderator, thread, Action.RENAME, reason)
