"""Import of police missing and found notifications: the one way in for the page, the command
line and the API, so a rule holds for all three.

The file is read and each row checked in rhi/episodes/imports_csv.py (no database); what each
row does, and doing it, is rhi/episodes/imports_apply.py. Here: the size limit, reading rows
through a column mapping, and the list of refused rows to download.
"""

from __future__ import annotations

import csv
import difflib
import io
from collections.abc import Mapping
from typing import IO, Any

from flask import current_app
from sqlalchemy import select

from rhi.episodes import imports_apply as apply
from rhi.episodes import references
from rhi.episodes.imports_csv import (
    COLUMNS,
    READ_DAY_FIRST,
    FileProblem,
    Row,
    Table,
    cells_for,
    decode,
    header_key,
    looks_like_a_date,
    mark_duplicates,
    missing_columns,
    month_first,
    neutralise,
    only_month_first,
    parse,
    read_capped,
)
from rhi.extensions import db
from rhi.models import Episode, ImportMapping

# 2 MiB holds a day's export many times over (10,000 rows are about 1.3 MB). It must stay
# under MAX_CONTENT_LENGTH (5 MiB), which refuses any larger request first.
DEFAULT_MAX_BYTES = 2 * 1024 * 1024
# A multipart request carries the file and a little more (field names, the CSRF token).
MULTIPART_SLACK = 16 * 1024
MAX_API_ITEMS = 1000

OUTCOME_WORDS = {
    apply.NEW: "New",
    apply.UPDATE: "Update",
    apply.UNCHANGED: "Unchanged",
    apply.WAITING: "Waiting for a person",
    apply.PROBLEM: "Problem",
}


def max_bytes() -> int:
    """RHI_IMPORT_MAX_BYTES (rhi/config.py reads it from the environment, 2 MiB by default)."""
    return int(current_app.config.get("RHI_IMPORT_MAX_BYTES") or DEFAULT_MAX_BYTES)


def read_file(stream: IO[bytes], limit: int | None = None) -> tuple[str, Table]:
    """The file's text and table, refused (FileTooLarge) past the limit before it is held whole.
    The text is what is kept between preview and import: read again, its rows keep the lines
    they have in the file (blank lines and all), which the messages name."""
    text = decode(read_capped(stream, max_bytes() if limit is None else limit))
    table = parse(text)
    # Checked as a file comes in, not when a kept one is read again (`read_text`): a batch kept
    # before the check existed still opens, as it did, and says what its rows hold.
    problem = month_first(table)
    if problem:
        raise FileProblem(problem)
    return text, table


def read_text(text: str) -> Table:
    return parse(text)


_check = apply.check_row


def rows_of(table: Table, columns: Mapping[str, str]) -> list[Row]:
    """Every row checked, through the mapping; duplicates within the file marked."""
    unmapped = missing_columns(dict(columns), table.headers)
    rows = [
        _check(line, cells_for(dict(columns), table.headers, cells), unmapped)
        for line, cells in table.rows
    ]
    mark_duplicates(rows, lambda line, cells: _check(line, cells, unmapped))
    return rows


def rows_of_items(items: list[Any]) -> list[Row]:
    """The API's notifications ({field: text}) checked by the same rules as a file's rows, each
    named by its place in the list from 1 ("item 1"). An item with a key that is not a field,
    or a value that is not text, is refused, saying which: as a file whose chosen column is
    missing (`missing_columns`), its value would otherwise be dropped without a word (a found
    time sent as "returned_at" left the child shown missing)."""
    rows = []
    for place, item in enumerate(items, start=1):
        cells, problems, ignored = item_cells(item)
        row = _check(place, cells)
        if problems:
            row.problems[:0] = problems
            row.notice = None
        if ignored:
            row.notes.append(f"Not fields of a notification, so not kept: {', '.join(ignored)}.")
        rows.append(row)
    mark_duplicates(rows, _check, unit="item")
    return rows


def month_first_items(items: list[Any]) -> str | None:
    """Why a request to the API whose dates are written month first is refused whole, as a file
    is (imports_csv.only_month_first), or None: a case system that sends "12/01/2026" for
    1 December had every such item taken as 12 January, without a word (intake probe)."""
    fields = list(COLUMNS)
    table = Table(
        fields,
        [
            (place, [item_cells(item)[0].get(name, "") for name in fields])
            for place, item in enumerate(items, start=1)
        ],
    )
    found = only_month_first(table)
    if found is None:
        return None
    return (
        f"The dates in this request are written month first: “{found.cell}” ({found.header}, "
        f"item {found.line}) can only be month {found.month}, day {found.day}. "
        f"{READ_DAY_FIRST.format(what='request')} Nothing was saved. Send dates day first "
        "(23/11/2026) or as 2026-11-23."
    )


