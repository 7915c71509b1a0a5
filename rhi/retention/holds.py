"""Legal holds: placed and lifted by an administrator, each with a reason, audited in the same
transaction. While a hold is in force the retention run passes the child by."""

from __future__ import annotations

from sqlalchemy import select

from rhi import audit
from rhi.extensions import db
from rhi.models import User
from rhi.models.base import utcnow
from rhi.models.retention import LegalHold


def holds_of(child_id: int) -> list[LegalHold]:
    return list(
        db.session.scalars(
            select(LegalHold)
            .where(LegalHold.child_id == child_id)
            .order_by(LegalHold.placed_at.desc(), LegalHold.id.desc())
        )
    )


def place(child_id: int, reason: str, user: User) -> LegalHold:
    hold = LegalHold(child_id=child_id, reason=reason, placed_by_id=user.id, placed_at=utcnow())
    db.session.add(hold)
    db.session.flush()
    # The reason may name people or proceedings: the audit row says only that a hold was placed.
    audit.record(
        "retention.hold_placed",
        user=user,
        object_type="legal_hold",
        object_id=hold.id,
        child_id=child_id,
    )
    return hold


def lift(hold: LegalHold, reason: str, user: User) -> None:
    hold.lifted_at, hold.lifted_by_id, hold.lift_reason = utcnow(), user.id, reason
    audit.record(
        "retention.hold_lifted",
        user=user,
        object_type="legal_hold",
        object_id=hold.id,
        child_id=hold.child_id,
    )
