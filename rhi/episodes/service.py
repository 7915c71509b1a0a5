"""Recording the offer of a return home interview and the child's answer. No HTTP here.

Each function changes the interview and writes its audit event in the caller's transaction. The
pages call them for the episode's interview; the offline upload (`rhi.sync.events`) passes the
interview the tablet's item names, so the rules here are the only ones.

- An offer or a "yes" recorded once the interview is under way fills in when; the interview stays
  in progress (it is not sent back to "offered").
- A finished interview's offer and answer are never changed (`LockedError`): later corrections
  are addenda. Contact attempts can still be added: they change nothing in the interview.
- Every return ends with one outcome (`OUTCOMES`): "held" when the interview is finished
  (rhi/interviews/service.py), the others recorded here (`record_outcome`). Once a return has
  one, its offer and answer are not changed either.
- A "no" with the offer kept open sets when to offer again (`RHI_REOFFER_DAYS`) and tells the
  child's allocated social worker (a Notice); a "no" the child asked us not to repeat is the
  outcome "declined", in their words.
- An interview is started only once its offer and the child's "yes" are recorded
  (`may_start`): nothing here records a "yes" the worker did not record.

Which status each act leads to is one pure function, `status_after`; the tablet gets its table
(`transitions`, sent with the copies it keeps, rhi/sync/copies.py) so the episode page with no
signal shows the status the server will hold.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select

from rhi import audit, deadlines
from rhi.episodes import closing
from rhi.extensions import db
from rhi.interviews.service import LockedError
from rhi.models import ContactAttempt, Episode, Interview, InterviewStatus, Role, User
from rhi.models.base import utcnow
from rhi.models.episodes import Notice, first_return
from rhi.models.interviews import (
    CONTACT_OUTCOMES,
    EARLIER_ANSWERS,
    LOCKED_STATUSES,
    MOST_RETURNS_COVERED,
    OPEN_STATUSES,
    OUTCOMES,
)
from rhi.timefmt import format_datetime

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


def offer_on_record_after(status: str | None, act: str) -> bool:
    """Whether `act` puts the interview's offer on record with how it was made
    (`offer_on_record`): the offer does (its form asks when and how), unless the interview is
    finished and refuses it; a yes or a no alone fills in only the offer's time. An offer on
    record stays so (the tablet keeps that itself)."""
    locked = status is not None and InterviewStatus(status) in LOCKED_STATUSES
    return act == "offer" and not locked


def transitions() -> dict[str, dict[str, dict[str, dict[str, Any]]]]:
    """`status_after` for every status and act, before and after an offer is recorded, as the
    tablet looks it up: `[before_offer|after_offer][status, "" for none][act]` gives the
    interview's state after the act, `{"status": ..., "offer_recorded": ..., "offer_on_record":
    ...}` (for an interview whose offer was not on record before). The "start" act's
    also says whether starting is allowed from there (`"allowed"`: `may_start_as`), so the
    tablet asks for the offer and the child's answer first exactly when the server would."""
    statuses = (None, *(s.value for s in InterviewStatus))
    table: dict[str, dict[str, dict[str, dict[str, Any]]]] = {
        key: {
            status or "": {
                act: {
                    "status": status_after(status, act, offer_recorded=recorded),
                    "offer_recorded": offer_recorded_after(status, act, offer_recorded=recorded),
                    "offer_on_record": offer_on_record_after(status, act),
                }
                for act in ACTS
            }
            for status in statuses
        }
        for recorded, key in ((False, "before_offer"), (True, "after_offer"))
    }
    for recorded, key in ((False, "before_offer"), (True, "after_offer")):
        for status in statuses:
            table[key][status or ""]["start"]["allowed"] = may_start_as(
                status, offer_recorded=recorded
            )
    return table


def interview_for(episode: Episode, user: User, *, uuid: str | None = None) -> Interview:
    """The episode's open interview, made now if there is none (a UUID from creation: `uuid`
    when a tablet made one, else a new one)."""
    if episode.interview is not None:
        return episode.interview
    lock_for_interview(episode)
    if episode.interview is not None:  # made, or joined to one, meanwhile
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


def lock_interview(interview: Interview) -> None:
    """Hold the interview's row until the transaction ends, and read it and what it covers
    afresh (its returns' holders too): a join waits for a move of its returns, or one held a
    moment ago is seen as held (episodes/allocation.py lock_interview_of takes the same)."""
    db.session.execute(select(Interview.id).where(Interview.id == interview.id).with_for_update())
    db.session.expire_all()


def lock_for_interview(episode: Episode) -> None:
    """Hold the return's row until the transaction ends, and read its interviews afresh: the
    first offer recorded and "talk about both times away" pressed at once each found no
    interview and each gave it one, two at once (a probe). A second waits here on PostgreSQL,
    then finds the first's; SQLite lets one writer in at a time."""
    db.session.execute(select(Episode.id).where(Episode.id == episode.id).with_for_update())
    db.session.refresh(episode, attribute_names=["interviews"])


def interview_to_join(episode: Episode) -> Interview | None:
    """The interview `episode` (a return with none of its own) may be covered by: one
    conversation about both times away (a child who went missing again before anyone reached
    them, ../shared/domain/practice.md). The child's latest, still open (`OPEN_STATUSES`: not
    once the child said no, when the later return is offered afresh, nor once it is finished
    or has an outcome) and not held yet, for returns that all came back before this time away
    began, and covering fewer than `MOST_RETURNS_COVERED`. None when there is no such interview."""
    if episode.returned_at is None or episode.interviews:
        return None
    interview = db.session.scalars(
        select(Interview)
        .where(
            Interview.child_id == episode.child_id,
            Interview.status.in_([s.value for s in OPEN_STATUSES]),
            Interview.outcome.is_(None),
            # Held already, it was a conversation about the times before: this one was not
            # talked about (a probe joined a return to one held two days before it; the return
            # then read "held in time" and left the list of those waiting).
            Interview.held_at.is_(None),
        )
        .order_by(Interview.created_at.desc(), Interview.id.desc())
        .limit(1)
    ).first()
    if interview is None or len(interview.episodes) >= MOST_RETURNS_COVERED:
        return None
    if any(e.returned_at is None or e.returned_at > episode.started_at for e in interview.episodes):
        return None  # a return that overlaps this time away is not an earlier one
    return interview


def join_interview(episode: Episode, interview: Interview, user: User) -> str | None:
    """`interview` covers `episode` too (`interview_to_join` said it may). Its deadline stays
    the one it was given for its first return; this return's own is as much later as it came
    back (rhi/deadlines.py due_for_return).

    One interview is held by one worker or team: the return goes to whoever holds the
    interview's first return, if another held it (a probe: the other team's worker read the
    whole interview through the return joined to it). Who holds it now, when it moved."""
    from rhi.episodes import allocation  # allocation reads interviews through this module

    first = min(interview.episodes, key=lambda e: (e.started_at, e.id))
    moved_to = None
    holder = (first.assigned_worker_id, first.assigned_team_id)
    if holder != (episode.assigned_worker_id, episode.assigned_team_id) and any(holder):
        reason = f"One interview covers it and the return on {format_datetime(first.returned_at)}"
        worker, team = first.assigned_worker, first.assigned_team
        allocation.move(
            episode,
            user,
            worker,
            team,
            reason,
            # Not "moved from you" to whoever joined it: they did it.
            tell_new_holder=worker != user,
            tell_old_holder=episode.assigned_worker_id != user.id,
        )
        moved_to = first.holder_name
    interview.episodes.append(episode)
    # A new version, so a tablet holding the interview takes the return with its next copy.
    interview.updated_at = utcnow()
    audit.record(
        "interview.cover",
        user=user,
        object_type="interview",
        object_id=interview.uuid,
        child_id=episode.child_id,
        detail=f"episode {episode.id}",
    )
    return moved_to


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
    if interview.locked or interview.outcome is not None:
        raise LockedError
    return interview


def may_start(interview: Interview | None) -> bool:
    """Whether the interview can be started (or carried on) as it stands: it is under way, or
    its offer and the child's "yes" are both recorded. Otherwise the worker records them first
    (the start page asks for both in one step); a "yes" is never assumed."""
    if interview is None:
        return False
    if interview.status == InterviewStatus.IN_PROGRESS.value or interview.locked:
        return True
    return (
        interview.outcome is None
        and interview.offered_at is not None
        and interview.accepted_at is not None
        and interview.status == InterviewStatus.ACCEPTED.value
    )


def offer_on_record(interview: Interview | None) -> bool:
    """An offer recorded as made (when and how): the start form then asks only for the child's
    answer. An answer or outcome recorded with no offer fills in the offer's time alone, with
    no way it was made (`record_offer`): that is no offer to stand on."""
    return (
        interview is not None
        and interview.offered_at is not None
        and interview.offer_method is not None
    )


def may_start_as(status: str | None, *, offer_recorded: bool) -> bool:
    """`may_start` for an interview known, as a tablet knows it, by its status and whether its
    offer is recorded. Its "yes" is recorded when its status is "accepted": only recording a
    yes leads there (`status_after`), and recording one records the offer too. None: no
    interview yet. A tablet keeps no interview with an outcome (rhi/sync/copies.py), so none
    here has one."""
    if status is None:
        return may_start(None)
    at = utcnow() if offer_recorded else None
    stand_in = Interview(
        status=status,
        offered_at=at,
        accepted_at=at if status == InterviewStatus.ACCEPTED.value else None,
        outcome=None,
    )
    return may_start(stand_in)


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


def _keep_as_history(
    interview: Interview, *, at: datetime, method: str | None, outcome: str, note: str | None
) -> None:
    """An earlier offer or answer, kept as a line of the contact attempts (`EARLIER_ANSWERS`)
    as a later one takes its place on the interview."""
    db.session.add(
        ContactAttempt(
            interview=interview,
            attempted_at=at,
            method=method or "other",
            outcome=outcome,
            note=note,
            # Who recorded the earlier one is on the audit trail; the interview does not say.
            recorded_by_id=None,
        )
    )


def _keep_earlier_no(interview: Interview) -> None:
    """A "no" a later yes or no takes the place of stays on record, in the child's words."""
    if interview.declined_at is not None:
        _keep_as_history(
            interview,
            at=interview.declined_at,
            method=interview.offer_method,
            outcome="said_no",
            note=interview.decline_reason,
        )


def record_offer(
    episode: Episode, user: User, *, at: datetime, method: str, interview: Interview | None = None
) -> Interview:
    """The interview keeps its first offer (when the child was first offered one is what the
    figures and the inspectors' list report); an offer made again, after a "no" kept open, is
    kept as a line of the contact attempts."""
    interview = _answerable(episode, user, interview)
    first = interview.offered_at
    # An answer or an outcome recorded with no offer before it fills in the offer's time from
    # its own, and no way it was offered (record_accept, record_decline): an earlier offer
    # recorded later is the offer itself, not the child being offered it again.
    if first is not None and interview.offer_method is None and at <= first:
        first = None
    if first == at and interview.offer_method == method:
        return interview  # the same offer again (a form sent twice, the start form): no news
    answers = [t for t in (interview.declined_at, interview.accepted_at) if t is not None]
    # An offer recorded late, made before the child's latest answer, does not undo the answer.
    after = (
        InterviewStatus(interview.status)
        if answers and at < max(answers)
        else _after(interview, "offer")
    )
    if first is None or at < first:
        if first is not None:
            _keep_as_history(
                interview,
                at=first,
                method=interview.offer_method,
                outcome="offered_again",
                note=None,
            )
        interview.offered_at = at
        interview.offer_method = method
    else:
        _keep_as_history(interview, at=at, method=method, outcome="offered_again", note=None)
    _status(interview, after, user, episode.child_id)
    return interview


def record_accept(
    episode: Episode, user: User, *, at: datetime, interview: Interview | None = None
) -> Interview:
    interview = _answerable(episode, user, interview)
    after = _after(interview, "accept")
    interview.offered_at = interview.offered_at or at
    interview.accepted_at = at
    _keep_earlier_no(interview)  # the yes takes its place; the child's words stay on record
    interview.declined_at = None
    _withdraw_notices(interview)
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
    carer_said: str | None = None,
    interview: Interview | None = None,
) -> Interview:
    """The child said no. Kept open (the usual case): offered again after `RHI_REOFFER_DAYS`,
    and the child stays on "Offer open". Not to be repeated, as the child asked: the return's
    outcome is "declined", in their words. Either way the allocated social worker is told."""
    interview = _answerable(episode, user, interview)
    after = _after(interview, "decline")
    interview.offered_at = interview.offered_at or at
    _keep_earlier_no(interview)  # a second no: the first stays on record too
    interview.declined_at = at
    interview.decline_reason = reason
    interview.offer_again = offer_again
    said = ((carer_said or "").strip() or None) if carer_information else None
    # What a carer said before is still what they said: a later no without new words of
    # theirs keeps it (it was set to nothing, and shown nowhere).
    interview.carer_said = said or interview.carer_said
    interview.content = {
        **(interview.content or {}),
        "carer_information_offered": carer_information,
    }
    _status(interview, after, user, episode.child_id)
    if offer_again:
        days = current_app.config["RHI_REOFFER_DAYS"]
        interview.reoffer_at = at + timedelta(days=days)
    else:
        interview.reoffer_at = None
        _close(interview, user, "declined", at=at, reason=reason, decided_by=None)
    _tell_social_worker(episode, interview, user)
    return interview


def _withdraw_notices(interview: Interview) -> None:
    """The social worker's unread "said no" notices about this interview, once they are no
    longer true: the child said yes after all, or the return ended another way."""
    db.session.flush()
    for notice in db.session.scalars(
        select(Notice).where(
            Notice.kind == "offer_declined",
            Notice.interview_id == interview.id,
            Notice.dismissed_at.is_(None),
        )
    ):
        notice.dismissed_at = utcnow()


def _tell_social_worker(episode: Episode, interview: Interview, user: User) -> None:
    """A Notice for the child's allocated social worker (none when no one is allocated, or
    when they recorded it themselves). Earlier ones about this interview, still unread, give
    way to it, so the social worker reads the latest answer once."""
    reader = episode.child.social_worker_id
    if reader is None or reader == user.id:
        return
    db.session.flush()
    for stale in db.session.scalars(
        select(Notice).where(
            Notice.user_id == reader,
            Notice.kind == "offer_declined",
            Notice.interview_id == interview.id,
            Notice.dismissed_at.is_(None),
        )
    ):
        stale.dismissed_at = utcnow()
    notice = Notice(user_id=reader, kind="offer_declined", interview_id=interview.id)
    db.session.add(notice)
    db.session.flush()
    audit.record(
        "notice.create",
        user=user,
        object_type="notice",
        object_id=notice.id,
        child_id=episode.child_id,
        detail=f"offer_declined for user {reader}",
    )


def _close(
    interview: Interview,
    user: User,
    outcome: str,
    *,
    at: datetime,
    reason: str | None,
    decided_by: str | None,
) -> None:
    interview.outcome = outcome
    interview.outcome_at = at
    interview.outcome_reason = reason
    interview.outcome_decided_by = decided_by
    interview.outcome_recorded_by_id = user.id
    closing.refresh_for(interview)  # the return is closed (a flush would say so too)
    audit.record(
        "interview.outcome",
        user=user,
        object_type="interview",
        object_id=interview.uuid,
        child_id=interview.child_id,
        detail=outcome,
    )


class OutcomeError(ValueError):
    """An outcome that cannot be recorded as asked: the message says why, for the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _tried_without_reaching(interview: Interview) -> bool:
    """An attempt on record that did not reach the child: "Spoke with the child", and an
    earlier offer or answer kept as a line of the attempts (`EARLIER_ANSWERS`), are not one."""
    return any(
        a.outcome not in REACHED_OUTCOMES and a.outcome not in EARLIER_ANSWERS
        for a in interview.contact_attempts
    )


# What a time before the child came back is told, beside its field, with the return as the pages
# write it. The tablet's episode page has these words from the server too (its shell page's
# data-before-return, rhi/static/js/shell-episode.js), and fills in the return's time as its copy
# has it from the server (`shown.returned_at`): one wording, written here.
BEFORE_RETURN = "This is before the child came back ({returned}). Check the date and time."


def not_before_return(episode: Episode, at: datetime, field: str) -> None:
    """An offer, the child's answer, a contact attempt or the return's outcome recorded on the
    pages comes after the child came back (after the first return the interview covers): an
    offer typed a day early made the time to offer negative, which the service page showed as
    "under an hour", and an attempt or a "not reached" before it read as tried while the child
    was still missing. Its other side is `recorded_before` (rhi/episodes/notifications.py): a
    return time is not moved after any of them. A tablet's times are taken as the worker
    recorded them (a refused upload would leave its interview on the tablet with no way to
    change them: a kept event cannot be edited there)."""
    interview = episode.interview
    episodes = interview.episodes if interview is not None else [episode]
    returned = first_return(episodes)
    # To the minute, as the forms take a time and the message shows it: a return recorded at
    # 02:00:30 (by the police's system) does not refuse an attempt typed as 02:00 "before 02:00".
    if returned is not None and at < returned.replace(second=0, microsecond=0):
        raise OutcomeError(field, BEFORE_RETURN.format(returned=format_datetime(returned)))


# The outcomes "Record the outcome" offers: "held" comes only from finishing the interview.
CLOSING_OUTCOMES = {
    key: OUTCOMES[key] for key in ("declined", "not_reached", "carer_info", "not_interviewed")
}


def record_outcome(
    episode: Episode,
    user: User,
    *,
    outcome: str,
    at: datetime,
    reason: str,
    decided_by: str | None = None,
    interview: Interview | None = None,
) -> Interview:
    """End the return with an outcome other than an interview held. Not reached needs at least
    one contact attempt on record (the outcome says attempts were made); a decision not to
    interview names who decided."""
    if outcome not in CLOSING_OUTCOMES:
        raise OutcomeError("outcome", "Choose one of the outcomes listed.")
    interview = _answerable(episode, user, interview)
    if interview.status == InterviewStatus.IN_PROGRESS.value:
        raise OutcomeError(
            "outcome", "The interview has begun: finish it on its review page instead."
        )
    if outcome == "not_reached" and not _tried_without_reaching(interview):
        raise OutcomeError(
            "outcome",
            "No attempt that did not reach the child is recorded yet. Record each attempt to "
            "reach them first, under \u201cRecord a contact attempt\u201d.",
        )
    said_no = interview.declined_at is not None or any(
        a.outcome == "said_no" for a in interview.contact_attempts
    )
    if outcome == "carer_info" and not (said_no or _tried_without_reaching(interview)):
        # Instead of the child's interview: once the child said no, or was not reached.
        raise OutcomeError(
            "outcome",
            "Carer information is taken instead of the child's interview, once the child has "
            "said no or could not be reached: record their no, or each attempt to reach them, "
            "first.",
        )
    if outcome == "declined":
        # Only what this form asks: when the child said no (the outcome's time) and their words.
        # The offer's time, if none is recorded, is the no's own, as the decline form fills it
        # in (`record_decline`), with no way it was made (`offer_on_record` is false): the child
        # said no to an offer, so the figures and the statutory returns count the return as
        # offered; the episode page shows no time for it, as nobody entered one.
        interview.offered_at = interview.offered_at or at
        interview.declined_at = interview.declined_at or at
        interview.decline_reason = interview.decline_reason or reason
        # Whether to offer again is not asked here: `offer_again` stays as recorded (an earlier
        # no kept open, or never answered), never "the child asked us not to" (a probe found
        # the page saying so). The return is closed, so no offer again is due.
        interview.reoffer_at = None
        if interview.status != InterviewStatus.DECLINED.value:
            _status(interview, InterviewStatus.DECLINED, user, episode.child_id)
    _close(interview, user, outcome, at=at, reason=reason, decided_by=decided_by)
    if outcome == "declined":
        _tell_social_worker(episode, interview, user)  # as a no from the decline form is
    # Any other outcome leaves a notice of an earlier no standing: it says how the return ended.
    return interview
