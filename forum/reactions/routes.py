from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..extensions import limiter
from ..forms import ConfirmForm
from ..models import PostStatus
from ..permissions import can_see_helpers
from ..ratelimits import member_key
from ..threads.queries import get_visible_post, page_of_post
from . import bp, queries, services

_helped_limit = limiter.limit(lambda: current_app.config["HELPED_LIMITS"],
                              key_func=member_key, methods=["POST"])


def _back_to(post):
    page = page_of_post(post)
    return redirect(url_for("threads.show_thread", thread_id=post.thread_id,
                            **({"page": page} if page > 1 else {}), _anchor=f"p{post.id}"))


@bp.post("/p/<int(signed=True):post_id>/helped")
@login_required
@_helped_limit
def mark(post_id):
    post = get_visible_post(post_id, current_user)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if services.mark_helped(current_user, post):
        flash("Thank you: its author will know it helped.", "success")
    return _back_to(post)


@bp.post("/p/<int(signed=True):post_id>/helped/undo")
@login_required
@_helped_limit
def undo(post_id):
    post = get_visible_post(post_id, current_user)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.undo_helped(current_user, post)
    return _back_to(post)


@bp.get("/p/<int(signed=True):post_id>/helped")
@login_required
def helpers(post_id):
    post = get_visible_post(post_id, current_user)
    if post.status != PostStatus.PUBLISHED or not can_see_helpers(current_user):
        abort(404)
    return render_template("reactions/helpers.html", post=post,
                           helpers=queries.list_helpers(post))
