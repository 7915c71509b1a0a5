"""Text typed by people, made safe to show.

Unicode's explicit direction controls (embeddings, overrides and isolates) make a renderer draw
the characters after them in another order: "gnp.exe" typed after a right-to-left override shows
as "exe.png". Nobody writing Arabic, Urdu or Hebrew needs them (the browser orders those
scripts itself, and the left-to-right and right-to-left marks U+200E and U+200F are kept), so
they are removed from what is saved, and again from everything shown, pages and PDFs alike, for
text saved before this rule.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

# U+202A-U+202E: LRE, RLE, PDF, LRO, RLO. U+2066-U+2069: LRI, RLI, FSI, PDI.
_DIRECTION_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def without_direction_controls(text: str) -> str:
    return text.translate(_DIRECTION_CONTROLS)


def for_display(value: Any) -> Any:
    """Jinja's finalize: every value a template prints passes through here."""
    if isinstance(value, Markup):
        # Already safe markup: only the direction controls are taken out of it.
        return Markup(str(value).translate(_DIRECTION_CONTROLS))  # noqa: S704  # nosec B704
    if isinstance(value, str):
        return value.translate(_DIRECTION_CONTROLS)
    return value
