"""Erasure: a member leaves entirely (GDPR Art. 17).

At once: the e-mail address, bio, password hash, two-factor secret, recovery codes,
sessions, consent records, notifications, queued mail, professional application and
conversations with the moderators. The account row stays, holding only the reserved name
skeleton (so nobody can take the name) and shown as "a former member" everywhere.

The member chooses for their posts: remove the text (forum/posts/lifecycle.erase_text:
placeholders, revisions purged, and quotes of them in others' posts replaced), or keep
them attributed to "a former member". Flags they made stay for the moderators, unlinked;
moderation-log rows stay, with "a former member" as the target.

Tables other areas add are covered without being named: every column that points at the
account is unlinked (nullable) or its row deleted (not nullable).
"""
from sqlalchemy import delete, or_, select, update

from ..errors import ValidationFailed, require
from ..extensions import db
from ..models import (Action, ModerationAction, Notification, OutboxMessage, Post,
                      PostStatus, User, utcnow)
from ..modlog import log_action
from ..passwords import verify_password
from ..permissions import can_erase_account
from ..posts import lifecycle
from ..auth import twofactor
from ..auth.services import WRONG_PASSWORD

FORMER_MEMBER = "a former member"
# Handled by the lifecycle (authorship of posts and threads, revisions' editors) or kept
# on purpose (the moderation log names its target; the row itself is anonymous now).
_HANDLED_ELSEWHERE = {("posts", "author_id"), ("threads", "author_id"),
                      ("threads", "last_poster_id"), ("revisions", "editor_id")}
_KEPT_TABLES = {"users", "moderation_actions"}
BATCH = 500


def erase_own_account(member: User, *, password: str, code: str, remove_posts: bool) -> None:
    """The member deletes their account: needs the password, and the second factor when
    they use one."""
    if not verify_password(member.password_hash, password):
        raise ValidationFailed([("password", WRONG_PASSWORD)])
    if member.has_two_factor and not twofactor.check_second_factor(member, code):
        raise ValidationFailed([("code", twofactor.WRONG_CODE)])
    erase_account(member, remove_posts=remove_posts, actor=member)


def erase_on_request(moderator, member: User, *, remove_posts: bool, reason: str) -> None:
    """A moderator erases an account its owner asked them to (logged, not public)."""
    require(can_erase_account(moderator, member))
    if not (reason or "").strip():
        raise ValidationFailed([("reason", "Say how the member asked (it is logged for "
                                           "the moderators).")])
    erase_account(member, remove_posts=remove_posts, actor=moderator, reason=reason.strip())


def erase_account(member: User, *, remove_posts: bool, actor=None,
                  reason: str | None = None) -> None:
    """Erase `member` (see the module's docstring) and commit. `actor`: the member, a
    moderator (who logs it), or None for an administrator on the command line."""
    if member.is_erased:
        raise ValidationFailed([("username", "This account was erased already.")])
    actor_id = actor.id if actor is not None else None
    removed_texts: list[str] = []
    if remove_posts:
        removed_texts = _remove_posts(member, actor_id)
    else:
        _relabel_quotes_of(member, actor_id)
    lifecycle.unlink_author(member.id)
    _forget_mail(member, removed_texts)
    if remove_posts:
        _forget_notifications_about_removed_posts()
    _unlink_everywhere(member)
    if actor is not None and actor.id != member.id:
        log_action(actor, Action.ERASE_ACCOUNT, user=member, reason=reason or "On request.")
    elif actor is None:
        log_action(None, Action.ERASE_ACCOUNT, user=member,
                   reason=reason or "Erased by an administrator on the server, on request.")
    _blank_account(member)
    _purge_search_index()
    db.session.commit()


def _remove_posts(member: User, actor_id: int | None) -> list[str]:
    """Erase the text of every post of the member (in batches); returns the texts, so
    mail queued for others can be checked for them."""
    texts = []
    last_id = 0
    removed_ids: set[int] = set()
    while True:
        posts = db.session.scalars(
            select(Post).where(Post.author_id == member.id, Post.id > last_id,
                               Post.text_removed_at.is_(None))
            .order_by(Post.id).limit(BATCH)).all()
        if not posts:
            break
        for post in posts:
            if post.body:
                texts.append(post.body)
            if post.position == 1:
                texts.append(post.thread.title)
            removed_ids.add(post.id)
            lifecycle.erase_text(post, actor_id=actor_id)
        last_id = posts[-1].id
    _remove_quotes_of(removed_ids, actor_id)
    return texts


