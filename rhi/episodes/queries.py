"""Reading episodes for lists: always through rhi.access.

The Returns list is one query for its rows (filtered and sorted in SQL) plus a fixed number for
what each card shows, however many cards there are: no query per card.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import (
    ColumnElement,
    DateTime,
    Integer,
    String,
    and_,
    case,
    cast,
    distinct,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import aliased, selectinload
from sqlalchemy.orm.util import AliasedClass

from rhi import access, deadlines
from rhi.deadlines import Deadlines
from rhi.episodes import imports_apply
from rhi.extensions import db
from rhi.models import Child, Episode, Interview, User, WaitingRow, interview_episodes
from rhi.models.episodes import NOT_GRADED
from rhi.models.interviews import OPEN_STATUSES, InterviewStatus
from rhi.sharing import outside_view

# How the Returns list may be sorted (`?sort=`), the default first; each breaks ties by deadline.
# "Most often reported missing" (in the repeat window), never "keeps going missing": the
# language guide (/work/shared/domain/language.md) asks for the count, not a habit.
SORTS = {
    "deadline": "Soonest deadline",
    "risk": "Highest police risk grade",
    "repeat": "Most often reported missing",
}
DEFAULT_SORT = "deadline"


# Users asked about in one statement by `users_for_whom`: SQLite allows 500 SELECTs in one
# UNION, so a longer list takes one more statement per this many users.
_PER_STATEMENT = 400


def users_for_whom(users: Sequence[User], holds: Callable[[User], ColumnElement[bool]]) -> set[int]:
    """The ids of the users for whom `holds(user)` (a clause built from one of rhi.access's
    filters) is true, asked in one statement (`SELECT id WHERE ... UNION ALL ...`) rather than
    one per user: each user's clause is rhi.access's own, built from the real user, so the rule
    stays written once and the number of statements does not grow with the number of staff."""
    found: set[int] = set()
    for start in range(0, len(users), _PER_STATEMENT):
        asked = [
            select(literal(user.id)).where(holds(user))
            for user in users[start : start + _PER_STATEMENT]
        ]
        found.update(db.session.scalars(union_all(*asked) if len(asked) > 1 else asked[0]))
    return found


@dataclass(frozen=True)
class Named:
    """A place or a person named in one of the child's earlier interviews."""

    name: str
    detail: str  # a place's area, a person's rough age: "" when not recorded
    kept_back: bool  # the child asked us not to pass it on (shown only to whole readers)


@dataclass(frozen=True)
class NamedBefore:
    places: list[Named] = field(default_factory=list)
    people: list[Named] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.places or self.people)


@dataclass(frozen=True)
class WaitingReturn:
    episode: Episode
    interview: Interview | None
    clock: deadlines.Clock
    repeat: str | None  # the repeat-episode marker's words, when at or over the threshold
    long: str | None = None  # the long-episode marker's words, when over the setting
    repeat_count: int = 0  # the child's episodes begun in the repeat window before now
    named: NamedBefore = field(default_factory=NamedBefore)


@dataclass(frozen=True)
class StillMissing:
    episode: Episode
    hours: int  # whole hours missing so far
    long: str | None
    # The child came back from a later time away (a late notification for this one, made with
    # a note by the import: rhi/episodes/overlaps.py BACK_SINCE): when that one began, so the
    # row says they are known to be back, not missing for hundreds of hours.
    back_since: datetime | None = None


def long_marker(started_at: datetime, returned_at: datetime | None, now: datetime) -> str | None:
    """The long-episode marker's words ("Missing more than 48 hours"), for an episode longer
    than `RHI_LONG_EPISODE_HOURS`, or one still going on for longer than that."""
    hours = current_app.config["RHI_LONG_EPISODE_HOURS"]
    if deadlines.is_long_episode(started_at, returned_at or now, hours):
        return f"Missing more than {hours} hours"
    return None


