from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..errors import ValidationFailed
from ..extensions import reads_before_writing
from ..forms import populate_errors
from ..permissions import can_message_member, can_moderate
from ..resources.queries import list_helplines
from . import bp, queries, services
from .forms import MessageForm, StartForm


def _helplines_template(member, post) -> str:
    """A first message for someone whose post used crisis language: warm, short, with the
    helplines. The moderator edits it before sending."""
    lines = "\n".join(f"- **{line.title}**" + (f": {line.summary}" if line.summary else "")
                      for line in list_helplines())
    about = " in your post" if post is not None else ""
    return (f"Hello {member.username},\n\nI'm one of the moderators here. I read what you "
            f"wrote{about} and wanted to check in with you. How are you doing right now?\n\n"
            "If you are thinking about ending your life or you are in danger, please reach "
            "out now; these lines are free and someone will listen:\n\n"
            f"{lines}\n\nYou can answer me here; only you and the moderators can read this.\n")


@bp.get("")
@login_required
def index():
    return render_template("messages/index.html",
                           conversations=queries.list_conversations(current_user))


@bp.route("/new", methods=["GET", "POST"])
@reads_before_writing
@login_required
def start():
    if not can_moderate(current_user):
        abort(404)  # the same answer as a missing page: members cannot start these
    member = queries.get_member(request.args.get("member"))
    if not can_message_member(current_user, member):
        abort(404)
    post = queries.get_post_about(request.args.get("post"), member, current_user)
    form = StartForm()
    if request.method == "GET":
        if request.args.get("template") == "helplines" or (post is not None and post.at_risk):
            form.body.data = _helplines_template(member, post)
            form.subject.data = "Checking in with you"
    elif form.validate_on_submit():
        try:
            conversation = services.start_conversation(
                current_user, member, subject=form.subject.data, body=form.body.data,
                post=post)
        except ValidationFailed as failure:
            populate_errors(form, failure)
        else:
            flash(f"Message sent. {member.username} has been notified.", "success")
            return redirect(url_for(".show", conversation_id=conversation.id))
    return render_template("messages/start.html", member=member, post=post, form=form), \
        (422 if form.errors else 200)


@bp.route("/<int(signed=True):conversation_id>", methods=["GET", "POST"])
@reads_before_writing
@login_required
def show(conversation_id):
    conversation = queries.get_conversation(conversation_id, current_user)
    form = MessageForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            services.write(current_user, conversation, body=form.body.data)
        except ValidationFailed as failure:
            populate_errors(form, failure)
        else:
            flash("Message sent.", "success")
            return redirect(url_for(".show", conversation_id=conversation.id,
                                    _anchor="latest"))
    return render_template("messages/show.html", conversation=conversation, form=form), \
        (422 if form.errors else 200)
