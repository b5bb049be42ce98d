"""post_actions(viewer, post, thread) answers exactly what the single predicates answer."""
import pytest
from flask_login import AnonymousUserMixin

from forum import permissions
from forum.models import PostStatus

from .factories import make_post, make_thread, make_user


@pytest.mark.parametrize("status", list(PostStatus))
@pytest.mark.parametrize("locked", [False, True])
def test_post_actions_agree_with_the_predicates(app, alice, bob, mia, ada, fred, status, locked):
    thread = make_thread(alice)
    post = make_post(bob, thread)
    post.status = status
    if locked:
        from forum.models import utcnow
        thread.locked_at = utcnow()
    viewers = [AnonymousUserMixin(), alice, bob, mia, ada, fred,
               make_user("quiet", silenced=True), make_user("newbie", new=True)]
    for viewer in viewers:
        actions = permissions.post_actions(viewer, post, thread)
        moderate = permissions.can_moderate(viewer)
        assert actions == permissions.PostActions(
            quote=permissions.can_quote(viewer, post, thread),
            edit=permissions.can_edit_post(viewer, post),
            resubmit=permissions.can_resubmit(viewer, post),
            delete=permissions.can_delete_post(viewer, post),
            flag=permissions.can_flag(viewer, post),
            mark_helped=permissions.can_mark_helped(viewer, post),
            history=permissions.can_see_history(viewer, post),
            moderate=moderate,
            edit_as_moderator=moderate and permissions.can_edit_as_moderator(viewer, post),
            moves=permissions.status_moves(viewer, post),
        ), (viewer, status, locked)
