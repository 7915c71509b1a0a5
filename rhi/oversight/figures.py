"""The service's figures for a period, counted in SQL over the returns a person may see
(rhi/access.py), and the records behind each figure. No Flask here.

A return counts in a period when the child came back in it (`returned_at`), in local time: the
day a coordinator would say. Its interview is the one made for it (the first that covers it).
Every figure is a condition on a return; `records()` lists the returns that meet it, so each
number on the page links to exactly the records it counts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.sql import Select

from rhi import access
from rhi.extensions import db
from rhi.models import Child, Episode, Interview, InterviewStatus, User, interview_episodes
from rhi.timefmt import from_local, to_local

PERIODS = {
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
    "offered": "Interviews offered",
    "accepted": "Children who said yes",
    "declined": "Children who said no",
    "not_reached": "Not reached after attempts",
    "held": "Interviews held",
    "held_in_time": "Held within 72 hours",
}


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
        "offered": Interview.offered_at.is_not(None),
        "accepted": Interview.accepted_at.is_not(None),
        "declined": Interview.status == InterviewStatus.DECLINED.value,
        "not_reached": Interview.status == InterviewStatus.UNABLE_TO_CONTACT.value,
        "held": Interview.held_at.is_not(None),
        # rhi.deadlines.Clock's rule: at the deadline itself the interview is already late.
        "held_in_time": and_(Interview.held_at.is_not(None), Interview.held_at < Interview.due_at),
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
    ).all()
    return list(found[:per_page]), len(found) > per_page


def share(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "none to count"


def today_local(now: datetime) -> date:
    return to_local(now).date()


def _hours(
    later: ColumnElement[datetime], earlier: ColumnElement[datetime]
) -> ColumnElement[float]:
    """Hours between two stored times, in SQL (each database says it its own way)."""
    if db.engine.dialect.name == "sqlite":
        return (func.julianday(later) - func.julianday(earlier)) * 24.0
    return func.extract("epoch", later - earlier) / 3600.0


def _quantile(query: Select, fraction: float, count: int) -> float | None:
    """The value at `fraction` of an ordered one-column query (nearest rank), read as one row:
    the same on both databases, and nothing but that row comes back."""
    if count == 0:
        return None
    rank = max(1, min(count, math.ceil(fraction * count)))
    return db.session.scalar(query.offset(rank - 1).limit(1))


@dataclass(frozen=True)
class Timings:
    held: int
    median_hours: float | None
    p90_hours: float | None


def time_to_interview(user: User, chosen: Period) -> Timings:
    """From the child's return to the interview, for the interviews held: median and 90th
    percentile, in hours."""
    hours = _hours(Interview.held_at, Episode.returned_at)
    held = _scoped(select(hours).select_from(Episode), user, chosen).where(
        Interview.held_at.is_not(None)
    )
    count = db.session.scalar(select(func.count()).select_from(held.subquery())) or 0
    ordered = held.order_by(hours)
    return Timings(count, _quantile(ordered, 0.5, count), _quantile(ordered, 0.9, count))


WAITING = {
    "overdue": "Past the 72 hours",
    "due_today": "Due within 24 hours",
    "later": "Due later",
}


def waiting_now(user: User, now: datetime) -> dict[str, int]:
    """Open returns (an interview neither held, declined nor closed) by their deadline now."""
    closed = [
        InterviewStatus.DECLINED.value,
        InterviewStatus.UNABLE_TO_CONTACT.value,
        InterviewStatus.FINISHED.value,
        InterviewStatus.SHARED.value,
    ]
    soon = now + timedelta(hours=24)
    row = db.session.execute(
        select(
            # Overdue as rhi.deadlines.Clock says it: from the deadline itself.
            func.sum(case((Interview.due_at <= now, 1), else_=0)),
            func.sum(case((and_(Interview.due_at > now, Interview.due_at < soon), 1), else_=0)),
            func.sum(case((Interview.due_at >= soon, 1), else_=0)),
        )
        .select_from(Episode)
        .join(Interview, Interview.id == _first_interview())
        .where(
            access.episode_filter(user),
            Interview.held_at.is_(None),
            Interview.status.not_in(closed),
        )
    ).one()
    return {key: int(value or 0) for key, value in zip(WAITING, row, strict=True)}
