"""Keeping and destroying a child's record: legal holds, the disclosure log of subject access
exports, and the marker left when a record has been destroyed.

- `LegalHold`: while a hold is in force (not lifted), and for KEPT_AFTER_LIFTING after it is
  lifted, nothing about the child is destroyed, however old the record. Placed and lifted by an
  administrator, each with a reason; kept when the record is destroyed, so its page shows every
  hold there has been.
- `Disclosure`: one subject access export: who asked, their reference, when the request came in,
  who exported it, when, and the SHA-256 of the ZIP handed over (so the copy disclosed can be
  recognised later).
- `DestroyedChild`: the record was destroyed on this day under this rule. The `children` row
  itself stays as an anonymous tombstone because audit rows (which cannot be changed or deleted)
  point at it; this row is what says it is one.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, String, Text, or_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rhi.extensions import db
from rhi.models.base import utcnow

if TYPE_CHECKING:
    from rhi.models.people import User


# A hold lifted still keeps the record this long: the nightly run (cron, which asks no one)
# destroyed a due record the night after its hold was lifted, so a hold lifted by mistake (the
# wrong child, a claim thought settled) could not be put right (a security review, sec38).
# Placing a hold again in that time keeps the record for as long as the new one is in force.
KEPT_AFTER_LIFTING = timedelta(days=14)


class LegalHold(db.Model):
    __tablename__ = "legal_holds"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    placed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    placed_at: Mapped[datetime] = mapped_column(default=utcnow)
    lifted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    lifted_at: Mapped[datetime | None]
    lift_reason: Mapped[str | None] = mapped_column(Text)

    placed_by: Mapped[User] = relationship(foreign_keys=[placed_by_id])
    lifted_by: Mapped[User | None] = relationship(foreign_keys=[lifted_by_id])

    @property
    def in_force(self) -> bool:
        return self.lifted_at is None

    @property
    def kept_until(self) -> datetime | None:
        """Lifted: until when it still keeps the record (KEPT_AFTER_LIFTING)."""
        return None if self.lifted_at is None else self.lifted_at + KEPT_AFTER_LIFTING

    def keeps_record(self, now: datetime) -> bool:
        """In force, or lifted too lately for the record to go (as `keeping` asks SQL)."""
        return self.kept_until is None or now < self.kept_until

    @classmethod
    def keeping(cls, now: datetime) -> Any:
        """`keeps_record`, as a WHERE clause."""
        return or_(cls.lifted_at.is_(None), cls.lifted_at > now - KEPT_AFTER_LIFTING)


class Disclosure(db.Model):
    __tablename__ = "disclosure_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    requested_by: Mapped[str] = mapped_column(String(200))  # as typed: a name, or "the child"
    reference: Mapped[str] = mapped_column(String(100))
    received_on: Mapped[date]
    exported_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    exported_at: Mapped[datetime] = mapped_column(default=utcnow)
    sha256: Mapped[str] = mapped_column(String(64))

    exported_by: Mapped[User] = relationship()


class DestroyedChild(db.Model):
    __tablename__ = "destroyed_children"

    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), primary_key=True)
    destroyed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Which rule made it due ("looked after: 75th birthday"): no date of birth, no name.
    rule: Mapped[str] = mapped_column(String(80))
    # Who ran it: an administrator, or None for the command line.
    destroyed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
