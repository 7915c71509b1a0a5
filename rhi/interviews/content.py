"""The shape of an interview's content, and the one way to change it. No Flask here.

An interview's words and findings live in one JSON document (`Interview.content`). The same
document is what a tablet stores offline and uploads. Its fields, their kinds, labels and
options are listed once, in the field catalogue (rhi/interviews/fields.py): this module builds
the blank document from it and writes every field through `set_field()`, the only writer, after
looking the dotted path up there ("sections.before.text", "push.family_conflict.note",
"people.<id>.name"). Pages, the upload API, the review page and the PDF all read the document
through the helpers below.
"""

from __future__ import annotations

import copy
import uuid
from datetime import datetime
from typing import Any

from flask import has_app_context

from rhi.interviews import fields
from rhi.interviews.fields import (  # the words of the options: one home, the catalogue
    ACTION_KINDS,
    CONSENT_ANSWERS,
    FEELINGS,
    FINDING_GROUPS,
    FINDING_TITLES,
    HARMS,
    MAX_TEXT,
    PULL_FACTORS,
    PUSH_FACTORS,
    READ_BACK_ANSWERS,
    RECIPIENTS,
    RISK_VIEWS,
    SHARED_PARTS,
)
from rhi.plain_text import without_direction_controls
from rhi.timefmt import STORED_DATE, format_date, not_on_the_clock, parse_date

__all__ = [
    "ACTION_KINDS",
    "CONSENT_ANSWERS",
    "FEELINGS",
    "FINDING_GROUPS",
    "FINDING_TITLES",
    "HARMS",
    "LIST_FIELDS",
    "LIST_FLAGS",
    "MAX_TEXT",
    "PULL_FACTORS",
    "PUSH_FACTORS",
    "READ_BACK_ANSWERS",
    "RECIPIENTS",
    "RISK_VIEWS",
    "SHARED_PARTS",
    "ContentError",
    "add_item",
    "agreed_action",
    "blank_finding",
    "empty_content",
    "gaps",
    "get_field",
    "normalise",
    "progress",
    "remove_item",
    "resolve",
    "set_field",
    "text_fields",
    "text_paths",
    "written_entry",
]

WHEN_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M")
WHEN_HELP = "2026-11-23 14:30 or 23/11/2026 14:30"


def list_fields(kind: str) -> tuple[str, ...]:
    """The fields of a list's entries that hold words or a choice, from the catalogue."""
    return tuple(p.name for p in fields.entry_fields(kind) if p.kind != fields.FLAG)


def list_flags(kind: str) -> tuple[str, ...]:
    """The yes-or-no fields of a list's entries ("not to be shared"), from the catalogue."""
    return tuple(p.name for p in fields.entry_fields(kind) if p.kind == fields.FLAG)


# The same, as dicts, for callers that want one (derived once, from the catalogue as it is).
LIST_FIELDS = {kind: list_fields(kind) for kind in fields.lists()}
LIST_FLAGS = {kind: list_flags(kind) for kind in fields.lists()}


class ContentError(ValueError):
    """A field path or value that the interview cannot take, with a message for the worker."""


def _blank() -> dict[str, Any]:
    """A blank document, built from the catalogue as it is (kept: it is built often)."""
    catalogue = fields.catalogue()
    if _blank_cache and _blank_cache[0] is catalogue:
        return _blank_cache[1]
    document: dict[str, Any] = {}
    for head, shape in fields.heads().items():
        document[head] = {"value": "", "fields": {}, "groups": {}, "list": []}[shape]
    for placed in fields.paths():
        holder = document
        for part in placed.path.split(".")[:-1]:
            holder = holder.setdefault(part, {})
        holder[placed.name] = copy.deepcopy(placed.field.empty)
    # kept_back (sections.<id>.kept_back): a piece of what the child said that they asked us not
    # to pass on. It stays in the record and is never put in any summary, for anyone (see
    # rhi/sharing.py). overrides: decisions to share without consent; language: the writing
    # check's bookkeeping: "Keep my words" answers, how many suggestions were taken, and each
    # tap's field (`taps`, since taps named their field: rhi/interviews/service.py
    # language_action). Neither is a field (see fields.NOT_FIELDS).
    document["overrides"] = []
    document["language"] = {"dismissed": [], "replaced": 0, "taps": []}
    _blank_cache[:] = [catalogue, document]
    return document


