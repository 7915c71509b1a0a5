"""Applying an offline upload, item by item. No HTTP here: the view parses the request
(`rhi.sync.protocol`) and calls `upload()`; tests and benchmarks can call it directly.

Each item is applied in its own transaction and answered with one outcome (see docs/openapi.yaml):
created, updated, unchanged, conflict or rejected. Nothing a tablet sends is dropped unless the
answer says the server has it: a stale copy is kept in `sync_conflicts`, a change to a finished
interview becomes an addendum. Who may see or change what is asked of `rhi.access` only.

An item may also carry `events` (contact attempts, the offer, the child's yes or no: see
`rhi.sync.events`), and its `content` may be null when it carries events only. Events are applied
first, in time order, then the content: content means the interview was held, so it ends in
progress (as before), unless the item's last answer from the child is no (a child who stopped part
way: declined, notes kept). Content never begins an interview the rule would not let begin (the
offer and the child's yes on record, `rhi.episodes.service.may_start`), "start" event or not:
such an item is refused in words, and the tablet keeps it. Events never compete: they are
applied even when the content is a conflict, and an events-only item for a return that already
has an open interview on the server is applied to that interview (its UUID is answered as
`server_uuid`). Each answer about an interview says its state as the server holds it
(`rhi.sync.protocol.tablet_state`), which the tablet keeps.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from rhi import access, audit, deadlines
from rhi.episodes import service as episode_service
from rhi.extensions import db
from rhi.interviews import content as c
from rhi.interviews import service as interviews
from rhi.models import Episode, Interview, InterviewStatus, SyncConflict, User
from rhi.models.base import utcnow
from rhi.models.interviews import OneChildError, outcome_label
from rhi.sync import events as offline_events
from rhi.sync import held
from rhi.sync.protocol import (
    Item,
    ItemResult,
    Rejected,
    content_hash,
    parse_item,
    tablet_state,
    with_content_hash,
)
from rhi.sync.validate import changed_fields, check
from rhi.timefmt import to_local

log = logging.getLogger(__name__)

ATTEMPTS = 3  # an item raced by another save is tried again, then left for the next upload

ADDENDUM_LINE = "Changed on a tablet {after} \u2014 {path}: {value}"
REKEYED_MESSAGE = (
    "This child already had an interview on the server, so what this tablet "
    "recorded was added to it. Carry on with that interview (server_uuid)."
)
PARTLY_UNSEEN_MESSAGE = (
    "This interview covers a return you cannot see, so it was not saved. It is kept on this "
    "tablet: ask your manager."
)
DROP_MESSAGE = (
    "You no longer have access to this child's record, so this was not saved. "
    "It will be removed from this tablet. Speak to your manager if this is wrong."
)


def _checked_content(item: Item) -> dict[str, Any]:
    """The device's document, validated: Rejected if it was damaged on the way or is invalid."""
    assert item.content is not None and item.content_hash is not None
    try:
        matches = item.content_hash in (
            content_hash(item.content, as_sent=True),
            content_hash(item.content),
        )
    except c.ContentError as exc:
        raise Rejected(str(exc)) from exc
    if not matches:
        raise Rejected(
            "This interview changed on the way to the server (its content_hash "
            "does not match). It stays on the tablet; try sending again."
        )
    now_local = to_local(utcnow()).replace(tzinfo=None)
    checked = check(item.content, now_local)
    if checked.problems:
        raise Rejected(*checked.problems, fields=checked.fields)
    return checked.document


def _document(item: Item, user: User, server: Interview | None) -> dict[str, Any]:
    """The document this item leads to: the device's, checked, with what the item's latest
    decline says about the carer, as recording a decline writes it (so the same item sent again
    is recognised as already applied), and the sharing decisions the server holds."""
    document = _checked_content(item)
    current = c.normalise(server.content)["overrides"] if server is not None else []
    document["overrides"] = interviews.received_overrides(current, document["overrides"])
    declines = [e for e in item.events if e.kind == "decline"]
    if declines:
        document["carer_information_offered"] = declines[-1].carer_information
    return document


_NOT_YET_BEGUN = (InterviewStatus.OFFERED.value, InterviewStatus.ACCEPTED.value)


