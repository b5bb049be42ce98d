from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..drafts import draft_from_request
from ..errors import ValidationFailed, require
from ..extensions import limiter, reads_before_writing
from ..forms import ConfirmForm, populate_errors
from ..models import PostStatus
from ..permissions import (HoldReason, can_delete_post, can_edit_post, can_moderate, can_reply,
                           can_resubmit, can_start_thread)
from ..ratelimits import member_key, member_limits
from ..resources.queries import list_pinned as list_pinned_resources
from ..notifications import following, reading
from . import bp, queries, services
from .forms import EditForm, ReplyForm, ThreadForm

# One bucket for new threads and replies: a burst of either counts against both.
_posting_limit = limiter.shared_limit(member_limits("POST"), scope="posting",
                                      key_func=member_key, methods=["POST"])
_editing_limit = limiter.limit(member_limits("EDIT"), key_func=member_key, methods=["POST"])

# A held post says why on the post itself (templates/_macros/posts.html, HOLD_NOTES),
# where its author lands: one notice, not a flash too. A held edit is said once here.
EDIT_HELD_MESSAGES = {
    HoldReason.FIRST_POSTS: "Your edit will appear once a moderator has read it; until then "
                            "others see the earlier version.",
    HoldReason.NEW_ACCOUNT_LINK: "Edits with links from accounts less than a day old are read "
                                 "by a moderator first; until then others see the earlier "
                                 "version.",
    HoldReason.CATEGORY: "Every edit in this category is read by a moderator first; until then "
                         "others see the earlier version.",
    HoldReason.MODERATOR_EDITED: "A moderator changed this text earlier, so your edit will "
                                 "appear once a moderator has read it; until then others see "
                                 "the current version.",
}


def _page_arg() -> int:
    raw = request.args.get("page", "1")
    if not raw.isdigit() or len(raw) > 9:
        abort(404)
    return int(raw)


def _post_url(post, **anchor) -> str:
    page = queries.page_of_post(post)
    args = {"page": page} if page > 1 else {}
    return url_for("threads.show_thread", thread_id=post.thread_id, **args,
                   _anchor=anchor.get("anchor", f"p{post.id}"))


def _after_posting(posted: services.Posted):
    """Where a new post's author goes next, with what they should read first."""
    if posted.crisis_phrase is not None:
        # The helplines come first: base.html shows them at the top of <main>, so the
        # author lands there rather than at their post, further down the page.
        flash("Your post is up. If you are thinking about ending your life or you are in "
              "danger, please reach out now. You don't have to go through this alone.",
              "crisis")
        return redirect(_post_url(posted.post, anchor="main"))
    # A held post explains itself where its author lands (one notice, not a flash too).
    return redirect(_post_url(posted.post))


def _past_the_end(page, endpoint: str, **args):
    """A ?page= past the end goes to the last page (None: the page exists)."""
    requested = _page_arg()
    if requested <= page.number:
        return None
    if page.number > 1:
        args["page"] = page.number
    return redirect(url_for(endpoint, **args))


def _preview_requested() -> bool:
    return request.method == "POST" and "preview" in request.form


@bp.app_template_global()
def thread_last_page(thread) -> int:
    """The page of a thread's latest post, for "last page" links in lists (no query)."""
    return queries.thread_pages(thread)


@bp.get("/c/<slug>")
def show_category(slug):
    category = queries.get_category(slug, viewer=current_user)
    threads, page = queries.list_category_threads(category, _page_arg())
    moved = _past_the_end(page, "threads.show_category", slug=category.slug)
    if moved is not None:
        return moved
    return render_template("threads/category.html", category=category, threads=threads,
                           unread=reading.unread_map(current_user, threads),
                           follows=following.follows_category(current_user, category),
                           page=page, pinned_resources=list_pinned_resources(),
                           own_unpublished=queries.list_own_unpublished(current_user,
                                                                        category=category))


@bp.route("/c/<slug>/new", methods=["GET", "POST"])
@reads_before_writing
@login_required
@_posting_limit
def new_thread(slug):
    category = queries.get_category(slug, viewer=current_user)
    require(can_start_thread(current_user, category))
    form = ThreadForm()
    preview = None
    if _preview_requested() and form.validate_on_submit():
        preview = _preview(form)
    elif form.validate_on_submit():
        try:
            posted = services.create_thread(current_user, category, title=form.title.data,
                                            body=form.body.data,
                                            idempotency_key=form.idempotency_key.data)
        except ValidationFailed as failure:
            populate_errors(form, failure)
        else:
            return _after_posting(posted)
    status = 422 if form.errors else 200
    return render_template("threads/new.html", category=category, form=form, preview=preview,
                           will_review=services.will_be_reviewed(current_user, category)), status


def _preview(form) -> str | None:
    """Render the text as it would be posted; a refusal shows on the form instead."""
    try:
        return services.preview(form.body.data)
    except ValidationFailed as failure:
        populate_errors(form, failure)
        return None


