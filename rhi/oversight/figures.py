"""The service's figures for a period, counted in SQL over the returns a person may see
(rhi/access.py), and the records behind each figure. No Flask here.

A return counts in a period when the child came back in it (`returned_at`), in local time: the
day a coordinator would say. Its interview is the one made for it (the first that covers it).
Every figure is a condition on a return; `records()` lists the returns that meet it, so each
number on the page links to exactly the records it counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import selectinload
from sqlalchemy.sql import Select

from rhi import access, deadlines
from rhi.episodes.queries import due_from_return, waiting_by_deadline
from rhi.extensions import db
from rhi.models import Child, Episode, Interview, InterviewStatus, User, interview_episodes
from rhi.models.interviews import DELAY_REASONS, accepted_clause, held_clause
from rhi.timefmt import from_local, to_local

PERIODS = {
    "this_week": "This week (from Monday)",
    "this_month": "This month",
    "last_month": "Last month",
    "year_to_date": "This year so far (from 1 January)",
    "collection_year": "This collection year (from 1 April)",
    "custom": "Dates I choose",
}

# The figures, in the order the page shows them, with their words.
FIGURES = {
    "returns": "Returns (episodes that ended in the period)",
    "children": "Children who came back",
    "looked_after": "Returns of looked-after children",
    "at_home": "Returns of children living at home (not looked after)",
    "placed_from_elsewhere": "Returns of children placed here by another council",
    # Each counts returns, not children or interviews (one child may come back three times;
    # one interview may cover two returns): the words say so.
    "offered": "Returns offered an interview",
    "accepted": "Returns where the child said yes",
    "declined": "Returns where the child said no",
    # So that those offered add up: said yes, said no, or not answered yet.
    "no_answer": "Offered, no answer yet",
    "not_reached": "Not reached after attempts",
    "decided_against": "Decided not to interview",
    "carer_info": "Carer information taken instead",
    "held": "Returns with an interview held",
    "held_in_time": "Held within the deadline",  # words() names its hours
}


def deadline_hours() -> int:
    """The service's deadline (RHI_DEADLINE_HOURS), for the words of the figures."""
    return int(current_app.config["RHI_DEADLINE_HOURS"])


def words() -> dict[str, str]:
    """Each figure's words, the deadline's hours in them (rhi.deadlines.in_time_words)."""
    return {**FIGURES, "held_in_time": deadlines.in_time_words(deadline_hours())}


def waiting_words() -> dict[str, str]:
    """ "Waiting now"'s rows, the deadline's hours in them."""
    return {**WAITING, "overdue": deadlines.past_deadline_words(deadline_hours())}


@dataclass(frozen=True)
class Period:
    key: str
    start: date  # first day, local
    end: date  # last day, local (inclusive)

    @property
    def label(self) -> str:
        return f"{self.start:%-d %b %Y} to {self.end:%-d %b %Y}"

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """In UTC, as stored: from the start of the first day to the start of the day after."""
        first = datetime.combine(self.start, datetime.min.time())
        after = datetime.combine(self.end + timedelta(days=1), datetime.min.time())
        return from_local(first), from_local(after)


def period(key: str, today: date, start: date | None = None, end: date | None = None) -> Period:
    """A named period as of `today` (local), or the dates chosen for "custom"."""
    if key == "this_week":
        return Period(key, today - timedelta(days=today.weekday()), today)
    if key == "last_month":
        last = today.replace(day=1) - timedelta(days=1)
        return Period(key, last.replace(day=1), last)
    if key == "year_to_date":
        return Period(key, today.replace(month=1, day=1), today)
    if key == "collection_year":
        year = today.year if today.month >= 4 else today.year - 1
        return Period(key, date(year, 4, 1), today)
    if key == "custom" and start is not None and end is not None and start <= end:
        return Period(key, start, end)
    return Period("this_month", today.replace(day=1), today)


def _first_interview() -> ColumnElement[int]:
    """The id of the interview made for the episode (the first covering it)."""
    return (
        select(func.min(interview_episodes.c.interview_id))
        .where(interview_episodes.c.episode_id == Episode.id)
        .scalar_subquery()
    )


