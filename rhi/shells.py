"""Shell pages: rhi's own pages rendered with blanks where a child's details would be.

The service worker keeps these in the Cache API so the worker's pages open with no signal, and
`static/js/shell.js` fills the blanks on the tablet from what is kept there, encrypted. They come
from the same templates as the pages online, with the same fields and labels from the field
catalogue (rhi/interviews/fields.py), and `blanks()` shapes a new interview, list entry or
finding from it too, so there is no second interface to keep in step, and no child's data is
ever in the cache.

A blank is a `Blank` (safe markup: `<span data-fill="...">`) standing in for a name or an age;
record ids are fixed placeholders that shell.js swaps for the real ones in links and forms.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from rhi import timefmt
from rhi.interviews import content as c
from rhi.interviews import fields
from rhi.interviews.child_words import every_variant
from rhi.models.interviews import InterviewStatus
from rhi.sync import kept_offline

# Placeholders shell.js replaces in attributes (links, form actions). Never a real record's.
PLACEHOLDER_UUID = "00000000-0000-4000-8000-000000000000"
PLACEHOLDER_ID = 999999999
NEW_ENTRY_ID = "new-entry"  # a list entry's id in its blank <template>


class Blank(Markup):
    """A gap in a shell page, filled on the tablet. Template filters pass it through as it is
    (see templating.py), so `child.date_of_birth|age` works in a shell too."""

    __slots__ = ()


def blank(name: str, fallback: str = "") -> Blank:
    return Blank(Markup('<span data-fill="{}">{}</span>').format(name, fallback))


def every_band(text_for: Callable[[str], str]) -> Markup:
    """All age-banded versions of a text, each marked with its words' key; shell-fill.js keeps
    the child's. A key is a band, or a band and a language ("11_to_14.ar": the tablet's copy of
    the child names it, rhi/interviews/child_words.py): the English of a band is the same in
    each, so a text given only in English still shows for a child with a language."""
    return Markup("").join(
        Markup('<span data-band="{}">{}</span>').format(words.key, text_for(words.band))
        for words in every_variant()
    )


@dataclass
class StandInChild:
    id: int = PLACEHOLDER_ID
    display_name: Blank = field(default_factory=lambda: blank("display_name", "this child"))
    first_name: Blank = field(default_factory=lambda: blank("first_name", "the child"))
    preferred_name: None = None
    date_of_birth: Blank = field(default_factory=lambda: blank("age"))


@dataclass
class StandInEpisode:
    child: StandInChild
    id: int = PLACEHOLDER_ID
    child_id: int = PLACEHOLDER_ID
    returned_at: Blank = field(default_factory=lambda: blank("returned_at"))
    risk_grade: Blank = field(default_factory=lambda: blank("risk_grade"))
    interview: None = None


@dataclass
class StandInInterview:
    uuid: str = PLACEHOLDER_UUID
    locked: bool = False
    status: str = "in_progress"
    content: dict[str, Any] = field(default_factory=dict)
    read_back_of: str | None = None  # reading back needs a connection: never on the tablet


def no_csrf_token() -> str:
    """Shell pages are kept on the device: no session's token goes into them."""
    return ""


# ---- the server's rule for a date and time, handed to the tablet -------------------------------
# With no signal, a "when" field (fields.WHEN: when the chat started, when the child chose how
# they feel...) took any words, and back online the server refused the whole interview for one
# ("about teatime": a probe). The shell pages check such a field as /save does, with a pattern
# made here from the very formats content.set_field reads (content.WHEN_FORMATS, read with
# datetime.strptime) and the message it gives; tests/unit/test_when_rule_handed_over.py holds
# the two together. The pattern uses only what Python's `re` and JavaScript's RegExp read the
# same way: ASCII digits as [0-9] and the whitespace written out, no flags.

# The whitespace str.strip() takes off and a space in a strptime format matches (\s: both
# are str.isspace(), none of it past U+FFFF); JavaScript's \s is not quite the same set.
_SPACE = "[" + "".join(f"\\u{i:04x}" for i in range(0x10000) if chr(i).isspace()) + "]"

