"""Sign-in lockout: after N failures within M minutes the account waits M minutes.

Pure functions of the user's counters and the time, so the rule is tested without a browser.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from rhi.models import User


def locked_until(user: User, now: datetime) -> datetime | None:
    if user.locked_until is not None and user.locked_until > now:
        return user.locked_until
    return None


def note_failure(user: User, now: datetime, attempts: int, minutes: int) -> None:
    window = timedelta(minutes=minutes)
    recent = user.last_failed_sign_in_at is not None and now - user.last_failed_sign_in_at < window
    user.failed_sign_ins = (user.failed_sign_ins if recent else 0) + 1
    user.last_failed_sign_in_at = now
    if user.failed_sign_ins >= attempts:
        user.locked_until = now + window
        user.failed_sign_ins = 0


def note_success(user: User) -> None:
    user.failed_sign_ins = 0
    user.last_failed_sign_in_at = None
    user.locked_until = None