def _ends_declined(item: Item) -> bool:
    """The child's last answer in this item is no: its notes are kept, the interview is not
    started (a child may stop an interview part way)."""
    answers = [e for e in item.events if e.kind in offline_events.STATUS_KINDS]
    return bool(answers) and answers[-1].kind == "decline"


# Content that would begin an interview the rule does not let begin: the offer and the child's
# "yes" are not on record (on the server, or by the item's own events). Nothing of the item is
# stored; the tablet keeps it, with the words, until they are recorded (as `start_refused`).
NOT_BEGUN_MESSAGE = (
    "This interview's notes arrived before the offer and the child's answer were recorded, so "
    "they have not been saved yet. Open the return on this tablet, record when the interview "
    "was offered and the child's yes, at the times they happened, then send it again. "
    "Everything written stays on this tablet meanwhile."
)


def _check_may_begin(interview: Interview, item: Item) -> None:
    """Content means the interview was held, so content for one not begun yet (its events
    applied) begins it, here or when a version kept beside it is chosen: only by the rule
    the episode page and a "start" event follow (`rhi.sync.events.may_begin`: the offer and
    the child's yes on record; a yes is never assumed from the words). A tablet (or an older
    shell) that sends no "start" event does not get round it. Notes with the child's no, the
    item's last answer, begin nothing. Refused (`Rejected`): nothing of the item is kept."""
    begins = interview.status in _NOT_YET_BEGUN and not _ends_declined(item)
    if begins and not offline_events.may_begin(interview):
        raise Rejected(NOT_BEGUN_MESSAGE)


def _detail(device_id: str | None, extra: str = "") -> str:
    return "; ".join(p for p in (f"device {device_id}" if device_id else "", extra) if p)


class _Unseen(Exception):
    """The item's return exists but the sender may not see it (any more): held, not refused."""

    def __init__(self, child_id: int) -> None:
        super().__init__(child_id)
        self.child_id = child_id


def _audit_refused(
    action: str, user: User, item_uuid: str, child_id: int | None, device_id: str | None
) -> None:
    """The audit row of an upload item refused (never shown to the device)."""
    audit.record(
        action,
        user=user,
        object_type="interview",
        object_id=item_uuid,
        child_id=child_id,
        outcome="refused",
        detail=_detail(device_id, "upload"),
    )


def _refused(
    user: User,
    item_uuid: str,
    child_id: int | None,
    device_id: str | None,
) -> ItemResult:
    if child_id is not None and held.worked_with(user, child_id):
        raise _Unseen(child_id)  # a reallocated return: the work is held (rhi/sync/held.py)
    # Never had it: the same answer as for a return that does not exist, so nothing is given
    # away (not even that the return exists).
    _audit_refused("access.refused", user, item_uuid, child_id, device_id)
    return ItemResult(item_uuid, "rejected", [DROP_MESSAGE], drop=True)


def _partly_unseen(user: User, item_uuid: str, child_id: int, device_id: str | None) -> ItemResult:
    """An item naming returns the sender may see and others they may not (or that do not
    exist). Never held: no one could add held work to a child's record or pass it on unless
    one person may see every return it names (rhi/sync/held.py), so it was stuck there while
    the tablet let go of its only copy (a probe). Kept on the tablet, said, audited; which of
    the returns the sender may not see, or whether it exists, is not said."""
    _audit_refused("access.refused", user, item_uuid, child_id, device_id)
    return ItemResult(item_uuid, "rejected", [PARTLY_UNSEEN_MESSAGE])


def _no_change_rights(
    user: User, item_uuid: str, child_id: int | None, device_id: str | None
) -> ItemResult:
    _audit_refused("change.refused", user, item_uuid, child_id, device_id)
    return ItemResult(
        item_uuid,
        "rejected",
        [
            "Only the worker or team holding this child's return (and their manager) records "
            "the interview, so this was not saved. Ask your manager if you need it."
        ],
    )


def _server_copy(interview: Interview) -> dict[str, Any]:
    return {
        "uuid": interview.uuid,
        "version": interview.version,
        "content": c.normalise(interview.content),
    }


