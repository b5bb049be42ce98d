"""Who may do what: the only home of access rules.

Every function is a pure question about a user and an object: no request, no writes.
Views, services and templates all ask these (they are Jinja globals too).
"""
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from flask import current_app

from .models import Post, PostStatus, Role, Thread, utcnow

NEW_ACCOUNT_LINK_HOLD = timedelta(hours=24)
# A flag counts towards hiding a post automatically only from a member with standing:
# an account at least this old with at least one approved post. Fresh accounts' flags still
# reach the queue; they just cannot take a post down on their own.
FLAG_STANDING_AGE = timedelta(hours=24)
# Silences and suspensions last 1 day to about ten years, or (suspensions) until further
# notice. A longer number is almost certainly a typo for "indefinitely".
MAX_SANCTION_DAYS = 3650

# Statuses anyone may see; the rest are seen by the post's author and moderators only.
PUBLIC_STATUSES = (PostStatus.PUBLISHED, PostStatus.DELETED)


def is_moderator(user) -> bool:
    return user.is_authenticated and user.is_moderator


def is_author(user, post: Post) -> bool:
    return user.is_authenticated and post.author_id == user.id


def can_see_category(user, category) -> bool:
    """Members-only categories (Family & friends) are for logged-in members: guests, and
    so search engines and feed readers, never see them or anything in them."""
    if category.members_only:
        return user.is_authenticated
    return True


def can_see_thread(user, thread: Thread) -> bool:
    if not can_see_category(user, thread.category):
        return False
    if thread.status == PostStatus.PUBLISHED:
        return True
    if is_moderator(user):
        return True
    if thread.status == PostStatus.DELETED:
        return False
    # Its author still sees a thread that is waiting for review, rejected or hidden.
    return user.is_authenticated and thread.author_id == user.id


def can_see_post(user, post: Post) -> bool:
    if not can_see_category(user, post.thread.category):
        return False
    if post.status in PUBLIC_STATUSES:
        return True
    if is_moderator(user):
        return True
    return is_author(user, post)


def needs_verified_email(user) -> bool:
    """Logged in with an address not yet confirmed, where posting needs one
    (REQUIRE_VERIFIED_EMAIL, on by default)."""
    if not user.is_authenticated or user.email_verified_at is not None:
        return False
    return bool(current_app.config.get("REQUIRE_VERIFIED_EMAIL", True))


def can_post(user) -> bool:
    """May write at all: logged in, address confirmed, not silenced, not suspended."""
    if not user.is_authenticated:
        return False
    if user.is_suspended:
        return False
    if needs_verified_email(user):
        return False
    return not user.is_silenced


def can_start_thread(user, category) -> bool:
    return can_post(user)


def can_reply(user, thread: Thread) -> bool:
    if not can_post(user):
        return False
    if thread.status != PostStatus.PUBLISHED and not is_moderator(user):
        return False
    if thread.is_locked:
        return is_moderator(user)
    return True


def can_edit_post(user, post: Post) -> bool:
    """Authors edit their own live posts; a locked thread freezes them."""
    if not can_post(user):
        return False
    if not is_author(user, post):
        return False
    if post.status not in (PostStatus.PUBLISHED, PostStatus.PENDING):
        return False
    return not post.thread.is_locked


def can_see_history(user, post: Post) -> bool:
    """Earlier versions may hold what the author removed on purpose: the author and the
    moderators only."""
    if post.status == PostStatus.DELETED and not is_moderator(user):
        return False
    return is_author(user, post) or is_moderator(user)


def can_delete_post(user, post: Post) -> bool:
    if not user.is_authenticated or user.is_suspended:
        return False
    if not is_author(user, post):
        return False
    # A rejected or hidden post is still its author's to remove.
    return post.status in (PostStatus.PUBLISHED, PostStatus.PENDING, PostStatus.REJECTED,
                           PostStatus.HIDDEN)


def can_resubmit(user, post: Post) -> bool:
    """Rewrite a post a moderator rejected or hid, and send it back for review. Silenced
    members wait; a locked thread freezes its posts."""
    if not can_post(user):
        return False
    if not is_author(user, post):
        return False
    if post.status not in (PostStatus.REJECTED, PostStatus.HIDDEN):
        return False
    return not post.thread.is_locked


