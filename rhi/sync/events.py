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
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from wtforms.fields.core import UnboundField
from wtforms.validators import DataRequired, InputRequired, Length

from rhi.episodes import service as episodes
from rhi.extensions import db
from rhi.forms.episodes import ContactAttemptForm, DeclineForm, OfferForm
from rhi.interviews import content as c
from rhi.models import ContactAttempt, Interview, SyncEvent, User
from rhi.models.interviews import CONTACT_METHODS, CONTACT_OUTCOMES
from rhi.timefmt import from_local

MAX_EVENTS = 50
CLOCK_SKEW = timedelta(minutes=10)  # a tablet's clock may be a little ahead of the server's
OLDEST = timedelta(days=366)  # older than this is a mistyped year, not a late upload

UUID_TEXT = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

# What each kind carries besides id, kind and at.
FIELDS = {
    "attempt": ("method", "outcome", "note"),
    "offer": ("method",),
    "accept": (),
    "decline": ("reason", "offer_again", "carer_information"),
}
NAMES = {"attempt": "contact attempt", "offer": "offer", "accept": "child's yes",
         "decline": "child's no"}
STATUS_KINDS = ("offer", "accept", "decline")


def _rule(unbound: UnboundField, kind: type) -> Any:
    """The validator of `kind` on a form's field, so limits and words are the page's own."""
    return next(v for v in unbound.kwargs.get("validators", ()) if isinstance(v, kind))


NOTE_MAX = _rule(ContactAttemptForm.note, Length).max
REASON_MAX = _rule(DeclineForm.reason, Length).max
REASON_REQUIRED = _rule(DeclineForm.reason, DataRequired).message
METHOD_REQUIRED = _rule(ContactAttemptForm.method, InputRequired).message
OFFER_METHOD_REQUIRED = _rule(OfferForm.method, InputRequired).message
OUTCOME_REQUIRED = _rule(ContactAttemptForm.outcome, InputRequired).message


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


class _Checker:
    def __init__(self, now_local: datetime) -> None:
        self.now_local = now_local
        self.problems: list[str] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def when(self, where: str, value: Any) -> tuple[str, datetime] | None:
        if not isinstance(value, str) or not value.strip():
            self.problem(where, f"Enter the date and time, like {c.WHEN_HELP}.")
            return None
        for fmt in c.WHEN_FORMATS:
            try:
                local = datetime.strptime(value.strip(), fmt)
            except ValueError:
                continue
            if local > self.now_local + CLOCK_SKEW:
                self.problem(where, "This can't be in the future. Check the date and time, and "
                                    "the tablet's clock.")
                return None
            if local < self.now_local - OLDEST:
                self.problem(where, "This is more than a year ago. Check the date and time.")
                return None
            return local.strftime("%Y-%m-%d %H:%M"), from_local(local)
        self.problem(where, f"Enter a date and time like {c.WHEN_HELP}.")
        return None

    def choice(self, where: str, value: Any, options: dict[str, str], required: str) -> str:
        if not isinstance(value, str) or value not in options:
            self.problem(where, f"{required} One of: {', '.join(options)}.")
            return ""
        return str(value)

    def text(self, where: str, value: Any, limit: int, required: str | None) -> str | None:
        if value is None and required is None:
            return None
        if not isinstance(value, str):
            self.problem(where, "should be text.")
            return None
        if len(value) > limit:
            self.problem(where, f"is {len(value):,} characters long; the most is {limit:,}.")
            return None
        if required is not None and not value.strip():
            self.problem(where, required)
            return None
        return value.strip() if required is not None else (value or None)

    def flag(self, where: str, value: Any, default: bool | None) -> bool:
        if value is None and default is not None:
            return default
        if not isinstance(value, bool):
            self.problem(where, "should be true or false.")
            return bool(default)
        return value

    def event(self, position: int, raw: Any, seen: set[str]) -> Event | None:
        where = f"events[{position}]"
        if not isinstance(raw, dict):
            self.problem(where, "should be a group of fields (a JSON object).")
            return None
        before = len(self.problems)
        kind = raw.get("kind")
        if not isinstance(kind, str) or kind not in FIELDS:
            self.problem(f"{where}.kind", f"should be one of: {', '.join(FIELDS)}.")
            return None
        event_id = raw.get("id")
        if not isinstance(event_id, str) or not UUID_TEXT.match(event_id.lower()):
            self.problem(f"{where}.id", "should be the UUID the tablet gave this event.")
            event_id = ""
        elif event_id.lower() in seen:
            self.problem(f"{where}.id", "is used by another event in this item; each event "
                                        "needs its own.")
        event_id = event_id.lower()
        seen.add(event_id)
        for key in raw:
            if key not in ("id", "kind", "at", *FIELDS[kind]):
                self.problem(f"{where}.{key}", f"is not part of a {NAMES[kind]}.")
        when = self.when(f"{where}.at", raw.get("at"))
        extra: dict[str, Any] = {}
        if kind == "attempt":
            extra["method"] = self.choice(f"{where}.method", raw.get("method"), CONTACT_METHODS,
                                          METHOD_REQUIRED)
            extra["outcome"] = self.choice(f"{where}.outcome", raw.get("outcome"),
                                           CONTACT_OUTCOMES, OUTCOME_REQUIRED)
            extra["note"] = self.text(f"{where}.note", raw.get("note"), NOTE_MAX, None)
        elif kind == "offer":
            extra["method"] = self.choice(f"{where}.method", raw.get("method"), CONTACT_METHODS,
                                          OFFER_METHOD_REQUIRED)
        elif kind == "decline":
            extra["reason"] = self.text(f"{where}.reason", raw.get("reason"), REASON_MAX,
                                        REASON_REQUIRED) or ""
            extra["offer_again"] = self.flag(f"{where}.offer_again", raw.get("offer_again"),
                                             None)
            extra["carer_information"] = self.flag(f"{where}.carer_information",
                                                   raw.get("carer_information"), False)
        if when is None or len(self.problems) > before:
            return None
        return Event(id=event_id, kind=kind, at_text=when[0], at=when[1], position=position,
                     **extra)


