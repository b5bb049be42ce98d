from flask import current_app, flash, g, redirect, render_template, url_for
from flask_login import current_user, login_required, login_user

from ..auth.services import WRONG_PASSWORD, change_password, end_all_sessions
from ..errors import ValidationFailed
from ..extensions import limiter
from ..forms import populate_errors
from ..moderation import verification
from ..moderation.forms import ApplicationForm
from ..moderation.queries import list_sanctions
from ..flags.queries import list_own_flags
from ..forms import ConfirmForm
from . import bp, queries
from .forms import PasswordChangeForm


@bp.get("/u/<username>")
def profile(username):
    user = queries.get_user_by_name(username)
    if user.username != username:
        return redirect(url_for("accounts.profile", username=user.username))
    return render_template("accounts/profile.html", user=user,
                           post_count=queries.count_published_posts(user),
                           threads=queries.list_recent_threads(user))


def _settings_page(password_form):
    return render_template("accounts/settings.html", password_form=password_form,
                           logout_form=ConfirmForm(),
                           sanctions=list_sanctions(current_user),
                           flags=list_own_flags(current_user),
                           application=verification.latest_application(current_user))


@bp.route("/settings", methods=["GET"])
@login_required
def settings():
    return _settings_page(PasswordChangeForm())


def _password_guesses_key() -> str:
    return f"password-change:{current_user.id if current_user.is_authenticated else '-'}"


def _guessed_wrong(_response) -> bool:
    return g.get("wrong_current_password", False)


# Whoever holds a session (a borrowed laptop, a copied cookie) must not be able to find
# the password by guessing it here: wrong guesses are counted per account, like logins.
@bp.post("/settings/password")
@login_required
@limiter.limit(lambda: current_app.config["PASSWORD_CHANGE_LIMITS_PER_ACCOUNT"],
               key_func=_password_guesses_key, deduct_when=_guessed_wrong)
def password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            change_password(current_user, form.current_password.data, form.password.data)
        except ValidationFailed as failure:
            g.wrong_current_password = ("current_password", WRONG_PASSWORD) in failure.errors
            populate_errors(form, failure)
        else:
            login_user(current_user._get_current_object())  # this device stays logged in
            flash("Your password is changed. Other devices have been logged out.", "success")
            return redirect(url_for("accounts.settings"))
    return _settings_page(form), 422


@bp.route("/settings/verification", methods=["GET", "POST"])
@login_required
def verification_application():
    form = ApplicationForm()
    if form.validate_on_submit():
        try:
            verification.apply_for_verification(
                current_user, profession=form.profession.data,
                register_url=form.register_url.data, private_note=form.private_note.data)
        except ValidationFailed as failure:
            populate_errors(form, failure)
        else:
            flash("Thank you. A moderator will check your details; you will be notified.",
                  "success")
            return redirect(url_for("accounts.settings"))
    return render_template("accounts/verification.html", form=form,
                           latest=verification.latest_application(current_user)), \
        (422 if form.errors else 200)


@bp.post("/settings/logout-everywhere")
@login_required
def logout_everywhere():
    form = ConfirmForm()
    if form.validate_on_submit():
        end_all_sessions(current_user)
        flash("You are logged out on every device.", "info")
    return redirect(url_for("auth.login"))
