"""A missing episode recorded as away from placement (DfE type "A") is one only a looked-after
child has: the child is remembered as looked after (`Child.was_looked_after`), as a legal status
of looked after is, so their record keeps the looked-after retention rule whatever their status
says later (rhi/retention/rules.py). The migration that added the flag marks children the same
way; without this, a child recorded after it was kept to 25 where one recorded before was kept
to 75 (a review).

Kept on every flush that adds an episode or changes its type, whoever wrote it: the forms, an
import, the demo data, a test's fixture.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from rhi.models.children import Child
from rhi.models.episodes import Episode

AWAY_FROM_PLACEMENT = "A"


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, flush_context: Any, instances: Any) -> None:
    for obj in (*session.new, *session.dirty):
        if not isinstance(obj, Episode) or obj.dfe_type != AWAY_FROM_PLACEMENT:
            continue
        if obj not in session.new and not inspect(obj).attrs.dfe_type.history.has_changes():
            continue
        with session.no_autoflush:
            child = obj.child
            if child is None and obj.child_id is not None:
                child = session.get(Child, obj.child_id)
        if child is not None and not child.was_looked_after:
            child.was_looked_after = True
