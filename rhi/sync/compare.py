"""What differs between the server's interview and a tablet's version of it, in words: field
titles, the choices offered, "keep both", and the addendum made when the interview was finished.
No Flask here (the page is rhi/sync/versions.py)."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from rhi.interviews import content as c
from rhi.interviews import pages
from rhi.interviews.pages import FIELD_TITLES, PAGES
from rhi.prompts import SECTION_IDS
from rhi.sync.validate import changed_fields

FROM_TABLET = "From the tablet:"
NOTHING = "Nothing written."

# Field titles, for every path the interview pages write: the ONE place a path gets a title on
# this page and in the addendum made from it. Section texts use the interview pages' own titles.
PAGE_TITLES = dict(PAGES)
START_TITLES = {
    "explained_voluntary": "Told the chat is their choice and they can stop at any time",
    "explained_confidentiality": "Told the limits of confidentiality",
    "held_on": "When the chat started",
    "location": "Where the chat was held",
    "present": "Who else was there",
    "interpreter_language": "Interpreter: language",
    "interpreter_name": "Interpreter: name",
    "child_chose_interviewer": "The child asked for someone they already know",
    "chosen_interviewer": "Who the child asked for, and their role",
}
SECTION_PART_TITLES = {
    "private": "{page}: asked for this part not to be shared",
    "kept_back": "{page}: told but asked not to pass on",
}
LIST_NOUNS = {kind: noun.capitalize() for kind, noun in pages.LIST_NOUNS.items()}
LIST_LABELS = {kind: {name: label for name, label, _widget in fields}
               | {flag: pages.NOT_SHARED for flag in c.LIST_FLAGS[kind]}
               for kind, fields in pages.LIST_ENTRY_FIELDS.items()}
SINGLE_LINE_LIST_FIELDS = {name for fields in pages.LIST_ENTRY_FIELDS.values()
                           for name, _label, widget in fields if widget == "single"}
FINDING_PART_TITLES = {"on": "{label}", "note": "{label}: note",
                       "private": "{label}: not to be shared"}
# The order the interview pages come in, so the choices read in the same order.
ORDER = ["start", "sections", "push", "pull", "harms", "findings_other", "places", "people",
         "protective_factors", "risk_view", "actions", "consent"]


def _entry(document: dict[str, Any], kind: str, item_id: str) -> tuple[int, dict[str, Any]]:
    for position, entry in enumerate(document[kind], start=1):
        if entry.get("id") == item_id:
            return position, entry
    return 0, {}


def entry_name(kind: str, position: int, entry: dict[str, Any]) -> str:
    """"Place 2 (Jay's flat)", "Action 1 (School)"."""
    name = (c.ACTION_KINDS.get(entry.get("kind", ""), "") if kind == "actions"
            else str(entry.get("name") or "").strip())
    number = f" {position}" if position else ""
    return f"{LIST_NOUNS[kind]}{number}" + (f" ({name[:60]})" if name else "")


def field_title(path: str, server: dict[str, Any], tablet: dict[str, Any]) -> str:
    """A worker-facing title for a dotted path; the path itself if rhi has no title for it."""
    parts = path.split(".")
    head = parts[0]
    if head == "start" and len(parts) == 2 and parts[1] in START_TITLES:
        return f"Before we start: {START_TITLES[parts[1]]}"
    if head == "sections" and len(parts) == 3:
        if path in FIELD_TITLES:
            return FIELD_TITLES[path]
        if parts[2] in SECTION_PART_TITLES:
            return SECTION_PART_TITLES[parts[2]].format(page=PAGE_TITLES.get(parts[1], parts[1]))
    if head in c.FINDING_GROUPS and len(parts) == 3 and parts[2] in FINDING_PART_TITLES:
        label = c.FINDING_GROUPS[head].get(parts[1], parts[1])
        return f"{c.FINDING_TITLES[head]}: " + FINDING_PART_TITLES[parts[2]].format(label=label)
    if head == "findings_other" and len(parts) == 2 and parts[1] in c.FINDING_TITLES:
        return f"{c.FINDING_TITLES[parts[1]]}: anything else"
    if head in c.LIST_FIELDS and len(parts) == 3:
        position, entry = _entry(server, head, parts[1])
        if not entry:
            position, entry = _entry(tablet, head, parts[1])
        label = LIST_LABELS[head].get(parts[2], parts[2])
        return f"{entry_name(head, position, entry)}: {label}"
    if path == "protective_factors":
        return "What is keeping them safe (protective factors)"
    if path == "risk_view":
        return "Your view of the risk of harm the child faces"
    if head == "consent" and len(parts) == 3 and parts[1] in c.RECIPIENTS:
        who = c.RECIPIENTS[parts[1]]
        return {"answer": f"Sharing with {who.lower()}: the child's answer",
                "words": f"Sharing with {who.lower()}: what they said",
                "name": f"Sharing with {who.lower()}: who"}.get(parts[2], path)
    return path


def options_for(path: str) -> dict[str, str]:
    """The words for a choice's stored value."""
    if path == "risk_view":
        return c.RISK_VIEWS
    if path.startswith("consent."):
        return c.CONSENT_ANSWERS
    return c.ACTION_KINDS


