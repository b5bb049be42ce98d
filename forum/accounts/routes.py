from flask import (current_app, flash, g, redirect, render_template, request, session,
                   url_for)
from flask_login import current_user, login_required, login_user, logout_user

from ..auth import twofactor
from ..auth.routes import show_links_on_page
from ..auth.services import (WRONG_PASSWORD, change_password, confirm_email_change,
                             end_all_sessions, request_email_change, resend_verification)
from ..auth.tokens import InvalidToken, read_email_change_token
from ..errors import ValidationFailed
from ..extensions import limiter
from ..flags.queries import list_own_flags
from ..forms import ConfirmForm, populate_errors
from ..moderation import verification
from ..moderation.forms import ApplicationForm
from ..moderation import queries as moderation_queries
from ..threads import queries as thread_queries
from ..moderation.queries import list_sanctions
from . import bp, queries, services
from .forms import (DeleteAccountForm, EmailChangeForm, PasswordChangeForm, ProfileForm,
                    TwoFactorConfirmForm, TwoFactorDisableForm)


@bp.get("/u/<username>")
def profile(username):
    user = queries.get_user_by_name(username)
    if user.username != username:
        return redirect(url_for("accounts.profile", username=user.username))
    activity = queries.profile_activity(user, viewer=current_user)
    # On one's own profile, the posts only they and the moderators can see, with their state.
    own = (thread_queries.list_own_unpublished(current_user)
           if current_user.is_authenticated and current_user.id == user.id else [])
    return render_template("accounts/profile.html", user=user,
                           post_count=queries.count_published_posts(user),
                           activity=activity, own_unpublished=own)


def _settings_page(password_form=None, email_form=None, profile_form=None, status=200):
    user = current_user._get_current_object()
    if profile_form is None:
        profile_form = ProfileForm(bio=user.bio, hide_activity=user.hide_activity)
    return render_template(
        "accounts/settings.html", password_form=password_form or PasswordChangeForm(),
        email_form=email_form or EmailChangeForm(formdata=None),
        profile_form=profile_form, logout_form=ConfirmForm(),
        sanctions=list_sanctions(user), flags=list_own_flags(user),
        application=moderation_queries.latest_application(user),
        recovery_left=twofactor.remaining_recovery_codes(user) if user.has_two_factor else 0,
        development_link=session.pop("development_link", None)
        if show_links_on_page() else None), status


@bp.route("/settings", methods=["GET"])
@login_required
def settings():
    return _settings_page()


def _password_guesses_key() -> str:
    return f"password-change:{current_user.id if current_user.is_authenticated else '-'}"


def _guessed_wrong(_response) -> bool:
    return g.get("wrong_current_password", False)


def _guesses_limit() -> str:
    return current_app.config["PASSWORD_CHANGE_LIMITS_PER_ACCOUNT"]


# Whoever holds a session (a borrowed laptop, a copied cookie) must not be able to find
# the password by guessing it here: wrong guesses are counted per account, like logins.
@bp.post("/settings/password")
@login_required
@limiter.limit(_guesses_limit, key_func=_password_guesses_key, deduct_when=_guessed_wrong)
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
    return _settings_page(password_form=form, status=422)


@bp.post("/settings/email")
@login_required
@limiter.limit(_guesses_limit, key_func=_password_guesses_key, deduct_when=_guessed_wrong)
@limiter.limit(lambda: current_app.config["ACCOUNT_MAIL_LIMITS_PER_ACCOUNT"],
               key_func=lambda: f"account-mail:{current_user.id}")
def change_email():
    form = EmailChangeForm()
    if form.validate_on_submit():
        try:
            link = request_email_change(current_user, form.password.data, form.email.data)
        except ValidationFailed as failure:
            g.wrong_current_password = ("password", WRONG_PASSWORD) in failure.errors
            populate_errors(form, failure)
        else:
            if show_links_on_page():
                session["development_link"] = link
            flash("We sent a link to the new address. Your address changes when you open "
                  "it.", "info")
            return redirect(url_for("accounts.settings"))
    return _settings_page(email_form=form, status=422)