def hours_missing(started_at: datetime, now: datetime) -> int:
    return max(0, int((now - started_at).total_seconds() // 3600))


def recent_starts(child_ids: Iterable[int], now: datetime) -> dict[int, list[datetime]]:
    """When each child's episodes began within the repeat-episode window before `now`, in one
    query (a child with none is absent)."""
    window = timedelta(days=current_app.config["RHI_REPEAT_DAYS"])
    starts: dict[int, list[datetime]] = defaultdict(list)
    wanted = set(child_ids)
    if wanted:
        for child_id, started in db.session.execute(
            select(Episode.child_id, Episode.started_at).where(
                Episode.child_id.in_(wanted), Episode.started_at >= now - window
            )
        ):
            starts[child_id].append(started)
    return dict(starts)


def _in_repeat_window(episode: Any, now: datetime) -> ColumnElement[bool]:
    """The episode began in the repeat window before `now` (as `recent_starts` and
    `deadlines.repeat_episodes` count)."""
    window = timedelta(days=current_app.config["RHI_REPEAT_DAYS"])
    return and_(episode.started_at >= now - window, episode.started_at <= now)


def repeat_count(child_id: int, now: datetime) -> int:
    """How many of the child's episodes began in the repeat window before `now`."""
    found = db.session.scalar(
        select(func.count(Episode.id)).where(
            Episode.child_id == child_id, _in_repeat_window(Episode, now)
        )
    )
    return int(found or 0)


# Made once: an alias costs a copy of the table's columns, and these were made for every query.
_REPEAT_EPISODE = aliased(Episode, name="repeat_episode")
_LATEST_INTERVIEW = aliased(Interview, name="latest_interview")
_CURRENT_INTERVIEW = aliased(Interview, name="current_interview")
_OPEN_EPISODE = aliased(Episode, name="open_episode")


def is_open(episode: Any = Episode) -> ColumnElement[bool]:
    """The return is back and still open (its latest interview has no outcome yet:
    rhi/episodes/closing.py). The WHERE of the partial indexes of open returns
    (rhi/models/episodes.py), so a query filtering on it never reads the closed past."""
    return and_(episode.returned_at.is_not(None), episode.closed_at.is_(None))


def _repeat_count(now: datetime) -> Any:
    """`repeat_count` of the row's child, as a correlated subquery."""
    other = _REPEAT_EPISODE
    return (
        select(func.count(other.id))
        .where(other.child_id == Episode.child_id, _in_repeat_window(other, now))
        .correlate(Episode)
        .scalar_subquery()
    )


def _latest_of_open_returns() -> Any:
    """Each open return's latest interview (`Episode.interview`: the newest, the larger id
    for two begun in the same instant), as rows (episode_id, interview_id) to join.

    Ranked in one pass over the interviews of the open returns only (read through the index
    of open returns), not looked up return by return: a lookup for each open return, each
    reading the interviews, grew with open returns times interviews (tablets sending their
    interviews made the Returns page four times slower while they did). Every open return's,
    not only those the user may see: they are few, and the access rules are asked once, of
    the returns listed.

    MATERIALIZED on PostgreSQL, so it is ranked once per query whatever the plan: with
    statistics from before a morning's uploads, PostgreSQL took the open returns for a
    handful and ranked them all again for each one (650 open returns: the count took
    62-69 ms ranked again each time, 13-17 ms materialized, 4-5 ms with current statistics;
    bench/README.md, Load)."""
    ranked = (
        select(
            interview_episodes.c.episode_id,
            interview_episodes.c.interview_id,
            func.row_number()
            .over(
                partition_by=interview_episodes.c.episode_id,
                order_by=(_LATEST_INTERVIEW.created_at.desc(), _LATEST_INTERVIEW.id.desc()),
            )
            .label("newest_first"),
        )
        .join(_LATEST_INTERVIEW, _LATEST_INTERVIEW.id == interview_episodes.c.interview_id)
        .join(_OPEN_EPISODE, _OPEN_EPISODE.id == interview_episodes.c.episode_id)
        .where(is_open(_OPEN_EPISODE))
        .subquery("ranked")
    )
    return (
        select(ranked.c.episode_id, ranked.c.interview_id)
        .where(ranked.c.newest_first == 1)
        .cte("latest")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )


def _due_key(current: AliasedClass[Interview]) -> ColumnElement[datetime]:
    """When the return is due, to sort and compare by: the interview's deadline, or the return
    plus the deadline hours before there is one. Compared as the times themselves, to the
    microsecond, as the Returns clock (rhi/deadlines.py) compares them: julian days or epoch
    seconds, as floating point, put a deadline exactly 24 hours away a hair before it."""
    return func.coalesce(current.due_at, due_from_return(), type_=DateTime)


_FIRST_RETURN = aliased(Episode, name="first_return")
_FIRST_RETURN_LINK = interview_episodes.alias("first_return_link")


def first_return(interview: Any = Interview) -> ColumnElement[datetime]:
    """When the first of the returns `interview` covers came back: its deadline (`due_at`) was
    set from that return, with the setting in force when it was made (rhi/episodes/service.py,
    rhi/sync/apply.py). A correlated subquery, read through the link table's key: one
    interview's returns, never the history."""
    link, episode = _FIRST_RETURN_LINK, _FIRST_RETURN
    return (
        select(func.min(episode.returned_at))
        .select_from(link)
        .join(episode, episode.id == link.c.episode_id)
        .where(link.c.interview_id == interview.id)
        .correlate(interview)
        .scalar_subquery()
    )


def _minutes_between(later: Any, earlier: Any) -> ColumnElement[int]:
    """Whole minutes (rounded) between two stored times, in SQL."""
    if db.engine.dialect.name == "sqlite":
        minutes = (func.julianday(later) - func.julianday(earlier)) * 1440.0
    else:
        minutes = func.extract("epoch", later - earlier) / 60.0
    return cast(func.round(minutes), Integer)


def deadline_minutes(due: Any, first: Any) -> ColumnElement[int]:
    """How long the deadline of a return is, in whole minutes after the return: the one its
    interview was given (its `due_at`, `due`, less the first return it covers, `first`:
    rhi.deadlines.deadline_minutes), or, with no interview yet (both NULL), the service's hours
    now, as the Returns card says and as its interview will be given when first recorded. What
    `Deadlines` counts, so a heading names only the deadlines its returns were given."""
    hours = int(current_app.config["RHI_DEADLINE_HOURS"])
    return func.coalesce(_minutes_between(due, first), literal(hours * 60))


def interview_deadline_minutes(interview: Any = Interview) -> ColumnElement[int]:
    """`deadline_minutes` of the return whose interview is `interview` (outer joined)."""
    return deadline_minutes(interview.due_at, first_return(interview))


def deadline_lengths(minutes: Any) -> ColumnElement[str]:
    """The different values of `minutes` (`deadline_minutes`) among the rows counted, as one
    aggregate ("2880,4320"; `as_deadlines` reads it): each row's worked out once, where
    shortest, longest and how many would each work it out again (a subquery per return)."""
    text = cast(minutes, String)
    if db.engine.dialect.name == "sqlite":
        return func.group_concat(distinct(text))
    return func.string_agg(distinct(text), literal(","))


def as_deadlines(found: str | None) -> Deadlines:
    """`Deadlines` from what `deadline_lengths` gave (None: no row)."""
    return Deadlines.of(int(length) for length in (found or "").split(",") if length)


def return_clock(episode: Episode, now: datetime) -> deadlines.Clock:
    """Where a return that is back stands against its deadline: its interview's, or, before it
    has one, the return plus the deadline hours now (`due_from_return`, which the interview is
    given when first recorded). The Returns card and the return's own page say it alike."""
    assert episode.returned_at is not None
    interview = episode.interview
    if interview is not None:
        return deadlines.Clock(due=interview.due_at, now=now, held=interview.held_at)
    hours = int(current_app.config["RHI_DEADLINE_HOURS"])
    return deadlines.Clock(due=deadlines.due_at(episode.returned_at, hours), now=now)


def due_from_return() -> ColumnElement[datetime]:
    """The return plus the service's deadline hours (rhi.deadlines.due_at, in SQL), to the
    microsecond: the Returns lists' deadline before there is an interview (which is given the
    same when first recorded)."""
    hours = int(current_app.config["RHI_DEADLINE_HOURS"])
    if db.engine.dialect.name == "sqlite":
        # SQLite keeps a time as text, "YYYY-MM-DD HH:MM:SS.ffffff", which sorts as the time
        # does: the return plus whole hours is the same text with its date and hour moved.
        return func.datetime(Episode.returned_at, f"+{hours} hours").op("||", return_type=DateTime)(
            func.substr(Episode.returned_at, 20)
        )
    return Episode.returned_at + timedelta(hours=hours)


def _risk_rank() -> ColumnElement[int]:
    """The police risk grade's place in the configured list (the last is the highest); a
    grade not on the list, such as "Not graded by police", comes after every graded one."""
    grades = current_app.config["RHI_RISK_GRADES"]
    if not grades:
        return literal(0)
    return case(
        {grade: rank for rank, grade in enumerate(grades)}, value=Episode.risk_grade, else_=-1
    )


# How many returns the Returns page shows at a time (each list has its own "Next page").
PER_PAGE = 50


def _open_returns(user: User, current: AliasedClass[Interview], allocated: bool | None) -> Any:
    """The WHERE of `waiting_returns` and `count_waiting`: returns `user` may see that are back
    and whose latest interview (joined as `current`) is not over, allocated or not as asked."""
    open_statuses = [status.value for status in OPEN_STATUSES]
    latest = _latest_of_open_returns()
    query = (
        select(Episode.id)
        .outerjoin(latest, latest.c.episode_id == Episode.id)
        .outerjoin(current, current.id == latest.c.interview_id)
        .where(
            is_open(),
            access.episode_filter(user),
            or_(
                current.id.is_(None),
                and_(current.status.in_(open_statuses), current.outcome.is_(None)),
            ),
        )
    )
    if allocated is True:
        query = query.where(~access.unallocated_filter())
    elif allocated is False:
        query = query.where(access.unallocated_filter())
    return query


def open_interviews() -> Any:
    """The ids of the interviews covering a return that is back and still open: a SELECT to
    ask `IN`, read through the index of open returns (`ix_episodes_open`), so its cost is the
    open returns', not the history's."""
    return (
        select(interview_episodes.c.interview_id)
        .join(Episode, Episode.id == interview_episodes.c.episode_id)
        .where(is_open())
    )


@dataclass(frozen=True)
class Waiting:
    """How many returns a list holds in all, and how many of those are overdue; and the
    deadlines they were given, for the words above the list (not part of the count)."""

    total: int
    overdue: int
    deadlines: Deadlines = field(default_factory=Deadlines, compare=False)
    # Of the total, interviews held and being written up: waiting for nothing but the worker,
    # so said apart from those waiting for an interview (the service page's "Waiting now"
    # counts only those: an oversight probe found 20 here and 12 there).
    held: int = 0

    @property
    def for_an_interview(self) -> int:
        return self.total - self.held


def count_waiting(user: User, now: datetime, *, allocated: bool | None = True) -> Waiting:
    """The count line of a Returns list, as one COUNT query (the page shows 50 at a time):
    every open return the list holds, and those at or past their deadline (`Clock.overdue`:
    an interview held and being written up is not overdue, however late it was held); with the
    deadlines they were given (`deadline_minutes`), so the page names only those."""
    current = _CURRENT_INTERVIEW
    due_key = _due_key(current)
    inner = _open_returns(user, current, allocated).add_columns(
        due_key.label("due_key"),
        current.held_at.label("held_at"),
        interview_deadline_minutes(current).label("deadline"),
    )
    rows = inner.subquery()
    late = and_(rows.c.due_key <= now, rows.c.held_at.is_(None))
    total, overdue, held, given = db.session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((late, 1), else_=0)), 0),
            func.coalesce(func.sum(case((rows.c.held_at.is_not(None), 1), else_=0)), 0),
            deadline_lengths(rows.c.deadline),
        ).select_from(rows)
    ).one()
    return Waiting(int(total or 0), int(overdue or 0), as_deadlines(given), int(held or 0))


