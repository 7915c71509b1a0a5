"""Reading a police notifications file: no database, no Flask. Tested alone.

A council gets the police's missing and found notifications as a daily export. Every force
names its columns its own way, so the columns are guessed from common header names and then
confirmed by a coordinator (`guess_columns`). Each row is read into `Notice` values or plain
words saying what is wrong with it (`read_row`); the database side is rhi/episodes/
imports_apply.py.

- Bytes: UTF-8 with or without a byte-order mark; any byte that is not UTF-8 is read as
  Windows-1252 (what Excel on Windows saves), so a file saved either way, or one row pasted in
  from another program, keeps its accents (`decode`). A byte neither can read becomes "\ufffd",
  and a row holding one is refused, naming the column: a name is never imported with a
  letter lost. A file is read with a cap (`read_capped`): a file over the limit is refused
  before it is held whole.
- Dates are read day first (23/11/2026), as in England. A file whose dates are written month
  first (11/25/2026, an American system's export) is refused whole when any cell in it can only
  be read month first (`month_first`): its other dates ("12/01/2026") would be read day first,
  1 December taken as 12 January, without a word. Where every date of such a file has a day
  of 12 or less nothing can tell it apart, so the export should be set to day first or ISO.
- Cells beginning with = + - @ are kept as the text they are: nothing here evaluates anything,
  and a note says so, since a spreadsheet would have run them as formulas.
- Times in a file are local (RHI_TIMEZONE), as a person at the police wrote them; the caller
  passes `to_utc`. A time with its own offset ("2026-11-20T14:30+00:00") is taken as written.
  A local time in the hour that happens twice when the clocks go back is read as the first,
  as the forms typed by hand read it (rhi/timefmt.py), and the row says so, with how to write
  the second (its offset).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from typing import IO

from rhi.children.matching import normalise
from rhi.episodes import references
from rhi.models.children import OLDEST_AGE, too_old
from rhi.models.episodes import NOT_GRADED, REPORTERS

CHUNK = 64 * 1024
# A police export's clock and ours may differ a little (as a tablet's may: rhi/forms/fields.py).
CLOCK_SKEW = timedelta(minutes=10)
FORMULA_STARTS = ("=", "+", "-", "@")


class NotOnTheClock(ValueError):
    """Raised by a `to_utc` for a local time that never happened (the hour the clocks skip),
    with the words saying so: the row is refused rather than moved an hour without a word."""


@dataclass(frozen=True)
class Column:
    label: str
    # Header names, as `normalise` writes them (the API's `likely_field` reads them so too).
    # A header is guessed by its words (`header_words`), so an alias stands for its spellings in
    # any order, with a "Date/Time" or a "No." or without: "found" is "Found Date/Time" too.
    aliases: tuple[str, ...]
    required: bool = False
    limit: int = 200
    # A date, or a date and time: only such a detail is guessed from a header naming a date or
    # a time ("Missing From Date/Time" is when, not the place they went missing from).
    dated: bool = False


COLUMNS: dict[str, Column] = {
    "police_reference": Column(
        "Police reference",
        (
            "police reference",
            "police ref",
            "reference",
            "ref",
            "incident reference",
            "incident number",
            "occurrence number",
            "occurrence reference",
            "missing person reference",
            "urn",
            # As police systems head it: each also with "No", "Ref" or "Reference".
            "occ number",
            "crime number",
            "log number",
            "case number",
            "misper reference",
            "mfh reference",
            # "ID" is not read as a reference everywhere ("Person ID" is a person's): here, of
            # the police's own numbers for the time away.
            "incident id",
            "occurrence id",
            "case id",
            "log id",
            "misper id",
            "reference id",
        ),
        required=True,
        limit=60,
    ),
    "police_person_id": Column(
        "Police person id",
        ("police person id", "person id", "person reference", "nominal id", "subject id", "pnc id"),
        limit=60,
    ),
    "first_name": Column(
        "First name",
        (
            "forename",
            "forenames",
            "first name",
            "firstname",
            "given name",
            "given names",
            "first names",
        ),
        required=True,
        limit=80,
    ),
    "last_name": Column(
        "Last name",
        ("surname", "last name", "lastname", "family name"),
        required=True,
        limit=80,
    ),
    "date_of_birth": Column(
        "Date of birth",
        ("date of birth", "dob", "d o b", "birth date"),
        required=True,
        dated=True,
    ),
    "reported_missing": Column(
        "Reported missing",
        (
            "reported missing",
            "reported missing at",
            "date reported missing",
            "missing since",
            "date missing",
            "missing date",
            "missing at",
            "went missing",
            "date reported",
            "reported at",
        ),
        # Not required of a file: a file of found notifications may have no such column. Each
        # row without a found time still needs it (read_row says so, by the row).
        dated=True,
    ),
    "returned": Column(
        "Returned or found",
        (
            "returned",
            "returned at",
            "date returned",
            "return date",
            "found",
            "date found",
            "found date",
            "returned found",
            "returned or found",
        ),
        dated=True,
    ),
    "risk_grade": Column(
        "Risk grade",
        (
            "risk grade",
            "police risk grade",
            "risk",
            "risk level",
            "grade",
            "risk assessment",
            "risk rating",
            "risk category",
        ),
    ),
    "missing_from": Column(
        "Missing from",
        (
            "missing from",
            "missing from address",
            "location missing from",
            "last seen at",
            "place missing from",
        ),
    ),
    "found_where": Column(
        "Found where",
        (
            "found where",
            "where found",
            "found location",
            "location found",
            "found address",
            "place found",
        ),
    ),
    "found_by": Column(
        "Found by", ("found by", "located by", "returned by", "traced by"), limit=120
    ),
    "reported_by": Column(
        "Reported by",
        (
            "reported by",
            "reporter",
            "who reported",
            "informant",
            "reporting person",
            "person reporting",
            "reporting party",
        ),
        limit=120,
    ),
}
REQUIRED = [name for name, column in COLUMNS.items() if column.required]

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")
# Police systems write seconds, and some milliseconds too ("14:30:00.000"), or a dot between
# hours and minutes, as clocks in England are often written ("14.30"): each the same time.
TIME_FORMATS = ("%H:%M", "%H:%M:%S", "%H:%M:%S.%f", "%H.%M")


class FileProblem(ValueError):
    """The file as a whole cannot be read; said for the person who sent it."""


class FileTooLarge(FileProblem):
    pass


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (line in the file, cells)


@dataclass(frozen=True)
class Notice:
    """One notification, read and checked. Times are naive UTC."""

    police_reference: str
    police_person_id: str | None
    # None, all three, where the row names no child (`NAMES`): it is taken as the child its
    # police person id is linked to, or refused (imports_apply `_names_needed`).
    first_name: str | None
    last_name: str | None
    date_of_birth: date | None
    started_at: datetime | None  # None: a found notification for an episode rhi holds
    returned_at: datetime | None
    risk_grade: str | None  # None: the file does not say (a new episode is "not graded")
    missing_from: str | None
    found_where: str | None
    found_by: str | None
    reported_by: str | None

    @property
    def named(self) -> bool:
        """False for a row that gives no names and no date of birth (`NAMES`)."""
        return self.date_of_birth is not None


# The child's names and date of birth. A row may leave out all three, never one or two: such a
# row is the child's its police person id is linked to, where the importing team holds that
# child, and is refused, saying to add them, anywhere else (imports_apply `_names_needed`).
NAMES = ("first_name", "last_name", "date_of_birth")


@dataclass
class Row:
    line: int
    cells: dict[str, str]  # field -> text, as read
    notice: Notice | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    taken_with: int | None = None  # the later line this row was read together with
    same_as: int | None = None  # the earlier line this row repeats, word for word

    @property
    def reference(self) -> str:
        return self.cells.get("police_reference", "")

    @property
    def name(self) -> str:
        return f"{self.cells.get('first_name', '')} {self.cells.get('last_name', '')}".strip()


def too_large_message(limit: int) -> str:
    return (
        f"This file is larger than {limit:,} bytes, the most rhi reads at once "
        "(RHI_IMPORT_MAX_BYTES). Split it into smaller files, or ask for a daily file."
    )


def read_capped(stream: IO[bytes], limit: int) -> bytes:
    """The stream's bytes, refused (FileTooLarge) as soon as more than `limit` arrive."""
    parts, total = [], 0
    while chunk := stream.read(CHUNK):
        total += len(chunk)
        if total > limit:
            raise FileTooLarge(too_large_message(limit))
        parts.append(chunk)
    return b"".join(parts)