def _conflict(
    user: User, interview: Interview, item: Item, document: dict[str, Any], device_id: str | None
) -> ItemResult:
    """Keep the device's copy beside the server's, once, and show the device both."""
    digest = content_hash(document)
    kept = db.session.scalar(
        select(SyncConflict)
        .where(
            SyncConflict.interview_id == interview.id,
            SyncConflict.user_id == user.id,
            SyncConflict.content_hash == digest,
        )
        .order_by(SyncConflict.resolved_at.is_(None).desc())
    )
    if kept is not None and kept.resolved_at is not None:
        # Sent again after someone chose between the versions: already dealt with.
        return ItemResult(
            item.uuid,
            "unchanged",
            ["Already on the server: the choice between the versions has been made."],
            version=interview.version,
        )
    if kept is None:
        db.session.add(
            SyncConflict(
                interview_id=interview.id,
                device_uuid=item.uuid,
                user_id=user.id,
                base_version=item.base_version,
                content=document,
                content_hash=digest,
                changed_paths=item.changed_paths,
            )
        )
    audit.record(
        "sync.conflict",
        user=user,
        object_type="interview",
        object_id=item.uuid,
        child_id=interview.child_id,
        detail=_detail(device_id, f"base {item.base_version}, server {interview.version}"),
    )
    message = (
        "This interview was changed somewhere else since this tablet last had it. "
        "Both versions are kept: choose what to keep, field by field."
    )
    if interview.uuid != item.uuid:
        message = (
            "This child already has an open interview on the server. Both are kept: "
            "choose what to keep, field by field."
        )
    return ItemResult(
        item.uuid, "conflict", [message], version=interview.version, server=_server_copy(interview)
    )


def _addendum_text(changes: list[tuple[str, Any]], after: str) -> str:
    lines = []
    for path, value in changes:
        if value is None:
            value = "(removed on the tablet)"
        elif value == "":
            value = "(emptied on the tablet)"
        elif not isinstance(value, str):
            value = json.dumps(value, ensure_ascii=False)
        lines.append(ADDENDUM_LINE.format(after=after, path=path, value=value))
    return "\n".join(lines)


def _to_finished(
    user: User, interview: Interview, item: Item, document: dict[str, Any], device_id: str | None
) -> ItemResult:
    """A finished interview is never edited: the tablet's changes become one addendum. So too
    for one whose return was given another outcome meanwhile (by someone else: `_content`)."""
    if interview.locked:
        after = "after finishing"
        # It names no part (rhi/sharing.py rule 8), so it reaches no reader's copy: the
        # worker chooses where it goes by adding it again on the review page.
        said = (
            "This interview was already finished, so your changes were added as an addendum "
            "for you and your managers only. To pass them on, add them on the review page and "
            "choose the part they belong to."
        )
    else:
        after = "after the return\u2019s outcome was recorded"
        said = (
            f"This return's outcome was recorded meanwhile "
            f"(\u201c{outcome_label(interview.outcome)}\u201d), so your changes were added as "
            "an addendum and the outcome stands. If the interview did take place, tell your "
            "manager."
        )
    changes = changed_fields(interview.content, document)
    text = _addendum_text(changes, after)
    if not changes or any(a.text == text for a in interview.addenda):
        return ItemResult(
            item.uuid, "unchanged", ["Already on the server."], version=interview.version
        )
    interviews.add_addendum(interview, user, text)
    audit.record(
        "sync.update",
        user=user,
        object_type="interview",
        object_id=item.uuid,
        child_id=interview.child_id,
        detail=_detail(device_id, "addendum"),
    )
    return ItemResult(item.uuid, "updated", [said], version=interview.version)


def _events(
    user: User,
    interview: Interview,
    item: Item,
    device_id: str | None,
) -> offline_events.Report:
    """Apply the item's new events to `interview`; one audit event each, naming the device."""
    report = offline_events.apply(user, interview, item.events)
    for event in report.applied + report.skipped:
        note = ""
        if event in report.skipped:
            why = (
                "start refused"
                if event.id in report.why
                else "finished"
                if interview.locked
                else "outcome recorded"
            )
            note = f" not applied: {why}"
        audit.record(
            "sync.event",
            user=user,
            object_type="interview",
            object_id=interview.uuid,
            child_id=interview.child_id,
            detail=_detail(device_id, f"{event.kind} {event.id}{note}"),
        )
    return report


