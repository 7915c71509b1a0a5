"""Audit events: who did or looked at what, when, from where, and whether it was allowed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rhi.extensions import db
from rhi.models.base import utcnow
from rhi.models.people import User


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str | None] = mapped_column(String(30))
    object_id: Mapped[str | None] = mapped_column(String(40))
    child_id: Mapped[int | None] = mapped_column(ForeignKey("children.id"), index=True)
    ip_address: Mapped[str | None] = mapped_column(String(45))
    outcome: Mapped[str] = mapped_column(String(20), default="ok")
    # A short, fixed description (never note text): "status offered -> declined".
    detail: Mapped[str | None] = mapped_column(String(200))

    user: Mapped[User | None] = relationship()
