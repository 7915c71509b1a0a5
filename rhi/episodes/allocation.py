"""Allocating returns to a worker or a team, and telling the workers concerned. No HTTP here.

A manager or coordinator (rhi/access.py `can_allocate`) chooses from their own team's workers,
their own team, or another team (a child placed far away may be better seen by another team);
before choosing they see each worker's open returns and nearest deadline (`workloads`). Moving
a return someone already holds needs a reason. Each allocation is kept (`Allocation`), audited,
and told to the worker it now belongs to and the worker it was taken from (`Notice`, on their
Returns page until they dismiss it). A team is not sent notices: the return shows on every
team member's Returns list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import selectinload

from rhi import audit, deadlines
from rhi.extensions import db
from rhi.models import Episode, Interview, Role, Team, User
from rhi.models.base import utcnow
from rhi.models.episodes import Allocation, Notice
from rhi.models.interviews import OPEN_STATUSES
from rhi.timefmt import format_datetime


class AllocationError(ValueError):
    """An allocation that cannot be made as asked, said for the person."""


@dataclass(frozen=True)
class Workload:
    worker: User
    open_returns: int
    nearest_due: datetime | None

    def clock(self, now: datetime) -> deadlines.Clock | None:
        return deadlines.Clock(due=self.nearest_due, now=now) if self.nearest_due else None


def team_workers(team_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.team_id == team_id, User.role == Role.WORKER.value, User.active)
            .order_by(User.name, User.id)
        )
    )


def other_teams(team_id: int) -> list[Team]:
    """Teams with at least one active worker, other than `team_id`."""
    with_workers = select(User.team_id).where(User.role == Role.WORKER.value, User.active)
    return list(
        db.session.scalars(
            select(Team).where(Team.id != team_id, Team.id.in_(with_workers)).order_by(Team.name)
        )
    )


def workloads(workers: list[User], deadline_hours: int) -> list[Workload]:
    """Each worker's open returns (back, interview not yet held or declined) and the nearest
    deadline among them, in one query."""
    ids = [w.id for w in workers]
    due: dict[int, list[datetime]] = {i: [] for i in ids}
    if ids:
        episodes = db.session.scalars(
            select(Episode)
            .where(
                Episode.assigned_worker_id.in_(ids),
                Episode.returned_at.is_not(None),
                # Open returns only (a closed one, "not reached after attempts" among them, is
                # no one's work), found by the index of open returns whatever the history.
                Episode.closed_at.is_(None),
            )
            .options(selectinload(Episode.interviews))
        )
        for episode in episodes:
            interview = episode.interview
            if interview is not None and interview.status_enum not in OPEN_STATUSES:
                continue
            if interview is not None and interview.held_at is not None:
                # Held, being written up: it waits for no interview, so it has no deadline
                # to count (deadlines.Clock: a held interview is never overdue; the Returns
                # card says "held in time" or "held late", and this said "Overdue").
                continue
            assert episode.returned_at is not None and episode.assigned_worker_id is not None
            when = (
                interview.due_at
                if interview
                else deadlines.due_at(episode.returned_at, deadline_hours)
            )
            due[episode.assigned_worker_id].append(when)
    return [Workload(w, len(due[w.id]), min(due[w.id], default=None)) for w in workers]


CLOSED_TO_MOVES = (
    "This return is closed: its interview has its outcome. It is not moved, so the interview "
    "stays with the worker and team who held it."
)


def closed_to_moves(episode: Episode) -> str | None:
    """Why the return may not be allocated again (None: it may). A closed return, or one whose
    interview is finished, stays with whoever held it: reading the whole interview, what the
    child kept back included, follows the holder (rhi/access.py), and the interviewer still
    answers for it (addenda, the social worker's questions). A probe moved a finished return
    to another team, whose worker and manager then read everything while the interviewer and
    their manager could not open it."""
    interview = episode.interview
    if episode.closed_at is not None or (interview is not None and interview.locked):
        return CLOSED_TO_MOVES
    return None


def allocate(
    episode: Episode,
    by: User,
    *,
    worker: User | None = None,
    team: Team | None = None,
    reason: str | None = None,
) -> Allocation:
    """Give the return to `worker` or `team` (exactly one). Moving it from whoever holds it
    needs `reason`."""
    closed = closed_to_moves(episode)
    if closed is not None:
        raise AllocationError(closed)
    if (worker is None) == (team is None):
        raise AllocationError("Choose a worker or a team.")
    if worker is not None and episode.assigned_worker_id == worker.id:
        raise AllocationError(f"This return is already allocated to {worker.name}.")
    if (
        team is not None
        and episode.assigned_worker_id is None
        and (episode.assigned_team_id == team.id)
    ):
        raise AllocationError(f"This return is already allocated to {team.name}.")
    reason = (reason or "").strip() or None
    lock_interview_of(episode)  # a join at the same moment waits, and is seen
    together = moving_with(episode)
    if any(other.closed_at is not None for other in together):
        raise AllocationError(CLOSED_TO_MOVES)
    # Each return that moves from someone needs the why, the ones moving with it too (a probe:
    # a return moved with another was taken from its worker with no reason given).
    for moving in [episode, *together]:
        if moving.allocated and reason is None and not _within_team(moving, worker):
            said = (
                "they will read it" if moving.assigned_worker_id else "it is kept with the return"
            )
            which = "" if moving is episode else f" on {format_datetime(moving.returned_at)}"
            raise AllocationError(
                f"Write why the return{which} is moving from {moving.holder_name}: {said}."
            )
    told = {episode.assigned_worker_id}
    allocation = move(episode, by, worker, team, reason, tell_new_holder=True)
    for other in together:
        if (other.assigned_worker_id, other.assigned_team_id) != (
            episode.assigned_worker_id,
            episode.assigned_team_id,
        ):
            # One "moved from you" for one move, however many returns it takes.
            tell_old = other.assigned_worker_id not in told
            told.add(other.assigned_worker_id)
            move(other, by, worker, team, reason, tell_new_holder=False, tell_old_holder=tell_old)
    return allocation


def _within_team(episode: Episode, worker: User | None) -> bool:
    """A team's return passed to one of its own workers moves from no one: nothing to say."""
    return (
        episode.assigned_worker_id is None
        and episode.assigned_team_id is not None
        and worker is not None
        and worker.team_id == episode.assigned_team_id
    )


def lock_interview_of(episode: Episode) -> None:
    """Hold the return's interview's row until the transaction ends, and read afresh what it
    covers: a return joined to it (episodes/service.join_interview, which takes the same lock
    first) as it moves to someone else either moves with it or waits and follows it, never
    stays behind with another holder (a review)."""
    interview = episode.interview
    if interview is None:
        return
    db.session.execute(select(Interview.id).where(Interview.id == interview.id).with_for_update())
    db.session.expire(interview, ["episodes"])


def moving_with(episode: Episode) -> list[Episode]:
    """The other returns the return's interview covers (one conversation about several times
    away): they move with it. One interview is held by one worker or team: a security probe
    moved one of two joined returns to another team, and both teams then read and wrote the
    interview, what the child kept back included."""
    interview = episode.interview
    if interview is None:
        return []
    return sorted(
        (e for e in interview.episodes if e.id != episode.id and e.interview is interview),
        key=lambda e: (e.started_at, e.id),
    )


def move(
    episode: Episode,
    by: User,
    worker: User | None,
    team: Team | None,
    reason: str | None,
    *,
    tell_new_holder: bool,
    tell_old_holder: bool = True,
) -> Allocation:
    """One return to `worker` or `team`, with its allocation row, notices and audit row:
    `allocate` checked it may move (and episodes/service.join_interview, for a return joining
    an interview that another holds)."""
    allocation = Allocation(
        episode=episode,
        worker_id=worker.id if worker else None,
        team_id=team.id if team else None,
        from_worker_id=episode.assigned_worker_id,
        from_team_id=episode.assigned_team_id,
        allocated_by_id=by.id,
        allocated_at=utcnow(),
        reason=reason,
    )
    db.session.add(allocation)
    previous_worker = episode.assigned_worker_id
    episode.assigned_worker_id = worker.id if worker else None
    # A worker's return is held by them alone; the team's managers see it through them.
    episode.assigned_team_id = team.id if team else None
    if episode.interview is not None:
        # Its interviewer is who holds it now: the worker, or for a team whoever in it goes on
        # with it (rhi/interviews/service.py). A probe: moved to another team and finished
        # there, the summary named the first worker, who could no longer open it, to contact,
        # and "Me (the worker)" and "the team manager" actions went to them and their manager.
        episode.interview.worker_id = worker.id if worker else None
    db.session.flush()
    if worker is not None and tell_new_holder:
        db.session.add(Notice(user_id=worker.id, kind="allocated", allocation=allocation))
    if previous_worker is not None:
        # Their "allocated to you" notice, if not yet dismissed, is overtaken by this one.
        earlier = select(Allocation.id).where(Allocation.episode_id == episode.id)
        for stale in db.session.scalars(
            select(Notice).where(
                Notice.user_id == previous_worker,
                Notice.kind == "allocated",
                Notice.dismissed_at.is_(None),
                Notice.allocation_id.in_(earlier),
            )
        ):
            stale.dismissed_at = allocation.allocated_at
        if tell_old_holder:
            db.session.add(
                Notice(user_id=previous_worker, kind="moved_away", allocation=allocation)
            )
    to = f"worker {worker.id}" if worker else f"team {team.id}"  # type: ignore[union-attr]
    audit.record(
        "episode.reallocate"
        if allocation.from_worker_id or allocation.from_team_id
        else ("episode.allocate"),
        user=by,
        object_type="episode",
        object_id=episode.id,
        child_id=episode.child_id,
        detail=f"to {to}" + (" with a reason" if reason else ""),
    )
    return allocation


def _still_held(worker: User) -> ColumnElement[bool]:
    """The returns not yet closed that `worker` holds."""
    return and_(Episode.assigned_worker_id == worker.id, Episode.closed_at.is_(None))


def held_by(worker: User) -> int:
    """How many returns not yet closed `worker` holds (those `back_to_the_team` would move)."""
    return int(db.session.scalar(select(func.count(Episode.id)).where(_still_held(worker))) or 0)


def back_to_the_team(worker: User, team_id: int | None, by: User, why: str) -> int:
    """A worker who leaves their team (moved, no longer a worker, or their account closed)
    held returns no one else could then see or move: a worker's return is held by them alone,
    and their team's managers see it through their team. Each return they hold that is not
    closed goes back to `team_id` (the team they were in) to allocate, with `why` as the
    reason, kept and audited as any move. How many moved."""
    if team_id is None:
        return 0
    team = db.session.get(Team, team_id)
    if team is None:
        return 0
    held = db.session.scalars(select(Episode).where(_still_held(worker)).order_by(Episode.id)).all()
    for episode in held:
        # Moved already with a return sharing its interview (`moving_with`): a review found
        # closing such a worker's account answered 500 ("already allocated").
        if episode.assigned_worker_id == worker.id:
            allocate(episode, by, team=team, reason=why)
    return len(held)


def notices_for(user: User) -> list[Notice]:
    """The user's notices not yet dismissed, newest first."""
    return list(
        db.session.scalars(
            select(Notice)
            .where(
                Notice.user_id == user.id,
                Notice.dismissed_at.is_(None),
                Notice.allocation_id.is_not(None),  # actions' notices: rhi/actions/views.py
            )
            .options(
                selectinload(Notice.allocation).selectinload(Allocation.episode),
            )
            .order_by(Notice.created_at.desc(), Notice.id.desc())
        )
    )


def dismiss(notice: Notice, user: User, now: datetime) -> None:
    notice.dismissed_at = now
    audit.record(
        "notice.dismiss",
        user=user,
        object_type="notice",
        object_id=notice.id,
        child_id=notice.allocation.episode.child_id if notice.allocation else None,
    )
