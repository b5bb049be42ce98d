"""Registering, verifying, authenticating, resetting, and ending sessions."""
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from flask import current_app, render_template
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..errors import ValidationFailed
from ..extensions import db
from ..mail.outbox import enqueue
from ..models import Consent, ConsentKind, Role, User, utcnow
from ..passwords import (MAX_LENGTH, MIN_LENGTH, dummy_verify, hash_password, needs_rehash,
                         verify_password)
from . import tokens as _links
from ..usernames import InvalidUsername, lookup_key, normalize_username, username_skeleton

class AccountSuspended(Exception):
    def __init__(self, until):
        super().__init__(until)
        self.until = until


NAME_TAKEN = "That name is taken, or looks too much like one that is. Try another."
EMAIL_TAKEN = "An account already uses that e-mail address."
WRONG_PASSWORD = "That is not your current password."


def normalize_email(raw: str) -> str:
    """The address as email-validator normalises it (no DNS lookup)."""
    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise ValidationFailed([("email", str(error))]) from error


def check_password_rules(password: str) -> None:
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise ValidationFailed([("password", f"Use {MIN_LENGTH} to {MAX_LENGTH} characters. "
                                             "A few unrelated words make a good password.")])


def register_user(username: str, email: str, password: str, *,
                  role: str = Role.MEMBER, verified: bool = False,
                  consent_version: str | None = None) -> User:
    """Create an account; raises ValidationFailed naming the field at fault.

    For administrators and tests: it says when an address is taken. The registration
    page uses `sign_up`, which never does. `verified`: the address needs no confirmation
    (an administrator typed it). `consent_version`: the member consented to the privacy
    notice of that version (and accepted the guidelines), recorded now.
    """
    errors = []
    try:
        name = normalize_username(username)
    except InvalidUsername as error:
        errors.append(("username", error.args[0]))
        name = None
    try:
        address = normalize_email(email)
    except ValidationFailed as error:
        errors.extend(error.errors)
        address = None
    try:
        check_password_rules(password)
    except ValidationFailed as error:
        errors.extend(error.errors)
    if role not in tuple(Role):
        errors.append(("role", f"Unknown role {role!r}."))
    if errors:
        raise ValidationFailed(errors)

    key, email_key = username_skeleton(name), address.lower()
    taken = []
    if db.session.scalar(select(User.id).where(User.username_key == key)):
        taken.append(("username", NAME_TAKEN))
    if db.session.scalar(select(User.id).where(User.email_key == email_key)):
        taken.append(("email", EMAIL_TAKEN))
    if taken:
        raise ValidationFailed(taken)

    user = User(username=name, username_key=key, email=address, email_key=email_key,
                password_hash=hash_password(password), role=role,
                email_verified_at=utcnow() if verified else None)
    db.session.add(user)
    if consent_version is not None:
        _record_consent(user, consent_version)
    try:
        db.session.commit()
    except IntegrityError as error:  # a concurrent registration won the race
        db.session.rollback()
        raise ValidationFailed([("username", NAME_TAKEN)]) from error
    return user


def find_user_by_name(username: str) -> User | None:
    key = lookup_key(username)
    if key is None:
        return None
    return db.session.scalar(select(User).where(User.username_key == key))


