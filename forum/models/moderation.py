"""Flags, the append-only moderation log, and in-app notifications."""
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .board import Post, Thread
from .user import User


class FlagReason(StrEnum):
    SPAM = "spam"
    HARMFUL = "harmful"
    MISINFORMATION = "misinformation"
    PERSONAL_INFO = "personal_info"
    HARASSMENT = "harassment"
    AT_RISK = "at_risk"
    OTHER = "other"


FLAG_REASON_LABELS = {
    FlagReason.SPAM: "Spam or advertising",
    FlagReason.HARMFUL: "Harmful or dangerous advice",
    FlagReason.MISINFORMATION: "Misinformation",
    FlagReason.PERSONAL_INFO: "Personal information",
    FlagReason.HARASSMENT: "Harassment or abuse",
    FlagReason.AT_RISK: "Someone may be at risk",
    FlagReason.OTHER: "Other",
}


class Flag(db.Model):
    __tablename__ = "flags"
    __table_args__ = (
        # A member flags a post once; system flags (no flagger) are not limited by this.
        UniqueConstraint("post_id", "flagger_id", name="uq_flags_post_flagger"),
        CheckConstraint("reason IN ('spam', 'harmful', 'misinformation', 'personal_info', "
                        "'harassment', 'at_risk', 'other')", name="reason_known"),
        Index("ix_flags_open", "resolved_at", "post_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
    flagger_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                   index=True)
    reason: Mapped[str] = mapped_column(String(20))
    # Private: seen by moderators only, never in the public log.
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolution: Mapped[str | None] = mapped_column(String(20))  # "actioned" | "dismissed"

    post: Mapped[Post] = relationship()
    flagger: Mapped[User | None] = relationship(foreign_keys=[flagger_id])

    @property
    def reason_label(self) -> str:
        return FLAG_REASON_LABELS[FlagReason(self.reason)]


class Action(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    HIDE = "hide"
    RESTORE = "restore"
    DISMISS_FLAGS = "dismiss_flags"
    EDIT_POST = "edit_post"
    SILENCE = "silence"
    SUSPEND = "suspend"
    LIFT = "lift"
    LOCK = "lock"
    UNLOCK = "unlock"
    PIN = "pin"
    UNPIN = "unpin"
    MOVE = "move"
    RENAME = "rename"
    CHANGE_ROLE = "change_role"
    ADD_RESOURCE = "add_resource"
    EDIT_RESOURCE = "edit_resource"
    REORDER_RESOURCE = "reorder_resource"
    PIN_RESOURCE = "pin_resource"
    UNPIN_RESOURCE = "unpin_resource"
    REMOVE_RESOURCE = "remove_resource"
    APPLY_VERIFICATION = "apply_verification"
    VERIFY = "verify"
    DECLINE_VERIFICATION = "decline_verification"
    REVOKE_VERIFICATION = "revoke_verification"
    APPROVE_EDIT = "approve_edit"
    REJECT_EDIT = "reject_edit"
    CLOSE_FLAGS = "close_flags"
    REACHED_OUT = "reached_out"
    HANDLED = "handled"
    MESSAGE_MEMBER = "message_member"
    ERASE_ACCOUNT = "erase_account"


ACTION_LABELS = {
    Action.APPROVE: "approved a post", Action.REJECT: "rejected a post",
    Action.HIDE: "hid a post", Action.RESTORE: "restored a post",
    Action.DISMISS_FLAGS: "dismissed flags", Action.EDIT_POST: "edited a post",
    Action.SILENCE: "silenced a member", Action.SUSPEND: "suspended a member",
    Action.LIFT: "lifted a sanction", Action.LOCK: "locked a thread",
    Action.UNLOCK: "unlocked a thread", Action.PIN: "pinned a thread",
    Action.UNPIN: "unpinned a thread", Action.MOVE: "moved a thread",
    Action.RENAME: "renamed a thread", Action.CHANGE_ROLE: "changed a role",
    Action.ADD_RESOURCE: "added a resource", Action.EDIT_RESOURCE: "edited a resource",
    Action.REORDER_RESOURCE: "reordered a resource", Action.PIN_RESOURCE: "pinned a resource",
    Action.UNPIN_RESOURCE: "unpinned a resource", Action.REMOVE_RESOURCE: "removed a resource",
    Action.APPLY_VERIFICATION: "applied for verification",
    Action.VERIFY: "verified a professional",
    Action.DECLINE_VERIFICATION: "declined a verification",
    Action.REVOKE_VERIFICATION: "revoked a verification",
    Action.APPROVE_EDIT: "approved an edit", Action.REJECT_EDIT: "rejected an edit",
    Action.CLOSE_FLAGS: "closed the flags of a deleted post",
    Action.REACHED_OUT: "reached out to a member at risk",
    Action.HANDLED: "handled a post about risk",
    Action.MESSAGE_MEMBER: "wrote to a member privately",
    Action.ERASE_ACCOUNT: "erased an account at its owner's request",
}

# Shown in the public log. Approvals are routine; dismissing flags would reveal that
# (and why) someone flagged a post; an application (or its refusal) is the member's own
# business until a badge is granted.
# Approving an edit is routine like approving a post; closing a deleted post's flags would
# tell that it was flagged.
PUBLIC_ACTIONS = frozenset(set(Action) - {Action.APPROVE, Action.DISMISS_FLAGS,
                                          Action.APPLY_VERIFICATION,
                                          Action.DECLINE_VERIFICATION,
                                          Action.APPROVE_EDIT, Action.CLOSE_FLAGS,
                                          # Care for someone at risk is nobody else's
                                          # business: moderators only.
                                          Action.REACHED_OUT, Action.HANDLED,
                                          Action.MESSAGE_MEMBER,
                                          # Leaving is the member's own business.
                                          Action.ERASE_ACCOUNT})

_ACTION_CHECK = "action IN (%s)" % ", ".join(f"'{a.value}'" for a in Action)


class ModerationAction(db.Model):
    """One row per moderator or system action. Append-only: nothing updates or deletes
    these rows; a mistake is corrected by a new action."""

    __tablename__ = "moderation_actions"
    __table_args__ = (
        CheckConstraint(_ACTION_CHECK, name="action_known"),
        CheckConstraint("(CASE WHEN post_id IS NULL THEN 0 ELSE 1 END)"
                        " + (CASE WHEN thread_id IS NULL THEN 0 ELSE 1 END)"
                        " + (CASE WHEN target_user_id IS NULL THEN 0 ELSE 1 END)"
                        " + (CASE WHEN resource_id IS NULL THEN 0 ELSE 1 END) = 1",
                        name="exactly_one_target"),
        CheckConstraint("length(reason) > 0", name="reason_given"),
        Index("ix_moderation_actions_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # NULL: the system (e.g. a post hidden automatically after several flags).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                 index=True)
    action: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    # Short public facts about the action: "7 days", "member → moderator", "from A to B".
    details: Mapped[str] = mapped_column(String(200), default="")
    # The end of a silence or suspension, for the member's standing.
    until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"), index=True)
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("threads.id"), index=True)
    target_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    resource_id: Mapped[int | None] = mapped_column(ForeignKey("resources.id"), index=True)
    # The member the action concerns (the post's author for post actions), for filtering.
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                   index=True)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    post: Mapped[Post | None] = relationship()
    thread: Mapped[Thread | None] = relationship()
    target_user: Mapped[User | None] = relationship(foreign_keys=[target_user_id])
    subject: Mapped[User | None] = relationship(foreign_keys=[subject_id])
    resource: Mapped["Resource | None"] = relationship()  # noqa: F821

    @property
    def label(self) -> str:
        return ACTION_LABELS[Action(self.action)]

    @property
    def is_public(self) -> bool:
        return self.action in PUBLIC_ACTIONS


class NotificationKind(StrEnum):
    POST_APPROVED = "post_approved"
    POST_REJECTED = "post_rejected"
    POST_HIDDEN = "post_hidden"
    POST_RESTORED = "post_restored"
    POST_EDITED = "post_edited"
    SANCTION_APPLIED = "sanction_applied"
    SANCTION_LIFTED = "sanction_lifted"
    VERIFICATION_APPROVED = "verification_approved"
    VERIFICATION_DECLINED = "verification_declined"
    VERIFICATION_REVOKED = "verification_revoked"
    EDIT_APPROVED = "edit_approved"
    EDIT_REJECTED = "edit_rejected"
    MODERATOR_MESSAGE = "moderator_message"
    # Following conversations (forum/notifications/following.py).
    REPLY = "reply"
    NEW_THREAD = "new_thread"
    MENTION = "mention"
    QUOTE = "quote"
    HELPED = "helped"


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_created", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"))
    # Who caused it (a reply's author, the member who found a post helpful): groups
    # notifications and lets an undone "This helped" take its notification back.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # Why, in the moderator's words (a rejection's reason, a sanction's reason).
    reason: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    post: Mapped[Post | None] = relationship()
