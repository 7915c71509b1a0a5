"""Choosing a period on the oversight pages that refuse a bad one with a message (the register
and the disparities page), built on rhi/oversight/figures.py's periods. No Flask here."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime

from rhi.oversight import exports, figures
from rhi.oversight.figures import Period


def choose(
    key: str,
    today: date,
    start: date | None,
    end: date | None,
    extra: dict[str, Callable[[date], Period]] | None = None,
    default: str = "this_month",
) -> tuple[Period, str | None]:
    """The period asked for, or the default one with the reason the asked one was refused: a
    period ending before it starts or longer than five years (the statutory exports' rule)."""
    extra = extra or {}
    if key == "custom":
        if start is None or end is None:
            problem = "Enter both dates, like 2026-04-01, to choose the period."
        else:
            problem = exports.period_problem(start, end)
        if problem is None:
            assert start is not None and end is not None
            return Period("custom", start, end), None
        return choose(default, today, None, None, extra, default)[0], problem
    if key in extra:
        return extra[key](today), None
    if key in figures.PERIODS:
        return figures.period(key, today), None
    if default in extra:
        return extra[default](today), None
    return figures.period(default, today), None


def args(chosen: Period) -> dict[str, str]:
    """The period, to carry in links."""
    found = {"period": chosen.key}
    if chosen.key == "custom":
        found |= {"start": chosen.start.isoformat(), "end": chosen.end.isoformat()}
    return found


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return None


def asked(
    query: Mapping[str, str],
    now: datetime,
    extra: dict[str, Callable[[date], Period]] | None = None,
    default: str = "this_month",
) -> tuple[Period, str | None]:
    """The period a page's query string asks for (`period`, and `start` and `end` for dates
    chosen), as `choose` decides it: every oversight page reads its period this one way."""
    return choose(
        query.get("period", ""),
        figures.today_local(now),
        _day(query.get("start")),
        _day(query.get("end")),
        extra,
        default,
    )