def _told(result: ItemResult, interview: Interview, *, events_only: bool = False) -> ItemResult:
    """The answer, with the state of the interview it is about as the server now holds it:
    the tablet keeps that in its copy (rhi/static/js/upload.js), never a status of its own.
    For events alone, also the hash of its words, so the tablet moves its copy's version on
    only when the copy's words are these."""
    state = tablet_state(interview)
    result.state = with_content_hash(state, interview) if events_only else state
    return result


def _with_events(
    result: ItemResult,
    interview: Interview,
    report: offline_events.Report,
) -> ItemResult:
    """The content's outcome, told with what the events did."""
    if report.recorded and result.outcome == "unchanged":
        result.outcome, result.messages = "updated", []
    result.messages += report.messages
    if result.version is not None:
        result.version = interview.version
    return _told(result, interview)


def _content(
    user: User,
    interview: Interview,
    item: Item,
    document: dict[str, Any],
    base: int,
    device_id: str | None,
) -> ItemResult:
    """The device's document against the server's, whose version was `base` before this item's
    events were applied."""
    stored = content_hash(interview.content)
    if stored in (item.content_hash, content_hash(document)):
        return ItemResult(item.uuid, "unchanged", [], version=interview.version)
    # Finished, or its return given an outcome while the tablet held it ("not reached", a no
    # recorded by a colleague): the words are kept as an addendum, and the interview is not
    # started again over the outcome. The sender's own record of the child's no (on this
    # tablet, its notes following in a later upload) takes the notes.
    if interview.locked or offline_events.outcome_stands(interview, user):
        return _to_finished(user, interview, item, document, device_id)
    if item.base_version is not None and item.base_version > base:
        raise Rejected(
            f"base_version {item.base_version} is newer than the server's "
            f"({base}); the tablet's copy cannot be trusted to apply."
        )
    _check_may_begin(interview, item)
    if item.base_version != base and not _continues_own(interview, item, device_id, stored):
        return _conflict(user, interview, item, document, device_id)
    # The tablet held the interview: it is in progress. Not over the child's no (kept open or
    # not): a yes and a start after it come as events, applied above, and notes sent after
    # the no are about it.
    if interview.status in _NOT_YET_BEGUN and not _ends_declined(item):
        interviews.start(interview, user)
    interview.content = document
    # Which device wrote it, on which base: its next upload on that base continues this one
    # if the answer to this one is lost (`_continues_own`).
    interview.last_sync = (
        f"{device_id}:{item.base_version}:{content_hash(document)}" if device_id else None
    )
    interviews.follow_held_on(interview, document)  # when the visit was, as the tablet says
    db.session.flush()  # the version moves on here; a concurrent save raises StaleDataError
    audit.record(
        "sync.update",
        user=user,
        object_type="interview",
        object_id=item.uuid,
        child_id=interview.child_id,
        detail=_detail(device_id, f"version {interview.version}"),
    )
    return ItemResult(item.uuid, "updated", [], version=interview.version)


def _continues_own(interview: Interview, item: Item, device_id: str | None, stored: str) -> bool:
    """Is this upload the same device's next one after an upload of its own whose answer never
    came (a poor signal), on the same base version, with the document still as that upload
    wrote it? Then the version the tablet holds is behind only its own words, and the new
    document is those words with more typed after them: applied, not a clash (a probe: the
    worker was shown "changed somewhere else too" of their own words). Any other change
    since, from a page or another device, leaves the document otherwise: a clash, as before."""
    return bool(device_id) and interview.last_sync == (f"{device_id}:{item.base_version}:{stored}")


