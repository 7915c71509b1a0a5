"""The questions national surveys and Freedom of Information requests ask every council about
missing children and return interviews, answered for a period in one table. No Flask here.

The surveys count differently from the service page: children and incidents by when the child
was *reported missing* (the episode's start), interviews by the return they follow (as the
service page does). Each answer says which, so nobody has to guess. Everything is a SQL
aggregate over the episodes the person may see (rhi/access.py), a handful of queries whatever
the history.

The interview answers count returns (episodes), not interviews, and their words say so: the
duty is an interview offered for every episode, and councils are asked for return interviews
offered and completed per episode (the Standard Safeguarding Dataset's missing table, and
inspections: shared/domain/practice.md). One interview may cover two returns, and then answers
for both. Worded "Return interviews completed", the count read as interviews, and one
interview for two returns was counted twice (a probe).

"Completed" is the interview's outcome "completed" in councils' forms (practice.md): in rhi
the return's outcome "held", recorded only when the interview is finished. An interview begun
and not finished is not completed yet: the child may still stop it and say no, which is then
no interview held at all (rhi.models.interviews.was_held). The service page's "Returns with an
interview held" counts those begun too, and says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, case, func, select

from rhi.extensions import db
from rhi.models import Child, Episode, Interview, Team, User
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


def completed_clause() -> ColumnElement[bool]:
    """The return's interview is completed: finished, its outcome "held" (see the module's
    words). Held (`held_clause`) too, so never more than the service page's held."""
    return and_(held_clause(), Interview.outcome == "held")


def _completed(user: User, chosen: Period) -> tuple[int, int]:
    """The period's returns with a completed interview, and of those, the ones whose interview
    was held within the return's deadline: when the conversation took place, as the service
    page's "Held within" (figures: held_in_time), not when the writing was finished."""
    completed = completed_clause()
    in_time = and_(completed, figures._conditions()["held_in_time"])
    row = db.session.execute(
        figures._scoped(
            select(
                func.sum(case((completed, 1), else_=0)), func.sum(case((in_time, 1), else_=0))
            ).select_from(Episode),
            user,
            chosen,
        )
    ).one()
    return int(row[0] or 0), int(row[1] or 0)


def delivered_by(user: User, chosen: Period) -> list[tuple[str, int]]:
    """Who completed the interviews for the period's returns: each team, with how many returns
    (as every interview answer counts). The team that held the return
    (rhi/episodes/holding.py), never the worker's team now: a worker who has moved since gave
    another team the credit for this team's interviews (a probe)."""
    team = func.coalesce(Team.name, "No team recorded")
    query = select(team, func.count(Episode.id)).select_from(Episode)
    rows = db.session.execute(
        figures._scoped(query, user, chosen)
        .outerjoin(Team, Team.id == Episode.held_by_team_id)
        .where(completed_clause())
        .group_by(team)
        .order_by(func.count(Episode.id).desc(), team)
    ).all()
    return [(str(name), int(number)) for name, number in rows]


def answers(user: User, chosen: Period) -> list[Answer]:
    children, incidents, lac_children, lac_incidents = _reported_missing(user, chosen)
    seen = figures.overview(user, chosen)
    counts = seen.counts
    completed, completed_in_time = _completed(user, chosen)
    # The deadlines these returns were given, never the setting now for all of them.
    within = seen.deadlines.or_hours(figures.deadline_hours()).within_of("the return")
    teams = delivered_by(user, chosen)
    by_start = "episodes that started in the period"
    # Per return, as councils are asked (the module's words): said beside each answer.
    by_return = "returns in the period: one interview for two returns counts for each"
    return [
        Answer("Children reported missing", str(children), by_start),
        Answer("Missing incidents (episodes)", str(incidents), by_start),
        Answer("Looked-after children reported missing", str(lac_children), by_start),
        Answer("Missing incidents of looked-after children", str(lac_incidents), by_start),
        Answer("Returns offered a return interview", str(counts["offered"]), by_return),
        Answer(
            "Returns where the child accepted a return interview",
            str(counts["accepted"]),
            by_return,
        ),
        Answer("Returns with a return interview completed", str(completed), by_return),
        Answer(
            f"Of those, the interview held {within}",
            # With none completed, no share: "0 (none to count of those completed)" said nothing.
            f"{completed_in_time} ({figures.share(completed_in_time, completed)}"
            " of those completed)"
            if completed
            else "0",
            by_return,
        ),
        Answer(
            "Who delivers return interviews",
            "; ".join(f"{name} ({number})" for name, number in teams) or "None completed",
            "returns with a return interview completed, by the team that held the return",
        ),
    ]
