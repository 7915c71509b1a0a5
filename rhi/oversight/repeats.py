"""Repeat and long episodes, counted in SQL over the episodes a person may see (rhi/access.py),
as the service page counts. No Flask here: the settings come in as numbers.

- A child is at or over the repeat threshold when at least `episodes` of their episodes began
  in the `days` before now: the rule of the Returns page's marker (rhi.episodes.queries and
  rhi.deadlines.repeat_episodes), so the two pages never disagree. The count is a GROUP BY ...
  HAVING over the window, never every episode read into Python.
- Every episode of a child the person may see is counted, whoever holds it (the marker's rule);
  only those they may see are listed, so every line links to a record they can open, and the
  page says how many others hold.
- A strategy meeting counts as asked for when a request was made since the window began, or an
  earlier one is still open (waiting to be held): a child over the threshold with neither is
  highlighted on the page.
- A long episode is one that lasted more than `hours` (rhi.deadlines.is_long_episode: exactly
  the setting is not long), counted when the child came back in the chosen period, as the
  service page counts returns.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select
from sqlalchemy.orm import selectinload

from rhi import access
from rhi.actions import rules
from rhi.extensions import db
from rhi.models import Child, Episode, FollowedAction, User
from rhi.oversight.figures import Period

T = TypeVar("T")


@dataclass(frozen=True)
class RepeatChild:
    child: Child
    count: int  # episodes begun in the window, every one (listed: those the person may see)
    episodes: list[Episode] = field(default_factory=list)  # those episodes, oldest first
    meeting: FollowedAction | None = None  # the latest request that counts (see the module)

    @property
    def needs_meeting(self) -> bool:
        return self.meeting is None


@dataclass(frozen=True)
class Page(Generic[T]):
    rows: list[T]
    total: int
    number: int  # from 1
    per_page: int

    @property
    def more(self) -> bool:
        return self.number * self.per_page < self.total


def _in_window(user: User, since: datetime, now: datetime) -> ColumnElement[bool]:
    return and_(access.episode_filter(user), Episode.started_at >= since, Episode.started_at <= now)


def _counted_in_window(user: User, since: datetime, now: datetime) -> ColumnElement[bool]:
    """Every episode in the window of a child the person may see, whoever holds each: the
    threshold is about the child (the Returns card's marker counts them all), and a child whose
    episodes two teams hold was on neither manager's page. Only those they may see are listed."""
    return and_(
        Episode.child_id.in_(select(Child.id).where(access.child_filter(user))),
        Episode.started_at >= since,
        Episode.started_at <= now,
    )


def _meeting_counts(since: datetime) -> ColumnElement[bool]:
    """A strategy meeting request that counts as "asked for" for the window from `since`."""
    return and_(
        FollowedAction.kind == rules.STRATEGY_MEETING,
        or_(FollowedAction.created_at >= since, FollowedAction.status == rules.OPEN),
    )


def repeat_children(
    user: User,
    now: datetime,
    *,
    episodes: int,
    days: int,
    page: int = 1,
    per_page: int = 20,
) -> Page[RepeatChild]:
    """The children at or over the threshold, a page at a time: those with no strategy meeting
    asked for first, then the most episodes, then the latest. Four statements, whatever the
    number of children: the total, the page, the page's episodes and its meetings."""
    since = now - timedelta(days=days)
    counted = (
        select(
            Episode.child_id.label("child_id"),
            func.count(Episode.id).label("n"),
            func.max(Episode.started_at).label("latest"),
        )
        .where(_counted_in_window(user, since, now))
        .group_by(Episode.child_id)
        .having(func.count(Episode.id) >= episodes)
        .subquery()
    )
    total = db.session.scalar(select(func.count()).select_from(counted)) or 0
    asked = (
        select(FollowedAction.id)
        .where(FollowedAction.child_id == counted.c.child_id, _meeting_counts(since))
        .exists()
    )
    found = db.session.execute(
        select(Child, counted.c.n)
        .join(counted, counted.c.child_id == Child.id)
        .order_by(
            case((asked, 1), else_=0),
            counted.c.n.desc(),
            counted.c.latest.desc(),
            Child.id,
        )
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    ids = [child.id for child, _ in found]
    timelines = _timelines(user, ids, since, now)
    meetings = _latest_meetings(ids, since)
    rows = [
        RepeatChild(
            child=child,
            count=int(n),
            episodes=timelines.get(child.id, []),
            meeting=meetings.get(child.id),
        )
        for child, n in found
    ]
    return Page(rows, int(total), page, per_page)


def _timelines(
    user: User, child_ids: list[int], since: datetime, now: datetime
) -> dict[int, list[Episode]]:
    """The counted episodes of the children on the page, oldest first: one query, bounded by
    the page's children and the window."""
    if not child_ids:
        return {}
    found: dict[int, list[Episode]] = defaultdict(list)
    for episode in db.session.scalars(
        select(Episode)
        .where(Episode.child_id.in_(child_ids), _in_window(user, since, now))
        .order_by(Episode.child_id, Episode.started_at, Episode.id)
    ):
        found[episode.child_id].append(episode)
    return dict(found)


def _latest_meetings(child_ids: list[int], since: datetime) -> dict[int, FollowedAction]:
    """Each child's latest strategy meeting request that counts, in one query (a window
    function picks the latest per child in the database)."""
    if not child_ids:
        return {}
    ranked = (
        select(
            FollowedAction.id.label("id"),
            func.row_number()
            .over(
                partition_by=FollowedAction.child_id,
                order_by=(FollowedAction.created_at.desc(), FollowedAction.id.desc()),
            )
            .label("rank"),
        )
        .where(FollowedAction.child_id.in_(child_ids), _meeting_counts(since))
        .subquery()
    )
    latest = db.session.scalars(
        select(FollowedAction)
        .join(ranked, ranked.c.id == FollowedAction.id)
        .where(ranked.c.rank == 1)
        .options(selectinload(FollowedAction.updated_by))
    )
    return {meeting.child_id: meeting for meeting in latest}


def _length() -> Any:
    """How long the episode lasted, in SQL, as something to compare and sort by (each database
    says it its own way: seconds on SQLite, an interval on PostgreSQL)."""
    if db.engine.dialect.name == "sqlite":
        return (func.julianday(Episode.returned_at) - func.julianday(Episode.started_at)) * 86400
    return Episode.returned_at - Episode.started_at


def _longer_than(hours: int) -> ColumnElement[bool]:
    """The episode lasted more than `hours`. SQLite has no intervals: julianday differences are
    exact to well under a millisecond, so a millisecond's margin keeps an episode of exactly
    `hours` from counting as longer."""
    if db.engine.dialect.name == "sqlite":
        return _length() > literal(hours * 3600 + 0.001)
    return _length() > literal(timedelta(hours=hours))


def long_episodes(
    user: User, chosen: Period, *, hours: int, page: int = 1, per_page: int = 50
) -> Page[Episode]:
    """Episodes that lasted more than `hours`, whose child came back in the period, longest
    first, a page at a time."""
    start, after = chosen.bounds
    where = and_(
        access.episode_filter(user),
        Episode.returned_at >= start,
        Episode.returned_at < after,
        _longer_than(hours),
    )
    total = db.session.scalar(select(func.count(Episode.id)).where(where)) or 0
    rows = db.session.scalars(
        select(Episode)
        .where(where)
        .options(selectinload(Episode.child))
        .order_by(_length().desc(), Episode.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return Page(list(rows), int(total), page, per_page)
