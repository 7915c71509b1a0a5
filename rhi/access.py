"""The ONE home of "may this user read or change this record".

Every page, query, PDF and export that touches a child's data asks here. Rules are written once
as SQL filter clauses, so a list and a single-record lookup can never disagree.

- worker: episodes assigned to them or to their team (and those children)
- social worker: children allocated to them (and their episodes)
- manager: episodes assigned to their team or to any worker in it, and children allocated to
  social workers in it or kept by the team (`Child.team_id`)
- coordinator (a missing coordinator): the same children and episodes as their team's manager;
  keeps children's records and standing profiles; sees an interview's status on those pages and
  nothing of its content: every interview, summary, audit and wording rule refuses them
- unallocated episodes (a notification just recorded: no worker or team holds it yet) are seen
  by the managers and coordinators of every team that holds the child: the children above, and
  children with another episode the team holds (a child known to the team goes missing again).
  Workers see none until one is allocated to them or their team.
- managers and coordinators record missing and found notifications for children they may see,
  and allocate their team's returns and the unallocated returns they see (`can_allocate`)
- admin: manages users and teams; sees no child records
"""

from __future__ import annotations

from collections.abc import Collection
from typing import NoReturn

from flask import abort
from sqlalchemy import ColumnElement, Exists, and_, exists, false, or_, select
from sqlalchemy.orm import aliased

from rhi import audit
from rhi.extensions import db
from rhi.models import (
    Child,
    Episode,
    FollowedAction,
    Interview,
    Role,
    Summary,
    Team,
    User,
    interview_episodes,
)
from rhi.models.episodes import Notice

# Roles that see their whole team's children and returns.
TEAM_OVERSIGHT = (Role.MANAGER, Role.COORDINATOR)
# Roles that may read any of an interview's content (what each reads is rhi.sharing's to say).
INTERVIEW_READERS = (Role.WORKER, Role.SOCIAL_WORKER, Role.MANAGER)
# Roles that may change a child's standing profile, for a child they may see.
PROFILE_EDITORS = (Role.WORKER, Role.SOCIAL_WORKER, Role.MANAGER, Role.COORDINATOR)


def _oversees_team(user: User) -> bool:
    return user.role_enum in TEAM_OVERSIGHT and user.team_id is not None


def _episode_clause(user: User) -> ColumnElement[bool]:
    role = user.role_enum
    if role is Role.WORKER:
        mine = Episode.assigned_worker_id == user.id
        if user.team_id is None:
            return mine
        return or_(mine, Episode.assigned_team_id == user.team_id)
    if role is Role.SOCIAL_WORKER:
        return Episode.child_id.in_(select(Child.id).where(Child.social_worker_id == user.id))
    if _oversees_team(user):
        assert user.team_id is not None
        other = _OTHER_EPISODE
        # Correlated EXISTS, not IN lists: the team's children and the children it ever held
        # grow with history, and the database would build those lists for every query.
        return or_(
            _held_by_team(user.team_id),
            exists(_team_children(user.team_id).where(Child.id == Episode.child_id)),
            and_(
                _unallocated(),
                exists(
                    select(other.id).where(
                        other.child_id == Episode.child_id, _held_by_team(user.team_id, other)
                    )
                ),
            ),
        )
    return false()


# Made once: an alias costs a copy of the table's columns, and these were made for every query.
_OTHER_EPISODE = aliased(Episode, name="other_episode")
_TEAM_SOCIAL_WORKER = aliased(User, name="team_social_worker")
_TOLD = aliased(Notice, name="told")


def _unallocated(episode=Episode) -> ColumnElement[bool]:
    """No worker or team holds the return yet."""
    return and_(episode.assigned_worker_id.is_(None), episode.assigned_team_id.is_(None))


def _held_by_team(team_id: int, episode=Episode) -> ColumnElement[bool]:
    """A return the team holds: allocated to the team, or to a worker while they were in it (a
    manager sees their workers' returns as well as the team's). Kept on the return
    (rhi/episodes/holding.py), never read from the worker's team now: a worker who moves team
    takes none of their returns, open or closed, to the new team's managers."""
    return episode.held_by_team_id == team_id