@dataclass(frozen=True)
class ByDeadline:
    """`waiting_by_deadline`'s counts, and the deadlines of the returns counted."""

    overdue: int
    due_soon: int
    later: int
    deadlines: Deadlines

    @property
    def counts(self) -> tuple[int, int, int]:
        return self.overdue, self.due_soon, self.later


def waiting_by_deadline(
    user: User, now: datetime, *, counted: ColumnElement[bool] | None = None
) -> ByDeadline:
    """The open returns the Returns lists hold for `user`, allocated or not, whose interview is
    not held yet, by its deadline now: at or past it (`Clock.overdue`), due within 24 hours,
    due later. The service page's "Waiting now" (rhi/oversight/figures.py): the Returns page's
    returns (`_open_returns`: the latest interview, returns with no interview yet included, an
    "unable to contact" still open) and deadline (`_due_key`), less those held and being
    written up, which wait for nothing but the worker. With the deadlines they were given
    (`deadline_minutes`), so "Past the 72 hours" is said only of returns given 72.

    `counted`: only the returns it holds (over Episode and Child), as the service's figures
    count each return in one team (rhi/oversight/figures.py counted_by): seeing is not
    counting."""
    current = _CURRENT_INTERVIEW
    query = _open_returns(user, current, None)
    if counted is not None:
        query = query.join(Child, Child.id == Episode.child_id).where(counted)
    rows = (
        query.where(or_(current.id.is_(None), current.held_at.is_(None)))
        .add_columns(
            _due_key(current).label("due_key"),
            interview_deadline_minutes(current).label("deadline"),
        )
        .subquery()
    )
    at, soon = now, now + timedelta(hours=24)
    overdue, due_soon, later, given = db.session.execute(
        select(
            func.coalesce(func.sum(case((rows.c.due_key <= at, 1), else_=0)), 0),
            func.coalesce(
                func.sum(case((and_(rows.c.due_key > at, rows.c.due_key < soon), 1), else_=0)), 0
            ),
            func.coalesce(func.sum(case((rows.c.due_key >= soon, 1), else_=0)), 0),
            deadline_lengths(rows.c.deadline),
        ).select_from(rows)
    ).one()
    return ByDeadline(int(overdue), int(due_soon), int(later), as_deadlines(given))


