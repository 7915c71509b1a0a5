"""Making summaries: one PDF per recipient, holding only what `rhi.sharing` allows them."""

from __future__ import annotations

from datetime import datetime

from rhi import audit
from rhi.extensions import db
from rhi.interviews.content import RECIPIENTS, normalise
from rhi.models import Interview, InterviewStatus, Summary, User
from rhi.models.base import utcnow
from rhi.sharing import view_for


def render_for(interview: Interview, recipient: str, prepared_for: str,
               prepared_at: datetime) -> bytes:
    from rhi.summaries.pdf import render_summary  # WeasyPrint loads only when a PDF is made

    content = normalise(interview.content)
    episodes = sorted(interview.episodes, key=lambda e: e.started_at)
    return render_summary(
        child=episodes[0].child,
        episodes=episodes,
        interview=interview,
        view=view_for(content, recipient),
        prepared_for=prepared_for,
        prepared_at=prepared_at,
        interviewer=interview.worker.name if interview.worker else "Not recorded",
        place=content["start"]["location"],
        present=content["start"]["present"],
        dismissed_flags=len(content["language"].get("dismissed") or []),
    )


def share_with_social_worker(interview: Interview, user: User) -> Summary | None:
    """On finishing: render the social worker's copy once, keep the bytes, mark it shared."""
    child = interview.episodes[0].child
    social_worker = child.social_worker
    if social_worker is None or not social_worker.active:
        return None
    now = utcnow()
    summary = Summary(interview=interview, recipient="social_worker",
                      prepared_for_id=social_worker.id, prepared_for_name=social_worker.name,
                      prepared_by_id=user.id, created_at=now,
                      pdf=render_for(interview, "social_worker", social_worker.name, now))
    db.session.add(summary)
    interview.status = InterviewStatus.SHARED.value
    audit.record("summary.share", user=user, object_type="interview", object_id=interview.uuid,
                 child_id=child.id, detail=f"to social worker {social_worker.id}")
    return summary


def recipient_label(recipient: str, interview: Interview) -> str:
    label = RECIPIENTS[recipient]
    if recipient == "other":
        name = normalise(interview.content)["consent"]["other"].get("name", "").strip()
        return name or label
    return label
