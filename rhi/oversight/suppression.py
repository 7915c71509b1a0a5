"""Small numbers kept from identifying children: primary and secondary suppression of the counts a
page publishes. No Flask, no database: pure functions, tested on their own
(tests/unit/test_suppression.py, tests/app/test_suppression_audit.py).

Primary: every count under the threshold (5) is hidden ("not shown"; zero included: "none of
the three Black children was offered an interview" identifies them as surely as a 1 does).

Secondary: a page that publishes totals lets a reader work hidden counts out. Not only one hidden
cell alone in a line: rows and columns together, a broad group's total over its detailed groups,
and zeros (a total equal to the shown cells pins every hidden cell of it to 0) can all leave a
hidden count a single possible value. So the rule is the exact one: for every hidden count, the
counts consistent with everything shown (every shown count and total, non-negative whole
numbers, and the orderings a reader knows, such as "offered" never above "returns") must include
more than one value. Until that holds, more counts are hidden: the cheapest set that lets the
pinned count move (the fewest totals, a broad group's counting as one and everyone's as two, then
the least value given away).

How that is checked exactly and fast. Every table here is a sum over a tree of rows (detailed
group -> broad group -> everyone), per column, and a grid with row totals is also a sum across its
columns. Such a system of totals is a circulation: each published count is the flow on one arc of
a small directed graph, and each total is "what flows into a node flows out". (A column with no
row totals is closed by one extra node, from its total back to its parts.) Feasible pages are the
non-negative circulations agreeing with the shown counts, and a hidden count can change if and
only if there is a cycle through its arc along which every hidden count can move: up always (or
up to a known ceiling), down only while above zero (or a known floor). That is reachability in
the residual graph of the hidden arcs, tested by a search per hidden count, and the cheapest set
of shown counts to hide is a shortest path (Dijkstra, a count's height and value its cost). The
cycle moves every count by whole units, so "more than one real value" is "more than one whole
value" here.
Hiding more only loosens what a reader knows, so a count found free stays free and each count is
checked once, plus once more for each new one hidden: bounded by the table, not by history.
"""

from __future__ import annotations

import heapq
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

THRESHOLD = 5

Cell = tuple[int, int]
Node = Hashable


@dataclass
class Published:
    """Every count a page publishes, as arcs of one circulation, and what else ties them.

    `arcs[i]` is count i's (tail, head): the nodes it flows out of and into. A count on no arc
    is tied to nothing and can never be worked out (or help to). `at_most` holds (small, large):
    small <= large in every possible page; `at_least_one_if` holds (count, witness): the count is
    at least 1 whenever the witness is (a group with returns has a child)."""

    values: list[int] = field(default_factory=list)
    arcs: list[tuple[Node, Node] | None] = field(default_factory=list)
    at_most: list[tuple[int, int]] = field(default_factory=list)
    at_least_one_if: list[tuple[int, int]] = field(default_factory=list)
    # Pairs hidden together: near-copies of one number, where a reader would take one for the
    # other (interviews read and interviews held, when the two differ in a few groups only).
    together: list[tuple[int, int]] = field(default_factory=list)
    # How many sums above the counts nothing adds up to each is (a detailed group's 0, a broad
    # group's 1, everyone's 2; a row total one more). Lower counts are hidden first: the totals
    # are what a page is read for, and a broad group's count is the one most people read.
    height: list[int] = field(default_factory=list)

    def add(self, value: int, arc: tuple[Node, Node] | None, *, height: int = 0) -> int:
        self.values.append(value)
        # An arc from a node to itself is a count in no total (a table of one row, say).
        self.arcs.append(None if arc is None or arc[0] == arc[1] else arc)
        self.height.append(height)
        return len(self.values) - 1


# -- building the circulation for a table ---------------------------------------------------------


