"""The 72-hour clock and repeat-episode thresholds, as pure functions of times and settings.

No Flask here: every rule is a function of its inputs, tested on its own.

A tablet with no signal cannot ask the server what the clock says now, and must not work it out
itself (a second copy of these rules drifts). So the server hands over *schedules*
(`clock_schedule`, `repeat_schedule`): what these rules show at every moment ahead, as a list of
`(from, shown)` steps, each holding until the next; the tablet shows the last step that has
begun.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TypeVar

T = TypeVar("T")

# How far ahead a schedule reaches, and what the tag on a card says for each urgency.
SCHEDULE_DAYS = 14
TAGS = {"overdue": "Overdue", "soon": "Due soon", "ok": "On time", "held": "Held"}


def in_time_words(hours: int) -> str:
    """The name of the figure "held by the deadline", with the service's deadline in hours
    (RHI_DEADLINE_HOURS): every page, PDF and CSV that counts it says it so."""
    return f"Held within {hours} hours"


def past_deadline_words(hours: int) -> str:
    """The name of "waiting, at or past the deadline" (`Clock.overdue`)."""
    return f"Past the {hours} hours"


def due_at(returned_at: datetime, hours: int = 72) -> datetime:
    """When the return home interview should have happened by."""
    return returned_at + timedelta(hours=hours)


def plain_duration(delta: timedelta, days_from_hours: int = 72) -> str:
    """How long, plainly: "40 minutes", "11 hours", "3 days 4 hours" (in hours up to
    `days_from_hours`, then in days): the one way rhi says a duration, on pages and in PDFs."""
    minutes = max(0, int(delta.total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = minutes // 60
    if hours < days_from_hours:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    days, rest = divmod(hours, 24)
    text = f"{days} days"
    if rest:
        text += f" {rest} hour{'s' if rest != 1 else ''}"
    return text


@dataclass(frozen=True)
class Shown:
    """What a page shows of the clock: the words, the urgency (the stripe's and the tag's
    class: overdue, soon or ok) and the tag's words."""

    label: str
    tone: str
    tag: str


@dataclass(frozen=True)
class Clock:
    """Where an interview stands against its deadline, said plainly.

    `held`: when the interview was held, if it has been and is still being written up. The
    deadline is for holding it (the statutory 72 hours), so a held interview waits for nothing
    the deadline measures: never overdue however long the writing up takes, and its words say
    whether it was held in time (before the deadline itself, as `overdue` counts it) or late."""

    due: datetime
    now: datetime
    held: datetime | None = None

    @property
    def overdue(self) -> bool:
        return self.held is None and self.now >= self.due

    @property
    def held_in_time(self) -> bool | None:
        """Held before the deadline (None: not held yet)."""
        return None if self.held is None else self.held < self.due

    @property
    def hours_left(self) -> float:
        return (self.due - self.now).total_seconds() / 3600

    @property
    def urgency(self) -> str:
        """overdue, soon (under 12 hours), ok, or held: used for marking, always with words too."""
        if self.held is not None:
            return "held"
        if self.overdue:
            return "overdue"
        return "soon" if self.hours_left < 12 else "ok"

    @property
    def tag(self) -> str:
        """The words on the card's tag: "Overdue", "Due soon" or "On time"."""
        return TAGS[self.urgency]

    @property
    def phrase(self) -> str:
        if self.held is not None:
            if self.held_in_time:
                return "held in time, being written up"
            return f"held {plain_duration(self.held - self.due)} late, being written up"
        if self.overdue:
            return f"overdue by {plain_duration(self.now - self.due)}"
        return f"{plain_duration(self.due - self.now)} left"

    @property
    def shown(self) -> Shown:
        return Shown(label=self.phrase, tone=self.urgency, tag=self.tag)


