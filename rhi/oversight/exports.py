"""Statutory exports (issue 15 item 6): the SSDA903 missing table, the Standard Safeguarding
Dataset's missing table, and the per-episode list inspectors ask for. No Flask here: the pages
(rhi/oversight/export_views.py) and the command line (`flask rhi export`) both call `build()`.

Each export is one SQL query over the episodes a scope allows (rhi/access.py decides the scope),
selecting only the columns it writes; the rows are then checked in Python, since the checks
compare each child's episodes with one another. A problem is listed in words and never "fixed":
the table is written as the records stand, and the problems go in a second file.

Times are stored in UTC and written as local dates (the day a coordinator would say).
"""

from __future__ import annotations

import csv
import enum
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from sqlalchemy import ColumnElement, func, or_, select, true

from rhi import access, deadlines
from rhi.episodes.queries import first_return
from rhi.extensions import db
from rhi.models import Child, Episode, Interview, Role, Team, User, interview_episodes
from rhi.models.episodes import DFE_TYPES
from rhi.models.interviews import InterviewStatus, was_accepted, was_held
from rhi.timefmt import format_datetime, from_local, to_local

# What each export is called, on the page and on the command line.
KINDS = {
    "ssda903": "SSDA903 missing table (looked-after children, for the DfE)",
    "ssd": "Standard Safeguarding Dataset missing table, with return interviews",
    "episodes": "Each episode, for inspectors",
}
# The exports chosen by collection year; the inspectors' list is chosen by dates.
BY_YEAR = ("ssda903", "ssd")
# The longest period one export may cover.
MAX_YEARS = 5
# A spreadsheet runs a cell beginning with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

