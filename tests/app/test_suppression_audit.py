"""Secondary suppression audited independently of the code that does it
(rhi/oversight/suppression.py, rhi/oversight/disparities.py).

No hidden count may be worked out exactly from what a page shows: the counts shown, every total,
and that counts are whole numbers, never negative. The checks here do not trust the code under
test: tiny tables are searched exhaustively (every whole-number page agreeing with what is shown,
each hidden count tried within 2 of its value: finding a second value for each hidden count proves
it cannot be worked out, whatever the search leaves out), a larger one is checked by exact linear
algebra over fractions, and the disparities page, both views of it, by interval reasoning over its
sums of groups (exact for a tree of sums)."""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from rhi.extensions import db
from rhi.interviews import content
from rhi.models import Child, Episode, Interview, Team
from rhi.oversight.suppression import Published, add_table, pinned, primary, protect, suppress
from tests.conftest import Web

FEWER = "not shown"  # every hidden count, small or not

# -- the independent check: every page agreeing with what is shown --------------------------------


@dataclass
class Sums:
    """A table as its body (the cells nothing else adds up to) and its published cells, each the
    sum of a set of body cells (a body cell is published as itself)."""

    body: dict[tuple[int, int], int]
    published: list[frozenset[tuple[int, int]]]

    def value(self, cell: int) -> int:
        return sum(self.body[b] for b in self.published[cell])


def worked_out(
    sums: Sums, hidden: list[bool], reach: int = 2, orders: Sequence[tuple[int, int]] = ()
) -> set[int]:
    """The hidden published cells with one possible value: for each, a search for a whole-number
    body agreeing with every shown published cell in which that cell has another value, each
    hidden body cell tried within `reach` of its value (a body found proves the cell cannot be
    worked out; the search leaving bodies out can only wrongly accuse, never wrongly clear).
    Sums are pruned as they go: what is left of one must still fit what its cells may add.
    `orders`: (small, large) published cells, small never above large in any body."""
    shown_body = {next(iter(p)) for p, h in zip(sums.published, hidden) if not h and len(p) == 1}
    unknown = [b for b in sums.body if b not in shown_body]
    low = [max(0, sums.body[b] - reach) for b in unknown]
    high = [sums.body[b] + reach for b in unknown]
    shown = [i for i, h in enumerate(hidden) if not h and len(sums.published[i]) > 1]
    cleared: set[int] = set()
    for target in [i for i, h in enumerate(hidden) if h]:
        if target in cleared:
            continue
        found = _another(sums, unknown, low, high, shown, target, orders)
        if found is not None:  # every hidden cell this body moves is cleared with it
            cleared |= {
                i
                for i, h in enumerate(hidden)
                if h and sum(found[b] for b in sums.published[i]) != sums.value(i)
            }
    return {i for i, h in enumerate(hidden) if h} - cleared


def _another(
    sums: Sums,
    unknown: list,
    low: list[int],
    high: list[int],
    shown: list[int],
    target: int,
    orders: Sequence[tuple[int, int]],
) -> dict | None:
    """A body agreeing with the shown sums where `target`'s sum is not its true value."""
    at = {b: k for k, b in enumerate(unknown)}
    lines = [*shown, target]
    # Per line: what its unknown cells must still add up to, and the least and most they can.
    need, least, most = [], [], []
    members: list[list[int]] = [[] for _ in unknown]
    for n, i in enumerate(lines):
        fixed = sum(sums.body[b] for b in sums.published[i] if b not in at)
        need.append(sums.value(i) - fixed)
        parts = [at[b] for b in sums.published[i] if b in at]
        least.append(sum(low[k] for k in parts))
        most.append(sum(high[k] for k in parts))
        for k in parts:
            members[k].append(n)
    last = len(lines) - 1  # the target: its sum must end anywhere but its true value
    trial = dict(sums.body)
    # Each order is checked once the cells of both its sides are chosen.
    ready: dict[int, list[tuple[int, int]]] = {}
    for small, large in orders:
        cells = sums.published[small] | sums.published[large]
        ready.setdefault(max((at[b] for b in cells if b in at), default=-1), []).append(
            (small, large)
        )

    def ordered(k: int) -> bool:
        return all(
            sum(trial[b] for b in sums.published[a]) <= sum(trial[b] for b in sums.published[z])
            for a, z in ready.get(k, ())
        )

    def fits(n: int) -> bool:
        if n == last:
            return not (least[n] == most[n] == need[n])
        return least[n] <= need[n] <= most[n]

    def search(k: int) -> bool:
        if k == len(unknown):
            return need[last] != 0
        true = sums.body[unknown[k]]
        for value in sorted(range(low[k], high[k] + 1), key=lambda v: (v == true, v)):
            trial[unknown[k]] = value
            for n in members[k]:
                need[n] -= value
                least[n] -= low[k]
                most[n] -= high[k]
            ok = all(fits(n) for n in members[k]) and ordered(k) and search(k + 1)
            for n in members[k]:
                need[n] += value
                least[n] += low[k]
                most[n] += high[k]
            if ok:
                return True
        trial[unknown[k]] = true
        return False

    if not (all(least[n] <= need[n] <= most[n] for n in range(last)) and ordered(-1)):
        raise AssertionError("the true table disagrees with itself")
    return dict(trial) if search(0) else None


