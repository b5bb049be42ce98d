"""Accounts."""
from datetime import UTC, datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import BigInteger, Boolean, CheckConstraint, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


# "Indefinitely" is stored as a date no one will reach, so one column answers
# "is this member suspended now?".
INDEFINITE = datetime(9999, 12, 31, tzinfo=UTC)


def is_indefinite(until: datetime | None) -> bool:
    """The one spelling of "until further notice" (templates use the `until` filter)."""
    return until is not None and until >= INDEFINITE


class Profession(StrEnum):
    THERAPIST = "therapist"
    COUNSELLOR = "counsellor"
    PSYCHIATRIST = "psychiatrist"
    GP = "gp"
    NURSE = "nurse"
    PHARMACIST = "pharmacist"
    RESEARCHER = "researcher"
    OTHER = "other"


PROFESSION_LABELS = {
    Profession.THERAPIST: "therapist", Profession.COUNSELLOR: "counsellor",
    Profession.PSYCHIATRIST: "psychiatrist", Profession.GP: "GP",
    Profession.NURSE: "nurse", Profession.PHARMACIST: "pharmacist",
    Profession.RESEARCHER: "researcher", Profession.OTHER: "professional",
}


class Role(StrEnum):
    MEMBER = "member"
    MODERATOR = "moderator"
    ADMIN = "admin"


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('member', 'moderator', 'admin')", name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # As typed (after NFKC); shown to people.
    username: Mapped[str] = mapped_column(String(30))
    # Look-alike skeleton of the name: "alice", "ALICE" and a Cyrillic "аlice" share it.
    username_key: Mapped[str] = mapped_column(String(120), unique=True)
    # Normalised by email-validator; `email_key` is its lower-case form, for uniqueness.
    email: Mapped[str] = mapped_column(String(254))
    email_key: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default=Role.MEMBER)
    # Part of the login cookie's id: bumping it ends every session of this account.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    suspended_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    silenced_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Posts a moderator approved; new members' posts are held until this reaches
    # APPROVAL_THRESHOLD.
    approved_post_count: Mapped[int] = mapped_column(Integer, default=0)
    # Set when a moderator verified the member's profession: the badge on their posts.
    # It gives no extra powers.
    verified_profession: Mapped[str | None] = mapped_column(String(20))
    # Kept in step by the notification service, so no page counts rows for the badge.
    unread_notifications: Mapped[int] = mapped_column(Integer, default=0)
    # Accounts and privacy (forum/auth, forum/accounts): a confirmed address may post.
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Markdown as written (at most 500 characters) and its sanitised rendering.
    bio: Mapped[str] = mapped_column(Text, default="")
    bio_html: Mapped[str] = mapped_column(Text, default="")
    # Guests see the name and badge only, not the posts.
    hide_activity: Mapped[bool] = mapped_column(Boolean, default=False)
    # TOTP (RFC 6238): set with `totp_enabled_at` NULL while being set up.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last 30-second step a code was accepted for: a code works once.
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    # The privacy-notice version of the member's latest consent to processing health
    # data (the history is in `consents`); a newer notice asks again at the next login.
    health_consent_version: Mapped[str | None] = mapped_column(String(40))
    # Set when the account was erased: the name stays reserved, nothing else remains.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def badge(self) -> str | None:
        """"Verified therapist", "Verified GP" ... or None."""
        if not self.verified_profession:
            return None
        return f"Verified {PROFESSION_LABELS[Profession(self.verified_profession)]}"

    @property
    def is_moderator(self) -> bool:
        return self.role in (Role.MODERATOR, Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_suspended(self) -> bool:
        return self.suspended_until is not None and self.suspended_until > utcnow()

    @property
    def is_silenced(self) -> bool:
        return self.silenced_until is not None and self.silenced_until > utcnow()

    @property
    def is_active(self) -> bool:
        return not self.is_suspended and self.erased_at is None

    @property
    def has_two_factor(self) -> bool:
        return self.totp_enabled_at is not None

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username!r}>"