def _team_children(team_id: int):
    """Children allocated to a social worker in the team, or whose record the team keeps."""
    social_worker = _TEAM_SOCIAL_WORKER
    return (
        select(Child.id)
        .outerjoin(social_worker, Child.social_worker_id == social_worker.id)
        .where(or_(social_worker.team_id == team_id, Child.team_id == team_id))
    )


def episode_filter(user: User) -> ColumnElement[bool]:
    """A WHERE clause limiting Episode rows to those `user` may see."""
    return _episode_clause(user)


def child_filter(user: User) -> ColumnElement[bool]:
    """A WHERE clause limiting Child rows to those `user` may see."""
    role = user.role_enum
    if role is Role.SOCIAL_WORKER:
        return Child.social_worker_id == user.id
    if role is Role.ADMIN:
        return false()
    via_episode = exists(
        select(Episode.id).where(and_(Episode.child_id == Child.id, _episode_clause(user)))
    )
    if _oversees_team(user):
        assert user.team_id is not None
        return or_(via_episode, Child.id.in_(_team_children(user.team_id)))
    return via_episode


def can_read_interviews(user: User) -> bool:
    """Who may open an interview at all. A coordinator sees the episodes an interview covers,
    and its status there, but none of it: no pages, copies, versions or summaries."""
    return user.role_enum in INTERVIEW_READERS


def interview_filter(user: User) -> ColumnElement[bool]:
    """An interview is visible when any episode it covers is, to those who read interviews."""
    if not can_read_interviews(user):
        return false()
    return exists(
        select(interview_episodes.c.episode_id)
        .join(Episode, Episode.id == interview_episodes.c.episode_id)
        .where(and_(interview_episodes.c.interview_id == Interview.id, _episode_clause(user)))
    )


def summary_filter(user: User) -> ColumnElement[bool]:
    """A summary is for the one person it was prepared for, while its child is still theirs to
    see (a de-allocated social worker's inbox loses it)."""
    if not can_read_interviews(user):
        return false()
    visible_children = select(Child.id).where(child_filter(user))
    allocated = and_(
        Summary.prepared_for_id == user.id,
        exists(
            select(Interview.id).where(
                Interview.id == Summary.interview_id, Interview.child_id.in_(visible_children)
            )
        ),
    )
    return or_(allocated, addressed_summary_filter(user))  # the duty inbox's: see below


def _interviewer_side(user: User) -> ColumnElement[bool] | None:
    """Episodes on the interviewer's side for this user: the worker or team holding the return,
    and their manager. None for everyone else."""
    role = user.role_enum
    if role is Role.WORKER:
        holds = Episode.assigned_worker_id == user.id
        if user.team_id is not None:
            holds = or_(holds, Episode.assigned_team_id == user.team_id)
        return holds
    if role is Role.MANAGER and user.team_id is not None:
        return _held_by_team(user.team_id)
    return None


def _covers(interview_id: object, holds: ColumnElement[bool]) -> Exists:
    """Some episode the interview covers matches `holds` (`interview_id`: a column or an id)."""
    return exists(
        select(interview_episodes.c.episode_id)
        .join(Episode, Episode.id == interview_episodes.c.episode_id)
        .where(interview_episodes.c.interview_id == interview_id, holds)
    )


def reads_whole_interview(user: User, interview: Interview) -> bool:
    """The interviewer's side (the worker or team holding the return, and their manager) reads
    everything the interview holds. Anyone else who may see it (the child's social worker, their
    manager) reads what the social worker's copy holds: rhi.sharing.view_for decides that."""
    holds = _interviewer_side(user)
    if holds is None:
        return False
    return bool(db.session.scalar(select(_covers(interview.id, holds))))


def whole_interview_filter(user: User) -> ColumnElement[bool]:
    """The interviews `user` reads whole (`reads_whole_interview`), as SQL for lists."""
    holds = _interviewer_side(user)
    return false() if holds is None else _covers(Interview.id, holds)