def authenticate(username: str, password: str) -> User | None:
    """The account if the name and password match, else None (same cost either way).

    A suspended account raises AccountSuspended, but only once the password matched. The hash is upgraded in place when the
    configured argon2 parameters have changed.
    """
    if len(password) > MAX_LENGTH:
        return None
    user = find_user_by_name(username)
    if user is None or user.is_erased:
        dummy_verify(password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if user.is_suspended:
        raise AccountSuspended(user.suspended_until)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.session.commit()
    return user


def end_all_sessions(user: User) -> None:
    """Log the account out everywhere: every cookie carries the old session version."""
    user.session_version += 1
    db.session.commit()


def change_password(user: User, current: str, new: str) -> None:
    if not verify_password(user.password_hash, current):
        raise ValidationFailed([("current_password", WRONG_PASSWORD)])
    check_password_rules(new)
    user.password_hash = hash_password(new)
    user.session_version += 1
    _account_mail(user, "password_changed", "Your password was changed")
    db.session.commit()


# --- consent ---------------------------------------------------------------------------

def _record_consent(user: User, version: str) -> None:
    now = utcnow()
    user.health_consent_version = version
    db.session.add_all([
        Consent(user=user, kind=ConsentKind.HEALTH_DATA, policy_version=version, given_at=now),
        Consent(user=user, kind=ConsentKind.GUIDELINES, policy_version=version, given_at=now),
    ])


def current_policy_version() -> str:
    return str(current_app.config["PRIVACY_POLICY_VERSION"])


def needs_consent(user) -> bool:
    """Whether this member has yet to consent to the current privacy notice."""
    return (user.is_authenticated
            and user.health_consent_version != current_policy_version())


def give_consent(user: User, *, health_data: bool, guidelines: bool) -> None:
    """The member consents (again) to the current privacy notice and guidelines."""
    errors = _consent_errors(health_data, guidelines)
    if errors:
        raise ValidationFailed(errors)
    _record_consent(user, current_policy_version())
    db.session.commit()


CONSENT_NEEDED = ("Tick this to register: we cannot keep what you write about your health "
                  "without your explicit consent.")
GUIDELINES_NEEDED = "Tick this to register: everyone here agrees to the community guidelines."


def _consent_errors(health_data: bool, guidelines: bool) -> list[tuple[str, str]]:
    errors = []
    if not health_data:
        errors.append(("consent_health", CONSENT_NEEDED))
    if not guidelines:
        errors.append(("accept_guidelines", GUIDELINES_NEEDED))
    return errors


# --- mail ------------------------------------------------------------------------------

def _account_mail(user: User, kind: str, subject: str, *, to: str | None = None,
                  **context) -> None:
    """Queue one of the account mails (templates/mail/<kind>.txt) in this transaction."""
    text = render_template(f"mail/{kind}.txt", user=user, site=_links.site_url(), **context)
    enqueue(to or user.email, subject, text, kind=kind, user_id=user.id)


def send_verification(user: User) -> str:
    """Queue a verification link for the member's address; returns the link."""
    link = _links.link("/verify/" + _links.verification_token(user))
    _account_mail(user, "verify", "Confirm your e-mail address", link=link)
    return link


@dataclass(frozen=True)
class SignUp:
    """What a registration did. The page answers the same either way; `verify_link` is
    there only for a new account (shown by development servers)."""
    user: User | None
    verify_link: str | None


def sign_up(username: str, email: str, password: str, *, health_data: bool,
            guidelines: bool) -> SignUp:
    """Register from the web page, without ever telling whether an address is known.

    Problems with the name or the password are reported (names are public anyway). An
    address that already has an account gets a mail telling its owner someone tried,
    with a reset link, and the caller gives the same "check your e-mail" answer.
    """
    errors = _consent_errors(health_data, guidelines)
    try:
        address = normalize_email(email)
    except ValidationFailed as error:
        errors.extend(error.errors)
        address = None
    existing = None
    if address is not None:
        existing = db.session.scalar(select(User).where(User.email_key == address.lower()))
    if existing is not None:
        # Check the rest as a new registration would, so the answers cannot differ.
        errors.extend(_name_and_password_errors(username, password))
        if errors:
            raise ValidationFailed(errors)
        hash_password(password)  # as long as creating an account takes
        if not existing.is_erased:
            link = _links.link("/reset/" + _links.reset_token(existing))
            _account_mail(existing, "account_exists", "Someone tried to register with "
                          "your address", link=link)
        db.session.commit()
        return SignUp(user=None, verify_link=None)
    if errors:
        errors.extend(_name_and_password_errors(username, password))
        raise ValidationFailed(errors)
    try:
        user = register_user(username, email, password,
                             consent_version=current_policy_version())
    except ValidationFailed as failure:
        # A concurrent registration took the address meanwhile: never say "taken".
        kept = [(f, m) for f, m in failure.errors if f != "email"]
        if kept:
            raise ValidationFailed(kept) from None
        return SignUp(user=None, verify_link=None)
    link = send_verification(user)
    db.session.commit()
    return SignUp(user=user, verify_link=link)


def _name_and_password_errors(username: str, password: str) -> list[tuple[str, str]]:
    errors = []
    try:
        name = normalize_username(username)
    except InvalidUsername as error:
        errors.append(("username", error.args[0]))
    else:
        if db.session.scalar(select(User.id).where(
                User.username_key == username_skeleton(name))):
            errors.append(("username", NAME_TAKEN))
    try:
        check_password_rules(password)
    except ValidationFailed as error:
        errors.extend(error.errors)
    return errors


def verify_email(token: str) -> User:
    """Confirm the address a verification link was sent to (InvalidToken otherwise)."""
    user = _links.read_verification_token(token)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        db.session.commit()
    return user


def resend_verification(user: User) -> str | None:
    if user.email_verified_at is not None:
        return None
    link = send_verification(user)
    db.session.commit()
    return link


# --- password reset --------------------------------------------------------------------

def request_reset(email: str) -> str | None:
    """Queue a reset link if an account uses `email`; the caller answers the same either
    way. Returns the link (for tests and the development page), or None."""
    try:
        address = normalize_email(email)
    except ValidationFailed:
        return None
    user = db.session.scalar(select(User).where(User.email_key == address.lower()))
    if user is None or user.is_erased:
        return None
    link = _links.link("/reset/" + _links.reset_token(user))
    _account_mail(user, "reset", "Reset your password", link=link)
    db.session.commit()
    return link


def reset_password(token: str, new_password: str) -> User:
    """Set a new password from a reset link: the link then stops working (it was bound
    to the old hash), every session ends, and the address counts as confirmed."""
    user = _links.read_reset_token(token)
    check_password_rules(new_password)
    user.password_hash = hash_password(new_password)
    user.session_version += 1
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()  # the link reached this mailbox
    _account_mail(user, "password_changed", "Your password was changed")
    db.session.commit()
    return user


# --- e-mail change ---------------------------------------------------------------------

def request_email_change(user: User, password: str, new_email: str) -> str:
    """Send a confirmation link to the new address; nothing changes until it is opened.
    Returns the link."""
    if not verify_password(user.password_hash, password):
        raise ValidationFailed([("password", WRONG_PASSWORD)])
    address = normalize_email(new_email)
    if address.lower() == user.email_key:
        raise ValidationFailed([("email", "That is already your address.")])
    link = _links.link("/settings/email/" + _links.email_change_token(user, address))
    # Whether another account uses it is told only to whoever opens the link there.
    _account_mail(user, "email_change", "Confirm your new e-mail address", to=address,
                  link=link)
    db.session.commit()
    return link


EMAIL_IN_USE = ("Another account uses this address, so it could not become yours. "
                "Nothing was changed.")


def confirm_email_change(token: str) -> User:
    """The link reached the new address: it becomes the account's, confirmed; the old
    address is told."""
    user, address = _links.read_email_change_token(token)
    if db.session.scalar(select(User.id).where(User.email_key == address.lower(),
                                               User.id != user.id)):
        raise ValidationFailed([("email", EMAIL_IN_USE)])
    old_address = user.email
    user.email, user.email_key = address, address.lower()
    user.email_verified_at = utcnow()
    _account_mail(user, "email_changed", "Your e-mail address was changed", to=old_address)
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        raise ValidationFailed([("email", EMAIL_IN_USE)]) from error
    return user
