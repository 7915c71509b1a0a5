"""The service's figures for a period, counted in SQL over the returns a person's team counts
(`counted_by`: each return in one team, among those they may see through rhi/access.py), and
the records behind each figure. No Flask here.

A return counts in a period when the child came back in it (`returned_at`), in local time: the
day a coordinator would say. Its interview is the one made for it (the first that covers it).
Every figure is a condition on a return; `records()` lists the returns that meet it, so each
number on the page links to exactly the records it counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, Integer, and_, case, cast, false, func, or_, select
from sqlalchemy.orm import aliased, selectinload
from sqlalchemy.sql import Select

from rhi import access, deadlines
from rhi.deadlines import Deadlines
from rhi.episodes.queries import (
    as_deadlines,
    deadline_lengths,
    first_return,
    interview_deadline_minutes,
    waiting_by_deadline,
)
from rhi.extensions import db
from rhi.models import Child, Episode, Interview, InterviewStatus, User, interview_episodes
from rhi.models.children import NOT_KNOWN
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
    # "None known" is not "at home": until a person records it, said so (an oversight probe
    # found every return of children with none recorded counted as at home, 100%).
    "legal_not_recorded": "Returns where the child's legal status was not recorded",
    "placed_from_elsewhere": "Returns of children placed here by another council",
    # Each counts returns, not children or interviews (one child may come back three times;
    # one interview may cover two returns): the words say so.
    "offered": "Returns offered an interview",
    "accepted": "Returns where the child said yes",
    "declined": "Returns where the child said no",
    # So that those offered add up: said yes, said no, or not answered yet.
    # Not "yet": a return closed as not reached after its offer is one of them.
    "no_answer": "Offered, no answer recorded",
    "not_reached": "Not reached after attempts",
    "decided_against": "Decided not to interview",
    "carer_info": "Carer information taken instead",
    "held": "Returns with an interview held",
    "held_in_time": "Held within the deadline",  # words() names its hours
}


def deadline_hours() -> int:
    """The service's deadline now (RHI_DEADLINE_HOURS): the one a return with no interview yet
    is measured against, and the words' when no return is in view."""
    return int(current_app.config["RHI_DEADLINE_HOURS"])


def words(given: Deadlines) -> dict[str, str]:
    """Each figure's words, the deadlines the returns counted were given in them
    (`deadlines_in`; rhi.deadlines.in_time_words): "Held within 72 hours", or "Held within its
    deadline (48 or 72 hours)" once the setting was changed within the period."""
    return {**FIGURES, "held_in_time": deadlines.in_time_words(given.or_hours(deadline_hours()))}


def waiting_words(given: Deadlines) -> dict[str, str]:
    """ "Waiting now"'s rows, the deadlines of the returns waiting in them (`waiting`)."""
    return {
        **WAITING,
        "overdue": deadlines.past_deadline_words(given.or_hours(deadline_hours())),
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
        # The status the child had for the return, never the status now
        # (rhi/episodes/legal_status.py): last month's figures do not change after it.
        "looked_after": Episode.legal_status == "looked_after",
        "at_home": and_(
            Episode.legal_status.is_not(None),
            Episode.legal_status.not_in(["looked_after", NOT_KNOWN]),
        ),
        "legal_not_recorded": or_(
            Episode.legal_status.is_(None), Episode.legal_status == NOT_KNOWN
        ),
        # Kept for the return beside its legal status (rhi/episodes/legal_status.py), never
        # the child's authorities now; None (no placing authority recorded) is not counted.
        "placed_from_elsewhere": Episode.placed_from_elsewhere.is_(True),
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
        "held_in_time": and_(held_clause(), _before_deadline(Interview.held_at)),
    }


# Made once, as rhi/access.py makes its aliases: the tables `_counting_team` looks in.
_SOCIAL_WORKER = aliased(User, name="counted_social_worker")
_EARLIER = aliased(Episode, name="counted_other_episode")


