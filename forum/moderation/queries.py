"""Reading for moderators: the review queue, members' histories, the logs."""
from dataclasses import dataclass, field

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from ..errors import NotFound, check_id
from ..extensions import db
from ..models import (PUBLIC_ACTIONS, Action, EditStatus, Flag, FlagReason, ModerationAction,
                      Post, PostStatus, ProfessionalApplication, ProposedEdit, Thread, User)

QUEUE_LIMIT = 100
LOG_PAGE = 50


@dataclass
class QueueItem:
    post: Post
    flags: list[Flag] = field(default_factory=list)
    at_risk: bool = False
    # An edit of this published post, waiting for review.
    edit: ProposedEdit | None = None


def _open_flags():
    return (select(Flag.post_id,
                   func.max(case((Flag.reason == FlagReason.AT_RISK, 1), else_=0)).label("at_risk"),
                   func.count(Flag.id).label("flags"),
                   func.min(Flag.created_at).label("first_flag"))
            .where(Flag.resolved_at.is_(None)).group_by(Flag.post_id).subquery())


def _waits(flags):
    """SQL condition: a post that is in the queue (held, flagged, or with a waiting edit)."""
    return or_(Post.status == PostStatus.PENDING, flags, Post.edit_pending.is_(True))


def count_waiting() -> int:
    """Posts and professional applications waiting for a moderator (one query)."""
    flagged = select(Flag.post_id).where(Flag.resolved_at.is_(None))
    posts = select(func.count(Post.id)).where(_waits(Post.id.in_(flagged))).scalar_subquery()
    applications = select(func.count(ProfessionalApplication.id)).where(
        ProfessionalApplication.status == "pending").scalar_subquery()
    return db.session.scalar(select(posts + applications))


def list_queue() -> list[QueueItem]:
    """Everything waiting: "someone may be at risk" first, then most flags, then oldest."""
    flags = _open_flags()
    rows = db.session.execute(
        select(Post, flags.c.at_risk)
        .outerjoin(flags, flags.c.post_id == Post.id)
        .where(_waits(flags.c.flags > 0))
        .options(joinedload(Post.author), joinedload(Post.thread))
        .order_by(func.coalesce(flags.c.at_risk, 0).desc(),
                  func.coalesce(flags.c.flags, 0).desc(),
                  func.coalesce(flags.c.first_flag, Post.created_at).asc(), Post.id)
        .limit(QUEUE_LIMIT)).all()
    items = {post.id: QueueItem(post=post, at_risk=bool(at_risk)) for post, at_risk in rows}
    if items:
        for flag in db.session.scalars(
                select(Flag).where(Flag.post_id.in_(items), Flag.resolved_at.is_(None))
                .options(joinedload(Flag.flagger)).order_by(Flag.created_at)):
            items[flag.post_id].flags.append(flag)
        for edit in db.session.scalars(
                select(ProposedEdit).where(ProposedEdit.post_id.in_(items),
                                           ProposedEdit.status == EditStatus.PENDING)):
            items[edit.post_id].edit = edit
    return list(items.values())


def get_pending_edit(edit_id: int) -> ProposedEdit:
    edit = db.session.get(ProposedEdit, check_id(edit_id))
    if edit is None:
        raise NotFound()
    return edit


def hidden_by_system(post: Post) -> bool:
    """Whether the post's latest hiding was the system's (after flags), not a moderator's."""
    last_hide = db.session.scalar(
        select(ModerationAction).where(ModerationAction.post_id == post.id,
                                       ModerationAction.action == Action.HIDE)
        .order_by(ModerationAction.id.desc()).limit(1))
    return last_hide is not None and last_hide.actor_id is None


@dataclass
class MemberHistory:
    published: int
    actions: int


