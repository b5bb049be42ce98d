"""E-mail about notifications, through the mail outbox, as each member chose.

Subjects are fixed phrases: never a post's text or a thread's title (they would show on
lock screens and in mail providers' logs). Every message ends with a signed link that
turns that kind of mail off without logging in.
"""
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from ..auth.tokens import link
from ..extensions import db
from ..mail.outbox import enqueue
from ..models import EmailChoice, NotificationKind, NotificationSettings, User, utcnow

# Which setting governs which kind; anything else (moderators' notices and messages) is
# "moderation".
SETTING_OF_KIND = {
    NotificationKind.REPLY: "email_replies", NotificationKind.NEW_THREAD: "email_replies",
    NotificationKind.MENTION: "email_mentions", NotificationKind.QUOTE: "email_quotes",
    NotificationKind.HELPED: "email_helped",
}
SETTINGS = ("email_replies", "email_mentions", "email_quotes", "email_helped",
            "email_moderation")
SETTING_LABELS = {
    "email_replies": "New replies in threads I watch and categories I follow",
    "email_mentions": "Someone mentions me (@name)",
    "email_quotes": "Someone quotes my post",
    "email_helped": "Someone found my post helpful",
    "email_moderation": "Messages and notices from the moderators",
}
SUBJECTS = {
    "email_replies": "New replies in a conversation you follow",
    "email_mentions": "Someone mentioned you on the forum",
    "email_quotes": "Someone quoted your post",
    "email_helped": "Someone found your post helpful",
    "email_moderation": "News from the forum's moderators",
}
UNSUBSCRIBE_SALT = "forum.unsubscribe"


def setting_for(kind: str) -> str:
    return SETTING_OF_KIND.get(kind, "email_moderation")


def settings_of(user_id: int) -> NotificationSettings:
    """The member's settings (a transient row with the defaults when they chose none)."""
    settings = db.session.get(NotificationSettings, user_id)
    if settings is None:
        settings = NotificationSettings(user_id=user_id, watch_on_post=True,
                                        email_replies=EmailChoice.OFF,
                                        email_mentions=EmailChoice.INSTANT,
                                        email_quotes=EmailChoice.OFF,
                                        email_helped=EmailChoice.OFF,
                                        email_moderation=EmailChoice.INSTANT)
    return settings


def send_if_wanted(user_id: int, kind: str, *, post=None) -> None:
    setting = setting_for(kind)
    settings = settings_of(user_id)
    if getattr(settings, setting) != EmailChoice.INSTANT:
        return
    user = db.session.get(User, user_id)
    if user is None or not _can_receive(user):
        return
    where = link(f"/p/{post.id}") if post is not None else link("/notifications")
    text = (f"Hello {user.username},\n\n{_LINES[setting]}\n\n{where}\n\n"
            f"All your notifications: {link('/notifications')}\n\n"
            f"To stop these e-mails: {unsubscribe_link(user, setting)}\n"
            f"Change what we send you: {link('/settings/notifications')}\n")
    enqueue(user.email, SUBJECTS[setting], text, kind="notification", user_id=user.id)


_LINES = {
    "email_replies": "There is something new in a conversation you follow.",
    "email_mentions": "Someone mentioned you in a post.",
    "email_quotes": "Someone quoted one of your posts.",
    "email_helped": "Someone found one of your posts helpful.",
    "email_moderation": "The moderators have something for you.",
}


def _can_receive(user: User) -> bool:
    if getattr(user, "is_erased", False):
        return False
    if hasattr(user, "email_verified_at") and user.email_verified_at is None:
        return False  # never mail an address its owner has not confirmed
    return bool(user.email)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(user: User, setting: str) -> str:
    return _serializer().dumps({"u": user.id, "s": setting})


def unsubscribe_link(user: User, setting: str) -> str:
    return link(f"/unsubscribe/{unsubscribe_token(user, setting)}")


def read_unsubscribe_token(token: str) -> tuple[User, str] | None:
    """The member and setting a link was made for; None for a forged or unusable one."""
    if not token or len(token) > 500:
        return None
    try:
        payload = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("s") not in SETTINGS \
            or not isinstance(payload.get("u"), int):
        return None
    user = db.session.get(User, payload["u"])
    if user is None or getattr(user, "is_erased", False):
        return None
    return user, payload["s"]


def unsubscribe(user: User, setting: str) -> None:
    """Turn one kind of e-mail off; commits."""
    save_settings(user, **{setting: EmailChoice.OFF})


def save_settings(user: User, **values) -> NotificationSettings:
    """Change the member's notification settings; commits."""
    settings = db.session.get(NotificationSettings, user.id)
    if settings is None:
        settings = settings_of(user.id)
        db.session.add(settings)
    for name, value in values.items():
        if name == "watch_on_post":
            settings.watch_on_post = bool(value)
        elif name in SETTINGS and value in tuple(EmailChoice):
            setattr(settings, name, value)
    db.session.commit()
    return settings


def send_daily_digests() -> int:
    """One e-mail per member who chose a daily digest and has unread notifications of
    those kinds since the last one; commits. Returns how many were queued."""
    from .services import unread_since

    sent = 0
    daily = select(NotificationSettings).where(
        (NotificationSettings.email_replies == EmailChoice.DAILY)
        | (NotificationSettings.email_mentions == EmailChoice.DAILY)
        | (NotificationSettings.email_quotes == EmailChoice.DAILY)
        | (NotificationSettings.email_helped == EmailChoice.DAILY)
        | (NotificationSettings.email_moderation == EmailChoice.DAILY))
    for settings in db.session.scalars(daily).all():
        user = db.session.get(User, settings.user_id)
        if user is None or not _can_receive(user):
            continue
        wanted = {s for s in SETTINGS if getattr(settings, s) == EmailChoice.DAILY}
        notes = [n for n in unread_since(user, settings.digest_sent_at)
                 if setting_for(n.kind) in wanted]
        settings.digest_sent_at = utcnow()
        if not notes:
            continue
        counts = {}
        for note in notes:
            counts[setting_for(note.kind)] = counts.get(setting_for(note.kind), 0) + 1
        lines = "\n".join(f"- {SETTING_LABELS[s]}: {n}" for s, n in sorted(counts.items()))
        offs = "\n".join(f"Stop “{SETTING_LABELS[s]}”: {unsubscribe_link(user, s)}"
                         for s in sorted(wanted))
        text = (f"Hello {user.username},\n\nSince the last digest:\n{lines}\n\n"
                f"Read them: {link('/notifications')}\n\n{offs}\n")
        enqueue(user.email, "Your daily summary from the forum", text, kind="digest",
                user_id=user.id)
        sent += 1
    db.session.commit()
    return sent