def _conditions() -> dict[str, ColumnElement[bool]]:
    return {
        "looked_after": Child.legal_status == "looked_after",
        "at_home": Child.legal_status != "looked_after",
        "placed_from_elsewhere": Child.placed_from_elsewhere,
        "offered": Interview.offered_at.is_not(None),
        # A yes, then a no, is a decline (rhi.models.interviews: accepted_clause, held_clause).
        "accepted": accepted_clause(),
        "declined": Interview.status == InterviewStatus.DECLINED.value,
        # Offered, with neither a yes nor a no: with "accepted" and "declined", every offer once
        # (a return closed as not reached after an offer is here and under "not_reached").
        "no_answer": and_(
            Interview.offered_at.is_not(None),
            Interview.accepted_at.is_(None),
            Interview.status != InterviewStatus.DECLINED.value,
        ),
        # The return's outcome, not a failed attempt on a return still being tried.
        "not_reached": Interview.outcome == "not_reached",
        "decided_against": Interview.outcome == "not_interviewed",
        "carer_info": Interview.outcome == "carer_info",
        "held": held_clause(),
        # rhi.deadlines.Clock's rule: at the deadline itself the interview is already late.
        "held_in_time": and_(held_clause(), Interview.held_at < _due()),
    }


def _scoped(query: Select, user: User, chosen: Period) -> Select:
    """The returns `user` may see that ended in the period, each with its first interview."""
    start, after = chosen.bounds
    return (
        query.join(Child, Child.id == Episode.child_id)
        .outerjoin(Interview, Interview.id == _first_interview())
        .where(
            access.episode_filter(user),
            Episode.returned_at >= start,
            Episode.returned_at < after,
        )
    )


def figures(user: User, chosen: Period) -> dict[str, int]:
    """Every figure for the period, in one query."""
    columns = [
        func.count(Episode.id).label("returns"),
        func.count(func.distinct(Episode.child_id)).label("children"),
        *(func.sum(case((cond, 1), else_=0)).label(key) for key, cond in _conditions().items()),
    ]
    row = db.session.execute(_scoped(select(*columns).select_from(Episode), user, chosen)).one()
    return {key: int(row._mapping[key] or 0) for key in FIGURES}


def records(
    user: User, chosen: Period, figure: str, page: int = 1, per_page: int = 50
) -> tuple[list[Episode], bool]:
    """The returns behind one figure, newest first, a page at a time (and whether there are
    more). For "children", the returns of the children counted."""
    if figure not in FIGURES:
        raise KeyError(figure)
    query = _scoped(select(Episode), user, chosen)
    condition = _conditions().get(figure)
    if condition is not None:
        query = query.where(condition)
    found = db.session.scalars(
        query.order_by(Episode.returned_at.desc(), Episode.id.desc())
        .limit(per_page + 1)
        .offset((page - 1) * per_page)
        # The page shows each child's name and the interview's status: read with the rows.
        .options(selectinload(Episode.child), selectinload(Episode.interviews))
    ).all()
    return list(found[:per_page]), len(found) > per_page


