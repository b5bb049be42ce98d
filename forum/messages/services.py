"""Writing in conversations between the moderators and one member.

The moderators write as a team (each message still names its writer, for the team's own
record); the member is notified and can answer; nothing is edited or deleted.
"""
from ..errors import ValidationFailed, require
from ..extensions import begin_writing, db
from ..models import Action, Conversation, Message, NotificationKind, User, utcnow
from ..modlog import log_action
from ..notifications.services import notify
from ..permissions import can_message_member, can_write_in_conversation, is_moderator
from ..posts.text import prepare_text

SUBJECT_MAX = 150


def _subject(subject: str | None) -> str:
    subject = " ".join((subject or "").split())
    if not subject:
        raise ValidationFailed([("subject", "Give the conversation a subject.")])
    if len(subject) > SUBJECT_MAX:
        raise ValidationFailed([("subject", f"Keep the subject under {SUBJECT_MAX} "
                                            "characters.")])
    return subject


def start_conversation(moderator, member: User, *, subject: str, body: str,
                       post=None) -> Conversation:
    """Write privately to `member` (about `post`, e.g. one that used crisis language).
    Logged privately (moderators only); the member is notified."""
    require(can_message_member(moderator, member))
    errors = []
    try:
        subject = _subject(subject)
    except ValidationFailed as failure:
        errors.extend(failure.errors)
    try:
        text = prepare_text(body)
    except ValidationFailed as failure:
        errors.extend(failure.errors)
    if errors:
        raise ValidationFailed(errors)
    begin_writing()
    now = utcnow()
    conversation = Conversation(member_id=member.id, started_by_id=moderator.id,
                                subject=subject, post_id=post.id if post else None,
                                created_at=now, last_message_at=now)
    db.session.add(conversation)
    db.session.add(Message(conversation=conversation, author_id=moderator.id, body=text.body,
                           body_html=text.html, created_at=now))
    log_action(moderator, Action.MESSAGE_MEMBER, user=member,
               reason=f"Started a private conversation: {subject}"[:1000])
    notify(member.id, NotificationKind.MODERATOR_MESSAGE, details=subject)
    db.session.commit()
    return conversation


def write(author, conversation: Conversation, *, body: str) -> Message:
    """Answer in a conversation: the member, or any moderator (who notifies the member)."""
    require(can_write_in_conversation(author, conversation))
    text = prepare_text(body)
    begin_writing()
    now = utcnow()
    message = Message(conversation_id=conversation.id, author_id=author.id, body=text.body,
                      body_html=text.html, created_at=now)
    db.session.add(message)
    conversation.last_message_at = now
    if is_moderator(author) and author.id != conversation.member_id:
        notify(conversation.member_id, NotificationKind.MODERATOR_MESSAGE,
               details=conversation.subject)
    db.session.commit()
    return message
