"""Showing stored UTC times in local time, and reading local times typed into forms."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

# How a local date and time is written: kept in interview documents and sent by tablets
# (STORED_WHEN), given to <input type=datetime-local> (INPUT_WHEN), and every form a person may
# type (ACCEPTED_WHEN, the first two and the British day-first form).
STORED_WHEN = "%Y-%m-%d %H:%M"
INPUT_WHEN = "%Y-%m-%dT%H:%M"
ACCEPTED_WHEN = (STORED_WHEN, INPUT_WHEN, "%d/%m/%Y %H:%M")


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["RHI_TIMEZONE"])


def to_local(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC).astimezone(_zone())


def from_local(value: datetime) -> datetime:
    """A naive local time (as typed) to naive UTC (as stored)."""
    return value.replace(tzinfo=_zone()).astimezone(UTC).replace(tzinfo=None)


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    local = to_local(value)
    return f"{local.day} {local:%b %Y %H:%M}"


def format_date(value: date | None) -> str:
    if value is None:
        return ""
    return f"{value.day} {value:%b %Y}"


def local_input_value(value: datetime | None) -> str:
    """The value for an <input type=datetime-local>."""
    return to_local(value).strftime(INPUT_WHEN) if value else ""
