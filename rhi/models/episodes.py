"""Missing episodes: one time a child was missing, from a start to a return."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import conv

from rhi.extensions import db
from rhi.models.base import utcnow

if TYPE_CHECKING:
    from rhi.models.children import Child
    from rhi.models.interviews import Interview
    from rhi.models.people import Team, User

# SSDA903: M = missing, A = away from placement without authorisation.
DFE_TYPES = {"M": "Missing", "A": "Away from placement without authorisation"}


class Episode(db.Model):
    __tablename__ = "episodes"
    # The interview link table points at (id, child_id): an interview holds one child's episodes.
    __table_args__ = (UniqueConstraint("id", "child_id", name=conv("uq_episodes_id_child")),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    police_reference: Mapped[str | None] = mapped_column(String(60))
    risk_grade: Mapped[str] = mapped_column(String(40))
    dfe_type: Mapped[str] = mapped_column(String(1), default="M")
    started_at: Mapped[datetime]
    returned_at: Mapped[datetime | None] = mapped_column(index=True)
    reported_by: Mapped[str | None] = mapped_column(String(120))
    found_where: Mapped[str | None] = mapped_column(String(200))
    found_by: Mapped[str | None] = mapped_column(String(120))
    safe_and_well_notes: Mapped[str | None] = mapped_column(Text)
    assigned_worker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    assigned_team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    child: Mapped[Child] = relationship(back_populates="episodes")
    assigned_worker: Mapped[User | None] = relationship()
    assigned_team: Mapped[Team | None] = relationship()
    interviews: Mapped[list[Interview]] = relationship(
        secondary="interview_episodes",
        back_populates="episodes",
        primaryjoin="Episode.id == interview_episodes.c.episode_id",
        secondaryjoin="Interview.id == interview_episodes.c.interview_id",
    )

    @property
    def interview(self) -> Interview | None:
        """The latest interview covering this episode, if one has been started."""
        return max(self.interviews, key=lambda i: i.created_at, default=None)

    @property
    def duration_hours(self) -> float | None:
        if self.returned_at is None:
            return None
        return (self.returned_at - self.started_at).total_seconds() / 3600
