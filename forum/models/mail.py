"""The mail outbox: messages queued in the database, sent later by `flask mail send`."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class OutboxMessage(db.Model):
    """One e-mail waiting to be sent (or sent: `sent_at` set and its body purged).

    Queued in the transaction of whatever caused it, so a mail is sent exactly when that
    change is saved. The sender claims a row by moving `next_attempt_at` forward (the
    retry time if this attempt fails), so a crash mid-send only delays the message.
    """
    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index("ix_outbox_messages_due", "sent_at", "next_attempt_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # What sort of mail: "verify", "reset", "email_changed", "notification" ... (logged)
    kind: Mapped[str] = mapped_column(String(40))
    # The member it concerns, if any: their queued mail goes when their account is erased.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Why the last attempt failed (the server's answer; never the message's contents).
    last_error: Mapped[str | None] = mapped_column(String(500))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind}>"
