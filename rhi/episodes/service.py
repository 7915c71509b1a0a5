"""Recording the offer of a return home interview and the child's answer. No HTTP here.

Each function changes the interview and writes its audit event in the caller's transaction. The
pages call them for the episode's interview; the offline upload (`rhi.sync.events`) passes the
interview the tablet's item names, so the rules here are the only ones.

- An offer or a "yes" recorded once the interview is under way fills in when; the interview stays
  in progress (it is not sent back to "offered").
- A finished interview's offer and answer are never changed (`LockedError`): later corrections
  are addenda. Contact attempts can still be added: they change nothing in the interview.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from rhi import audit, deadlines
from rhi.extensions import db
from rhi.interviews.service import LockedError
from rhi.models import ContactAttempt, Episode, Interview, InterviewStatus, Role, User

REACHED_OUTCOMES = {"spoke", "carer_info"}


def interview_for(episode: Episode, user: User, *, uuid: str | None = None) -> Interview:
    """The episode's open interview, made now if there is none (a UUID from creation: `uuid`
    when a tablet made one, else a new one)."""
    if episode.interview is not None:
        return episode.interview
    assert episode.returned_at is not None, "an interview follows a return"
    interview = Interview(
        status=InterviewStatus.OFFERED.value,
        due_at=deadlines.due_at(episode.returned_at, current_app.config["RHI_DEADLINE_HOURS"]),
        worker_id=user.id if user.role_enum is Role.WORKER else None,
        content={},
    )
    if uuid is not None:
        interview.uuid = uuid
    interview.episodes.append(episode)
    db.session.add(interview)
    db.session.flush()
    audit.record("interview.create", user=user, object_type="interview", object_id=interview.uuid,
                 child_id=episode.child_id)
    return interview


def _status(interview: Interview, new: InterviewStatus, user: User, child_id: int) -> None:
    old = interview.status
    interview.status = new.value
    audit.record("interview.status", user=user, object_type="interview", object_id=interview.uuid,
                 child_id=child_id, detail=f"{old} -> {new.value}")


def _unless_under_way(interview: Interview, new: InterviewStatus) -> InterviewStatus:
    """An offer or a yes noted after the interview began does not undo the beginning."""
    if interview.status == InterviewStatus.IN_PROGRESS.value:
        return InterviewStatus.IN_PROGRESS
    return new


def _answerable(episode: Episode, user: User, interview: Interview | None) -> Interview:
    interview = interview or interview_for(episode, user)
    if interview.locked:
        raise LockedError
    return interview


def record_attempt(episode: Episode, user: User, *, at: datetime, method: str, outcome: str,
                   note: str | None, interview: Interview | None = None) -> ContactAttempt:
    interview = interview or interview_for(episode, user)
    attempt = ContactAttempt(interview=interview, attempted_at=at, method=method,
                             outcome=outcome, note=note or None, recorded_by_id=user.id)
    db.session.add(attempt)
    audit.record("contact_attempt.create", user=user, object_type="interview",
                 object_id=interview.uuid, child_id=episode.child_id,
                 detail=f"{method}: {outcome}")
    if outcome not in REACHED_OUTCOMES and interview.status == InterviewStatus.OFFERED.value \
            and interview.offered_at is None:
        _status(interview, InterviewStatus.UNABLE_TO_CONTACT, user, episode.child_id)
    return attempt


def record_offer(episode: Episode, user: User, *, at: datetime, method: str,
                 interview: Interview | None = None) -> Interview:
    interview = _answerable(episode, user, interview)
    interview.offered_at = at
    interview.offer_method = method
    _status(interview, _unless_under_way(interview, InterviewStatus.OFFERED), user,
            episode.child_id)
    return interview


def record_accept(episode: Episode, user: User, *, at: datetime,
                  interview: Interview | None = None) -> Interview:
    interview = _answerable(episode, user, interview)
    interview.offered_at = interview.offered_at or at
    interview.accepted_at = at
    interview.declined_at = None
    _status(interview, _unless_under_way(interview, InterviewStatus.ACCEPTED), user,
            episode.child_id)
    return interview


def record_decline(episode: Episode, user: User, *, at: datetime, reason: str,
                   offer_again: bool, carer_information: bool,
                   interview: Interview | None = None) -> Interview:
    interview = _answerable(episode, user, interview)
    interview.offered_at = interview.offered_at or at
    interview.declined_at = at
    interview.decline_reason = reason
    interview.offer_again = offer_again
    interview.content = {**(interview.content or {}),
                         "carer_information_offered": carer_information}
    _status(interview, InterviewStatus.DECLINED, user, episode.child_id)
    return interview