EXAMPLE_ITEM = '{"police_reference": "...", "first_name": "...", ...}'


def item_cells(item: Any) -> tuple[dict[str, str], list[str], list[str]]:
    """An API item's text by field, what is wrong with its keys and values, and the keys kept
    out. Null is empty; a whole number (a reference or person id sent without quotes) is read
    as its digits. A key that is a field's other name or a misspelling of one ("returned_at",
    "found", "dob") refuses the item: its value would be lost without a word (a found time sent
    as "returned_at" left the child shown missing). Any other key (a police system's own, such
    as "force" or "officer") is left out with a note: refusing it would keep every notification
    of that system out of rhi, where nobody sees a refused item."""
    if not isinstance(item, dict):
        return {}, [f"Not a notification: send an object of fields, like {EXAMPLE_ITEM}."], []
    cells: dict[str, str] = {}
    problems = []
    ignored = []
    for key, value in item.items():
        if key not in COLUMNS:
            if likely_field(str(key)):
                problems.append(not_a_field(key))
            elif isinstance(value, str) and looks_like_a_date(value.strip()):
                # A time under a name of the sender's own ("recovered_at") may be when the
                # child came back: left out, the child would stay shown as missing.
                problems.append(
                    f"{key}: not a field. If it is when the child came back or was found, send "
                    "it as returned; if it is when they were reported missing, as "
                    "reported_missing."
                )
            else:
                ignored.append(str(key)[:40])
        elif value is None:
            continue
        elif isinstance(value, str):
            cells[key] = value.strip()
        elif isinstance(value, int) and not isinstance(value, bool):
            cells[key] = str(value)
        else:
            problems.append(f"{key}: {_kind(value)}, not text. Send it as text, in quotes.")
    return cells, problems, ignored


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, float):
        return "a number with a decimal point"
    if isinstance(value, list):
        return "a list"
    return "an object" if isinstance(value, dict) else "not text"


def not_a_field(key: str) -> str:
    """A key no field has, with the field it most likely meant: by a file's header names for
    it ("returned_at", "found", "dob"), else by its spelling; else every field."""
    likely = likely_field(key)
    if likely:
        return f"{key}: not a field; did you mean {likely}?"
    return f"{key}: not a field. The fields are {', '.join(COLUMNS)}."


def likely_field(key: str) -> str | None:
    said = header_key(key)
    names = {header_key(name): name for name in COLUMNS}
    for name, column in COLUMNS.items():
        names.update(dict.fromkeys(column.aliases, name))
    if said in names:
        return names[said]
    close = difflib.get_close_matches(said, list(names), n=1, cutoff=0.8)
    return names[close[0]] if close else None


def reread(cells: dict[str, str]) -> Row:
    """A waiting row's values, checked again by today's rules."""
    return _check(0, cells)


def run(
    rows: list[Row], actor: apply.Actor, source: str, *, dry_run: bool, unit: str = "line"
) -> list[apply.Plan]:
    """The preview (dry run: nothing written) or the import, row by row. `unit`: what the
    messages call a row ("item" for the API's list)."""
    plans = apply.plan_rows(rows, actor) if dry_run else apply.apply_rows(rows, actor, source)
    return _worded(plans, unit)


def _worded(plans: list[apply.Plan], unit: str) -> list[apply.Plan]:
    """What a row read with another says, in the words of the file or the API: a repeat of
    another row (`Row.same_as`) is counted once, with it, never refused for being there twice;
    a row read together with a later one names it as a line or an item."""
    by_line = {plan.row.line: plan for plan in plans}
    for plan in sorted(plans, key=lambda p: (p.row.same_as is not None, -p.row.line)):
        row = plan.row
        if row.taken_with is None:
            continue
        if row.same_as is not None:
            said, other = f"The same as {unit} {row.same_as}", by_line[row.same_as]
        else:
            said, other = f"Read together with {unit} {row.taken_with}", by_line[row.taken_with]
        if plan.outcome == apply.PROBLEM:
            plan.message = f"{said}, which was not imported: {other.message}"
        elif row.same_as is not None:
            plan.message = f"{said}: a repeat, counted once."
        else:
            plan.message = f"{said}: the same episode."
    return plans