def add_table(
    page: Published,
    name: Hashable,
    rows: Sequence[Hashable],
    parent: dict[Hashable, Hashable | None],
    columns: Sequence[Hashable],
    values: dict[tuple[Hashable, Hashable], int],
    *,
    total_column: Hashable | None = None,
) -> dict[tuple[Hashable, Hashable], int]:
    """Add a table whose rows are a tree (`parent`: a row's total row, None for the root: each
    column's cells of a row's children sum to the row's cell) and, with `total_column`, whose
    other columns sum to that one in every row. Returns each (row, column)'s count index.

    Arcs, per column c: a row's cell flows from the node below it (where its children's cells
    meet, or for a leaf its row node) into the node where it and its siblings meet. Rows' nodes
    close the circulation: a leaf row's node receives its total column's cell and sends its
    cells out; the total column runs the other way, so every node balances exactly when every
    published sum holds. Without a total column, one node per column closes it instead (the
    root's cell flows back to the leaves). A broad row's own sum across the columns follows from
    its children's and needs no node."""
    has_children = {parent[row] for row in rows if parent[row] is not None}
    height = dict.fromkeys(rows, 0)
    for row in rows:  # each row's height: the longest way down to a leaf
        up, below = parent[row], 0
        while up is not None:
            below += 1
            height[up] = max(height[up], below)
            up = parent[up]
    found: dict[tuple[Hashable, Hashable], int] = {}

    def base(row: Hashable, column: Hashable) -> Node:
        return ("row", name, row) if total_column is not None else ("closure", name, column)

    for column in columns:
        for row in rows:
            below = ("sum", name, column, row) if row in has_children else base(row, column)
            up = parent[row]
            if up is not None:
                above: Node = ("sum", name, column, up)
            elif row in has_children or total_column is None:
                above = base(row, column)  # without a total column, a lone row is in no total
            else:  # a lone row with a total column: its cells flow to one node, its total back
                above = ("lone", name)
            is_total = column == total_column
            arc = (above, below) if is_total else (below, above)
            rank = height[row] + is_total
            found[(row, column)] = page.add(values[(row, column)], arc, height=rank)
    return found


# -- what a reader can work out -------------------------------------------------------------------


def primary(page: Published, threshold: int = THRESHOLD) -> list[bool]:
    return [value < threshold for value in page.values]


@dataclass
class _Graph:
    """The circulation's arcs by node (numbered), both ways: (the other node, which count, whether
    the count goes up along it)."""

    out: list[list[tuple[int, int, bool]]]
    ends: list[tuple[int, int] | None]  # each count's (tail, head) by number

    @classmethod
    def of(cls, page: Published) -> _Graph:
        numbers: dict[Node, int] = {}
        out: list[list[tuple[int, int, bool]]] = []
        ends: list[tuple[int, int] | None] = []
        for count, arc in enumerate(page.arcs):
            if arc is None:
                ends.append(None)
                continue
            tail, head = (numbers.setdefault(node, len(numbers)) for node in arc)
            while len(out) < len(numbers):
                out.append([])
            out[tail].append((head, count, True))  # the count going up
            out[head].append((tail, count, False))  # the count going down
            ends.append((tail, head))
        return cls(out, ends)


@dataclass
class _Moves:
    """Which way each count may move: up, down."""

    up: list[bool]
    down: list[bool]


class _State:
    """Which counts are hidden and which way each may move (`moves`) within what a reader knows
    of it: its floor and ceiling come from the shown counts it is ordered against (its own value
    is no limit on itself, so a shown count's moves are those it would have once hidden).
    Hiding a count changes only the limits of the counts ordered against it, so only theirs are
    worked out again.

    Two hidden counts ordered against each other limit nothing here: a reader who combines
    such orderings with the totals can sometimes narrow a count further than this allows for
    (tests/app/test_suppression_audit.py shows one). Where two ordered columns are equal in every
    row the page makes them one count instead (rhi/oversight/disparities.py), which is exact."""

    def __init__(self, page: Published, hidden: Sequence[bool]) -> None:
        self.page = page
        self.hidden = list(hidden)
        count = len(page.values)
        # Per count: the counts that may cap it, those that may floor it, and its witnesses.
        self.caps: list[list[int]] = [[] for _ in range(count)]
        self.floors: list[list[int]] = [[] for _ in range(count)]
        self.witnesses: list[list[int]] = [[] for _ in range(count)]
        self.affects: list[list[int]] = [[] for _ in range(count)]
        for small, large in page.at_most:
            self.caps[small].append(large)
            self.floors[large].append(small)
            self.affects[large].append(small)
            self.affects[small].append(large)
        for counted, witness in page.at_least_one_if:
            self.witnesses[counted].append(witness)
            self.affects[witness].append(counted)
        self.moves = _Moves([True] * count, [True] * count)
        for counted in range(count):
            self._limit(counted)

    def _limit(self, count: int) -> None:
        values, hidden = self.page.values, self.hidden
        value = values[count]
        lower = max((values[c] for c in self.floors[count] if not hidden[c]), default=0)
        if any(not hidden[w] and values[w] > 0 for w in self.witnesses[count]):
            lower = max(lower, 1)
        upper = min((values[c] for c in self.caps[count] if not hidden[c]), default=None)
        self.moves.up[count] = upper is None or value < upper
        self.moves.down[count] = value > lower

    def holding(self, count: int, forward: bool) -> list[int] | None:
        """The shown counts whose hiding would let `count` move this way: none if it may move
        already, None if nothing can (a 0 cannot go down)."""
        values, hidden = self.page.values, self.hidden
        value = values[count]
        if forward:
            if self.moves.up[count]:
                return []
            return [c for c in self.caps[count] if not hidden[c] and values[c] <= value]
        if self.moves.down[count]:
            return []
        if value == 0:
            return None
        held = [c for c in self.floors[count] if not hidden[c] and values[c] >= value]
        if value == 1:  # a witness keeps it at least 1
            held += [w for w in self.witnesses[count] if not hidden[w] and values[w] > 0]
        return held

    def hide(self, counts: Sequence[int]) -> None:
        for count in counts:
            self.hidden[count] = True
        for count in counts:
            for other in self.affects[count]:
                self._limit(other)


