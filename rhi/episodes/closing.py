"""When a return is closed: `Episode.closed_at`, the one place the rule is written.

A return is closed once its latest interview (`Episode.interview`: the one the Returns list
reads) has the return's one outcome. Until then it is open: no interview yet, an interview
under way, or a "no" with the offer kept open (no outcome, listed under "Offer open"). An
outcome later taken away, or a newer interview without one, opens it again.

Lists of open returns filter on `closed_at IS NULL` first (rhi/episodes/queries.py), through
partial indexes holding only open returns, so their cost does not grow with the closed past.
That is only right if `closed_at` never lags the interviews, so it is not left to each place
that sets an outcome: every flush that adds, removes or re-links an interview, or changes its
outcome, recomputes it for the episodes concerned (`_before_flush`). The places that set an
outcome also call `refresh_for` at once, so the episode in hand is right before the flush.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from rhi.models.base import utcnow
from rhi.models.episodes import Episode
from rhi.models.interviews import Interview

# What, changed on an interview, may change whether its episodes are closed.
_WATCHED = ("outcome", "outcome_at", "created_at")

# An interview not yet flushed has no created_at or id (both come at insert): it is the
# newest, as it will be once flushed.
_NOT_YET = datetime.max


def _latest(interviews: Iterable[Interview]) -> Interview | None:
    """The latest interview, as the Returns list's SQL picks it (created_at, then id)."""
    return max(
        interviews,
        key=lambda i: (i.created_at or _NOT_YET, i.id if i.id is not None else 1 << 62),
        default=None,
    )


def closed_when(episode: Episode, gone: Collection[Interview] = ()) -> datetime | None:
    """When the episode closed, by the rule: None while open. `gone`: interviews being deleted,
    which no longer count."""
    latest = _latest(i for i in episode.interviews if i not in gone)
    if latest is None or latest.outcome is None:
        return None
    # Kept when already closed and the outcome has no time of its own (the first closing).
    return latest.outcome_at or episode.closed_at or utcnow()


def refresh_closed(episode: Episode, gone: Collection[Interview] = ()) -> None:
    """Make `episode.closed_at` say what the rule says (changing nothing when it already does,
    so a flush writes no needless UPDATE)."""
    when = closed_when(episode, gone)
    if episode.closed_at != when:
        episode.closed_at = when


def refresh_for(interview: Interview) -> None:
    """After an interview's outcome is set or taken away: each episode it covers."""
    for episode in interview.episodes:
        refresh_closed(episode)


def _touched(session: Session) -> set[Episode]:
    """Episodes whose closing may have changed in this flush."""
    touched: set[Episode] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Interview):
            state: Any = inspect(obj)
            links = state.attrs.episodes
            changed = (
                obj in session.new
                or obj in session.deleted
                or links.history.has_changes()
                or any(state.attrs[name].history.has_changes() for name in _WATCHED)
            )
            if changed:
                # Loads the covered episodes if they are not loaded yet (no autoflush: the
                # session is flushing). Those unlinked in this flush count too.
                touched.update(links.load_history().sum())
        elif isinstance(obj, Episode):
            state = inspect(obj)
            if obj in session.new or state.attrs.interviews.history.has_changes():
                touched.add(obj)
    return touched


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, flush_context: Any, instances: Any) -> None:
    """The choke point: whatever changed an outcome (a service, the tablet's sync, an import,
    the demo data, a test's fixture), `closed_at` is right when the rows are written."""
    gone = {obj for obj in session.deleted if isinstance(obj, Interview)}
    for episode in _touched(session):
        if episode not in session.deleted:
            refresh_closed(episode, gone)
