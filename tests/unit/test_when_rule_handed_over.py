"""The tablet checks a date and time ("when" fields) with the server's own rule, handed over in
the shell pages' blanks (rhi/shells.py `when_rule`): a pattern that takes exactly what
content.set_field (the /save path) takes, and the message /save gives otherwise.

Before: offline, "about teatime" was kept with no word, and back online the server refused the
whole interview for it (a probe). The pattern is read by JavaScript's RegExp on the tablet, so
the same examples are run through Node too: Python's `re` and JavaScript must agree with each
other and with the validator.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rhi import shells
from rhi.interviews import content as c
from rhi.interviews import fields

RULE = shells.when_rule()
PATTERN = re.compile(RULE["pattern"])
MESSAGE = "Enter a date and time like 2026-11-23 14:30 or 23/11/2026 14:30."


def server_takes(value: str) -> bool:
    """What /save does with the value in a "when" field (the format: the future and the clocks'
    skipped hour need the server's clock and zone, and are said when the interview is sent)."""
    try:
        c.set_field({}, "start.held_on", value)
    except c.ContentError as exc:
        assert str(exc) == RULE["message"]
        return False
    return True


def tablet_takes(value: str) -> bool:
    return PATTERN.fullmatch(value) is not None


# Values near a date and time: the pieces the formats are made of, often right, often not.
DIGITS = st.text(st.sampled_from("0123456789"), min_size=1, max_size=5)
NEAR = st.one_of(
    DIGITS,
    st.sampled_from(["-", "/", ":", " ", "T", "t", "  ", "\t", "\u00a0", "\ufeff", "\u200b"]),
    st.sampled_from(["29", "30", "31", "02", "2", "0000", "2024", "1900", "2000", " 3", "24"]),
    st.text(max_size=2),
)
SHAPED = st.lists(NEAR, max_size=12).map("".join)


def valid_looking() -> st.SearchStrategy[str]:
    year = st.integers(0, 9999).map(lambda y: f"{y:04d}")
    two = st.integers(0, 39).map(lambda n: st.sampled_from([f"{n:02d}", str(n), f" {n}"]))
    part = two.flatmap(lambda s: s)
    space = st.sampled_from([" ", "  ", "\u00a0", "\u3000", "\u2028", "\ufeff", "", "\n"])
    return st.one_of(
        st.tuples(year, part, part, space, part, part).map(
            lambda t: f"{t[0]}-{t[1]}-{t[2]}{t[3] or 'T'}{t[4]}:{t[5]}"
        ),
        st.tuples(part, part, year, space, part, part, space).map(
            lambda t: f"{t[6]}{t[0]}/{t[1]}/{t[2]}{t[3]}{t[4]}:{t[5]}{t[6]}"
        ),
    )


ASCII_DIGITS = set("0123456789")


def only_ascii_digits(value: str) -> bool:
    """The pattern reads [0-9]; Python's strptime also reads other scripts' digits (١٢)."""
    return all(ch in ASCII_DIGITS for ch in value if ch.isdecimal())


EXAMPLES = [
    "about teatime",
    "2026-11-23 14:30",
    "23/11/2026 14:30",
    "2026-11-23T14:30",
    "2024-02-29 10:00",
    "2023-02-29 10:00",
    "2000-02-29 10:00",
    "1900-02-29 10:00",
    "0000-01-01 10:00",
    "2026-04-31 10:00",
    "2026-11- 3 14:30",
    "  2026-11-23   14:30  ",
    "2026-11-23\ufeff14:30",
    "2026-11-23 14:30\n",
    "",
    "   ",
]


def many_examples(count: int = 4000) -> list[str]:
    """Values near a date and time, the same each run, for Node to read as well."""
    rng = random.Random(20261123)
    pieces = ["-", "/", ":", " ", "T", "t", "\u00a0", "\ufeff", "\u3000", "x", " 3", "29"]
    out = list(EXAMPLES)
    for _ in range(count):
        m, d, h, n = (
            rng.choice([f"{k:02d}", str(k), f" {k}"][: 2 + (k < 10)])
            for k in (
                rng.randint(0, 13),
                rng.randint(0, 32),
                rng.randint(0, 25),
                rng.randint(0, 61),
            )
        )
        y = f"{rng.choice([0, 1900, 2000, 2023, 2024, 2026, rng.randint(0, 9999)]):04d}"
        space = rng.choice([" ", "  ", "\u00a0", "\n", "\ufeff", ""])
        shaped = rng.choice([f"{y}-{m}-{d}{space or 'T'}{h}:{n}", f"{d}/{m}/{y}{space}{h}:{n}"])
        if rng.random() < 0.3:
            at = rng.randint(0, len(shaped))
            shaped = shaped[:at] + rng.choice(pieces) + shaped[at + rng.randint(0, 1) :]
        out.append(rng.choice(["", " ", "\t"]) + shaped + rng.choice(["", " ", "\u2028"]))
    return out


def test_examples_accepted_and_refused():
    taken = [v for v in many_examples() if server_takes(v)]
    assert 500 < len(taken) < len(many_examples()) - 500  # both kinds, in numbers
    assert all(tablet_takes(v) == server_takes(v) for v in many_examples())


@settings(max_examples=3000, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.one_of(SHAPED, valid_looking(), st.text(max_size=20)))
def test_the_tablet_takes_what_the_server_takes(value):
    if only_ascii_digits(value):
        assert tablet_takes(value) == server_takes(value), value
    else:
        # Never lets through what the server refuses (the worker is told, the value kept).
        assert not tablet_takes(value) or server_takes(value), value


def test_javascript_reads_the_pattern_as_python_does():
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node is not installed")
    samples = many_examples()
    script = (
        "const [pattern, values] = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "const re = new RegExp(`^(?:${pattern})$`);"
        "process.stdout.write(JSON.stringify(values.map((v) => re.test(v))));"
    )
    out = subprocess.run(
        [node, "-e", script],
        input=json.dumps([RULE["pattern"], samples]),
        capture_output=True,
        text=True,
        check=True,
    )
    answers = json.loads(out.stdout)
    differ = [v for v, js in zip(samples, answers, strict=True) if js != tablet_takes(v)]
    assert differ == []


def test_the_message_is_the_one_save_gives_and_the_shell_pages_carry_it():
    assert RULE["message"] == MESSAGE
    assert not server_takes("about teatime")
    assert shells.blanks()["when"] == RULE
    # Every "when" field of the interview is checked by that rule (its kind in the catalogue).
    whens = [f.path for f in fields.catalogue() if f.kind == fields.WHEN]
    assert {"start.held_on", "feelings.<section>.at", "read_back.at"} <= set(whens)
