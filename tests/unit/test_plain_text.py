"""Typed words printed as a sentence of their own end with one full stop, never two."""

from __future__ import annotations

import pytest

from rhi.plain_text import as_sentence


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("He is expecting to meet her tonight", "He is expecting to meet her tonight."),
        ("He is expecting to meet her tonight.", "He is expecting to meet her tonight."),
        ("Is she safe tonight?  ", "Is she safe tonight?"),
        ("She said “I’m scared.”", "She said “I’m scared.”"),
        ("She said “not the police”", "She said “not the police”."),
        ("هل هي بأمان؟", "هل هي بأمان؟"),
        ("Ring back...", "Ring back..."),
        ("", ""),
    ],
)
def test_one_full_stop_is_added_only_where_none_ends_the_words(typed: str, shown: str) -> None:
    assert as_sentence(typed) == shown