# Excel's "Unicode Text" and some police systems write UTF-16, which opens with one of these.
UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")
NOT_TEXT = (
    "This is not a CSV file: it holds bytes no text file has (a picture, a spreadsheet or a "
    "PDF?). Save it from your spreadsheet as CSV and upload that."
)


def _as_windows_1252(exc: UnicodeError) -> tuple[str, int]:
    """The bytes UTF-8 cannot read, read as Windows-1252; its five meaningless bytes become
    "\ufffd", which `read_row` refuses."""
    assert isinstance(exc, UnicodeDecodeError)
    return exc.object[exc.start : exc.end].decode("cp1252", errors="replace"), exc.end


codecs.register_error("rhi_cp1252", _as_windows_1252)
UNREADABLE = "\ufffd"


def decode(data: bytes) -> str:
    """The file's text: UTF-16 when it opens with its byte-order mark; else UTF-8 (a mark
    dropped), each byte that is not UTF-8 read as Windows-1252. A file saved by Excel on Windows
    is read whole that way; one mostly UTF-8 with a row pasted in from such a file keeps both
    "Zoë" and "Chloé" (read as one or the other whole, one of them came out wrong: "ZoÃ«", or
    "Chlo\ufffd" imported as a new child). A file with NUL bytes and no UTF-16 mark is not
    text (a picture renamed .csv): refused, rather than read as a table of nonsense."""
    if data.startswith(UTF16_MARKS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise FileProblem(NOT_TEXT) from exc
    if b"\x00" in data:
        raise FileProblem(NOT_TEXT)
    return data.decode("utf-8-sig", errors="rhi_cp1252")


def _blank(line: str) -> bool:
    """A line with nothing in it: empty, spaces, or the separators alone (",,,," from Excel)."""
    return not line.strip(" \t\r,;\ufeff")


def parse(text: str) -> Table:
    """Headers and rows. Blank lines are skipped, before the header row too (an export that
    opens with an empty line); a cell's line is its first line (counted in the file as it is,
    so the line a coordinator is told of is the one their editor shows)."""
    skipped = 0
    first_line, newline, rest = text.partition("\n")
    while newline and _blank(first_line):
        text, skipped = rest, skipped + 1
        first_line, newline, rest = text.partition("\n")
    declared = first_line.strip().lower()
    if declared.startswith("sep=") and len(declared) == 5:
        # Excel's own first line naming the separator ("sep=;"): it is not the header row.
        delimiter, text, skipped = first_line.strip()[4], rest, skipped + 1
    else:
        delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    begins = skipped + 1  # the line the row being read begins on
    try:
        headers: list[str] = []
        for cells in reader:
            begins = reader.line_num + skipped + 1
            # Blank lines the split above does not see (a file whose lines end in a lone CR).
            if any(c.strip() for c in cells):
                headers = cells
                break
        headers = _unique([h.strip() for h in headers])
        if not any(headers):
            raise FileProblem("This file is empty: it has no header row.")
        rows = []
        for cells in reader:
            if any(c.strip() for c in cells):
                rows.append((begins, cells))
            begins = reader.line_num + skipped + 1
    except csv.Error as exc:
        row_text = text.splitlines()[begins - skipped - 1 : begins - skipped]
        quoted = any('"' in line for line in row_text)
        raise FileProblem(_not_csv(exc, begins, reader.line_num + skipped, quoted)) from exc
    return Table(headers, rows)


def _not_csv(exc: csv.Error, begins: int, now: int, quoted: bool) -> str:
    """Why the file cannot be read, at the line to look at. A quote mark that opens a cell and
    is never closed takes the rest of the file into that cell: the reader stops at the end (or
    when the cell grows too long), so the line it has reached is the last, not the one to fix.
    A cell too long with no quote mark on its row is only that (a probe was sent looking for a
    quote mark the file did not have)."""
    said = str(exc)
    if "field larger than field limit" in said and not quoted:
        return (
            f"This file is not a CSV file rhi can read: a cell on line {begins} is longer than "
            f"{csv.field_size_limit():,} characters, more than any notification holds. Check that "
            "line (a column pasted many times over?), shorten it, and upload the file again."
        )
    if "unexpected end of data" in said or "field larger than field limit" in said:
        return (
            f"This file is not a CSV file rhi can read: the row on line {begins} has a quote "
            'mark (") that opens a cell and is never closed, so everything after it was read '
            "as one cell. Close the quote, or take it out, and upload the file again."
        )
    return f"This file is not a CSV file rhi can read (near line {now}): {said}."


# A date written with its day and month as one or two digits and a four-digit year last, as
# DATE_FORMATS read it (23/11/2026), a time after it or not.
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?:[ T].*)?")