# strptime's own patterns (_strptime.TimeRE) for each directive, as one calendar kind of month
# allows them: day 31 only in a long month, 30 not in February, 29 in February of a leap year.
# A year 0000 is no date (datetime's years start at 1).
_YEAR = "(?!0000)[0-9]{4}"
_LEAP_YEAR = "(?!0000)(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)"
_ONE_TO_NINE = "0[1-9]|[1-9]| [1-9]"
_MONTHS = (  # (year, month, day) for each kind of month
    (_YEAR, "0?[13578]|1[02]", f"3[01]|[12][0-9]|{_ONE_TO_NINE}"),
    (_YEAR, "0?[469]|11", f"30|[12][0-9]|{_ONE_TO_NINE}"),
    (_YEAR, "0?2", f"2[0-8]|1[0-9]|{_ONE_TO_NINE}"),
    (_LEAP_YEAR, "0?2", "29"),
)
_CLOCK = {"H": "2[0-3]|[01][0-9]|[0-9]", "M": "[0-5][0-9]|[0-9]"}


def _format_pattern(fmt: str, year: str, month: str, day: str) -> str:
    """One strptime format as a pattern, for one kind of month. Raises for a directive this
    does not know, so a new format in content.WHEN_FORMATS is not handed over half-read."""
    directives = {"Y": year, "m": month, "d": day, **_CLOCK}
    out = []
    special = "\\^$.|?*+()[]{}"  # read otherwise than as themselves, but behind a backslash
    for piece in re.findall(r"%.|\s+|.", fmt, flags=re.DOTALL):
        if piece.startswith("%"):
            if piece[1:] not in directives:
                raise ValueError(f"{fmt}: the tablet cannot check {piece}")
            out.append(f"(?:{directives[piece[1:]]})")
        elif piece.isspace():
            out.append(_SPACE + "+")
        elif piece.isascii() and piece.isalpha():
            out.append(f"[{piece.upper()}{piece.lower()}]")  # strptime ignores case
        else:
            out.append(f"\\{piece}" if piece in special else piece)
    return "".join(out)


def _refusal(value: str) -> str:
    """What /save says of `value` in a "when" field (content.set_field), or "" if it takes it."""
    try:
        c.set_field({}, "start.held_on", value)
    except c.ContentError as exc:
        return str(exc)
    return ""


@functools.cache
def when_rule() -> dict[str, str]:
    """The server's check of a date and time, for the tablet: `pattern`, matched against the
    whole value, takes exactly what content.set_field reads as one (blank too); `message` is
    what it says otherwise. (A time still to come, or one the clocks skipped, is refused too:
    those need the server's clock and zone, and are said when the interview is sent.) Made
    once a process: the formats and the message do not change while it runs."""
    dates = "|".join(_format_pattern(fmt, *month) for fmt in c.WHEN_FORMATS for month in _MONTHS)
    return {
        "pattern": f"{_SPACE}*(?:(?:{dates}){_SPACE}*)?",
        "message": _refusal("not a date and time"),
    }


def when_words() -> dict[str, Any]:
    """The pages' way of writing a date and time (timefmt.SHOWN_WHEN, as format_datetime writes
    it), for the tablet: a time recorded with no signal read "06/12/2026 18:06" there, where
    every page writes "6 Dec 2026 18:06" (a tablet probe)."""
    return {"pattern": timefmt.SHOWN_WHEN, "months": list(timefmt.MONTH_WORDS)}


def blanks() -> dict[str, Any]:
    """The shapes shell.js copies when it starts an interview, fills a page or adds an entry, so
    what a tablet uploads is shaped exactly like what the pages save; the words for each
    interview status; the server's check of a date and time (`when_rule`) and its way of
    writing one (`when_words`); and each part's title, to say where a field the server refused
    is."""
    return {
        "when": dict(when_rule()),
        "when_words": when_words(),
        "page_titles": dict(fields.PAGE_TITLES),
        "content": c.normalise({}),
        "entries": {
            kind: c.add_item({}, kind, NEW_ENTRY_ID)[0][kind][0] for kind in fields.lists()
        },
        "finding": c.blank_finding(),
        "statuses": {s.value: s.label for s in InterviewStatus},
    }


def shell_context() -> dict[str, Any]:
    """What every shell page's template needs besides its own blanks."""
    return {
        "shell": True,
        "csrf_token": no_csrf_token,
        "shell_blanks": blanks(),
        "copies_kept_for": kept_offline.in_words(),  # the note on how long copies stay
    }
