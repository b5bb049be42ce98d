"""Registering, authenticating and ending sessions."""
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..errors import ValidationFailed
from ..extensions import db
from ..models import Role, User
from ..passwords import (MAX_LENGTH, MIN_LENGTH, dummy_verify, hash_password, needs_rehash,
                         verify_password)
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
                  role: str = Role.MEMBER) -> User:
    """Create an account; raises ValidationFailed naming the field at fault."""
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
                password_hash=hash_password(password), role=role)
    db.session.add(user)
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
    if user is None:
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
    db.session.commit()
