"""Copies sent before a safeguarding decision came into force, or before an addendum their
reader may read was added: each was made without it, and rhi cannot replace a copy that left
it, so the interviewer's side is told to send a new one (the copies panel,
summaries/_copies.html; the confirmer, on confirming; the worker, on adding the addendum)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from rhi.extensions import db
from rhi.interviews import decisions
from rhi.interviews.content import SHARED_PARTS, normalise
from rhi.models import (
    Addendum,
    ConsentChange,
    Interview,
    SharingDecision,
    Summary,
    SummarySending,
    User,
)
from rhi.sharing import addendum_reaches, consented_parts, decision_parts, view_for
from rhi.summaries import tracking
from rhi.timefmt import format_date, format_datetime, to_local


@dataclass(frozen=True)
class SentBeforeDecision:
    """A safeguarding decision in force and the copies for its recipient recorded as sent before
    it came into force: each was made without what the decision shares."""

    decision: SharingDecision
    came_into_force: datetime
    shares: str  # what it shares, as the copies panel names it (`_shares`)
    before: list[SummarySending]
    # A copy for them was recorded as sent since: the recipient has one that holds it.
    sent_again: bool


def _came_into_force(decision: SharingDecision) -> datetime | None:
    """Urgent: when it was recorded (shared at once); otherwise when its decider confirmed it
    (None: not yet, or declined, so no copy is short of it now). The same moments as
    tracking.copy_existed_from."""
    if not decision.in_force:
        return None
    return decision.recorded_at if decision.urgent else decision.confirmed_at


def _sent_before(sending: SummarySending, moment: datetime) -> bool:
    """Whether a copy left rhi before `moment`. Recorded before it, it was sent before it.
    Otherwise by the time typed, which is to the minute: a copy typed as sent in the very
    minute counts as sent after, or a new copy sent at once would be marked as one without
    what it holds."""
    return sending.recorded_at < moment or sending.sent_at < moment.replace(second=0, microsecond=0)


def _shares(entry: dict[str, Any]) -> str:
    """What a decision shares, for the interviewer's side: its parts by name, and how many
    things the child asked us not to pass on it names. Never those things' words (a name, an
    address) nor the decision's reason: the panel says which copy to send again, not why."""
    words = [f"\u201c{w}\u201d" for p, w in SHARED_PARTS.items() if p in decision_parts(entry)]
    released = len(entry.get("releases", []))
    if released:
        things = "thing" if released == 1 else "things"
        words.append(f"{released} {things} the child asked us not to pass on")
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def sent_before_decisions(
    interview: Interview, sendings: list[SummarySending] | None = None
) -> list[SentBeforeDecision]:
    """Each decision in force for which copies for its recipient were recorded as sent before
    it came into force, in the order the decisions came into force. A decision not yet in force
    is left out: until it is, no copy holds what it shares, and there is nothing to send."""
    sendings = tracking.sendings_of(interview) if sendings is None else sendings
    entries = {e.get("id"): e for e in normalise(interview.content)["overrides"]}
    found: list[SentBeforeDecision] = []
    for decision in decisions.rows(interview).values():
        moment = _came_into_force(decision)
        entry = entries.get(decision.decision_id)
        if moment is None or entry is None:
            continue
        theirs = [s for s in sendings if s.recipient == decision.recipient]
        before = [s for s in theirs if _sent_before(s, moment)]
        if before:
            found.append(
                SentBeforeDecision(
                    decision=decision,
                    came_into_force=moment,
                    shares=_shares(entry),
                    before=before,
                    sent_again=len(before) < len(theirs),
                )
            )
    return sorted(found, key=lambda f: f.came_into_force)


def sent_before(decision: SharingDecision) -> SentBeforeDecision | None:
    """`sent_before_decisions` for one decision: None when no copy left before it came into
    force (or it is not in force)."""
    return next(
        (f for f in sent_before_decisions(decision.interview) if f.decision.id == decision.id),
        None,
    )


def words_for(found: SentBeforeDecision) -> str:
    decided = format_date(to_local(found.decision.recorded_at).date())
    then = (
        f"Sent before the decision of {decided} to share {found.shares} came into force "
        f"({format_datetime(found.came_into_force)}): it does not hold what the decision shares."
    )
    if found.sent_again:
        return f"{then} A new copy was sent after it."
    return f"{then} Send a new copy."


@dataclass(frozen=True)
class SentBeforeAddendum:
    """An addendum and the copies for one reader who may read it (rhi/sharing.py rule 8),
    recorded as sent before it was added: each was made without it."""

    addendum: Addendum
    recipient: str
    before: list[SummarySending]
    sent_again: bool  # a copy for them was recorded as sent since


