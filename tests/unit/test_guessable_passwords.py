"""Passwords a guessing tool tries first are refused as the list's own words are (security
probe sec38, finding 3: "Pa$$w0rd1234", "!QAZ2wsx#EDC", "q1w2e3r4t5y6", "Rhi2026rhi2026" and
the README's demo password were accepted while "Password123!" was refused). The same
password_problem runs on changing a password, reset links, new users and `flask rhi
create-user`; each refusal says why and what would be better."""

from __future__ import annotations

import pytest

from rhi.passwords import (
    COMMON,
    KEYBOARD,
    MIN_LENGTH,
    REPEATED,
    SERVICE_NAME,
    password_problem,
)

BETTER = "a few unrelated words are easy to remember"


@pytest.mark.parametrize(
    "password",
    [
        "Password123!",
        "P@ssw0rd2026",
        "Pa$$w0rd1234",  # look-alikes read as letters: "password" with an ending
        "P4ssword1234",
        "Pa55word1234",
        "D3m0-P@ssw0rd-2026",
        "1234567890qwerty",  # "qwerty" after a run of digits
        "correcthorsebatterystaple",  # a famous phrase, however it is spaced
        "Correct Horse Battery Staple 7",
        "demo-password-2026",  # the README's demo password: public, the likeliest to be copied
        "Demo Password 2026!",
    ],
)
def test_list_words_with_look_alikes_endings_and_famous_phrases_are_refused(password):
    assert password_problem(password) == COMMON


@pytest.mark.parametrize(
    "password",
    [
        "!QAZ2wsx#EDC",  # down three columns, shifted and not
        "1qazxsw23edc",  # down, up, down
        "zaq12wsxcde3",  # up, along, down, along, up
        "qwertyuiopas",  # along the top row and on
        "q1w2e3r4t5y6",  # two rows, a key of each in turn
        "a1b2c3d4e5f6",  # letters and digits in order, in turn
        "mnbvcxzlkjhg",  # backwards
    ],
)
def test_keyboard_walks_are_refused_and_said_so(password):
    problem = password_problem(password)
    assert problem == KEYBOARD
    assert "keys next to each other on a keyboard" in problem and BETTER in problem


@pytest.mark.parametrize(
    "password",
    ["Rhi2026rhi2026", "rh1-RHI-2026!!", "my rhi 20261", "R3turn h0me 1nterview kettle"],
)
def test_a_password_mostly_the_name_of_this_service_is_refused(password):
    assert password_problem(password) == SERVICE_NAME
    assert "the name of this service" in SERVICE_NAME and BETTER in SERVICE_NAME


@pytest.mark.parametrize("password", ["kettlekettle7", "Lamp2026lamp2026", "owl-lamp owl-lamp"])
def test_one_short_piece_typed_more_than_once_is_refused(password):
    assert password_problem(password) == REPEATED
    assert BETTER in REPEATED


@pytest.mark.parametrize(
    "password",
    [
        "violet kettle under Wigan pier",
        "Canal-boat-Tuesday-41",
        "mX9#tq2!Lr7v",
        "a kettle, two owls and a lighthouse",
        "rhinoceros under the pier",  # "rhi" inside a word is not the service's name
        "Rhian walks to Wigan",
        "qwerty is a keyboard, owls are not",  # a walk, but not most of it
        "along the river bank",
    ],
)
def test_strong_passwords_and_passphrases_are_still_accepted(password):
    assert password_problem(password) is None


def test_a_strong_password_too_short_is_refused_only_for_its_length():
    problem = password_problem("mX9#tq2!Lr")  # 10 characters: every pattern check passes
    assert problem is not None and f"at least {MIN_LENGTH} characters" in problem
    assert password_problem("mX9#tq2!Lr" + "7v") is None


def test_a_password_past_the_longest_is_refused_before_it_is_read_any_other_way():
    """A review (rev38): a megabyte's password cost seconds of the server's time in the checks
    below, on forms whose own limit did not stop them (the admin's first password had none)."""
    from rhi.passwords import MOST_LENGTH, password_problem

    assert password_problem("violet kettle " * 1000) == f"Use at most {MOST_LENGTH} characters."
    assert password_problem(("x" * 7 + "y") * 1_000_000) == f"Use at most {MOST_LENGTH} characters."
