"""Passwords that are often guessed: a list shipped with the app (common_passwords.txt.gz, one
lower-case password a line, built by rhi/auth/common_passwords_build.py).

A password is refused when it is on the list ignoring case, or when it is once its trailing
digits and symbols are taken off ("Liverpool1234!" is "liverpool" with an ending that every
guessing tool tries), or with the spaces between its words left out. The list is read once
per process, the first time a password is checked, so that signing in and every other page
never pay for it.
"""

from __future__ import annotations

import gzip
from functools import cache
from importlib import resources

LIST_FILE = "common_passwords.txt.gz"


@cache
def common_passwords() -> frozenset[str]:
    data = resources.files("rhi.auth").joinpath(LIST_FILE).read_bytes()
    lines = gzip.decompress(data).decode("utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip())


def without_ending(password: str) -> str:
    """The password with its trailing digits and symbols taken off (spaces too)."""
    end = len(password)
    while end > 0 and not password[end - 1].isalpha():
        end -= 1
    return password[:end]


def is_common(password: str) -> bool:
    known = common_passwords()
    lowered = password.lower()
    # "I love you 2026" is "iloveyou" to a guessing tool: spaces between words add nothing.
    joined = "".join(lowered.split())
    for candidate in (lowered, joined, without_ending(lowered), without_ending(joined)):
        if candidate and candidate in known:
            return True
    return False
