"""Work a tablet sent for a child its worker can no longer see: held, never destroyed.

When a return is reallocated (to another team, a colleague, or the worker moved team) while a
tablet still holds a visit's notes, contact attempts or the child's answer, the upload cannot be
applied as the worker's own. The server keeps the item whole here, tells the tablet it may let
go of it, and a manager who may see the child attaches it to the child's record (its notes
become a version beside the interview, its events are recorded as the worker's) or passes it
on to the colleague now responsible (rhi/sync/held.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rhi.extensions import db
from rhi.models.base import utcnow

if TYPE_CHECKING:
    from rhi.models.children import Child
    from rhi.models.people import User

HELD_STATES = {
    "waiting": "Waiting for a manager",
    "passed_on": "Passed on",
    "attached": "Added to the child's record",
}


class HeldWork(db.Model):
    __tablename__ = "held_work"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_uuid: Mapped[str] = mapped_column(String(36), index=True)
    payload_hash: Mapped[str] = mapped_column(String(64))  # to keep an item sent again once
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)  # the upload item, as sent
    child_id: Mapped[int | None] = mapped_column(ForeignKey("children.id"), index=True)
    episode_ids: Mapped[list[int]] = mapped_column(JSON)
    sent_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    sent_by_team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    device_id: Mapped[str | None] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    state: Mapped[str] = mapped_column(String(20), default="waiting")
    passed_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    handled_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)

    child: Mapped[Child | None] = relationship()
    sent_by: Mapped[User] = relationship(foreign_keys=[sent_by_id])
    passed_to: Mapped[User | None] = relationship(foreign_keys=[passed_to_id])
    handled_by: Mapped[User | None] = relationship(foreign_keys=[handled_by_id])

    @property
    def state_label(self) -> str:
        return HELD_STATES.get(self.state, self.state)