def member_histories(user_ids: set[int]) -> dict[int, MemberHistory]:
    """Post and moderation counts for the authors shown in the queue, in two queries."""
    if not user_ids:
        return {}
    published = dict(db.session.execute(
        select(Post.author_id, func.count(Post.id))
        .where(Post.author_id.in_(user_ids), Post.status == PostStatus.PUBLISHED)
        .group_by(Post.author_id)).all())
    actions = dict(db.session.execute(
        select(ModerationAction.subject_id, func.count(ModerationAction.id))
        .where(ModerationAction.subject_id.in_(user_ids),
               ModerationAction.action.in_(("reject", "hide", "edit_post", "silence", "suspend")))
        .group_by(ModerationAction.subject_id)).all())
    return {uid: MemberHistory(published.get(uid, 0), actions.get(uid, 0)) for uid in user_ids}


def latest_outreach(post_ids: list[int]) -> dict[int, ModerationAction]:
    """The latest "reached out" note on each at-risk post shown in the queue (one query,
    none when there is nothing at risk)."""
    if not post_ids:
        return {}
    notes = {}
    for entry in db.session.scalars(
            select(ModerationAction).where(ModerationAction.post_id.in_(post_ids),
                                           ModerationAction.action == Action.REACHED_OUT)
            .options(joinedload(ModerationAction.actor)).order_by(ModerationAction.id)):
        notes[entry.post_id] = entry
    return notes


def _get(model, row_id: int):
    row = db.session.get(model, check_id(row_id))
    if row is None:
        raise NotFound()
    return row


def get_member(user_id: int) -> User:
    return _get(User, user_id)


def get_post(post_id: int) -> Post:
    return _get(Post, post_id)


def get_application(application_id: int) -> ProfessionalApplication:
    return _get(ProfessionalApplication, application_id)


def get_thread(thread_id: int) -> Thread:
    return _get(Thread, thread_id)


def _log_query(public: bool):
    query = (select(ModerationAction)
             .options(joinedload(ModerationAction.actor), joinedload(ModerationAction.post),
                      joinedload(ModerationAction.thread),
                      joinedload(ModerationAction.target_user),
                      joinedload(ModerationAction.subject),
                      joinedload(ModerationAction.resource))
             .order_by(ModerationAction.id.desc()))
    if public:
        query = query.where(ModerationAction.action.in_(PUBLIC_ACTIONS))
    return query


def list_log(*, public: bool, before: int | None = None, actor_id: int | None = None,
             action: str | None = None, member_id: int | None = None) -> list[ModerationAction]:
    """A page of the log, newest first (`before`: an id, for the next page)."""
    query = _log_query(public)
    if before:
        query = query.where(ModerationAction.id < before)
    if actor_id:
        query = query.where(ModerationAction.actor_id == actor_id)
    if action:
        query = query.where(ModerationAction.action == action)
    if member_id:
        query = query.where(ModerationAction.subject_id == member_id)
    return list(db.session.scalars(query.limit(LOG_PAGE)))


def list_moderators() -> list[User]:
    return list(db.session.scalars(select(User).where(User.role.in_(("moderator", "admin")))
                                   .order_by(User.username)))


def list_sanctions(user) -> list[ModerationAction]:
    """Sanctions on `user`'s account, newest first, for their settings page."""
    return list(db.session.scalars(
        select(ModerationAction)
        .where(ModerationAction.target_user_id == user.id,
               ModerationAction.action.in_(("silence", "suspend", "lift")))
        .order_by(ModerationAction.id.desc())))


def list_member_posts(user, limit: int = 20) -> list[Post]:
    return list(db.session.scalars(
        select(Post).where(Post.author_id == user.id)
        .options(selectinload(Post.thread)).order_by(Post.id.desc()).limit(limit)))


def list_pending_applications() -> list[ProfessionalApplication]:
    return list(db.session.scalars(
        select(ProfessionalApplication).where(ProfessionalApplication.status == "pending")
        .options(joinedload(ProfessionalApplication.user))
        .order_by(ProfessionalApplication.created_at)))


def latest_application(member: User) -> ProfessionalApplication | None:
    return db.session.scalar(select(ProfessionalApplication)
                             .where(ProfessionalApplication.user_id == member.id)
                             .order_by(ProfessionalApplication.id.desc()).limit(1))
