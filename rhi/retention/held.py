"""Everything held about one child, found from the schema itself rather than a list kept by
hand: every table with a foreign key to `children`, then every table with a foreign key to
those rows, and so on. A table added later (by any part of rhi) is then destroyed with the
child and included in the subject access export without anyone remembering to add it here.

Left out, on purpose:
- `children` itself: the row stays as an anonymous tombstone (destroy.py blanks it), because
- `audit_events` cannot be changed or deleted (rhi/models/audit.py): its rows keep pointing at
  the tombstone. They hold no note text, only who did what and when.
- `destroyed_children`: the marker that the record was destroyed.
- `legal_holds`: like the two above, a record of keeping and destroying the record rather than
  part of it. Who placed each hold and why, who lifted it and why, and when, are what answers
  "why was a record under a legal hold destroyed?" afterwards, and nothing else keeps them: the
  audit rows say only that a hold was placed or lifted (rhi/retention/holds.py keeps the reasons
  out of the audit trail, which cannot be changed, as they may name people or proceedings).
  Destroyed with the record, they went with it (a probe). Their link to the tombstone still
  holds, and the retention page of a destroyed record shows them. They are still the child's
  while the record lives, so the subject access export reads them (`each_table(destroying=False)`).
- A police notification that names the child only as who it might have been, once a person
  recorded it as another child (`ABOUT_ONLY_WHILE`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Table, and_, false, or_, select

from rhi.extensions import db

KEPT = frozenset({"children", "audit_events", "destroyed_children"})
# Kept when the record is destroyed, but the child's all the same while it lives: in their
# subject access export (rev38b: kept out of `each_table`, the export lost them).
OUTLIVE_THE_RECORD = frozenset({"legal_holds"})
# Foreign keys that make a row the child's only while a condition holds. A police notification
# waiting for a person names the child it may be (`candidate_child_id`): until someone decides,
# it is about them as far as rhi can tell. Its line in the police file is theirs (blanked with
# their record and in their export: rhi.episodes.imports `_about` matches it by the candidate),
# its name and date of birth are theirs or all but, and kept after their record was destroyed,
# it identified them and the waiting page invited recording it as "a different child",
# recreating them (a probe). So it is destroyed with the record and in their export. Once a
# person records it (`episode_id` set), it is the child of that episode, found through it: a
# notification recorded as a different child is never handed to, or destroyed with, the child
# it only might have been (an earlier probe).
ABOUT_ONLY_WHILE: dict[tuple[str, str], Callable[[Table], ColumnElement[bool]]] = {
    ("import_waiting_rows", "candidate_child_id"): lambda t: t.c.episode_id.is_(None),
}


@dataclass(frozen=True)
class Link:
    """A column of `table` pointing at `parent_column` of a table already in the closure."""

    column: str
    parent_table: str
    parent_column: str


@dataclass(frozen=True)
class HeldTable:
    table: Table
    links: tuple[Link, ...]


def held_tables(kept: frozenset[str] = KEPT) -> list[HeldTable]:
    """Every table holding rows about a child, parents before the tables pointing at them
    (delete in reverse), but for `kept`. Each table's links are its foreign keys into the
    closure."""
    tables = db.metadata.tables
    found: dict[str, HeldTable] = {}
    order: list[str] = []
    frontier = {"children"}
    while frontier:
        added: set[str] = set()
        for table in db.metadata.sorted_tables:
            if table.name in kept or table.name in found:
                continue
            links = tuple(
                Link(fk.parent.name, fk.column.table.name, fk.column.name)
                for fk in table.foreign_keys
                if fk.column.table.name in frontier | set(found)
            )
            if links:
                added.add(table.name)
                found[table.name] = HeldTable(table, links)
                order.append(table.name)
        frontier = added
    # Recompute links now that the closure is whole: a table found early may also point at one
    # found later (actions point at interviews as well as children).
    whole = set(found) | {"children"}
    result = []
    for name in _parents_first(order, found):
        table = tables[name]
        links = tuple(
            Link(fk.parent.name, fk.column.table.name, fk.column.name)
            for fk in table.foreign_keys
            if fk.column.table.name in whole
        )
        result.append(HeldTable(table, links))
    return result


def _parents_first(names: list[str], _found: dict[str, HeldTable]) -> list[str]:
    """The metadata's dependency order, restricted to the closure."""
    wanted = set(names)
    return [t.name for t in db.metadata.sorted_tables if t.name in wanted]


def rows_of(child_id: int, held: HeldTable, by_name: dict[str, HeldTable]) -> ColumnElement[bool]:
    """A WHERE clause selecting `held`'s rows that belong to the child: any link to the child
    or to a row of a table that does."""
    clauses = []
    for link in held.links:
        column = held.table.c[link.column]
        if link.parent_table == held.table.name:
            continue  # a row pointing at its own kind is found through its other links
        if link.parent_table == "children":
            condition = ABOUT_ONLY_WHILE.get((held.table.name, link.column))
            mine = column == child_id
            clauses.append(mine if condition is None else and_(mine, condition(held.table)))
            continue
        parent = by_name[link.parent_table]
        clauses.append(
            column.in_(
                select(parent.table.c[link.parent_column]).where(rows_of(child_id, parent, by_name))
            )
        )
    return or_(*clauses) if clauses else false()


def each_table(
    child_id: int, *, destroying: bool = False
) -> Iterator[tuple[HeldTable, ColumnElement[bool]]]:
    """Each held table, parents first, with the clause for the child's rows in it; `destroying`:
    not the tables whose rows outlive the record (OUTLIVE_THE_RECORD)."""
    tables = held_tables(KEPT | OUTLIVE_THE_RECORD if destroying else KEPT)
    by_name = {h.table.name: h for h in tables}
    for held in tables:
        yield held, rows_of(child_id, held, by_name)