DMY = "%d/%m/%Y"
DMY_TIME = "%d/%m/%Y %H:%M"
ISO_TIME = "%Y-%m-%d %H:%M"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a row, said in words a coordinator can act on."""

    child_id: int
    episode_id: int
    started: str  # when the episode began, as written in the export
    what: str
    rule: str = ""  # the DfE's validation rule number, where the DfE publishes one

    @property
    def words(self) -> str:
        return f"Child {self.child_id}, episode {self.episode_id} ({self.started}): {self.what}"


@dataclass
class Export:
    kind: str
    label: str  # what and when, for the page and the file name
    filename: str
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    note: str | None = None  # how a column was measured, said on the page (deadlines changed)


class Answer(enum.Enum):
    """The child's answer to an interview offered, as every export writes it: one home, so the
    Standard Safeguarding Dataset and the list for inspectors never disagree about one episode
    (a probe found the dataset writing N, not accepted, where the list said "No answer")."""

    YES = "yes"
    NO = "no"
    # Offered, with neither a yes nor a no recorded: not yet, or the return closed before any
    # (not reached after attempts). Never a no: a child who has not answered has not declined.
    NONE = "none"


def answer_of(accepted_at: datetime | None, status: str | None) -> Answer:
    """Yes, no, or no answer, as the service's figures count them (rhi/oversight/figures.py:
    "accepted", "declined", "no_answer"): a yes and then a no is a no
    (rhi.models.interviews.was_accepted)."""
    if was_accepted(accepted_at, status):
        return Answer.YES
    if status == InterviewStatus.DECLINED.value:
        return Answer.NO
    return Answer.NONE


@dataclass(frozen=True)
class Row:
    """One episode as the query returns it: only the columns the exports write or check."""

    episode_id: int
    child_id: int
    first_name: str
    preferred_name: str | None
    last_name: str
    date_of_birth: date | None
    dfe_type: str | None
    started_at: datetime | None
    returned_at: datetime | None
    offered_at: datetime | None
    accepted_at: datetime | None
    held_at: datetime | None
    status: str | None = None
    outcome: str | None = None
    # The deadline the interview was given when it was made, and the first return it covers
    # (the one that deadline was set from): `deadline`.
    interview_due: datetime | None = None
    first_return: datetime | None = None

    @property
    def deadline(self) -> datetime | None:
        """This return's own deadline: its interview's, counted from this return
        (rhi.deadlines.due_for_return). None with no interview yet (measured against the
        setting now, as the Returns card and the interview when first recorded say) and while
        the child is still missing."""
        if self.returned_at is None or self.interview_due is None or self.first_return is None:
            return None
        return deadlines.due_for_return(self.returned_at, self.interview_due, self.first_return)

    def deadline_minutes(self, hours_now: int) -> int | None:
        """How long this return's deadline is (rhi.deadlines.deadline_minutes; `hours_now`, the
        setting now, with no interview yet), for the column's heading; None while the child is
        still missing."""
        if self.returned_at is None:
            return None
        if self.interview_due is None or self.first_return is None:
            return hours_now * 60
        return deadlines.deadline_minutes(self.interview_due, self.first_return)

    @property
    def answer(self) -> Answer:
        """What the child answered to the interview offered for the episode (`Answer`)."""
        return answer_of(self.accepted_at, self.status)

    @property
    def held(self) -> datetime | None:
        """When the interview was held, if it was (rhi.models.interviews.was_held)."""
        return self.held_at if was_held(self.held_at, self.outcome, self.status) else None

    @property
    def child_name(self) -> str:
        return f"{self.preferred_name or self.first_name} {self.last_name}"


# -- periods ------------------------------------------------------------------------------


def add_years(day: date, years: int) -> date:
    """The same day `years` later (29 February becomes 28 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def collection_year(year: int) -> tuple[date, date]:
    """The DfE's collection year named by its first year: 1 April to 31 March."""
    return date(year, 4, 1), date(year + 1, 3, 31)


def current_collection_year(today: date) -> int:
    return today.year if today.month >= 4 else today.year - 1


# The years a period may name: rhi holds no return before 2000, and dates kept in interviews
# stop at 2100 (rhi/interviews/content.py).
FIRST_YEAR, LAST_YEAR = 2000, 2100


def period_problem(start: date, end: date) -> str | None:
    """Why a period cannot be exported, or None when it can."""
    if end < start:
        return "The period ends before it starts: choose an end date on or after the start."
    if start.year < FIRST_YEAR or end.year > LAST_YEAR:
        # A slip of the year (9999): the sums below would run past the calendar (a 500).
        return f"Choose dates from {FIRST_YEAR} to {LAST_YEAR}."
    if end >= add_years(start, MAX_YEARS):
        return f"The period is longer than {MAX_YEARS} years: choose a shorter one."
    return None


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """In UTC, as stored: from the start of the first local day to the start of the day after."""
    first = datetime.combine(start, datetime.min.time())
    after = datetime.combine(date.fromordinal(end.toordinal() + 1), datetime.min.time())
    return from_local(first), from_local(after)


# -- scope --------------------------------------------------------------------------------


def user_scope(user: User) -> ColumnElement[bool]:
    """The episodes a person may export: exactly those they may see."""
    return access.episode_filter(user)


def team_scope(team: Team | None) -> ColumnElement[bool]:
    """The command line runs with no user: one team's episodes (as its manager sees them,
    through rhi/access.py, so the two can never disagree), or every team's when none is named."""
    if team is None:
        return true()
    # Never added to the session: it only carries the role and team to access.episode_filter.
    as_manager = User(role=Role.MANAGER.value, team_id=team.id)
    return access.episode_filter(as_manager)


# -- the query ----------------------------------------------------------------------------


def _first_interview() -> ColumnElement[int]:
    """The interview made for the episode: the first covering it (as on the service page)."""
    return (
        select(func.min(interview_episodes.c.interview_id))
        .where(interview_episodes.c.episode_id == Episode.id)
        .scalar_subquery()
    )


def _rows(
    scope: ColumnElement[bool],
    start: date,
    end: date,
    looked_after: bool,
    with_deadline: bool = False,
) -> list[Row]:
    """Every episode in scope that overlaps the period (began before it ended, and had not
    ended before it began, or has not ended), oldest first for each child: one query. With
    `with_deadline`, what each return's own deadline is worked out from (`Row.deadline`: a
    subquery per row, asked only by the list that writes it)."""
    first, after = _bounds(start, end)
    deadline = (Interview.due_at, first_return(Interview)) if with_deadline else ()
    query = (
        select(
            Episode.id,
            Episode.child_id,
            Child.first_name,
            Child.preferred_name,
            Child.last_name,
            Child.date_of_birth,
            Episode.dfe_type,
            Episode.started_at,
            Episode.returned_at,
            Interview.offered_at,
            Interview.accepted_at,
            Interview.held_at,
            Interview.status,
            Interview.outcome,
            *deadline,
        )
        .select_from(Episode)
        .join(Child, Child.id == Episode.child_id)
        .outerjoin(Interview, Interview.id == _first_interview())
        .where(
            scope,
            Episode.started_at < after,
            or_(Episode.returned_at.is_(None), Episode.returned_at >= first),
        )
        .order_by(Episode.child_id, Episode.started_at, Episode.id)
    )
    if looked_after:
        query = query.where(Episode.legal_status == "looked_after")
    return [Row(*found) for found in db.session.execute(query).all()]


# -- writing ------------------------------------------------------------------------------


def _local(value: datetime | None) -> datetime | None:
    return to_local(value) if value is not None else None


def _day(value: datetime | None) -> date | None:
    local = _local(value)
    return local.date() if local is not None else None


def _dmy(value: date | None) -> str:
    return value.strftime(DMY) if value is not None else ""


def _when(value: datetime | None, fmt: str = DMY_TIME) -> str:
    local = _local(value)
    return local.strftime(fmt) if local is not None else ""


def _yes_no(value: object) -> str:
    return "Y" if value else "N"


def neutralise(cell: object) -> str:
    """A cell a spreadsheet shows and never runs: a leading formula character gets a `'`
    before it (OWASP's advice). Every cell written goes through here, names above all."""
    text = "" if cell is None else str(cell)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(headers: Iterable[str], rows: Iterable[Iterable[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in headers])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue()


PROBLEM_HEADERS = ["Child", "Episode", "Went missing", "Problem", "DfE rule"]


def table_csv(export: Export) -> str:
    return to_csv(export.headers, export.rows)


def problems_csv(export: Export) -> str:
    return to_csv(
        PROBLEM_HEADERS,
        ([p.child_id, p.episode_id, p.started, p.what, p.rule] for p in export.problems),
    )


# -- checks -------------------------------------------------------------------------------


def _check_episodes(
    rows: list[Row],
    start_of: Callable[[Row], date | None],
    end_of: Callable[[Row], date | None],
    shown: Callable[[date | None], str],
) -> list[Problem]:
    """The DfE's checks on a missing table that hold for any list of episodes: a start, a type
    of M or A with the dates, an end not before the start, no date before birth, and, for each
    child, no periods overlapping and none left open but the last. `start_of` and `end_of` give
    the dates as the export writes them, so the checks see what the DfE would."""
    problems: list[Problem] = []
    by_child: dict[int, list[Row]] = {}
    for row in rows:
        by_child.setdefault(row.child_id, []).append(row)
        began, ended = start_of(row), end_of(row)

        def add(what: str, rule: str = "", row: Row = row, began: date | None = began) -> None:
            problems.append(Problem(row.child_id, row.episode_id, shown(began), what, rule))

        if began is None:
            add("the date the child went missing is not recorded.", "1004")
        if row.dfe_type not in DFE_TYPES:
            rule = "566" if ended is not None else "564"
            add(
                "whether the child was missing (M) or away without authorisation (A) "
                "is not recorded.",
                rule,
            )
        if began is not None and ended is not None and ended < began:
            add(f"the end date {shown(ended)} is before the start date {shown(began)}.", "567")
        birth = row.date_of_birth
        if birth is not None and began is not None and began < birth:
            add(f"the start date {shown(began)} is before the child's date of birth {_dmy(birth)}.")
        if birth is not None and ended is not None and ended < birth:
            add(f"the end date {shown(ended)} is before the child's date of birth {_dmy(birth)}.")
    for child_rows in by_child.values():
        dated = [r for r in child_rows if start_of(r) is not None]
        for earlier, later in zip(dated, dated[1:], strict=False):
            earlier_end, later_start = end_of(earlier), start_of(later)
            assert later_start is not None
            if earlier_end is None:
                what = (
                    f"no end date, but the child's next episode began on {shown(later_start)}: "
                    "only the last episode may be left open."
                )
            elif later_start < earlier_end:
                what = (
                    f"overlaps the child's next episode (episode {later.episode_id}, which began "
                    f"on {shown(later_start)} before this one ended on {shown(earlier_end)})."
                )
            elif (
                earlier.returned_at is not None
                and later.started_at is not None
                and later.started_at < earlier.returned_at
            ):
                # The same dates, so the return's own check passes; rhi holds the times, and
                # one time away inside another is one recorded twice, or a time mistyped.
                what = (
                    f"overlaps the child's next episode (episode {later.episode_id}) in time: it "
                    f"began at {format_datetime(later.started_at)}, before this one ended at "
                    f"{format_datetime(earlier.returned_at)}."
                )
            else:
                continue
            problems.append(
                Problem(earlier.child_id, earlier.episode_id, shown(start_of(earlier)), what, "574")
            )
    return problems


def _interview_problems(rows: list[Row]) -> list[Problem]:
    """What the interview columns cannot say truthfully: an answer with no offer recorded."""
    problems = []
    for row in rows:
        if (row.accepted_at or row.held_at) and row.offered_at is None:
            problems.append(
                Problem(
                    row.child_id,
                    row.episode_id,
                    _dmy(_day(row.started_at)),
                    "the interview is recorded as accepted or held, but no offer is recorded.",
                )
            )
    return problems


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.child_id, p.episode_id))


