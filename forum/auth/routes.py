import time

from flask import (current_app, flash, g, make_response, redirect, render_template, request,
                   session, url_for)
from flask_login import current_user, login_required, login_user, logout_user

from ..drafts import draft_from_login_form, draft_from_request
from ..errors import ValidationFailed, render_page
from ..extensions import db, limiter
from ..forms import ConfirmForm, populate_errors
from ..models import User, is_indefinite
from ..permissions import needs_verified_email
from ..redirects import safe_next
from ..usernames import lookup_key
from . import bp, devices, twofactor
from .forms import CodeForm, ConsentForm, LoginForm, NewPasswordForm, RegisterForm, ResetRequestForm
from .services import (AccountSuspended, authenticate, end_all_sessions, find_user_by_name,
                       give_consent, needs_consent, request_reset, reset_password, sign_up,
                       verify_email)
from .tokens import InvalidToken

LOGIN_FAILED = "That name and password don't match an account."
# A password accepted, the second factor still to come: that long to give it.
PENDING_TWO_FACTOR_SECONDS = 600


def _fresh_session() -> None:
    """Start a new session at login (no fixation), with a new CSRF token."""
    session.clear()
    # Flask-WTF caches the token for this request in `g`; it belonged to the old session.
    g.pop("csrf_token", None)


def show_links_on_page() -> bool:
    """Development: the "check your e-mail" pages show the link (mail goes to files)."""
    config = current_app.config
    if config.get("MAIL_SHOW_LINKS_ON_PAGE") is not None:
        return bool(config["MAIL_SHOW_LINKS_ON_PAGE"])
    backend = config.get("MAIL_BACKEND") or ("smtp" if config.get("MAIL_SERVER") else "file")
    return backend == "file"


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


def _finish_login(user: User, *, remember: bool, next_url: str | None, draft=None):
    _fresh_session()
    login_user(user, remember=remember)
    if draft is not None:
        # They were writing when their session ran out: offer the text back.
        response = make_response(render_template("errors/resubmit.html", draft=draft,
                                                 reason="resumed"))
    else:
        flash(f"Welcome back, {user.username}.", "success")
        if needs_verified_email(user):
            flash("Confirm your e-mail address to post: open the link we sent you, or send "
                  "it again from your settings.", "info")
        response = redirect(safe_next(next_url) or url_for("pages.home"))
    return devices.remember_device(response, user.id)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMITS_PER_IP"], methods=["POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMITS_PER_ACCOUNT"], methods=["POST"],
               key_func=_account_key, deduct_when=_login_failed)
def login():
    form = LoginForm()
    draft = draft_from_login_form(request.form) if request.method == "POST" else None
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next"))
    failed = False
    if form.validate_on_submit():
        try:
            user = authenticate(form.username.data, form.password.data)
        except AccountSuspended as suspended:
            form.form_errors.append(_suspension_message(suspended.until))
            user = None
        else:
            if user is None:
                form.form_errors.append(LOGIN_FAILED)
                failed = True
        if user is not None and user.has_two_factor:
            _fresh_session()
            session["two_factor"] = {"id": user.get_id(), "since": int(time.time()),
                                     "remember": bool(form.remember.data),
                                     "next": safe_next(form.next.data) or ""}
            return redirect(url_for("auth.two_factor_login"))
        if user is not None:
            return _finish_login(user, remember=form.remember.data, next_url=form.next.data,
                                 draft=draft)
    return render_template("auth/login.html", form=form, draft=draft, failed=failed)


def _pending_two_factor() -> tuple[User | None, dict]:
    pending = session.get("two_factor")
    if not isinstance(pending, dict) or not isinstance(pending.get("id"), str):
        return None, {}
    if time.time() - pending.get("since", 0) > PENDING_TWO_FACTOR_SECONDS:
        return None, {}
    account_id, _, version = pending["id"].partition(":")
    user = db.session.get(User, int(account_id)) if account_id.isdigit() else None
    if user is None or str(user.session_version) != version or not user.is_active:
        return None, {}
    return user, pending


def _two_factor_key() -> str:
    user, _ = _pending_two_factor()
    return f"two-factor:{user.id if user else '-'}"


def _code_refused(_response) -> bool:
    return g.get("second_factor_refused", False)


# Throttled like the password: per address, and per account from any address.
@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMITS_PER_IP"], methods=["POST"])
@limiter.limit(lambda: current_app.config["TWO_FACTOR_LIMITS_PER_ACCOUNT"], methods=["POST"],
               key_func=_two_factor_key, deduct_when=_code_refused)
