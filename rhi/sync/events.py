"""Contact attempts, offers and the child's answer, recorded on a tablet with no signal and sent
with an upload item as `events` (see docs/openapi.yaml, Event). No HTTP here.

Checking: every event is checked before anything is applied, and one bad event rejects the whole
item. The choices and lengths are the episode page's own (`rhi.forms.episodes` and the lists in
`rhi.models.interviews`), read from there, never copied.

Applying: in time order, through `rhi.episodes.service` (the one home of the rules), each exactly
once. A contact attempt keeps the tablet's id on the attempt (`ContactAttempt.client_id`); an
offer, a yes or a no keeps it in `sync_events`. Both columns are unique, so an upload sent again,
or two racing, can never record an event twice: the second finds the id and skips it.

A finished interview is never reopened: a contact attempt is still added (it is a fact about the
return and changes nothing in the record), but an offer, a yes or a no that arrives after the
interview was finished is not applied; its id is kept (so it is reported once) and the item's
answer says so in plain words.

A `start` is when the worker began the interview on the tablet. It changes nothing itself (the
item's document starts the interview, rhi/sync/apply.py); it is where the server checks the rule
the tablet was given (`rhi.episodes.service.may_start`): the offer and the child's "yes" are
recorded, on the server or by the item's earlier events. If not, the whole item is rejected with
a message saying what to record; the tablet keeps it, with the worker's words, until they do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from wtforms.validators import InputRequired

from rhi.episodes import service as episodes
from rhi.extensions import db
from rhi.forms.episodes import AcceptForm, ContactAttemptForm, DeclineForm, OfferForm
from rhi.forms.fields import LocalDateTimeField, RecentPast
from rhi.models import ContactAttempt, Interview, SyncEvent, User
from rhi.models.interviews import UUID_TEXT
from rhi.timefmt import STORED_WHEN, from_local

MAX_EVENTS = 50


class StartedForm(FlaskForm):
    """When the worker began the interview on the tablet: checked as the page's times are."""

    started_at = LocalDateTimeField(
        "When the interview began",
        validators=[InputRequired("Enter the date and time."), RecentPast()],
    )


# Each kind is checked by the episode page's own form, filled from the event: the JSON key of
# the time, and the form that records the act.
FORMS: dict[str, tuple[type[FlaskForm], str]] = {
    "attempt": (ContactAttemptForm, "attempted_at"),
    "offer": (OfferForm, "offered_at"),
    "accept": (AcceptForm, "accepted_at"),
    "decline": (DeclineForm, "declined_at"),
    "start": (StartedForm, "started_at"),
}
# What each kind carries besides id, kind and at: text fields, and true/false fields.
TEXTS = {
    "attempt": ("method", "outcome", "note"),
    "offer": ("method",),
    "accept": (),
    "decline": ("reason", "carer_said"),
    "start": (),
}
FLAGS = {
    "attempt": (),
    "offer": (),
    "accept": (),
    "decline": ("offer_again", "carer_information"),
    "start": (),
}
NAMES = {
    "attempt": "contact attempt",
    "offer": "offer",
    "accept": "child's yes",
    "decline": "child's no",
    "start": "start of the interview",
}
STATUS_KINDS = ("offer", "accept", "decline")


@dataclass(frozen=True)
class Event:
    id: str
    kind: str
    at_text: str  # local wall-clock time as sent, "YYYY-MM-DD HH:MM"
    at: datetime  # the same moment in UTC, as stored
    position: int  # in the item's list: keeps events at the same minute in the order sent
    method: str = ""
    outcome: str = ""
    note: str | None = None
    reason: str = ""
    offer_again: bool = True
    carer_information: bool = False
    carer_said: str | None = None  # an older tablet's no sends none


