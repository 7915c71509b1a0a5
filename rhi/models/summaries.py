"""Summaries: the PDF made for one recipient when an interview is finished, and its reading."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from rhi.extensions import db
from rhi.models.base import utcnow

if TYPE_CHECKING:
    from rhi.models.interviews import Interview
    from rhi.models.people import User


class Summary(db.Model):
    __tablename__ = "summaries"

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id"), index=True)
    recipient: Mapped[str] = mapped_column(String(30))  # a key of content.RECIPIENTS
    prepared_for_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    prepared_for_name: Mapped[str] = mapped_column(String(120))
    prepared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Rendered once, when the interview is finished: WeasyPrint is too slow to run per view.
    pdf: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    interview: Mapped[Interview] = relationship()
    prepared_for: Mapped[User | None] = relationship(foreign_keys=[prepared_for_id])
