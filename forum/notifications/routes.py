import click
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ..errors import NotFound, check_id
from ..extensions import csrf, db
from ..forms import ConfirmForm
from ..models import Category, EmailChoice, Thread, Watch
from .. import permissions
from ..permissions import can_see_thread
from ..redirects import safe_next
from . import bp, email, following, queries, reading, services


@bp.get("/notifications")
@login_required
def index():
    return render_template("notifications/index.html",
                           entries=queries.list_notifications(current_user),
                           form=ConfirmForm())


@bp.post("/notifications/read")
@login_required
def mark_read():
    if ConfirmForm().validate_on_submit():
        services.mark_all_read(current_user)
    return redirect(url_for("notifications.index"))


@bp.post("/notifications/<int:notification_id>/open")
@login_required
def open_notification(notification_id):
    """Opening a notification marks it (and those grouped with it) read, then shows it."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    note = services.open_notification(current_user, check_id(notification_id))
    if note is None:
        raise NotFound()
    if note.post_id is not None:
        return redirect(url_for("threads.permalink", post_id=note.post_id))
    if note.kind == "moderator_message" and "messages.index" in _endpoints():
        return redirect(url_for("messages.index"))
    return redirect(url_for("notifications.index"))


def _endpoints():
    from flask import current_app
    return current_app.view_functions


def _visible_thread(thread_id: int) -> Thread:
    thread = db.session.get(Thread, check_id(thread_id))
    if thread is None or not can_see_thread(current_user, thread):
        raise NotFound()
    return thread


def _back(default: str):
    return redirect(safe_next(request.form.get("next")) or default)


@bp.post("/t/<int(signed=True):thread_id>/watch")
@login_required
def watch_thread(thread_id):
    thread = _visible_thread(thread_id)
    if ConfirmForm().validate_on_submit():
        choice = request.form.get("watch", "")
        watch = {"watching": Watch.WATCHING, "muted": Watch.MUTED, "none": None}.get(choice, "")
        if watch == "":
            abort(400)
        following.set_watch(current_user, thread, watch)
        flash({Watch.WATCHING: "You will hear about new replies in this thread.",
               Watch.MUTED: "This thread is muted: you will hear nothing from it.",
               None: "You stopped watching this thread."}[watch], "success")
    return _back(url_for("threads.show_thread", thread_id=thread.id))


def _category(slug: str) -> Category:
    category = db.session.scalar(select(Category).where(Category.slug == slug[:60]))
    can_see = getattr(permissions, "can_see_category", None)  # members-only categories
    if category is None or (can_see is not None and not can_see(current_user, category)):
        raise NotFound()
    return category


@bp.post("/c/<slug>/follow")
@login_required
def follow_category(slug):
    category = _category(slug)
    if ConfirmForm().validate_on_submit():
        follow = request.form.get("follow") == "yes"
        following.set_follow(current_user, category, follow)
        flash("You will hear about every new thread and reply here." if follow else
              "You stopped following this category.", "success")
    return _back(url_for("threads.show_category", slug=category.slug))


@bp.post("/c/<slug>/read")
@login_required
def mark_category_read(slug):
    category = _category(slug)
    if ConfirmForm().validate_on_submit():
        reading.mark_category_read(current_user, category)
        flash("Everything in this category is marked read.", "success")
    return redirect(url_for("threads.show_category", slug=category.slug))


@bp.route("/settings/notifications", methods=["GET", "POST"])
@login_required
def settings():
    form = ConfirmForm()
    current = email.settings_of(current_user.id)
    if form.validate_on_submit():
        values = {"watch_on_post": request.form.get("watch_on_post") == "yes"}
        for name in email.SETTINGS:
            values[name] = request.form.get(name, "")
        email.save_settings(current_user, **values)
        flash("Your notification settings are saved.", "success")
        return redirect(url_for("notifications.settings"))
    return render_template("notifications/settings.html", form=form, current=current,
                           settings=email.SETTINGS, labels=email.SETTING_LABELS,
                           choices=EmailChoice)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the proof; mail clients' one-click POST has no session
def unsubscribe(token):
    found = email.read_unsubscribe_token(token)
    if found is None:
        return render_template("notifications/unsubscribe.html", invalid=True), 404
    user, setting = found
    if request.method == "POST":
        email.unsubscribe(user, setting)
        return render_template("notifications/unsubscribe.html", done=True,
                               label=email.SETTING_LABELS[setting])
    return render_template("notifications/unsubscribe.html", token=token,
                           label=email.SETTING_LABELS[setting])


@bp.cli.command("digest")
def digest_command():
    """Queue the daily digest e-mails (run once a day, e.g. from cron)."""
    click.echo(f"Queued {email.send_daily_digests()} digests.")