class _Checker:
    def __init__(self, now_local: datetime) -> None:
        self.now_local = now_local
        self.problems: list[str] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def _formdata(self, where: str, kind: str, raw: dict[str, Any]) -> MultiDict[str, str]:
        """The event as the page's form would have posted it; JSON types checked here, the
        rest by the form."""
        data: MultiDict[str, str] = MultiDict()
        when = raw.get("at")
        if isinstance(when, str):
            data[FORMS[kind][1]] = when
        elif when is not None:
            self.problem(f"{where}.at", "should be text: the date and time.")
        for key in TEXTS[kind]:
            value = raw.get(key)
            if isinstance(value, str):
                data[key] = value
            elif value is not None:
                self.problem(f"{where}.{key}", "should be text.")
        for key in FLAGS[kind]:
            value = raw.get(key)
            if key == "offer_again" and not isinstance(value, bool):
                self.problem(f"{where}.{key}", "should be true or false.")
            elif key == "offer_again":
                data[key] = "yes" if value else "no"
            elif value is not None and not isinstance(value, bool):
                self.problem(f"{where}.{key}", "should be true or false.")
            elif value:
                data[key] = "y"
        return data

    def event(self, position: int, raw: Any, seen: set[str]) -> Event | None:
        where = f"events[{position}]"
        if not isinstance(raw, dict):
            self.problem(where, "should be a group of fields (a JSON object).")
            return None
        before = len(self.problems)
        kind = raw.get("kind")
        if not isinstance(kind, str) or kind not in FORMS:
            self.problem(f"{where}.kind", f"should be one of: {', '.join(FORMS)}.")
            return None
        event_id = raw.get("id")
        if not isinstance(event_id, str) or not UUID_TEXT.match(event_id.lower()):
            self.problem(f"{where}.id", "should be the UUID the tablet gave this event.")
            event_id = ""
        elif event_id.lower() in seen:
            self.problem(
                f"{where}.id", "is used by another event in this item; each event needs its own."
            )
        event_id = event_id.lower()
        seen.add(event_id)
        for key in raw:
            if key not in ("id", "kind", "at", *TEXTS[kind], *FLAGS[kind]):
                self.problem(f"{where}.{key}", f"is not part of a {NAMES[kind]}.")
        form_class, when_name = FORMS[kind]
        form = form_class(formdata=self._formdata(where, kind, raw), meta={"csrf": False})
        form.now_local = self.now_local  # RecentPast: the moment this upload is checked
        if not form.validate():
            for name, errors in form.errors.items():
                key = "at" if name == when_name else name
                self.problems.extend(f"{where}.{key}: {error}" for error in errors)
        if len(self.problems) > before:
            return None
        local: datetime = form[when_name].data
        extra = {name: form[name].data for name in (*TEXTS[kind], *FLAGS[kind])}
        if "note" in extra:
            extra["note"] = (extra["note"] or "").strip() or None
        if "reason" in extra:
            extra["reason"] = extra["reason"].strip()
        if "offer_again" in extra:
            extra["offer_again"] = extra["offer_again"] == "yes"
        return Event(
            id=event_id,
            kind=kind,
            at_text=local.strftime(STORED_WHEN),
            at=from_local(local),
            position=position,
            **extra,
        )


def parse(raw: Any, now_local: datetime) -> tuple[list[Event], list[str]]:
    """The item's events (absent or null: none), in time order, and the problems found. Use the
    events only when there are no problems."""
    if raw is None:
        return [], []
    if not isinstance(raw, list):
        return [], ["events: should be a list of events, or left out."]
    if len(raw) > MAX_EVENTS:
        return [], [
            f"events: has {len(raw)} events; the most in one item is {MAX_EVENTS}. "
            "Send the rest in another item."
        ]
    checker = _Checker(now_local)
    seen: set[str] = set()
    found = [checker.event(position, entry, seen) for position, entry in enumerate(raw)]
    events = [e for e in found if e is not None]
    return sorted(events, key=lambda e: (e.at, e.position)), checker.problems


@dataclass
class Report:
    """What applying an item's events did."""

    applied: list[Event] = field(default_factory=list)
    skipped: list[Event] = field(default_factory=list)  # arrived after the interview ended
    # Why they were skipped, as the tablet is told: finished, or the return's outcome recorded.
    because: str = "this interview was already finished"
    # An event skipped for a reason of its own (a start refused in held work), by its id.
    why: dict[str, str] = field(default_factory=dict)

    @property
    def recorded(self) -> bool:
        """Anything new kept on the server (an event seen before counts for nothing)."""
        return bool(self.applied or self.skipped)

    @property
    def messages(self) -> list[str]:
        return [
            f"The {NAMES[e.kind]} recorded on this tablet for {e.at_text} was not applied: "
            f"{self.why.get(e.id, self.because)}. Contact attempts are still kept."
            for e in self.skipped
        ]


def known(ids: list[str]) -> set[str]:
    """Which of these tablet ids the server already has."""
    if not ids:
        return set()
    attempts = db.session.scalars(
        select(ContactAttempt.client_id).where(ContactAttempt.client_id.in_(ids))
    )
    others = db.session.scalars(select(SyncEvent.client_id).where(SyncEvent.client_id.in_(ids)))
    return {*attempts, *others}


