"""Flagging a post. A flag always reaches the review queue; flags from enough members with
standing hide the post until a moderator looks (a system action, logged)."""
from flask import current_app
from sqlalchemy.exc import IntegrityError

from ..errors import ValidationFailed, require
from ..extensions import begin_writing, db
from ..modlog import log_action
from ..models import Action, Flag, FlagReason, NotificationKind, Post, PostStatus, utcnow
from ..notifications.services import notify
from ..permissions import can_be_auto_hidden, can_flag, has_flagging_standing
from ..posts import lifecycle
from .queries import count_standing_flaggers, has_flagged

NOTE_MAX = 1000


def flag_post(flagger, post: Post, *, reason: str, note: str = "") -> Flag:
    """Flag a post once. At AUTO_HIDE_FLAGS flags from different members with standing,
    the post is hidden until a moderator reviews it, unless a moderator wrote it."""
    require(can_flag(flagger, post))
    note = (note or "").strip()
    if reason not in tuple(FlagReason):
        raise ValidationFailed([("reason", "Choose why you are flagging this post.")])
    if reason == FlagReason.OTHER and not note:
        raise ValidationFailed([("note", "Tell the moderators what is wrong.")])
    if len(note) > NOTE_MAX:
        raise ValidationFailed([("note", f"Keep the note under {NOTE_MAX} characters.")])
    if has_flagged(flagger, post):
        raise ValidationFailed([("reason", "You have already flagged this post. Thank you: "
                                           "a moderator will look at it.")])
    begin_writing()
    flag = Flag(post_id=post.id, flagger_id=flagger.id, reason=reason, note=note)
    db.session.add(flag)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise ValidationFailed([("reason", "You have already flagged this post.")]) from None
    if has_flagging_standing(flagger) and _should_hide(post):
        _hide_automatically(post)
    db.session.commit()
    return flag


def _should_hide(post: Post) -> bool:
    if post.status != PostStatus.PUBLISHED or not can_be_auto_hidden(post):
        return False
    flaggers = count_standing_flaggers(post, now=utcnow())
    return flaggers >= current_app.config["AUTO_HIDE_FLAGS"]


def _hide_automatically(post: Post) -> None:
    flaggers = current_app.config["AUTO_HIDE_FLAGS"]
    reason = (f"Hidden automatically after {flaggers} members flagged it, until a moderator "
              "reviews it.")
    try:
        lifecycle.hide(None, post)
    except lifecycle.AlreadyHandled:
        return  # a moderator got there first
    log_action(None, Action.HIDE, reason=reason, post=post)
    notify(post.author_id, NotificationKind.POST_HIDDEN, post=post, reason=reason)
