"""Who may do what: the only home of access rules.

Every function is a pure question about a user and an object: no request, no writes.
Views, services and templates all ask these (they are Jinja globals too).
"""
from datetime import timedelta

from .models import Post, PostStatus, Thread, utcnow

NEW_ACCOUNT_LINK_HOLD = timedelta(hours=24)

# Statuses anyone may see; the rest are seen by the post's author and moderators only.
PUBLIC_STATUSES = (PostStatus.PUBLISHED, PostStatus.DELETED)


def is_moderator(user) -> bool:
    return user.is_authenticated and user.is_moderator


def is_author(user, post: Post) -> bool:
    return user.is_authenticated and post.author_id == user.id


def can_see_thread(user, thread: Thread) -> bool:
    if thread.status == PostStatus.PUBLISHED:
        return True
    if is_moderator(user):
        return True
    if thread.status == PostStatus.DELETED:
        return False
    # Its author still sees a thread that is waiting for review, rejected or hidden.
    return user.is_authenticated and thread.author_id == user.id


def can_see_post(user, post: Post) -> bool:
    if post.status in PUBLIC_STATUSES:
        return True
    if is_moderator(user):
        return True
    return is_author(user, post)


def can_post(user) -> bool:
    """May write at all: logged in, not silenced, not suspended."""
    if not user.is_authenticated:
        return False
    if user.is_suspended:
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


def can_delete_post(user, post: Post) -> bool:
    if not user.is_authenticated or user.is_suspended:
        return False
    if not is_author(user, post):
        return False
    return post.status in (PostStatus.PUBLISHED, PostStatus.PENDING)


def can_quote(user, post: Post, thread: Thread) -> bool:
    return post.status == PostStatus.PUBLISHED and can_reply(user, thread)


# --- moderation ------------------------------------------------------------------

def can_moderate(user) -> bool:
    """Work the queue, hide and restore, edit others' posts, lock, pin, move, rename."""
    return is_moderator(user) and not user.is_suspended


def can_change_roles(user) -> bool:
    return can_moderate(user) and user.is_admin


def can_sanction(moderator, member) -> bool:
    """Silence or suspend `member`. Moderators are sanctioned by admins only; admins by
    nobody (an admin who must go is demoted first, which is logged)."""
    if not can_moderate(moderator):
        return False
    if member.id == moderator.id or member.is_admin:
        return False
    return not member.is_moderator or moderator.is_admin


def can_flag(user, post: Post) -> bool:
    if not can_post(user):
        return False
    if post.status != PostStatus.PUBLISHED:
        return False
    return post.author_id != user.id


def must_be_reviewed(author, category, has_link: bool, *, threshold: int) -> bool:
    """Whether a new post waits for a moderator before anyone else sees it."""
    if is_moderator(author):
        return False
    if category.requires_approval:
        return True
    if author.approved_post_count < threshold:
        return True
    # Links from accounts younger than a day are the usual shape of spam.
    return has_link and utcnow() - author.created_at < NEW_ACCOUNT_LINK_HOLD
