"""Passwords that are often guessed: a list shipped with the app (common_passwords.txt.gz, one
lower-case password a line, built by rhi/auth/common_passwords_build.py), a few well-known
phrases kept here, and the patterns guessing tools try before any list.

A password is refused when it is on the list ignoring case, or when it is once its trailing
digits and symbols are taken off ("Liverpool1234!" is "liverpool" with an ending that every
guessing tool tries), with the spaces and dashes between its words left out, or with its
look-alike characters read as the letters they stand for ("Pa$$w0rd" and "P4ssword" are
"password": a probe found "Pa55word1234" refused but "Pa$$w0rd1234" accepted). The list is
read once per process, the first time a password is checked, so that signing in and every
other page never pay for it.

The patterns (a probe: "q1w2e3r4t5y6", "1qazxsw23edc" and "Rhi2026rhi2026" were accepted):
- keys next to each other on a keyboard, along a row or down a column, either way, or letters
  and numbers in order ("qwertyuiopas", "!QAZ2wsx#EDC", "zaq12wsxcde3", "abc123"), and two such
  runs typed a character of each in turn ("q1w2e3r4", "a1b2c3"), when they make up most of the
  password;
- mostly the name of this service ("rhi", "return home interview"), which everyone who uses it
  knows;
- one short piece typed more than once ("Rhi2026rhi2026", "kettlekettle7").
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from functools import cache
from importlib import resources
from string import ascii_lowercase, digits

LIST_FILE = "common_passwords.txt.gz"

# Well-known phrases and the demo's password, written without spaces (spaces and dashes are
# taken out before the lookup). Kept here, not in the built list: the shipped list must be
# exactly the builder's output (a test checks it), and the builder keeps "correct horse battery
# staple" off it as the test suite's password. The phrase is refused all the same, being the
# first passphrase a guessing tool tries; the tests give their users that password directly
# (tests/world.py), not through this check.
# The demo's password: rhi/demo.py gives the fictional demo accounts "demo-password-2026" with
# hash_password, not through this check, which is for a person choosing a password. It is
# published in the README, which is exactly why no real account may be given it (during a pilot
# it is the likeliest password to be copied onto one).
PHRASES = frozenset(
    {
        "correcthorsebatterystaple",
        "demopassword",
        "thequickbrownfox",
        "thequickbrownfoxjumpsoverthelazydog",
        "maytheforcebewithyou",
        "tobeornottobe",
        "nevergonnagiveyouup",
        "keepcalmandcarryon",
        "youllneverwalkalone",
        "godsavetheking",
        "godsavethequeen",
        "twinkletwinklelittlestar",
        "onceuponatime",
        "hakunamatata",
        "winteriscoming",
        "allyouneedislove",
        "thisismypassword",
        "thisisapassword",
        "whatisthepassword",
        "supersecretpassword",
        "idontknow",
    }
)

# Look-alike characters and the letters they stand for. "1" stands for "i" or "l", so each
# password is read both ways ("1etmein", "pa1ntbal1").
_LOOK_ALIKES = {"@": "a", "4": "a", "$": "s", "5": "s", "0": "o", "3": "e", "7": "t", "!": "i"}
_AS_I = str.maketrans({**_LOOK_ALIKES, "1": "i", "|": "l"})
_AS_L = str.maketrans({**_LOOK_ALIKES, "1": "l", "|": "l"})
# Between words: "demo-password-2026" is "demopassword" with an ending.
_BETWEEN_WORDS = re.compile(r"[\s_.,-]+")


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


def without_start(password: str) -> str:
    """The password with its leading digits and symbols taken off ("2026liverpool")."""
    start = 0
    while start < len(password) and not password[start].isalpha():
        start += 1
    return password[start:]


def _joined(password: str) -> str:
    return _BETWEEN_WORDS.sub("", password.lower())


def _readings(password: str) -> Iterator[str]:
    """The ways a guessing tool reads the password: as typed, with the spaces and dashes between
    words left out, with its ending (and start) of digits and symbols taken off, and each of
    those with look-alike characters read as letters. The ending comes off before the letters
    are read, so that "Pa$$w0rd1234" is "password" and not "passwordi2e4"."""
    for whole in (password.lower(), _joined(password)):
        for part in (whole, without_ending(whole), without_start(without_ending(whole))):
            yield part
            for table in (_AS_I, _AS_L):
                read = part.translate(table)
                yield read
                yield without_ending(read)


def is_common(password: str) -> bool:
    known = common_passwords()
    return any(
        candidate and (candidate in known or candidate in PHRASES)
        for candidate in _readings(password)
    )


# A UK keyboard, unshifted, each row with how far its first key sits from the left edge (in
# keys), so that keys in neighbouring rows touch when they overlap ("1qaz", "zaq1", "3edc").
_ROWS = (
    ("`1234567890-=", 0.0),
    ("qwertyuiop[]", 1.5),
    ("asdfghjkl;'", 1.75),
    ("\\zxcvbnm,./", 1.25),
)
_KEYS = {
    key: (row, offset + column)
    for row, (keys, offset) in enumerate(_ROWS)
    for column, key in enumerate(keys)
}
# A shifted symbol is its key ("!QAZ" is "1qaz"); "@", "#" as on a US keyboard, where most
# walks in the breach lists were typed, '"' and "£" as on a UK one.
_SHIFTED = str.maketrans(
    {
        "!": "1", "@": "2", '"': "2", "#": "3", "£": "3", "$": "4", "%": "5", "^": "6",
        "&": "7", "*": "8", "(": "9", ")": "0", "_": "-", "+": "=", "{": "[", "}": "]",
        ":": ";", "<": ",", ">": ".", "?": "/", "|": "\\", "¬": "`",
    }
)  # fmt: skip
# A run of this many keys or more in one direction is a walk; shorter ones ("as", "we") are in
# every word, and so are runs that turn at every key ("reds": left, down, left).
SHORTEST_WALK = 3
# Two runs typed in turn: at least this many characters ("q1w2e3", "a1b2c3").
SHORTEST_IN_TURN = 6
_NO_WAY: frozenset[str] = frozenset()


def _ways(a: str, b: str) -> frozenset[str]:
    """Which way the step from key `a` to key `b` goes: along a row, up or down a column (keys
    in neighbouring rows touch when they overlap), or on to the next letter or digit in order;
    none when they do not touch."""
    ways = set()
    in_order = (a in digits and b in digits) or (a in ascii_lowercase and b in ascii_lowercase)
    if in_order and abs(ord(a) - ord(b)) == 1:
        ways.add("next" if ord(b) > ord(a) else "back")
    if a in _KEYS and b in _KEYS and a != b:
        (row_a, x_a), (row_b, x_b) = _KEYS[a], _KEYS[b]
        if row_a == row_b and abs(x_a - x_b) == 1:
            ways.add("right" if x_b > x_a else "left")
        elif abs(row_a - row_b) == 1 and abs(x_a - x_b) < 1:
            ways.add("down" if row_b > row_a else "up")
    return frozenset(ways)


def _cover(covered: list[bool], steps: list[frozenset[str]], gap: int, shortest: int) -> None:
    """Mark the characters in runs of at least `shortest`, each `gap` after the one before and
    every step of a run going the same way (`steps[i]`: from character i to i + gap)."""
    start, way = 0, _NO_WAY
    for i, step in enumerate([*steps, _NO_WAY]):
        kept = way & step
        if not kept:
            if i + gap - start >= shortest and way:
                covered[start : i + gap] = [True] * (i + gap - start)
            start, kept = i, step
        way = kept


def walk_share(password: str) -> float:
    """How much of the password (spaces aside) is keyboard walks and runs in order: "!QAZ2wsx"
    is two walks down a column, "zaq12wsx" one up, one along, one down, and "q1w2e3" two walks
    along rows typed in turn."""
    keys = "".join(password.lower().split()).translate(_SHIFTED)
    if not keys:
        return 0.0
    covered = [False] * len(keys)
    for gap, shortest in ((1, SHORTEST_WALK), (2, SHORTEST_IN_TURN)):
        steps = [_ways(keys[i], keys[i + gap]) for i in range(len(keys) - gap)]
        _cover(covered, steps, gap, shortest)
    return sum(covered) / len(keys)


# "Most of the password": more than this share of it.
MOSTLY = 2 / 3


def is_keyboard_walk(password: str) -> bool:
    return walk_share(password) > MOSTLY


# The service's own name. "rhi" only when no letter follows it: "rhino" and "Rhian" are words.
_SERVICE_NAME = re.compile(
    r"return[\s_.-]*home[\s_.-]*interviews?|return[\s_.-]*home|return[\s_.-]*interviews?"
    r"|rhi(?![a-z])"
)


def _letters(text: str) -> int:
    return sum(character.isalpha() for character in text)


def is_mostly_service_name(password: str) -> bool:
    """At least half the password's letters are the name of this service (its digits and
    symbols aside: "Rhi2026!" is the name and a year)."""
    lowered = password.lower()
    for reading in (lowered, lowered.translate(_AS_I)):
        named = _letters("".join(_SERVICE_NAME.findall(reading)))
        if named and named >= _letters(_SERVICE_NAME.sub("", reading)):
            return True
    return False


_SYMBOLS_AT_THE_END = re.compile(r"[^a-z0-9]+$")


def _repeats(text: str) -> bool:
    return len(text) > 1 and (text + text).find(text, 1) < len(text)


def is_repeated_piece(password: str) -> bool:
    """The password, its spaces and dashes and its ending aside, is one piece typed more than
    once ("Rhi2026rhi2026", "kettle kettle 7")."""
    joined = _joined(password)
    symbols_off = _SYMBOLS_AT_THE_END.sub("", joined)
    return any(
        _repeats(part) and len(part) > MOSTLY * len(joined)
        for part in (joined, symbols_off, without_ending(joined), without_start(joined))
    )
