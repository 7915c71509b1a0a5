"""A child who took back their agreement to share, after the interview was finished.

The child's consent is theirs to change. Once the interview is finished its record is not
edited, except this one way: a recipient's consent may be narrowed (fewer parts, or none), never
widened (a wider sharing needs the child asked again, or a safeguarding decision). The document's
consent answer is changed, so every copy made after follows it (rhi/sharing.py reads the
document); this row keeps what it was before, what the child said and when, for the record.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rhi.extensions import db
from rhi.models.base import utcnow

if TYPE_CHECKING:
    from rhi.models.people import User


class ConsentChange(db.Model):
    __tablename__ = "consent_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id"), index=True)
    recipient: Mapped[str] = mapped_column(String(30))  # a key of content.RECIPIENTS
    before: Mapped[dict[str, Any]] = mapped_column(JSON)  # the consent entry as it was
    after: Mapped[dict[str, Any]] = mapped_column(JSON)
    child_words: Mapped[str] = mapped_column(Text, default="")  # what the child said, as said
    said_on: Mapped[date] = mapped_column(Date)  # the day the child said it
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    recorded_by: Mapped[User | None] = relationship()
