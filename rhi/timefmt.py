"""Showing stored UTC times in local time, and reading local times typed into forms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

# How a local date and time is written: kept in interview documents and sent by tablets
# (STORED_WHEN), given to <input type=datetime-local> (INPUT_WHEN), and every form a person may
# type (ACCEPTED_WHEN, the first two and the British day-first form).
STORED_WHEN = "%Y-%m-%d %H:%M"
INPUT_WHEN = "%Y-%m-%dT%H:%M"
ACCEPTED_WHEN = (STORED_WHEN, INPUT_WHEN, "%d/%m/%Y %H:%M")
# A date alone (an action's due date): kept and given to <input type=date> as 2026-11-30; typed
# also day first, or in words ("30 Nov 2026", "30 November 2026").
STORED_DATE = "%Y-%m-%d"
ACCEPTED_DATE = (STORED_DATE, "%d/%m/%Y", "%d %b %Y", "%d %B %Y")


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["RHI_TIMEZONE"])


def to_local(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC).astimezone(_zone())


def from_local(value: datetime) -> datetime:
    """A naive local time (as typed) to naive UTC (as stored)."""
    return value.replace(tzinfo=_zone()).astimezone(UTC).replace(tzinfo=None)


def not_on_the_clock(value: datetime) -> str | None:
    """Why a naive local time never happened, in words: the hour skipped when the clocks go
    forward (01:30 on the last Sunday of March, in London). `from_local` would move it an hour
    without a word; a form says this instead. None for a time that happened (the hour that
    happens twice when the clocks go back is read as the first)."""
    zone = _zone()
    again = value.replace(tzinfo=zone).astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if again == value:
        return None
    return (
        f"There was no {value:%H:%M} on {value.day} {value:%B %Y}: the clocks went forward an "
        f"hour that night. Check the time (on the clock then, it was {again:%H:%M})."
    )


# How every page writes a date and time ("6 Dec 2026 18:06"), and the tablet too: the shell
# pages are handed this pattern and the months' words (rhi/shells.py when_words), so a time
# recorded with no signal reads as the pages write it. Tokens: {d} the day, {b} the month's
# word, {Y} the year, {HH} and {MM} the hour and minute as two digits.
SHOWN_WHEN = "{d} {b} {Y} {HH}:{MM}"
MONTH_WORDS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    local = to_local(value)
    return SHOWN_WHEN.format(
        d=local.day,
        b=MONTH_WORDS[local.month - 1],
        Y=local.year,
        HH=f"{local.hour:02d}",
        MM=f"{local.minute:02d}",
    )


def parse_date(text: str) -> date | None:
    """A date as a person may type it, or None when it is not one."""
    raw = " ".join(str(text or "").split())
    for fmt in ACCEPTED_DATE:
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    return None


def long_date(text: str) -> str:
    """A kept date in words ("30 November 2026"); anything else as it was written (actions
    recorded before due dates were dates hold words such as "Friday")."""
    value = parse_date(text)
    return f"{value.day} {value:%B %Y}" if value else text


def format_date(value: date | None) -> str:
    if value is None:
        return ""
    return f"{value.day} {value:%b %Y}"


@dataclass(frozen=True)
class Day:
    """A day named in words for a child: in English as `format_date` writes it, and in the
    child's language when a message in it names the day (rhi/i18n.py `child_format`)."""

    value: date

    def __str__(self) -> str:
        return format_date(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


def local_input_value(value: datetime | None) -> str:
    """The value for an <input type=datetime-local>."""
    return to_local(value).strftime(INPUT_WHEN) if value else ""


def kept_when(kept: str) -> str:
    """A local time as an interview keeps it ("2026-12-07 11:31": when the child chose a
    feeling, when what is shared was read back) as every page writes a time (`format_datetime`,
    "7 Dec 2026 11:31"): a probe found the copies and pages printing both. Anything that is not
    such a time stays as it was written."""
    raw = " ".join(str(kept or "").split())
    for fmt in ACCEPTED_WHEN:
        try:
            local = datetime.strptime(raw, fmt)
        except ValueError:
            continue
        # A time that never happened (the hour the clocks skip) would come back an hour on.
        return format_datetime(from_local(local)) if not_on_the_clock(local) is None else kept
    return kept
