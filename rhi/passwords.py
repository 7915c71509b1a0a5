"""Password hashing with argon2id (argon2-cffi's defaults), rehashed when parameters change.

RHI_FAST_PASSWORD_HASHING (tests only; production refuses to start with it) swaps in argon2id at
its lowest cost, so that hundreds of test sign-ins do not each spend a tenth of a second on
purpose. One test checks the real cost.

A new password is refused when it is short or on the list of often-guessed passwords shipped
with the app (rhi/auth/common_passwords.py).
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context

from rhi.auth.common_passwords import is_common

_strong = PasswordHasher()
_fast = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)

MIN_LENGTH = 12
COMMON = "This password is on a list of passwords that are often guessed. Choose another."


def _hasher() -> PasswordHasher:
    fast = has_app_context() and current_app.config.get("RHI_FAST_PASSWORD_HASHING", False)
    return _fast if fast else _strong


@cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    """A hash of nothing anyone can type, checked when the email is unknown so that a wrong
    email takes as long as a wrong password and the two cannot be told apart by timing."""
    return hasher.hash("not-a-real-password-for-timing-only")


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    hasher = _hasher()
    try:
        return hasher.verify(password_hash or _dummy_hash(hasher), password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


def password_problem(password: str) -> str | None:
    """Why a new password is not acceptable, or None."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters. A few words together is easy to remember."
    if password.strip() != password:
        return "Remove spaces from the start and end."
    if is_common(password):
        return COMMON
    return None
