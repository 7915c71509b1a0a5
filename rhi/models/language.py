"""Counts of the writing check's use, for supervision. Deliberately anonymous: a team, a rule,
what happened and when; no child, no worker, no text."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from rhi.extensions import db
from rhi.models.base import utcnow


class LanguageEvent(db.Model):
    __tablename__ = "language_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    rule_id: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(12))  # flagged, replaced or dismissed
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