def waiting_returns(
    user: User,
    now: datetime,
    *,
    allocated: bool | None = True,
    sort: str = DEFAULT_SORT,
    with_named: bool = False,
    limit: int | None = None,
    offset: int = 0,
    interviewer_side: bool = False,
) -> list[WaitingReturn]:
    """Children back from an episode whose interview has not yet happened, in the order `sort`
    names (soonest due first by default): those allocated to someone (`allocated=True`, the
    Returns list), those waiting to be allocated (False), or both (None). With `with_named`,
    each carries the places and people of the child's earlier interviews (the Returns cards;
    a tablet's copy does not hold them, so it does not pay for reading them).

    Filtered and sorted in the database: returns whose interview is over are never loaded, so
    the list costs what it shows, not every return the user ever had; with `limit` (the
    page's 50, a tablet's 200) and `offset`, only that part of the list is read. With
    `interviewer_side`, only the returns the user may record work on (a tablet's copy): kept in
    the query, so a limit is never filled with others' returns first."""
    current = _CURRENT_INTERVIEW
    repeats = _repeat_count(now).label("repeat_count")
    due_key = _due_key(current)
    # Open until the return has its one outcome; a "no" with the offer kept open is listed
    # apart ("Offer open", `offer_open`), still without an outcome.
    query = _open_returns(user, current, allocated).with_only_columns(Episode, repeats)
    if interviewer_side:
        query = query.where(access.interviewer_side_filter(user))
    first: list[Any] = {
        "risk": [_risk_rank().desc()],
        "repeat": [repeats.desc()],
    }.get(sort, [])
    query = query.order_by(*first, due_key, Episode.id)
    if limit is not None:
        query = query.limit(limit).offset(max(0, offset))
    found = db.session.execute(
        query.options(
            selectinload(Episode.child),
            selectinload(Episode.interviews),
            selectinload(Episode.assigned_worker),
            selectinload(Episode.assigned_team),
        )
    ).all()
    named = named_before(user, {e.child_id for e, _ in found}) if with_named else {}

    rows = []
    for episode, count in found:
        interview = episode.interview
        if interview is not None and (
            interview.status_enum not in OPEN_STATUSES or interview.outcome is not None
        ):
            continue  # the SQL above says the same; kept so the two can never disagree
        rows.append(
            WaitingReturn(
                episode=episode,
                interview=interview,
                clock=return_clock(episode, now),
                repeat=repeat_phrase(int(count or 0)),
                long=long_marker(episode.started_at, episode.returned_at, now),
                repeat_count=int(count or 0),
                named=earlier_for(episode, named.get(episode.child_id, []), now),
            )
        )
    return rows