def single_line(path: str) -> bool:
    parts = path.split(".")
    return (parts[0] == "start" or (parts[0] == "consent" and parts[-1] == "name")
            or (parts[0] in c.LIST_FIELDS and parts[-1] in SINGLE_LINE_LIST_FIELDS))


def _extends(longer: str, shorter: str) -> bool:
    """`longer` is `shorter` with more words after it (not the middle of a word)."""
    start = shorter.rstrip()
    if not start or not longer.startswith(start):
        return False
    rest = longer[len(start):]
    return not rest or not rest[0].isalnum()


def keep_both(server: str, tablet: str, one_line: bool = False) -> str:
    """Both texts, the server's first, so no words are dropped. When one side is empty, or
    one is the other with more words added, that one already holds both."""
    if not tablet.strip() or server == tablet or _extends(server, tablet):
        return server
    if not server.strip() or _extends(tablet, server):
        return tablet
    if one_line:
        return f"{server.rstrip()} / {FROM_TABLET} {tablet.strip()}"
    return f"{server.rstrip()}\n\n{FROM_TABLET}\n{tablet}"


@dataclass(frozen=True)
class Difference:
    """One field whose value differs between the server's version and the tablet's."""

    path: str
    title: str
    kind: str  # "text", "flag", "choice" or "when"
    server: Any
    tablet: Any

    def shown(self, side: str) -> str:
        value = self.server if side == "server" else self.tablet
        if self.kind == "flag":
            return "Yes" if value else "No"
        if self.kind == "choice":
            return options_for(self.path).get(str(value), str(value)) or "Not given"
        return str(value) if str(value).strip() else NOTHING

    @property
    def both(self) -> str:
        return keep_both(str(self.server), str(self.tablet), single_line(self.path))

    def value_for(self, choice: str, merged: str = "") -> Any:
        """What is kept for this field: the words written together win when there are any."""
        if self.kind == "text":
            if merged.strip():
                return merged
            return {"server": self.server, "tablet": self.tablet}.get(choice, self.both)
        return self.tablet if choice == "tablet" else self.server


@dataclass(frozen=True)
class Addition:
    """A place, person or action only the tablet has."""

    kind: str
    entry: dict[str, Any]
    title: str

    @property
    def key(self) -> str:
        return f"{self.kind}.{self.entry['id']}"

    @property
    def lines(self) -> list[tuple[str, str]]:
        out = []
        for name, label in LIST_LABELS[self.kind].items():
            value = self.entry.get(name)
            if name == "kind":
                out.append((label, c.ACTION_KINDS.get(str(value), str(value))))
            elif name in c.LIST_FLAGS[self.kind]:
                if value:
                    out.append((label, "Yes"))
            elif str(value or "").strip():
                out.append((label, str(value)))
        return out


