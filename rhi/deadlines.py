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
# The word the clock's words begin with when said alone (a list, a notice), for the urgencies
# whose tag says it: beside the tag they begin after it, so the card reads "Overdue by 8 hours",
# not "Overdue overdue by 8 hours" (a coordinator found it). "Due soon" and "On time" are not
# said again: "5 hours left" says both.
LEADS = {"overdue": "overdue", "held": "held"}


def _hours_words(minutes: int, unit: bool = True) -> str:
    """A deadline's length: "48 hours" ("48" without the unit), "1 hour", "47 hours 30 minutes"
    (a return time corrected after its interview was made for two returns)."""
    hours, rest = divmod(minutes, 60)
    if rest:
        return f"{hours} hour{'s' if hours != 1 else ''} {rest} minute{'s' if rest != 1 else ''}"
    return f"{hours} hour{'s' if hours != 1 else ''}" if unit else str(hours)


@dataclass(frozen=True)
class Deadlines:
    """The deadlines of the returns a page counts, as lengths after the return in whole minutes:
    the shortest, the longest and how many different ones (0: no return; 3 stands for three or
    more).

    A return keeps the deadline it was given: its interview's `due_at` is set from the setting
    in force when the interview is first recorded (rhi/episodes/service.py), and an
    administrator may change the setting since. A heading that names "72 hours" must then not
    claim it of returns given 48: with more than one deadline in view it says "its deadline"
    and names them."""

    shortest: int = 0
    longest: int = 0
    kinds: int = 0

    @classmethod
    def of(cls, minutes: Iterable[int]) -> Deadlines:
        found = sorted(set(minutes))
        if not found:
            return cls()
        return cls(found[0], found[-1], min(len(found), 3))

    @classmethod
    def hours(cls, hours: int) -> Deadlines:
        return cls(hours * 60, hours * 60, 1)

    def joined(self, other: Deadlines | None) -> Deadlines:
        """The deadlines of both sets of returns (two lists on one page). Exact while each set
        has at most two (then it is its shortest and its longest); "three or more" otherwise."""
        if other is None or not other.kinds:
            return self
        if not self.kinds:
            return other
        ends = {self.shortest, self.longest, other.shortest, other.longest}
        kinds = len(ends) if max(self.kinds, other.kinds) <= 2 else 3
        return Deadlines(min(ends), max(ends), min(kinds, 3))

    def or_hours(self, hours: int) -> Deadlines:
        """These, or with no return to judge, the service's deadline now (RHI_DEADLINE_HOURS)."""
        return self if self.kinds else Deadlines.hours(hours)

    @property
    def lengths(self) -> str:
        """ "72 hours"; "48 or 72 hours" for two; "48 to 72 hours" for three or more."""
        if self.kinds <= 1:
            return _hours_words(self.longest)
        whole = not self.shortest % 60 and not self.longest % 60
        joint = " or " if self.kinds == 2 else " to "
        return _hours_words(self.shortest, unit=not whole) + joint + _hours_words(self.longest)

    @property
    def within(self) -> str:
        """ "within 72 hours", or "within its deadline (48 or 72 hours)" when they differ."""
        if self.kinds <= 1:
            return f"within {self.lengths}"
        return f"within its deadline ({self.lengths})"

    def within_of(self, moment: str) -> str:
        """ "within 72 hours of the return", or "within its deadline (48 or 72 hours after the
        return)" when they differ (`moment`: "the return", "their return")."""
        if self.kinds <= 1:
            return f"within {self.lengths} of {moment}"
        return f"within its deadline ({self.lengths} after {moment})"

    @property
    def the_deadline(self) -> str:
        """ "the 72 hours", or "its deadline (48 or 72 hours)" when they differ."""
        if self.kinds <= 1:
            return f"the {self.lengths}"
        return f"its deadline ({self.lengths})"


def measured_note(given: Deadlines, hours_now: int) -> str | None:
    """How returns are measured, said where their deadlines are not all the setting now
    (`hours_now`, RHI_DEADLINE_HOURS); None where they are (or there are none)."""
    now = Deadlines.hours(hours_now)
    if not given.kinds or given == now:
        return None
    return (
        "The deadline setting has changed. Each return is measured against the deadline its "
        f"interview was given when first recorded ({given.lengths} here); a return with no "
        f"interview recorded yet, against the deadline now ({now.lengths})."
    )


def in_time_words(deadlines: Deadlines | int) -> str:
    """The name of the figure "held by the deadline", with the deadline of the returns counted
    (`Deadlines`; hours alone for one): every page, PDF and CSV that counts it says it so."""
    if isinstance(deadlines, int):
        deadlines = Deadlines.hours(deadlines)
    return f"Held {deadlines.within}"


def past_deadline_words(deadlines: Deadlines | int) -> str:
    """The name of "waiting, at or past the deadline" (`Clock.overdue`)."""
    if isinstance(deadlines, int):
        deadlines = Deadlines.hours(deadlines)
    return f"Past {deadlines.the_deadline}"


def due_at(returned_at: datetime, hours: int = 72) -> datetime:
    """When the return home interview should have happened by."""
    return returned_at + timedelta(hours=hours)


