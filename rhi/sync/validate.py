"""Checking an uploaded interview document, field by field. No Flask here.

The document is rebuilt from a blank one by writing every field through `content.set_field`, the
one writer the pages use too, so an upload can hold nothing a page could not have saved. Which
keys exist, how each is nested, their kinds, options and length limits all come from the field
catalogue (rhi/interviews/fields.py), through `set_field`. Problems are reported per field path
in plain words; a document with any problem is not saved at all. A field a page asks is named
by its label and part, and listed again (`FieldProblem`) so the tablet can say what is wrong
beside the field itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rhi.interviews import content as c
from rhi.interviews import fields as catalogue
from rhi.writing.counts import KEPT_CONTEXT

MAX_PROBLEMS = 20  # enough to fix a document; a wholly wrong one needs no longer list
MAX_LIST_ENTRIES = 200  # places, people or actions in one interview
ITEM_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")  # list entry ids appear in dotted paths

# Parts of the document the pages write without set_field (see interviews/service.py and
# episodes/service.py): accepted when they have the shape those writers give them.
# A "keep my words" and the words either side of the use it kept (rhi/writing/counts.py).
DISMISSED_KEYS = {
    "path": 200,
    "rule_id": 80,
    "text": 200,
    "reason": 500,
    "before": KEPT_CONTEXT,
    "after": KEPT_CONTEXT,
}
TAP_KEYS = {"path": 200, "rule_id": 80}  # language.taps: a suggestion taken, and its field
MAX_TAPS = 5000  # far more than one interview's notes hold phrases to change


@dataclass(frozen=True)
class FieldProblem:
    """A field of a page the server refused: where it is asked (`page`, a part of the
    interview), and why, as the page says it beside the field."""

    path: str
    page: str
    label: str  # as the page labels it, "the child" for the child's name
    message: str

    def as_json(self) -> dict[str, str]:
        return {"path": self.path, "page": self.page, "label": self.label, "message": self.message}


@dataclass(frozen=True)
class Checked:
    document: dict[str, Any]
    problems: list[str]  # in plain words, at most MAX_PROBLEMS
    fields: list[FieldProblem]  # those of `problems` that are about a field a page asks


def _type_word(blank: Any) -> str:
    if isinstance(blank, dict):
        return "a group of fields (a JSON object)"
    if isinstance(blank, list):
        return "a list"
    return "text"


def shape_problems(document: Any) -> list[str]:
    """The containers `content.normalise` relies on have the right type (checked before hashing,
    which normalises)."""
    if not isinstance(document, dict):
        return ["content: should be the interview document (a JSON object)."]
    return [
        f"{key}: should be {_type_word(blank)}."
        for key, blank in c.empty_content().items()
        if key in document and not isinstance(document[key], type(blank))
    ]


class _Builder:
    def __init__(self, now_local: datetime | None) -> None:
        self.doc = c.empty_content()
        self.problems: list[str] = []
        self.refused_fields: list[FieldProblem] = []
        self.now_local = now_local

    def problem(self, path: str, message: str) -> None:
        self.problems.append(message if repr(path) in message else f"{path}: {message}")

    def field_problem(self, path: str, message: str) -> None:
        """A field's value refused: named as its page names it, where a page asks it."""
        placed = catalogue.find(path)
        if placed is None or not placed.asked:
            self.problem(path, message)
            return
        part = catalogue.PAGE_TITLES.get(placed.page, placed.page)
        self.problems.append(f"{placed.label()} ({part}): {message}")
        self.refused_fields.append(FieldProblem(path, placed.page, placed.label(), message))

    def set(self, path: str, value: Any) -> None:
        try:
            _holder, _key, kind = c.resolve(self.doc, path)
            if kind == "flag" and not isinstance(value, bool):
                raise c.ContentError("should be true or false.")
            if kind != "flag" and not isinstance(value, str):
                raise c.ContentError("should be text.")
        except c.ContentError as exc:
            self.problem(path, str(exc))  # not a value a page could send: the sender's fault
            return
        try:
            self.doc = c.set_field(self.doc, path, value, now_local=self.now_local)
        except c.ContentError as exc:
            self.field_problem(path, str(exc))  # as a page's save would refuse it

    def group(self, path: str, value: Any) -> dict[str, Any]:
        """A nested object, or a problem and an empty one."""
        if isinstance(value, dict):
            return value
        self.problem(path, "should be a group of fields (a JSON object).")
        return {}

    def fields(self, prefix: str, value: Any) -> None:
        for key, field_value in self.group(prefix, value).items():
            self.set(f"{prefix}.{key}", field_value)

    def entries(self, kind: str, value: list[Any]) -> None:
        if len(value) > MAX_LIST_ENTRIES:
            self.problem(kind, f"has {len(value)} entries; the most is {MAX_LIST_ENTRIES}.")
            return
        seen: set[str] = set()
        for position, entry in enumerate(value):
            where = f"{kind}[{position}]"
            entry = self.group(where, entry)
            item_id = entry.get("id")
            if not isinstance(item_id, str) or not ITEM_ID.match(item_id) or item_id in seen:
                self.problem(where, "needs its own id (letters, digits, - or _).")
                continue
            seen.add(item_id)
            self.doc, _ = c.add_item(self.doc, kind, item_id)
            for key, field_value in entry.items():
                if key != "id":
                    self.set(f"{kind}.{item_id}.{key}", field_value)

    def overrides(self, value: list[Any]) -> None:
        # A tablet sends back the decisions its copy held; the server keeps its own whatever
        # comes (interviews.service.received_overrides), so only the shape is checked here:
        # a copy holding a decision recorded online must upload as it was downloaded.
        kept = []
        for position, entry in enumerate(value):
            entry = self.group(f"overrides[{position}]", entry)
            if isinstance(entry, dict):
                kept.append(dict(entry))
        self.doc["overrides"] = kept

    def language(self, value: dict[str, Any]) -> None:
        dismissed, replaced = value.get("dismissed", []), value.get("replaced", 0)
        for key in value:
            if key not in ("dismissed", "replaced", "taps"):
                self.problem(f"language.{key}", f"rhi does not know the field 'language.{key}'.")
        if not isinstance(replaced, int) or isinstance(replaced, bool) or replaced < 0:
            self.problem("language.replaced", "should be a whole number.")
            replaced = 0
        kept = []
        if not isinstance(dismissed, list):
            self.problem("language.dismissed", "should be a list.")
            dismissed = []
        for position, entry in enumerate(dismissed):
            where = f"language.dismissed[{position}]"
            entry = self.group(where, entry)
            if self._strings(where, entry, DISMISSED_KEYS):
                kept.append(dict(entry))
        self.doc["language"] = {
            "dismissed": kept,
            "replaced": replaced,
            "taps": self.taps(value.get("taps", [])),
        }

    def taps(self, value: Any) -> list[dict[str, str]]:
        """Each suggestion taken with its field (interviews/service.py language_action). Only
        bookkeeping: a tap that does not name a field the writing check reads now (a field
        since renamed, an entry's field; a malformed one), or past the most kept, is left out,
        never a reason to refuse the worker's notes; the count (`replaced`) still counts it,
        in every copy (rhi/writing/counts.py). A tablet running the older script sends none."""
        if not isinstance(value, list):
            self.problem("language.taps", "should be a list.")
            return []
        kept = []
        for tap in value[-MAX_TAPS:]:
            if not isinstance(tap, dict):
                continue
            path, rule_id = tap.get("path"), tap.get("rule_id")
            if not isinstance(path, str) or not isinstance(rule_id, str):
                continue
            if len(path) > TAP_KEYS["path"] or len(rule_id) > TAP_KEYS["rule_id"]:
                continue
            placed = catalogue.find(path)
            if placed is not None and placed.check_writing:
                kept.append({"path": path, "rule_id": rule_id})
        return kept

    def _strings(self, where: str, entry: dict[str, Any], limits: dict[str, int]) -> bool:
        ok = True
        for key, text in entry.items():
            if key not in limits:
                self.problem(f"{where}.{key}", f"rhi does not know the field '{where}.{key}'.")
                ok = False
            elif not isinstance(text, str) or len(text) > limits[key]:
                self.problem(
                    f"{where}.{key}", f"should be text of at most {limits[key]} characters."
                )
                ok = False
        return ok