@dataclass
class Comparison:
    """Everything in the tablet's version that differs from the server's."""

    fields: list[Difference] = field(default_factory=list)
    additions: list[Addition] = field(default_factory=list)
    overrides: list[dict[str, Any]] = field(default_factory=list)  # always added
    carer_information_offered: bool = False  # recorded on the tablet only: always added

    @property
    def differs(self) -> bool:
        return bool(self.fields or self.additions or self.overrides
                    or self.carer_information_offered)

    def difference(self, path: str) -> Difference | None:
        return next((d for d in self.fields if d.path == path), None)


def _order(path: str) -> tuple[int, int, str]:
    parts = path.split(".")
    head = ORDER.index(parts[0]) if parts[0] in ORDER else len(ORDER)
    section = SECTION_IDS.index(parts[1]) if parts[0] == "sections" and parts[1] in SECTION_IDS \
        else 0
    return head, section, path


def _touched(path: str, changed: list[str] | None) -> bool:
    """Did the tablet change this field (or the list entry it is in)? Unknown: assume so."""
    if changed is None:
        return True
    parts = path.split(".")
    return any(".".join(parts[:n]) in changed for n in range(1, len(parts) + 1))


def compare(server_document: dict[str, Any] | None, tablet_document: dict[str, Any] | None,
            changed: list[str] | None = None) -> Comparison:
    """What the worker has to choose between, read through the interview's own field helpers.

    `changed`: the fields the tablet said it changed. Any other difference is the server moving
    on after the tablet took its copy, so the server's stays and nothing is offered for it."""
    server, tablet = c.normalise(server_document), c.normalise(tablet_document)
    result = Comparison()
    ids = {side: {kind: {e.get("id") for e in doc[kind]} for kind in c.LIST_FIELDS}
           for side, doc in (("server", server), ("tablet", tablet))}
    added: set[str] = set()
    for path, _ in changed_fields(server, tablet):
        head = path.split(".")[0]
        if not _touched(path, changed):
            continue
        if head == "overrides":
            result.overrides = [o for o in tablet["overrides"] if o not in server["overrides"]]
            continue
        if head == "carer_information_offered":
            result.carer_information_offered = bool(tablet.get(head)) and not server.get(head)
            continue
        if head in c.LIST_FIELDS:
            item_id = path.split(".")[1]
            if item_id not in ids["server"][head]:
                if item_id in ids["tablet"][head] and f"{head}.{item_id}" not in added:
                    added.add(f"{head}.{item_id}")
                    position, entry = _entry(tablet, head, item_id)
                    result.additions.append(Addition(
                        head, copy.deepcopy(entry),
                        f"{entry_name(head, 0, entry)}, added on the tablet"))
                continue
            if item_id not in ids["tablet"][head]:
                continue  # only on the server: it stays
        try:
            kind = c.resolve(copy.deepcopy(server), path)[2]
            mine, theirs = c.get_field(server, path), c.get_field(tablet, path)
        except c.ContentError:
            continue  # nothing a page could write: the upload's checks keep it out anyway
        if mine != theirs:
            result.fields.append(Difference(path, field_title(path, server, tablet), kind,
                                            mine, theirs))
    result.fields.sort(key=lambda d: _order(d.path))
    return result


def addendum_text(comparison: Comparison, received: str,
                  written: dict[str, str] | None = None) -> str:
    """Every word the tablet had that differs, for a finished interview, titled field by field;
    and anything the worker wrote together on the page."""
    blocks = [f"Written on a tablet (received {received}) and not in the interview when it "
              "was finished:"]
    for d in comparison.fields:
        shown = d.shown("tablet") if d.kind != "text" or str(d.tablet).strip() \
            else "(left empty on the tablet)"
        blocks.append(f"{d.title}:\n{shown}")
    for a in comparison.additions:
        blocks.append(f"{a.title}:\n" + "\n".join(f"{label}: {value}" for label, value in a.lines))
    for path, text in (written or {}).items():
        difference = comparison.difference(path)
        title = difference.title if difference else path
        blocks.append(f"{title} (written together on the versions page):\n{text}")
    return "\n\n".join(blocks) if len(blocks) > 1 else ""


