"""Password hashing with argon2id (argon2-cffi)."""
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_LENGTH = 10   # length is what makes a password strong; no composition rules (NIST 800-63B)
MAX_LENGTH = 128  # bounds the hashing work an attacker can ask of us


def _hasher() -> PasswordHasher:
    app = current_app._get_current_object()
    hasher = app.extensions.get("forum_password_hasher")
    if hasher is None:
        hasher = PasswordHasher(time_cost=app.config["ARGON2_TIME_COST"],
                                memory_cost=app.config["ARGON2_MEMORY_COST"],
                                parallelism=app.config["ARGON2_PARALLELISM"])
        app.extensions["forum_password_hasher"] = hasher
    return hasher


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


# Verifying against this when the name is unknown makes both failures cost the same time.
def dummy_verify(password: str) -> None:
    app = current_app._get_current_object()
    dummy = app.extensions.get("forum_dummy_hash")
    if dummy is None:
        dummy = app.extensions["forum_dummy_hash"] = hash_password("not a real password")
    verify_password(dummy, password)