def flat_sums(body: list[list[int]], total_column: bool) -> tuple[Sums, list[list[int]]]:
    """A grid with its total row (and total column): the published cells in the grid's order."""
    rows, columns = len(body), len(body[0])
    cells = {(r, c): body[r][c] for r in range(rows) for c in range(columns)}
    grid: list[list[frozenset]] = [
        [frozenset({(r, c)}) for c in range(columns)] for r in range(rows)
    ]
    grid.append([frozenset((r, c) for r in range(rows)) for c in range(columns)])
    if total_column:
        for line in grid:
            line.append(frozenset().union(*line))
    published = [cell for line in grid for cell in line]
    index = [[r * len(grid[0]) + c for c in range(len(grid[0]))] for r in range(len(grid))]
    return Sums(cells, published), index


small = st.sampled_from([0, 0, 1, 2, 3, 4, 5, 6, 7, 9, 12])
grids = st.integers(1, 4).flatmap(
    lambda rows: st.integers(1, 3).flatmap(
        lambda cols: st.lists(
            st.lists(small, min_size=cols, max_size=cols), min_size=rows, max_size=rows
        )
    )
)
# Derandomized: the audit is an exhaustive search, and a rare drawn table makes it run for
# many minutes (a CI run hung on one); the same 150 examples each run, each quick.
AUDIT = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)


@AUDIT
@given(grids, st.booleans())
def test_no_hidden_cell_of_a_grid_can_be_worked_out(body, total_column):
    sums, index = flat_sums(body, total_column)
    table = [[sums.value(i) for i in line] for line in index]
    mask = suppress(table, total_row=True, total_column=total_column)
    hidden = [mask[r][c] for r, line in enumerate(index) for c, _ in enumerate(line)]
    assert all(h for h, v in zip(hidden, (sums.value(i) for i in range(len(hidden)))) if v < 5)
    assert worked_out(sums, hidden) == set(), (table, mask)


# Leaf rows in groups: each group's rows sum to the group's row, the groups to everyone's.
groupings = st.lists(st.integers(1, 3), min_size=1, max_size=3)


@AUDIT
@given(groupings, st.integers(1, 3), st.booleans(), st.data())
def test_no_hidden_cell_of_groups_and_their_parts_can_be_worked_out(
    sizes, columns, total_column, data
):
    leaves = [(g, k) for g, size in enumerate(sizes) for k in range(size)]
    body = {(r, c): data.draw(small) for r in range(len(leaves)) for c in range(columns)}
    parent: dict = {("leaf", g, k): ("group", g) for g, k in leaves}
    parent.update({("group", g): "all" for g in range(len(sizes))})
    parent["all"] = None
    members = {("leaf", g, k): {r} for r, (g, k) in enumerate(leaves)}
    for g in range(len(sizes)):
        members[("group", g)] = {r for r, (h, _) in enumerate(leaves) if h == g}
    members["all"] = set(range(len(leaves)))
    names = list(range(columns)) + (["total"] if total_column else [])
    published, places = [], []
    for row in parent:
        for col in names:
            cols = range(columns) if col == "total" else [col]
            published.append(frozenset((r, c) for r in members[row] for c in cols))
            places.append((row, col))
    sums = Sums(body, published)
    values = {place: sums.value(i) for i, place in enumerate(places)}
    page = Published()
    at = add_table(
        page,
        "t",
        list(parent),
        parent,
        names,
        values,
        total_column="total" if total_column else None,
    )
    mask = protect(page, primary(page))
    hidden = [mask[at[place]] for place in places]
    assert worked_out(sums, hidden) == set(), (sizes, body, hidden)
    assert pinned(page, mask) == []


