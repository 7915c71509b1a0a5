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

Small numbers are suppressed (rhi/oversight/suppression.py); a rate is shown only when both of
its counts are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import ColumnElement, and_, case, func, select

from rhi import access, ethnicity
from rhi.deadlines import in_time_words
from rhi.extensions import db
from rhi.interviews import content as c
from rhi.interviews.fields import HARMS
from rhi.models import Episode, Interview, User
from rhi.models.children import Child
from rhi.models.episodes import NOT_GRADED
from rhi.models.interviews import held_clause
from rhi.oversight.figures import (
    Period,
    _conditions,
    _hours,
    _scoped,
    deadline_hours,
    time_to_interview,
)
from rhi.oversight.suppression import suppress

FEWER = "fewer than 5"
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

MEASURES = {
    "children": "Children",
    "returns": "Returns",
    "offered": "Offered an interview",
    "accepted": "Said yes",
    "held": "Interviews held",
    "held_in_time": "Held within the deadline",  # the table names its hours
}
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
    return FEWER if hidden else f"{value:,}"


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else ""


def hours_words(value: float | None) -> str:
    if value is None:
        return ""
    if value < 48:
        return f"{value:.0f} hours"
    return f"{value / 24:.1f} days"


def _grid(
    labels: Sequence[str], counts: dict[str, dict[str, int]], columns: Sequence[str]
) -> list[list[int]]:
    """Rows of counts by label, then the total row (the sum: every child is in one group)."""
    rows = [[counts.get(label, {}).get(col, 0) for col in columns] for label in labels]
    rows.append([sum(row[i] for row in rows) for i in range(len(columns))])
    return rows


# -- counting -------------------------------------------------------------------------------


def _main_counts(user: User, chosen: Period, group: ColumnElement[str]) -> dict[str, dict]:
    conditions = _conditions()
    grp = group.label("grp")
    columns = [
        grp,
        func.count(func.distinct(Episode.child_id)).label("children"),
        func.count(Episode.id).label("returns"),
        *(
            func.sum(case((conditions[key], 1), else_=0)).label(key)
            for key in ("offered", "accepted", "held", "held_in_time")
        ),
    ]
    query = _scoped(select(*columns).select_from(Episode), user, chosen).group_by(group)
    return {
        row.grp: {key: int(row._mapping[key] or 0) for key in MEASURES}
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
    user: User, chosen: Period, group: ColumnElement[str], labels: dict[str, str]
) -> Table:
    counts = _main_counts(user, chosen, group)
    medians = _medians(user, chosen, group)
    overall = time_to_interview(user, chosen).median_hours
    columns = list(MEASURES)
    grid = _grid(list(labels), counts, columns)
    hidden = suppress(grid, total_row=True)
    table = Table(
        caption=(
            "Returns in the period and their interviews, by ethnic group. Rates in brackets; "
            "counts under 5 are shown as \u201cfewer than 5\u201d, and a second count is hidden "
            "where the first could be worked out from the total."
        ),
        headers=[
            "Ethnic group",
            *{**MEASURES, "held_in_time": in_time_words(deadline_hours())}.values(),
            "Median time to interview",
        ],
    )
    names = [*labels.values(), ALL]
    keys = [*labels, None]
    for r, name in enumerate(names):
        cells = []
        at = {col: i for i, col in enumerate(columns)}
        for col in columns:
            text = _shown(grid[r][at[col]], hidden[r][at[col]])
            if col in RATES and not hidden[r][at[col]]:
                whole, words = RATES[col]
                if not hidden[r][at[whole]] and grid[r][at[whole]]:
                    text += f" ({_percent(grid[r][at[col]], grid[r][at[whole]])} {words})"
            cells.append(text)
        median = overall if keys[r] is None else medians.get(keys[r])
        held_hidden = hidden[r][at["held"]]
        cells.append(FEWER if held_hidden else hours_words(median) or "none held")
        table.rows.append((name, cells))
    return table


