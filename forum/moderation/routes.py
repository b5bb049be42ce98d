from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from ..errors import ValidationFailed, require
from ..permissions import MAX_SANCTION_DAYS, can_edit_as_moderator
from ..redirects import safe_next
from ..forms import populate_errors
from ..models import ACTION_LABELS
from ..threads import queries as thread_queries
from . import bp, queries, sanctions, services, verification
from .forms import (ModeratorEditForm, MoveForm, PinForm, ReasonForm, RenameForm, RoleForm,
                    SanctionForm)

ALREADY_HANDLED = "Another moderator already handled this; the queue shows where it stands now."


def _back(default: str):
    return redirect(safe_next(request.form.get("next")) or default)


def _run(action, done: str, default_back: str):
    """Call a service; report success, a refusal or a lost race as a flash message."""
    try:
        action()
    except services.AlreadyHandled:
        flash(ALREADY_HANDLED, "warning")
    except ValidationFailed as failure:
        for _, message in failure.errors:
            flash(message, "error")
    else:
        flash(done, "success")
    return _back(default_back)


@bp.get("/queue")
def queue():
    items = queries.list_queue()
    return render_template("moderation/queue.html", items=items,
                           applications=queries.list_pending_applications(),
                           histories=queries.member_histories(
                               {i.post.author_id for i in items if i.post.author_id}),
                           outreach=queries.latest_outreach([i.post.id for i in items
                                                             if i.at_risk]),
                           form=ReasonForm())


POST_ACTIONS = {
    "approve": (lambda mod, post, reason: services.approve_post(mod, post), "Post approved."),
    "reject": (lambda mod, post, reason: services.reject_post(mod, post, reason=reason),
               "Post rejected. The author has been told why."),
    "hide": (lambda mod, post, reason: services.hide_post(mod, post, reason=reason),
             "Post hidden. The author has been told why."),
    "restore": (lambda mod, post, reason: services.restore_post(mod, post, reason=reason),
                "Post restored."),
    "dismiss": (lambda mod, post, reason: services.dismiss_flags(mod, post, reason=reason),
                "Flags dismissed."),
    "reached_out": (lambda mod, post, reason: services.record_outreach(
        mod, post, outcome=reason, handled=False),
        "Noted that you reached out. It stays in the queue until someone marks it handled."),
    "handled": (lambda mod, post, reason: services.record_outreach(
        mod, post, outcome=reason, handled=True),
        "Marked handled. Your note is kept in the moderators' log."),
}

EDIT_ACTIONS = {
    "approve": (lambda mod, edit, reason: services.approve_edit(mod, edit),
                "Edit approved. Readers see the new text now."),
    "reject": (lambda mod, edit, reason: services.reject_edit(mod, edit, reason=reason),
               "Edit rejected. The post stays as it was, and the author has been told why."),
}


@bp.post("/posts/<int:post_id>/"
         "<any(approve, reject, hide, restore, dismiss, reached_out, handled):verb>")
