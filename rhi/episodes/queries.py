"""Reading episodes for lists: always through rhi.access."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from rhi import access, deadlines
from rhi.extensions import db
from rhi.models import Episode, Interview, User
from rhi.models.interviews import OPEN_STATUSES


@dataclass(frozen=True)
class WaitingReturn:
    episode: Episode
    interview: Interview | None
    clock: deadlines.Clock
    repeat: str | None  # the repeat-episode marker's words, when at or over the threshold
    long: str | None = None  # the long-episode marker's words, when over the setting


@dataclass(frozen=True)
class StillMissing:
    episode: Episode
    hours: int  # whole hours missing so far
    long: str | None


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


def repeat_marker(starts: list[datetime], now: datetime) -> str | None:
    """The repeat-episode marker's words for a child whose episodes began at `starts`."""
    cfg = current_app.config
    return deadlines.repeat_phrase(
        deadlines.repeat_episodes(starts, now, cfg["RHI_REPEAT_EPISODES"], cfg["RHI_REPEAT_DAYS"]),
        cfg["RHI_REPEAT_DAYS"],
    )


def waiting_returns(
    user: User, now: datetime, *, allocated: bool | None = True
) -> list[WaitingReturn]:
    """Children back from an episode whose interview has not yet happened, soonest due first:
    those allocated to someone (`allocated=True`, the Returns list), those waiting to be
    allocated (False), or both (None)."""
    cfg = current_app.config
    query = select(Episode).where(access.episode_filter(user), Episode.returned_at.is_not(None))
    if allocated is True:
        query = query.where(~access.unallocated_filter())
    elif allocated is False:
        query = query.where(access.unallocated_filter())
    episodes = db.session.scalars(
        query.options(
            selectinload(Episode.child),
            selectinload(Episode.interviews),
            selectinload(Episode.assigned_worker),
            selectinload(Episode.assigned_team),
        )
    ).all()
    starts = recent_starts({e.child_id for e in episodes}, now)

    rows = []
    for episode in episodes:
        interview = episode.interview
        if interview is not None and interview.status_enum not in OPEN_STATUSES:
            continue
        assert episode.returned_at is not None
        due = (
            interview.due_at
            if interview
            else deadlines.due_at(episode.returned_at, cfg["RHI_DEADLINE_HOURS"])
        )
        rows.append(
            WaitingReturn(
                episode=episode,
                interview=interview,
                clock=deadlines.Clock(due=due, now=now),
                repeat=repeat_marker(starts.get(episode.child_id, []), now),
                long=long_marker(episode.started_at, episode.returned_at, now),
            )
        )
    rows.sort(key=lambda r: r.clock.due)
    return rows


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
    return [
        StillMissing(
            episode=e,
            hours=hours_missing(e.started_at, now),
            long=long_marker(e.started_at, None, now),
        )
        for e in episodes
    ]
