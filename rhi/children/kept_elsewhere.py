"""Children another team keeps whom a child being recorded may be: one child, one record.

A team sees only its own children (rhi/access.py), so a child another team keeps was recorded
again, as new, by a team that met them later (a coordinator's probe: team North's police file
made a second record of a child team South kept, and her repeat episodes went uncounted). Both
ways a child comes in ask here: an import or the API (rhi/episodes/imports_apply.py sends the
notification to the keeping team's list) and adding a child by hand (rhi/children/views.py says
which team keeps a record like theirs, to ask). Who the child is, and what their record holds,
stays with the team that keeps it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import aliased

from rhi import access
from rhi.models import Child, Team, User
from rhi.models.retention import DestroyedChild


def kept_by_other_teams(days: list[date], seen: ColumnElement[bool], team_id: int) -> Select[Any]:
    """(child, keeping team id) for children born on `days` whom `seen` (the asking person's or
    team's sight) leaves out and another team keeps: the record's team, else their social
    worker's, as access counts a team's children. Only teams with a manager or missing
    coordinator to decide (`access.allocating_team_filter`); no destroyed record."""
    social_worker = aliased(User)
    keeper = func.coalesce(Child.team_id, social_worker.team_id)
    return (
        select(Child, keeper)
        .outerjoin(social_worker, Child.social_worker_id == social_worker.id)
        .where(
            Child.date_of_birth.in_(days),
            ~seen,
            keeper.is_not(None),
            keeper != team_id,
            keeper.in_(select(Team.id).where(access.allocating_team_filter())),
            Child.id.not_in(select(DestroyedChild.child_id)),
        )
    )