@dataclass(frozen=True)
class MonthFirst:
    """A cell that can only be a date written month first: where it is, and what it reads."""

    cell: str
    header: str
    line: int
    month: int
    day: int


def only_month_first(table: Table) -> MonthFirst | None:
    """The first cell of `table` that can only be a date written month first ("11/25/2026"),
    or None. Where there is one, its column's other dates ("12/01/2026") may be month first
    too, and read day first they would be wrong by months without a word (a child gone missing
    on 1 December taken as gone since 12 January): the file or the API's request is refused
    whole, naming it (`month_first`, imports.month_first_items), rather than row by row, since
    every row of it is in doubt, and the fix is one change to how the sender writes dates."""
    for line, cells in table.rows:
        for index, cell in enumerate(cells):
            shape = _DAY_MONTH_YEAR.fullmatch(cell.strip())
            if shape is None:
                continue
            first, second = int(shape.group(1)), int(shape.group(3))
            if first <= 12 < second <= 31:
                header = table.headers[index] if index < len(table.headers) else ""
                return MonthFirst(cell.strip(), header, line, first, second)
    return None


# How a date such as 12/01/2026 is read, and so why month-first dates are refused.
READ_DAY_FIRST = (
    "rhi reads dates day first, as 23/11/2026, so a date such as 12/01/2026 in this {what} "
    "would be read as 12 January, not 1 December."
)