@dataclass(frozen=True)
class OfferOpen:
    """A child who said no, with the offer kept open: no outcome yet."""

    episode: Episode
    interview: Interview
    clock: deadlines.Clock
    reoffer_due: bool  # the re-offer date has come


def offer_open(user: User, now: datetime) -> list[OfferOpen]:
    """Returns `user` may see whose child said no with the offer kept open and that have no
    outcome yet, soonest re-offer first: one query for the rows (and one each for the loaded
    children and holders), however many there are."""
    current = _CURRENT_INTERVIEW
    latest = _latest_of_open_returns()
    found = db.session.execute(
        select(Episode, current)
        .join(latest, latest.c.episode_id == Episode.id)
        .join(current, current.id == latest.c.interview_id)
        .where(
            is_open(),  # a "no" with the offer kept open is not closed
            access.episode_filter(user),
            current.status == InterviewStatus.DECLINED.value,
            current.outcome.is_(None),
        )
        .order_by(current.reoffer_at.is_(None), current.reoffer_at, Episode.id)
        .options(
            selectinload(Episode.child),
            selectinload(Episode.assigned_worker),
            selectinload(Episode.assigned_team),
        )
    ).all()
    return [
        OfferOpen(
            episode=episode,
            interview=interview,
            clock=deadlines.Clock(due=interview.due_at, now=now),
            reoffer_due=interview.reoffer_at is not None and interview.reoffer_at <= now,
        )
        for episode, interview in found
    ]