def due_for_return(
    returned_at: datetime, interview_due: datetime, first_return: datetime
) -> datetime:
    """This return's own deadline, from the one its interview was given (`due_at`, set from the
    first return the interview covers, `first_return`, with the setting then in force): as long
    after this return as the interview's is after that first one. The interview's own for the
    return it was made for; for a later return it covers, as much later as that return came
    back (one interview for two returns can be in time for the later and late for the
    earlier). The service's figures say the same in SQL (rhi/oversight/figures.py)."""
    return interview_due + (returned_at - first_return)


def deadline_minutes(interview_due: datetime, first_return: datetime) -> int:
    """How long the deadline an interview was given is, in whole minutes (rounded): what
    `Deadlines` counts."""
    return round((interview_due - first_return) / timedelta(minutes=1))


def hours_said(hours: float, deadline: Deadlines) -> str:
    """A time measured in hours by the database (a median, a 90th percentile), as rhi says a
    duration (`plain_duration`), with its minutes: each is read beside "Held within 72 hours", a
    line drawn in hours, so it is said in hours up to a day past the longest `deadline`, never
    in days near it ("3.0 days" for 72.5 hours read as within the 72 hours and hid an interview
    held late: an oversight probe). Rounded to the millisecond first: hours between two stored
    times come from floating point, a hair either side, and 5 must not read "4 hours 59
    minutes"."""
    delta = timedelta(milliseconds=round(hours * 3_600_000))
    in_hours_until = -(-deadline.longest // 60) + 24
    return plain_duration(delta, in_hours_until, with_minutes=True)


def plain_duration(
    delta: timedelta, days_from_hours: int = 72, *, with_minutes: bool = False
) -> str:
    """How long, plainly: "40 minutes", "11 hours", "3 days 4 hours" (in hours up to
    `days_from_hours`, then in days): the one way rhi says a duration, on pages and in PDFs.

    `with_minutes` adds the minutes past the whole hour ("48 hours 1 minute"): where a length
    is compared with a line drawn in hours (episodes longer than 48 hours), whole hours alone
    would show one just over the line as on it."""
    minutes = max(0, int(delta.total_seconds() // 60))
    if minutes == 0:
        return "less than a minute"  # "0 minutes" read as none at all (an oversight probe)
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours, past_the_hour = divmod(minutes, 60)
    if hours < days_from_hours:
        text = f"{hours} hour{'s' if hours != 1 else ''}"
    else:
        days, rest = divmod(hours, 24)
        text = f"{days} days"
        if rest:
            text += f" {rest} hour{'s' if rest != 1 else ''}"
    if with_minutes and past_the_hour:
        text += f" {past_the_hour} minute{'s' if past_the_hour != 1 else ''}"
    return text


def said_alone(urgency: str, after_tag: str) -> str:
    """The clock's words said without the tag (`Clock.phrase`): those beside it, after the
    tag's own word where it has one (`LEADS`): "overdue by 8 hours", "5 hours left"."""
    lead = LEADS.get(urgency)
    return f"{lead} {after_tag}" if lead else after_tag


@dataclass(frozen=True)
class Shown:
    """What a page shows of the clock: the words said alone (`label`), the urgency (the
    stripe's and the tag's class: overdue, soon, ok or held), the tag's words, and the words
    the card and the episode page show right after the tag (`after_tag`)."""

    label: str
    tone: str
    tag: str
    after_tag: str


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
    def after_tag(self) -> str:
        """The words right after the tag (which already says "Overdue" or "Held"): "by 8
        hours", "in time, being written up", "3 hours late, being written up", "5 hours left".
        The one home of the clock's words: `phrase` is these, said alone."""
        if self.held is not None:
            if self.held_in_time:
                return "in time, being written up"
            if self.held - self.due < timedelta(minutes=1):
                # At the deadline itself: late by the one rule (held_in_time), said so, not
                # "held 0 minutes late" (an oversight probe).
                return "at the deadline (counted as late), being written up"
            return f"{plain_duration(self.held - self.due)} late, being written up"
        if self.overdue:
            return f"by {plain_duration(self.now - self.due)}"
        return f"{plain_duration(self.due - self.now)} left"

    @property
    def phrase(self) -> str:
        """The clock's words where no tag is shown before them (lists, notices, PDFs):
        "overdue by 8 hours", "held in time, being written up", "5 hours left"."""
        return said_alone(self.urgency, self.after_tag)

    @property
    def shown(self) -> Shown:
        return Shown(label=self.phrase, tone=self.urgency, tag=self.tag, after_tag=self.after_tag)


# A tablet reads its clock in whole milliseconds, so a step starts at the first millisecond at
# which what is shown has changed: at a boundary itself ("overdue by less than a minute" at the
# deadline) or a millisecond after it ("41 minutes left" turns into "40 minutes left" once less
# than 41 whole minutes are left, so just after the boundary).
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
    beyond = f"by more than {plain_duration(horizon - due)}"
    last = replace(Clock(due, horizon).shown, label=said_alone("overdue", beyond), after_tag=beyond)
    steps.append((horizon, last))
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