def _counting_team() -> ColumnElement[int]:
    """The one team whose figures count a return no team holds (a notification just recorded,
    no worker or team given it yet; or given to a worker with no team). Several teams see it,
    so that one of them allocates it (rhi/access.py `_episode_clause`), and each counted it: the
    teams' figures added up to more returns than there were (a probe). It is counted where a
    council would look for the child's returns: the team that keeps the child's record, else
    the team that held the child's latest return (the team that knows the child, and sees this
    one while nobody holds it), else the team of the child's social worker. Each sees the
    return, so a return someone sees is counted once. Needs `Child` in the query."""
    social_workers_team = (
        select(_SOCIAL_WORKER.team_id)
        .where(_SOCIAL_WORKER.id == Child.social_worker_id)
        .scalar_subquery()
    )
    last_held_by = (
        select(_EARLIER.held_by_team_id)
        .where(_EARLIER.child_id == Episode.child_id, _EARLIER.held_by_team_id.is_not(None))
        .order_by(_EARLIER.started_at.desc(), _EARLIER.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    # Given to a worker with no team, it is not the last holding team's to see.
    unallocated = access.unallocated_filter()
    return func.coalesce(Child.team_id, case((unallocated, last_held_by)), social_workers_team)


def counted_by(user: User) -> ColumnElement[bool]:
    """The returns `user`'s team counts, each return in one team only: the team that holds it
    (or last held it: rhi/episodes/holding.py), else `_counting_team`. Seeing is not counting:
    a manager also sees the returns other teams hold of their team's children, which those
    teams count. Always within what they may see (`access.episode_filter`)."""
    if user.team_id is None:
        return false()
    return and_(
        access.episode_filter(user),
        or_(
            Episode.held_by_team_id == user.team_id,
            and_(Episode.held_by_team_id.is_(None), _counting_team() == user.team_id),
        ),
    )


def _scoped(query: Select, user: User, chosen: Period) -> Select:
    """The returns `user`'s team counts (`counted_by`) that ended in the period, each with its
    first interview."""
    start, after = chosen.bounds
    return (
        query.join(Child, Child.id == Episode.child_id)
        .outerjoin(Interview, Interview.id == _first_interview())
        .where(
            counted_by(user),
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


def percent(part: int, whole: int) -> int:
    """`part` of `whole` (more than 0) as a whole percentage, a half rounded up (62.5 -> 63), as
    a board pack or a spreadsheet's ROUND does: Python's round() takes a half to the even
    number, so 62.5% showed as 62% beside 37.5% as 38% (a probe). In whole numbers, so no
    floating point lands a hair below the half. The one rule for every share the oversight
    pages show (`share`, rhi/oversight/disparities.py)."""
    return (200 * part + whole) // (2 * whole)


def share(part: int, whole: int) -> str:
    return f"{percent(part, whole)}%" if whole else "none to count"


def today_local(now: datetime) -> date:
    return to_local(now).date()


def _micros(moment: ColumnElement[datetime]) -> ColumnElement[int]:
    """A time as SQLite keeps it ("YYYY-MM-DD HH:MM:SS.ffffff") in whole microseconds since
    1970: exact, where julian days as floating point put a deadline exactly 72 hours away a
    hair before it."""
    seconds = cast(func.strftime("%s", moment), Integer)
    return seconds * 1_000_000 + cast(func.substr(moment, 21, 6), Integer)


def _before_deadline(moment: ColumnElement[datetime]) -> ColumnElement[bool]:
    """`moment` came before this return's own deadline (rhi.deadlines.Clock: at the deadline
    itself it is late): the one its interview was given when it was made (`due_at`, fixed then
    from the setting in force), counted from this return as from the first return the
    interview covers (rhi.deadlines.due_for_return, in SQL). The interview's own for the return
    it was made for; as much later for a later return it covers as that return came back later
    (one interview for two returns can be in time for the later and late for the earlier, as
    the inspectors' list says). Never the setting now: a change of it does not judge the past
    again. Exact to the microsecond on both databases; NULL with no interview.

    A moment before the interview's own deadline is before this return's too (a later
    return's is never earlier), so only an interview held after it asks for the first return
    it covers (a subquery per return): OR stops at the first answer on both databases, and
    most interviews are held in time."""
    first = first_return(Interview)
    if db.engine.dialect.name == "sqlite":
        # The interview's own deadline compared as the stored text, as the Returns clock
        # compares; a later return's in whole microseconds.
        since_return = _micros(moment) - _micros(Episode.returned_at)
        later = since_return < _micros(Interview.due_at) - _micros(first)
    else:
        later = moment < Interview.due_at + (Episode.returned_at - first)
    return or_(moment < Interview.due_at, later)


def deadlines_in(user: User, chosen: Period) -> Deadlines:
    """The deadlines the period's returns were given (rhi.episodes.queries.deadline_minutes),
    for the words of the figures: one aggregate (also asked by `overview`, in its pass)."""
    found = db.session.scalar(
        _scoped(select(_deadline_lengths()).select_from(Episode), user, chosen)
    )
    return as_deadlines(found)


def _deadline_lengths() -> ColumnElement[str]:
    return deadline_lengths(interview_deadline_minutes(Interview))


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
    ranks are ceil(n / 2) and ceil(9n / 10) in integer arithmetic, the same on both databases.

    A time before the return is not counted: an interview covering two returns was offered
    after the first, before the second, so it was not offered in answer to the second. Counted
    as a negative wait, it was the fastest offer of all and showed a median of "under an hour"
    where the only offer made after a return took a day (a probe)."""
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
        .where(when.is_not(None) if counted is None else counted, when >= Episode.returned_at)
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


def _late() -> ColumnElement[bool]:
    """The return's interview was held after the return's deadline (`_before_deadline`)."""
    return and_(held_clause(), ~_before_deadline(Interview.held_at))


def _interviews(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """How many interviews, each once, meet `condition` for one of the returns counted. The
    reason for a delay is recorded once, on the interview, and the page says "interviews": one
    interview for two returns, late for both, was counted twice (a probe)."""
    return func.count(func.distinct(case((condition, Interview.id))))


def delay_reasons(user: User, chosen: Period) -> dict[str, int]:
    """How many interviews held after their deadline were late for each reason (DELAY_REASONS,
    and "not said"), for the returns in the period: one GROUP BY. Each interview once
    (`_interviews`), however many of the period's returns it was late for."""
    rows = db.session.execute(
        _scoped(
            select(Interview.delay_reason, _interviews(_late())).select_from(Episode),
            user,
            chosen,
        )
        .where(_late())
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


def waiting(user: User, now: datetime) -> tuple[dict[str, int], Deadlines]:
    """Open returns not yet held, by their deadline now, and the deadlines they were given (for
    `waiting_words`): the Returns page's open returns and deadlines
    (rhi.episodes.queries.waiting_by_deadline), counted by `counted_by` as every figure on the
    page is.

    Joining only the first interview once said 3 where the Returns page listed 11 still to
    hold. Then, taken as the Returns page takes them (what the manager may see), a return of
    one team's child held by another team was waiting in both teams' figures, though the page
    says each return is counted by one team only, the one that holds it and does its work (a
    probe). The Returns page still lists it for both: seeing is not counting."""
    found = waiting_by_deadline(user, now, counted=counted_by(user))
    return dict(zip(WAITING, found.counts, strict=True)), found.deadlines


def waiting_now(user: User, now: datetime) -> dict[str, int]:
    """`waiting`'s counts alone."""
    return waiting(user, now)[0]


# The three groups the service is asked about by legal status, each a condition of _conditions.
LEGAL_GROUPS = {
    "looked_after": "Looked after",
    "at_home": "Living at home (not looked after)",
    "legal_not_recorded": "Not recorded",
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
    deadlines: Deadlines  # those the period's returns were given (`deadlines_in`)


def overview(user: User, chosen: Period) -> Overview:
    """`figures`, `by_legal_status`, `delay_reasons` and `deadlines_in` together, in one pass
    over the period's returns: what the service page and its PDF show, whatever the history
    (bench/service_page.py)."""
    conditions = _conditions()
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
            # Interviews, each once (`delay_reasons`). The reason first: `_late` is asked only
            # of the returns it counts.
            _interviews(
                and_(
                    Interview.delay_reason == reason
                    if reason
                    else or_(
                        Interview.delay_reason.is_(None),
                        Interview.delay_reason.not_in(list(DELAY_REASONS)),
                    ),
                    _late(),
                )
            )
            for reason in reasons
        ),
        _deadline_lengths(),
    ]
    *found, given = db.session.execute(
        _scoped(select(*columns).select_from(Episode), user, chosen)
    ).one()
    row = [int(value or 0) for value in found]
    names = ["returns", "children", *conditions]
    counts = dict(zip(names, row[: len(names)], strict=True))
    at = len(names)
    legal = []
    for key, words in LEGAL_GROUPS.items():
        legal.append((key, words, row[at], row[at + 1]))
        at += 2
    delays = dict(zip(reasons, row[at:], strict=True))
    return Overview({key: counts[key] for key in FIGURES}, legal, delays, as_deadlines(given))
