"""One time away is never counted twice: the rule every way a time away comes in keeps.

A new or changed span [missing, back) of a child's must not overlap another of their times
away: its missing time may not fall inside one with its return, nor may it hold the start of
another. And one not yet back may not begin before a time away that began after it and has
its return: the child came back from it before going missing again (a probe: a late
notification dated before a finished time away showed the child as still missing for hundreds
of hours while known to be back).

`find` says which time away a span meets and how (`Clash`). Whether that refuses or goes with
the new episode as a note is the caller's: the import (rhi/episodes/imports_apply.py
`time_away_around`) makes a new police notification with a note when the child's other time
away is one whose return rhi may simply not have been told of; the hand forms
(rhi/episodes/views.py, `notifications.record_return`) refuse every clash, said next to the
field with `said_on_a_form`, since the person typing can check the times there and then.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select

from rhi.models import Episode
from rhi.timefmt import format_datetime

# How a span meets another time away (`Clash.kind`).
HOLDS = "holds"  # the span, with its return, holds the start of another (back or not)
INSIDE = "inside"  # the missing time falls inside another that has its return
OPEN_SINCE = "open_since"  # another not yet back began at or after this missing time
BACK_SINCE = "back_since"  # this one is not back, and a later one has its return
OPEN_BEFORE = "open_before"  # another not yet back began before this missing time


@dataclass(frozen=True)
class Clash:
    """The time away a span meets (`episode`), how (`kind`), and its return as counted (the
    found time a file gives it counts too: `find`'s `returned_of`)."""

    kind: str
    episode: Episode
    returned: datetime | None


def find(
    started: datetime,
    back: datetime | None,
    episodes: Iterable[Episode],
    returned_of: Callable[[Episode], datetime | None],
    *,
    still_missing: bool = True,
) -> Clash | None:
    """The first clash of the span [started, back or not yet) with `episodes` (the child's
    other times away), or None.

    Said in the order the plainer thing to correct comes first, whatever order the episodes
    come in: a time away this span holds, then one its missing time falls inside (or an open
    one from the same time), then a later one with its return (the earliest, when the child
    was back by), then an open one begun before it.

    `still_missing` False (a correction, a return): another time away not yet back is no bar,
    unless this span, with its return, holds its start. A correction of a time away not yet
    back is still held to one begun after it with its return."""
    back_since: Clash | None = None
    open_before: Clash | None = None
    for episode in sorted(episodes, key=lambda e: e.started_at, reverse=True):
        returned = returned_of(episode)
        if back is not None and started < episode.started_at < back:
            # Checked first, so the order of a file's rows never decides.
            return Clash(HOLDS, episode, returned)
        if returned is None:
            if not still_missing:
                continue
            if started <= episode.started_at and (back is None or episode.started_at < back):
                return Clash(OPEN_SINCE, episode, None)
            if episode.started_at < started and open_before is None:
                open_before = Clash(OPEN_BEFORE, episode, None)
            continue
        if episode.started_at <= started < returned:
            return Clash(INSIDE, episode, returned)
        if back is None and started < episode.started_at:
            # Latest first: the last one kept is the first time away after this one began,
            # which the child was back before.
            back_since = Clash(BACK_SINCE, episode, returned)
    return back_since or open_before


def times_away_since(
    child_ids: list[int], since: datetime, scope: ColumnElement[bool], *, besides: int | None = None
) -> Select[Any]:
    """The children's times away a span from `since` may meet (`find`): still open, or back
    after it, among those `scope` lets the reader see (never another team's, unseen: a clash
    names it). `besides`: the episode being corrected, not met by itself."""
    query = select(Episode).where(
        Episode.child_id.in_(child_ids),
        or_(Episode.returned_at.is_(None), Episode.returned_at > since),
        scope,
    )
    return query.where(Episode.id != besides) if besides is not None else query


def said_on_a_form(clash: Clash, name: str, *, back_box: bool = True) -> str:
    """A clash in the words of the hand forms, said by the time's box: what rhi holds and what
    to do, in the person's terms (the import says it in its own, `time_away_around`).
    `back_box`: the form has a box for when they came back (a new episode, or a correction of
    one that has its return); otherwise the return is recorded on its own page."""
    other = clash.episode
    if clash.kind == INSIDE:
        return (
            f"{name} is already recorded as missing from {format_datetime(other.started_at)} "
            f"until they came back {format_datetime(clash.returned)}, and this falls inside it. "
            "Open that episode to correct it, rather than recording this time away twice."
        )
    if clash.kind in (OPEN_SINCE, OPEN_BEFORE):
        return (
            f"{name} is already recorded as missing since {format_datetime(other.started_at)} "
            "and not yet back. Open that episode to correct it or record the return, rather "
            "than recording this time away twice."
        )
    if clash.kind == HOLDS:
        held = (
            f"until they came back {format_datetime(clash.returned)}"
            if clash.returned is not None
            else "and not yet back"
        )
        return (
            f"{name} is also recorded as missing from {format_datetime(other.started_at)} "
            f"{held}, which falls inside this time away: it would be counted twice. Check the "
            f"date and time (they came back from this one before "
            f"{format_datetime(other.started_at)}), or open that episode to correct it."
        )
    return (
        f"{name} was recorded back since (missing {format_datetime(other.started_at)}, back "
        f"{format_datetime(clash.returned)}), so they came back from this time away before "
        f"{format_datetime(other.started_at)}. Check the date and time"
        + (
            ", or, if this time away has ended, say when they came back (under “Already back?”)."
            if back_box
            else ", or record when they came back from this time away (“Record the return”)."
        )
    )