def month_first(table: Table) -> str | None:
    """Why a file whose dates are written month first is refused (`only_month_first`), or
    None."""
    found = only_month_first(table)
    if found is None:
        return None
    where = (
        f"the column “{found.header}”, line {found.line}" if found.header else f"line {found.line}"
    )
    return (
        f"The dates in this file are written month first: “{found.cell}” ({where}) can only "
        f"be month {found.month}, day {found.day}. {READ_DAY_FIRST.format(what='file')} Save "
        "the file with its dates day first (23/11/2026) or as 2026-11-23, and upload it again."
    )


def _unique(headers: list[str]) -> list[str]:
    """Two columns with one name ("Date", "Date") are told apart as the coordinator sees them:
    "Date" and "Date (2)". Otherwise both fields mapped to "Date" read the same cell."""
    seen: dict[str, int] = {}
    named = []
    for header in headers:
        count = seen.get(header.casefold(), 0) + 1
        seen[header.casefold()] = count
        named.append(f"{header} ({count})" if header and count > 1 else header)
    return named


def header_key(header: str) -> str:
    return normalise(header)


# How headers are told apart when guessing (`header_words`). Police systems write one header
# many ways: "Found Date/Time", "Date & Time Found", "FOUND_DATETIME", "FoundDateTime".
# Words saying only that a column holds a date or a time are set aside (and remembered: see
# Column.dated); words that say nothing are dropped; and words police use for one thing are
# read as one ("Occurrence No", "Occurrence Ref", "Occurrence ID"; "Date Located", "Found").
WHEN_WORDS = frozenset({"date", "time", "datetime", "timestamp", "dt", "dtg", "when"})
EMPTY_WORDS = frozenset({"of", "the", "or", "and"})
SAME_WORDS = {
    # Not "id": a bare "ID", a "Person ID", is a record's or a person's, not the episode's
    # reference (a review: "ID" was taken for the police reference, each row's number).
    **dict.fromkeys(("no", "nbr", "num", "number", "reference"), "ref"),
    **dict.fromkeys(("located", "traced"), "found"),
}
_LOWER_THEN_UPPER = re.compile(r"(?<=[a-z])(?=[A-Z])")


@dataclass(frozen=True)
class HeaderWords:
    words: frozenset[str]
    dated: bool  # the header names a date or a time


def header_words(header: str) -> HeaderWords:
    """A header (or an alias) as the words that say what it holds, in any order."""
    spaced = _LOWER_THEN_UPPER.sub(" ", header)  # "FoundDateTime": "Found Date Time"
    words = [SAME_WORDS.get(word, word) for word in normalise(spaced).split()]
    return HeaderWords(
        frozenset(w for w in words if w not in WHEN_WORDS and w not in EMPTY_WORDS),
        any(w in WHEN_WORDS for w in words),
    )


_ONLY_A_REFERENCE = frozenset({"ref"})
# Headers that are only a number of something unsaid: a row's, a record's, no one's reference.
_BARE_NUMBERS = frozenset({"no", "nbr", "num", "number", "id"})


def guess_columns(headers: list[str]) -> dict[str, str]:
    """{field: header} for each field a header's name gives away; each header used once. The
    fields are guessed in COLUMNS' order, each by its aliases, those of two or more words first
    (the most said), the first header in the file with an alias's words (`header_words`)
    taken; a header naming a date or a time only for a dated field. "No.", "Number" or "ID"
    alone is no one's reference (a review: a file's row numbers were guessed as the police
    reference); "Ref No" and "Reference Number" are."""
    read = [(h, header_words(h)) for h in headers if h]
    guessed: dict[str, str] = {}
    for name, column in COLUMNS.items():
        wanted_by = [header_words(alias).words for alias in column.aliases]
        for wanted in sorted(wanted_by, key=lambda words: len(words) < 2):
            header = next(
                (
                    h
                    for h, said in read
                    if said.words == wanted
                    and (wanted != _ONLY_A_REFERENCE or header_key(h) not in _BARE_NUMBERS)
                    and (column.dated or not said.dated)
                    and h not in guessed.values()
                ),
                None,
            )
            if header is not None:
                guessed[name] = header
                break
    return guessed


def absent_columns(columns: dict[str, str], headers: list[str]) -> dict[str, str]:
    """{field: header} for each field the mapping reads from a header this file does not have:
    a saved mapping's column the police renamed or left out since."""
    present = set(headers)
    return {n: h for n, h in columns.items() if n in COLUMNS and h and h not in present}


