from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..errors import ValidationFailed, require
from ..extensions import limiter
from ..moderation import services as moderation
from ..moderation.forms import FlagForm
from ..drafts import draft_from_request
from ..forms import populate_errors
from ..models import PostStatus
from ..resources.queries import list_pinned as list_pinned_resources
from ..safety import find_crisis_phrase
from ..permissions import (can_delete_post, can_edit_post, can_flag, can_moderate,
                           can_reply, can_start_thread)
from . import bp, queries, services
from .forms import ConfirmForm, EditForm, ReplyForm, ThreadForm


def _page_arg() -> int:
    raw = request.args.get("page", "1")
    if not raw.isdigit() or len(raw) > 9:
        abort(404)
    return int(raw)


def _post_url(post) -> str:
    page = queries.page_of_post(post)
    args = {"page": page} if page > 1 else {}
    return url_for("threads.show_thread", thread_id=post.thread_id, **args, _anchor=f"p{post.id}")


def _after_posting(post):
    """Where a new post's author goes next, with what they should read first."""
    if find_crisis_phrase(f"{post.thread.title}\n{post.body}" if post.is_first else post.body):
        # The helplines come first: base.html shows them at the top of <main>, so the
        # author lands there rather than at their post, further down the page.
        flash("Your post is up. If you are thinking about ending your life or you are in "
              "danger, please reach out now. You don't have to go through this alone.",
              "crisis")
        page = queries.page_of_post(post)
        return redirect(url_for("threads.show_thread", thread_id=post.thread_id,
                                **({"page": page} if page > 1 else {}), _anchor="main"))
    if post.status == PostStatus.PENDING:
        flash("Thanks! Your post is waiting for a moderator. New members' first posts are "
              "read before they appear; only you can see it until then.", "info")
    return redirect(_post_url(post))


@bp.get("/c/<slug>")
def show_category(slug):
    category = queries.get_category(slug)
    threads, page = queries.list_category_threads(category, _page_arg())
    return render_template("threads/category.html", category=category, threads=threads,
                           page=page, pinned_resources=list_pinned_resources())


@bp.route("/c/<slug>/new", methods=["GET", "POST"])
@login_required
def new_thread(slug):
    category = queries.get_category(slug)
    require(can_start_thread(current_user, category))
    form = ThreadForm()
    if form.validate_on_submit():
        try:
            post = services.create_thread(current_user, category, title=form.title.data,
                                          body=form.body.data,
                                          idempotency_key=form.idempotency_key.data)
        except ValidationFailed as failure:
            populate_errors(form, failure)
        else:
            return _after_posting(post)
    status = 422 if form.errors else 200
    return render_template("threads/new.html", category=category, form=form), status


@bp.get("/t/<int(signed=True):thread_id>")
def show_thread(thread_id):
    thread = queries.get_visible_thread(thread_id, current_user)
    posts, page = queries.list_thread_posts(thread, current_user, _page_arg())
    form = None
    if can_reply(current_user, thread):
        form = ReplyForm()
        quote_id = request.args.get("quote", "")
        if quote_id.isdigit() and len(quote_id) <= 18:
            quoted = next((p for p in posts if p.id == int(quote_id)), None)
            if quoted is None:
                quoted = queries.get_visible_post(int(quote_id), current_user)
            if quoted.thread_id == thread.id:
                form.body.data = queries.quote_text(quoted)
    move_categories = queries.list_categories() if can_moderate(current_user) else ()
    return render_template("threads/show.html", thread=thread, posts=posts, page=page,
                           form=form, move_categories=move_categories)


@bp.post("/t/<int(signed=True):thread_id>/reply")
def reply(thread_id):
    form = ReplyForm()
    if not current_user.is_authenticated:
        # The session ran out while they were writing: keep the text, offer a login.
        return render_template("errors/resubmit.html", draft=draft_from_request(),
                               reason="logged_out"), 401
    thread = queries.get_visible_thread(thread_id, current_user)
    require(can_reply(current_user, thread))
    if form.validate_on_submit():
        try:
            post = services.reply(current_user, thread, body=form.body.data,
                                  idempotency_key=form.idempotency_key.data)
        except ValidationFailed as failure:
            populate_errors(form, failure)
        else:
            return _after_posting(post)
    return render_template("threads/reply.html", thread=thread, form=form), 422


@bp.get("/p/<int(signed=True):post_id>")
def permalink(post_id):
    post = queries.get_visible_post(post_id, current_user)
    return redirect(_post_url(post))


@bp.route("/p/<int(signed=True):post_id>/edit", methods=["GET", "POST"])
@login_required
def edit_post(post_id):
    post = queries.get_visible_post(post_id, current_user)
    require(can_edit_post(current_user, post))
    form = EditForm()
    if request.method == "GET":
        form.body.data = post.body
        form.title.data = post.thread.title if post.is_first else None
    elif form.validate_on_submit():
        try:
            services.edit_post(current_user, post, body=form.body.data,
                               title=form.title.data if post.is_first else None)
        except ValidationFailed as failure:
            populate_errors(form, failure)
        else:
            flash("Your post is updated.", "success")
            return redirect(_post_url(post))
    status = 422 if form.errors else 200
    return render_template("threads/edit.html", post=post, form=form), status


@bp.route("/p/<int(signed=True):post_id>/delete", methods=["GET", "POST"])
@login_required
def delete_post(post_id):
    post = queries.get_visible_post(post_id, current_user)
    require(can_delete_post(current_user, post))
    form = ConfirmForm()
    if form.validate_on_submit():
        services.delete_post(current_user, post)
        flash("Your post was removed.", "info")
        if post.thread.status == PostStatus.DELETED:
            return redirect(url_for("threads.show_category", slug=post.thread.category.slug))
        return redirect(_post_url(post))
    return render_template("threads/delete.html", post=post, form=form)


def _flagger_key() -> str:
    return f"flagger:{current_user.get_id() if current_user.is_authenticated else '-'}"


@bp.route("/p/<int(signed=True):post_id>/flag", methods=["GET", "POST"])
@login_required
@limiter.limit(lambda: current_app.config["FLAG_LIMITS"], methods=["POST"], key_func=_flagger_key)
def flag_post(post_id):
    post = queries.get_visible_post(post_id, current_user)
    require(can_flag(current_user, post))
    form = FlagForm()
    if form.validate_on_submit():
        try:
            moderation.flag_post(current_user, post, reason=form.reason.data, note=form.note.data)
        except ValidationFailed as failure:
            populate_errors(form, failure)
        else:
            flash("Thank you. A moderator will look at this post.", "success")
            return redirect(_post_url(post))
    status = 422 if form.errors else 200
    return render_template("threads/flag.html", post=post, form=form), status
