"""What a tablet keeps so the worker can carry on with no signal: `GET /sync/v1/copies`.

One entry per open (not locked) interview the user may see that covers a return on their Returns
list or is in progress, and one entry with `uuid: null` per waiting return with no interview
yet. Who may see what is asked of `rhi.access` only; the Returns list is `waiting_returns`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from rhi import access, audit, deadlines
from rhi.episodes.queries import waiting_returns
from rhi.extensions import db
from rhi.interviews import content as c
from rhi.models import Child, Episode, Interview, InterviewStatus, SyncConflict, User
from rhi.models.interviews import LOCKED_STATUSES
from rhi.prompts import age_band_for
from rhi.timefmt import to_local


def iso_utc(value: datetime) -> str:
    return value.isoformat(timespec="seconds") + "Z"


def _child(child: Child, on: datetime) -> dict[str, Any]:
    age = child.age_on(to_local(on).date())
    return {"display_name": child.display_name,
            "first_name": child.preferred_name or child.first_name,
            "age": age, "age_band": age_band_for(max(age, 0))}


def _returned(episodes: list[Episode]) -> str | None:
    back = [e.returned_at for e in episodes if e.returned_at is not None]
    return iso_utc(min(back)) if back else None


def _interview_entry(interview: Interview, now: datetime) -> dict[str, Any]:
    episodes = sorted(interview.episodes, key=lambda e: e.id)
    first = episodes[0]
    return {"uuid": interview.uuid, "version": interview.version, "status": interview.status,
            "episode_ids": [e.id for e in episodes],
            "content": c.normalise(interview.content),
            # The age the interview pages use for the prompts: on the day it was held.
            "child": _child(first.child, interview.held_at or now),
            "due_at": iso_utc(interview.due_at), "police_risk_grade": first.risk_grade,
            "returned_at": _returned(episodes)}


def _return_entry(episode: Episode, due: datetime, now: datetime) -> dict[str, Any]:
    return {"uuid": None, "episode_ids": [episode.id], "child": _child(episode.child, now),
            "due_at": iso_utc(due), "police_risk_grade": episode.risk_grade,
            "returned_at": _returned([episode])}


def copies(user: User, now: datetime) -> list[dict[str, Any]]:
    """The entries, soonest due first, with one `device.copy` audit event added to the session
    (the caller commits). Roles that do not record interview work get nothing."""
    interviews: list[dict[str, Any]] = []
    returns: list[dict[str, Any]] = []
    if access.can_record_interview_work(user):
        interviews, returns = _entries(user, now)
    audit.record("device.copy", user=user, object_type="user", object_id=user.id,
                 detail=f"{len(interviews)} interviews, {len(returns)} returns")
    return sorted(interviews + returns, key=lambda e: e["due_at"])


def waiting_versions(user: User) -> list[str]:
    """The device UUIDs of versions this user's tablet sent that still wait for a choice; the
    tablet forgets its copy of any other (someone may have chosen on another screen)."""
    return sorted(set(db.session.scalars(select(SyncConflict.device_uuid).where(
        SyncConflict.user_id == user.id, SyncConflict.resolved_at.is_(None)))))


def episode_copies(user: User, episode: Episode, now: datetime) -> list[dict[str, Any]]:
    """"Keep on this tablet" for one child's return: its open interview, or the return itself
    if it has none yet; nothing once the interview is finished or if the child is not back.
    The caller has checked the user may see the episode (rhi.access.get_episode) and commits
    the `device.copy` audit event added here."""
    entries: list[dict[str, Any]] = []
    if access.can_record_interview_work(user) and episode.returned_at is not None:
        interview = episode.interview
        if interview is None:
            due = deadlines.due_at(episode.returned_at, current_app.config["RHI_DEADLINE_HOURS"])
            entries = [_return_entry(episode, due, now)]
        elif not interview.locked:
            entries = [_interview_entry(interview, now)]
    audit.record("device.copy", user=user, object_type="episode", object_id=episode.id,
                 child_id=episode.child_id, detail=f"{len(entries)} kept on request")
    return entries


def _entries(user: User, now: datetime) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    waiting = waiting_returns(user, now)
    listed = {row.interview.id for row in waiting if row.interview is not None}
    found = db.session.scalars(
        select(Interview)
        .where(access.interview_filter(user), Interview.status.not_in(LOCKED_STATUSES),
               or_(Interview.status == InterviewStatus.IN_PROGRESS.value,
                   Interview.id.in_(listed)))
        .options(selectinload(Interview.episodes).selectinload(Episode.child))
    ).all()
    interviews = [_interview_entry(i, now) for i in found if i.episodes]
    returns = [_return_entry(row.episode, row.clock.due, now)
               for row in waiting if row.interview is None]
    return interviews, returns