# -- the exports --------------------------------------------------------------------------


def _under_18(row: Row) -> bool:
    """The episode began before the child's 18th birthday (or either date is unknown, which
    the checks then report)."""
    began = _day(row.started_at)
    if began is None or row.date_of_birth is None:
        return True
    return began < add_years(row.date_of_birth, 18)


SSDA903_HEADERS = ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"]


def ssda903(scope: ColumnElement[bool], year: int) -> Export:
    """The SSDA903 missing table for the collection year starting 1 April `year`.

    One row per missing or away episode of a looked-after child (the status the child had for
    that episode, `Episode.legal_status`: a child who has gone home since keeps their episodes
    in care in the return; for episodes recorded before rhi kept it, the status when it began to
    be kept) that overlaps the year, before the
    child's 18th birthday (the return covers children, and a child who turns 18 leaves care).
    CHILD is rhi's child id (rhi holds no other local reference); DOB, MIS_START and MIS_END
    are dd/mm/yyyy; MISSING is M (missing) or A (away from placement without authorisation).
    An episode still open at 31 March has no MIS_END (the DfE's rule: still missing at the end
    of the year), even if the child came back after it.

    Checked against the DfE's rules for the table: start present (1004); type present with
    the dates (564, 566); end not before start (567); no overlapping periods and none open but
    a child's last (574); no date before birth; dates within the collection year (570 and its
    like for the end).
    """
    first, last = collection_year(year)
    rows = [row for row in _rows(scope, first, last, looked_after=True) if _under_18(row)]

    def end_of(row: Row) -> date | None:
        ended = _day(row.returned_at)
        return ended if ended is not None and ended <= last else None

    def start_of(row: Row) -> date | None:
        return _day(row.started_at)

    problems = _check_episodes(rows, start_of, end_of, _dmy)
    for row in rows:
        began, ended = start_of(row), end_of(row)
        if began is not None and began > last:
            what = f"the start date {_dmy(began)} is after the collection year ends ({_dmy(last)})."
            problems.append(Problem(row.child_id, row.episode_id, _dmy(began), what, "570"))
        if ended is not None and ended < first:
            what = (
                f"the end date {_dmy(ended)} is before the collection year begins ({_dmy(first)})."
            )
            problems.append(Problem(row.child_id, row.episode_id, _dmy(began), what))
    table = [
        [
            str(row.child_id),
            _dmy(row.date_of_birth),
            row.dfe_type or "",
            _dmy(start_of(row)),
            _dmy(end_of(row)),
        ]
        for row in rows
    ]
    return Export(
        "ssda903",
        f"collection year {_dmy(first)} to {_dmy(last)}",
        f"ssda903-missing-{year}-{year + 1}.csv",
        SSDA903_HEADERS,
        table,
        _sorted(problems),
    )


