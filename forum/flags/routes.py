from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..errors import ValidationFailed, require
from ..extensions import limiter
from ..forms import populate_errors
from ..permissions import can_flag
from ..ratelimits import member_key, member_limits
from ..threads import queries as thread_queries
from . import bp, services
from .forms import FlagForm


@bp.route("/p/<int(signed=True):post_id>/flag", methods=["GET", "POST"])
@login_required
@limiter.limit(member_limits("FLAG"), methods=["POST"], key_func=member_key)
def flag_post(post_id):
    post = thread_queries.get_visible_post(post_id, current_user)
    require(can_flag(current_user, post))
    form = FlagForm()
    if form.validate_on_submit():
        try:
            services.flag_post(current_user, post, reason=form.reason.data, note=form.note.data)
        except ValidationFailed as failure:
            populate_errors(form, failure)
        else:
            flash("Thank you. A moderator will look at this post.", "success")
            page = thread_queries.page_of_post(post)
            return redirect(url_for("threads.show_thread", thread_id=post.thread_id,
                                    **({"page": page} if page > 1 else {}),
                                    _anchor=f"p{post.id}"))
    status = 422 if form.errors else 200
    return render_template("flags/flag.html", post=post, form=form), status