@bp.route("/settings/email/<token>", methods=["GET", "POST"])
def confirm_email(token):
    form = ConfirmForm()
    try:
        user, address = read_email_change_token(token)
    except InvalidToken:
        return render_template("auth/link_invalid.html", kind="email"), 400
    if form.validate_on_submit():
        try:
            confirm_email_change(token)
        except InvalidToken:
            return render_template("auth/link_invalid.html", kind="email"), 400
        except ValidationFailed as failure:
            return render_template("accounts/confirm_email.html", form=form, token=token,
                                   address=address, problem=failure.errors[0][1]), 409
        flash("Your e-mail address is changed.", "success")
        return redirect(url_for("accounts.settings") if current_user.is_authenticated
                        else url_for("auth.login"))
    return render_template("accounts/confirm_email.html", form=form, token=token,
                           address=address, problem=None)


@bp.post("/settings/verify-email")
@login_required
@limiter.limit(lambda: current_app.config["ACCOUNT_MAIL_LIMITS_PER_ACCOUNT"],
               key_func=lambda: f"account-mail:{current_user.id}")
def resend_verification_mail():
    form = ConfirmForm()
    if form.validate_on_submit():
        link = resend_verification(current_user)
        if link and show_links_on_page():
            session["development_link"] = link
        flash("We sent the link again." if link else "Your address is already confirmed.",
              "info")
    return redirect(url_for("accounts.settings"))


@bp.post("/settings/profile")
@login_required
def edit_profile():
    form = ProfileForm()
    if form.validate_on_submit():
        try:
            services.update_profile(current_user, bio=form.bio.data or "",
                                    hide_activity=form.hide_activity.data)
        except ValidationFailed as failure:
            populate_errors(form, failure)
        else:
            flash("Your profile is saved.", "success")
            return redirect(url_for("accounts.settings"))
    return _settings_page(profile_form=form, status=422)


# --- two-factor sign-in ---------------------------------------------------------------

def _two_factor_page(confirm_form=None, disable_form=None, codes=None, status=200):
    user = current_user._get_current_object()
    qr = uri = None
    if not user.has_two_factor and user.totp_secret:
        uri = twofactor.provisioning_uri(user)
        qr = twofactor.qr_svg(uri)
    return render_template(
        "accounts/two_factor.html", user=user, qr=qr, secret=user.totp_secret
        if not user.has_two_factor else None,
        confirm_form=confirm_form or TwoFactorConfirmForm(formdata=None),
        disable_form=disable_form or TwoFactorDisableForm(formdata=None),
        start_form=ConfirmForm(), codes=codes,
        required=twofactor.must_have_two_factor(user),
        recovery_left=twofactor.remaining_recovery_codes(user)
        if user.has_two_factor else 0), status


@bp.get("/settings/two-factor")
@login_required
def two_factor():
    return _two_factor_page()


@bp.post("/settings/two-factor/start")
@login_required
def two_factor_start():
    form = ConfirmForm()
    if form.validate_on_submit() and not current_user.has_two_factor:
        twofactor.begin_setup(current_user)
    return redirect(url_for("accounts.two_factor"))


def _code_key() -> str:
    return f"two-factor:{current_user.id if current_user.is_authenticated else '-'}"


def _code_refused(_response) -> bool:
    return g.get("second_factor_refused", False)


def _code_limit() -> str:
    return current_app.config["TWO_FACTOR_LIMITS_PER_ACCOUNT"]


@bp.post("/settings/two-factor/confirm")
@login_required
@limiter.limit(_code_limit, key_func=_code_key, deduct_when=_code_refused)
def two_factor_confirm():
    form = TwoFactorConfirmForm()
    if form.validate_on_submit():
        try:
            codes = twofactor.confirm_setup(current_user, form.code.data)
        except ValidationFailed as failure:
            g.second_factor_refused = True
            populate_errors(form, failure)
        else:
            login_user(current_user._get_current_object())  # this session continues
            return _two_factor_page(codes=codes)
    return _two_factor_page(confirm_form=form, status=422)