# The dataset's "accepted" for each answer: blank (unknown) for none, as when not offered.
SSD_ANSWER = {Answer.YES: "Y", Answer.NO: "N", Answer.NONE: ""}

SSD_HEADERS = [
    "miss_table_id",
    "miss_la_person_id",
    "miss_mis_epi_start",
    "miss_mis_epi_type",
    "miss_mis_epi_end",
    "miss_mis_epi_rhi_offered",
    "miss_mis_epi_rhi_accepted",
]


def ssd(scope: ColumnElement[bool], year: int) -> Export:
    """The Standard Safeguarding Dataset's missing table (`ssd_missing`, Data to Insight) for
    the episodes overlapping the collection year starting 1 April `year`, of every child in
    scope (return interviews are offered to every child, in care or not).

    Columns, in the dataset's order and with its names:
    - miss_table_id: rhi's episode id
    - miss_la_person_id: rhi's child id
    - miss_mis_epi_start: when the child went missing, local time, yyyy-mm-dd hh:mm
    - miss_mis_epi_type: M (missing) or A (away from placement without authorisation)
    - miss_mis_epi_end: when the child came back, the same way; blank while still missing
    - miss_mis_epi_rhi_offered: Y when the interview made for the episode was offered, N when
      not (yet), NA while the child is still missing (no interview is due)
    - miss_mis_epi_rhi_accepted: Y when the child said yes, N when they said no; blank when
      no interview was offered, and when the child has not answered (not yet, or the return
      closed before any answer): not knowing is never written as a no (`Answer`)

    Checked as the SSDA903 table is (but for the year's bounds: this dataset keeps the real
    dates), and for an interview accepted or held with no offer recorded.
    """
    first, last = collection_year(year)
    rows = _rows(scope, first, last, looked_after=False)

    def when(value: datetime | None) -> str:
        return _when(value, ISO_TIME)

    problems = _check_episodes(
        rows, lambda r: _day(r.started_at), lambda r: _day(r.returned_at), _dmy
    )
    problems += _interview_problems(rows)
    table = []
    for row in rows:
        # NA while still missing: no interview is due before the child is back.
        offered = "NA" if row.returned_at is None else _yes_no(row.offered_at)
        accepted = SSD_ANSWER[row.answer] if row.offered_at else ""
        table.append(
            [
                str(row.episode_id),
                str(row.child_id),
                when(row.started_at),
                row.dfe_type or "",
                when(row.returned_at),
                offered,
                accepted,
            ]
        )
    return Export(
        "ssd",
        f"collection year {_dmy(first)} to {_dmy(last)}",
        f"ssd-missing-{year}-{year + 1}.csv",
        SSD_HEADERS,
        table,
        _sorted(problems),
    )


