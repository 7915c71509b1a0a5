"""Recording the offer of a return home interview and the child's answer. No HTTP here.

Each function changes the interview and writes its audit event in the caller's transaction. The
pages call them for the episode's interview; the offline upload (`rhi.sync.events`) passes the
interview the tablet's item names, so the rules here are the only ones.

- An offer or a "yes" recorded once the interview is under way fills in when; the interview stays
  in progress (it is not sent back to "offered").
- A finished interview's offer and answer are never changed (`LockedError`): later corrections
  are addenda. Contact attempts can still be added: they change nothing in the interview.

Which status each act leads to is one pure function, `status_after`; the tablet gets its table
(`transitions`, sent with the copies it keeps, rhi/sync/copies.py) so the episode page with no
signal shows the status the server will hold.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app

from rhi import audit, deadlines
from rhi.extensions import db
from rhi.interviews.service import LockedError
from rhi.models import ContactAttempt, Episode, Interview, InterviewStatus, Role, User
from rhi.models.interviews import CONTACT_OUTCOMES, LOCKED_STATUSES

REACHED_OUTCOMES = {"spoke", "carer_info"}

# What a worker can do to an interview from the episode page: record the offer, the child's yes
# or no, start it, or a contact attempt with one of its outcomes ("attempt:no_answer").
OFFER_ACTS = ("offer", "accept", "decline")  # each records when the interview was offered
ACTS = (*OFFER_ACTS, "start", *(f"attempt:{outcome}" for outcome in CONTACT_OUTCOMES))


def status_after(status: str | None, act: str, *, offer_recorded: bool = False) -> str:
    """The interview's status after `act`, from `status` (None: no interview yet, so the act
    makes one, offered). `offer_recorded`: whether the interview has its offer's time.

    - An offer or a "yes" once the interview is under way does not undo the beginning: it
      stays in progress. A "no" is a no, whenever it comes.
    - A contact attempt that did not reach anyone, before any offer, means "not reached yet".
    - A finished interview keeps its status (its offer and answer are never changed).
    """
    if act not in ACTS:
        raise ValueError(f"not an act on an interview: {act}")
    current = InterviewStatus(status or InterviewStatus.OFFERED)
    if current in LOCKED_STATUSES:
        return current.value
    if act.startswith("attempt:"):
        reached = act.removeprefix("attempt:") in REACHED_OUTCOMES
        if not reached and current is InterviewStatus.OFFERED and not offer_recorded:
            return InterviewStatus.UNABLE_TO_CONTACT.value
        return current.value
    if act in ("start", "decline"):
        return (InterviewStatus.IN_PROGRESS if act == "start" else InterviewStatus.DECLINED).value
    if current is InterviewStatus.IN_PROGRESS:
        return current.value
    return (InterviewStatus.OFFERED if act == "offer" else InterviewStatus.ACCEPTED).value


def offer_recorded_after(status: str | None, act: str, *, offer_recorded: bool = False) -> bool:
    """Whether the interview has its offer's time after `act`: the offer, a yes and a no each
    record it (if not yet recorded), unless the interview is finished and refuses them."""
    locked = status is not None and InterviewStatus(status) in LOCKED_STATUSES
    return offer_recorded or (act in OFFER_ACTS and not locked)


def transitions() -> dict[str, dict[str, dict[str, dict[str, Any]]]]:
    """`status_after` for every status and act, before and after an offer is recorded, as the
    tablet looks it up: `[before_offer|after_offer][status, "" for none][act]` gives the
    interview's state after the act, `{"status": ..., "offer_recorded": ...}`."""
    statuses = (None, *(s.value for s in InterviewStatus))
    return {
        key: {
            status or "": {
                act: {
                    "status": status_after(status, act, offer_recorded=recorded),
                    "offer_recorded": offer_recorded_after(status, act, offer_recorded=recorded),
                }
                for act in ACTS
            }
            for status in statuses
        }
        for recorded, key in ((False, "before_offer"), (True, "after_offer"))
    }


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
    audit.record(
        "interview.create",
        user=user,
        object_type="interview",
        object_id=interview.uuid,
        child_id=episode.child_id,
    )
    return interview


def _status(interview: Interview, new: InterviewStatus, user: User, child_id: int) -> None:
    old = interview.status
    interview.status = new.value
    audit.record(
        "interview.status",
        user=user,
        object_type="interview",
        object_id=interview.uuid,
        child_id=child_id,
        detail=f"{old} -> {new.value}",
    )


def _after(interview: Interview, act: str) -> InterviewStatus:
    return InterviewStatus(
        status_after(interview.status, act, offer_recorded=interview.offered_at is not None)
    )


def _answerable(episode: Episode, user: User, interview: Interview | None) -> Interview:
    interview = interview or interview_for(episode, user)
    if interview.locked:
        raise LockedError
    return interview


def record_attempt(
    episode: Episode,
    user: User,
    *,
    at: datetime,
    method: str,
    outcome: str,
    note: str | None,
    interview: Interview | None = None,
) -> ContactAttempt:
    interview = interview or interview_for(episode, user)
    attempt = ContactAttempt(
        interview=interview,
        attempted_at=at,
        method=method,
        outcome=outcome,
        note=note or None,
        recorded_by_id=user.id,
    )
    db.session.add(attempt)
    audit.record(
        "contact_attempt.create",
        user=user,
        object_type="interview",
        object_id=interview.uuid,
        child_id=episode.child_id,
        detail=f"{method}: {outcome}",
    )
    after = _after(interview, f"attempt:{outcome}")
    if after.value != interview.status:
        _status(interview, after, user, episode.child_id)
    return attempt


def record_offer(
    episode: Episode, user: User, *, at: datetime, method: str, interview: Interview | None = None
) -> Interview:
    interview = _answerable(episode, user, interview)
    after = _after(interview, "offer")
    interview.offered_at = at
    interview.offer_method = method
    _status(interview, after, user, episode.child_id)
    return interview


def record_accept(
    episode: Episode, user: User, *, at: datetime, interview: Interview | None = None
) -> Interview:
    interview = _answerable(episode, user, interview)
    after = _after(interview, "accept")
    interview.offered_at = interview.offered_at or at
    interview.accepted_at = at
    interview.declined_at = None
    _status(interview, after, user, episode.child_id)
    return interview


def record_decline(
    episode: Episode,
    user: User,
    *,
    at: datetime,
    reason: str,
    offer_again: bool,
    carer_information: bool,
    interview: Interview | None = None,
) -> Interview:
    interview = _answerable(episode, user, interview)
    after = _after(interview, "decline")
    interview.offered_at = interview.offered_at or at
    interview.declined_at = at
    interview.decline_reason = reason
    interview.offer_again = offer_again
    interview.content = {
        **(interview.content or {}),
        "carer_information_offered": carer_information,
    }
    _status(interview, after, user, episode.child_id)
    return interview