def post_action(post_id, verb):
    post = queries.get_post(post_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash("That form had expired; try again.", "error")
        return _back(url_for(".queue"))
    service, done = POST_ACTIONS[verb]
    return _run(lambda: service(current_user, post, form.reason.data), done, url_for(".queue"))


@bp.post("/edits/<int:edit_id>/<any(approve, reject):verb>")
def edit_action(edit_id, verb):
    edit = queries.get_pending_edit(edit_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash("That form had expired; try again.", "error")
        return _back(url_for(".queue"))
    service, done = EDIT_ACTIONS[verb]
    return _run(lambda: service(current_user, edit, form.reason.data), done, url_for(".queue"))


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
def edit_post(post_id):
    post = queries.get_post(post_id)
    require(can_edit_as_moderator(current_user, post))
    form = ModeratorEditForm()
    if request.method == "GET":
        form.body.data = post.body
    elif form.validate_on_submit():
        try:
            services.moderator_edit_post(current_user, post, body=form.body.data,
                                         reason=form.reason.data)
        except ValidationFailed as failure:
            populate_errors(form, failure)
        else:
            flash("Post edited. The author has been told why.", "success")
            return redirect(url_for("threads.permalink", post_id=post.id))
    return render_template("moderation/edit_post.html", post=post, form=form), \
        (422 if form.errors else 200)


@bp.post("/threads/<int:thread_id>/<any(lock, unlock, pin, unpin, move, rename):verb>")
def thread_action(thread_id, verb):
    thread = queries.get_thread(thread_id)
    back = url_for("threads.show_thread", thread_id=thread.id)
    form = {"move": MoveForm, "rename": RenameForm, "pin": PinForm}.get(verb, ReasonForm)()
    if verb == "move":
        form.category.choices = [SelectChoice(c.id, c.name)
                                 for c in thread_queries.list_categories(viewer=current_user)]
    if not form.validate_on_submit():
        flash("Choose where the thread goes, then try again." if verb == "move"
              else "That form had expired; try again.", "error")
        return _back(back)
    reason = form.reason.data
    actions = {
        "lock": lambda: sanctions.lock_thread(current_user, thread, reason=reason),
        "unlock": lambda: sanctions.unlock_thread(current_user, thread, reason=reason),
        "pin": lambda: sanctions.pin_thread(current_user, thread, reason=reason,
                                            globally=form.scope.data == "site"),
        "unpin": lambda: sanctions.unpin_thread(current_user, thread, reason=reason),
        "move": lambda: sanctions.move_thread(
            current_user, thread, thread_queries.get_category_by_id(form.category.data),
            reason=reason),
        "rename": lambda: sanctions.rename_thread(current_user, thread, title=form.title.data,
                                                  reason=reason),
    }
    done = {"lock": "Thread locked.", "unlock": "Thread unlocked.", "pin": "Thread pinned.",
            "unpin": "Thread unpinned.", "move": "Thread moved.", "rename": "Thread renamed."}
    return _run(actions[verb], done[verb], back)


@bp.get("/users/<int:user_id>")
def member(user_id):
    user = queries.get_member(user_id)
    return render_template("moderation/member.html", member=user,
                           posts=queries.list_member_posts(user),
                           counts=queries.member_histories({user.id})[user.id],
                           history=queries.list_log(public=False, member_id=user.id),
                           sanction_form=SanctionForm(), role_form=RoleForm(role=user.role),
                           lift_form=ReasonForm())


@bp.post("/users/<int:user_id>/<any(silence, suspend, lift, role):verb>")
def member_action(user_id, verb):
    user = queries.get_member(user_id)
    back = url_for(".member", user_id=user.id)
    form = {"role": RoleForm, "lift": ReasonForm}.get(verb, SanctionForm)()
    if not form.validate_on_submit():
        flash(f"Give the number of days (1 to {MAX_SANCTION_DAYS}), or choose indefinitely.",
              "error")
        return _back(back)
    reason = form.reason.data
    actions = {
        "silence": lambda: sanctions.silence_user(current_user, user, days=form.days.data,
                                                  reason=reason),
        "suspend": lambda: sanctions.suspend_user(
            current_user, user, days=form.days.data,
            indefinitely=bool(form.indefinitely.data), reason=reason),
        "lift": lambda: sanctions.lift_sanction(current_user, user, reason=reason),
        "role": lambda: sanctions.change_role(current_user, user, form.role.data, reason=reason),
    }
    done = {"silence": f"{user.username} is silenced.", "lift": "Sanction lifted.",
            "suspend": f"{user.username} is suspended.", "role": "Role changed."}[verb]
    return _run(actions[verb], done, back)


def _int_arg(name: str) -> int | None:
    raw = request.args.get(name, "")
    return int(raw) if raw.isdigit() and len(raw) <= 18 else None


@bp.get("/log")
def log():
    entries = queries.list_log(public=False, before=_int_arg("before"),
                               actor_id=_int_arg("moderator"),
                               action=request.args.get("action") or None,
                               member_id=_int_arg("member"))
    return render_template("moderation/log.html", entries=entries,
                           moderators=queries.list_moderators(), actions=ACTION_LABELS)