def _grades_table(
    user: User, chosen: Period, group: ColumnElement[str], labels: dict[str, str]
) -> Table:
    counts = _grades(user, chosen, group)
    found = {grade for by_grade in counts.values() for grade in by_grade}
    configured = list(current_app.config.get("RHI_RISK_GRADES") or [])
    # Every configured grade, then anything else stored ("not graded by police", older words).
    grades = list(dict.fromkeys([*configured, *sorted(found)]))
    grid = _grid(list(labels), counts, grades)
    for row in grid:
        row.append(sum(row))
    hidden = suppress(grid, total_row=True, total_column=True)
    table = Table(
        caption="Police risk grade of the returns, by ethnic group",
        headers=["Ethnic group", *grades, "All returns"],
    )
    for r, name in enumerate([*labels.values(), ALL]):
        table.rows.append((name, [_shown(v, hidden[r][i]) for i, v in enumerate(grid[r])]))
    if NOT_GRADED in grades:
        table.caption += f" (\u201c{NOT_GRADED}\u201d: not reported to the police or not graded)"
    return table


def _harms_table(
    user: User, chosen: Period, group: ColumnElement[str], labels: dict[str, str]
) -> Table:
    counts = _harms(user, chosen, group)
    shown_harms = [key for key in HARMS if any(by.get(key) for by in counts.values())]
    columns = ["read", *shown_harms]
    grid = _grid(list(labels), counts, columns)
    hidden = suppress(grid, total_row=True)
    table = Table(
        caption=(
            "Harms and risk indicators recorded in the interviews your team held, by ethnic "
            "group: how many returns' interviews recorded each (one interview may record "
            "several)"
        ),
        headers=["Ethnic group", "Interviews held by your team", *(HARMS[k] for k in shown_harms)],
    )
    for r, name in enumerate([*labels.values(), ALL]):
        cells = []
        for i, value in enumerate(grid[r]):
            text = _shown(value, hidden[r][i])
            if i and not hidden[r][i] and not hidden[r][0] and grid[r][0]:
                text += f" ({_percent(value, grid[r][0])})"
            cells.append(text)
        table.rows.append((name, cells))
    return table


def _writing_table(
    user: User, chosen: Period, group: ColumnElement[str], labels: dict[str, str]
) -> tuple[Table, bool]:
    counted, more = _writing(user, chosen, group)
    everyone = Words()
    for words in counted.values():
        everyone.interviews += words.interviews
        everyone.words += words.words
        everyone.flags += words.flags
        everyone.adultifying += words.adultifying
    grid = [[counted.get(key, Words()).interviews] for key in labels] + [[everyone.interviews]]
    hidden = suppress(grid, total_row=True)
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
    rows = [*(counted.get(key, Words()) for key in labels), everyone]
    for r, name in enumerate([*labels.values(), ALL]):
        words = rows[r]
        if hidden[r][0]:
            cells = [FEWER, NOT_SHOWN, NOT_SHOWN]
        else:
            cells = [
                f"{words.interviews:,}",
                _per_thousand(words.flags, words.words),
                _per_thousand(words.adultifying, words.words),
            ]
        table.rows.append((name, cells))
    return table, more


def _per_thousand(count: int, words: int) -> str:
    return f"{1000 * count / words:.1f}" if words else "no notes"


def disparities(user: User, chosen: Period, level: str = "broad") -> Disparities:
    """The tables for the page. `level`: "broad" (the five census groups) or "detailed"."""
    if level == "detailed":
        group = detailed_expression()
        labels = DETAILED
    else:
        group = broad_expression()
        labels = {name: name for name in BROAD}
    found = Disparities(level=level, main=_main_table(user, chosen, group, labels))
    found.grades = _grades_table(user, chosen, group, labels)
    if access.can_read_interviews(user):
        found.harms = _harms_table(user, chosen, group, labels)
        found.writing, found.notes_capped = _writing_table(user, chosen, group, labels)
    return found