# A tablet reads its clock in whole milliseconds, so a step starts at the first millisecond at
# which what is shown has changed: at a boundary itself ("overdue by 0 minutes" at the deadline)
# or a millisecond after it ("41 minutes left" turns into "40 minutes left" once less than 41
# whole minutes are left, so just after the boundary).
_MS = timedelta(milliseconds=1)


def _ms_ceil(moment: datetime) -> datetime:
    extra = moment.microsecond % 1000
    return moment + timedelta(microseconds=1000 - extra) if extra else moment


def _steps(
    now: datetime,
    boundaries: Iterable[datetime],
    until: datetime,
    shown_at: Callable[[datetime], T],
) -> list[tuple[datetime, T]]:
    """What `shown_at` gives from `now`, then from each millisecond after `now` and before
    `until` at which it changes, looking only at the `boundaries` given (where it may)."""
    steps: list[tuple[datetime, T]] = [(now, shown_at(now))]
    for boundary in sorted({b for b in boundaries if now < b < until}):
        moment = _ms_ceil(boundary)
        shown = shown_at(moment)
        if shown == steps[-1][1]:
            moment += _MS
            shown = shown_at(moment)
        if shown != steps[-1][1]:
            steps.append((moment, shown))
    return steps


def clock_schedule(
    due: datetime, now: datetime, days: int = SCHEDULE_DAYS, held: datetime | None = None
) -> list[tuple[datetime, Shown]]:
    """Every change in what `Clock(due, t, held).shown` says for t from `now` on.

    Held (being written up): one step, for good; what it says does not change with time.

    Steps reach `days` ahead (and an hour past the deadline, if that is later): each minute
    within an hour of the deadline, each hour beyond (the words count whole minutes below an
    hour, whole hours beyond). The last step holds for any later time, in words true however
    much later it is ("overdue by more than 14 days 4 hours").
    """
    if held is not None:
        return [(now, Clock(due, now, held).shown)]
    horizon = max(now + timedelta(days=days), due + timedelta(hours=1))
    minutes = (due + timedelta(minutes=k) for k in range(-60, 61))
    first_hour = int((now - due) // timedelta(hours=1))
    last_hour = int((horizon - due) // timedelta(hours=1))
    hours = (due + timedelta(hours=h) for h in range(first_hour, last_hour + 1))
    steps = _steps(now, [*minutes, *hours], horizon, lambda t: Clock(due, t).shown)
    beyond = f"overdue by more than {plain_duration(horizon - due)}"
    steps.append((horizon, replace(Clock(due, horizon).shown, label=beyond)))
    return steps


def repeat_episodes(
    starts: Iterable[datetime], at: datetime, count: int = 3, days: int = 30
) -> int | None:
    """How many episodes began in the `days` before `at`, if that reaches the local threshold.

    Returns None when the threshold is not reached, so callers can write `if repeat_episodes(...)`.
    """
    window_start = at - timedelta(days=days)
    recent = sum(1 for s in starts if window_start <= s <= at)
    return recent if recent >= count else None


def repeat_phrase(episodes: int | None, days: int = 30) -> str | None:
    """The repeat-episode marker's words, or None for no marker."""
    return f"{episodes} episodes in the last {days} days" if episodes else None


def repeat_schedule(
    starts: Iterable[datetime], now: datetime, count: int = 3, days: int = 30
) -> list[tuple[datetime, str | None]]:
    """Every change in the repeat-episode marker's words from `now` on, as episodes known now
    leave the window; the last step holds for good (unless the child goes missing again)."""
    known = [s for s in starts if s <= now]
    leaving = [s + timedelta(days=days) for s in known]
    until = max(leaving, default=now) + timedelta(days=1)
    return _steps(
        now, leaving, until, lambda t: repeat_phrase(repeat_episodes(known, t, count, days), days)
    )


def is_long_episode(started_at: datetime, returned_at: datetime | None, hours: int = 48) -> bool:
    if returned_at is None:
        return False
    return returned_at - started_at > timedelta(hours=hours)
