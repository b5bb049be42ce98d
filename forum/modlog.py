"""Writing the moderation log: one row per action, in the action's own transaction."""
from .errors import ValidationFailed
from .extensions import db
from .models import ModerationAction

REASON_MAX = 1000


def clean_reason(reason: str | None, *, required: bool = True, default: str = "") -> str:
    reason = (reason or "").strip()
    if not reason:
        if required:
            raise ValidationFailed([("reason", "Give a reason; it is shown to the member and "
                                               "in the moderation log.")])
        reason = default
    if len(reason) > REASON_MAX:
        raise ValidationFailed([("reason", f"Keep the reason under {REASON_MAX} characters.")])
    return reason


def log_action(actor, action: str, *, reason: str, post=None, thread=None, user=None,
               resource=None, details: str = "", until=None) -> ModerationAction:
    """Add the log row for an action (the caller commits). `actor` None is the system."""
    if post is not None:
        subject_id = post.author_id
    elif thread is not None:
        subject_id = thread.author_id
    elif user is not None:
        subject_id = user.id
    else:
        subject_id = None
    entry = ModerationAction(
        actor_id=actor.id if actor is not None else None, action=action, reason=reason,
        details=details[:200], until=until,
        post_id=post.id if post is not None else None,
        thread_id=thread.id if thread is not None else None,
        target_user_id=user.id if user is not None else None,
        resource_id=resource.id if resource is not None else None,
        subject_id=subject_id)
    db.session.add(entry)
    return entry
