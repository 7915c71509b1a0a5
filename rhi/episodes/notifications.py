"""Missing and found notifications recorded by a manager or coordinator. No HTTP here.

Each function changes the episode and writes its audit event in the caller's transaction. A new
episode arrives unallocated: it waits on the "Waiting to be allocated" list (rhi/episodes/
allocation.py) until someone allocates it.

The 72-hour clock starts when the return is recorded: the Returns list reads the deadline from
`returned_at` (rhi/episodes/queries.py), and the interview, made when the first offer, answer
or attempt is recorded (rhi/episodes/service.py `interview_for`), takes the same `due_at`. A
corrected return time moves the deadline of an interview not yet finished that covers only this
episode (an interview covering several keeps the deadline it was given).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from rhi import audit, deadlines
from rhi.episodes import overlaps
from rhi.extensions import db
from rhi.models import Child, ContactAttempt, Episode, Interview, User
from rhi.models.children import LEGAL_STATUSES
from rhi.models.episodes import first_return
from rhi.models.interviews import CONTACT_METHODS, OUTCOMES
from rhi.naming import interview_name
from rhi.timefmt import format_datetime

# What a notification holds, as the form names it; audit rows name the fields that changed,
# never what they say.
NOTIFICATION_FIELDS = (
    "started_at",
    "reported_at",
    "reported_by",
    "reported_to_police",
    "police_reference",
    "missing_from",
    "risk_grade",
    "dfe_type",
)
RETURN_FIELDS = (
    "returned_at",
    "found_where",
    "found_by",
    "return_method",
    "safe_and_well_by",
    "safe_and_well_at",
    "safe_and_well_notes",
    "safe_and_well_new",
)


@dataclass(frozen=True)
class Notification:
    started_at: datetime  # UTC
    reported_at: datetime | None
    reported_by: str | None  # None: an import that did not say (the hand form always does)
    reported_to_police: bool | None
    police_reference: str | None
    missing_from: str
    risk_grade: str
    dfe_type: str


@dataclass(frozen=True)
class Found:
    returned_at: datetime  # UTC
    found_where: str | None
    found_by: str | None
    return_method: str | None  # None: an import that gave none, kept as it was
    safe_and_well_by: str | None
    safe_and_well_at: datetime | None
    safe_and_well_notes: str | None
    safe_and_well_new: str | None


class ReturnBeforeStart(ValueError):
    """The return is before the start: the forms refuse it; this guards the rule."""


class TimesOverlap(ValueError):
    """A return time making this time away overlap another of the child's (one time away
    counted twice: rhi/episodes/overlaps.py), refused, naming it (a probe: a return recorded
    by hand made an episode wholly hold another, which the import refuses)."""


class ReturnAfterItsInterview(ValueError):
    """A corrected return time after something already recorded as done once the child was
    back (the interview's offer, the child's answer, the interview held, a contact attempt, the
    return's outcome): refused, saying what and when (a probe: a return moved to after its
    interview went through silently, and the service page said "under an hour" for times that
    were negative; a later probe: a found time after the return's outcome, or after the
    attempts it was closed "not reached" on, was taken)."""


# What an interview records that only comes after the child is back, in the order it comes.
_AFTER_THE_RETURN = (
    ("offered_at", "offered"),
    ("accepted_at", "agreed to by the child"),
    ("declined_at", "said no to by the child"),
    ("held_at", "held"),
)
# Its contact attempts and its outcome cannot be changed once recorded (there is no form for
# it), so the refusal says what to check, not what to correct first.
_NOT_CHANGED = "Check the date and time: the child is back before {what}. {kept}"


def _interview_times(interview: Interview) -> list[tuple[datetime, str]]:
    """The offer, the answer and the interview held, each with why it is in the way."""
    return [
        (
            at,
            f"The {interview_name()} was {what} on {format_datetime(at)}, before this time. "
            "Check the date and time; if it is right, correct that on the return's page first.",
        )
        for name, what in _AFTER_THE_RETURN
        if (at := getattr(interview, name)) is not None
    ]


def _attempt_time(attempt: ContactAttempt) -> tuple[datetime, str]:
    """An attempt, with why it is in the way. An earlier offer or "no" a later one took the
    place of is kept as an attempt (EARLIER_ANSWERS), and is named as what it was."""
    at, when = attempt.attempted_at, format_datetime(attempt.attempted_at)
    if attempt.outcome == "offered_again":
        said = f"The {interview_name()} was offered on {when}, before this time."
    elif attempt.outcome == "said_no":
        said = f"The {interview_name()} was said no to by the child on {when}, before this time."
    else:
        how = CONTACT_METHODS.get(attempt.method, attempt.method).lower()
        said = f"A contact attempt ({how}) was made on {when}, before this time."
    kept = "A recorded attempt is not changed afterwards, so the return keeps its time."
    return at, f"{said} {_NOT_CHANGED.format(what='anyone tries to reach them', kept=kept)}"


def _outcome_time(episode: Episode, interview: Interview) -> list[tuple[datetime, str]]:
    """The return's outcome, when it has one, with why it is in the way. Its time is the one
    the return was closed at, as rhi/episodes/closing.py keeps it (`closed_when`: the outcome's
    own, else when it was recorded), never worked out again here."""
    at = episode.closed_at
    if interview.outcome is None or at is None:
        return []
    label = OUTCOMES.get(interview.outcome, interview.outcome)
    kept = "A recorded outcome is not changed afterwards, so the return keeps its time."
    said = (
        f"The return's outcome, \u201c{label}\u201d, was recorded for {format_datetime(at)}, "
        "before this time."
    )
    return [(at, f"{said} {_NOT_CHANGED.format(what='the return has an outcome', kept=kept)}")]


def recorded_before(episode: Episode, returned_at: datetime) -> str | None:
    """Why `returned_at` cannot be this return's time, or None: the earliest thing recorded
    as done after the child was back that comes before it (only by the interview covering this
    one return: one covering several is timed from the first of them).

    The one rule for every route that sets a return time (the forms, the API, a file, the
    command line). A return whose time does not move is not refused: it makes nothing newly
    wrong (as `record_return` treats overlaps), and a time recorded without this check (an
    attempt's, an outcome's, a tablet's) would otherwise block correcting where the child was
    found."""
    interview = episode.interview
    if interview is None or len(interview.episodes) != 1 or returned_at == episode.returned_at:
        return None
    done = [
        *_interview_times(interview),
        *(_attempt_time(a) for a in interview.contact_attempts),
        *_outcome_time(episode, interview),
    ]
    # The earliest is named; of two at one time, the first listed (the interview's own).
    earlier = [(at, why) for at, why in done if at < returned_at]
    return min(earlier, key=lambda pair: pair[0])[1] if earlier else None


def _copy(episode: Episode, values: object, names: tuple[str, ...]) -> list[str]:
    """Set each field; the names of those that changed. Nothing and an empty text are the same
    (a field never given is not 'changed' to empty in the record trail)."""
    changed = []
    for name in names:
        value = getattr(values, name)
        before = getattr(episode, name)
        if before != value and not (before in (None, "") and value in (None, "")):
            setattr(episode, name, value)
            changed.append(name)
    return changed


def record_missing(child: Child, user: User, notification: Notification) -> Episode:
    """A new episode for `child`, unallocated."""
    episode = Episode(child=child, recorded_by_id=user.id)
    _copy(episode, notification, NOTIFICATION_FIELDS)
    db.session.add(episode)
    db.session.flush()
    audit.record(
        "episode.create",
        user=user,
        object_type="episode",
        object_id=episode.id,
        child_id=child.id,
        detail=f"reported by {notification.reported_by}; grade {notification.risk_grade}",
    )
    return episode


def _from(detail: str, source: str) -> str:
    """An audit row's detail, with where the change came from when not a form ("from a police
    notification (token 3)": the API and the command line have no person to name)."""
    return f"{detail}; {source}" if source else detail


def update_missing(
    episode: Episode, user: User | None, notification: Notification, *, source: str = ""
) -> list[str]:
    """Correct the notification; the names of the fields that changed (none: nothing done).
    `source`: where it came from, for the audit, when not a person's form."""
    if episode.returned_at is not None and episode.returned_at < notification.started_at:
        raise ReturnBeforeStart
    changed = _copy(episode, notification, NOTIFICATION_FIELDS)
    if changed:
        audit.record(
            "episode.update",
            user=user,
            object_type="episode",
            object_id=episode.id,
            child_id=episode.child_id,
            detail=_from("changed: " + ", ".join(changed), source),
        )
    return changed


def correct_legal_status(episode: Episode, user: User | None, status: str) -> list[str]:
    """A person puts right the child's legal status as it was for this return (a closed one
    keeps its own, whatever the child's record says now: rhi/episodes/legal_status.py). Audited
    with what it was; the names of the fields that changed."""
    was = episode.legal_status
    if status == was:
        return []
    episode.legal_status = status
    audit.record(
        "episode.update",
        user=user,
        object_type="episode",
        object_id=episode.id,
        child_id=episode.child_id,
        detail=f"changed: legal status, from {LEGAL_STATUSES.get(was or '', 'none')} "
        f"to {LEGAL_STATUSES[status]}",
    )
    return ["legal status"]


def deadline_of(episode: Episode, hours_now: int) -> deadlines.Deadlines:
    """The deadline this return has: the one its interview was given (as long after this
    return as the interview's `due_at` is after the first return it covers), or, with no
    interview deadline yet, the service's setting now (`hours_now`), which one made now gets.
    What the return's page and its message say, as the Returns card counts it."""
    interview = episode.interview
    if interview is not None and interview.due_at is not None:
        backs = [e.returned_at for e in interview.episodes if e.returned_at is not None]
        if backs:
            return deadlines.Deadlines.of(
                [deadlines.deadline_minutes(interview.due_at, min(backs))]
            )
    return deadlines.Deadlines.hours(hours_now)


def record_return(
    episode: Episode,
    user: User | None,
    found: Found,
    deadline_hours: int,
    *,
    source: str = "",
    others: Iterable[Episode] | None = None,
) -> list[str]:
    """The child is back (or a correction of their return): the clock starts from
    `returned_at`. The names of the fields that changed. `source`: as `update_missing`'s.

    `others`: the child's other times away the return may not make this one overlap (the
    hand form: those the person may see); a clash raises `TimesOverlap`. None: the caller has
    checked (an import plans it with the found times its own file gives)."""
    if found.returned_at < episode.started_at:
        raise ReturnBeforeStart
    problem = recorded_before(episode, found.returned_at)
    if problem is not None:
        raise ReturnAfterItsInterview(problem)
    if others is not None and found.returned_at != episode.returned_at:
        # Only a return that moves: changing where they were found on an episode that already
        # overlaps another is no new harm, and the times are not what is being changed.
        clash = overlaps.find(
            episode.started_at,
            found.returned_at,
            [e for e in others if e is not episode],
            lambda e: e.returned_at,
            still_missing=False,
        )
        if clash is not None:
            raise TimesOverlap(overlaps.said_on_a_form(clash, episode.child.display_name))
    first = episode.returned_at is None
    was_back = episode.returned_at
    changed = _copy(episode, found, RETURN_FIELDS)
    if not changed:
        return changed
    audit.record(
        "episode.return" if first else "episode.return.update",
        user=user,
        object_type="episode",
        object_id=episode.id,
        child_id=episode.child_id,
        detail=_from("changed: " + ", ".join(changed), source),
    )
    interview = episode.interview
    if "returned_at" in changed and interview is not None:
        # The deadline keeps the length it was given after the first return the interview
        # covers (a setting changed since does not judge it again, as the figures do not: a
        # review), and moves with that return: a finished interview's too, or the figures and
        # the inspectors' list measured it against a deadline nobody set (intake probe: held
        # 99 hours after a corrected return, "in time" against 120 hours 56 minutes).
        back = [e.returned_at for e in interview.episodes if e is not episode and e.returned_at]
        before = min([*back, *([was_back] if was_back is not None else [])], default=None)
        after = first_return(interview.episodes)
        assert after is not None  # this episode is back
        if before == after:
            return changed  # a later return of several moved: the interview is timed as it was
        if interview.due_at is not None and before is not None:
            interview.due_at = interview.due_at + (after - before)
        else:
            interview.due_at = deadlines.due_at(after, deadline_hours)
        audit.record(
            "interview.due",
            user=user,
            object_type="interview",
            object_id=interview.uuid,
            child_id=episode.child_id,
            detail=_from("deadline moved with the corrected return time", source),
        )
    return changed
