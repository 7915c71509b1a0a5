"""Shared column helpers. Times are stored as naive UTC; pages show them in RHI_TIMEZONE."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, as naive UTC (SQLite keeps no zone, so we keep none anywhere)."""
    return datetime.now(UTC).replace(tzinfo=None)
