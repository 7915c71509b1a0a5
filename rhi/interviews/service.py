"""Starting, saving and finishing an interview. No HTTP here: the views and the upload API both
call these, so a rule about saving is written once.

Saves are checked field by field: each carries the value the worker's screen started from
(`original`). If the server's value has moved on since (another tab or tablet), the save is
refused as a conflict and both texts are kept for the worker to choose; it is never dropped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from rhi import audit
from rhi.actions import tracking
from rhi.episodes import closing
from rhi.interviews import content as c
from rhi.language import Matcher
from rhi.models import Addendum, Interview, InterviewStatus, User
from rhi.models.base import utcnow
from rhi.models.episodes import first_return
from rhi.plain_text import without_direction_controls
from rhi.timefmt import STORED_WHEN, format_datetime, from_local, to_local
from rhi.writing import events as language_events
from rhi.writing.counts import KEPT_CONTEXT


class LockedError(Exception):
    """The interview is finished: changes are made as addenda."""


# Said beside a field whose save met words saved since the page was drawn (a clash).
CHANGED_ELSEWHERE = "This changed somewhere else since you opened it."


@dataclass(frozen=True)
class FieldResult:
    path: str
    outcome: str  # "saved", "unchanged", "conflict" or "invalid"
    value: Any  # what the server now holds
    mine: Any = None  # on conflict: what the worker sent
    message: str = ""
    # On conflict: what the worker's page started from. Their next save still sends it, so
    # typing on without choosing meets the other version again, never silently replaces it.
    original: Any = None


# An action's date before the interview itself: saved, as the worker may mean it, and said, as
# the likeliest slip is the year (a probe: 2020 for 2026, overdue from the moment it was agreed).
BEFORE_THE_INTERVIEW = "This date is before the interview: check the year."


def _before_it(interview: Interview, path: str, value: Any) -> str:
    if not (path.startswith("actions.") and path.endswith(".due")) or not value:
        return ""
    try:
        due = date.fromisoformat(str(value))
    except ValueError:
        return ""
    began = interview.held_at or interview.created_at
    return BEFORE_THE_INTERVIEW if began is not None and due < to_local(began).date() else ""


def start(interview: Interview, user: User, now_local: datetime | None = None) -> None:
    if interview.locked:
        raise LockedError
    if interview.status != InterviewStatus.IN_PROGRESS.value:
        old = interview.status
        interview.status = InterviewStatus.IN_PROGRESS.value
        interview.held_at = interview.held_at or utcnow()
        interview.accepted_at = interview.accepted_at or interview.held_at
        interview.worker_id = interview.worker_id or user.id
        document = c.normalise(interview.content)
        if now_local is not None and not document["start"]["held_on"]:
            document["start"]["held_on"] = now_local.strftime(STORED_WHEN)
        interview.content = document
        audit.record(
            "interview.status",
            user=user,
            object_type="interview",
            object_id=interview.uuid,
            child_id=interview.child_id,
            detail=f"{old} -> in_progress",
        )


HELD_ON = "start.held_on"


def held_when(document: dict[str, Any]) -> datetime | None:
    """When the interview was held, as the worker recorded it ("When the chat started", local
    time), in UTC; None if it says nothing readable. The 72-hour figures are about the visit,
    not the moment the worker pressed Start or typed it up."""
    held_on = str(document["start"].get("held_on") or "")
    try:
        return from_local(datetime.strptime(held_on, STORED_WHEN))
    except ValueError:
        return None


def held_before_return(interview: Interview, document: dict[str, Any]) -> str | None:
    """Why "When the chat started" cannot be when it says: before the child came back (a slip
    of a digit), which `follow_held_on` leaves out of the figures and the copies. Said next to
    the field when typed, and on the review page (a tablet's words arrive whole): the record
    and every copy gave different dates, and no one was told (a probe). None when it can."""
    held = held_when(document)
    returned = first_return(interview.episodes)
    if held is None or returned is None or held >= returned:
        return None
    name = interview.child.preferred_name or interview.child.first_name
    return (
        f"When the chat started ({format_datetime(held)}) is before {name} came back "
        f"({format_datetime(returned)}). Check the date and time."
    )


def follow_held_on(interview: Interview, document: dict[str, Any]) -> None:
    """An interview begun is held when "When the chat started" says: the figures follow the
    record. Not before the child came back (a slip of the year would count it in time), nor
    when it says nothing readable: then it stays as it was."""
    held = held_when(document)
    if held is None or interview.held_at is None:
        return
    returned = first_return(interview.episodes)
    if returned is not None and held < returned:
        return
    interview.held_at = held


def save_fields(
    interview: Interview,
    user: User,
    changes: list[tuple[str, Any, Any]],
    matcher: Matcher | None = None,
    now_local: datetime | None = None,
    device_id: str | None = None,
    unanswered: Mapping[str, Sequence[Any]] | None = None,
) -> list[FieldResult]:
    """Apply (path, value, original) changes; return one result per change.

    `device_id` names the tablet when it is sending changes it kept while offline, so the audit
    trail says which device each upload came from.

    `unanswered` gives, by path, the values this same page sent in earlier saves of the field
    whose answers never came back (a weak signal: static/js/autosave.js). Such a save may have
    been saved all the same, and the page's original, moved on only by an answer, is then
    behind only the worker's own words: a field holding one of them is not a clash. A field
    holding anything else (another tab or device) still is.

    With a matcher, phrases the writing check newly finds in saved text are counted for the
    team's supervision view (anonymously: rule and team only).
    """
    if interview.ended:
        raise LockedError
    document = c.normalise(interview.content)
    results = []
    for path, value, original in changes:
        try:
            current = c.get_field(document, path)
        except c.ContentError as exc:
            results.append(FieldResult(path, "invalid", None, value, str(exc)))
            continue
        try:
            # The document as this change would leave it: kept, if the change is saved.
            changed = c.set_field(document, path, value, now_local)
            candidate = c.get_field(changed, path)
        except c.ContentError as exc:
            results.append(FieldResult(path, "invalid", original, value, str(exc)))
            continue
        if candidate == current:
            results.append(FieldResult(path, "unchanged", current))
            continue
        if path == HELD_ON and (too_early := held_before_return(interview, changed)):
            results.append(FieldResult(path, "invalid", original, value, too_early))
            continue
        if original is not None and not _follows_on(
            document, path, current, original, (unanswered or {}).get(path, ()), now_local
        ):
            results.append(
                FieldResult(
                    path,
                    "conflict",
                    current,
                    value,
                    CHANGED_ELSEWHERE,
                    original,
                )
            )
            continue
        document, saved_value = changed, candidate
        if matcher is not None and isinstance(saved_value, str):
            language_events.record_new_flags(matcher, user.team_id, str(current), saved_value)
        slip = _before_it(interview, path, saved_value)
        results.append(FieldResult(path, "saved", saved_value, message=slip))
    saved = [r.path for r in results if r.outcome == "saved"]
    if saved:
        interview.content = document
        if HELD_ON in saved:
            follow_held_on(interview, document)
        audit.record(
            "interview.save",
            user=user,
            object_type="interview",
            object_id=interview.uuid,
            child_id=interview.child_id,
            detail=((f"device {device_id}; " if device_id else "") + ", ".join(saved))[:200],
        )
    return results


def _follows_on(
    document: dict[str, Any],
    path: str,
    current: Any,
    original: Any,
    unanswered: Sequence[Any],
    now_local: datetime | None,
) -> bool:
    """Is the field's current value the one the page started from, or one of the page's own
    saves whose answer was lost? An unanswered save is read as the server would have saved it
    (a date as typed is stored in its own form), so it is compared as it landed."""
    if _normal(original, current) == current:
        return True
    for sent in unanswered:
        if (
            _normal(sent, current) == current
            or _as_saved(document, path, sent, now_local) == current
        ):
            return True
    return False


def _as_saved(document: dict[str, Any], path: str, value: Any, now_local: datetime | None) -> Any:
    """The field's value had `value` been saved in it (None if it could not have been)."""
    try:
        return c.get_field(c.set_field(document, path, value, now_local), path)
    except c.ContentError:
        return None


def _normal(original: Any, current: Any) -> Any:
    """Read the original the way the field's current value is held (flags come back as text)."""
    if isinstance(current, bool):
        return c.as_flag(original)  # the writer's own reading of a flag
    return without_direction_controls(str(original).replace("\r\n", "\n"))


def language_action(
    interview: Interview,
    user: User,
    *,
    path: str,
    rule_id: str,
    text: str,
    action: str,
    reason: str = "",
    around: tuple[str, str] = ("", ""),
) -> None:
    """The worker took a suggestion (replaced) or kept their words (dismissed). A "keep my
    words" keeps the words either side of the use it answers (`around`, as the page showed
    them), so that use, and only it, stays kept as the words elsewhere change
    (rhi/writing/counts.py kept_uses)."""
    if interview.ended:
        raise LockedError
    document = c.normalise(interview.content)
    if path not in c.text_paths(document):
        raise c.ContentError(f"rhi does not know the field {path!r}.")
    if action == "dismissed":
        document["language"]["dismissed"] = [
            *document["language"]["dismissed"],
            {
                "path": path,
                "rule_id": rule_id,
                "text": text[:200],
                "reason": reason[:500],
                "before": around[0][-KEPT_CONTEXT:],
                "after": around[1][:KEPT_CONTEXT],
            },
        ]
    elif action == "replaced":
        # The count of every tap, as ever (older records and tablets still running the older
        # script count this way), and the tap's field, so a copy counts only the taps in the
        # fields it holds (rhi/writing/counts.py replaced_count).
        language = document["language"]
        language["replaced"] = int(language.get("replaced", 0)) + 1
        language["taps"] = [*language["taps"], {"path": path, "rule_id": rule_id[:80]}]
    elif action == "reason":
        # The worker said why they kept their words: attach it to that dismissal.
        for entry in reversed(document["language"]["dismissed"]):
            if (entry["path"], entry["rule_id"], entry["text"]) == (path, rule_id, text[:200]):
                entry["reason"] = reason[:500]
                break
        else:
            raise c.ContentError("There is no kept suggestion to add a reason to.")
        interview.content = document
        audit.record(
            "interview.language",
            user=user,
            object_type="interview",
            object_id=interview.uuid,
            child_id=interview.child_id,
            detail=f"reason {rule_id}"[:200],
        )
        return
    else:
        raise c.ContentError("Unknown action.")
    interview.content = document
    language_events.record(user.team_id, rule_id, action)
    audit.record(
        "interview.language",
        user=user,
        object_type="interview",
        object_id=interview.uuid,
        child_id=interview.child_id,
        detail=f"{action} {rule_id}"[:200],
    )


def add_item(interview: Interview, user: User, kind: str) -> str:
    if interview.ended:  # finished, or its return has another outcome
        raise LockedError
    interview.content, item_id = c.add_item(interview.content, kind)
    audit.record(
        "interview.add_item",
        user=user,
        object_type="interview",
        object_id=interview.uuid,
        child_id=interview.child_id,
        detail=kind,
    )
    return item_id


def remove_item(interview: Interview, user: User, kind: str, item_id: str) -> None:
    if interview.ended:  # finished, or its return has another outcome
        raise LockedError
    updated = c.remove_item(interview.content, kind, item_id)
    if updated[kind] == c.normalise(interview.content)[kind]:
        return  # already gone (a second tap): nothing removed, so nothing to audit
    interview.content = updated
    audit.record(
        "interview.remove_item",
        user=user,
        object_type="interview",
        object_id=interview.uuid,
        child_id=interview.child_id,
        detail=kind,
    )


def received_overrides(
    current: list[dict[str, Any]], sent: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Decisions to share without agreement as a tablet sent them back: the server's own, always.
    A decision is recorded online only, with a named decider who confirms it
    (rhi/interviews/decisions.py), so a tablet can neither add one nor change or drop one it
    holds a copy of (`sent` is read only to say so)."""
    del sent
    return current


def finish(
    interview: Interview,
    user: User,
    *,
    delay_reason: str | None = None,
    delay_note: str | None = None,
) -> None:
    """Finish the interview: the return's outcome is "interview held". Finished after its
    deadline, it keeps why (`delay_reason`, from DELAY_REASONS) and a note (the page asks)."""
    if not interview.may_finish:
        raise LockedError
    old = interview.status
    interview.status = InterviewStatus.FINISHED.value
    interview.finished_at = utcnow()
    # A return moved to a team has no interviewer until someone in it goes on with it
    # (rhi/episodes/allocation.py): the person finishing it is its interviewer.
    interview.worker_id = interview.worker_id or user.id
    interview.outcome = "held"
    interview.outcome_at = interview.finished_at
    interview.outcome_recorded_by_id = user.id
    closing.refresh_for(interview)  # the return is closed (a flush would say so too)
    if interview.finished_at > interview.due_at:
        interview.delay_reason = delay_reason or interview.delay_reason
        interview.delay_note = delay_note or interview.delay_note
    audit.record(
        "interview.status",
        user=user,
        object_type="interview",
        object_id=interview.uuid,
        child_id=interview.child_id,
        detail=f"{old} -> finished"
        + (f"; late: {interview.delay_reason}" if interview.delay_reason else ""),
    )
    tracking.record_from(interview, user)  # the actions agreed are followed from now on


def add_addendum(
    interview: Interview, user: User, text: str, part: str | None = None, *, also: str = ""
) -> Addendum:
    """`part`: the part of the interview it belongs to (content.SHARED_PARTS), whose readers
    it reaches (rhi/sharing.py rule 8); None: the interviewer's side only. `also`: more for the
    audit trail (a warning the worker ticked past)."""
    if part is not None and part not in c.SHARED_PARTS:
        raise ValueError(f"unknown part {part!r}")
    addendum = Addendum(author_id=user.id, text=text, part=part)
    interview.addenda.append(addendum)
    audit.record(
        "interview.addendum",
        user=user,
        object_type="interview",
        object_id=interview.uuid,
        child_id=interview.child_id,
        detail="; ".join(w for w in (f"part {part}" if part else "", also) if w) or None,
    )
    return addendum