@AUDIT
@given(groupings, st.integers(1, 2), st.data())
def test_no_hidden_count_can_be_worked_out_from_what_is_known_of_order(sizes, harms, data):
    """Interviews read and, of them, those recording each harm (never more than those read), by
    group and everyone: the reader's knowledge of that order is used too, wherever one of the
    two counts is shown (what rhi/oversight/suppression.py promises: see the next test)."""
    leaves = [(g, k) for g, size in enumerate(sizes) for k in range(size)]
    body = {}
    for r in range(len(leaves)):
        body[(r, 0)] = read = data.draw(small)
        for c in range(1, harms + 1):
            body[(r, c)] = data.draw(st.integers(0, read))
    parent: dict = {("leaf", g, k): ("group", g) for g, k in leaves}
    parent.update({("group", g): "all" for g in range(len(sizes))})
    parent["all"] = None
    members = {("leaf", g, k): {r} for r, (g, k) in enumerate(leaves)}
    for g in range(len(sizes)):
        members[("group", g)] = {r for r, (h, _) in enumerate(leaves) if h == g}
    members["all"] = set(range(len(leaves)))
    places = [(row, col) for row in parent for col in range(harms + 1)]
    published = [frozenset((r, col) for r in members[row]) for row, col in places]
    sums = Sums(body, published)
    values = {place: sums.value(i) for i, place in enumerate(places)}
    page = Published()
    at = add_table(page, "harms", list(parent), parent, range(harms + 1), values)
    orders = []
    for row in parent:
        for c in range(1, harms + 1):
            page.at_most.append((at[(row, c)], at[(row, 0)]))
            orders.append((places.index((row, c)), places.index((row, 0))))
    mask = protect(page, primary(page))
    hidden = [mask[at[place]] for place in places]
    known = [(a, b) for a, b in orders if not (hidden[a] and hidden[b])]
    assert worked_out(sums, hidden, orders=known) == set(), (sizes, body, hidden)


@pytest.mark.xfail(strict=True, reason="orderings between two hidden counts are not modelled")
def test_orderings_between_hidden_counts_can_still_give_a_count_away():
    """What is left: a reader who also combines orderings between two hidden counts. Interviews
    read (R) and recording a harm (H) in four groups, A1 and A2 under A, B1 and B2 under B:
    R = 5, 0, 0, 1 and H = 5, 0, 0, 1. With R of A1 (5) and both totals (6) shown and the rest
    hidden, the audit finds every hidden count free: each H could move against a hidden R.
    But H <= R in every group and both total 6, so H = R everywhere, and H of A1 is 5. (The page
    makes two columns equal in every row one count, which removes this case there; one group
    differing would bring it back.) Found by the test above given every ordering."""
    parent: dict = {"A1": "A", "A2": "A", "B1": "B", "B2": "B", "A": "all", "B": "all"}
    parent["all"] = None
    leaves = ["A1", "A2", "B1", "B2"]
    read = {"A1": 5, "A2": 0, "B1": 0, "B2": 1}
    body = {(r, c): read[leaf] for r, leaf in enumerate(leaves) for c in (0, 1)}
    members = {leaf: {r} for r, leaf in enumerate(leaves)}
    members |= {"A": {0, 1}, "B": {2, 3}, "all": {0, 1, 2, 3}}
    places = [(row, col) for row in parent for col in (0, 1)]
    sums = Sums(body, [frozenset((r, col) for r in members[row]) for row, col in places])
    page = Published()
    values = {place: sums.value(i) for i, place in enumerate(places)}
    at = add_table(page, "harms", list(parent), parent, [0, 1], values)
    for row in parent:
        page.at_most.append((at[(row, 1)], at[(row, 0)]))
    orders = [(places.index((row, 1)), places.index((row, 0))) for row in parent]
    shown = {("A1", 0), ("all", 0), ("all", 1)}
    hidden = [place not in shown for place in places]
    assert pinned(page, [hidden[places.index(p)] for p in sorted(at, key=at.get)]) == []
    assert worked_out(sums, hidden, orders=orders) == set()  # H of A1 is worked out