@bp.post("/settings/two-factor/disable")
@login_required
@limiter.limit(_code_limit, key_func=_code_key, deduct_when=_code_refused)
def two_factor_disable():
    form = TwoFactorDisableForm()
    if form.validate_on_submit():
        try:
            twofactor.disable(current_user, form.password.data, form.code.data)
        except ValidationFailed as failure:
            g.second_factor_refused = True
            populate_errors(form, failure)
        else:
            flash("Two-factor sign-in is off.", "info")
            return redirect(url_for("accounts.settings"))
    return _two_factor_page(disable_form=form, status=422)


@bp.post("/settings/two-factor/recovery-codes")
@login_required
@limiter.limit(_code_limit, key_func=_code_key, deduct_when=_code_refused)
def two_factor_recovery_codes():
    form = TwoFactorConfirmForm()
    if form.validate_on_submit():
        try:
            codes = twofactor.regenerate_recovery_codes(current_user, form.code.data)
        except ValidationFailed as failure:
            g.second_factor_refused = True
            populate_errors(form, failure)
        else:
            return _two_factor_page(codes=codes)
    return _two_factor_page(confirm_form=form, status=422)


# --- professional verification, sessions ----------------------------------------------

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
                           latest=moderation_queries.latest_application(current_user)), \
        (422 if form.errors else 200)


@bp.post("/settings/logout-everywhere")
@login_required
def logout_everywhere():
    form = ConfirmForm()
    if form.validate_on_submit():
        end_all_sessions(current_user)
        flash("You are logged out on every device.", "info")
    return redirect(url_for("auth.login"))


# --- export and erasure ---------------------------------------------------------------

@bp.route("/settings/export", methods=["GET", "POST"])
@login_required
def export():
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        from .export import export_response
        return export_response(current_user._get_current_object())
    return render_template("accounts/export.html", form=form)


def _erasure_key() -> str:
    return f"erasure:{current_user.id if current_user.is_authenticated else '-'}"


@bp.route("/settings/delete", methods=["GET", "POST"])
@login_required
@limiter.limit(_guesses_limit, methods=["POST"], key_func=_erasure_key,
               deduct_when=_guessed_wrong)
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        from .erasure import erase_own_account
        try:
            erase_own_account(current_user._get_current_object(), password=form.password.data,
                              code=form.code.data or "", remove_posts=form.posts.data == "remove")
        except ValidationFailed as failure:
            g.wrong_current_password = True
            populate_errors(form, failure)
        else:
            session.clear()
            logout_user()
            flash("Your account is deleted. Thank you for having been part of this "
                  "community; take care.", "info")
            return redirect(url_for("pages.home"))
    return render_template("accounts/delete.html", form=form,
                           has_two_factor=current_user.has_two_factor), \
        (422 if form.errors else 200)


# A moderators' page that lives here because erasure does; guarded like /mod/ (404).
@bp.route("/mod/users/<int:user_id>/erase", methods=["GET", "POST"])
@login_required
def erase_member(user_id):
    from ..errors import NotFound, check_id
    from ..extensions import db
    from ..models import User
    from ..permissions import can_erase_account, can_moderate
    from .erasure import erase_on_request
    from .forms import EraseMemberForm
    if not can_moderate(current_user):
        raise NotFound()
    member = db.session.get(User, check_id(user_id))
    if member is None or not can_erase_account(current_user, member):
        raise NotFound()
    form = EraseMemberForm()
    if form.validate_on_submit():
        try:
            erase_on_request(current_user, member, remove_posts=form.posts.data == "remove",
                             reason=form.reason.data)
        except ValidationFailed as failure:
            populate_errors(form, failure)
        else:
            flash("The account is erased.", "info")
            return redirect(url_for("moderation.queue"))
    return render_template("accounts/erase_member.html", form=form, member=member), \
        (422 if form.errors else 200)