def action_filter(user: User) -> ColumnElement[bool]:
    """Actions agreed in interviews that `user` follows (rhi/actions/):
    - the interviewer's side (the worker or team holding the return, their manager): every
      action of the interview, agencies' included, since they chase them;
    - the action's owner, while the child is theirs to see;
    - a strategy meeting request (agreed in an interview, or asked for from the repeat
      episodes or episode page, with no interview): also the child's social worker and their
      manager, who are told of it and record whether it was held, and whoever asked for it (and
      the side of the return it was asked from).
    A coordinator follows none (no interview content)."""
    if not can_read_interviews(user):
        return false()
    # Every action names its child (a strategy meeting may be asked for without an interview).
    # As a correlated EXISTS: an IN over every child the user may see grows with history.
    of_visible_child = exists(
        select(Child.id).where(Child.id == FollowedAction.child_id, child_filter(user))
    )
    clauses = [
        and_(FollowedAction.owner_id == user.id, of_visible_child),
        and_(FollowedAction.requested_by_id == user.id, of_visible_child),
        # Not everyone who sees the child: a team lent another return of theirs read (and
        # recorded the outcome of) a meeting about exploitation it had no part in.
        and_(FollowedAction.kind == "strategy_meeting", _childs_social_work_side(user)),
        # Whoever was told of it follows it (a manager told where the child has no social
        # worker: rhi/actions/tracking.py _tell_about_meeting).
        and_(
            FollowedAction.kind == "strategy_meeting",
            of_visible_child,
            # Its own alias: a query of notices (the home page's "For you") asks this too.
            exists(
                select(_TOLD.id).where(
                    _TOLD.action_id == FollowedAction.id, _TOLD.user_id == user.id
                )
            ),
        ),
    ]
    holds = _interviewer_side(user)
    if holds is not None:
        clauses.append(_covers(FollowedAction.interview_id, holds))
        # A meeting asked for from a return's page (no interview): that return's side.
        clauses.append(
            exists(select(Episode.id).where(Episode.id == FollowedAction.episode_id, holds))
        )
    return or_(*clauses)


def _childs_social_work_side(user: User) -> ColumnElement[bool]:
    """The action's child is allocated to this social worker, or to one in this manager's team."""
    if user.role_enum is Role.SOCIAL_WORKER:
        return exists(
            select(Child.id).where(
                Child.id == FollowedAction.child_id, Child.social_worker_id == user.id
            )
        )
    if user.role_enum is Role.MANAGER and user.team_id is not None:
        social_worker = _TEAM_SOCIAL_WORKER
        return exists(
            select(Child.id)
            .join(social_worker, Child.social_worker_id == social_worker.id)
            .where(Child.id == FollowedAction.child_id, social_worker.team_id == user.team_id)
        )
    return false()


def follows_action(user: User, action: FollowedAction) -> bool:
    """`action_filter` for one action: whether its page and notes are theirs to read."""
    return action.id in followed_ids(user, [action.id])


def followed_ids(user: User, ids: Collection[int]) -> set[int]:
    """Of these actions, the ids `user` follows (one query for a page of them)."""
    if not ids:
        return set()
    return set(
        db.session.scalars(
            select(FollowedAction.id).where(FollowedAction.id.in_(ids), action_filter(user))
        )
    )


def get_action(user: User, action_id: int) -> FollowedAction:
    """An action the user follows; anyone else: 404, audited."""
    action = db.session.scalar(
        select(FollowedAction).where(FollowedAction.id == action_id, action_filter(user))
    )
    if action is None:
        child_id = db.session.scalar(
            select(FollowedAction.child_id).where(FollowedAction.id == action_id)
        )
        _refuse(user, "action", action_id, child_id)
    assert action is not None
    return action


def can_record_interview_work(user: User) -> bool:
    """Offers, contact attempts and interviews are recorded by RHI workers and their managers
    (never by a coordinator, who sees no interview content)."""
    return user.role_enum in (Role.WORKER, Role.MANAGER)


def can_see_returns(user: User) -> bool:
    """The Returns list (children waiting for an interview and their 72-hour clocks): workers,
    managers, and coordinators, who allocate them. It shows an interview's status only."""
    return user.role_enum in (Role.WORKER, Role.MANAGER, Role.COORDINATOR)