def can_quote(user, post: Post, thread: Thread) -> bool:
    """Quote `post` in a reply to `thread`: a published post of that very thread."""
    if post.status != PostStatus.PUBLISHED:
        return False
    if post.thread_id != thread.id:
        return False
    return can_reply(user, thread)


# --- moderation ------------------------------------------------------------------

def can_moderate(user) -> bool:
    """Work the queue, hide and restore, edit others' posts, lock, pin, move, rename."""
    return is_moderator(user) and not user.is_suspended


def can_edit_as_moderator(user, post: Post) -> bool:
    """Edit someone's post (e.g. to remove a phone number). A deleted post is its author's
    decision: nobody edits it."""
    return can_moderate(user) and post.status != PostStatus.DELETED


class Move(StrEnum):
    """What a moderator can do to a post's status."""
    APPROVE = "approve"
    REJECT = "reject"
    HIDE = "hide"
    RESTORE = "restore"


# The post state machine, for moderators: from each status, the moves that make sense.
_MOVES = {
    PostStatus.PENDING: (Move.APPROVE, Move.REJECT),
    PostStatus.PUBLISHED: (Move.HIDE,),
    PostStatus.HIDDEN: (Move.RESTORE,),
    PostStatus.REJECTED: (Move.RESTORE,),
    PostStatus.DELETED: (),
}


def status_moves(user, post: Post) -> tuple[Move, ...]:
    """The status changes `user` may make to `post` now (templates loop over these)."""
    if not can_moderate(user):
        return ()
    return _MOVES[PostStatus(post.status)]


def can_move_post(user, post: Post, move: str) -> bool:
    return move in status_moves(user, post)


def can_change_roles(user) -> bool:
    return can_moderate(user) and user.is_admin


def can_change_role(user, member, role: str) -> bool:
    """Give `member` the role `role`: admins, for someone else, to a role they lack."""
    if not can_change_roles(user):
        return False
    if member.id == user.id:
        return False  # another admin must do it: no one promotes or demotes themselves
    return role in tuple(Role) and role != member.role


def is_valid_sanction_length(days: int | None, *, indefinitely: bool, kind: str) -> bool:
    """Silences need a number of days; suspensions a number of days or "indefinitely",
    never both."""
    if indefinitely:
        return kind == "suspend" and days is None
    return days is not None and 1 <= days <= MAX_SANCTION_DAYS


def can_sanction(moderator, member) -> bool:
    """Silence or suspend `member`. Moderators are sanctioned by admins only; admins by
    nobody (an admin who must go is demoted first, which is logged)."""
    if not can_moderate(moderator):
        return False
    if member.id == moderator.id or member.is_admin:
        return False
    return not member.is_moderator or moderator.is_admin


def can_read_conversation(user, conversation) -> bool:
    """A private conversation between the moderators and one member: that member and the
    moderators, nobody else (not even other members it mentions)."""
    if not user.is_authenticated:
        return False
    if is_moderator(user):
        return True
    return conversation.member_id == user.id and not user.is_suspended


def can_write_in_conversation(user, conversation) -> bool:
    """Answer in it: the member even when silenced (they may need help most then), and
    any moderator."""
    if not can_read_conversation(user, conversation):
        return False
    return can_moderate(user) or conversation.member_id == user.id


def can_message_member(user, member) -> bool:
    """Start a conversation with `member`: moderators, with anyone but themselves."""
    return can_moderate(user) and member.id != user.id


def can_erase_account(moderator, member) -> bool:
    """Erase `member`'s account at their request: moderators for members, admins for
    moderators too; admins' accounts only from the command line; nobody their own here
    (members use /settings/delete)."""
    if not can_moderate(moderator):
        return False
    if member.id == moderator.id or member.is_admin:
        return False
    if member.erased_at is not None:
        return False
    return not member.is_moderator or moderator.is_admin


def can_flag(user, post: Post) -> bool:
    if not can_post(user):
        return False
    if post.status != PostStatus.PUBLISHED:
        return False
    return post.author_id != user.id


