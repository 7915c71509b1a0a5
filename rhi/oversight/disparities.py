"""How children of each ethnic group are served (issue 15 item 4). No Flask here.

For a period and the returns a manager or coordinator may see (rhi.access, through
rhi/oversight/figures.py's scope: a return counts in the period its child came back in, with
the interview made for it), by the five high-level Census 2021 groups (and "not given") and by
the detailed categories (rhi/ethnicity.py): children, returns, interviews offered, accepted,
held, held within 72 hours (rhi.deadlines.Clock's rule, as the service page), the median time
from return to interview, the police risk grades, the harms recorded, and the writing check's
flags per 1,000 words of the interview notes.

Every count is a SQL aggregate grouped by ethnicity (the median by a window function), on
SQLite and PostgreSQL alike, except the writing check's flags: the stored flag events are
anonymous by design (rhi/models/language.py: no child, no worker), so they cannot be split by
ethnicity. The check is run again over the notes of the interviews held in the period instead,
the newest `MOST_NOTES` of them, which is bounded and says so when it was not all.

Harms and the writing check describe interview content: they are shown to managers only (a
coordinator sees no interview content), and only from the interviews their team held (those
rhi.access.whole_interview_filter lets them read whole).

Small numbers are suppressed (rhi/oversight/suppression.py), over the whole page at once: both
groupings (a broad group is the sum of its detailed ones, so a count hidden in one view must not
be worked out from the other), every table and every total, so that no hidden count has only one
possible value given everything either view shows. So every count is taken at the detailed level
and summed up to the broad groups here (one set of queries serves both views, and the sums agree
by construction); only the medians are queried at the level shown. A rate is shown only when both
of its counts are.

That protects one period's page. Two periods' pages could be subtracted (1 June to 3 July less 1
June to 2 July is 3 July, hidden counts and all: a probe), so the page is asked only for whole
quarters that have ended, which never overlap (rhi/oversight/quarters.py, which also says why
not whole years, and what remains: a quarter's counts change when a return is recorded late).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import ColumnElement, and_, case, func, select

from rhi import access, ethnicity
from rhi.deadlines import Deadlines, hours_said, in_time_words
from rhi.extensions import db
from rhi.interviews import content as c
from rhi.interviews.fields import HARMS
from rhi.models import Episode, Interview, User
from rhi.models.children import Child
from rhi.models.episodes import NOT_GRADED
from rhi.models.interviews import held_clause
from rhi.oversight.figures import (
    FIGURES,
    Period,
    _conditions,
    _hours,
    _scoped,
    deadline_hours,
    deadlines_in,
    percent,
    time_to_interview,
)
from rhi.oversight.suppression import Published, add_table, primary, protect

# Every hidden count reads the same: a count hidden only so that a small one cannot be worked
# out may be larger than 5, so "fewer than 5" would be untrue of it (and two labels would say
# which hidden counts are the small ones).
HIDDEN = "not shown"
NOT_SHOWN = "not shown"  # a rate built on a count too small to show
NOT_GIVEN = "Not given"
ALL = "All children"
MOST_NOTES = 2000

# The five census groups in the census's order, then "not given" (prefer not to say, not known).
BROAD = list(dict.fromkeys(e.group for e in ethnicity.CATEGORIES))
DETAILED = {
    e.key: e.label if e.group == NOT_GIVEN else f"{e.group}: {e.label}"
    for e in (ethnicity.CATEGORIES)
}

RETURNS = "returns"
READ = "read"  # the harms table's first column: interviews held by the team, read whole
INTERVIEWS = "interviews"  # the writing table's: interviews whose notes were checked

# Every row either view shows: the detailed groups, the broad ones, everyone. Each row's counts
# are the sums of its children's (`PARENT`: a row's parent row).
ROWS = [*DETAILED, *BROAD, ALL]
PARENT: dict[str, str | None] = {
    **{e.key: e.group for e in ethnicity.CATEGORIES},
    **dict.fromkeys(BROAD, ALL),
    ALL: None,
}

# The service page's words for the same counts (rhi/oversight/figures.py): each counts returns,
# not interviews, and the two pages must not name one count two ways.
MEASURES = {
    "children": FIGURES["children"],
    "returns": "Returns",
    "offered": FIGURES["offered"],
    "accepted": FIGURES["accepted"],
    "held": FIGURES["held"],
    "held_in_time": "Held within the deadline",  # the table names its hours
}
COUNTED = [key for key in MEASURES if key != RETURNS]  # returns: the risk grades' row totals
# Each rate: (numerator, denominator, words).
RATES = {
    "offered": ("returns", "of returns"),
    "accepted": ("offered", "of offers"),
    "held_in_time": ("held", "of those held"),
}

# Phrases that credit a child with an adult's choices or an adult's capacity: the language
# guide's "adultification" rows (streetwise, mature for their age, able to look after
# themselves), and the rows saying a child chose, went willingly or consented, which case
# reviews name as the same failure.
ADULTIFYING = frozenset(
    {
        "streetwise",
        "mature-for-age",
        "able-to-look-after-themselves",
        "choosing-to",
        "went-willingly",
        "consented",
    }
)


def broad_expression() -> ColumnElement[str]:
    return case(
        {e.key: e.group for e in ethnicity.CATEGORIES}, value=Child.ethnicity, else_=NOT_GIVEN
    )


def detailed_expression() -> ColumnElement[str]:
    keys = {e.key: e.key for e in ethnicity.CATEGORIES}
    return case(keys, value=Child.ethnicity, else_="not_known")


# -- what the page shows --------------------------------------------------------------------


@dataclass
class Table:
    caption: str
    headers: list[str]
    rows: list[tuple[str, list[str]]] = field(default_factory=list)


def _shown(value: int, hidden: bool) -> str:
    return HIDDEN if hidden else f"{value:,}"


def _percent(part: int, whole: int) -> str:
    # Rounded as the service page rounds (rhi.oversight.figures.percent: a half goes up).
    return f"{percent(part, whole)}%" if whole else ""


def hours_words(value: float | None, deadline: Deadlines) -> str:
    """A median time to the interview, as the service page says it (rhi.deadlines.hours_said):
    "3.0 days" hid an interview held late beside "held within 72 hours" (an oversight probe)."""
    return "" if value is None else hours_said(value, deadline)


# -- counting -------------------------------------------------------------------------------


def _main_counts(user: User, chosen: Period, group: ColumnElement[str]) -> dict[str, dict]:
    """Children and what their returns got, by group. The returns themselves are the risk grade
    table's row totals (`_grades`): one count, so the two tables can never disagree."""
    conditions = _conditions()
    grp = group.label("grp")
    columns = [
        grp,
        func.count(func.distinct(Episode.child_id)).label("children"),
        *(
            func.sum(case((conditions[key], 1), else_=0)).label(key)
            for key in ("offered", "accepted", "held", "held_in_time")
        ),
    ]
    query = _scoped(select(*columns).select_from(Episode), user, chosen).group_by(group)
    return {
        row.grp: {key: int(row._mapping[key] or 0) for key in COUNTED}
        for row in db.session.execute(query)
    }