def _existing(
    user: User,
    interview: Interview,
    item: Item,
    device_id: str | None,
) -> ItemResult:
    visible = db.session.scalar(
        select(Interview.id).where(Interview.id == interview.id, access.interview_filter(user))
    )
    if visible is None:
        return _refused(user, item.uuid, interview.child_id, device_id)
    if not access.may_change_interview(user, interview):
        if held.recorded_it(user, interview.uuid):
            raise _Unseen(interview.child_id)  # theirs once: held, as for a return moved away
        return _no_change_rights(user, item.uuid, interview.child_id, device_id)
    if item.content is None:
        report = _events(user, interview, item, device_id)
        result = ItemResult(
            item.uuid,
            "updated" if report.recorded else "unchanged",
            report.messages,
            version=interview.version,
        )
        return _told(result, interview, events_only=True)
    document = _document(item, user, interview)
    base = interview.version
    report = _events(user, interview, item, device_id)
    return _with_events(
        _content(user, interview, item, document, base, device_id), interview, report
    )


def _held_at(document: dict[str, Any]) -> datetime:
    """When the interview was held: as the tablet recorded it (local time), else now. An upload
    can come days after the visit, and the 72-hour clock is about the visit."""
    return interviews.held_when(document) or utcnow()


def _open_interview(episodes: list[Episode]) -> Interview | None:
    return next((i for e in episodes for i in e.interviews if not i.locked), None)


def _new_events_only(
    user: User, item: Item, episodes: list[Episode], device_id: str | None
) -> ItemResult:
    """Events for a return, with no interview held: applied to the return's interview on the
    server (the open one, else the one the episode page shows), or to a new one made the way
    the episode page makes it, with the tablet's UUID."""
    interview = _open_interview(episodes)
    created = False
    if interview is None:
        first = min(episodes, key=lambda e: (e.returned_at, e.id))  # the clock starts here
        interview = episode_service.interview_for(first, user, uuid=item.uuid)
        created = interview.uuid == item.uuid
        if created:
            interview.episodes.extend(e for e in episodes if e is not first)
            audit.record(
                "sync.create",
                user=user,
                object_type="interview",
                object_id=item.uuid,
                child_id=first.child_id,
                detail=_detail(device_id, "events"),
            )
    report = _events(user, interview, item, device_id)
    if created:
        result = ItemResult(item.uuid, "created", report.messages, version=interview.version)
        return _told(result, interview)
    result = ItemResult(
        item.uuid,
        "updated" if report.recorded else "unchanged",
        [REKEYED_MESSAGE, *report.messages],
        version=interview.version,
        server_uuid=interview.uuid,
    )
    return _told(result, interview)


def _new(user: User, item: Item, deadline_hours: int, device_id: str | None) -> ItemResult:
    episodes = list(
        db.session.scalars(
            select(Episode).where(Episode.id.in_(item.episode_ids), access.episode_filter(user))
        )
    )
    if episodes and len(episodes) != len(item.episode_ids):
        return _partly_unseen(user, item.uuid, episodes[0].child_id, device_id)
    if len(episodes) != len(item.episode_ids):
        # Not revealing which episodes exist; the audit row (never shown) names the child.
        child_id = db.session.scalar(
            select(Episode.child_id)
            .where(Episode.id.in_(item.episode_ids))
            .order_by(Episode.id)
            .limit(1)
        )
        return _refused(user, item.uuid, child_id, device_id)
    on_their_side = db.session.scalars(
        select(Episode.id).where(
            Episode.id.in_([e.id for e in episodes]), access.interviewer_side_filter(user)
        )
    ).all()
    if len(on_their_side) != len(episodes):
        return _no_change_rights(user, item.uuid, episodes[0].child_id, device_id)
    if len({e.child_id for e in episodes}) > 1:
        raise Rejected(f"episode_ids: {OneChildError()}")
    if any(e.returned_at is None for e in episodes):
        raise Rejected(
            "An interview can only be recorded once the child is back: an episode "
            "in this upload has no return recorded."
        )
    if item.content is None:
        return _new_events_only(user, item, episodes, device_id)
    other = _open_interview(episodes)
    document = _document(item, user, other)
    if other is not None:
        report = _events(user, other, item, device_id)  # events don't compete: applied anyway
        _check_may_begin(other, item)
        return _with_events(_conflict(user, other, item, document, device_id), other, report)
    # A return finished meanwhile (its interview held, written up and shared after the tablet
    # took its copy) keeps its interview: the tablet's covers only the returns still open, or,
    # if none is, its changes go to the finished one as an addendum. Made over it, it reopened
    # a closed return.
    finished = [e for e in episodes if e.interview is not None and e.interview.locked]
    if finished:
        episodes = [e for e in episodes if e not in finished]
        if not episodes:
            done = finished[0].interview
            return _told(_to_finished(user, done, item, document, device_id), done)
    returned = min(e.returned_at for e in episodes if e.returned_at is not None)
    held = _held_at(document)
    if held < returned:  # before the child came back: a slip, never counted as in time
        held = utcnow()
    interview = Interview(
        uuid=item.uuid,
        status=InterviewStatus.IN_PROGRESS.value,
        due_at=deadlines.due_at(returned, deadline_hours),
        worker_id=user.id,
        held_at=held,
        # No "yes" is assumed from the words: the tablet sends the child's answer as an event
        # (applied below), as the episode page records it.
        content=document,
    )
    interview.episodes.extend(episodes)
    db.session.add(interview)
    db.session.flush()  # a second upload of the same UUID racing this one fails here
    audit.record(
        "sync.create",
        user=user,
        object_type="interview",
        object_id=item.uuid,
        child_id=interview.child_id,
        detail=_detail(device_id),
    )
    report = _events(user, interview, item, device_id)
    # Made in progress (the tablet held it): only the item's events can have recorded the offer
    # and the child's yes. Without them it is not begun, and nothing of it is kept; unless the
    # events left it not in progress (the child's no, whose notes these are).
    if interview.status == InterviewStatus.IN_PROGRESS.value and not offline_events.may_begin(
        interview
    ):
        raise Rejected(NOT_BEGUN_MESSAGE)
    return _with_events(
        ItemResult(item.uuid, "created", [], version=interview.version), interview, report
    )


