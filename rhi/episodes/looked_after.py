"""A missing episode recorded as away from placement (DfE type "A") is one only a looked-after
child has, and one recorded as placed here by another council (`Episode.placed_from_elsewhere`,
kept by rhi/episodes/legal_status.py) is a placed child's: the child is remembered as looked
after (`Child.was_looked_after`), as a legal status of looked after is, so their record keeps
the looked-after retention rule whatever their status or placement says later
(rhi/retention/rules.py). The migrations that added the flag mark children the same way;
without this, a child recorded after it was kept to 25 where one recorded before was kept to
75 (a review).

Kept on every flush that adds an episode or changes its type or placing, whoever wrote it: the
forms, an import, the demo data, a test's fixture.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from rhi.models.children import Child
from rhi.models.episodes import Episode

AWAY_FROM_PLACEMENT = "A"


def _shows_looked_after(session: Session, episode: Episode) -> bool:
    """Newly away from placement, or newly placed from elsewhere (added, or changed to it)."""
    attrs = inspect(episode).attrs
    new = episode in session.new
    away = episode.dfe_type == AWAY_FROM_PLACEMENT and (new or attrs.dfe_type.history.has_changes())
    placed = episode.placed_from_elsewhere is True and (
        new or attrs.placed_from_elsewhere.history.has_changes()
    )
    return away or placed


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, flush_context: Any, instances: Any) -> None:
    for obj in (*session.new, *session.dirty):
        if not isinstance(obj, Episode) or not _shows_looked_after(session, obj):
            continue
        with session.no_autoflush:
            child = obj.child
            if child is None and obj.child_id is not None:
                child = session.get(Child, obj.child_id)
        if child is not None and not child.was_looked_after:
            child.was_looked_after = True
