"""The child's legal status as it was for each return: `Episode.legal_status`.

The statutory SSDA903 missing table and the service page's looked-after figures count the
episodes of children who were looked after *then*. They read the child's status now, so a child
who went home took every episode of their time in care out of the year's return, and a child
who came into care brought their earlier episodes into it; last month's figures changed after
the fact (a probe).

The rule: a new episode takes the child's status when it is written. A change to the child's
status reaches only their returns still open (`closed_at` empty: missing now, or back and not
yet dealt with) whose status was not known ("None known", as a child made from the police's
notification starts: the status is filled in after), and the one they are missing in now. A
closed return keeps what it had, "None known" too: a child at home for years who comes into
care does not bring their old returns into the looked-after figures (a review). Kept on every
flush, whoever wrote it: the forms, an import, the API, the demo data, a test's fixture.

"Placed here by another council" (`Episode.placed_from_elsewhere`) is kept beside it by the
same rule: a new episode takes the child's placing and home authority as they are when it is
written (None while no placing authority is recorded: not known, as "None known" is), and a
change to them reaches only the child's open returns where it was not known, and the one they
are missing in now. The service page counted the child's authorities now, so last month's
figure changed when a child was placed here or went home (a probe).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, event, inspect, or_, update
from sqlalchemy.orm import Session

from rhi.models.children import NOT_KNOWN, Child
from rhi.models.episodes import Episode

# What Child.placed_from_elsewhere is worked out from.
_AUTHORITIES = ("placing_authority", "home_authority")


def placed_then(child: Child) -> bool | None:
    """What a return keeps of Child.placed_from_elsewhere: None while no placing authority is
    recorded (a child made from the police's notification has none until it is filled in)."""
    if not (child.placing_authority or "").strip():
        return None
    return bool(child.placed_from_elsewhere)


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, flush_context: Any, instances: Any) -> None:
    for obj in session.new:
        if isinstance(obj, Episode) and (
            obj.legal_status is None or obj.placed_from_elsewhere is None
        ):
            with session.no_autoflush:
                child = obj.child
                if child is None and obj.child_id is not None:
                    child = session.get(Child, obj.child_id)
            if child is not None and obj.legal_status is None:
                # A child written in the same flush has no status yet in Python: the column's
                # default ("None known") is given on INSERT.
                obj.legal_status = child.legal_status or NOT_KNOWN
            if child is not None and obj.placed_from_elsewhere is None:
                obj.placed_from_elsewhere = placed_then(child)
    for obj in list(session.dirty):
        if not isinstance(obj, Child) or obj.id is None:
            continue
        attrs = inspect(obj).attrs
        if any(attrs[name].history.has_changes() for name in _AUTHORITIES):
            _placed_changed(session, obj)
        if not attrs.legal_status.history.has_changes():
            continue
        session.execute(
            update(Episode)
            .where(
                Episode.child_id == obj.id,
                or_(
                    and_(
                        Episode.closed_at.is_(None),
                        or_(Episode.legal_status.is_(None), Episode.legal_status == NOT_KNOWN),
                    ),
                    Episode.returned_at.is_(None),
                ),
            )
            .values(legal_status=obj.legal_status)
            .execution_options(synchronize_session="fetch")
        )


def _placed_changed(session: Session, child: Child) -> None:
    """The child's authorities changed: their open returns where it was not known, and the one
    they are missing in now, take the new value; every other return keeps its own."""
    session.execute(
        update(Episode)
        .where(
            Episode.child_id == child.id,
            or_(
                and_(Episode.closed_at.is_(None), Episode.placed_from_elsewhere.is_(None)),
                Episode.returned_at.is_(None),
            ),
        )
        .values(placed_from_elsewhere=placed_then(child))
        .execution_options(synchronize_session="fetch")
    )