def repeat_phrase(count: int) -> str | None:
    """The repeat-episode marker's words for a count of recent episodes (`repeat_count`), when
    it reaches the local threshold."""
    cfg = current_app.config
    reached = count if count >= cfg["RHI_REPEAT_EPISODES"] else None
    return deadlines.repeat_phrase(reached, cfg["RHI_REPEAT_DAYS"])


@dataclass(frozen=True)
class _Read:
    """What one earlier interview lets this user see of its places and people."""

    interview_id: int
    created_at: datetime
    places: list[dict[str, Any]]
    people: list[dict[str, Any]]


def named_before(user: User, child_ids: Iterable[int]) -> dict[int, list[_Read]]:
    """The places and people in each child's interviews, as far as `user` may read them, by
    child, oldest interview first: at most two queries, whatever the number of children.

    The rules are those of reading the interview itself (rhi/interviews/views.py): nothing for
    someone who may not open it (rhi.access.interview_filter; a coordinator opens none); the
    whole of it for the interviewer's side; the social worker's copy (rhi.sharing.outside_view:
    what the child agreed to share with them, and what a decision in force releases) for anyone
    else (rhi.access.whole_interview_filter says which are whole, in the same query)."""
    from rhi.interviews.decisions import in_force_for  # decisions imports this module

    wanted = set(child_ids)
    if not wanted or not access.can_read_interviews(user):
        return {}
    whole = access.whole_interview_filter(user)
    # Only what the cards show: a child with many interviews must not cost their whole
    # documents. Whole interviews bring their places and people; any other brings its document,
    # for the social worker's copy to be made from.
    rows = db.session.execute(
        select(
            Interview.id,
            Interview.child_id,
            Interview.created_at,
            whole.label("whole"),
            Interview.locked.label("finished"),
            Interview.content["places"].label("places"),
            Interview.content["people"].label("people"),
            case((whole, null()), else_=Interview.content).label("document"),
        )
        .where(Interview.child_id.in_(wanted), access.interview_filter(user))
        .order_by(Interview.created_at, Interview.id)
    ).all()
    released = in_force_for([row.id for row in rows if not row.whole])
    found: dict[int, list[_Read]] = defaultdict(list)
    for row in rows:
        if row.whole:
            places, people = row.places or [], row.people or []
        else:
            copy = outside_view(
                row.document, in_force=released.get(row.id, set()), finished=row.finished
            )
            places, people = copy.places, copy.people
        found[row.child_id].append(_Read(row.id, row.created_at, list(places), list(people)))
    return dict(found)


