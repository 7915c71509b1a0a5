"""Reading episodes for lists: always through rhi.access."""

from __future__ import annotations

from collections import defaultdict
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
    repeat_count: int | None  # episodes in the local window, when at or over the threshold


def waiting_returns(user: User, now: datetime) -> list[WaitingReturn]:
    """Children back from an episode whose interview has not yet happened, soonest due first."""
    cfg = current_app.config
    episodes = db.session.scalars(
        select(Episode)
        .where(access.episode_filter(user), Episode.returned_at.is_not(None))
        .options(selectinload(Episode.child), selectinload(Episode.interviews))
    ).all()

    # Recent starts per child, in one query, for the repeat-episode marker.
    window = timedelta(days=cfg["RHI_REPEAT_DAYS"])
    child_ids = {e.child_id for e in episodes}
    starts: dict[int, list[datetime]] = defaultdict(list)
    if child_ids:
        for child_id, started in db.session.execute(
            select(Episode.child_id, Episode.started_at).where(
                Episode.child_id.in_(child_ids), Episode.started_at >= now - window
            )
        ):
            starts[child_id].append(started)

    rows = []
    for episode in episodes:
        interview = episode.interview
        if interview is not None and interview.status_enum not in OPEN_STATUSES:
            continue
        assert episode.returned_at is not None
        due = interview.due_at if interview else deadlines.due_at(
            episode.returned_at, cfg["RHI_DEADLINE_HOURS"])
        rows.append(WaitingReturn(
            episode=episode,
            interview=interview,
            clock=deadlines.Clock(due=due, now=now),
            repeat_count=deadlines.repeat_episodes(
                starts[episode.child_id], now, cfg["RHI_REPEAT_EPISODES"], cfg["RHI_REPEAT_DAYS"]),
        ))
    rows.sort(key=lambda r: r.clock.due)
    return rows
