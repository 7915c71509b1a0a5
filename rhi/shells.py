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

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from rhi.interviews import content as c
from rhi.interviews import fields
from rhi.interviews.child_words import every_variant
from rhi.models.interviews import InterviewStatus

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


def blanks() -> dict[str, Any]:
    """The shapes shell.js copies when it starts an interview, fills a page or adds an entry, so
    what a tablet uploads is shaped exactly like what the pages save; and the words for each
    interview status."""
    return {
        "content": c.normalise({}),
        "entries": {
            kind: c.add_item({}, kind, NEW_ENTRY_ID)[0][kind][0] for kind in fields.lists()
        },
        "finding": c.blank_finding(),
        "statuses": {s.value: s.label for s in InterviewStatus},
    }


def shell_context() -> dict[str, Any]:
    """What every shell page's template needs besides its own blanks."""
    return {"shell": True, "csrf_token": no_csrf_token, "shell_blanks": blanks()}