def _reaches(
    graph: _Graph, hidden: list[bool], moves: _Moves, start: int, goal: int, without: int
) -> bool:
    """Whether hidden counts other than `without` can carry a change from `start` to `goal`:
    a path of arcs each of a hidden count free to move that way. Breadth first: the cycle that
    frees a count is most often short (a sibling in the same total)."""
    up, down = moves.up, moves.down
    seen = {start}
    queue = [start]
    for node in queue:  # the queue grows as it is read
        for nxt, count, forward in graph.out[node]:
            if count == without or not hidden[count] or nxt in seen:
                continue
            if not (up[count] if forward else down[count]):
                continue
            if nxt == goal:
                return True
            seen.add(nxt)
            queue.append(nxt)
    return False


def _pinned(graph: _Graph, hidden: list[bool], moves: _Moves, count: int) -> bool:
    """A hidden count is pinned when no cycle of hidden counts can move it either way."""
    ends = graph.ends[count]
    if ends is None:
        return False  # in no total: nothing to work it out from
    tail, head = ends
    if moves.up[count] and _reaches(graph, hidden, moves, head, tail, count):
        return False
    return not (moves.down[count] and _reaches(graph, hidden, moves, tail, head, count))


def pinned(page: Published, hidden: Sequence[bool]) -> list[int]:
    """The hidden counts a reader can work out exactly from what is shown."""
    state = _State(page, hidden)
    graph = _Graph.of(page)
    moves = state.moves
    return [
        count
        for count, is_hidden in enumerate(state.hidden)
        if is_hidden and _pinned(graph, state.hidden, moves, count)
    ]


def _cheapest_release(graph: _Graph, state: _State, count: int) -> list[int] | None:
    """The shown counts whose hiding frees `count` at least cost: a shortest cycle through its
    arc (either way) where a hidden count costs nothing and a shown one its height (totals
    last), then its value (what hiding it gives away). A count held one way by a shown count it
    is ordered against (returns no lower than the 8 offered shown) may still be used that way,
    at the cost of hiding that one too. None if there is no such cycle."""
    tail, head = graph.ends[count]  # type: ignore[misc]  # only counts on arcs are pinned
    best: tuple[Cost, list[int]] | None = None
    for forward, start, goal in ((True, head, tail), (False, tail, head)):
        holding = state.holding(count, forward)
        if holding is None:
            continue
        found = _shortest(graph, state, start, goal, count)
        if found is None:
            continue
        spent, path = found
        spent = _plus(spent, state, holding)
        if best is None or spent < best[0]:
            best = (spent, sorted({*path, *holding}))
    return None if best is None else best[1]


Cost = tuple[int, int]  # (the heights of the counts hidden, their values)


def _plus(spent: Cost, state: _State, counts: Sequence[int]) -> Cost:
    heights, values = state.page.height, state.page.values
    return (spent[0] + sum(heights[c] for c in counts), spent[1] + sum(values[c] for c in counts))


def _shortest(
    graph: _Graph, state: _State, start: int, goal: int, without: int
) -> tuple[Cost, list[int]] | None:
    """Dijkstra from start to goal over every count but `without`, each used a way it may move
    (with the shown counts holding it, if any, hidden too); ties go to the arc met first (the
    page's own order), so the same counts always give the same page."""
    hidden = state.hidden
    done: set[int] = set()
    came: dict[int, tuple[int, list[int]]] = {}
    cost: dict[int, Cost] = {start: (0, 0)}
    order = 0
    queue: list[tuple[Cost, int, int]] = [((0, 0), order, start)]
    while queue:
        spent, _, node = heapq.heappop(queue)
        if node in done:
            continue
        if node == goal:
            path: set[int] = set()
            while node != start:
                node, used = came[node]
                path.update(used)
            return spent, sorted(path)
        done.add(node)
        for nxt, used, forward in graph.out[node]:
            if used == without or nxt in done:
                continue
            holding = state.holding(used, forward)
            if holding is None:
                continue
            # A hidden count costs nothing to use; a shown one its height, then its value.
            hide = holding if hidden[used] else [used, *holding]
            step = _plus(spent, state, hide)
            known = cost.get(nxt)
            if known is None or step < known:
                cost[nxt] = step
                came[nxt] = (node, hide)
                order += 1
                heapq.heappush(queue, (step, order, nxt))
    return None


