"""Who may do what: the only home of access rules.

Every function is a pure question about a user and an object: no request, no writes.
Views, services and templates all ask these (they are Jinja globals too).
"""
from .models import Post, PostStatus, Thread

# Statuses anyone may see; the rest are seen by the post's author and moderators only.
PUBLIC_STATUSES = (PostStatus.PUBLISHED, PostStatus.DELETED)


def is_moderator(user) -> bool:
    return user.is_authenticated and user.is_moderator


def is_author(user, post: Post) -> bool:
    return user.is_authenticated and post.author_id == user.id


def can_see_thread(user, thread: Thread) -> bool:
    if thread.status in PUBLIC_STATUSES:
        return True
    if is_moderator(user):
        return True
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
