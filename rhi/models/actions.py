"""Actions agreed in an interview, followed until they are done.

The worker records an action in the interview's document (what, who will do it, by when, a
note), where it travels with the record and the tablet. When the interview is finished each
action becomes a row here (rhi/actions/tracking.py), which is what is followed: its owner (a
user of rhi, or another agency with a named contact), its due date and its status. A strategy
meeting request is followed to "held" (the date and what was decided), "not needed" (why) or
"declined" (older rows).

A strategy meeting may also be asked for without an interview: from the repeat episodes page
or the episode page, when a child keeps being reported missing and nobody has asked yet. Such
a row has no interview, so every row names its child itself (`child_id`): for a row made from
an interview it is the interview's child, filled in when the row is written if not given.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint, event, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from rhi.extensions import db
from rhi.models.base import utcnow

if TYPE_CHECKING:
    from rhi.models.children import Child
    from rhi.models.episodes import Episode
    from rhi.models.interviews import Interview
    from rhi.models.people import User


class FollowedAction(db.Model):
    __tablename__ = "actions"
    __table_args__ = (UniqueConstraint("interview_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The interview it was agreed in; None for a strategy meeting asked for from a page.
    interview_id: Mapped[int | None] = mapped_column(ForeignKey("interviews.id"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    # The episode page it was asked for from, if it was (for the record; nothing depends on it).
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episodes.id"))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The entry's id in the interview's document; for a request from a page, its own made-up id
    # (the unique pair with a NULL interview never clashes).
    item_id: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(40))  # fields.ACTION_KINDS
    note: Mapped[str] = mapped_column(Text, default="")
    owner_kind: Mapped[str] = mapped_column(String(30), default="")  # fields.ACTION_OWNERS
    # The person in rhi who owns it (None: another agency, or nobody found for the role).
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    contact: Mapped[str] = mapped_column(String(200), default="")  # a named person or contact
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    # When it was done, held, declined or found not needed (a date the person gives), and what
    # they said: what a meeting held decided, the reason for "not done", "not needed" or
    # "declined", otherwise a note.
    outcome_on: Mapped[date | None] = mapped_column(Date)
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Bumped on every change: a form sent from an older page is refused, not applied over it.
    version: Mapped[int] = mapped_column(default=1)
    # Once it is done or not done: when the child was told what became of it, and how (a
    # probe: nothing asked that they be; rhi/actions/rules.py untold_clause).
    child_told_on: Mapped[date | None] = mapped_column(Date)
    child_told_how: Mapped[str] = mapped_column(String(200), default="", server_default="")
    child_told_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    interview: Mapped[Interview | None] = relationship()
    child: Mapped[Child] = relationship()
    episode: Mapped[Episode | None] = relationship()
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
    child_told_by: Mapped[User | None] = relationship(foreign_keys=[child_told_by_id])


@event.listens_for(FollowedAction, "before_insert")
def _child_of_interview(mapper: Mapper, connection: Connection, target: FollowedAction) -> None:
    """A row made from an interview is about the interview's child: filled in here when the
    code writing it gave only the interview, so no row can lack its child."""
    if target.child_id is None and target.interview_id is not None:
        target.child_id = connection.scalar(
            text("SELECT child_id FROM interviews WHERE id = :id"), {"id": target.interview_id}
        )
