"""Safeguarding decisions to share without the child's agreement: who must confirm each one.

The decision's words (who receives it, which parts, the reason, what the child was told) are
kept in the interview's document beside the consent answers (`overrides`), so they travel with
the record. This row is what makes a decision take effect: it names the person who decided (a
user of rhi, who confirms it here) and holds the confirmation. A copy is released on
confirmation, or at once when the worker marked it urgent (rhi/sharing.py reads `in_force`).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rhi.extensions import db
from rhi.models.base import utcnow

if TYPE_CHECKING:
    from rhi.models.interviews import Interview
    from rhi.models.people import User


class SharingDecision(db.Model):
    __tablename__ = "sharing_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The `id` of the decision's entry in the interview's `overrides`.
    decision_id: Mapped[str] = mapped_column(String(36), unique=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id"), index=True)
    recipient: Mapped[str] = mapped_column(String(30))
    # None only for decisions recorded before rhi named deciders (kept in force, as they were).
    decider_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    urgent: Mapped[bool] = mapped_column(default=False)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The named decider said it is not the decision they made, or not one to stand: in force
    # for no copy made after (an urgent one stops), never confirmed after.
    declined_at: Mapped[datetime | None]
    declined_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    declined_reason: Mapped[str | None] = mapped_column(Text)

    interview: Mapped[Interview] = relationship()
    decider: Mapped[User | None] = relationship(foreign_keys=[decider_id])
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])
    declined_by: Mapped[User | None] = relationship(foreign_keys=[declined_by_id])

    @property
    def in_force(self) -> bool:
        """As rhi/interviews/decisions.py `_in_force` asks it of the database."""
        return self.declined_at is None and (self.confirmed_at is not None or self.urgent)
