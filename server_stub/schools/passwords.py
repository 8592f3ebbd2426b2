"""Passwords and client secrets, hashed with Argon2id (argon2-cffi, its recommended parameters).

Only the hash is stored. Checking an unknown login still costs one verification, so that the time
taken does not tell which logins exist.
"""

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from engine.canonical import BilingualError

_HASHER = PasswordHasher()
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))
MIN_LENGTH = 12


class WeakPasswordError(BilingualError):
    """A password too short to stand an offline guess."""


def hash_secret(secret: str) -> str:
    return _HASHER.hash(secret)


def verify_secret(stored_hash: str | None, secret: str) -> bool:
    """True if `secret` matches; `stored_hash` None (unknown account) still takes the time."""
    try:
        return _HASHER.verify(stored_hash or _DUMMY_HASH, secret) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def new_password() -> str:
    """A generated password: 16 URL-safe characters (96 bits)."""
    return secrets.token_urlsafe(12)


def check_strength(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise WeakPasswordError(
            "weak_password",
            f"mot de passe trop court : {MIN_LENGTH} caractères au moins.",
            f"password too short: at least {MIN_LENGTH} characters.",
        )