def test_the_search_finds_what_rows_and_columns_give_away_together():
    # The checker itself: 5 - 3 = 2 by the column, and the zeros of a line whose shown cells
    # already make its total.
    sums, index = flat_sums([[3, 9], [2, 9]], total_column=False)
    hidden = [False] * len(sums.published)
    hidden[index[1][0]] = True
    assert worked_out(sums, hidden) == {index[1][0]}
    sums, index = flat_sums([[0, 6], [0, 7]], total_column=True)
    hidden = [False] * len(sums.published)
    hidden[index[0][0]] = hidden[index[1][0]] = True
    assert worked_out(sums, hidden) == {index[0][0], index[1][0]}


def test_the_probes_grid_of_risk_grades():
    """The risk grade by group table where rows and columns together gave three cells away
    (each alone in no line), too big to search: exact linear algebra over every published sum,
    and no line whose shown cells already make its total."""
    split = [
        [0, 5, 5, 0, 6],
        [7, 6, 2, 6, 0],
        [6, 1, 5, 2, 14],
        [6, 1, 14, 7, 1],
        [7, 14, 6, 7, 6],
        [7, 7, 3, 7, 0],
    ]
    sums, index = flat_sums(split, total_column=True)
    table = [[sums.value(i) for i in line] for line in index]
    mask = suppress(table, total_row=True, total_column=True)
    hidden = [mask[r][c] for r, line in enumerate(index) for c, _ in enumerate(line)]
    assert determined(sums, hidden) == set()
    assert zero_lines(table, mask) == []


def determined(sums: Sums, hidden: list[bool]) -> set[int]:
    """Hidden cells fixed by the published sums alone (as linear equations): a cell's sum of body
    cells is in the span of the shown cells' sums."""
    cells = sorted(sums.body)
    rows = [[Fraction(b in p) for b in cells] for p, h in zip(sums.published, hidden) if not h]
    base = rank(rows)
    return {
        i
        for i, h in enumerate(hidden)
        if h and rank([*rows, [Fraction(b in sums.published[i]) for b in cells]]) == base
    }


def rank(matrix: list[list[Fraction]]) -> int:
    m = [list(row) for row in matrix]
    found = 0
    for col in range(len(m[0]) if m else 0):
        pivot = next((r for r in range(found, len(m)) if m[r][col]), None)
        if pivot is None:
            continue
        m[found], m[pivot] = m[pivot], m[found]
        for r in range(len(m)):
            if r != found and m[r][col]:
                factor = m[r][col] / m[found][col]
                m[r] = [a - factor * b for a, b in zip(m[r], m[found])]
        found += 1
    return found


def zero_lines(table: list[list[int]], mask: list[list[bool]]) -> list[str]:
    """Rows and columns (totals last) with hidden cells whose shown cells already make the
    total: every hidden cell of it is 0."""
    found = []
    lines = [("row", r, list(zip(table[r], mask[r]))) for r in range(len(table))]
    lines += [
        ("column", c, [(row[c], m[c]) for row, m in zip(table, mask)]) for c in range(len(table[0]))
    ]
    for kind, n, cells in lines:
        *parts, (total, total_hidden) = cells
        if total_hidden or not any(h for _, h in parts):
            continue
        if sum(v for v, h in parts if not h) == total:
            found.append(f"{kind} {n}")
    return found


def test_what_a_reader_knows_of_order_is_used():
    """Interviews recording a harm are never more than the interviews read. Group A: 5 read, all
    5 recording the harm; group B: none read. B's 0 is hidden; hiding A's 5 read as its second
    count is not enough when A's harm shows 5: A read at least 5 of 5."""
    page = Published()
    parent = {"a": "all", "b": "all", "all": None}
    values = {("a", "read"): 5, ("b", "read"): 0, ("all", "read"): 5}
    values |= {("a", "harm"): 5, ("b", "harm"): 0, ("all", "harm"): 5}
    at = add_table(page, "harms", list(parent), parent, ["read", "harm"], values)
    for row in parent:
        page.at_most.append((at[(row, "harm")], at[(row, "read")]))
    hidden = [False] * len(page.values)
    hidden[at[("a", "read")]] = hidden[at[("b", "read")]] = hidden[at[("b", "harm")]] = True
    assert at[("a", "read")] in pinned(page, hidden)  # a + b = 5 and a >= 5
    mask = protect(page, primary(page))
    assert pinned(page, mask) == []
    # By hand: B's read (0) can only go up, so something it moves against must be hidden.
    assert mask[at[("b", "read")]] and mask[at[("b", "harm")]]
    assert mask[at[("all", "read")]] or (mask[at[("a", "read")]] and mask[at[("a", "harm")]])