def _named(entries: Iterable[dict[str, Any]], detail: str) -> list[Named]:
    """Each name once (the first spelling), kept back only if every mention of it was."""
    seen: dict[tuple[str, str], Named] = {}
    for entry in entries:
        name = str(entry.get("name") or "").strip()
        if not name:
            continue
        extra = str(entry.get(detail) or "").strip()
        key = (name.casefold(), extra.casefold())
        kept = bool(entry.get("private"))
        if key in seen:
            kept = kept and seen[key].kept_back
            seen[key] = Named(seen[key].name, seen[key].detail, kept)
        else:
            seen[key] = Named(name, extra, kept)
    return list(seen.values())


def earlier_for(episode: Episode, reads: list[_Read], now: datetime) -> NamedBefore:
    """The places and people named in the child's interviews before this episode's own: those
    not covering this episode, begun before its interview was (or before now, if none yet)."""
    own = {i.id for i in episode.interviews}
    current = episode.interview
    before = current.created_at if current is not None else now
    earlier = [r for r in reads if r.interview_id not in own and r.created_at < before]
    return NamedBefore(
        places=_named((p for r in earlier for p in r.places), "area"),
        people=_named((p for r in earlier for p in r.people), "age"),
    )


def still_missing(user: User, now: datetime) -> list[StillMissing]:
    """Children still missing, as far as `user` may see, longest missing first."""
    episodes = db.session.scalars(
        select(Episode)
        .where(access.episode_filter(user), Episode.returned_at.is_(None))
        .options(
            selectinload(Episode.child),
            selectinload(Episode.assigned_worker),
            selectinload(Episode.assigned_team),
        )
        .order_by(Episode.started_at, Episode.id)
    ).all()
    back = _back_since(user, episodes)
    return [
        StillMissing(
            episode=e,
            hours=hours_missing(e.started_at, now),
            long=long_marker(e.started_at, None, now),
            back_since=back.get(e.id),
        )
        for e in episodes
    ]


def _back_since(user: User, missing: Sequence[Episode]) -> dict[int, datetime]:
    """For each episode still open, the start of the child's first later time away that has
    its return, among those `user` may see: one query for the list (children missing now are
    few), each child's later times away counted in SQL."""
    if not missing:
        return {}
    # The earliest per child (a child has one time away open, as the forms keep it; where an
    # import left two, the later one is said only when it holds).
    later = db.session.execute(
        select(Episode.child_id, func.min(Episode.started_at))
        .where(
            or_(
                *(
                    and_(Episode.child_id == e.child_id, Episode.started_at > e.started_at)
                    for e in missing
                )
            ),
            Episode.returned_at.is_not(None),
            access.episode_filter(user),
        )
        .group_by(Episode.child_id)
    ).all()
    first = {child: at for child, at in later}
    return {
        e.id: first[e.child_id]
        for e in missing
        if e.child_id in first and first[e.child_id] > e.started_at
    }