def is_new_member(user) -> bool:
    """A fresh account: under a day old, or none of its posts approved yet. New members
    get stricter limits on posting, editing and flagging (config NEW_MEMBER_*)."""
    if user.approved_post_count < 1:
        return True
    return utcnow() - user.created_at < FLAG_STANDING_AGE


def has_flagging_standing(user) -> bool:
    """Whether this member's flag counts towards hiding a post automatically."""
    if user.approved_post_count < 1:
        return False
    return utcnow() - user.created_at >= FLAG_STANDING_AGE


def can_be_auto_hidden(post: Post) -> bool:
    """Flags alone never take down a moderator's or an admin's post: a moderator decides."""
    author = post.author
    return author is None or not author.is_moderator


class HoldReason(StrEnum):
    """Why a post (or an edit) waits for a moderator; each is explained to its author."""
    CATEGORY = "category"                  # this category reviews every post
    FIRST_POSTS = "first_posts"            # new members' first posts are read first
    NEW_ACCOUNT_LINK = "new_account_link"  # a link from an account under a day old
    MODERATOR_EDITED = "moderator_edited"  # a moderator changed this text or title


def review_reason(author, category, has_link: bool, *, threshold: int) -> HoldReason | None:
    """Why a new post waits for a moderator before anyone else sees it, or None."""
    if is_moderator(author):
        return None
    if category.requires_approval:
        return HoldReason.CATEGORY
    if author.approved_post_count < threshold:
        return HoldReason.FIRST_POSTS
    # Links from accounts younger than a day are the usual shape of spam.
    if has_link and utcnow() - author.created_at < NEW_ACCOUNT_LINK_HOLD:
        return HoldReason.NEW_ACCOUNT_LINK
    return None


def edit_review_reason(author, post: Post, *, has_link: bool, title_changed: bool,
                       threshold: int) -> HoldReason | None:
    """Why an edit of a published post waits for a moderator (readers keep the earlier
    version meanwhile), or None: the rules of a new post, and after a moderator changed
    the text or the thread's title, the author's next change to it."""
    reason = review_reason(author, post.thread.category, has_link, threshold=threshold)
    if reason is not None or is_moderator(author):
        return reason
    if post.edit_needs_review:
        return HoldReason.MODERATOR_EDITED
    if title_changed and post.thread.title_needs_review:
        return HoldReason.MODERATOR_EDITED
    return None


def must_be_reviewed(author, category, has_link: bool, *, threshold: int) -> bool:
    """Whether a new post waits for a moderator before anyone else sees it."""
    return review_reason(author, category, has_link, threshold=threshold) is not None


def can_mark_helped(user, post: Post) -> bool:
    """"This helped": a member, on someone else's published post in a thread they see."""
    if not can_post(user):
        return False
    if post.status != PostStatus.PUBLISHED or is_author(user, post):
        return False
    return can_see_thread(user, post.thread)


def can_see_helpers(user) -> bool:
    """Who found a post helpful is shown to members, never to guests (or search engines)."""
    return user.is_authenticated


@dataclass(frozen=True)
class PostActions:
    """What one viewer may do with one post, asked once per post for the thread page (the
    template mirrors these answers; each comes from the predicates above)."""
    quote: bool = False
    edit: bool = False
    resubmit: bool = False
    delete: bool = False
    flag: bool = False
    mark_helped: bool = False
    history: bool = False
    moderate: bool = False
    edit_as_moderator: bool = False
    moves: tuple = ()


NO_ACTIONS = PostActions()


def post_actions(user, post: Post, thread: Thread) -> PostActions:
    if not user.is_authenticated:
        return NO_ACTIONS  # readers without an account: nothing to ask
    moderate = can_moderate(user)
    return PostActions(
        quote=can_quote(user, post, thread),
        edit=can_edit_post(user, post),
        resubmit=can_resubmit(user, post),
        delete=can_delete_post(user, post),
        flag=can_flag(user, post),
        mark_helped=can_mark_helped(user, post),
        history=can_see_history(user, post),
        moderate=moderate,
        edit_as_moderator=moderate and can_edit_as_moderator(user, post),
        moves=status_moves(user, post) if moderate else (),
    )