def test_a_full_page_is_protected_in_a_few_milliseconds():
    """Worst sizes the page has: 28 rows (21 detailed groups, 6 broad, everyone) by 6 risk
    grades and their total, 6 main counts, 18 harm columns: the audit grows with the tables,
    never with history."""
    page = Published()
    parent: dict = {("d", g, k): ("b", g) for g in range(6) for k in range(4)}
    parent.update({("b", g): "all" for g in range(6)})
    parent["all"] = None
    leaves = [row for row in parent if row[0] == "d"]
    tables = {"grades": 7, "main": 6, "harms": 18}
    for name, width in tables.items():
        values: dict = {}
        for r, row in enumerate(leaves):
            for c in range(width):
                values[(row, c)] = [0, 0, 1, 3, 6, 9][(r * 7 + c * 3) % 6]
        if name == "grades":
            for row in leaves:
                values[(row, width - 1)] = sum(values[(row, c)] for c in range(width - 1))
        for row in [r for r in parent if r[0] == "b"] + ["all"]:
            for c in range(width):
                values[(row, c)] = sum(
                    values[(leaf, c)] for leaf in leaves if _under(leaf, row, parent)
                )
        add_table(
            page,
            name,
            list(parent),
            parent,
            range(width),
            values,
            total_column=width - 1 if name == "grades" else None,
        )
    start = time.process_time()
    mask = protect(page, primary(page))
    spent = time.process_time() - start
    assert pinned(page, mask) == []
    assert spent < 0.25, spent  # about 10 ms here; generous for slow machines


def _under(leaf, row, parent) -> bool:
    while leaf is not None:
        if leaf == row:
            return True
        leaf = parent[leaf]
    return False


# -- the disparities page, both views -------------------------------------------------------------

RETURNED = datetime(2025, 3, 10, 12, 0)
PERIOD = "/service/disparities?quarter=2025-01-01"  # January to March 2025: the March returns
BLACK = "Black, Black British, Black Welsh, Caribbean or African"
OTHER = "Other ethnic group"


def _returns(
    app, counts: dict[str, int], grades=("Low", "Medium"), held: dict[str, int] | None = None
) -> None:
    """Returns in March 2025 by ethnicity, graded in turn; with `held`, that many of a group's
    have an interview held in 10 hours, every other one of them recording criminal
    exploitation."""
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == "RHI A"))
        for ethnicity, count in counts.items():
            for n in range(count):
                child = Child(
                    first_name="Child",
                    last_name=f"{ethnicity}{n}",
                    date_of_birth=date(2010, 1, 1),
                    ethnicity=ethnicity,
                    team_id=team.id,
                )
                episode = Episode(
                    child=child,
                    risk_grade=grades[n % len(grades)],
                    started_at=RETURNED - timedelta(hours=5),
                    returned_at=RETURNED,
                    assigned_team_id=team.id,
                )
                db.session.add_all([child, episode])
                if n < (held or {}).get(ethnicity, 0):
                    document = content.empty_content()
                    if n % 2 == 0:
                        document = content.set_field(
                            document, "harms.criminal_exploitation.on", True
                        )
                    interview = Interview(
                        status="finished",
                        due_at=RETURNED + timedelta(hours=72),
                        offered_at=RETURNED + timedelta(hours=1),
                        accepted_at=RETURNED + timedelta(hours=1),
                        held_at=RETURNED + timedelta(hours=10),
                        content=document,
                    )
                    interview.episodes.append(episode)
                    db.session.add(interview)
        db.session.commit()


TAGS = re.compile(r"<[^>]+>")


def _text(html: str) -> str:
    return " ".join(TAGS.sub(" ", html).split())


