"""What the review page lists of what was written, page by page, built from the field catalogue
(fields.py) so that the review uses the pages' own labels and holds every field they ask. No
Flask here: the page (templates/interviews/_review.html) only lays the blocks out.

The consent answers are not here: the review shows them as the sharing record
(rhi.sharing.consent_record), with the decisions to share without consent beside them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rhi.interviews import fields as catalogue
from rhi.interviews.content import normalise
from rhi.interviews.pages import PAGES

KEPT_BACK = "Not to be passed on"
NOTHING_WRITTEN = "Nothing written."
NONE_NOTED = "None noted."
LEFT_OUT = ("review", "consent")  # the review itself; consent: the sharing record instead


@dataclass(frozen=True)
class Line:
    """One field with something in it: its label and its value in words."""

    path: str
    label: str
    value: str
    prose: bool = False  # text of several lines: shown as a block under its label
    tag: str = ""


@dataclass
class Block:
    """A page, a group on it (a kind of finding, a list) or one of its entries."""

    id: str
    title: str
    lines: list[Line] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    items: list[Block] = field(default_factory=list)
    empty: str = ""  # said when the block holds nothing
    entry: bool = False  # a list's entry or a ticked factor: there even with nothing written

    @property
    def has_content(self) -> bool:
        """Anything written in it (a list's entry counts, even an empty one)."""
        return bool(self.lines or self.tags or any(i.entry or i.has_content for i in self.items))


def _line(placed: catalogue.Placed, value: Any, child: str) -> Line | None:
    """The line for a field, or None when there is nothing to show (a flag not ticked, empty
    text, a choice not made)."""
    if placed.kind == catalogue.FLAG:
        return Line(placed.path, placed.label(child), "Yes") if value else None
    if placed.kind == catalogue.CHOICE:
        if value == placed.field.empty and not placed.field.if_empty:
            return None
        return Line(placed.path, placed.label(child), placed.words(value))
    words = placed.words(value)
    if not words.strip():
        return None
    return Line(
        placed.path,
        placed.label(child),
        words,
        prose=placed.kind == catalogue.TEXT,
        tag=KEPT_BACK if placed.part == "kept_back" else "",
    )


def _add(block: Block, placed: catalogue.Placed, value: Any, child: str) -> None:
    if placed.field.withholds:
        if value and catalogue.NOT_SHARED not in block.tags:
            block.tags.append(catalogue.NOT_SHARED)
        return
    line = _line(placed, value, child)
    if line is not None:
        block.lines.append(line)


def _entries(kind: str, document: dict[str, Any], child: str) -> Block:
    """A list's block: one item per entry, titled "Place 1 (Jay's flat)"."""
    entry = catalogue.entry(kind)
    block = Block(kind, catalogue.Placed(entry, entry.path).heading(child), empty=NONE_NOTED)
    for number, item in enumerate(document[kind], start=1):
        one = Block(f"{kind}-{number}", catalogue.entry_name(kind, number, item), entry=True)
        for placed in catalogue.entry_fields(kind, str(item.get("id"))):
            _add(one, placed, item.get(placed.name, placed.field.empty), child)
        block.items.append(one)
    return block


def _factors(
    head: str, fields: list[catalogue.Field], document: dict[str, Any], child: str
) -> list[Block]:
    """One item per factor ticked: the first field of a factor is its tick box."""
    tick, *rest = fields
    items = []
    for key in catalogue.keys_of(tick):
        entry = document[head].get(key)
        if not isinstance(entry, dict) or not entry.get(tick.name):
            continue
        placed_tick = catalogue.Placed(tick, f"{head}.{key}.{tick.name}", key)
        one = Block(f"{head}-{key}", placed_tick.label(child), entry=True)
        for f in rest:
            placed = catalogue.Placed(f, f"{head}.{key}.{f.name}", key)
            _add(one, placed, entry.get(f.name, f.empty), child)
        items.append(one)
    return items


def recorded(content: dict[str, Any], child: str = catalogue.CHILD) -> list[Block]:
    """Every page's block, in the pages' order, with what was written on it."""
    document = normalise(content)
    blocks = []
    for page_id, page_title in PAGES:
        if page_id in LEFT_OUT:
            continue
        page = Block(page_id, page_title, empty=NOTHING_WRITTEN)
        groups: dict[str, Block] = {}

        def group_for(heading: str, page: Block = page, groups: dict[str, Block] = groups) -> Block:
            if heading in ("", page.title):
                return page
            if heading not in groups:
                groups[heading] = Block(f"{page.id}-{len(groups) + 1}", heading)
                page.items.append(groups[heading])
            return groups[heading]

        factor_heads: dict[str, list[catalogue.Field]] = {}
        for f in catalogue.catalogue():
            if f.placeholder == catalogue.ITEM:
                if f.kind == catalogue.ENTRY and f.page == page_id:
                    page.items.append(_entries(f.head, document, child))
                continue
            if f.placeholder in catalogue.MADE_WHEN_WRITTEN:
                if f.page == page_id:
                    factor_heads.setdefault(f.head, []).append(f)
                    if len(factor_heads[f.head]) == 1:
                        group_for(catalogue.Placed(f, f.path).heading(child))
                continue
            for placed in catalogue.expand(f, document):
                if placed.page != page_id:
                    continue
                value = document
                for part in placed.path.split("."):
                    value = (
                        value.get(part, placed.field.empty)
                        if isinstance(value, dict)
                        else placed.field.empty
                    )
                _add(group_for(placed.heading(child)), placed, value, child)
        for head, fields in factor_heads.items():
            heading = catalogue.Placed(fields[0], fields[0].path).heading(child)
            group = group_for(heading)
            group.items[:0] = _factors(head, fields, document, child)
        if page.has_content:
            # A list says "None noted."; a kind of finding with nothing ticked is left out.
            page.items = [b for b in page.items if b.has_content or b.empty]
            page.empty = ""
        else:
            page.items = []
        blocks.append(page)
    return blocks
