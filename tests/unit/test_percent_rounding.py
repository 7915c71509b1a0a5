"""Shares round a half up, on the service page and the disparities page alike (probe fig37,
finding 5): Python's round() took 62.5% to 62% and 37.5% to 38%."""

from __future__ import annotations

import pytest

from rhi.oversight.disparities import _percent
from rhi.oversight.figures import share


@pytest.mark.parametrize(
    ("part", "whole", "shown"),
    [
        (5, 8, "63%"),  # 62.5
        (3, 8, "38%"),  # 37.5
        (1, 8, "13%"),  # 12.5
        (1, 40, "3%"),  # 2.5
        (1, 200, "1%"),  # 0.5
        (1, 3, "33%"),
        (2, 3, "67%"),
        (0, 7, "0%"),
        (7, 7, "100%"),
    ],
)
def test_a_half_is_rounded_up_on_both_pages(part: int, whole: int, shown: str) -> None:
    assert share(part, whole) == shown
    assert _percent(part, whole) == shown


def test_nothing_to_count_is_said_as_before() -> None:
    assert share(0, 0) == "none to count"
    assert _percent(0, 0) == ""
