"""What happens to a summary after it is made: copies recorded as sent, the first opening by the
person it was prepared for, their response ("I have read this" and what happens next), and their
questions to the worker who wrote it, with the answers.

Each change writes its audit event into the same transaction; the caller commits. Audit details
hold fixed words and keys only, never what was typed. A first-time change (opening, "I have read
this", an answer) is a conditional UPDATE, so two requests at once cannot both make it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from rhi import access, audit
from rhi.actions import tracking as actions
from rhi.extensions import db
from rhi.models import (
    FollowedAction,
    Interview,
    SharingDecision,
    Summary,
    SummaryQuestion,
    SummarySending,
    User,
)
from rhi.models.base import utcnow
from rhi.models.summaries import NEXT_STEPS, SENT_WAYS


def _first(model: Any, row_id: int, unset: Any, **values: Any) -> bool:
    """Set `values` on one row only if `unset` is still empty; True if this request did."""
    result = db.session.execute(
        update(model)
        .where(model.id == row_id, unset.is_(None))
        .values(**values)
        .execution_options(synchronize_session="fetch")
    )
    return bool(result.rowcount)


class NotOpened(Exception):
    """The summary has not been opened by the person it was prepared for."""


class AlreadyAnswered(Exception):
    """Someone answered the question meanwhile."""


def record_sending(
    interview: Interview,
    user: User,
    *,
    recipient: str,
    sent_to: str,
    method: str,
    sent_at: datetime,
    unheard: str = "",
) -> SummarySending:
    """`sent_at` is naive UTC. Sent again is another row. `unheard`: recorded with the tick
    that says it went to someone the child was not told would hear of the chat (those words,
    for the audit trail)."""
    if method not in SENT_WAYS:
        raise ValueError(method)
    sending = SummarySending(
        interview_id=interview.id,
        recipient=recipient,
        sent_to=sent_to,
        method=method,
        sent_at=sent_at,
        recorded_by_id=user.id,
        recorded_at=utcnow(),
    )
    db.session.add(sending)
    audit.record(
        "summary.sent",
        user=user,
        object_type="interview",
        object_id=interview.uuid,
        child_id=interview.child_id,
        detail=f"copy for {recipient}, {method}"
        + (f"; ticked as sent all the same: {unheard}" if unheard else ""),
    )
    return sending


def copy_existed_from(interview: Interview, recipient: str) -> datetime | None:
    """The first moment a copy for `recipient` could be sent (naive UTC): when the interview
    was finished, or, sooner, when a safeguarding decision sharing with them came into force
    (urgent: when recorded; otherwise when confirmed), the only copy sendable before finishing.
    None: no copy for them exists yet."""
    times: list[datetime] = []
    if interview.locked and interview.finished_at is not None:
        times.append(interview.finished_at)
    for urgent, recorded_at, confirmed_at in db.session.execute(
        select(
            SharingDecision.urgent, SharingDecision.recorded_at, SharingDecision.confirmed_at
        ).where(
            SharingDecision.interview_id == interview.id, SharingDecision.recipient == recipient
        )
    ):
        came_into_force = recorded_at if urgent else confirmed_at
        if came_into_force is not None:
            times.append(came_into_force)
    return min(times, default=None)


def sendings_of(interview: Interview) -> list[SummarySending]:
    return list(
        db.session.scalars(
            select(SummarySending)
            .where(SummarySending.interview_id == interview.id)
            .options(selectinload(SummarySending.recorded_by))
            .order_by(SummarySending.sent_at, SummarySending.id)
        )
    )


def record_opening(summary: Summary, user: User) -> bool:
    """The first opening by the person it was prepared for; anyone else's is not an opening."""
    if summary.opened_at is not None or user.id != summary.prepared_for_id:
        return False
    if not _first(Summary, summary.id, Summary.opened_at, opened_at=utcnow(), opened_by_id=user.id):
        return False
    audit.record(
        "summary.opened",
        user=user,
        object_type="summary",
        object_id=summary.id,
        child_id=summary.interview.child_id,
    )
    return True


def refuse_unopened(summary: Summary, user: User) -> None:
    """Record that "I have read this" was refused because the summary was not opened."""
    audit.record(
        "summary.acknowledge",
        user=user,
        object_type="summary",
        object_id=summary.id,
        child_id=summary.interview.child_id,
        outcome="refused",
        detail="not opened yet",
    )


@dataclass(frozen=True)
class Acknowledged:
    """What saying "I have read this" did besides: with next step "Strategy meeting", the
    meeting asked for (`meeting_made`), or the one already asked for and still open."""

    meeting: FollowedAction | None = None
    meeting_made: bool = False