def two_factor_login():
    user, pending = _pending_two_factor()
    if user is None:
        session.pop("two_factor", None)
        flash("Log in again, please: that took too long.", "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        if twofactor.check_second_factor(user, form.code.data):
            remaining = twofactor.remaining_recovery_codes(user)
            response = _finish_login(user, remember=pending.get("remember", False),
                                     next_url=pending.get("next"))
            if remaining <= 2:
                flash(f"You have {remaining} recovery codes left: make new ones in your "
                      "settings.", "info")
            return response
        g.second_factor_refused = True
        form.code.errors = [twofactor.WRONG_CODE]
    return render_template("auth/two_factor_login.html", form=form), \
        (422 if form.errors else 200)


# Every attempt counts, failed ones too, so the number of questions is bounded.
@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["REGISTER_LIMITS_PER_IP"], methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            outcome = sign_up(form.username.data, form.email.data, form.password.data,
                              health_data=form.consent_health.data,
                              guidelines=form.accept_guidelines.data)
        except ValidationFailed as failure:
            populate_errors(form, failure)
        else:
            # The same answer whether the address was new or already had an account.
            _fresh_session()
            if outcome.verify_link and show_links_on_page():
                session["development_link"] = outcome.verify_link
            return redirect(url_for("auth.check_email"))
    return render_template("auth/register.html", form=form), (422 if form.errors else 200)


@bp.get("/register/check-email")
def check_email():
    return render_template("auth/check_email.html",
                           development_link=session.get("development_link"),
                           show_links=show_links_on_page())


@bp.route("/verify/<token>", methods=["GET", "POST"])
def verify(token):
    # Opening the link shows a button: mail scanners that fetch links change nothing.
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            user = verify_email(token)
        except InvalidToken:
            return render_template("auth/link_invalid.html", kind="verify"), 400
        session.pop("development_link", None)
        flash("Thank you: your e-mail address is confirmed.", "success")
        if current_user.is_authenticated and current_user.id == user.id:
            return redirect(url_for("pages.home"))
        return redirect(url_for("auth.login"))
    return render_template("auth/verify.html", form=form, token=token)


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RESET_LIMITS_PER_IP"], methods=["POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        link = request_reset(form.email.data)
        # Nothing on this page depends on whether the address is known.
        if link and show_links_on_page():
            session["development_link"] = link
        else:
            session.pop("development_link", None)
        return redirect(url_for("auth.reset_sent"))
    return render_template("auth/reset_request.html", form=form), (422 if form.errors else 200)


@bp.get("/reset/sent")
def reset_sent():
    return render_template("auth/check_email.html", reset=True,
                           development_link=session.pop("development_link", None),
                           show_links=show_links_on_page())


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RESET_LIMITS_PER_IP"], methods=["POST"])
def reset_with_token(token):
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            reset_password(token, form.password.data)
        except InvalidToken:
            return render_template("auth/link_invalid.html", kind="reset"), 400
        except ValidationFailed as failure:
            populate_errors(form, failure)
        else:
            session.clear()
            logout_user()
            flash("Your password is set, and every session has ended. Log in with it now.",
                  "success")
            return redirect(url_for("auth.login"))
    elif request.method == "GET":
        from .tokens import read_reset_token
        try:
            read_reset_token(token)
        except InvalidToken:
            return render_template("auth/link_invalid.html", kind="reset"), 400
    return render_template("auth/reset_password.html", form=form, token=token), \
        (422 if form.errors else 200)


@bp.route("/consent", methods=["GET", "POST"])
@login_required
def consent():
    form = ConsentForm()
    if form.validate_on_submit():
        try:
            give_consent(current_user, health_data=form.consent_health.data,
                         guidelines=form.accept_guidelines.data)
        except ValidationFailed as failure:
            populate_errors(form, failure)
        else:
            flash("Thank you.", "success")
            return redirect(safe_next(request.args.get("next")) or url_for("pages.home"))
    return render_template("auth/consent.html", form=form,
                           renewing=current_user.health_consent_version is not None), \
        (422 if form.errors else 200)


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


# What a member may open before consenting to a new privacy notice, or (staff) before
# setting up two-factor sign-in: reading the terms, leaving, taking their data.
GATE_OPEN = frozenset({
    "static", "auth.logout", "auth.consent", "pages.privacy", "pages.guidelines",
    "pages.help_page", "accounts.export", "accounts.delete_account",
    "accounts.two_factor", "accounts.two_factor_start", "accounts.two_factor_confirm",
    "accounts.logout_everywhere", "auth.verify", "accounts.confirm_email",
})


@bp.before_app_request
def account_gate():
    """A new privacy notice asks again; staff without two-factor set it up first."""
    if request.endpoint in GATE_OPEN or request.endpoint is None:
        return None
    if g.get("database_down") or not current_user.is_authenticated:
        return None
    if twofactor.must_have_two_factor(current_user) and not current_user.has_two_factor:
        if request.method == "GET":
            flash("Moderators and admins must turn on two-factor sign-in first.", "info")
        return redirect(url_for("accounts.two_factor"))
    if needs_consent(current_user):
        return redirect(url_for("auth.consent", next=request.full_path
                                if request.method == "GET" else None))
    return None


@bp.errorhandler(429)
def too_many_attempts(_error):
    draft = draft_from_request()
    if draft is not None:
        return render_page("errors/resubmit.html", 429, draft=draft, reason="too_fast")
    return render_page("auth/too_many.html", 429)