_blank_cache: list[Any] = []


def _copy(value: Any) -> Any:
    """A copy of a JSON document (objects, lists and plain values): quicker than deepcopy."""
    if isinstance(value, dict):
        return {key: _copy(sub) for key, sub in value.items()}
    if isinstance(value, list):
        return [_copy(sub) for sub in value]
    return value


def empty_content() -> dict[str, Any]:
    """A blank document: every field of the catalogue that a blank document has, at its blank
    value; lists and the ticked factors empty; and the parts that are not fields."""
    return _copy(_blank())


def blank_finding(group: str = "push") -> dict[str, Any]:
    """A push or pull factor or a harm, as first ticked."""
    return {
        f.name: copy.deepcopy(f.empty)
        for f in fields.catalogue()
        if f.head == group and f.placeholder
    }


def normalise(content: dict[str, Any] | None) -> dict[str, Any]:
    """Fill in anything missing (older or partial documents), never dropping what is there."""
    if not content:
        return empty_content()
    # The stored document is copied once; of the blank one only the parts it lacks (copying the
    # whole blank document as well had cost every autosave two more copies of it).
    merged = _copy(content)
    for key, value in _blank().items():
        if key not in merged or (merged[key] is None and value is not None):
            # Missing, or stored as null where the document has a list or a part: blank.
            merged[key] = _copy(value)
        elif isinstance(value, dict) and value:
            part = merged[key]
            present = part.keys()  # a part that is not an object fails here, as it always has
            for sub, sub_value in value.items():
                if sub not in present:
                    part[sub] = _copy(sub_value)
    return merged


def text_paths(content: dict[str, Any]) -> set[str]:
    """Every path in this document that the writing check reads (the catalogue says which)."""
    return {placed.path for placed in fields.writing_checked(normalise(content))}


def as_flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "yes", "on", "y"}


def _as_text(value: Any, most: int = MAX_TEXT) -> str:
    # Counted as kept: a browser posting a form sends each line break as two characters (CR LF),
    # which the box showed, and the writer counted, as one.
    text = "" if value is None else str(value).replace("\r\n", "\n")
    if len(text) > most:
        raise ContentError(
            f"This is too long to save ({len(text):,} characters; the most is "
            f"{most:,}). Split it into two parts."
        )
    return without_direction_controls(text)


# Said beside a box whose entry (a place, person or action) was removed while the worker wrote
# in it: the words are not saved anywhere else, so they are kept to copy, never reloaded away.
ENTRY_REMOVED = (
    "That entry has been removed (perhaps on another device), so this is not saved. Your words "
    "are still in the box: copy them before you reload, and add the entry again if it is "
    "still needed."
)


def _find_item(items: list[dict[str, Any]], item_id: str) -> dict[str, Any]:
    for item in items:
        if isinstance(item, dict) and item.get("id") == item_id:
            return item
    raise ContentError(ENTRY_REMOVED)


def _field(path: str) -> fields.Placed:
    placed = fields.find(path)
    if placed is None or placed.kind == fields.ENTRY:
        raise ContentError(f"rhi does not know the field {path!r}.")
    return placed


def _holder(content: dict[str, Any], placed: fields.Placed, make: bool) -> dict[str, Any]:
    """The object that holds a field's value. `make`: a factor's entry is made when missing."""
    parts = placed.path.split(".")
    if len(parts) == 1:
        return content
    f = placed.field
    if f.placeholder == fields.ITEM:
        return _find_item(content[f.head], placed.key)
    holder = content[f.head]
    if len(parts) == 3:
        key = parts[1]
        if f.placeholder in fields.MADE_WHEN_WRITTEN:
            if not make:
                return holder.get(key) or blank_finding(f.head)
            return holder.setdefault(key, blank_finding(f.head))
        return holder.setdefault(key, {}) if make else holder.get(key, {})
    return holder


