"""Password hashing with argon2id (argon2-cffi's defaults), rehashed when parameters change.

RHI_FAST_PASSWORD_HASHING (tests only; production refuses to start with it) swaps in argon2id at
its lowest cost, so that hundreds of test sign-ins do not each spend a tenth of a second on
purpose. One test checks the real cost.

A new password is refused when it is short, on the list of often-guessed passwords shipped
with the app (rhi/auth/common_passwords.py, look-alike characters read as letters), a few
characters repeated, mostly the name of this service, mostly keys next to each other on a
keyboard, one short piece typed more than once, or holds the person's name or email address.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context

from rhi.auth.common_passwords import (
    is_common,
    is_keyboard_walk,
    is_mostly_service_name,
    is_repeated_piece,
)

_strong = PasswordHasher()
_fast = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)

MIN_LENGTH = 12
MOST_LENGTH = 1024  # as the forms' own limit (rhi/forms/auth.py)
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


FEW_CHARACTERS = (
    "This password repeats a few characters over and over, which is easy to guess. Choose "
    "another: a few unrelated words are easy to remember."
)
ABOUT_YOU = (
    "This password holds your name or email address, which others know. Choose another: a few "
    "unrelated words are easy to remember."
)
ABOUT_THEM = (
    "This password holds the person's name or email address, which others know. Choose "
    "another: a few unrelated words are easy to remember."
)
SERVICE_NAME = (
    "This password is mostly the name of this service, which everyone who uses it knows. "
    "Choose another: a few unrelated words are easy to remember."
)
KEYBOARD = (
    "This password is mostly keys next to each other on a keyboard, or letters and numbers in "
    "order (like qwerty, 1qaz2wsx or a1b2c3), which guessing tools try first. Choose another: a "
    "few unrelated words are easy to remember."
)
REPEATED = (
    "This password is one short piece typed more than once, which is easy to guess. Choose "
    "another: a few unrelated words are easy to remember."
)
# Fewer different characters than this is a pattern ("aaaaaaaaaaaa", "abababababab", "123123
# 123123"), not a password, however long (a probe: "aaaaaaaaaaaa" was accepted).
LEAST_DIFFERENT = 5
# A word of a name shorter than this is in too many passwords to refuse ("al", "jo").
SHORTEST_PART = 4
_WORDS = re.compile(r"[^\W_]+")


def _plain(text: str) -> str:
    return "".join(_WORDS.findall(text.casefold()))


def _holds(password: str, about: Iterable[str]) -> bool:
    """Does `password` hold the person's email address (the part before the @), or their name,
    whole (spaces and punctuation aside), or one of their words as a word of its own? A name
    inside another word is not theirs: "along the river bank" is a good password for Mary Long
    (a review: it was refused)."""
    plain = _plain(password)
    words = set(_WORDS.findall(password.casefold()))
    for text in about:
        text = (text or "").casefold()
        local = text.split("@")[0]
        wholes = {_plain(local)} if "@" in text else {_plain(text)}
        if any(len(whole) >= SHORTEST_PART and whole in plain for whole in wholes):
            return True
        if any(len(part) >= SHORTEST_PART and part in words for part in _WORDS.findall(local)):
            return True
    return False


def password_problem(
    password: str, about: Iterable[str] = (), *, theirs: bool = False
) -> str | None:
    """Why a new password is not acceptable, or None. `about`: the person's name and email
    address, which a password may not hold (others know them, and guess them first);
    `theirs`: said to someone choosing it for another person (an administrator)."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters. A few words together is easy to remember."
    if len(password) > MOST_LENGTH:
        # Before the checks below, which read the password many ways: a megabyte of it cost
        # seconds of a server's time (rev38), and no form's own limit stopped them.
        return f"Use at most {MOST_LENGTH} characters."
    if password.strip() != password:
        return "Remove spaces from the start and end."
    if is_common(password):
        return COMMON
    if len(set(password.casefold())) < LEAST_DIFFERENT:
        return FEW_CHARACTERS
    if is_mostly_service_name(password):
        return SERVICE_NAME
    if is_keyboard_walk(password):
        return KEYBOARD
    if is_repeated_piece(password):
        return REPEATED
    if _holds(password, about):
        return ABOUT_THEM if theirs else ABOUT_YOU
    return None