def _medians(user: User, chosen: Period, group: ColumnElement[str]) -> dict[str, float]:
    """The median hours from return to interview in each group (nearest rank, as the service
    page's), by a window function: one row per group comes back."""
    hours = _hours(Interview.held_at, Episode.returned_at)
    ranked = (
        _scoped(
            select(
                group.label("grp"),
                hours.label("hours"),
                func.row_number().over(partition_by=group, order_by=hours).label("rank"),
                func.count().over(partition_by=group).label("held"),
            ).select_from(Episode),
            user,
            chosen,
        )
        .where(held_clause())
        .subquery()
    )
    rows = db.session.execute(
        select(ranked.c.grp, ranked.c.hours).where(ranked.c.rank == (ranked.c.held + 1) // 2)
    )
    return {grp: float(value) for grp, value in rows}


def _grades(user: User, chosen: Period, group: ColumnElement[str]) -> dict[str, dict[str, int]]:
    grp = group.label("grp")
    query = _scoped(
        select(grp, Episode.risk_grade, func.count(Episode.id)).select_from(Episode), user, chosen
    ).group_by(group, Episode.risk_grade)
    found: dict[str, dict[str, int]] = {}
    for label, grade, count in db.session.execute(query):
        found.setdefault(label, {})
        found[label][grade] = found[label].get(grade, 0) + int(count)
    return found


def _harm_on(key: str) -> ColumnElement[bool]:
    return Interview.content[("harms", key, "on")].as_boolean()


def _harms(user: User, chosen: Period, group: ColumnElement[str]) -> dict[str, dict[str, int]]:
    """Returns whose interview (held, and read whole by this manager) recorded each harm."""
    grp = group.label("grp")
    read = and_(held_clause(), access.whole_interview_filter(user))
    columns = [
        grp,
        func.sum(case((read, 1), else_=0)).label("read"),
        *(
            func.sum(case((and_(read, _harm_on(key).is_(True)), 1), else_=0)).label(key)
            for key in HARMS
        ),
    ]
    query = _scoped(select(*columns).select_from(Episode), user, chosen).group_by(group)
    return {
        row.grp: {key: int(row._mapping[key] or 0) for key in ("read", *HARMS)}
        for row in db.session.execute(query)
    }


@dataclass
class Words:
    interviews: int = 0
    words: int = 0
    flags: int = 0
    adultifying: int = 0


def _writing(user: User, chosen: Period, group: ColumnElement[str]) -> tuple[dict, bool]:
    """The writing check run over the notes of the interviews held in the period and read whole,
    by group: the newest MOST_NOTES interviews (and whether there were more)."""
    from rhi.writing import matcher

    held_at = func.max(Interview.held_at)
    ids = db.session.execute(
        _scoped(select(Interview.id, group.label("grp")).select_from(Episode), user, chosen)
        .where(held_clause(), access.whole_interview_filter(user))
        .group_by(Interview.id, group)
        .order_by(held_at.desc(), Interview.id.desc())
        .limit(MOST_NOTES + 1)
    ).all()
    more = len(ids) > MOST_NOTES
    groups = {interview_id: label for interview_id, label in ids[:MOST_NOTES]}
    found: dict[str, Words] = {}
    check = matcher()
    if groups:
        for interview_id, document in db.session.execute(
            select(Interview.id, Interview.content).where(Interview.id.in_(list(groups)))
        ):
            counted = found.setdefault(groups[interview_id], Words())
            counted.interviews += 1
            for _path, text in c.text_fields(document or {}):
                counted.words += len(text.split())
                for flag in check.check(text):
                    counted.flags += 1
                    counted.adultifying += flag.rule_id in ADULTIFYING
    return found, more


# -- every count of the page, both levels -----------------------------------------------------

Place = tuple[str, str, str]  # (table, row, column)
Values = dict[tuple[str, str], int]  # (row, column) -> count


def _rolled_up(by_key: dict[str, dict[str, int]], columns: Sequence[str]) -> Values:
    """Each (row, column)'s count for every row of ROWS, from the detailed groups' counts: a
    broad group's and everyone's are their detailed groups' sums (every child is in one)."""
    values = {(row, col): 0 for row in ROWS for col in columns}
    for key in DETAILED:
        counts = by_key.get(key, {})
        for col in columns:
            count = counts.get(col, 0)
            values[(key, col)] = count
            values[(PARENT[key], col)] += count  # type: ignore[index]
            values[(ALL, col)] += count
    return values


@dataclass
class Counted:
    """Every count the page can show, for every row of both levels ((row, column) -> count)."""

    main: Values
    grades: list[str]
    graded: Values  # grades, and each row's RETURNS
    harms: list[str] = field(default_factory=list)  # READ, then each harm recorded at all
    harmed: Values | None = None
    writing: dict[str, Words] | None = None  # by row
    notes_capped: bool = False


def _counted(user: User, chosen: Period) -> Counted:
    group = detailed_expression()
    by_grade = _grades(user, chosen, group)
    found = {grade for counts in by_grade.values() for grade in counts}
    configured = list(current_app.config.get("RHI_RISK_GRADES") or [])
    # Every configured grade, then anything else stored ("not graded by police", older words).
    grades = list(dict.fromkeys([*configured, *sorted(found)]))
    for counts in by_grade.values():
        counts[RETURNS] = sum(counts.values())
    counted = Counted(
        main=_rolled_up(_main_counts(user, chosen, group), COUNTED),
        grades=grades,
        graded=_rolled_up(by_grade, [*grades, RETURNS]),
    )
    if access.can_read_interviews(user):
        harms = _harms(user, chosen, group)
        counted.harms = [READ, *(k for k in HARMS if any(by.get(k) for by in harms.values()))]
        counted.harmed = _rolled_up(harms, counted.harms)
        words, counted.notes_capped = _writing(user, chosen, group)
        counted.writing = {row: Words() for row in ROWS}
        for key, found_words in words.items():
            for row in (key, PARENT[key], ALL):
                total = counted.writing[row]  # type: ignore[index]
                total.interviews += found_words.interviews
                total.words += found_words.words
                total.flags += found_words.flags
                total.adultifying += found_words.adultifying
    return counted


@dataclass
class Page:
    """Every count of the page and whether it is hidden, by place (table, row, column). A count
    shown in two places (a group's returns, in the main table and as the risk grades' total) is
    one count, hidden in both or neither."""

    at: dict[Place, int]
    values: list[int]
    hidden: list[bool]

    def value(self, table: str, row: str, column: str) -> int:
        return self.values[self.at[(table, row, column)]]

    def is_hidden(self, table: str, row: str, column: str) -> bool:
        return self.hidden[self.at[(table, row, column)]]

    def text(self, table: str, row: str, column: str) -> str:
        return _shown(self.value(table, row, column), self.is_hidden(table, row, column))


def _add(
    page: Published,
    at: dict[Place, int],
    table: str,
    columns: list[str],
    values: Values,
    *,
    total_column: str | None = None,
) -> None:
    found = add_table(page, table, ROWS, PARENT, columns, values, total_column=total_column)
    at.update({(table, row, col): count for (row, col), count in found.items()})


def _published(counted: Counted) -> tuple[Published, dict[Place, int]]:
    """The page as the suppression sees it: each table a sum over the rows' tree (detailed ->
    broad -> everyone), the risk grades also across to each row's returns (the main table's
    returns: one count), and the orderings any reader knows between the counts of a row."""
    page = Published()
    at: dict[Place, int] = {}
    _add(page, at, "grades", [*counted.grades, RETURNS], counted.graded, total_column=RETURNS)
    for row in ROWS:
        at[("main", row, RETURNS)] = at[("grades", row, RETURNS)]
    for col in ("children", "offered", "accepted", "held"):  # each of a group's returns, once
        _add_at_most(page, at, ("main", col), counted.main, [("main", RETURNS)])
    _add_at_most(
        page, at, ("main", "held_in_time"), counted.main, [("main", "held"), ("main", RETURNS)]
    )
    for row in ROWS:  # a group with returns has a child
        children, returns = at[("main", row, "children")], at[("main", row, RETURNS)]
        if children != returns:
            page.at_least_one_if.append((children, returns))
    if counted.harmed is not None:
        # Interviews read whole are those held, but for interviews another team held; the
        # writing check's are those read (fewer where one interview covers several returns).
        # Near-copies: a reader would take one for the other, so they are hidden together.
        _add_at_most(page, at, ("harms", READ), counted.harmed, [("main", "held")], together=True)
        for harm in counted.harms[1:]:
            _add_at_most(page, at, ("harms", harm), counted.harmed, [("harms", READ)])
        writing = {
            (row, INTERVIEWS): words.interviews for row, words in (counted.writing or {}).items()
        }
        _add_at_most(page, at, ("writing", INTERVIEWS), writing, [("harms", READ)], together=True)
    return page, at


def _add_at_most(
    page: Published,
    at: dict[Place, int],
    column: tuple[str, str],
    values: Values,
    above: list[tuple[str, str]],
    *,
    together: bool = False,
) -> None:
    """Add a (table, column) whose count is never above those of the `above` columns in the
    same row (interviews held never above returns). Where it equals one of them in every row it
    is that count: hidden with it, and exact for the suppression, which otherwise allows for
    orderings only against shown counts (a reader seeing two columns equal wherever both are
    shown would take the hidden ones equal too). Otherwise it is its own column, held at most
    each of them; with `together`, also hidden with the first (a near-copy of it)."""
    table, name = column
    for other_table, other in above:
        if all(values[(row, name)] == page.values[at[(other_table, row, other)]] for row in ROWS):
            for row in ROWS:
                at[(table, row, name)] = at[(other_table, row, other)]
            return
    _add(page, at, table, [name], values)
    for row in ROWS:
        count = at[(table, row, name)]
        for other_table, other in above:
            page.at_most.append((count, at[(other_table, row, other)]))
        if together:
            page.together.append((count, at[(above[0][0], row, above[0][1])]))


def _protected(counted: Counted) -> Page:
    page, at = _published(counted)
    return Page(at=at, values=page.values, hidden=protect(page, primary(page)))


# -- the tables -----------------------------------------------------------------------------


@dataclass
class Disparities:
    level: str
    main: Table
    grades: Table | None = None
    harms: Table | None = None
    writing: Table | None = None
    notes_capped: bool = False


def _main_table(
    page: Page,
    rows: dict[str, str],
    medians: dict[str, float],
    overall: float | None,
    given: Deadlines,
) -> Table:
    table = Table(
        caption=(
            "Returns in the period and their interviews, by ethnic group. Rates in brackets; "
            "counts under 5 are not shown, nor are other counts where a small one could "
            "otherwise be worked out from what is shown. Only whole quarters that have ended "
            "are shown, so that a hidden count cannot be worked out by comparing periods either."
        ),
        headers=[
            "Ethnic group",
            *{**MEASURES, "held_in_time": in_time_words(given)}.values(),
            "Median time to interview",
        ],
    )
    for row, name in rows.items():
        cells = []
        for col in MEASURES:
            text = page.text("main", row, col)
            if col in RATES and not page.is_hidden("main", row, col):
                whole, words = RATES[col]
                if not page.is_hidden("main", row, whole) and page.value("main", row, whole):
                    part = page.value("main", row, col)
                    text += f" ({_percent(part, page.value('main', row, whole))} {words})"
            cells.append(text)
        median = overall if row == ALL else medians.get(row)
        held_hidden = page.is_hidden("main", row, "held")
        cells.append(HIDDEN if held_hidden else hours_words(median, given) or "none held")
        table.rows.append((name, cells))
    return table


def _grades_table(page: Page, rows: dict[str, str], grades: list[str]) -> Table:
    table = Table(
        caption="Police risk grade of the returns, by ethnic group",
        headers=["Ethnic group", *grades, "All returns"],
    )
    for row, name in rows.items():
        table.rows.append((name, [page.text("grades", row, col) for col in [*grades, RETURNS]]))
    if NOT_GRADED in grades:
        table.caption += f" (\u201c{NOT_GRADED}\u201d: not reported to the police or not graded)"
    return table


def _harms_table(page: Page, rows: dict[str, str], harms: list[str]) -> Table:
    table = Table(
        caption=(
            "Harms and risk indicators recorded in the interviews your team held, by ethnic "
            "group: how many returns' interviews recorded each (one interview may record "
            "several)"
        ),
        headers=[
            "Ethnic group",
            "Returns with an interview held by your team",
            *(HARMS[k] for k in harms[1:]),
        ],
    )
    for row, name in rows.items():
        read = page.value("harms", row, READ)
        read_shown = not page.is_hidden("harms", row, READ) and read
        cells = [page.text("harms", row, READ)]
        for harm in harms[1:]:
            text = page.text("harms", row, harm)
            if read_shown and not page.is_hidden("harms", row, harm):
                text += f" ({_percent(page.value('harms', row, harm), read)})"
            cells.append(text)
        table.rows.append((name, cells))
    return table


def _writing_table(page: Page, rows: dict[str, str], writing: dict[str, Words]) -> Table:
    table = Table(
        caption=(
            "The writing check's flags in the notes of interviews your team held, per 1,000 "
            "words of notes, by ethnic group; shown where five or more interviews were read"
        ),
        headers=[
            "Ethnic group",
            "Interviews read",
            "Flags per 1,000 words",
            "Adultifying phrases per 1,000 words",
        ],
    )
    for row, name in rows.items():
        words = writing[row]
        if page.is_hidden("writing", row, INTERVIEWS):
            cells = [HIDDEN, NOT_SHOWN, NOT_SHOWN]
        else:
            cells = [
                f"{words.interviews:,}",
                _per_thousand(words.flags, words.words),
                _per_thousand(words.adultifying, words.words),
            ]
        table.rows.append((name, cells))
    return table


def _per_thousand(count: int, words: int) -> str:
    return f"{1000 * count / words:.1f}" if words else "no notes"


def disparities(user: User, chosen: Period, level: str = "broad") -> Disparities:
    """The tables for the page. `level`: "broad" (the five census groups) or "detailed". The
    counts hidden are the same whichever is asked for: both are protected together."""
    counted = _counted(user, chosen)
    page = _protected(counted)
    if level == "detailed":
        group = detailed_expression()
        rows = {**DETAILED, ALL: ALL}
    else:
        group = broad_expression()
        rows = {**{name: name for name in BROAD}, ALL: ALL}
    medians = _medians(user, chosen, group)
    overall = time_to_interview(user, chosen).median_hours
    # Named as the service page names it: the deadlines the period's returns were given.
    given = deadlines_in(user, chosen).or_hours(deadline_hours())
    found = Disparities(level=level, main=_main_table(page, rows, medians, overall, given))
    found.grades = _grades_table(page, rows, counted.grades)
    if counted.harmed is not None and counted.writing is not None:
        found.harms = _harms_table(page, rows, counted.harms)
        found.writing = _writing_table(page, rows, counted.writing)
        found.notes_capped = counted.notes_capped
    return found