def _apply(user: User, raw: Any, deadline_hours: int, device_id: str | None) -> ItemResult:
    item = parse_item(raw)
    interview = db.session.scalar(select(Interview).where(Interview.uuid == item.uuid))
    try:
        if interview is not None:
            return _existing(user, interview, item, device_id)
        return _new(user, item, deadline_hours, device_id)
    except _Unseen as unseen:
        db.session.rollback()  # nothing of the item is applied; it is kept whole instead
        return held.hold(user, raw, item, unseen.child_id, device_id)


def _label(raw: Any) -> str:
    value = raw.get("uuid") if isinstance(raw, dict) else None
    return value[:36] if isinstance(value, str) else ""


def apply_item(user: User, raw: Any, deadline_hours: int, device_id: str | None) -> ItemResult:
    """One item in its own transaction: committed whole, or rolled back whole."""
    for _attempt in range(ATTEMPTS):
        try:
            result = _apply(user, raw, deadline_hours, device_id)
            db.session.commit()
            return result
        except Rejected as exc:
            db.session.rollback()
            return ItemResult(_label(raw), "rejected", exc.messages, fields=exc.fields)
        except OneChildError as exc:  # the model's guard, should a path miss the check above
            db.session.rollback()
            return ItemResult(_label(raw), "rejected", [str(exc)])
        except interviews.LockedError:
            # A rule, not a fault: sent again it meets the same rule, so "try again" would be
            # for ever (events.apply skips what it knows an outcome stops; this is the net).
            db.session.rollback()
            return ItemResult(
                _label(raw),
                "rejected",
                [
                    "This return's interview is finished or its outcome is recorded, so this "
                    "cannot be recorded over it. It stays on this tablet, marked not sent, with "
                    "everything written."
                ],
            )
        except (StaleDataError, IntegrityError):
            # Saved elsewhere meanwhile (another tab, or this same upload retried): look again.
            db.session.rollback()
        except Exception:  # one broken item must not stop the rest of the batch
            db.session.rollback()
            log.exception("sync item failed")
            break
    return ItemResult(
        _label(raw),
        "rejected",
        ["The server could not save this just now. It stays on the tablet and will be sent again."],
        try_again=True,
    )


def upload(
    user: User, items: list[Any], *, deadline_hours: int, device_id: str | None = None
) -> list[ItemResult]:
    return [apply_item(user, raw, deadline_hours, device_id) for raw in items]