def _table(html: str, caption_start: str) -> tuple[list[str], dict[str, list[str]]]:
    for table in re.findall(r"<table.*?</table>", html, flags=re.S):
        caption = re.search(r"<caption[^>]*>(.*?)</caption>", table, flags=re.S)
        if caption and _text(caption.group(1)).startswith(caption_start):
            headers = [_text(h) for h in re.findall(r'<th scope="col">(.*?)</th>', table, re.S)]
            rows = {}
            for row in re.findall(r"<tr>(.*?)</tr>", table, flags=re.S):
                heading = re.search(r'<th scope="row">(.*?)</th>', row, flags=re.S)
                if heading:
                    cells = re.findall(r"<td>(.*?)</td>", row, flags=re.S)
                    rows[_text(heading.group(1))] = [_text(cell) for cell in cells]
            return headers[1:], rows
    raise AssertionError(f"no table {caption_start!r}")


def _count(text: str) -> int | None:
    """A cell's count, None when hidden (a rate in brackets after it is left off)."""
    if text == FEWER:
        return None
    return int(text.split(" ")[0].replace(",", ""))


@dataclass
class Column:
    """One column of a table as both views show it: everyone's count, each broad group's, and
    each detailed group's under its broad group (None: hidden)."""

    everyone: int | None
    broad: dict[str, int | None]
    detailed: dict[str, dict[str, int | None]]


def _columns(web: Web, caption: str) -> dict[str, Column]:
    headers, broad = _table(web.get(PERIOD).get_data(as_text=True), caption)
    _, detailed = _table(web.get(PERIOD + "&level=detailed").get_data(as_text=True), caption)
    assert broad["All children"] == detailed["All children"]  # one count, shown once
    found = {}
    for i, header in enumerate(headers):
        if header.startswith("Median") or "per 1,000 words" in header:
            continue  # a time or a rate, not a count
        column = Column(_count(broad["All children"][i]), {}, {})
        for name, cells in broad.items():
            if name != "All children":
                column.broad[name] = _count(cells[i])
                column.detailed[name] = {}
        for name, cells in detailed.items():
            if name == "All children":
                continue
            group = name.rpartition(": ")[0] or "Not given"  # "Prefer not to say": no prefix
            column.detailed[group][name] = _count(cells[i])
        found[header] = column
    return found


def _bounds(column: Column) -> dict[str, tuple[int, float]]:
    """Each hidden count's least and greatest possible value, given the column's sums (everyone =
    the broad groups; a broad group = its detailed groups), by narrowing intervals until nothing
    changes: exact for a tree of sums of whole numbers."""
    known: dict[str, tuple[float, float]] = {}

    def set_(name: str, value: int | None) -> None:
        known[name] = (value, value) if value is not None else (0, float("inf"))

    set_("everyone", column.everyone)
    sums = {"everyone": [f"broad:{g}" for g in column.broad]}
    for group, value in column.broad.items():
        set_(f"broad:{group}", value)
        sums[f"broad:{group}"] = [f"detailed:{d}" for d in column.detailed[group]]
        for part, count in column.detailed[group].items():
            set_(f"detailed:{part}", count)
    changed = True
    while changed:
        changed = False
        for whole, parts in sums.items():
            low, high = known[whole]
            parts_low = sum(known[p][0] for p in parts)
            parts_high = sum(known[p][1] for p in parts)
            narrowed = {whole: (max(low, parts_low), min(high, parts_high))}
            for p in parts:
                others_low = parts_low - known[p][0]
                others_high = parts_high - known[p][1]
                p_low, p_high = known[p]
                narrowed[p] = (max(p_low, low - others_high), min(p_high, high - others_low))
            for name, interval in narrowed.items():
                if interval != known[name]:
                    known[name] = interval
                    changed = True
    hidden = {"everyone": column.everyone}
    hidden |= {f"broad:{g}": v for g, v in column.broad.items()}
    hidden |= {f"detailed:{d}": v for parts in column.detailed.values() for d, v in parts.items()}
    return {name: known[name] for name, value in hidden.items() if value is None}


def _manager(app, world) -> Web:
    web = Web(app.test_client())
    web.sign_in(world.emails["manager_a"])
    return web