def _fallback(graph: _Graph, state: _State, count: int) -> list[int]:
    """When no cycle can free a count, what a reader knows of the counts around it is
    what holds it: hide the shown counts ordered against it, else those ordered against any
    count of its part of the page. With none of those shown, every count may go up and every
    arc lies on a cycle (each table's totals close one), so this ends."""
    related = [large for small, large in state.page.at_most if small == count]
    related += [small for small, large in state.page.at_most if large == count]
    related += [witness for c, witness in state.page.at_least_one_if if c == count]
    shown = sorted({c for c in related if not state.hidden[c]})
    if shown:
        return shown
    tail, _ = graph.ends[count]  # type: ignore[misc]
    part = _component(graph, tail)
    near = set()
    for small, large in state.page.at_most:
        if small in part or large in part:
            near.update((small, large))
    for c, witness in state.page.at_least_one_if:
        if c in part:
            near.add(witness)
    shown = sorted(c for c in near if not state.hidden[c])
    if not shown:
        raise RuntimeError("a hidden count no cycle can free: the page's totals are malformed")
    return shown


def _component(graph: _Graph, start: int) -> set[int]:
    """Every count connected to `start` by arcs, hidden or shown."""
    seen = {start}
    stack = [start]
    counts: set[int] = set()
    while stack:
        for nxt, count, _ in graph.out[stack.pop()]:
            counts.add(count)
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return counts


def protect(page: Published, hidden: Sequence[bool]) -> list[bool]:
    """Hide more counts until no hidden count can be worked out. Each hidden count is checked;
    a pinned one takes with it the cheapest shown counts that free it. Hiding only widens what a
    reader must allow for, so a count once free stays free: only the newly hidden need checking
    again (those on a freeing cycle are free by construction, but checking is cheap)."""
    state = _State(page, [False] * len(page.values))
    graph = _Graph.of(page)
    together = _partners(page)
    work = _with_partners(together, [c for c, is_hidden in enumerate(hidden) if is_hidden], state)
    state.hide(work)
    while work:
        count = work.pop(0)
        if not _pinned(graph, state.hidden, state.moves, count):
            continue
        more = _cheapest_release(graph, state, count)
        if more is None:
            more = _fallback(graph, state, count)
            work.append(count)  # freed by the next cycle, or held by a wider fallback
        more = _with_partners(together, more, state)
        state.hide(more)
        work += more
    return state.hidden


def _partners(page: Published) -> dict[int, list[int]]:
    partners: dict[int, list[int]] = {}
    for a, b in page.together:
        partners.setdefault(a, []).append(b)
        partners.setdefault(b, []).append(a)
    return partners


def _with_partners(together: dict[int, list[int]], counts: list[int], state: _State) -> list[int]:
    """The counts not yet hidden among `counts` and, in turn, the partners they go with."""
    found = [c for c in dict.fromkeys(counts) if not state.hidden[c]]
    seen = set(found)
    stack = list(found)
    while stack:
        for other in together.get(stack.pop(), ()):
            if other not in seen and not state.hidden[other]:
                seen.add(other)
                found.append(other)
                stack.append(other)
    return found


# -- one table of counts --------------------------------------------------------------------------


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
    if not rows or not (total_row or total_column):
        return [[value < threshold for value in row] for row in table]
    if not total_row:  # rows each summing to their last cell: the same as columns, turned
        turned = [[table[r][c] for r in range(rows)] for c in range(columns)]
        mask = suppress(turned, total_row=True, threshold=threshold)
        return [[mask[c][r] for c in range(columns)] for r in range(rows)]
    page = Published()
    # Every row but the last is a child of the last (the total row).
    parent: dict[Hashable, Hashable | None] = {r: rows - 1 for r in range(rows - 1)}
    parent[rows - 1] = None
    values = {(r, c): table[r][c] for r in range(rows) for c in range(columns)}
    at = add_table(
        page,
        "table",
        range(rows),
        parent,
        range(columns),
        values,
        total_column=columns - 1 if total_column else None,
    )
    mask = protect(page, primary(page, threshold))
    return [[mask[at[(r, c)]] for c in range(columns)] for r in range(rows)]