def start_refused(event: Event) -> str:
    return (
        f"This interview was begun on this tablet ({event.at_text}) before the offer and the "
        "child's answer were recorded, so it has not been saved yet. Open the return on this "
        "tablet, record when the interview was offered and the child's yes, at the times they "
        "happened, then send it again. Everything written stays on this tablet meanwhile."
    )


def may_begin(interview: Interview) -> bool:
    """`may_start`, with the offer and the child's "yes" on record: an interview made from a
    tablet's document is in progress before its events are applied (rhi/sync/apply.py `_new`),
    so there its status alone would let a start through that nobody offered or agreed to."""
    return (
        episodes.may_start(interview)
        and interview.offered_at is not None
        and interview.accepted_at is not None
    )


def outcome_stands(interview: Interview, user: User) -> bool:
    """The return has an outcome the tablet's work does not change: any but the sender's own
    record of the child's no (made on this tablet in an earlier upload, or on the page), whose
    notes may follow it. Not reached, or decided not to interview, ends the interview as the
    pages do (`Interview.ended`), whoever recorded it."""
    if interview.outcome is None:
        return False
    return not (interview.outcome == "declined" and interview.outcome_recorded_by_id == user.id)


def apply(user: User, interview: Interview, events: list[Event], *, held: bool = False) -> Report:
    """Apply the events the server does not have yet, in time order, to `interview`. A start
    the offer and the child's yes do not come before is refused (`Rejected`): the caller rolls
    the whole item back. Held work added to the record by a manager (`held`: the tablet cannot
    be asked again, and its words must arrive) skips such a start instead: its notes are kept
    as a version beside the interview, which is not begun."""
    # Here, not at the top: rhi.sync.protocol reads this module's lists when it is imported.
    from rhi.sync.protocol import Rejected

    report = Report()
    already = known([e.id for e in events])
    episode = interview.episodes[0]
    for event in events:
        if event.id in already:
            continue
        if event.kind == "attempt":
            attempt = episodes.record_attempt(
                episode,
                user,
                at=event.at,
                method=event.method,
                outcome=event.outcome,
                note=event.note,
                interview=interview,
            )
            attempt.client_id = event.id
            report.applied.append(event)
            continue
        # Never reopened (see the module's docstring); nor started over an outcome recorded
        # while the tablet held it ("not reached"): the outcome stands, and the tablet's words
        # go to an addendum (rhi/sync/apply.py `_content`).
        skip = interview.locked or outcome_stands(interview, user)
        if skip and not interview.locked:
            report.because = "the return\u2019s outcome was recorded meanwhile"
        elif not skip and interview.outcome is not None:
            # The sender's own no, not to be offered again, is the return's outcome (earlier in
            # this item, or an earlier upload): its notes may follow it, but a later offer, yes
            # or start is not recorded over it, as the return's page refuses them. Raised, it
            # was answered "try again" for ever and the item's words never arrived.
            skip = True
            report.because = (
                "the child\u2019s no, not to be offered again, is recorded as the return\u2019s "
                "outcome, and a later answer is not recorded over it (what was written is kept "
                "with it)"
            )
        if not skip and event.kind == "start" and not may_begin(interview):
            if not held:
                raise Rejected(start_refused(event))
            skip = True
            report.why[event.id] = (
                "the child\u2019s yes was not on record when it was begun (it may have changed "
                "meanwhile), so the interview is not begun from it; its notes are kept beside it"
            )
        if skip:
            report.skipped.append(event)
        elif event.kind == "start":
            pass  # begun: its notes follow, as the content (rhi/sync/apply.py `_content`)
        elif event.kind == "offer":
            episodes.record_offer(
                episode, user, at=event.at, method=event.method, interview=interview
            )
        elif event.kind == "accept":
            episodes.record_accept(episode, user, at=event.at, interview=interview)
        else:
            episodes.record_decline(
                episode,
                user,
                at=event.at,
                reason=event.reason,
                offer_again=event.offer_again,
                carer_information=event.carer_information,
                carer_said=event.carer_said,
                interview=interview,
            )
        if not skip:
            report.applied.append(event)
        db.session.add(
            SyncEvent(
                client_id=event.id,
                interview_id=interview.id,
                kind=event.kind,
                applied=not skip,
                user_id=user.id,
            )
        )
    db.session.flush()  # a second copy of an event racing this one fails here, not later
    return report