@bp.get("/t/<int(signed=True):thread_id>")
def show_thread(thread_id):
    thread = queries.get_visible_thread(thread_id, current_user)
    posts, page = queries.list_thread_posts(thread, current_user, _page_arg())
    moved = _past_the_end(page, "threads.show_thread", thread_id=thread.id)
    if moved is not None:
        return moved
    form = None
    if can_reply(current_user, thread):
        form = ReplyForm()
        # An unusable ?quote= (missing, deleted, hidden, another thread's) is ignored.
        quoted = queries.get_quotable_post(request.args.get("quote"), thread,
                                           viewer=current_user, loaded=posts)
        if quoted is not None:
            form.body.data = queries.quote_text(quoted)
    move_categories = queries.list_categories(viewer=current_user) if can_moderate(current_user) else ()
    crisis_author = queries.viewer_wrote_at_risk_post(thread, current_user, posts)
    # How far this member had read (and whether they watch it): one query; remembered
    # after the page is made, with at most one write.
    reading_state = reading.get_state(current_user, thread)
    reading.record_after_response(current_user, thread, reading_state, posts)
    return render_template("threads/show.html", thread=thread, posts=posts, page=page,
                           reading_state=reading_state,
                           form=form, move_categories=move_categories,
                           crisis_author=crisis_author,
                           will_review=(services.will_be_reviewed(current_user, thread.category)
                                        if form else None))


@bp.get("/t/<int(signed=True):thread_id>/unread")
def first_unread(thread_id):
    """Jump to the first post this member has not read (the latest when all are read)."""
    thread = queries.get_visible_thread(thread_id, current_user)
    state = reading.get_state(current_user, thread)
    post = queries.first_visible_post_after(thread, current_user,
                                            state.last_read_position if state else 0)
    if post is None:
        pages = queries.thread_pages(thread)
        return redirect(url_for("threads.show_thread", thread_id=thread.id,
                                **({"page": pages} if pages > 1 else {}), _anchor="latest"))
    return redirect(_post_url(post))


@bp.post("/t/<int(signed=True):thread_id>/reply")
@reads_before_writing
@_posting_limit
def reply(thread_id):
    form = ReplyForm()
    if not current_user.is_authenticated:
        # The session ran out while they were writing: keep the text, offer a login.
        return render_template("errors/resubmit.html", draft=draft_from_request(),
                               reason="logged_out"), 401
    thread = queries.get_visible_thread(thread_id, current_user)
    require(can_reply(current_user, thread))
    preview = None
    if _preview_requested() and form.validate_on_submit():
        preview = _preview(form)
        return render_template("threads/reply.html", thread=thread, form=form,
                               preview=preview), 200
    if form.validate_on_submit():
        try:
            posted = services.reply(current_user, thread, body=form.body.data,
                                    idempotency_key=form.idempotency_key.data)
        except ValidationFailed as failure:
            populate_errors(form, failure)
        else:
            return _after_posting(posted)
    return render_template("threads/reply.html", thread=thread, form=form), 422


@bp.get("/p/<int(signed=True):post_id>")
def permalink(post_id):
    post = queries.get_visible_post(post_id, current_user)
    return redirect(_post_url(post))


@bp.route("/p/<int(signed=True):post_id>/edit", methods=["GET", "POST"])
@reads_before_writing
@login_required
@_editing_limit
def edit_post(post_id):
    post = queries.get_visible_post(post_id, current_user)
    if can_resubmit(current_user, post):
        return _resubmit(post)
    require(can_edit_post(current_user, post))
    form = EditForm()
    preview = None
    waiting = queries.get_own_pending_edit(post, current_user)
    if request.method == "GET":
        # Carry on from the latest words: a waiting edit if there is one.
        form.body.data = waiting.body if waiting else post.body
        if post.is_first:
            form.title.data = (waiting.title if waiting and waiting.title else
                               post.thread.title)
    elif _preview_requested() and form.validate_on_submit():
        preview = _preview(form)
    elif form.validate_on_submit():
        try:
            edited = services.edit_post(current_user, post, body=form.body.data,
                                        title=form.title.data if post.is_first else None)
        except ValidationFailed as failure:
            populate_errors(form, failure)
        else:
            if edited.held:
                flash(EDIT_HELD_MESSAGES[edited.hold_reason], "info")
            elif edited.changed:
                flash("Your post is updated.", "success")
            return redirect(_post_url(post))
    status = 422 if form.errors else 200
    return render_template("threads/edit.html", post=post, form=form, waiting=waiting,
                           preview=preview), status


def _resubmit(post):
    """Edit and resubmit a post a moderator rejected or hid: back to the review queue."""
    form = EditForm()
    preview = None
    if request.method == "GET":
        form.body.data = post.body
        if post.is_first:
            form.title.data = post.thread.title
    elif _preview_requested() and form.validate_on_submit():
        preview = _preview(form)
    elif form.validate_on_submit():
        try:
            services.resubmit_post(current_user, post, body=form.body.data,
                                   title=form.title.data if post.is_first else None)
        except ValidationFailed as failure:
            populate_errors(form, failure)
        else:
            flash("Sent back for review. A moderator will read your changes; until then only "
                  "you and the moderators can see the post.", "success")
            return redirect(_post_url(post))
    status = 422 if form.errors else 200
    return render_template("threads/edit.html", post=post, form=form, waiting=None,
                           preview=preview, resubmitting=True), status


@bp.get("/p/<int(signed=True):post_id>/history")
def post_history(post_id):
    post = queries.get_visible_post(post_id, current_user)
    revisions = queries.list_revisions(post, current_user)
    return render_template("threads/history.html", post=post, revisions=revisions)


@bp.route("/p/<int(signed=True):post_id>/delete", methods=["GET", "POST"])
@login_required
def delete_post(post_id):
    post = queries.get_visible_post(post_id, current_user)
    require(can_delete_post(current_user, post))
    form = ConfirmForm()
    if form.validate_on_submit():
        services.delete_post(current_user, post)
        flash("Post deleted.", "info")
        if post.thread.status == PostStatus.DELETED:
            return redirect(url_for("threads.show_category", slug=post.thread.category.slug))
        return redirect(_post_url(post))
    return render_template("threads/delete.html", post=post, form=form)
