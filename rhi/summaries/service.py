"""Making summaries: one PDF per recipient, holding only what `rhi.sharing` allows them."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import select

from rhi import audit
from rhi.extensions import db
from rhi.interviews import decisions
from rhi.interviews.content import RECIPIENTS, normalise
from rhi.models import Episode, Interview, InterviewStatus, Role, Summary, User
from rhi.models.base import utcnow
from rhi.sharing import view_for

log = logging.getLogger(__name__)


def render_for(
    interview: Interview, recipient: str, prepared_for: str, prepared_at: datetime
) -> bytes:
    from rhi.summaries.pdf import render_summary  # WeasyPrint loads only when a PDF is made

    content = normalise(interview.content)
    episodes = sorted(interview.episodes, key=lambda e: e.started_at)
    child = episodes[0].child if episodes else interview.child
    view = view_for(content, recipient, in_force=decisions.in_force(interview))
    history: list[Any] = []
    earlier: list[datetime] = []
    if view.shares_content:  # a copy with no content shows none of this: nothing is read
        history, earlier = _earlier(interview, child.id, episodes)
    worker = interview.worker
    return render_summary(
        child=child,
        episodes=episodes,
        interview=interview,
        view=view,
        prepared_for=prepared_for,
        prepared_at=prepared_at,
        interviewer=worker.name if worker else "Not recorded",
        place=content["start"]["location"],
        present=content["start"]["present"],
        dismissed_flags=len(content["language"].get("dismissed") or []),
        history=history,
        earlier_interviews=earlier,
        interviewer_role=_role_label(worker.role) if worker else "",
        interviewer_contact=worker.email if worker else "",
    )


def _role_label(role: str) -> str:
    try:
        return Role(role).label
    except ValueError:
        return role


def _earlier(
    interview: Interview, child_id: int, episodes: list[Episode]
) -> tuple[list[Any], list[datetime]]:
    """The child's other episodes begun by the latest one this interview covers (dates and
    grade only: what the summary shows), and when their earlier interviews were held."""
    covered = [e.id for e in episodes]
    latest = max((e.started_at for e in episodes), default=None)
    query = select(Episode.started_at, Episode.returned_at, Episode.risk_grade).where(
        Episode.child_id == child_id, Episode.id.not_in(covered)
    )
    if latest is not None:
        query = query.where(Episode.started_at <= latest)
    history = list(db.session.execute(query.order_by(Episode.started_at.desc())))
    held = select(Interview.held_at).where(
        Interview.child_id == child_id,
        Interview.id != interview.id,
        Interview.held_at.is_not(None),
    )
    if interview.held_at is not None:
        held = held.where(Interview.held_at < interview.held_at)
    earlier = list(db.session.scalars(held.order_by(Interview.held_at.desc())))
    return history, earlier


class SummaryNotMade(Exception):
    """The PDF could not be made. The interview stays finished; sending can be tried again."""


def share_with_social_worker(interview: Interview, user: User) -> Summary | None:
    """On finishing: render the social worker's copy once, keep the bytes, mark it shared.

    Returns None when no social worker is allocated. Raises SummaryNotMade if rendering fails,
    before anything is changed, so the caller can still save the finished interview.
    """
    child = interview.child
    social_worker = child.social_worker
    if social_worker is None or not social_worker.active:
        return None
    now = utcnow()
    try:
        pdf = render_for(interview, "social_worker", social_worker.name, now)
    except Exception as exc:  # WeasyPrint can fail in many ways; none may lose the interview
        log.exception("summary for interview %s could not be rendered", interview.uuid)
        raise SummaryNotMade from exc
    summary = Summary(
        interview=interview,
        recipient="social_worker",
        prepared_for_id=social_worker.id,
        prepared_for_name=social_worker.name,
        prepared_by_id=user.id,
        created_at=now,
        pdf=pdf,
    )
    db.session.add(summary)
    interview.status = InterviewStatus.SHARED.value
    audit.record(
        "summary.share",
        user=user,
        object_type="interview",
        object_id=interview.uuid,
        child_id=child.id,
        detail=f"to social worker {social_worker.id}",
    )
    return summary


def recipient_label(recipient: str, interview: Interview) -> str:
    label = RECIPIENTS[recipient]
    if recipient == "other":
        name = normalise(interview.content)["consent"]["other"].get("name", "").strip()
        return name or label
    return label


def summaries_of(interview: Interview) -> list[Summary]:
    return list(
        db.session.scalars(
            select(Summary).where(Summary.interview_id == interview.id).order_by(Summary.created_at)
        )
    )
