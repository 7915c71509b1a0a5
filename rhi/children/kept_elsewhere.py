"""Children another team keeps whom a child being recorded may be: one child, one record.

A team sees only its own children (rhi/access.py), so a child another team keeps was recorded
again, as new, by a team that met them later (a coordinator's probe: team North's police file
made a second record of a child team South kept, and her repeat episodes went uncounted). Both
ways a child comes in ask here: an import or the API (rhi/episodes/imports_apply.py sends the
notification to the keeping team's list) and adding a child by hand (rhi/children/views.py says
which team keeps a record like theirs, to ask). What the child's record holds stays with the
team that keeps it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import ColumnElement, func, select

from rhi import access
from rhi.children import matching
from rhi.extensions import db
from rhi.models import Child, Episode, Team, User
from rhi.models.retention import DestroyedChild


def unseen(
    seen: ColumnElement[bool], *, born_on: list[date] | None = None, ids: list[int] | None = None
) -> list[Child]:
    """Children `seen` (a person's or a team's sight) leaves out, born on `born_on` or with
    `ids`; never a destroyed record."""
    query = select(Child).where(~seen, Child.id.not_in(select(DestroyedChild.child_id)))
    if born_on is not None:
        query = query.where(Child.date_of_birth.in_(born_on))
    if ids is not None:
        query = query.where(Child.id.in_(ids))
    return list(db.session.scalars(query))


def keeping_teams(children: Iterable[Child], asking_team_id: int) -> dict[int, int]:
    """The team that decides for each child (by id), among the other teams with a manager or
    missing coordinator (`access.allocating_team_filter`) who see the child: the team that keeps
    the record, else their social worker's, else the team holding their latest time away, else
    any. A child no such team sees is left out: nobody could decide. A council's social work
    teams often have no one who allocates, while the team that met the child does."""
    by_id = {child.id: child for child in children}
    if not by_id:
        return {}
    teams = db.session.scalars(
        select(Team.id).where(access.allocating_team_filter(), Team.id != asking_team_id)
    ).all()
    seers: dict[int, set[int]] = defaultdict(set)
    ids = sorted(by_id)
    for team_id in teams:  # a council has a few teams: one small query each
        for child_id in db.session.scalars(
            select(Child.id).where(Child.id.in_(ids), access.team_child_filter(team_id))
        ):
            seers[child_id].add(team_id)
    social_workers = dict(
        db.session.execute(
            select(Child.id, User.team_id)
            .join(User, Child.social_worker_id == User.id)
            .where(Child.id.in_(sorted(seers)))
        ).all()
    )
    # One row a child however many times they have been away: the latest held episode's team.
    ranked = (
        select(
            Episode.child_id,
            Episode.held_by_team_id,
            func.row_number()
            .over(
                partition_by=Episode.child_id,
                order_by=(Episode.started_at.desc(), Episode.id.desc()),
            )
            .label("newest_first"),
        )
        .where(Episode.child_id.in_(sorted(seers)), Episode.held_by_team_id.is_not(None))
        .subquery()
    )
    latest: dict[int, int] = dict(
        db.session.execute(
            select(ranked.c.child_id, ranked.c.held_by_team_id).where(ranked.c.newest_first == 1)
        ).all()
    )
    keeping = {}
    for child_id, teams_seeing in seers.items():
        child = by_id[child_id]
        preferred = (child.team_id, social_workers.get(child_id), latest.get(child_id))
        keeping[child_id] = next((t for t in preferred if t in teams_seeing), min(teams_seeing))
    return keeping


def kept_matches(
    first: str, last: str, born: date, candidates: list[Child], asking_team_id: int
) -> list[tuple[Child, matching.Match, int]]:
    """The candidates (children the asking team does not see, `unseen`) who may be this child
    (`matching.possible_matches`, a date of birth a slip away too), closest first, each with
    the team that decides for them (`keeping_teams`, in one go); one no team could decide for is
    left out. The one rule for "another team keeps a child like this one": an import sends the
    notification to the first's team (rhi/episodes/imports_apply.py); adding a child by hand
    names the teams (rhi/children/views.py)."""
    by_id = {child.id: child for child in candidates}
    found = matching.possible_matches(first, last, born, candidates, near_births=True)
    keeping = keeping_teams([by_id[m.child_id] for m in found], asking_team_id)
    return [(by_id[m.child_id], m, keeping[m.child_id]) for m in found if m.child_id in keeping]