def acknowledge(summary: Summary, user: User, *, next_step: str, note: str) -> Acknowledged | None:
    """Say it was read, and what happens next. Raises NotOpened (and records the refusal) if it
    has not been opened; None if it was already acknowledged.

    "Strategy meeting" asks for one (rhi/actions/tracking.py `request_meeting`, audited there):
    a word alone left the manager nothing to chase and no record of whether it was held. One
    already asked for and still open is not asked for twice."""
    if summary.opened_at is None:
        refuse_unopened(summary, user)
        raise NotOpened
    if next_step not in NEXT_STEPS:
        raise ValueError(next_step)
    if summary.acknowledged_at is not None:
        return None
    if not _first(
        Summary,
        summary.id,
        Summary.acknowledged_at,
        acknowledged_at=utcnow(),
        acknowledged_by_id=user.id,
        next_step=next_step,
        next_step_note=note or None,
    ):
        return None
    interview = summary.interview
    audit.record(
        "summary.acknowledge",
        user=user,
        object_type="summary",
        object_id=summary.id,
        child_id=interview.child_id,
        detail=f"next: {next_step}",
    )
    if next_step != "strategy_meeting":
        return Acknowledged()
    # After the latest of the episodes the interview covers: the meeting's page links to it.
    episode = max(interview.episodes, key=lambda e: e.started_at, default=None)
    meeting, made = actions.request_meeting(
        interview.child, user, episode=episode, note=note, where="summary"
    )
    return Acknowledged(meeting, made)


def ask(summary: Summary, user: User, text: str) -> tuple[SummaryQuestion, bool]:
    """Ask the worker who wrote the summary: (the question, True). The same words from the same
    person, still unanswered, are the same question sent twice (a second press, a browser's
    resend): (that one, False), and nothing is added, so the worker is not asked twice."""
    # One question at a time per summary (PostgreSQL; SQLite writes one at a time anyway), so
    # two sends at once cannot both find none.
    db.session.execute(select(Summary.id).where(Summary.id == summary.id).with_for_update())
    already = db.session.scalar(
        select(SummaryQuestion)
        .where(
            SummaryQuestion.summary_id == summary.id,
            SummaryQuestion.asked_by_id == user.id,
            SummaryQuestion.answered_at.is_(None),
            SummaryQuestion.question == text,
        )
        .order_by(SummaryQuestion.id)
        .limit(1)
    )
    if already is not None:
        return already, False
    question = SummaryQuestion(
        summary=summary,
        asked_by_id=user.id,
        asked_to_id=summary.prepared_by_id,
        asked_at=utcnow(),
        question=text,
    )
    db.session.add(question)
    audit.record(
        "summary.question",
        user=user,
        object_type="summary",
        object_id=summary.id,
        child_id=summary.interview.child_id,
    )
    return question, True


def answer(question: SummaryQuestion, user: User, text: str) -> None:
    if question.answered_at is not None or not _first(
        SummaryQuestion,
        question.id,
        SummaryQuestion.answered_at,
        answer=text,
        answered_at=utcnow(),
        answered_by_id=user.id,
    ):
        raise AlreadyAnswered
    audit.record(
        "summary.answer",
        user=user,
        object_type="summary",
        object_id=question.summary_id,
        child_id=question.summary.interview.child_id,
        detail=f"question {question.id}",
    )


# The most the home page lists; the count says how many there are.
MOST_QUESTIONS_SHOWN = 10


def waiting_for_answer(user: User) -> tuple[int, list[SummaryQuestion]]:
    """Questions asked of `user` about a summary they wrote, not yet answered, oldest first: for
    their home page, which is where they are told of one (a count and the first few)."""
    # Of interviews they still hold (a return moved away is answered by whoever has it now).
    theirs = SummaryQuestion.summary_id.in_(
        select(Summary.id)
        .join(Interview, Interview.id == Summary.interview_id)
        .where(access.whole_interview_filter(user))
    )
    waiting = (
        SummaryQuestion.asked_to_id == user.id,
        SummaryQuestion.answered_at.is_(None),
        theirs,
    )
    count = db.session.scalar(select(func.count(SummaryQuestion.id)).where(*waiting)) or 0
    if not count:
        return 0, []
    rows = db.session.scalars(
        select(SummaryQuestion)
        .where(*waiting)
        .order_by(SummaryQuestion.asked_at, SummaryQuestion.id)
        .limit(MOST_QUESTIONS_SHOWN)
        .options(
            selectinload(SummaryQuestion.asked_by),
            selectinload(SummaryQuestion.summary)
            .selectinload(Summary.interview)
            .selectinload(Interview.child),
        )
    )
    return int(count), list(rows)


def questions_of(interview: Interview) -> list[SummaryQuestion]:
    return list(
        db.session.scalars(
            select(SummaryQuestion)
            .join(Summary, Summary.id == SummaryQuestion.summary_id)
            .where(Summary.interview_id == interview.id)
            .options(
                selectinload(SummaryQuestion.asked_by), selectinload(SummaryQuestion.answered_by)
            )
            .order_by(SummaryQuestion.id)
        )
    )
