"""The periods the disparities page offers: whole financial quarters that have ended (April to
June, July to September, October to December, January to March). No Flask here.

Why only these (a probe, rhi/oversight/disparities.py): the page hides small counts so that no
hidden count can be worked out from what it shows, but each page was protected on its own. With
any dates allowed, a reader subtracted 1 June to 2 July from 1 June to 3 July and had exactly the
counts the 3 July page hid. Periods that never overlap and are never the sum of others leave
nothing to subtract; a period still growing ("this month", "this year so far") would be the same
attack, a day apart, so a quarter is offered only once it has ended.

Whole financial years are not offered, though a year is the sum of its four quarters. With the
year shown, a quarter's hidden count must not follow from the year and the other three quarters,
so the year and its quarters must be protected together. The suppression is exact only for
systems of totals that form a circulation (rhi/oversight/suppression.py): each count in at most
two sums. The risk grades table is a grid (a row's grades add up to its returns, a broad group
is its detailed groups), and a year over it puts each quarter's count in a third sum (the year's):
a three-way table with all its two-way totals, which has no circulation form and on which the
reachability test would miss counts a reader can work out. So quarters only.

The limit that remains: a quarter's counts can still change after it has ended, when a return is
recorded late or an interview for a return at the end of the quarter is offered or held in the
days after it. The same quarter seen before and after such a change differs by that one return.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from rhi.oversight import figures, periods
from rhi.oversight.figures import Period

KEY = "quarter"
# Five years of quarters: the statutory exports' longest period (rhi/oversight/exports.py).
OFFERED = 20
NOT_OFFERED = (
    "Disparities are shown for whole quarters that have ended, so that counts hidden to protect "
    "children cannot be worked out by comparing periods."
)


def _start(day: date) -> date:
    """The first day of the quarter `day` is in (financial quarters start with calendar ones)."""
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _quarter(start: date) -> Period:
    after = date(start.year + (start.month == 10), (start.month + 2) % 12 + 1, 1)
    return Period(KEY, start, after - timedelta(days=1))


def offered(today: date) -> list[Period]:
    """The quarters that ended before `today` (local), newest first."""
    found: list[Period] = []
    start = _start(today)
    for _ in range(OFFERED):
        start = _start(start - timedelta(days=1))
        found.append(_quarter(start))
    return found


def name(quarter: Period) -> str:
    """ "July to September 2026 (quarter 2 of 2026 to 2027)": the months, and the financial
    year's quarter as returns to the DfE and the council's reports count them."""
    year = quarter.start.year if quarter.start.month >= 4 else quarter.start.year - 1
    number = (quarter.start.month - 4) % 12 // 3 + 1
    return f"{quarter.start:%B} to {quarter.end:%B %Y} (quarter {number} of {year} to {year + 1})"


@dataclass(frozen=True)
class Chosen:
    quarter: Period
    offered: list[Period]
    notice: str | None  # why the period asked for is not the one shown
    invalid: bool  # the dates asked for were wrong in themselves (not only not offered)
    back: dict[str, str]  # the service page's period, for the link back to it


def chosen(query: Mapping[str, str], now: datetime) -> Chosen:
    """The quarter asked for (`quarter`: its first day), or dates that are exactly one (the
    service page links here with its own period: a quarter chosen there is one here), else the
    latest that has ended, with the reason. Nothing asked: the latest, and no reason needed."""
    today = figures.today_local(now)
    quarters = offered(today)
    by_start = {q.start: q for q in quarters}
    asked, problem = periods.asked(query, now)
    given = query.get("period") or query.get("start") or query.get("end")
    back = periods.args(asked) if given and problem is None else {}
    found: Period | None = None
    if KEY in query:
        found = by_start.get(_day(query.get(KEY)) or date.min)
    elif given and problem is None:
        exact = by_start.get(asked.start)
        found = exact if exact is not None and exact.end == asked.end else None
    elif not given:
        found = quarters[0]
    quarter = found or quarters[0]
    notice = None
    if found is None:
        notice = f"{problem} {NOT_OFFERED}" if given and problem else NOT_OFFERED
    return Chosen(
        quarter=quarter,
        offered=quarters,
        notice=notice,
        invalid=bool(given and problem),
        back=back or periods.args(Period("custom", quarter.start, quarter.end)),
    )


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return None