def resolve(content: dict[str, Any], path: str) -> tuple[dict[str, Any], str, str]:
    """The dict holding a field, the key inside it, and the field's kind ("text", "flag",
    "when" or "choice": a one-line field is text); or ContentError."""
    placed = _field(path)
    return _holder(content, placed, make=True), placed.name, placed.field.stored_as


def _choices_for(path: str) -> dict[str, str]:
    return dict(_field(path).options)


def get_field(content: dict[str, Any], path: str) -> Any:
    placed = _field(path)
    # Read in place when the field is there (normalising never changes a value that is there,
    # and copying the whole document for one value cost each autosave several copies of it);
    # anything missing is read from the normalised document, as before.
    try:
        holder = _holder(content, placed, make=False) if content else {}
    except (KeyError, TypeError, AttributeError):
        holder = {}
    if placed.name in holder:
        return _copy(holder[placed.name])  # a list or object is the caller's own, as before
    holder = _holder(normalise(content), placed, make=False)
    return holder.get(placed.name, False if placed.kind == fields.FLAG else "")


def _as_when(value: Any, now_local: datetime | None) -> str:
    """A local date and time as typed, kept in one form; never in the future."""
    raw = str(value or "").strip()
    if not raw:
        return ""
    for fmt in WHEN_FORMATS:
        try:
            when = datetime.strptime(raw, fmt)
        except ValueError:
            continue
        if now_local is not None and when > now_local:
            raise ContentError("This can't be in the future. Check the date and time.")
        skipped = not_on_the_clock(when) if has_app_context() else None  # the zone is a setting
        if skipped:
            raise ContentError(skipped)
        return when.strftime("%Y-%m-%d %H:%M")
    raise ContentError(f"Enter a date and time like {WHEN_HELP}.")


def _as_date(value: Any) -> str:
    """A date as typed, kept in one form. A due date may be in the future; not years away."""
    raw = str(value or "").strip()
    if not raw:
        return ""
    when = parse_date(raw)
    if when is None:
        raise ContentError("Enter a date like 30/11/2026.")
    if not 2000 <= when.year <= 2100:
        # A date picker's slip (31/12/9999) is a date: saying "like 30/11/2026" sent the
        # worker to type the same again (a probe).
        raise ContentError(f"Check the year: {when.year} is not one rhi keeps (2000 to 2100).")
    return when.strftime(STORED_DATE)


def set_field(
    content: dict[str, Any], path: str, value: Any, now_local: datetime | None = None
) -> dict[str, Any]:
    """A new document with one field changed; the input is not modified.

    `now_local` (the local time now) lets dates in the future be refused.
    """
    updated = normalise(content)
    placed = _field(path)
    holder = _holder(updated, placed, make=True)
    key, kind = placed.name, placed.field.stored_as
    if kind == "when":
        holder[key] = _as_when(value, now_local)
    elif kind == "date":
        holder[key] = _as_date(value)
    elif kind == "flag":
        holder[key] = as_flag(value)
    elif kind == "choice":
        if str(value) not in placed.options:
            raise ContentError("Choose one of the options given.")
        holder[key] = str(value)
    else:
        holder[key] = _as_text(value, placed.field.max_length)
    return updated


def add_item(content: dict[str, Any], kind: str, item_id: str | None = None) -> tuple[dict, str]:
    if kind not in fields.lists():
        raise ContentError(f"rhi does not keep a list of {kind!r}.")
    updated = normalise(content)
    new_id = item_id or uuid.uuid4().hex[:12]
    item: dict[str, Any] = {
        "id": new_id,
        **{p.name: copy.deepcopy(p.field.empty) for p in fields.entry_fields(kind)},
    }
    updated[kind].append(item)
    return updated, new_id


def remove_item(content: dict[str, Any], kind: str, item_id: str) -> dict[str, Any]:
    if kind not in fields.lists():
        raise ContentError(f"rhi does not keep a list of {kind!r}.")
    updated = normalise(content)
    updated[kind] = [i for i in updated[kind] if i.get("id") != item_id]
    return updated