def share(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "none to count"


def today_local(now: datetime) -> date:
    return to_local(now).date()


def _due() -> ColumnElement[datetime]:
    """This return's own deadline: its return plus the service's hours (rhi.deadlines.due_at,
    in SQL). Per return, as the inspectors' list measures it: one interview covering two
    returns can be in time for the later and late for the earlier."""
    return due_from_return()


def _hours(
    later: ColumnElement[datetime], earlier: ColumnElement[datetime]
) -> ColumnElement[float]:
    """Hours between two stored times, in SQL (each database says it its own way)."""
    if db.engine.dialect.name == "sqlite":
        return (func.julianday(later) - func.julianday(earlier)) * 24.0
    return func.extract("epoch", later - earlier) / 3600.0


@dataclass(frozen=True)
class Timings:
    held: int
    median_hours: float | None
    p90_hours: float | None


def _timings(
    user: User,
    chosen: Period,
    when: ColumnElement[datetime],
    counted: ColumnElement[bool] | None = None,
) -> Timings:
    """The median and 90th percentile (nearest rank) in one pass: each value
    ranked by a window, and only the rows at those two ranks come back, with the count. The
    ranks are ceil(n / 2) and ceil(9n / 10) in integer arithmetic, the same on both databases."""
    hours = _hours(when, Episode.returned_at)
    ranked = (
        _scoped(
            select(
                hours.label("hours"),
                func.row_number().over(order_by=hours).label("rank"),
                func.count().over().label("n"),
            ).select_from(Episode),
            user,
            chosen,
        )
        .where(when.is_not(None) if counted is None else counted)
        .subquery()
    )
    median_rank = (ranked.c.n + 1) // 2
    p90_rank = (9 * ranked.c.n + 9) // 10
    rows = db.session.execute(
        select(ranked.c.hours, ranked.c.rank, ranked.c.n).where(
            or_(ranked.c.rank == median_rank, ranked.c.rank == p90_rank)
        )
    ).all()
    if not rows:
        return Timings(0, None, None)
    count = int(rows[0].n)
    at = {int(row.rank): float(row.hours) for row in rows}
    return Timings(count, at[(count + 1) // 2], at[(9 * count + 9) // 10])


def time_to_interview(user: User, chosen: Period) -> Timings:
    """From the child's return to the interview, for the interviews held: median and 90th
    percentile, in hours."""
    return _timings(user, chosen, Interview.held_at, held_clause())


def time_to_offer(user: User, chosen: Period) -> Timings:
    """From the child's return to the offer of an interview, for the returns offered one."""
    return _timings(user, chosen, Interview.offered_at)


def delay_reasons(user: User, chosen: Period) -> dict[str, int]:
    """Why interviews held after their deadline were late (DELAY_REASONS, and "not said"), for
    the returns in the period: one GROUP BY."""
    late = and_(held_clause(), Interview.held_at >= _due())
    rows = db.session.execute(
        _scoped(
            select(Interview.delay_reason, func.count(Episode.id)).select_from(Episode),
            user,
            chosen,
        )
        .where(late)
        .group_by(Interview.delay_reason)
    ).all()
    counts = {key: 0 for key in (*DELAY_REASONS, "")}
    for reason, number in rows:
        counts[reason if reason in DELAY_REASONS else ""] += int(number)
    return counts


WAITING = {
    "overdue": "Past the deadline",  # words() names its hours
    "due_today": "Due within 24 hours",
    "later": "Due later",
}


def waiting_now(user: User, now: datetime) -> dict[str, int]:
    """Open returns not yet held by their deadline now, by the Returns page's rule
    (rhi.episodes.queries.waiting_by_deadline). It joined only the first interview, left out
    returns with no interview yet and took "unable to contact" as closed, so it said 3 where
    the Returns page listed 11 still to hold."""
    return dict(zip(WAITING, waiting_by_deadline(user, now), strict=True))


# The three groups the service is asked about by legal status, each a condition of _conditions.
LEGAL_GROUPS = {
    "looked_after": "Looked after",
    "at_home": "Living at home (not looked after)",
    "placed_from_elsewhere": "Placed here by another council",
}


def by_legal_status(user: User, chosen: Period) -> list[tuple[str, str, int, int]]:
    """(key, words, children, returns) for each group, in one query. A child placed from
    elsewhere is also looked after or at home, so the groups overlap by design."""
    conditions = _conditions()
    columns = []
    for key in LEGAL_GROUPS:
        columns.append(func.count(func.distinct(case((conditions[key], Episode.child_id)))))
        columns.append(func.sum(case((conditions[key], 1), else_=0)))
    row = db.session.execute(_scoped(select(*columns).select_from(Episode), user, chosen)).one()
    return [
        (key, words, int(row[2 * i] or 0), int(row[2 * i + 1] or 0))
        for i, (key, words) in enumerate(LEGAL_GROUPS.items())
    ]


@dataclass(frozen=True)
class Overview:
    counts: dict[str, int]
    legal: list[tuple[str, str, int, int]]
    delays: dict[str, int]


def overview(user: User, chosen: Period) -> Overview:
    """`figures`, `by_legal_status` and `delay_reasons` together, in one pass over the period's
    returns: what the service page and its PDF show, whatever the history (bench/service_page.py).
    """
    conditions = _conditions()
    late = and_(held_clause(), Interview.held_at >= _due())
    reasons = (*DELAY_REASONS, "")
    columns = [
        func.count(Episode.id),
        func.count(func.distinct(Episode.child_id)),
        *(func.sum(case((cond, 1), else_=0)) for cond in conditions.values()),
        *(
            part
            for key in LEGAL_GROUPS
            for part in (
                func.count(func.distinct(case((conditions[key], Episode.child_id)))),
                func.sum(case((conditions[key], 1), else_=0)),
            )
        ),
        *(
            func.sum(
                case(
                    (
                        and_(
                            late,
                            Interview.delay_reason == reason
                            if reason
                            else or_(
                                Interview.delay_reason.is_(None),
                                Interview.delay_reason.not_in(list(DELAY_REASONS)),
                            ),
                        ),
                        1,
                    ),
                    else_=0,
                )
            )
            for reason in reasons
        ),
    ]
    row = [
        int(value or 0)
        for value in db.session.execute(
            _scoped(select(*columns).select_from(Episode), user, chosen)
        ).one()
    ]
    names = ["returns", "children", *conditions]
    counts = dict(zip(names, row[: len(names)], strict=True))
    at = len(names)
    legal = []
    for key, words in LEGAL_GROUPS.items():
        legal.append((key, words, row[at], row[at + 1]))
        at += 2
    delays = dict(zip(reasons, row[at:], strict=True))
    return Overview({key: counts[key] for key in FIGURES}, legal, delays)
