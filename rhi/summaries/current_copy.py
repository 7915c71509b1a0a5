"""Which copy of an interview's summary stands for its reader: the newest not withdrawn.

One rule for the interviewer's list of copies (summaries/_withdrawn.html `standing_of`, in
interviews/_review.html and summaries/_copies.html), for a summary's own page and for the
social worker's inbox (views.py `_newer`, `_standing`), which each used to find it their own
way: a probe found the worker told "Not the current copy" while the social worker, reading the
older copy an addendum had replaced, was told nothing. A withdrawal takes every copy
still standing for the reader at once (service.py `withdraw_and_send_again`), so the copy that
stands is always newer than any withdrawn one.
"""

from __future__ import annotations

from collections.abc import Iterable

from rhi.models import Summary


def current_copy(summary: Summary, summaries: Iterable[Summary]) -> Summary | None:
    """Among `summaries` (the interview's, or only those the reader may open), the copy that
    stands for `summary`'s kind of reader; None when every one was withdrawn."""
    standing = (s for s in summaries if s.recipient == summary.recipient and s.withdrawn_at is None)
    return max(standing, key=lambda s: s.id, default=None)


def newer_copy(summary: Summary, summaries: Iterable[Summary]) -> Summary | None:
    """The copy that replaces `summary` (`current_copy`, when that is another summary); None
    when `summary` is itself the copy that stands, or none stands."""
    current = current_copy(summary, summaries)
    return current if current is not None and current.id != summary.id else None
