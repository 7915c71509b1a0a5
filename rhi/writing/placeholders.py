"""Parts of a suggested wording the worker has not filled yet ("[person]"), found in every
field the writing check reads: listed on review as gaps and named again when finishing (never
blocking). The placeholders are the rules' own (Matcher.placeholders), so a worker's own
brackets are not taken for one.

An interview's record is more than its document: the child's "no" and the carer's words, the
outcome's reason, the contact attempts' notes, why it was late, the safeguarding decisions'
reasons, the addenda, and the safe and well check of its returns are kept beside it
(`record_texts`). `left_unfilled_in` reads all of them; `still_in` names a placeholder left in
one box a form has just saved outside the interview (saving is still allowed), and
`saved_and_left` adds it to what the worker is told."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rhi.interviews import content as c
from rhi.interviews import fields as catalogue
from rhi.timefmt import format_datetime
from rhi.writing import matcher


def found_in(text: str | None) -> list[str]:
    """The rules' placeholders still in `text`, in the order they first appear."""
    if not text:
        return []
    return sorted({p for p in matcher().placeholders if p in text}, key=text.index)


def _gap(title: str, found: list[str]) -> str:
    return f"\u201c{title}\u201d still has {', '.join(found)} to fill in."


def left_unfilled(content: dict[str, Any], child: str = catalogue.CHILD) -> list[str]:
    """The gaps in the interview's own document (its pages' fields)."""
    document = c.normalise(content)
    gaps = []
    for path, text in c.text_fields(document):
        found = found_in(text)
        if found:
            gaps.append(_gap(catalogue.title(path, (document,), child), found))
    return gaps


def record_texts(interview: Any) -> Iterator[tuple[str, str]]:
    """(title, text) of each free text kept with the interview outside its pages' fields, in
    the order they were written. A text the record holds twice (a "no" that is also the
    outcome's reason) is given once. Reads attributes only: a shell's stand-in has none."""
    seen: set[str] = set()

    def once(title: str, text: str | None) -> Iterator[tuple[str, str]]:
        if text and text not in seen:
            seen.add(text)
            yield title, text

    for attempt in getattr(interview, "contact_attempts", None) or []:
        when = format_datetime(attempt.attempted_at)
        yield from once(f"Note on the contact attempt of {when}", attempt.note)
    yield from once(
        "What the child said when they said no", getattr(interview, "decline_reason", None)
    )
    yield from once("What the carer said", getattr(interview, "carer_said", None))
    if getattr(interview, "outcome", None) != "held":
        yield from once("The outcome's reason", getattr(interview, "outcome_reason", None))
    yield from once("About the delay", getattr(interview, "delay_note", None))
    for episode in getattr(interview, "episodes", None) or []:
        yield from once("What the safe and well check found", episode.safe_and_well_notes)
        yield from once("Anything new the child told us at the check", episode.safe_and_well_new)
    for decision in c.normalise(getattr(interview, "content", None) or {})["overrides"]:
        if not isinstance(decision, dict):
            continue
        named = catalogue.RECIPIENTS.get(str(decision.get("recipient")), "others").lower()
        about = f"The decision to share with {named} without agreement"
        for key, what in (
            ("reason", "why"),
            ("child_told_how", "how the child was told"),
            ("child_said", "what the child said"),
            ("urgent_reason", "why it could not wait"),
        ):
            text = decision.get(key)
            yield from once(f"{about}: {what}", text if isinstance(text, str) else None)
    for addendum in getattr(interview, "addenda", None) or []:
        yield from once(f"Addendum of {format_datetime(addendum.created_at)}", addendum.text)


def left_unfilled_in(interview: Any, child: str = catalogue.CHILD) -> list[str]:
    """Every gap in the interview's record: its document's fields, then the texts kept beside
    it (`record_texts`), for the review's list and the message on finishing."""
    gaps = left_unfilled(getattr(interview, "content", None) or {}, child)
    for title, text in record_texts(interview):
        found = found_in(text)
        if found:
            gaps.append(_gap(title, found))
    return gaps


def still_in(text: str | None, where: str) -> str:
    """What to tell a worker whose saved `text` (`where`: "the reason") still holds a
    placeholder: "[reason] is still in the reason: replace it with what you know." Blank when
    it holds none."""
    found = found_in(text)
    if not found:
        return ""
    if len(found) == 1:
        return f"{found[0]} is still in {where}: replace it with what you know."
    named = ", ".join(found[:-1]) + f" and {found[-1]}"
    return f"{named} are still in {where}: replace them with what you know."


def saved_and_left(message: str, *boxes: tuple[str | None, str]) -> str:
    """`message` (what was saved), then `still_in` for each (text, where) box the form saved:
    the words are kept as written and each placeholder left is named where it is."""
    return " ".join(filter(None, [message, *(still_in(text, where) for text, where in boxes)]))