def can_oversee(user: User) -> bool:
    """The service page (figures across returns, rhi/oversight): managers and coordinators,
    over the returns `episode_filter` lets them see."""
    return user.role_enum in (Role.MANAGER, Role.COORDINATOR)


def can_record_episodes(user: User) -> bool:
    """Managers and coordinators record missing and found notifications (for children they may
    see) and allocate returns."""
    return _oversees_team(user)


def can_allocate(user: User, episode: Episode) -> bool:
    """A manager or coordinator allocates a return their team holds, or one nobody holds yet
    that they can see (its child is their team's). Not another team's return, even of a child
    they see: that team's manager or coordinator moves it."""
    if not _oversees_team(user):
        return False
    assert user.team_id is not None
    if not episode.allocated:
        return True
    # The team that holds it (rhi/episodes/holding.py), as the manager's pages see it: never
    # its worker's team now, which a worker who moved team has changed (a review).
    return episode.held_by_team_id == user.team_id


def unallocated_filter() -> ColumnElement[bool]:
    """Episodes no worker or team holds yet (to split lists; visibility is `episode_filter`)."""
    return _unallocated()


def can_read_audit(user: User) -> bool:
    """Managers read a child's record trail and their team's wording counts (not coordinators:
    the trail and the wording counts describe interview work)."""
    return user.role_enum is Role.MANAGER


def can_record_children(user: User) -> bool:
    """Managers and coordinators add children and change their details, for their team (a
    child they add is kept by their team, so someone without a team cannot add one)."""
    return _oversees_team(user)


def may_change_social_worker(user: User, child: Child) -> bool:
    """Who the child's social worker is decides which team reads every return and interview of
    the child's (`_team_children`): so it is changed by the team that keeps the child's record
    or by the current social worker's own team (moving the child between its social workers),
    or, where there is neither, by anyone who may change the child's details. Never by a team
    lent one return, which would give itself the child's whole record and take the child from
    their social worker; an administrator's hand-over moves a social worker's children."""
    if not can_record_children(user):
        return False
    current = child.social_worker
    if child.team_id == user.team_id or (current is not None and current.team_id == user.team_id):
        return True
    return child.team_id is None and current is None


def can_edit_profile(user: User, child: Child) -> bool:
    """The standing profile is kept by the people around the child: their allocated social
    worker, the worker holding their returns, the team's manager, and the coordinator, who often
    collects it from carers. For each role that is exactly "may see this child"."""
    if user.role_enum not in PROFILE_EDITORS:
        return False
    return bool(
        db.session.scalar(
            select(exists(select(Child.id).where(Child.id == child.id, child_filter(user))))
        )
    )


def can_manage_people(user: User) -> bool:
    return user.role_enum is Role.ADMIN


def can_see_children(user: User) -> bool:
    """Everyone but administrators has a children list (filtered by `child_filter`)."""
    return user.role_enum is not Role.ADMIN


def has_inbox(user: User) -> bool:
    """Summaries are addressed to allocated social workers."""
    return user.role_enum is Role.SOCIAL_WORKER


def _refuse(user: User, object_type: str, object_id: int | str, child_id: int | None) -> None:
    """Record the refusal, then answer 404: whether the record exists is itself sensitive."""
    audit.record(
        "access.refused",
        user=user,
        object_type=object_type,
        object_id=object_id,
        child_id=child_id,
        outcome="refused",
    )
    db.session.commit()
    abort(404)


def refuse(user: User, object_type: str, object_id: int | str, child_id: int | None) -> None:
    """Refuse (404, audited) something that is not the user's to see, found by other means."""
    _refuse(user, object_type, object_id, child_id)


def get_child(user: User, child_id: int) -> Child:
    child = db.session.scalar(select(Child).where(Child.id == child_id, child_filter(user)))
    if child is None:
        exists_id = db.session.scalar(select(Child.id).where(Child.id == child_id))
        _refuse(user, "child", child_id, exists_id)
    assert child is not None
    return child


