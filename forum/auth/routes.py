from flask import (current_app, flash, g, make_response, redirect, render_template, request,
                   session, url_for)
from flask_login import current_user, login_required, login_user, logout_user

from ..drafts import draft_from_login_form
from ..errors import ValidationFailed
from ..extensions import limiter
from ..forms import populate_errors
from ..models import is_indefinite
from ..redirects import safe_next
from ..usernames import lookup_key
from . import bp, devices
from .forms import LoginForm, RegisterForm
from .services import (AccountSuspended, authenticate, end_all_sessions, find_user_by_name,
                       register_user)

LOGIN_FAILED = "That name and password don't match an account."


def _fresh_session() -> None:
    """Start a new session at login (no fixation), with a new CSRF token."""
    session.clear()
    # Flask-WTF caches the token for this request in `g`; it belonged to the old session.
    g.pop("csrf_token", None)


def _suspension_message(until) -> str:
    if is_indefinite(until):
        return ("This account is suspended until further notice. A moderator's reason was "
                "sent to your notifications; you can ask the moderators to review it.")
    return (f"This account is suspended until {until:%-d %B %Y}. Your settings page will "
            "show the reason once the suspension ends.")


def _account_key() -> str:
    """The bucket a login attempt's failure counts in.

    A browser holding a device cookie for the named account (it logged in to it before)
    has a bucket of its own; every other attempt on the account shares one. So strangers
    guessing lock out strangers, not the owner.
    """
    username = request.form.get("username", "")
    if devices.has_device_cookie():
        user = find_user_by_name(username)
        nonce = devices.device_nonce(user.id) if user is not None else None
        if nonce is not None:
            return f"login-device:{user.id}:{nonce}"
    return "login-account:" + (lookup_key(username) or "?")


def _login_failed(response) -> bool:
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMITS_PER_IP"], methods=["POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMITS_PER_ACCOUNT"], methods=["POST"],
               key_func=_account_key, deduct_when=_login_failed)
def login():
    form = LoginForm()
    draft = draft_from_login_form(request.form) if request.method == "POST" else None
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next"))
    if form.validate_on_submit():
        try:
            user = authenticate(form.username.data, form.password.data)
        except AccountSuspended as suspended:
            form.form_errors.append(_suspension_message(suspended.until))
            user = None
        else:
            if user is None:
                form.form_errors.append(LOGIN_FAILED)
        if user is not None:
            _fresh_session()
            login_user(user, remember=form.remember.data)
            if draft is not None:
                # They were writing when their session ran out: offer the text back.
                response = make_response(render_template("errors/resubmit.html", draft=draft,
                                                         reason="resumed"))
            else:
                flash(f"Welcome back, {user.username}.", "success")
                response = redirect(safe_next(form.next.data) or url_for("pages.home"))
            return devices.remember_device(response, user.id)
    return render_template("auth/login.html", form=form, draft=draft)


# Every attempt counts, failed ones too: "that e-mail address is taken" tells whether an
# address belongs to a member, so the number of questions must be bounded.
@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["REGISTER_LIMITS_PER_IP"], methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = register_user(form.username.data, form.email.data, form.password.data)
        except ValidationFailed as failure:
            populate_errors(form, failure)
        else:
            _fresh_session()
            login_user(user)
            flash(f"Welcome, {user.username}. You can post now.", "success")
            return devices.remember_device(redirect(url_for("pages.home")), user.id)
    return render_template("auth/register.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    # A copied session or "remember me" cookie must stop working too, and cookies hold no
    # per-login id to revoke: bumping the account's session version ends its sessions on
    # every device. Clear the session before logout_user(), which marks the remember
    # cookie for deletion in it.
    end_all_sessions(current_user._get_current_object())
    session.clear()
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("pages.home"))