def results_of(plans: list[apply.Plan], table: Table | None = None) -> list[dict[str, Any]]:
    """What is kept of an applied file: each row's line, outcome and words, and the child it
    is about where rhi knows (so destroying the child's record finds it: `forget_child`).
    With `table` (applying), a refused row's cells too, as it came: the file itself is not
    kept once applied (`header_of`), and the coordinator downloads those rows to put right."""
    cells_at = dict(table.rows) if table is not None else {}
    results = []
    for p in plans:
        result = {
            "line": p.row.line,
            "reference": p.row.reference[:60],
            "outcome": p.outcome,
            # What was taken as it came but needs saying (a day with no time, a formula kept
            # as text) goes with the outcome, on the page the coordinator reads.
            "message": " ".join([p.message, *p.row.notes])
            if p.outcome != apply.PROBLEM
            else p.message,
            # Never another team's episode (a notification passed on to the team keeping the
            # child): not this team's to open (rev36).
            "episode_id": p.episode.id if p.episode and p.keeping_team_id is None else None,
            "child_id": p.episode.child_id if p.episode else p.child.id if p.child else p.about,
        }
        if p.keeping_team_id is not None:
            result["sent_on"] = True  # another team's: waits on their list, or is their episode
        if p.outcome == apply.PROBLEM and p.row.line in cells_at:
            result["cells"] = cells_at[p.row.line]
        results.append(result)
    return results


def header_of(table: Table) -> str:
    """What an applied file keeps of its text: the header row alone. Each row taken in lives on
    in a child's record (and goes when it is destroyed); a refused row's cells are kept with
    its result. The police's whole file, about many children, is not held a second time."""
    out = io.StringIO()
    csv.writer(out).writerow(table.headers)
    return out.getvalue()


def refused_csv(table: Table, results: list[dict[str, Any]]) -> str:
    """The refused rows as they came, each with why, every cell made safe to open in a
    spreadsheet (a cell beginning = + - @ is shown, never run). Their cells are read from the
    results once the file is applied (`results_of`), from the file before."""
    cells_at = dict(table.rows)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Line", "Why it was refused", *map(neutralise, table.headers)])
    for result in results:
        if result["outcome"] != apply.PROBLEM:
            continue
        cells = result.get("cells", cells_at.get(result["line"]))
        if cells is not None:
            row = [result["line"], neutralise(result["message"]), *map(neutralise, cells)]
            writer.writerow(row)
    return out.getvalue()


FORGOTTEN = "Destroyed with the child\u2019s record under the retention schedule."


def known_by(child_id: int) -> tuple[set[int], set[str]]:
    """What an applied file's rows may know a child by: their episodes' ids and police
    references (read before the episodes are deleted, when their record is destroyed)."""
    theirs = db.session.execute(
        select(Episode.id, Episode.police_reference).where(Episode.child_id == child_id)
    ).all()
    return {episode_id for episode_id, _ in theirs}, {ref for _, ref in theirs if ref}


def _about(result: dict[str, Any], child_id: int, episode_ids: set[int], keys: set[str]) -> bool:
    """The rule for which rows of an applied file are about one child: the row's result names
    them or one of their episodes (`episode_ids`, for results kept before each named its
    child), or carries one of their episodes' police references (`keys`: a row refused
    before it was matched to anyone). The same for destroying (`forget_child`) and for a
    subject access export (`rows_about`)."""
    return (
        result.get("child_id") == child_id
        or result.get("episode_id") in episode_ids
        or references.key(str(result.get("reference") or "")) in keys
    )


def rows_about(
    results: list[dict[str, Any]],
    child_id: int,
    episode_ids: set[int],
    police_references: set[str],
) -> list[dict[str, Any]]:
    """The results (with their cells, where the file keeps them) about one child."""
    keys = {references.key(r) for r in police_references} - {""}
    return [r for r in results if _about(r, child_id, episode_ids, keys)]


def forget_child(
    results: list[dict[str, Any]],
    child_id: int,
    episode_ids: set[int],
    police_references: set[str],
) -> bool:
    """The results of an applied file with the rows about one child (`_about`) blanked (their
    reference, words and cells), the outcome and line kept so the file's counts still add up.
    True when anything was blanked."""
    keys = {references.key(r) for r in police_references} - {""}
    changed = False
    for result in results:
        if _about(result, child_id, episode_ids, keys):
            result.update(reference="", message=FORGOTTEN, episode_id=None, child_id=None)
            result.pop("cells", None)
            changed = True
    return changed


def mapping_named(name: str, team_id: int) -> ImportMapping | None:
    """The team's saved columns of this name (names are each team's own)."""
    return db.session.scalar(
        select(ImportMapping).where(ImportMapping.name == name, ImportMapping.team_id == team_id)
    )


def mappings_named(name: str) -> list[ImportMapping]:
    """Every team's saved columns of this name (the command line, given no team)."""
    return list(db.session.scalars(select(ImportMapping).where(ImportMapping.name == name)))