def get_episode(user: User, episode_id: int) -> Episode:
    episode = db.session.scalar(
        select(Episode).where(Episode.id == episode_id, episode_filter(user))
    )
    if episode is None:
        child_id = db.session.scalar(select(Episode.child_id).where(Episode.id == episode_id))
        _refuse(user, "episode", episode_id, child_id)
    assert episode is not None
    return episode


def forbid_change(
    user: User, object_type: str, object_id: int | str, child_id: int | None
) -> NoReturn:
    """Record the refusal of a change to something the user may see, then answer 403."""
    audit.record(
        "change.refused",
        user=user,
        object_type=object_type,
        object_id=object_id,
        child_id=child_id,
        outcome="refused",
    )
    db.session.commit()
    abort(403)


def may_record_work(user: User, episode: Episode, *, starting: bool = False) -> bool:
    """Offers, contact attempts, starting the interview and the return's outcome: the
    interviewer's side of this return (the worker or team holding it, their manager), or a
    manager for a return nobody holds yet (not `starting` the interview: only the interviewer's
    side writes it, so it is allocated first). Not the manager of the child's social worker, nor
    of a team that keeps the child's record: they see the return, and do not do its work."""
    if not can_record_interview_work(user):
        return False
    if user.role_enum is Role.MANAGER and not episode.allocated and not starting:
        return True
    return bool(
        db.session.scalar(
            select(Episode.id).where(Episode.id == episode.id, interviewer_side_filter(user))
        )
    )


def require_change(user: User, episode: Episode, *, starting: bool = False) -> None:
    """The user can see the episode; may they change it? Refusal is 403: they know it exists."""
    if not may_record_work(user, episode, starting=starting):
        forbid_change(user, "episode", episode.id, episode.child_id)


def require_episode_record(user: User, child: Child) -> None:
    """The user can see the child; may they record a missing notification for them?"""
    if not can_record_episodes(user):
        forbid_change(user, "episode", "new", child.id)


def require_notification_change(user: User, episode: Episode) -> None:
    """The user can see the episode; may they change its notification or record its return?"""
    if not can_record_episodes(user):
        forbid_change(user, "episode", episode.id, episode.child_id)


def require_allocation(user: User, episode: Episode) -> None:
    """The user can see the episode; may they allocate (or reallocate) it?"""
    if not can_allocate(user, episode):
        forbid_change(user, "episode_allocation", episode.id, episode.child_id)


def require_child_create(user: User) -> None:
    """May the user add a child? (403: the page is not for them.)"""
    if not can_record_children(user):
        forbid_change(user, "child", "new", None)


def require_child_change(user: User, child: Child) -> None:
    """The user can see the child; may they change the child's details?"""
    if not can_record_children(user):
        forbid_change(user, "child", child.id, child.id)


def require_profile_change(user: User, child: Child) -> None:
    """The user can see the child; may they change the standing profile?"""
    if not can_edit_profile(user, child):
        forbid_change(user, "child_profile", child.id, child.id)


def find_interview(
    user: User,
    interview_uuid: str,
    *,
    fresh: bool = False,
    lock: bool = False,
    to_change: bool = False,
) -> Interview | None:
    """The interview, if the user may see it; None if not (the caller refuses, or does
    something else, as autosave does for work on a return that moved to someone else).

    `fresh`: read as it stands now, over any older copy this request's session holds (a plain
    query keeps the copy it has). `lock` (PostgreSQL; fresh too): take its row lock until the
    commit. `to_change`: only if they may change it too (`may_change_interview`). All in the
    one query that checks access, so a save reads the row once."""
    query = select(Interview).where(Interview.uuid == interview_uuid, interview_filter(user))
    if to_change:
        if not can_record_interview_work(user):
            return None
        query = query.where(whole_interview_filter(user))
    if lock:
        query = query.with_for_update(of=Interview)
    if fresh or lock:
        query = query.execution_options(populate_existing=True)
    return db.session.scalar(query)


def get_interview(
    user: User, interview_uuid: str, *, fresh: bool = False, lock: bool = False
) -> Interview:
    """The interview, if the user may see it (find_interview); otherwise refused (404,
    audited)."""
    interview = find_interview(user, interview_uuid, fresh=fresh, lock=lock)
    if interview is None:
        found = db.session.scalar(select(Interview).where(Interview.uuid == interview_uuid))
        child_id = found.child_id if found else None
        _refuse(user, "interview", interview_uuid, child_id)
    assert interview is not None
    return interview


