"""The questions national surveys and Freedom of Information requests ask every council about
missing children and return interviews, answered for a period in one table. No Flask here.

The surveys count differently from the service page: children and incidents by when the child
was *reported missing* (the episode's start), interviews by the return they follow (as the
service page does). Each answer says which, so nobody has to guess. Everything is a SQL
aggregate over the episodes the person may see (rhi/access.py), a handful of queries whatever
the history.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select

from rhi.extensions import db
from rhi.models import Child, Episode, Team, User
from rhi.models.interviews import held_clause
from rhi.oversight import figures
from rhi.oversight.figures import Period


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str
    counted: str  # how it was counted, in a few words


def _reported_missing(user: User, chosen: Period) -> tuple[int, int, int, int]:
    """Children and incidents reported missing in the period (episodes that started in it), and
    the same for looked-after children."""
    start, after = chosen.bounds
    looked_after = Episode.legal_status == "looked_after"  # for the episode, not now
    row = db.session.execute(
        select(
            func.count(func.distinct(Episode.child_id)),
            func.count(Episode.id),
            func.count(func.distinct(case((looked_after, Episode.child_id)))),
            func.sum(case((looked_after, 1), else_=0)),
        )
        .select_from(Episode)
        .join(Child, Child.id == Episode.child_id)
        # Counted as the service page counts (each return in one team: figures.counted_by).
        .where(figures.counted_by(user), Episode.started_at >= start, Episode.started_at < after)
    ).one()
    return tuple(int(value or 0) for value in row)  # type: ignore[return-value]


def delivered_by(user: User, chosen: Period) -> list[tuple[str, int]]:
    """Who held the interviews for the period's returns: each team, with how many. The team
    that held the return (rhi/episodes/holding.py), never the worker's team now: a worker who
    has moved since gave another team the credit for this team's interviews (a probe)."""
    team = func.coalesce(Team.name, "No team recorded")
    query = select(team, func.count(Episode.id)).select_from(Episode)
    rows = db.session.execute(
        figures._scoped(query, user, chosen)
        .outerjoin(Team, Team.id == Episode.held_by_team_id)
        .where(held_clause())
        .group_by(team)
        .order_by(func.count(Episode.id).desc(), team)
    ).all()
    return [(str(name), int(number)) for name, number in rows]


def answers(user: User, chosen: Period) -> list[Answer]:
    children, incidents, lac_children, lac_incidents = _reported_missing(user, chosen)
    seen = figures.overview(user, chosen)
    counts = seen.counts
    # The deadlines these returns were given, never the setting now for all of them.
    within = seen.deadlines.or_hours(figures.deadline_hours()).within_of("the return")
    teams = delivered_by(user, chosen)
    by_start = "episodes that started in the period"
    by_return = "returns in the period"
    return [
        Answer("Children reported missing", str(children), by_start),
        Answer("Missing incidents (episodes)", str(incidents), by_start),
        Answer("Looked-after children reported missing", str(lac_children), by_start),
        Answer("Missing incidents of looked-after children", str(lac_incidents), by_start),
        Answer("Return interviews offered", str(counts["offered"]), by_return),
        Answer("Return interviews accepted", str(counts["accepted"]), by_return),
        Answer("Return interviews completed", str(counts["held"]), by_return),
        Answer(
            f"Completed {within}",
            f"{counts['held_in_time']} ({figures.share(counts['held_in_time'], counts['held'])}"
            " of those completed)",
            by_return,
        ),
        Answer(
            "Who delivers return interviews",
            "; ".join(f"{name} ({number})" for name, number in teams) or "None completed",
            "teams of the workers who completed them",
        ),
    ]
