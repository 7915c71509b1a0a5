"""The copy that stands for a reader is the newest not withdrawn, whichever list it is asked of
(the interviewer's panel, or only what the reader may open)."""

from __future__ import annotations

from datetime import UTC, datetime

from rhi.models import Summary
from rhi.summaries.current_copy import current_copy

WITHDRAWN = datetime(2026, 11, 20, tzinfo=UTC)


def _copy(id_: int, recipient: str = "social_worker", withdrawn: bool = False) -> Summary:
    return Summary(id=id_, recipient=recipient, withdrawn_at=WITHDRAWN if withdrawn else None)


def test_the_newest_standing_copy_of_the_same_reader_stands() -> None:
    first, withdrawn, addendum, police = (
        _copy(1),
        _copy(2, withdrawn=True),
        _copy(3),
        _copy(4, recipient="police"),
    )
    every = [police, addendum, first, withdrawn]
    assert current_copy(first, every) is addendum
    assert current_copy(withdrawn, every) is addendum
    assert current_copy(police, every) is police


def test_none_stands_when_every_copy_was_withdrawn_or_the_reader_may_open_none() -> None:
    withdrawn = _copy(2, withdrawn=True)
    assert current_copy(withdrawn, [_copy(1, withdrawn=True), withdrawn]) is None
    assert current_copy(withdrawn, []) is None
