"""Summaries: the PDF made for one recipient when an interview is finished, and what happened to
it afterwards: copies recorded as sent, the social worker's opening and response, and the
questions they asked the worker who wrote it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from rhi.extensions import db
from rhi.models.base import utcnow

if TYPE_CHECKING:
    from rhi.models.interviews import Interview
    from rhi.models.people import User

# How a copy left rhi: a fixed list, so the record can be counted and checked.
SENT_WAYS = {
    "secure_email": "Secure email",
    "by_hand": "By hand",
    "portal": "Portal",
    "post": "Post",
}

# What the social worker says happens next, when they say they have read the summary.
NEXT_STEPS = {
    "strategy_meeting": "Strategy meeting",
    "care_plan_updated": "Care plan updated",
    "no_further_action": "No further action",
    "other": "Other",
}


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
    # The first time the person it was prepared for opened it (the PDF). Saying "I have read
    # this" is refused until then.
    opened_at: Mapped[datetime | None]
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # What happens next, said with the acknowledgement: a key of NEXT_STEPS and a note (the
    # note is required for "other").
    next_step: Mapped[str | None] = mapped_column(String(30))
    next_step_note: Mapped[str | None] = mapped_column(Text)
    # What its reader may read narrowed after it was made (a decision declined, the child took
    # back their agreement): it no longer opens for them, and a new one was made
    # (rhi/summaries/service.py withdraw_and_send_again). Kept for the record.
    withdrawn_at: Mapped[datetime | None]
    withdrawn_why: Mapped[str | None] = mapped_column(String(200))

    interview: Mapped[Interview] = relationship()
    prepared_for: Mapped[User | None] = relationship(foreign_keys=[prepared_for_id])
    prepared_by: Mapped[User | None] = relationship(foreign_keys=[prepared_by_id])
    questions: Mapped[list[SummaryQuestion]] = relationship(
        back_populates="summary", order_by="SummaryQuestion.id"
    )

    @property
    def next_step_label(self) -> str:
        return NEXT_STEPS.get(self.next_step or "", self.next_step or "")

    @property
    def open_questions(self) -> list[SummaryQuestion]:
        return [q for q in self.questions if q.answered_at is None]


class SummarySending(db.Model):
    """One copy of an interview's summary recorded as having left rhi: to whom, how, when, and
    who recorded it. Sent again is another row; rows are never edited."""

    __tablename__ = "summary_sendings"

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id"), index=True)
    recipient: Mapped[str] = mapped_column(String(30))  # a key of content.RECIPIENTS
    sent_to: Mapped[str] = mapped_column(String(200))  # name and organisation or address, as typed
    method: Mapped[str] = mapped_column(String(30))  # a key of SENT_WAYS
    sent_at: Mapped[datetime]  # as typed in local time, stored in UTC
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    recorded_by: Mapped[User] = relationship()

    @property
    def method_label(self) -> str:
        return SENT_WAYS.get(self.method, self.method)


class SummaryQuestion(db.Model):
    """A question the social worker asked about a summary, to the worker who wrote it, and its
    answer. A further question is another row: together they are the thread."""

    __tablename__ = "summary_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    summary_id: Mapped[int] = mapped_column(ForeignKey("summaries.id"), index=True)
    asked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    asked_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    asked_at: Mapped[datetime] = mapped_column(default=utcnow)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    summary: Mapped[Summary] = relationship(back_populates="questions")
    asked_by: Mapped[User] = relationship(foreign_keys=[asked_by_id])
    asked_to: Mapped[User | None] = relationship(foreign_keys=[asked_to_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])