def may_change_interview(user: User, interview: Interview) -> bool:
    """Only the interviewer's side (the worker or team holding the return, their manager)
    records an interview: anyone else who may open it (the child's social worker's manager, a
    manager whose team keeps the child's record) reads the social worker's copy alone, and a
    page sent back from a change would show them the whole."""
    return can_record_interview_work(user) and reads_whole_interview(user, interview)


def interviewer_side_filter(user: User) -> ColumnElement[bool]:
    """The episodes on `user`'s interviewer side, as SQL (none for other roles)."""
    if not can_record_interview_work(user):
        return false()
    holds = _interviewer_side(user)
    return false() if holds is None else holds


def require_interview_change(user: User, interview: Interview) -> None:
    if not may_change_interview(user, interview):
        forbid_change(user, "interview", interview.uuid, interview.child_id)


def get_summary(user: User, summary_id: int) -> Summary:
    summary = db.session.scalar(
        select(Summary).where(Summary.id == summary_id, summary_filter(user))
    )
    if summary is None:
        child_id = db.session.scalar(
            select(Interview.child_id)
            .join(Summary, Summary.interview_id == Interview.id)
            .where(Summary.id == summary_id)
        )
        _refuse(user, "summary", summary_id, child_id)
    assert summary is not None
    return summary


# Import of police notifications (issue 13 item 3) --------------------------------------------


def can_import(user: User) -> bool:
    """Police notifications are imported by those who record them by hand: a team's managers
    and coordinators (new children are kept by their team)."""
    return can_record_episodes(user)


def require_import(user: User) -> None:
    """May the user import notifications? (403: the page is not for them.)"""
    if not can_import(user):
        forbid_change(user, "import", "notifications", None)


def _team_view(team_id: int) -> User:
    """A team's managers' and coordinators' view, for work no one person does (a scheduled
    import, a case system's token): never added to the session."""
    return User(role=Role.COORDINATOR.value, team_id=team_id)


def allocating_team_filter() -> ColumnElement[bool]:
    """Teams with someone to see and allocate a return nobody holds yet: an active manager or
    missing coordinator in the team. Only they see such a return (`_episode_clause`), so what a
    service token records for another team (a social-work team) is seen by no one: the token
    page offers only these teams, and the API refuses what would be new for any other."""
    return exists(
        select(User.id).where(
            User.team_id == Team.id,
            User.role.in_([role.value for role in TEAM_OVERSIGHT]),
            User.active.is_(True),
        )
    )


def team_child_filter(team_id: int) -> ColumnElement[bool]:
    """The children a team's managers and coordinators see."""
    return child_filter(_team_view(team_id))


def team_episode_filter(team_id: int) -> ColumnElement[bool]:
    """The episodes a team's managers and coordinators see."""
    return episode_filter(_team_view(team_id))


# Settings a council changes, and summaries with no allocated social worker (issue 13 items 7
# and 8) -------------------------------------------------------------------------------------


def can_change_settings(user: User) -> bool:
    """Administrators change the service's settings (deadline, thresholds, the interview's name,
    the duty inbox) and hand a social worker's children over; none of it shows a child's
    record."""
    return user.role_enum is Role.ADMIN


def require_settings_change(user: User, object_id: str = "settings") -> None:
    """May the user change settings or hand children over? (403, audited: not for them.)"""
    if not can_change_settings(user):
        forbid_change(user, "settings", object_id, None)


def addressed_summary_filter(user: User) -> ColumnElement[bool]:
    """A summary sent on finishing to the duty inbox or to a person the worker chose, because
    the child had no allocated social worker: its reader keeps it although the child is not
    theirs (rhi.models.settings.SummaryAddressee). Only those who read interviews."""
    from rhi.models.settings import SummaryAddressee

    if not can_read_interviews(user):
        return false()
    return and_(
        Summary.prepared_for_id == user.id,
        exists(select(SummaryAddressee.id).where(SummaryAddressee.summary_id == Summary.id)),
    )