def _relabel_quotes_of(member: User, actor_id: int | None) -> None:
    """Kept posts stay attributed to "a former member", and so do others' quotes of them:
    the name in "[name wrote](/p/<id>):" goes, the quoted words stay."""
    own_ids = set(db.session.scalars(select(Post.id).where(Post.author_id == member.id)))
    _walk_quotes_of(own_ids, post=lambda post: lifecycle.relabel_quotes(
                        post, own_ids, actor_id=actor_id),
                    revision=lambda revision: lifecycle.relabel_quotes_in_revision(
                        revision, own_ids))


def _remove_quotes_of(removed_ids: set[int], actor_id: int | None) -> None:
    """Others' posts that quote any removed post: the quoted passage goes."""
    _walk_quotes_of(removed_ids, post=lambda post: lifecycle.remove_quotes(
                        post, removed_ids, actor_id=actor_id),
                    revision=lambda revision: lifecycle.remove_quotes_from_revision(
                        revision, removed_ids))


def _walk_quotes_of(quoted_ids: set[int], *, post, revision) -> None:
    """Call `post` on every live post, and `revision` on every earlier version, that
    quotes one of `quoted_ids` (found by the quote's link back, in batches). Earlier
    versions may quote them even where the current text no longer does."""
    if not quoted_ids:
        return
    last_id = 0
    while True:
        batch = db.session.scalars(
            select(Post).where(Post.body.contains("](/p/"), Post.id > last_id,
                               Post.text_removed_at.is_(None))
            .order_by(Post.id).limit(BATCH)).all()
        if not batch:
            break
        for quoting in batch:
            if lifecycle.quoted_post_ids(quoting.body) & quoted_ids:
                post(quoting)
        last_id = batch[-1].id
    from ..models import Revision
    for earlier in db.session.scalars(select(Revision).where(
            Revision.body.contains("](/p/"))):
        if lifecycle.quoted_post_ids(earlier.body) & quoted_ids:
            revision(earlier)


def _forget_mail(member: User, removed_texts: list[str]) -> None:
    db.session.execute(delete(OutboxMessage).where(or_(
        OutboxMessage.user_id == member.id, OutboxMessage.to_address == member.email)))
    if not removed_texts:
        return
    # Mail for others still waiting that quotes a removed post (a notification): dropped.
    needles = [" ".join(text.split())[:80] for text in removed_texts if text.strip()]
    waiting = db.session.scalars(select(OutboxMessage).where(OutboxMessage.sent_at.is_(None)))
    for message in waiting:
        content = " ".join(f"{message.text}\n{message.html or ''}".split())
        if any(needle in content for needle in needles):
            db.session.delete(message)


def _forget_notifications_about_removed_posts() -> None:
    removed = select(Post.id).where(Post.text_removed_at.is_not(None),
                                    Post.status == PostStatus.DELETED)
    db.session.execute(delete(Notification).where(Notification.post_id.in_(removed)))


def _unlink_everywhere(member: User) -> None:
    """Every other row that points at the account: unlinked, or deleted if it cannot be."""
    for table in reversed(db.metadata.sorted_tables):
        if table.name in _KEPT_TABLES:
            continue
        for column in table.columns:
            if (table.name, column.name) in _HANDLED_ELSEWHERE:
                continue
            if not any(fk.column.table.name == "users" for fk in column.foreign_keys):
                continue
            if column.nullable:
                db.session.execute(update(table).where(column == member.id)
                                   .values({column.name: None}))
            else:
                db.session.execute(delete(table).where(column == member.id))


def _blank_account(member: User) -> None:
    member.username = FORMER_MEMBER  # shown wherever the account is named
    member.email = member.email_key = f"erased-{member.id}@erased.invalid"
    member.password_hash = "!"  # no password matches
    member.bio = member.bio_html = ""
    member.totp_secret = None
    member.totp_enabled_at = None
    member.totp_last_step = None
    member.email_verified_at = None
    member.health_consent_version = None
    member.verified_profession = None
    member.hide_activity = True
    member.unread_notifications = 0
    member.session_version += 1  # every session ends
    member.erased_at = utcnow()


def _purge_search_index() -> None:
    """Deleted rows leave their words in an FTS5 index's segments until it is merged."""
    try:
        from ..search import index
    except ImportError:  # a forum without the search area
        return
    index.compact()


def list_erased_log(member: User) -> list[ModerationAction]:
    return list(db.session.scalars(select(ModerationAction).where(
        ModerationAction.target_user_id == member.id)))