def parse(raw: Any, now_local: datetime) -> tuple[list[Event], list[str]]:
    """The item's events (absent or null: none), in time order, and the problems found. Use the
    events only when there are no problems."""
    if raw is None:
        return [], []
    if not isinstance(raw, list):
        return [], ["events: should be a list of events, or left out."]
    if len(raw) > MAX_EVENTS:
        return [], [f"events: has {len(raw)} events; the most in one item is {MAX_EVENTS}. "
                    "Send the rest in another item."]
    checker = _Checker(now_local)
    seen: set[str] = set()
    found = [checker.event(position, entry, seen) for position, entry in enumerate(raw)]
    events = [e for e in found if e is not None]
    return sorted(events, key=lambda e: (e.at, e.position)), checker.problems


@dataclass
class Report:
    """What applying an item's events did."""

    applied: list[Event] = field(default_factory=list)
    skipped: list[Event] = field(default_factory=list)  # arrived after the interview finished

    @property
    def recorded(self) -> bool:
        """Anything new kept on the server (an event seen before counts for nothing)."""
        return bool(self.applied or self.skipped)

    @property
    def messages(self) -> list[str]:
        return [f"The {NAMES[e.kind]} recorded on this tablet for {e.at_text} was not applied: "
                "this interview was already finished. Contact attempts are still kept."
                for e in self.skipped]


def known(ids: list[str]) -> set[str]:
    """Which of these tablet ids the server already has."""
    if not ids:
        return set()
    attempts = db.session.scalars(select(ContactAttempt.client_id).where(
        ContactAttempt.client_id.in_(ids)))
    others = db.session.scalars(select(SyncEvent.client_id).where(SyncEvent.client_id.in_(ids)))
    return {*attempts, *others}


def apply(user: User, interview: Interview, events: list[Event]) -> Report:
    """Apply the events the server does not have yet, in time order, to `interview`."""
    report = Report()
    already = known([e.id for e in events])
    episode = interview.episodes[0]
    for event in events:
        if event.id in already:
            continue
        if event.kind == "attempt":
            attempt = episodes.record_attempt(episode, user, at=event.at, method=event.method,
                                              outcome=event.outcome, note=event.note,
                                              interview=interview)
            attempt.client_id = event.id
            report.applied.append(event)
            continue
        skip = interview.locked  # never reopened: see the module's docstring
        if skip:
            report.skipped.append(event)
        elif event.kind == "offer":
            episodes.record_offer(episode, user, at=event.at, method=event.method,
                                  interview=interview)
        elif event.kind == "accept":
            episodes.record_accept(episode, user, at=event.at, interview=interview)
        else:
            episodes.record_decline(episode, user, at=event.at, reason=event.reason,
                                    offer_again=event.offer_again,
                                    carer_information=event.carer_information,
                                    interview=interview)
        if not skip:
            report.applied.append(event)
        db.session.add(SyncEvent(client_id=event.id, interview_id=interview.id, kind=event.kind,
                                 applied=not skip, user_id=user.id))
    db.session.flush()  # a second copy of an event racing this one fails here, not later
    return report
