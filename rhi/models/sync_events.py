"""Offers and children's answers recorded on a tablet with no signal, by the id the tablet gave
them: kept so an upload sent again never changes an interview's status twice.

Contact attempts keep their tablet id on the attempt itself (`ContactAttempt.client_id`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from rhi.extensions import db
from rhi.models.base import utcnow


class SyncEvent(db.Model):
    __tablename__ = "sync_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(36), unique=True)  # the tablet's UUID
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # offer, accept or decline
    # False when it arrived after the interview was finished and so was not applied.
    applied: Mapped[bool]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