def sent_before_addenda(
    interview: Interview, sendings: list[SummarySending] | None = None
) -> list[SentBeforeAddendum]:
    """For each addendum with a part, each reader whose copy holds it and for whom copies were
    recorded as sent before it was added, oldest addendum first. One view per reader copied to
    (a handful), whatever the number of addenda."""
    parted = [a for a in interview.addenda if a.part]
    if not parted:
        return []
    sendings = tracking.sendings_of(interview) if sendings is None else sendings
    if not sendings:
        return []
    content = normalise(interview.content)
    in_force = decisions.in_force(interview)
    views = {
        recipient: view_for(content, recipient, in_force=in_force)
        for recipient in dict.fromkeys(s.recipient for s in sendings)
    }
    found: list[SentBeforeAddendum] = []
    for addendum in parted:
        for recipient, view in views.items():
            if not addendum_reaches(view, content, addendum.part):
                continue
            theirs = [s for s in sendings if s.recipient == recipient]
            before = [s for s in theirs if _sent_before(s, addendum.created_at)]
            if before:
                found.append(
                    SentBeforeAddendum(addendum, recipient, before, len(before) < len(theirs))
                )
    return found


def words_for_addendum(found: SentBeforeAddendum) -> str:
    part = SHARED_PARTS.get(found.addendum.part or "", found.addendum.part)
    then = (
        f"Sent before the addendum of {format_datetime(found.addendum.created_at)} to "
        f"\u201c{part}\u201d: it does not hold it."
    )
    if found.sent_again:
        return f"{then} A new copy was sent after it."
    return f"{then} Send a new copy."


def newer_holds(older: Summary, newer: Summary) -> list[str]:
    """What `newer`, a summary for the same reader (current_copy.newer_copy), holds that
    `older` was made without, in words for that reader (the social worker's page of the older
    copy): each addendum their copy holds added between the two, and each safeguarding
    decision to share with them that came into force between. Only what the newer copy holds,
    which they may read; never a decision's reason. Empty when neither is found."""
    interview = older.interview
    since, until = older.created_at, newer.created_at
    content = normalise(interview.content)
    view = view_for(content, older.recipient, in_force=decisions.in_force(interview))
    held = [
        f"the addendum of {format_datetime(a.created_at)} to "
        f"\u201c{SHARED_PARTS.get(a.part or '', a.part)}\u201d"
        for a in interview.addenda
        if since <= a.created_at <= until and addendum_reaches(view, content, a.part)
    ]
    entries = {e.get("id"): e for e in content["overrides"]}
    for decision in decisions.rows(interview).values():
        moment = _came_into_force(decision)
        entry = entries.get(decision.decision_id)
        if decision.recipient != older.recipient or moment is None or entry is None:
            continue
        if since <= moment <= until:
            held.append(
                f"what the safeguarding decision of {format_datetime(moment)} shares: "
                f"{_shares(entry)}"
            )
    return held


def _withdrawn_parts(change: ConsentChange) -> str:
    """The parts a child took back, in words: those agreed before and not after."""
    taken = consented_parts(change.before) - consented_parts(change.after)
    words = [f"\u201c{w}\u201d" for p, w in SHARED_PARTS.items() if p in taken]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def sent_before_withdrawal(interview: Interview, change: ConsentChange) -> list[str]:
    """Where copies holding what the child took back already went, for the worker to tell them:
    each copy for that reader recorded as sent before it, and for the social worker each of
    their summaries opened before it (`_opened_before`)."""
    went = [
        f"{s.sent_to} ({format_datetime(s.sent_at)})"
        for s in tracking.sendings_of(interview)
        if s.recipient == change.recipient and s.recorded_at <= change.recorded_at
    ]
    if change.recipient == "social_worker":
        went += _opened_before(interview, change)
    return went


def _opened_before(interview: Interview, change: ConsentChange) -> list[str]:
    """The social worker's summaries opened before the child took back their agreement (who
    opened each, when). Every summary still in an inbox is withdrawn with the change
    (rhi/interviews/views.py, withdraw_and_send_again): one never opened is called back whole,
    and its reader has nothing to be told (a probe: the worker was told to tell them of it).
    One opened was read, and its file may be kept outside rhi: that rhi cannot call back."""
    from rhi.summaries.service import summaries_of

    went: list[str] = []
    for s in summaries_of(interview):
        if s.opened_at is None or s.opened_at > change.recorded_at:
            continue
        # Who opened it: a summary passed on unread to a new social worker keeps its opening.
        reader = db.session.get(User, s.opened_by_id) if s.opened_by_id else None
        name = reader.name if reader is not None else s.prepared_for_name
        went.append(f"{name} (opened from their inbox {format_datetime(s.opened_at)})")
    return went


def withdrawal_marks(interview: Interview, sendings: list[SummarySending]) -> dict[int, list[str]]:
    """For the copies panel: under each copy recorded as sent before the child took back their
    agreement to share with its reader, what it holds that they no longer agree to."""
    marks: dict[int, list[str]] = {}
    if not sendings:
        return marks
    changes = db.session.scalars(
        select(ConsentChange)
        .where(ConsentChange.interview_id == interview.id)
        .order_by(ConsentChange.recorded_at, ConsentChange.id)
    )
    name = interview.child.preferred_name or interview.child.first_name
    for change in changes:
        for s in sendings:
            if s.recipient == change.recipient and s.recorded_at <= change.recorded_at:
                marks.setdefault(s.id, []).append(
                    f"Sent before {name} took back their agreement to share "
                    f"{_withdrawn_parts(change)} ({format_date(change.said_on)}): it holds what "
                    f"they no longer agree to share. Tell {s.sent_to}."
                )
    return marks