def test_the_probes_broad_and_detailed_leak_is_closed(app, world):
    """Black 16 in the broad view; African 8, Caribbean 6 and "any other Black" (2) under five in
    the detailed view gave 16 - 8 - 6 = 2. Likewise Arab (1) within Other (11 = 1 + 10). Now no
    hidden count of either view has one possible value given both views' counts and totals."""
    _returns(
        app,
        {
            "black_african": 8,
            "black_caribbean": 6,
            "black_other": 2,
            "other_arab": 1,
            "other_any": 10,
            "white_british": 20,
        },
    )
    web = _manager(app, world)
    main = _columns(web, "Returns in the period")
    black_other = f"{BLACK}: Any other Black, Black British or Caribbean background"
    for header, column in main.items():
        if header in ("Children", "Returns"):
            assert column.detailed[BLACK][black_other] is None
        # The probe's own arithmetic no longer works: one of Black, African, Caribbean is hidden.
        parts = column.detailed[BLACK]
        black = (column.broad[BLACK], parts[f"{BLACK}: African"], parts[f"{BLACK}: Caribbean"])
        assert None in black, (header, black)
        other = (column.broad[OTHER], column.detailed[OTHER][f"{OTHER}: Any other ethnic group"])
        assert None in other, (header, other)
        # Nor does any other: every hidden count has more than one possible value.
        for name, (low, high) in _bounds(column).items():
            assert low < high, (header, name, low, high)


def test_the_risk_grades_hide_the_same_in_both_views(app, world):
    """The risk grade table of both views as one system of sums (detailed rows, broad rows,
    everyone; grades and each row's returns), checked by exact linear algebra: no hidden count is
    fixed by the published sums; and each group's returns are hidden in the grade table exactly
    when they are in the main table (one count)."""
    _returns(
        app,
        {
            "black_african": 8,
            "black_caribbean": 6,
            "black_other": 2,
            "white_british": 9,
            "white_irish": 6,
            "asian_indian": 3,
        },
        grades=("Low", "Medium", "Medium", "High"),
    )
    web = _manager(app, world)
    grades = _columns(web, "Police risk grade")
    main = _columns(web, "Returns in the period")
    assert _hidden(grades["All returns"]) == _hidden(main["Returns"])
    rows = ["everyone", *(f"broad:{g}" for g in grades["All returns"].broad)]
    rows += [f"detailed:{d}" for parts in grades["All returns"].detailed.values() for d in parts]
    body_grades = [h for h in grades if h != "All returns"]
    leaves = [r for r in rows if r.startswith("detailed:")]
    group_of = {
        f"detailed:{d}": f"broad:{g}"
        for g, parts in grades["All returns"].detailed.items()
        for d in parts
    }
    body = {(leaf, g): 0 for leaf in leaves for g in body_grades}
    published, hidden = [], []
    for header, column in grades.items():
        for row, value in _flatten(column).items():
            if row.startswith("detailed:"):
                members = [row]
            elif row == "everyone":
                members = leaves
            else:
                members = [leaf for leaf in leaves if group_of[leaf] == row]
            cols = body_grades if header == "All returns" else [header]
            published.append(frozenset((m, c) for m in members for c in cols))
            hidden.append(value is None)
    assert determined(Sums(body, published), hidden) == set()


def _flatten(column: Column) -> dict[str, int | None]:
    found = {"everyone": column.everyone}
    found |= {f"broad:{g}": v for g, v in column.broad.items()}
    found |= {f"detailed:{d}": v for parts in column.detailed.values() for d, v in parts.items()}
    return found


def _hidden(column: Column) -> set[str]:
    return {name for name, value in _flatten(column).items() if value is None}


def test_harms_and_the_writing_check_hide_with_the_interviews_held(app, world):
    """Interviews read by the team are the interviews held here (one count, hidden in both
    tables or neither, and in the writing check's), and no hidden count of the harms table, in
    either view, has one possible value given its sums."""
    _returns(
        app,
        {
            "black_african": 8,
            "black_caribbean": 6,
            "black_other": 2,
            "white_british": 12,
            "white_irish": 1,
            "other_arab": 3,
        },
        held={
            "black_african": 7,
            "black_caribbean": 6,
            "black_other": 1,
            "white_british": 12,
            "white_irish": 1,
            "other_arab": 3,
        },
    )
    web = _manager(app, world)
    main = _columns(web, "Returns in the period")
    harms = _columns(web, "Harms and risk indicators")
    writing = _columns(web, "The writing check")
    held = _hidden(main["Returns with an interview held"])
    assert _hidden(harms["Returns with an interview held by your team"]) == held
    assert _hidden(writing["Interviews read"]) == held
    assert held  # something is hidden: the check below is not empty
    for header, column in harms.items():
        for name, (low, high) in _bounds(column).items():
            assert low < high, (header, name, low, high)
