"""Actions agreed in an interview, followed until they are done.

The worker records an action in the interview's document (what, who will do it, by when, a
note), where it travels with the record and the tablet. When the interview is finished each
action becomes a row here (rhi/actions/tracking.py), which is what is followed: its owner (a
user of rhi, or another agency with a named contact), its due date and its status. A strategy
meeting request is followed to "held" or "declined" with the date.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rhi.extensions import db
from rhi.models.base import utcnow

if TYPE_CHECKING:
    from rhi.models.interviews import Interview
    from rhi.models.people import User


class FollowedAction(db.Model):
    __tablename__ = "actions"
    __table_args__ = (UniqueConstraint("interview_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id"), index=True)
    item_id: Mapped[str] = mapped_column(String(40))  # the entry's id in the document
    kind: Mapped[str] = mapped_column(String(40))  # fields.ACTION_KINDS
    note: Mapped[str] = mapped_column(Text, default="")
    owner_kind: Mapped[str] = mapped_column(String(30), default="")  # fields.ACTION_OWNERS
    # The person in rhi who owns it (None: another agency, or nobody found for the role).
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    contact: Mapped[str] = mapped_column(String(200), default="")  # a named person or contact
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    # When it was done, held or declined (a date the person gives), and what they said:
    # the reason for "not done" or "declined", otherwise a note.
    outcome_on: Mapped[date | None] = mapped_column(Date)
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Bumped on every change: a form sent from an older page is refused, not applied over it.
    version: Mapped[int] = mapped_column(default=1)

    interview: Mapped[Interview] = relationship()
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
