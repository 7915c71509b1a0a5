"""What differs between the server's interview and a tablet's version of it, in words: field
titles, the choices offered, "keep both", and the addendum made when the interview was finished.
No Flask here (the page is rhi/sync/versions.py)."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from rhi.interviews import content as c
from rhi.interviews import fields as catalogue
from rhi.sync.validate import changed_fields

FROM_TABLET = "From the tablet:"
NOTHING = "Nothing written."

# Field titles on this page and in the addendum made from it are the field catalogue's
# (rhi/interviews/fields.py): a field's heading away from its page and the label its page shows
# ("Before we start: Where the chat was held", "While away: What the child said").


def _entry(document: dict[str, Any], kind: str, item_id: str) -> tuple[int, dict[str, Any]]:
    for position, entry in enumerate(document[kind], start=1):
        if entry.get("id") == item_id:
            return position, entry
    return 0, {}


def entry_name(kind: str, position: int, entry: dict[str, Any]) -> str:
    """ "Place 2 (Jay's flat)", "Action 1 (School)"."""
    return catalogue.entry_name(kind, position, entry)


def field_title(path: str, server: dict[str, Any], tablet: dict[str, Any]) -> str:
    """A worker-facing title for a dotted path; the path itself if rhi has no title for it."""
    return catalogue.title(path, (server, tablet))


def options_for(path: str) -> dict[str, str]:
    """The words for a choice's stored value."""
    placed = catalogue.find(path)
    return dict(placed.options) if placed is not None else {}


def single_line(path: str) -> bool:
    placed = catalogue.find(path)
    return placed is not None and placed.one_line


def _extends(longer: str, shorter: str) -> bool:
    """`longer` is `shorter` with more words after it (not the middle of a word)."""
    start = shorter.rstrip()
    if not start or not longer.startswith(start):
        return False
    rest = longer[len(start) :]
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
        for placed in catalogue.entry_fields(self.kind, str(self.entry["id"])):
            value = self.entry.get(placed.name)
            if placed.kind == catalogue.CHOICE:
                out.append((placed.label(), placed.words(value)))
            elif placed.kind == catalogue.FLAG:
                if value:
                    out.append((placed.label(), "Yes"))
            elif str(value or "").strip():
                out.append((placed.label(), str(value)))
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
        return bool(
            self.fields or self.additions or self.overrides or self.carer_information_offered
        )

    def difference(self, path: str) -> Difference | None:
        return next((d for d in self.fields if d.path == path), None)


def _touched(path: str, changed: list[str] | None) -> bool:
    """Did the tablet change this field (or the list entry it is in)? Unknown: assume so."""
    if changed is None:
        return True
    parts = path.split(".")
    return any(".".join(parts[:n]) in changed for n in range(1, len(parts) + 1))


def compare(
    server_document: dict[str, Any] | None,
    tablet_document: dict[str, Any] | None,
    changed: list[str] | None = None,
) -> Comparison:
    """What the worker has to choose between, read through the interview's own field helpers.

    `changed`: the fields the tablet said it changed. Any other difference is the server moving
    on after the tablet took its copy, so the server's stays and nothing is offered for it."""
    server, tablet = c.normalise(server_document), c.normalise(tablet_document)
    result = Comparison()
    lists = catalogue.lists()
    ids = {
        side: {kind: {e.get("id") for e in doc[kind]} for kind in lists}
        for side, doc in (("server", server), ("tablet", tablet))
    }
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
        if head in lists:
            item_id = path.split(".")[1]
            if item_id not in ids["server"][head]:
                if item_id in ids["tablet"][head] and f"{head}.{item_id}" not in added:
                    added.add(f"{head}.{item_id}")
                    position, entry = _entry(tablet, head, item_id)
                    result.additions.append(
                        Addition(
                            head,
                            copy.deepcopy(entry),
                            f"{entry_name(head, 0, entry)}, added on the tablet",
                        )
                    )
                continue
            if item_id not in ids["tablet"][head]:
                continue  # only on the server: it stays
        try:
            kind = c.resolve(copy.deepcopy(server), path)[2]
            mine, theirs = c.get_field(server, path), c.get_field(tablet, path)
        except c.ContentError:
            continue  # nothing a page could write: the upload's checks keep it out anyway
        if mine != theirs:
            result.fields.append(
                Difference(path, field_title(path, server, tablet), kind, mine, theirs)
            )
    result.fields.sort(key=lambda d: catalogue.order(d.path, (server, tablet)))
    return result


def addendum_text(
    comparison: Comparison, received: str, written: dict[str, str] | None = None
) -> str:
    """Every word the tablet had that differs, for a finished interview, titled field by field;
    and anything the worker wrote together on the page."""
    blocks = [
        f"Written on a tablet (received {received}) and not in the interview when it was finished:"
    ]
    for d in comparison.fields:
        shown = (
            d.shown("tablet")
            if d.kind != "text" or str(d.tablet).strip()
            else "(left empty on the tablet)"
        )
        blocks.append(f"{d.title}:\n{shown}")
    for a in comparison.additions:
        blocks.append(f"{a.title}:\n" + "\n".join(f"{label}: {value}" for label, value in a.lines))
    for path, text in (written or {}).items():
        difference = comparison.difference(path)
        title = difference.title if difference else path
        blocks.append(f"{title} (written together on the versions page):\n{text}")
    return "\n\n".join(blocks) if len(blocks) > 1 else ""