# How many of the notifications waiting for a person, with the child still missing, the
# Returns page lists one by one; it counts them all and links to the waiting page for the rest.
WAITING_LISTED = 20


@dataclass(frozen=True)
class WaitingMissing:
    """A notification waiting for a person that says the child is still missing (no found
    time), as the Returns page lists it: nothing of the child rhi may know (that is on the
    waiting page, read and audited there)."""

    id: int
    police_reference: str
    reported_at: datetime | None  # UTC, read by today's rules; None: `reported_text` as sent
    reported_text: str
    risk_grade: str
    hours: int | None


@dataclass(frozen=True)
class WaitingNotifications:
    """The police notifications waiting for a person to say who the child is, that `user`
    settles on the waiting page: how many, how many of those say the child is still missing,
    and the first `WAITING_LISTED` of those."""

    total: int
    still_missing: int
    listed: list[WaitingMissing]


def _no_found_time() -> ColumnElement[bool]:
    """The notification gives no found time: its "returned" cell is missing, null or blank."""
    returned = WaitingRow.values["returned"].as_string()
    return func.trim(func.coalesce(returned, "")) == ""


def waiting_notifications(user: User, now: datetime) -> WaitingNotifications | None:
    """For those who settle notifications waiting for a person (the waiting page's own check,
    `access.can_import`; None for anyone else), the rows that page lists them: their team's,
    for a child they may see (`imports_apply.waiting_scope`, the rule's one home). Counted in
    one COUNT; the still-missing ones listed from one query with a LIMIT, oldest first as the
    waiting page orders them: two statements, whatever the number waiting.

    The child scope is handed to `waiting_scope` tied to each row's own candidate
    (`Child.id == WaitingRow.candidate_child_id`): the same children, asked of the row's one
    candidate through the primary key, rather than of every child the user may see."""
    if not access.can_import(user):
        return None
    scope = and_(
        WaitingRow.resolved_at.is_(None),
        imports_apply.waiting_scope(
            user.team_id,
            and_(Child.id == WaitingRow.candidate_child_id, access.child_filter(user)),
        ),
    )
    missing = _no_found_time()
    total, still = db.session.execute(
        select(
            func.count(WaitingRow.id),
            func.coalesce(func.sum(case((missing, 1), else_=0)), 0),
        ).where(scope)
    ).one()
    if not total:
        return WaitingNotifications(0, 0, [])
    rows = db.session.execute(
        select(WaitingRow.id, WaitingRow.police_reference, WaitingRow.values)
        .where(scope, missing)
        .order_by(WaitingRow.created_at, WaitingRow.id)
        .limit(WAITING_LISTED)
    ).all()
    return WaitingNotifications(int(total), int(still or 0), [_listed(*row, now) for row in rows])


def _listed(
    waiting_id: int, reference: str, values: dict[str, Any], now: datetime
) -> WaitingMissing:
    """One still-missing notification's time and grade, read by the import's own rules (its
    cells are text as sent: "23/11/2026 05:00" from a file, a local time); as sent where those
    rules no longer read it."""
    notice = imports_apply.check_row(0, values).notice
    started = notice.started_at if notice is not None else None
    if notice is not None:
        grade = notice.risk_grade or NOT_GRADED
    else:
        grade = str(values.get("risk_grade") or "").strip() or NOT_GRADED
    return WaitingMissing(
        id=waiting_id,
        police_reference=reference,
        reported_at=started,
        reported_text=str(values.get("reported_missing") or "").strip(),
        risk_grade=grade,
        hours=hours_missing(started, now) if started is not None else None,
    )
