"""Which team a return is held by: `Episode.held_by_team_id`, the one place the rule is written.

A return allocated to a team is that team's; one allocated to a worker in person is their
team's as it was when it was given to them. A manager sees their team's returns (rhi/access.py
`_held_by_team`), so the team is kept on the return, not read from the worker each time: when a
worker moves team, the returns they held (closed ones included, with their interviews) stay with
the team that held them, and the new team's manager never sees children their team never had
(a probe found both: the old team's figures lost the returns, the new team's gained them, and
its manager could read the interviews). A worker's open returns go back to their old team when
they move (rhi/episodes/allocation.py `back_to_the_team`), which is this rule too.

Kept true on every flush that sets or changes who holds a return (`_before_flush`), whoever set
it: an allocation, the demo data, a test's fixture.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect, update
from sqlalchemy.orm import Session

from rhi.models.episodes import Episode
from rhi.models.people import Team, User

_HOLDERS = ("assigned_worker_id", "assigned_team_id", "assigned_worker", "assigned_team")


def _chosen(obj: Any, relationship: str, column: str, model: type, session: Session) -> Any:
    """What `obj` points at now, by whichever of the relationship and its id column was set
    last: a relationship set in this flush (a new team has no id yet), else the id (a service
    sets the id, and the relationship may still hold the one loaded before)."""
    if inspect(obj).attrs[relationship].history.has_changes():
        return getattr(obj, relationship)
    ident = getattr(obj, column)
    return session.get(model, ident) if ident is not None else None


def team_holding(episode: Episode, session: Session) -> Team | None:
    """The team the return is held by, from who holds it now: the team itself, or the worker's
    team (None for a worker with no team, or no one yet)."""
    team = _chosen(episode, "assigned_team", "assigned_team_id", Team, session)
    if team is not None:
        return team
    worker = _chosen(episode, "assigned_worker", "assigned_worker_id", User, session)
    return _chosen(worker, "team", "team_id", Team, session) if worker is not None else None


def _holder_changed(episode: Episode, session: Session) -> bool:
    if episode in session.new:
        return True
    state: Any = inspect(episode)
    return any(state.attrs[name].history.has_changes() for name in _HOLDERS)


def _joined_a_team(user: User, session: Session) -> Team | None:
    """The team a user was just put in, if their team changed in this flush."""
    state: Any = inspect(user)
    if not (state.attrs.team_id.history.has_changes() or state.attrs.team.history.has_changes()):
        return None
    return _chosen(user, "team", "team_id", Team, session)


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, flush_context: Any, instances: Any) -> None:
    """The choke point: whoever gave the return to someone, its team is right when written. A
    return taken from everyone (no worker, no team) keeps the team that last held it. A worker
    with no team held returns no team held: when they are given a team, that team holds them
    (a review: before, the new team's manager saw them through the worker; they must still).
    Returns held while the worker was in another team stay that team's."""
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Episode) and _holder_changed(obj, session):
            with session.no_autoflush:
                team = team_holding(obj, session)
                if team is not None and obj.held_by_team is not team:
                    obj.held_by_team = team
    for obj in list(session.dirty):
        if isinstance(obj, User) and obj.id is not None:
            with session.no_autoflush:
                team = _joined_a_team(obj, session)
            if team is not None and team.id is not None:
                session.execute(
                    update(Episode)
                    .where(Episode.assigned_worker_id == obj.id, Episode.held_by_team_id.is_(None))
                    .values(held_by_team_id=team.id)
                    .execution_options(synchronize_session="fetch")
                )