def _is_blank(placed: fields.Placed, value: Any) -> bool:
    if placed.kind == fields.FLAG:
        return value is not True
    if placed.kind == fields.CHOICE:
        return value in ("", None, placed.field.empty)
    return not str(value or "").strip()


def progress(content: dict[str, Any]) -> dict[str, bool]:
    """Which pages have notes: any field the page asks is written (a flag ticked, a choice
    made, text typed), list entries included; not one rhi filled in itself (a probe: a new,
    empty interview showed "Before we start ✓ (has notes)" for its start time)."""
    c = normalise(content)
    done: dict[str, bool] = {}
    for placed in fields.paths(c):
        if placed.field.filled_by_rhi:
            continue
        if placed.kind != fields.ENTRY and not _is_blank(placed, get_field(c, placed.path)):
            done[placed.page] = True
    return done


def gaps(content: dict[str, Any]) -> list[str]:
    """What is missing, for the review page: shown, never blocking. Each field says its own gap
    in the catalogue (`Field.gap`), in the order the pages ask them."""
    c = normalise(content)
    found = []
    for placed in fields.paths(c):
        words = fields.gap_text(placed, c)
        if words and _is_blank(placed, get_field(c, placed.path)):
            found.append(words)
    return found + _left_empty(c) + _due_before_the_chat(c)


def _left_empty(c: dict[str, Any]) -> list[str]:
    """A place or person added and left empty (`written_entry`): in no copy, so said here, as
    an action left blank is (by its own fields' gaps), for the worker to fill in or remove."""
    return [
        f"A {fields.entry(kind).label.lower()} was added with nothing written in it: fill it"
        " in or remove it."
        for kind in ENTRY_LISTS
        for item in c.get(kind, [])
        if not written_entry(kind, item)
    ]


def _due_before_the_chat(c: dict[str, Any]) -> list[str]:
    """An action agreed at the chat cannot be due before it: a slip of the date (a year, a
    month), which would show the action overdue the moment it is followed."""
    held = parse_date(str(c["start"].get("held_on") or "")[:10])
    if held is None:
        return []
    said = []
    for action in c.get("actions", []):
        due = parse_date(str(action.get("due") or ""))  # older actions may hold "Friday"
        if due is not None and due < held:
            kind = fields.find(f"actions.{action.get('id')}.kind")
            words = kind.options.get(str(action.get("kind", "")), "Other") if kind else "Other"
            said.append(
                f"An action ({words}) is due on {format_date(due)}, before the chat on"
                f" {format_date(held)}: check its date."
            )
    return said


def text_fields(content: dict[str, Any], include_empty: bool = False) -> list[tuple[str, str]]:
    """Every field the writing check reads, as (path, text), in the order the pages ask them:
    for the language check and search."""
    c = normalise(content)
    out = [
        (placed.path, str(get_field(c, placed.path) or "")) for placed in fields.writing_checked(c)
    ]
    return out if include_empty else [(p, t) for p, t in out if t]


def agreed_action(item: dict[str, Any]) -> bool:
    """An action entry that says something: a kind other than "other", a note, or who will do
    it. One added and left blank is no action: it is not followed (rhi/actions/tracking.py)
    and no copy lists it (rhi/sharing.py; a probe: the social worker's copy said "Other: Not
    yet agreed, by Not set", which no one followed)."""
    return bool(
        (item.get("kind") and item.get("kind") != "other")
        or str(item.get("note", "")).strip()
        or item.get("owner_kind")
        or str(item.get("owner", "")).strip()
    )


# The lists whose entries are a place or a person the child told of (`written_entry`); an
# action has its own rule (`agreed_action`).
ENTRY_LISTS = ("places", "people")


def written_entry(kind: str, item: dict[str, Any]) -> bool:
    """A place or person with something written in it (a name, a description, a note: any of
    its words). One added and left empty is no place or person: no copy holds or counts it,
    the read-back does not tell the child of it (rhi/sharing.py), and the review lists it as a
    gap (a probe: the copies said "Named: 2 people" and listed one; the child was told both
    readers would know "Someone you told me about: not named")."""
    return any(str(item.get(name) or "").strip() for name in LIST_FIELDS[kind])
