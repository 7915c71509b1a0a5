"""A manager's word on two register entries (rhi/oversight/register.py): "the same" or "not the
same". The register only offers close spellings as "possibly the same"; nothing is merged until
a person says so. Rows are only ever added: the latest word on a pair stands, and the earlier
ones stay as the record of who decided what, and when."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rhi.extensions import db
from rhi.models.base import utcnow

if TYPE_CHECKING:
    from rhi.models.people import User


class RegisterDecision(db.Model):
    __tablename__ = "register_decisions"
    __table_args__ = (Index("ix_register_decisions_pair", "team_id", "kind", "key_a", "key_b"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Decisions belong to the team whose register it is: another team's manager sees another
    # register and decides for it.
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    kind: Mapped[str] = mapped_column(String(10))  # person, place, vehicle or phone
    # The two entries' normalised keys, in sorted order (key_a < key_b): a pair is one pair
    # whichever way round it was decided.
    key_a: Mapped[str] = mapped_column(String(200))
    key_b: Mapped[str] = mapped_column(String(200))
    same: Mapped[bool]
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)

    decided_by: Mapped[User] = relationship()