def validate(
    document: Any,
    now_local: datetime | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """The document rebuilt through `set_field`, and the problems found (empty when it is fine).

    Only use the document when there are no problems. `now_local` (local time now) lets dates in
    the future be refused, as on the pages.
    """
    checked = check(document, now_local)
    return checked.document, checked.problems


def check(document: Any, now_local: datetime | None = None) -> Checked:
    """`validate`, with the problems that are about a field a page asks listed by field."""
    problems = shape_problems(document)
    if problems:
        return Checked(c.empty_content(), problems, [])
    b = _Builder(now_local)
    shapes = catalogue.heads()
    for key, value in document.items():
        shape = shapes.get(key)
        if shape == "fields":  # start.<field>, findings_other.<group>
            b.fields(key, value)
        elif shape == "groups":
            # sections.<id>.<field>, consent.<recipient>.<field>, push.<factor>.<field>
            for sub, fields in b.group(key, value).items():
                b.fields(f"{key}.{sub}", fields)
        elif shape == "list":
            b.entries(key, value)
        elif shape == "value":  # protective_factors, risk_view
            b.set(key, value)
        elif key == "overrides":
            b.overrides(value)
        elif key == "language":
            b.language(value)
        elif key == "carer_information_offered":  # written when a child declines
            if isinstance(value, bool):
                b.doc[key] = value
            else:
                b.problem(key, "should be true or false.")
        else:
            b.problem(key, f"rhi does not know the field {key!r}.")
    return Checked(b.doc, b.problems[:MAX_PROBLEMS], b.refused_fields[:MAX_PROBLEMS])


def _flatten(value: Any, prefix: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for key, sub in value.items():
            _flatten(sub, f"{prefix}.{key}" if prefix else str(key), out)
    elif isinstance(value, list) and prefix in catalogue.lists():
        for entry in value:
            _flatten(
                {k: v for k, v in entry.items() if k != "id"}, f"{prefix}.{entry.get('id')}", out
            )
    else:
        out[prefix] = value


def changed_fields(server: dict[str, Any], device: dict[str, Any]) -> list[tuple[str, Any]]:
    """(path, device value) for every field where the device's document differs from the
    server's; None where the device no longer has the field. The writing check's own counts
    (`language`) are bookkeeping, not answers, and are left out."""
    mine: dict[str, Any] = {}
    theirs: dict[str, Any] = {}
    _flatten(c.normalise(device), "", mine)
    _flatten(c.normalise(server), "", theirs)
    paths = sorted(set(mine) | set(theirs))
    return [
        (p, mine.get(p))
        for p in paths
        if not p.startswith("language") and mine.get(p) != theirs.get(p)
    ]
