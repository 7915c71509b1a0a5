"""Who may see and do what with a summary after it is made, built only from rhi.access's rules.

rhi.access answers "may this user read this summary" for the person it was prepared for. The
pages here also need the interviewer's side: the worker or team holding the return, and their
manager, follow what happened to the summary (copies sent, the social worker's response and
questions) and answer the questions. That side is exactly the users who may record interview
work and read the whole interview (`access.can_record_interview_work` and
`access.reads_whole_interview`). Refusals are audited, like rhi.access's own.
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from rhi import access, audit
from rhi.extensions import db
from rhi.models import Interview, Summary, User


def interviewer_side(user: User, interview: Interview) -> bool:
    """The worker or team holding the return, or their manager."""
    return access.can_record_interview_work(user) and access.reads_whole_interview(user, interview)


def _refuse_change(user: User, object_type: str, object_id: int | str, child_id: int) -> None:
    """They may see the record, so it exists for them: 403, recorded."""
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


def require_interviewer_side(user: User, interview: Interview) -> None:
    """Copies, and the record of copies sent, are for the interviewer's side only: a copy for
    the police holds what the police may read, which the child's social worker (or their
    manager) may not."""
    if not interviewer_side(user, interview):
        _refuse_change(user, "interview", interview.uuid, interview.child_id)


def get_summary_for_reading(user: User, summary_id: int) -> tuple[Summary, bool]:
    """The summary and whether `user` is the person it was prepared for (True) or on the
    interviewer's side (False). Anyone else gets rhi.access's refusal: 404, audited."""
    summary = db.session.scalar(
        select(Summary).where(Summary.id == summary_id, access.summary_filter(user))
    )
    if summary is not None:
        return summary, True
    summary = db.session.scalar(
        select(Summary)
        .join(Interview, Interview.id == Summary.interview_id)
        .where(Summary.id == summary_id, access.interview_filter(user))
    )
    if summary is not None and interviewer_side(user, summary.interview):
        return summary, False
    return access.get_summary(user, summary_id), True  # refuses: the summary is not theirs


def get_summary_as_recipient(user: User, summary_id: int) -> Summary:
    """Only the person it was prepared for says they have read it, or asks about it."""
    summary, recipient = get_summary_for_reading(user, summary_id)
    if not recipient:
        _refuse_change(user, "summary", summary.id, summary.interview.child_id)
    return summary


def get_summary_as_interviewer(user: User, summary_id: int) -> Summary:
    """Only the interviewer's side answers the social worker's questions."""
    summary, recipient = get_summary_for_reading(user, summary_id)
    if recipient:
        _refuse_change(user, "summary", summary.id, summary.interview.child_id)
    return summary
