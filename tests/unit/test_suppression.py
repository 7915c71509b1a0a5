"""Primary and secondary suppression of small counts (rhi/oversight/suppression.py)."""

from __future__ import annotations

import pytest

from rhi.oversight.suppression import suppress


def hidden_cells(mask: list[list[bool]]) -> set[tuple[int, int]]:
    return {(r, c) for r, row in enumerate(mask) for c, value in enumerate(row) if value}


def test_nothing_small_nothing_hidden():
    table = [[10, 20], [30, 40], [40, 60]]
    assert hidden_cells(suppress(table, total_row=True)) == set()


def test_counts_under_five_are_hidden_zero_included_and_five_is_shown():
    assert hidden_cells(suppress([[0, 4, 5, 12]])) == {(0, 0), (0, 1)}


def test_without_totals_only_the_small_cells_go():
    assert hidden_cells(suppress([[3, 50], [60, 70]])) == {(0, 0)}


def test_a_lone_small_cell_in_a_column_with_a_total_takes_the_smallest_other_with_it():
    # Groups by row, one column, the last row the total: 3 = 40 - 20 - 17 without the second.
    table = [[20], [3], [17], [40]]
    assert hidden_cells(suppress(table, total_row=True)) == {(1, 0), (2, 0)}


def test_two_small_cells_in_a_column_need_no_second():
    table = [[20], [3], [4], [27]]
    assert hidden_cells(suppress(table, total_row=True)) == {(1, 0), (2, 0)}


def test_a_row_total_hides_a_second_cell_of_the_row():
    # One row, grades by column, the last column the row's total.
    table = [[2, 10, 30, 42]]
    assert hidden_cells(suppress(table, total_column=True)) == {(0, 0), (0, 1)}


def test_the_total_goes_when_nothing_else_is_left_in_the_line():
    # A row of one count and its total: the count would be the total.
    table = [[3, 40, 43], [20, 30, 50], [23, 70, 93]]
    mask = suppress(table, total_row=True, total_column=True)
    # Row 0: 3 hidden, then the smallest other body cell of the row (40) goes with it; column 0
    # then has 3 hidden with 20 shown and 23 total: 20 goes; row 1 then hides 30; column 1
    # then has 40 and 30 hidden: fine. Every line now has 0 or at least 2 hidden.
    found = hidden_cells(mask)
    assert {(0, 0), (0, 1)} <= found
    for r in range(3):
        assert sum(mask[r]) != 1
    for c in range(3):
        assert sum(mask[r][c] for r in range(3)) != 1


def test_only_cell_and_its_total():
    table = [[7, 7], [3, 3], [10, 10]]
    # Row 1: 3 and its total 3 are both under five. Column 0: 3 hidden, total 10 shown, 7 shown:
    # 7 goes (smallest body cell); row 0 then has 7 hidden and 7 total shown: the total goes.
    mask = suppress(table, total_row=True, total_column=True)
    assert hidden_cells(mask) >= {(1, 0), (1, 1), (0, 0), (0, 1)}
    for r in range(3):
        assert sum(mask[r]) != 1
    for c in range(2):
        assert sum(mask[r][c] for r in range(3)) != 1


def test_a_small_total_hides_its_column():
    table = [[1], [2], [3]]
    assert hidden_cells(suppress(table, total_row=True)) == {(0, 0), (1, 0), (2, 0)}


def test_secondary_suppression_cascades_across_lines():
    # Column totals and row totals. 2 is small; its column takes 6 (the smallest other); 6's row
    # then has one hidden cell and takes 8; 8's column then takes...
    table = [
        [2, 50, 52],
        [6, 8, 14],
        [9, 60, 69],
        [17, 118, 135],
    ]
    mask = suppress(table, total_row=True, total_column=True)
    for r in range(4):
        assert sum(mask[r]) != 1, r
    for c in range(3):
        assert sum(mask[r][c] for r in range(4)) != 1, c
    assert mask[0][0] and mask[1][0] and mask[1][1]


def test_rows_must_be_the_same_length():
    with pytest.raises(ValueError):
        suppress([[1, 2], [3]])


def test_an_empty_table():
    assert suppress([]) == []