EPISODE_HEADERS = [
    "Child ID",
    "Child",
    "Episode ID",
    "Went missing",
    "Came back",
    "Interview offered",
    "Date of offer",
    "Accepted",
    "Date held",
    "Held within the deadline",  # episodes() names its hours: deadlines.in_time_words
]


def deadlines_given(rows: Iterable[Row], hours_now: int) -> deadlines.Deadlines:
    """The deadlines the rows' returns were given (the setting now for those with no interview
    yet), for the words of the column and the page."""
    lengths = (row.deadline_minutes(hours_now) for row in rows)
    return deadlines.Deadlines.of(length for length in lengths if length is not None)


def within_deadline(row: Row, now: datetime, hours: int) -> str:
    """Whether the interview was held within this episode's own deadline (`Row.deadline`: the
    one its interview was given, counted from this episode's return, never the setting now;
    `hours`, the setting now, only for a return with no interview yet), by the one home of the
    rule (rhi/deadlines.py: at exactly the deadline it is already overdue). An interview
    covering two episodes can be in time for the later and late for the earlier. "Not yet"
    while the clock still runs; blank while the child is still missing."""
    if row.returned_at is None:
        return ""
    due = row.deadline or deadlines.due_at(row.returned_at, hours)
    if row.held is not None:
        return "No" if deadlines.Clock(due, row.held).overdue else "Yes"
    if row.outcome is not None:
        return "No"  # closed without an interview held
    return "No" if deadlines.Clock(due, now).overdue else "Not yet"