def missing_columns(columns: dict[str, str], headers: list[str]) -> list[str]:
    """The fields this file cannot be read for: a required one the mapping does not find, and
    any the mapping names a header for that the file lacks. Optional or not, such a column's
    values would be dropped without a word (a renamed "Returned" column left every child in the
    file missing, with no 72-hour clock): the coordinator chooses again, or says the file has
    none, on the columns page; until then each row is refused (`read_row`'s `unmapped`)."""
    absent = absent_columns(columns, headers)
    return [n for n in COLUMNS if n in absent or (COLUMNS[n].required and not columns.get(n))]


def doubled_columns(columns: dict[str, str]) -> dict[str, list[str]]:
    """{field: the other fields} for each field whose header another field reads too. One
    column feeding two fields misreads them both: "Reported Missing" chosen for Returned or
    found too recorded every child still missing as back the minute they went missing."""
    readers: dict[str, list[str]] = {}
    for name in COLUMNS:
        header = columns.get(name)
        if header:
            readers.setdefault(header, []).append(name)
    return {
        name: [other for other in names if other != name]
        for names in readers.values()
        if len(names) > 1
        for name in names
    }


@dataclass(frozen=True)
class DatedColumn:
    header: str
    with_times: bool  # some of its dates have a time


# Enough filled cells to tell a column of dates: a large file's columns are not read whole to
# say so on every page.
DATED_SAMPLE = 200


def unused_dated_columns(table: Table, columns: dict[str, str]) -> list[DatedColumn]:
    """The file's columns that no detail reads and whose filled cells are all dates, or dates
    and times. Each is shown to the coordinator: "Found Date/Time", not guessed and so not
    read, left every child in a file recorded as still missing, with no 72-hour clock and not
    a word (intake probe)."""
    used = {header for header in columns.values() if header}
    found = []
    for index, header in enumerate(table.headers):
        if not header or header in used:
            continue
        filled = (cells[index].strip() for _, cells in table.rows if index < len(cells))
        sample = list(islice((cell for cell in filled if cell), DATED_SAMPLE))
        if sample and all(read_when(cell, _as_written) is not None for cell in sample):
            found.append(DatedColumn(header, any(_has_time(cell) for cell in sample)))
    return found


def _as_written(value: datetime) -> datetime:
    """A time left as it is: whether a cell is a date is all that is asked of it."""
    return value


def _has_time(cell: str) -> bool:
    return bool(cell.replace("T", " ").strip().partition(" ")[2].strip())


class Cells(dict[str, str]):
    """A row's cells by field, and the cells it has beyond the file's columns (`extra`), which
    no field reads. Kept beside the fields rather than as a key among them, so no column and no
    API item can pose as one."""

    def __init__(self, found: dict[str, str], extra: list[str]) -> None:
        super().__init__(found)
        self.extra = extra


MORE_CELLS = (
    "This row has more cells than the file has columns (a comma inside a value not in "
    "quotes?): nothing in it was taken in. Put that value in quotes, or take out the comma, "
    "and send the row again."
)


def cells_for(columns: dict[str, str], headers: list[str], cells: list[str]) -> Cells:
    """A row's cells by field, through the mapping. A row with fewer cells than headers reads
    the cells it lacks as empty (each cell is still under its own header). Cells beyond the
    headers are kept aside: empty ones are what Excel leaves, but any text there means a
    cell was split and every cell after it has moved a column along (`read_row` refuses it)."""
    index = {h: i for i, h in enumerate(headers)}
    found = {}
    for name, header in columns.items():
        i = index.get(header)
        if i is not None and i < len(cells):
            found[name] = cells[i].strip()
    return Cells(found, [c for c in cells[len(headers) :] if c.strip()])


def neutralise(cell: str) -> str:
    """A cell as a spreadsheet will show it, never run: a formula's first character is
    preceded by a single quote (OWASP's advice for CSV injection)."""
    if cell.startswith((*FORMULA_STARTS, "\t", "\r")):
        return "'" + cell
    return cell


def read_date(text: str) -> date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _read_time(text: str) -> time | None:
    for fmt in TIME_FORMATS:
        try:
            return datetime.strptime(text, fmt).time()
        except ValueError:
            continue
    return None


def read_birth(text: str) -> date | None:
    """A date of birth; with a time of midnight too ("2012-04-03 00:00:00", as a database or
    a spreadsheet writes a date), which says nothing more. Any other time is not a birth date's."""
    day_part, _, time_part = text.replace("T", " ").strip().partition(" ")
    day = read_date(day_part)
    if day is not None and time_part.strip() and _read_time(time_part.strip()) != time(0, 0):
        return None
    return day


END_OF_DAY = ("24:00", "24:00:00")


