"""Police files uploaded and not (yet) imported: what they hold about one child.

Such a file (`import_batches` with no results) keeps every row the police sent, as text, for
up to 14 days (rhi/episodes/imports_job.py KEPT_UNIMPORTED), with no key naming any child, so
the schema does not find it (rhi/retention/held.py). A probe: a destroyed child's row stayed in
such a file, and its preview then offered "a child new to rhi", recreating the record on one
click; and the subject access export left those rows out. Here, for both: which rows of such a
file are about a child (`rows_about`), blanking them when the record is destroyed (`forget`),
and the rows as the export gives them (`exported`).

Which rows are about the child: the ways the import's preview meets a row with a child rhi
holds (rhi/episodes/imports_apply.py `plan_row`), without the importing team's sight, since
the row names the child whoever uploaded it:
- its police reference is one of the child's episodes' (`_plan_update`), or one a notification
  waiting for a person as possibly them holds (`_plan_new`'s waiting row);
- its police person id is linked to the child (`_plan_new`, `PolicePerson`);
- its name and date of birth may be theirs by the rule of "possibly the same child"
  (rhi/children/matching.py `may_be`): the preview files such a row as theirs, or has it wait
  as possibly them. A near match is included: its date of birth is the child's (or it with day
  and month swapped), and kept, it identifies them; unless it is another child's that rhi
  holds, by a reference or person id of theirs or a closer name and date of birth
  (`_someone_elses`): that row stays where it is, theirs.
The file is read through its chosen columns, or rhi's guess from its headers while none are
chosen; a reference or person id of theirs in any cell counts too, so columns chosen wrong do
not hide a row.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select, union_all

from rhi import audit
from rhi.children import matching
from rhi.episodes import references
from rhi.episodes.imports_csv import (
    FileProblem,
    Table,
    cells_for,
    guess_columns,
    parse,
    read_birth,
)
from rhi.extensions import db
from rhi.models import Child, Episode, ImportBatch, PolicePerson, WaitingRow

# What the export says of a row from such a file, beside its cells.
NOT_IMPORTED = "not imported"
EXPORTED_MESSAGE = (
    "In a police file uploaded to rhi but not imported: such a file is kept for up to 14 days."
)
# A line break inside a quoted cell: the row goes on to the next line of the file.
_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class Known:
    """What a police file's row may know one child by, read before their record is changed."""

    child: Child
    references: frozenset[str]  # references.key of each
    people: frozenset[str]  # police person ids


def known(child_id: int) -> Known | None:
    child = db.session.get(Child, child_id)
    if child is None:
        return None
    refs = set(
        db.session.scalars(
            select(Episode.police_reference).where(
                Episode.child_id == child_id, Episode.police_reference.is_not(None)
            )
        )
    )
    # Waiting as possibly this child, and not yet recorded as anyone (held.py: such a
    # notification is about them).
    refs.update(
        db.session.scalars(
            select(WaitingRow.police_reference).where(
                WaitingRow.candidate_child_id == child_id, WaitingRow.episode_id.is_(None)
            )
        )
    )
    people = db.session.scalars(
        select(PolicePerson.police_person_id).where(PolicePerson.child_id == child_id)
    )
    keys = frozenset(references.key(r) for r in refs if r) - {""}
    return Known(child, keys, frozenset(p.strip() for p in people if p.strip()))


def unimported() -> list[ImportBatch]:
    """Every file not imported, whichever team's (a file being imported now included: its
    rows are not the children's records until it is done)."""
    return list(
        db.session.scalars(
            select(ImportBatch).where(ImportBatch.results.is_(None)).order_by(ImportBatch.id)
        )
    )


def _is_about(cells: dict[str, str], raw: list[str], who: Known) -> bool:
    if any(references.key(c) in who.references or c.strip() in who.people for c in raw):
        return True
    birth: date | None = read_birth(cells.get("date_of_birth", ""))
    first, last = cells.get("first_name", ""), cells.get("last_name", "")
    return (
        birth is not None
        and bool(first or last)
        and matching.may_be(first, last, birth, who.child)
        and not _someone_elses(raw, first, last, birth, who)
    )


def _someone_elses(raw: list[str], first: str, last: str, birth: date, who: Known) -> bool:
    """A row whose name and date of birth may be the child's is another child's that rhi holds
    when a reference or police person id in it is theirs, or their name and date of birth
    match it more closely than the child's do. A probe: "John Smith", born 04/03/2006 and kept,
    lost his high-risk missing notification to the destruction of "Jon Smith", born 03/04/2006,
    and a subject access export for one Khan held another Khan's rows."""
    child_id = who.child.id
    cells = {c.strip() for c in raw if c.strip()}
    if cells:
        theirs = union_all(
            select(Episode.id)
            .where(references.matches(Episode.police_reference, cells))
            .where(Episode.child_id != child_id),
            select(WaitingRow.id)
            .where(references.matches(WaitingRow.police_reference, cells))
            .where(WaitingRow.candidate_child_id != child_id, WaitingRow.episode_id.is_(None)),
            select(PolicePerson.id).where(
                PolicePerson.police_person_id.in_(cells), PolicePerson.child_id != child_id
            ),
        )
        if db.session.execute(theirs.limit(1)).first() is not None:
            return True
    others = db.session.scalars(
        select(Child).where(Child.date_of_birth.in_(matching.birth_dates_to_check(birth)))
    ).all()
    found = matching.possible_matches(first, last, birth, list(others))
    born = {child.id: child.date_of_birth for child in others}
    # Closest first: the same name and date of birth, then the row's own date of birth over
    # one with day and month swapped, then the closer spelling. The row is this child's only
    # when they are closer than every other child (a review: on a tie, or with a kept child
    # born on the row's very date, it went with the record destroyed).
    ranked = sorted(
        (m.reason != matching.SAME, born[m.child_id] != birth, -m.score, m.child_id) for m in found
    )
    if not ranked or ranked[0][3] != child_id:
        return True
    return len(ranked) > 1 and ranked[1][:3] == ranked[0][:3]


