"""The 72-hour clock and repeat-episode thresholds, as pure functions of times and settings.

No Flask here: every rule is a function of its inputs, tested on its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta


def due_at(returned_at: datetime, hours: int = 72) -> datetime:
    """When the return home interview should have happened by."""
    return returned_at + timedelta(hours=hours)


def _plain_duration(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = minutes // 60
    if hours < 72:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    days, rest = divmod(hours, 24)
    text = f"{days} days"
    if rest:
        text += f" {rest} hour{'s' if rest != 1 else ''}"
    return text


@dataclass(frozen=True)
class Clock:
    """Where an interview stands against its deadline, said plainly."""

    due: datetime
    now: datetime

    @property
    def overdue(self) -> bool:
        return self.now >= self.due

    @property
    def hours_left(self) -> float:
        return (self.due - self.now).total_seconds() / 3600

    @property
    def urgency(self) -> str:
        """overdue, soon (under 12 hours) or ok: used for marking, always with words too."""
        if self.overdue:
            return "overdue"
        return "soon" if self.hours_left < 12 else "ok"

    @property
    def phrase(self) -> str:
        if self.overdue:
            return f"overdue by {_plain_duration(self.now - self.due)}"
        return f"{_plain_duration(self.due - self.now)} left"


def repeat_episodes(
    starts: Iterable[datetime], at: datetime, count: int = 3, days: int = 30
) -> int | None:
    """How many episodes began in the `days` before `at`, if that reaches the local threshold.

    Returns None when the threshold is not reached, so callers can write `if repeat_episodes(...)`.
    """
    window_start = at - timedelta(days=days)
    recent = sum(1 for s in starts if window_start <= s <= at)
    return recent if recent >= count else None


def is_long_episode(started_at: datetime, returned_at: datetime | None, hours: int = 48) -> bool:
    if returned_at is None:
        return False
    return returned_at - started_at > timedelta(hours=hours)
