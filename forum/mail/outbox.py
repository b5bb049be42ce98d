"""Queue an e-mail in the caller's transaction."""
from ..extensions import db
from ..models import OutboxMessage

# Subjects are fixed phrases chosen by the code ("Confirm your e-mail address"), never
# anything a member wrote: no post text, no thread title (they would show on lock
# screens and in mail providers' logs).
MAX_SUBJECT = 200


def enqueue(to: str, subject: str, text: str, *, kind: str, user_id: int | None = None,
            html: str | None = None) -> OutboxMessage:
    """Add a message to the outbox in the current session; the caller commits it.

    `kind` names the sort of mail ("verify", "reset", "notification" ...); it is what the
    mail log shows. `user_id` is the member it concerns, so erasing that account removes
    its queued mail. Never commits: the mail is sent if and only if the caller's change is.
    """
    subject = " ".join(subject.split())  # no header injection through a newline
    if not subject or len(subject) > MAX_SUBJECT:
        raise ValueError(f"a subject of 1 to {MAX_SUBJECT} characters is needed")
    if not to or "\n" in to or "\r" in to:
        raise ValueError("a single recipient address is needed")
    message = OutboxMessage(to_address=to.strip(), subject=subject, text=text, html=html,
                            kind=kind[:40], user_id=user_id)
    db.session.add(message)
    return message