def end_of_day(text: str) -> date | None:
    """The day after, for a time written 24:00 ("20/11/2026 24:00", midnight at the end of the
    20th, which some systems write): read as 00:00 on the next day."""
    day_part, _, time_part = text.replace("T", " ").strip().partition(" ")
    day = read_date(day_part) if time_part.strip() in END_OF_DAY else None
    return day + timedelta(days=1) if day is not None else None


def read_when(text: str, to_utc: Callable[[datetime], datetime]) -> datetime | None:
    """A date and time, naive UTC. Local unless the text carries its own offset."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        value = None
    if value is not None and "-" in text[:8]:
        if value.tzinfo is not None:
            return value.astimezone(UTC).replace(tzinfo=None)
        return to_utc(value)
    day_part, _, time_part = text.replace("T", " ").partition(" ")
    day = read_date(day_part)
    if day is not None and not time_part.strip():
        return to_utc(datetime.combine(day, datetime.min.time()))  # a day alone: midnight
    next_day = end_of_day(text)
    if next_day is not None:
        return to_utc(datetime.combine(next_day, datetime.min.time()))
    moment = _read_time(time_part.strip())
    if day is not None and moment is not None:
        return to_utc(datetime.combine(day, moment))
    return None


def looks_like_a_date(text: str) -> bool:
    """Digits in a date's shape: then "not a real date" is the right thing to say."""
    day = text.replace("T", " ").split(" ")[0]
    pieces = day.replace("/", "-").replace(".", "-").split("-")
    return len(pieces) == 3 and all(p.isdigit() for p in pieces)


def _written_as_we_read(day: str) -> bool:
    """Digits in one of DATE_FORMATS' shapes: the day first, the year last (23/11/2026,
    23-11-2026, 23.11.2026), or the year first with dashes (2026-11-23). "2026/11/23" is not."""
    for separator in "/-.":
        pieces = day.split(separator)
        if len(pieces) != 3 or not all(p.isdigit() for p in pieces):
            continue
        if separator == "-" and len(pieces[0]) == 4 and max(map(len, pieces[1:])) <= 2:
            return True
        if len(pieces[2]) == 4 and max(map(len, pieces[:2])) <= 2:
            return True
    return False


READ_FORMS = "23/11/2026, 23-11-2026, 23.11.2026 or 2026-11-23"


def _date_problem(label: str, text: str, with_time: bool) -> str:
    """What is wrong with a date that cannot be read, said as precisely as the text allows: the
    year, the time or the day and month, so the person fixes the right part; else the ways of
    writing a date that are read."""
    day_part, _, time_part = text.replace("T", " ").strip().partition(" ")
    if looks_like_a_date(day_part):
        year = day_part.replace("/", "-").replace(".", "-").split("-")
        if len(year[0]) != 4 and len(year[-1]) != 4:
            example = "23/11/2026 14:30" if with_time else "23/11/2026"
            return f"{label} “{text}” has no four-digit year: write it like {example}."
        if _written_as_we_read(day_part) and read_date(day_part) is None:
            return f"{label} “{text}” is not a real date. Check the day and the month."
        if read_date(day_part) is not None and with_time and time_part.strip():
            return (
                f"{label} “{text}”: the time “{time_part.strip()}” is not one we can read. "
                "Write it on the 24-hour clock, from 00:00 to 23:59, like 21:15."
            )
        if read_date(day_part) is not None:
            return (
                f"{label} “{text}” has a time: a date of birth is the date alone, like 23/11/2026."
            )
    if with_time:
        return (
            f"{label} “{text}” is not a date we can read. Write the date as {READ_FORMS}, "
            "then the time on the 24-hour clock: 23/11/2026 14:30."
        )
    return f"{label} “{text}” is not a date we can read. Write it as {READ_FORMS}."


# Characters that are not text (C0 controls but tab and line ends, and DEL): never kept.
_NOT_TEXT = frozenset(chr(code) for code in (*range(0, 9), 11, 12, *range(14, 32), 127))


