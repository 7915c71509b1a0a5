"""Text typed by people, made safe to show.

Unicode's explicit direction controls (embeddings, overrides and isolates) make a renderer draw
the characters after them in another order: "gnp.exe" typed after a right-to-left override shows
as "exe.png". Nobody writing Arabic, Urdu or Hebrew needs them (the browser orders those
scripts itself, and the left-to-right and right-to-left marks U+200E and U+200F are kept), so
they are removed from what is saved, and again from everything shown, pages and PDFs alike, for
text saved before this rule.
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup

# U+202A-U+202E: LRE, RLE, PDF, LRO, RLO. U+2066-U+2069: LRI, RLI, FSI, PDI.
_DIRECTION_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def without_direction_controls(text: str) -> str:
    return _DIRECTION_CONTROLS.sub("", text)


def for_display(value: Any) -> Any:
    """Jinja's finalize: every value a template prints passes through here, blocks of markup
    tens of kilobytes long among them, so a value is only copied when it holds a control (a
    search is several times quicker than rewriting it character by character)."""
    if not isinstance(value, str) or not _DIRECTION_CONTROLS.search(value):
        return value
    if isinstance(value, Markup):
        # Already safe markup: only the direction controls are taken out of it.
        return Markup(_DIRECTION_CONTROLS.sub("", str(value)))  # noqa: S704  # nosec B704
    return _DIRECTION_CONTROLS.sub("", value)


# What ends a sentence, in the scripts the app is written in (Arabic's question mark and the Urdu
# and Pashto full stop too), and the closing marks that may follow it ("… tonight.”").
_ENDS = ".!?…؟۔"
_CLOSERS = "\"'”’)]»"


def as_sentence(text: str) -> str:
    """Typed words a page prints as a sentence of its own: with a full stop when they end with
    none, never a second one (a probe saw "… meet her tonight.." in a police copy)."""
    words = text.rstrip()
    if words and words.rstrip(_CLOSERS)[-1:] not in _ENDS:
        return f"{words}."
    return words