def _names(text: str, who: Known) -> bool:
    """The text holds the child's name, or a reference or person id of theirs, anywhere."""
    words = text.casefold()
    child = who.child
    named = child.first_name.casefold() in words and child.last_name.casefold() in words
    return (
        named
        or any(ref in words for ref in who.references)
        or any(person.casefold() in words for person in who.people)
    )


def rows_about(batch: ImportBatch, who: Known) -> tuple[Table, list[tuple[int, list[str]]]]:
    """The file's table, and its rows (line, cells as they came) about the child."""
    table = parse(batch.content)
    columns = batch.columns or guess_columns(table.headers)
    found = [
        (line, raw)
        for line, raw in table.rows
        if _is_about(cells_for(dict(columns), table.headers, raw), raw, who)
    ]
    return table, found


def _blanked(text: str, rows: list[tuple[int, list[str]]]) -> str:
    """The file's text with each row's lines left empty, line endings kept: a blank line is
    no row to the import (imports_csv.parse), and every other row keeps its line number, which
    the preview and the refused rows name."""
    lines = io.StringIO(text, newline="").readlines()  # split where the csv reader splits
    for line, cells in rows:
        span = 1 + sum(len(_BREAK.findall(cell)) for cell in cells)
        for i in range(line - 1, min(line - 1 + span, len(lines))):
            content = lines[i].rstrip("\r\n")
            lines[i] = lines[i][len(content) :]
    return "".join(lines)


def forget(child_id: int) -> None:
    """Blank the child's rows in every file not imported (destroying their record). A file
    whose text cannot be blanked row by row and read again the same is removed whole: it
    is at most 14 days old, and the police still hold it; a row kept would identify the child
    and could recreate their record."""
    who = known(child_id)
    if who is None:
        return
    removed: list[int] = []
    blanked: list[int] = []  # files with the child's rows blanked, kept otherwise
    for batch in unimported():
        try:
            table, rows = rows_about(batch, who)
        except FileProblem:
            # Not read as it stands (so never imported either), but its text may still name
            # the child: such a file is removed whole.
            if _names(batch.content, who):
                removed.append(batch.id)
                db.session.delete(batch)
            continue
        if not rows:
            continue
        text = _blanked(batch.content, rows)
        lines = {line for line, _ in rows}
        kept = [(line, cells) for line, cells in table.rows if line not in lines]
        try:
            again = parse(text)
        except FileProblem:
            again = None
        if again is not None and again.headers == table.headers and again.rows == kept:
            batch.content = text
            blanked.append(batch.id)
        else:
            removed.append(batch.id)
            db.session.delete(batch)
    if removed:
        _said_forgotten(
            removed,
            f"{len(removed)} file(s) never imported, removed with a record destroyed under the "
            "retention schedule",
        )
    if blanked:
        # Said too, as a file removed whole is: the file's preview holds fewer rows from now.
        _said_forgotten(
            blanked,
            f"rows blanked in {len(blanked)} file(s) never imported, with a record destroyed "
            "under the retention schedule",
        )
    db.session.flush()


def _said_forgotten(batch_ids: list[int], detail: str) -> None:
    audit.record(
        "import.forget",
        object_type="import",
        object_id=",".join(map(str, batch_ids))[:60],
        detail=detail,
    )


def _by_header(headers: list[str], raw: list[str]) -> dict[str, str]:
    """Each cell under its header; a cell beyond the headers (or under none) by its place."""
    return {
        (headers[i] if i < len(headers) and headers[i] else f"Column {i + 1}"): cell
        for i, cell in enumerate(raw)
    }


def exported(child_id: int) -> list[dict[str, Any]]:
    """The child's rows of files not imported, for a subject access export: the file, when it
    came, the line, and each cell under its header, as the police sent it."""
    who = known(child_id)
    if who is None:
        return []
    rows = []
    for batch in unimported():
        try:
            table, found = rows_about(batch, who)
        except FileProblem:
            continue
        columns = batch.columns or guess_columns(table.headers)
        for line, raw in found:
            cells = cells_for(dict(columns), table.headers, raw)
            rows.append(
                {
                    "file": batch.filename,
                    "uploaded_at": batch.uploaded_at.isoformat(),
                    "line": line,
                    "reference": cells.get("police_reference", ""),
                    "outcome": NOT_IMPORTED,
                    "message": EXPORTED_MESSAGE,
                    "cells": _by_header(table.headers, raw),
                }
            )
    return rows