@dataclass
class _Reader:
    row: Row
    grades: list[str]
    now: datetime
    to_utc: Callable[[datetime], datetime]

    def text(self, name: str) -> str | None:
        value = self.row.cells.get(name, "").strip()
        if not value:
            return None
        column = COLUMNS[name]
        if not _NOT_TEXT.isdisjoint(value):
            # A file's NUL refuses the file (`decode`); sent through the API, one reached the
            # database: kept by SQLite, refused by PostgreSQL as "send it again later", which
            # could never work (intake probe).
            self.row.problems.append(
                f"{column.label} holds a control character (an invisible one, such as NUL) "
                "that is not text. Remove it and send the row again."
            )
        if UNREADABLE in value:
            self.row.problems.append(
                f"{column.label} “{value}” holds a letter rhi cannot read (shown as "
                f"“{UNREADABLE}”): it was saved in a form of text rhi does not know. Correct it "
                "in the file, save the file as CSV UTF-8, and send the row again."
            )
        if len(value) > column.limit:
            self.row.problems.append(
                f"{column.label} is too long: the most is {column.limit} characters."
            )
        if value.startswith(FORMULA_STARTS):
            self.row.notes.append(
                f"{column.label} begins with “{value[0]}”: kept as text, never worked out "
                "as a formula."
            )
        return value

    def blank(self, name: str) -> bool:
        return not self.row.cells.get(name, "").strip()

    def required(self, name: str) -> str | None:
        value = self.text(name)
        if value is None:
            self.row.problems.append(f"{COLUMNS[name].label} is empty.")
        return value

    def when(self, name: str, *, required: bool) -> datetime | None:
        text = self.required(name) if required else self.text(name)
        if text is None:
            return None
        label = COLUMNS[name].label
        local: list[datetime] = []

        def to_utc(value: datetime) -> datetime:
            local.append(value)
            return self.to_utc(value)

        try:
            value = read_when(text, to_utc)
        except NotOnTheClock as skipped:
            self.row.problems.append(f"{label} “{text}”: {skipped}")
            return None
        if value is not None and local:
            self.twice(label, text, local[-1], value)
        if value is not None and not text.replace("T", " ").strip().partition(" ")[2].strip():
            self.row.notes.append(f"{label} “{text}” has no time: taken as midnight (00:00).")
        next_day = end_of_day(text)
        if value is not None and next_day is not None:
            self.row.notes.append(
                f"{label} “{text}”: 24:00 is midnight at the end of the day, taken as "
                f"{next_day:%d/%m/%Y} 00:00."
            )
        if value is None:
            self.row.problems.append(_date_problem(label, text, with_time=True))
        elif value > self.now + CLOCK_SKEW:
            self.row.problems.append(f"{label} “{text}” is in the future.")
        return value

    def twice(self, label: str, text: str, local: datetime, first: datetime) -> None:
        """A note where `local` happened twice (the hour the clocks go back): read as the
        first, as a form typed by hand reads it, and how to write the second. `to_utc` reads
        the second where asked (PEP 495's fold), which is how the two are told apart."""
        try:
            second = self.to_utc(local.replace(fold=1))
        except NotOnTheClock:
            return
        if second == first:
            return
        offset = local - second
        sign = "-" if offset < timedelta(0) else "+"
        hours, minutes = divmod(abs(offset) // timedelta(minutes=1), 60)
        self.row.notes.append(
            f"{label} “{text}”: the clocks went back that night, so {local:%H:%M} happened "
            f"twice. Taken as the first ({first:%H:%M} UTC). If it was the second "
            f"({second:%H:%M} UTC), write it with its offset: "
            f"{local:%Y-%m-%dT%H:%M}{sign}{hours:02d}:{minutes:02d}."
        )

    def birth(self) -> date | None:
        text = self.required("date_of_birth")
        if text is None:
            return None
        value = read_birth(text)
        if value is None:
            self.row.problems.append(_date_problem("Date of birth", text, with_time=False))
        elif value > self.now.date():
            self.row.problems.append(f"Date of birth “{text}” is in the future.")
        elif too_old(value, self.now.date()):
            # As the child's form refuses it: a slip of the year (1912 for 2012, 0001) made
            # a new "child" of 2,025 whose return was 2,000 years overdue (intake probe).
            self.row.problems.append(
                f"Date of birth “{text}” would make the child older than {OLDEST_AGE}. "
                "Check the year."
            )
        return value

    def grade(self) -> str | None:
        text = self.text("risk_grade")
        if text is None:
            return None
        for known in (*self.grades, NOT_GRADED):
            if text.casefold() == known.casefold():
                return known
        self.row.problems.append(
            f"Risk grade “{text}” is not one of {', '.join(self.grades)} "
            "(or empty, for not graded by police)."
        )
        return None

    def reporter(self) -> str | None:
        text = self.text("reported_by")
        if text is None:
            return None
        for key, label in REPORTERS.items():
            if text.casefold() in (key, label.casefold()):
                return key
        return text  # older rows and other systems hold words: shown as written


def read_row(
    line: int,
    cells: dict[str, str],
    *,
    grades: list[str],
    now: datetime,
    to_utc: Callable[[datetime], datetime],
    unmapped: list[str] | None = None,
) -> Row:
    """One row, checked. `unmapped`: fields the file has no column for (`missing_columns`; each
    row says so: nothing from such a file is imported). A row with cells beyond the file's
    columns (`cells_for`) is refused whole."""
    row = Row(line, cells)
    for name in unmapped or []:
        row.problems.append(f"The file has no {COLUMNS[name].label} column.")
    if isinstance(cells, Cells) and cells.extra:
        # Its cells are read a column along: what is wrong with them is not worth saying.
        row.problems.append(MORE_CELLS)
        return row
    r = _Reader(row, grades, now, to_utc)
    reference = r.required("police_reference")
    reference = references.tidy(reference) if reference else None
    # No name and no date of birth: left to the police person id, which must be linked to a
    # child the team holds (imports_apply `_names_needed` says what to add where it is not; a
    # found notification's reference names its episode only when that episode is the child's).
    # One or two of them empty is a slip, refused here, naming it.
    named = not all(r.blank(name) for name in NAMES)
    first = last = birth = None
    if named:
        first, last = r.required("first_name"), r.required("last_name")
        birth = r.birth()
    # A found notification names the episode by its reference and may leave out when the child
    # was reported missing: it updates the episode rhi holds (imports_apply refuses it where rhi
    # holds none). Without a found time, the missing time is the notification.
    returned = r.when("returned", required=False)
    started = r.when("reported_missing", required=r.blank("returned"))
    if started and returned and returned < started:
        row.problems.append(
            "Returned or found is before Reported missing: check both dates and times."
        )
    if started and birth and started.date() < birth:
        row.problems.append("Reported missing is before the Date of birth: check both dates.")
    values = {
        "person": r.text("police_person_id"),
        "grade": r.grade(),
        "missing_from": r.text("missing_from"),
        "found_where": r.text("found_where"),
        "found_by": r.text("found_by"),
        "reported_by": r.reporter(),
    }
    if row.problems or not (
        reference and (not named or (first and last and birth)) and (started or returned)
    ):
        return row
    row.notice = Notice(
        police_reference=reference,
        police_person_id=values["person"],
        first_name=first,
        last_name=last,
        date_of_birth=birth,
        started_at=started,
        returned_at=returned,
        risk_grade=values["grade"],
        missing_from=values["missing_from"],
        found_where=values["found_where"],
        found_by=values["found_by"],
        reported_by=values["reported_by"],
    )
    return row


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _together(earlier: Row, later: Row) -> dict[str, str] | None:
    """Two rows for one reference that never disagree (a missing notification, then its found
    one): the later row's cells with what only the earlier gives. None where they disagree."""
    cells = {name: value for name, value in earlier.cells.items() if value.strip()}
    for name, value in later.cells.items():
        if not value.strip():
            continue
        if name in cells and not _same(cells[name], value):
            return None
        cells[name] = value
    return cells


def mark_duplicates(
    rows: list[Row], recheck: Callable[[int, dict[str, str]], Row], unit: str = "line"
) -> None:
    """One row per police reference in a file. A row repeated word for word is counted once:
    it goes in (or waits, or is refused) with the row it repeats (`same_as`, and `taken_with`
    the line whose outcome it shares), and is not refused for being there twice. Rows that add
    to one another (the missing notification and, later in the file, its found one) are read
    together as the later line (`recheck`: read_row with the file's settings); the earlier says
    so. Two rows for one reference that disagree are both refused: which is right is for a
    person to say. `unit`: what the messages call a row ("line" in a file, "item" in the API's
    list, counted from 1)."""
    first_seen: dict[str, int] = {}
    for index, row in enumerate(rows):
        key = references.key(row.reference)
        if not key:
            continue
        seen = first_seen.get(key)
        if seen is None:
            first_seen[key] = index
            continue
        earlier = rows[seen]
        if earlier.cells == row.cells and _extra(earlier) == _extra(row):
            if row.problems != earlier.problems:
                # The same values, but something else wrong with one of them (an API item's
                # unknown field): each says its own. A sound row stands for the reference.
                if not row.problems:
                    first_seen[key] = index
                continue
            row.same_as = earlier.line
            row.notice = None
            row.notes = []  # said once, on the row it repeats
            continue
        cells = _together(earlier, row) if earlier.notice and row.notice else None
        if cells is not None:
            rows[index] = both = recheck(row.line, cells)
            earlier.notice = None
            first_seen[key] = index
            if both.notice is not None:
                earlier.taken_with = row.line
            else:  # together they do not hold (found before missing): neither is imported
                earlier.problems.append(f"Read together with {unit} {row.line}: {both.problems[0]}")
            continue
        message = (
            f"Police reference {row.reference} is on {unit}s {earlier.line} and {row.line} "
            "with different details: correct them and send them again."
        )
        row.problems.append(message)
        if message not in earlier.problems:
            earlier.problems.append(message)
            earlier.notice = None
        row.notice = None
    # A repeat shares the outcome of the row it repeats: of the last line that row was read
    # together with, where it was.
    by_line = {row.line: row for row in rows}
    for row in rows:
        if row.same_as is not None:
            target = by_line[row.same_as]
            while target.taken_with is not None and target.taken_with in by_line:
                target = by_line[target.taken_with]
            row.taken_with = target.line


def _extra(row: Row) -> list[str]:
    return getattr(row.cells, "extra", [])