# The child's answer to the offer, for inspectors (`Answer`): "No" only for a no. Offered with
# neither a yes nor a no is "No answer" (an oversight probe counted four refusals here where
# the service page said two children said no).
LIST_ANSWER = {Answer.YES: "Yes", Answer.NO: "No", Answer.NONE: "No answer"}


def episodes(scope: ColumnElement[bool], start: date, end: date, now: datetime) -> Export:
    """Each episode overlapping the period, as inspectors ask for it: the child (id and name),
    when they went missing and came back, whether an interview was offered and when, whether
    the child accepted, when it was held, and whether that was within its own deadline (the one
    its interview was given when first recorded: 72 hours unless the service set
    RHI_DEADLINE_HOURS then; `within_deadline`). Dates are dd/mm/yyyy hh:mm, local time."""
    problem = period_problem(start, end)
    if problem:
        raise ValueError(problem)
    hours = int(current_app.config["RHI_DEADLINE_HOURS"])
    rows = _rows(scope, start, end, looked_after=False, with_deadline=True)
    problems = _check_episodes(
        rows, lambda r: _day(r.started_at), lambda r: _day(r.returned_at), _dmy
    )
    problems += _interview_problems(rows)
    table = [
        [
            str(row.child_id),
            row.child_name,
            str(row.episode_id),
            _when(row.started_at),
            _when(row.returned_at),
            # Blank while still missing: no interview is due before the child is back.
            "" if row.returned_at is None else "Yes" if row.offered_at else "No",
            _when(row.offered_at),
            LIST_ANSWER[row.answer] if row.offered_at else "",
            _when(row.held),
            within_deadline(row, now, hours),
        ]
        for row in rows
    ]
    # The column names the deadlines these returns were given, never the setting now for all.
    given = deadlines_given(rows, hours)
    return Export(
        "episodes",
        f"{_dmy(start)} to {_dmy(end)}",
        f"episodes-{start.isoformat()}-to-{end.isoformat()}.csv",
        [*EPISODE_HEADERS[:-1], deadlines.in_time_words(given.or_hours(hours))],
        table,
        _sorted(problems),
        deadlines.measured_note(given, hours),
    )


def audit_detail(export: Export, *, anyway: bool = False, where: str = "") -> str:
    """What the audit trail keeps of an export: which, for when, how many rows and problems."""
    text = f"{export.kind} {export.label}: {len(export.rows)} rows, {len(export.problems)} problems"
    if anyway and export.problems:
        text += ", downloaded anyway"
    return text + (f" ({where})" if where else "")
