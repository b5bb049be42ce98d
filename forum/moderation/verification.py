"""Verified professionals: a member applies; a moderator approves, declines or later
revokes. The badge is a label of trust, not a permission: it changes no can_* answer."""
from urllib.parse import urlsplit

from sqlalchemy import select, update

from ..errors import ValidationFailed, require
from ..extensions import db
from ..models import (Action, NotificationKind, Profession, ProfessionalApplication, User,
                      utcnow)
from ..notifications.services import notify
from ..permissions import can_moderate, can_post
from ..modlog import clean_reason, log_action
from .services import AlreadyHandled

NOTE_MAX = 2000


def apply_for_verification(member: User, *, profession: str, register_url: str,
                           private_note: str = "") -> ProfessionalApplication:
    require(can_post(member))
    errors = []
    if profession not in tuple(Profession):
        errors.append(("profession", "Choose your profession."))
    register_url = (register_url or "").strip()
    parts = urlsplit(register_url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(register_url) > 500:
        errors.append(("register_url", "Give the full address (https://…) of your entry in a "
                                       "professional register, or your practice's page."))
    private_note = (private_note or "").strip()
    if len(private_note) > NOTE_MAX:
        errors.append(("private_note", f"Keep the note under {NOTE_MAX:,} characters."))
    if db.session.scalar(select(ProfessionalApplication.id).where(
            ProfessionalApplication.user_id == member.id,
            ProfessionalApplication.status == "pending")):
        errors.append(("profession", "Your application is already waiting for a moderator."))
    if errors:
        raise ValidationFailed(errors)
    application = ProfessionalApplication(user_id=member.id, profession=profession,
                                          register_url=register_url, private_note=private_note)
    db.session.add(application)
    log_action(member, Action.APPLY_VERIFICATION, reason="Applied from their settings.",
               user=member, details=profession)
    db.session.commit()
    return application


def _decide(application: ProfessionalApplication, status: str) -> None:
    changed = db.session.execute(
        update(ProfessionalApplication)
        .where(ProfessionalApplication.id == application.id,
               ProfessionalApplication.status == "pending")
        .values(status=status, decided_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        db.session.rollback()
        raise AlreadyHandled()
    application.status = status


def approve_application(moderator, application: ProfessionalApplication, *,
                        reason: str = ""):
    require(can_moderate(moderator))
    reason = clean_reason(reason, required=False, default="Checked the professional register.")
    _decide(application, "approved")
    member = application.user
    member.verified_profession = application.profession
    entry = log_action(moderator, Action.VERIFY, reason=reason, user=member,
                       details=member.badge or "")
    notify(member.id, NotificationKind.VERIFICATION_APPROVED, details=member.badge or "")
    db.session.commit()
    return entry


def decline_application(moderator, application: ProfessionalApplication, *, reason: str):
    require(can_moderate(moderator))
    reason = clean_reason(reason)
    _decide(application, "declined")
    entry = log_action(moderator, Action.DECLINE_VERIFICATION, reason=reason,
                       user=application.user)
    notify(application.user_id, NotificationKind.VERIFICATION_DECLINED, reason=reason)
    db.session.commit()
    return entry


def revoke_verification(moderator, member: User, *, reason: str):
    require(can_moderate(moderator))
    reason = clean_reason(reason)
    if not member.verified_profession:
        raise ValidationFailed([("reason", f"{member.username} has no badge to revoke.")])
    badge = member.badge or ""
    member.verified_profession = None
    db.session.execute(update(ProfessionalApplication)
                       .where(ProfessionalApplication.user_id == member.id,
                              ProfessionalApplication.status == "approved")
                       .values(status="revoked", decided_at=utcnow()))
    entry = log_action(moderator, Action.REVOKE_VERIFICATION, reason=reason, user=member,
                       details=badge)
    notify(member.id, NotificationKind.VERIFICATION_REVOKED, reason=reason)
    db.session.commit()
    return entry
