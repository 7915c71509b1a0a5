"""Small numbers kept from identifying children: primary and secondary suppression of a table of
counts. No Flask, no database: a pure function, tested on its own (tests/unit/test_suppression.py).

Primary: every count under the threshold (5) is hidden ("fewer than 5"; zero included: "none of
the three Black children was offered an interview" identifies them as surely as a 1 does).

Secondary: a table that publishes totals lets a reader work a hidden cell out by subtraction
when it is the only hidden cell of a row or a column that sums to a published total. So while
some such line has exactly one hidden cell, one more cell of that line is hidden too: the
smallest count that is not a total (a total only when nothing else is left), which gives away
the least. Hiding it may leave its other line with one hidden cell; the loop goes on until no
line has exactly one.
"""

from __future__ import annotations

from collections.abc import Sequence

THRESHOLD = 5

Cell = tuple[int, int]


def suppress(
    table: Sequence[Sequence[int]],
    *,
    total_row: bool = False,
    total_column: bool = False,
    threshold: int = THRESHOLD,
) -> list[list[bool]]:
    """Which cells to hide. `table` is rows of counts; with `total_row` its last row holds each
    column's total, with `total_column` its last column holds each row's total (and the corner
    the grand total). Returns a grid of the same shape, True where the cell is hidden."""
    rows = len(table)
    columns = len(table[0]) if rows else 0
    if any(len(row) != columns for row in table):
        raise ValueError("every row needs the same number of cells")
    hidden = [[value < threshold for value in row] for row in table]
    lines: list[list[Cell]] = []
    if total_column:  # each row sums to its last cell
        lines += [[(r, c) for c in range(columns)] for r in range(rows)]
    if total_row:  # each column sums to its last cell
        lines += [[(r, c) for r in range(rows)] for c in range(columns)]

    def is_total(cell: Cell) -> bool:
        r, c = cell
        return (total_row and r == rows - 1) or (total_column and c == columns - 1)

    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(hidden[r][c] for r, c in line) != 1:
                continue
            shown = [cell for cell in line if not hidden[cell[0]][cell[1]]]
            r, c = min(shown, key=lambda cell: (is_total(cell), table[cell[0]][cell[1]], cell))
            hidden[r][c] = True
            changed = True
    return hidden
