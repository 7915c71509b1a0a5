"""What the worker prepares with, in words: one home for the Returns card and the episode page
online (templates/episodes/_prepare.html) and for the tablet's copy of a return, which fills
the same card offline (rhi/sync/copies.py), so the two read the same."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from rhi.episodes.queries import repeat_phrase
from rhi.models import Child


@dataclass(frozen=True)
class Fact:
    key: str  # the name the offline card fills ("prepare_<key>")
    label: str
    words: str  # "" for a fact not shown (a child placed by their home council)


def facts(child: Child, repeat_count: int, *, marked: bool = False) -> list[Fact]:
    """`marked`: the Returns card shows the repeat marker ("3 episodes in the last 30 days",
    rhi.episodes.queries.repeat_phrase) for this count, so the count is not said again here."""
    language = child.first_language or "Not recorded"
    if child.interpreter_needed:
        language += "; would like an interpreter"
    legal = child.legal_status_label
    if child.placement_type:
        legal += f"; {child.placement_label}"
    placed_by = (child.placing_authority or "").strip() if child.placed_from_elsewhere else ""
    days = current_app.config["RHI_REPEAT_DAYS"]
    return [
        Fact("language", "First language", language),
        Fact("legal", "Legal status", legal),
        Fact("placed_by", "Placed here by", placed_by),
        Fact(
            "repeat",
            f"Reported missing in the last {days} days",
            "" if marked else "Once" if repeat_count == 1 else f"{repeat_count} times",
        ),
    ]


def blanks() -> list[Fact]:
    """The facts' labels, for a shell card to fill offline."""
    days = current_app.config["RHI_REPEAT_DAYS"]
    return [
        Fact("language", "First language", ""),
        Fact("legal", "Legal status", ""),
        Fact("placed_by", "Placed here by", ""),
        Fact("repeat", f"Reported missing in the last {days} days", ""),
    ]


def as_copy(child: Child, repeat_count: int) -> dict[str, str]:
    """The facts for the tablet's copy of a Returns card: `prepare_<key>` -> words."""
    marked = repeat_phrase(repeat_count) is not None
    return {f"prepare_{f.key}": f.words for f in facts(child, repeat_count, marked=marked)}
