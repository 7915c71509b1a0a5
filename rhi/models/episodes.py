"""Missing episodes: one time a child was missing, from a start to a return."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import conv

from rhi.extensions import db
from rhi.models.base import utcnow

if TYPE_CHECKING:
    from rhi.models.actions import FollowedAction
    from rhi.models.children import Child
    from rhi.models.interviews import Interview
    from rhi.models.people import Team, User

# SSDA903: M = missing, A = away from placement without authorisation.
DFE_TYPES = {"M": "Missing", "A": "Away from placement without authorisation"}

# Who told us the child was missing. Only about 30% of missing children are reported to the
# police, so a notification may come from anyone around the child. (Older rows hold words such
# as "Carer": `reporter_label` shows either.)
REPORTERS = {
    "carer": "Carer",
    "parent": "Parent",
    "school": "School",
    "police": "Police",
    "child": "The child",
    "other": "Someone else",
    # Said by a person who does not know: a notification that named no one is "Not recorded"
    # until then, and correcting its risk grade must not mean choosing someone (a review).
    "not_known": "Not known",
}

# Stored as the risk grade when the police have not graded the episode (it was not reported to
# them, or they have not yet): never a reason to skip the interview.
NOT_GRADED = "Not graded by police"

# How the child came back.
RETURN_METHODS = {
    "self": "Came back by themselves",
    "police": "Brought back by police",
    "family": "Brought back by a parent, carer or family",
    "professional": "Brought back by another professional",
    "found": "Found by someone else",
    "other": "Another way",
}


def reporter_label(value: str | None) -> str:
    return REPORTERS.get(value or "", value or "Not recorded")


# The rows of the open-returns indexes: back, and without the return's one outcome yet.
_OPEN = "returned_at IS NOT NULL AND closed_at IS NULL"


def first_return(episodes: Iterable[Episode]) -> datetime | None:
    """When the child first came back, of these episodes (an interview may cover several):
    what an offer, an answer or the interview itself never comes before. None: none has."""
    back = [e.returned_at for e in episodes if e.returned_at is not None]
    return min(back) if back else None


class Episode(db.Model):
    __tablename__ = "episodes"
    # The interview link table points at (id, child_id): an interview holds one child's episodes.
    __table_args__ = (
        UniqueConstraint("id", "child_id", name=conv("uq_episodes_id_child")),
        # Open returns found by index, whatever the history (issue 16): only the returns still
        # open are in these, so a Returns list reads what it shows, not every closed past one.
        Index(
            "ix_episodes_open_team",
            "assigned_team_id",
            "returned_at",
            sqlite_where=text(_OPEN),
            postgresql_where=text(_OPEN),
        ),
        Index(
            "ix_episodes_open_worker",
            "assigned_worker_id",
            "returned_at",
            sqlite_where=text(_OPEN),
            postgresql_where=text(_OPEN),
        ),
        # Every open return, whoever holds it: SQLite, without statistics, does not see that
        # the two above are smaller than the plain indexes on the same columns, and a list
        # whose access rule is an OR (a manager's) cannot use them; `closed_at IS NULL AND
        # returned_at IS NOT NULL` are two constraints on this one, so it is chosen, and the
        # access rule is then asked of open returns only.
        Index(
            "ix_episodes_open",
            "closed_at",
            "returned_at",
            sqlite_where=text(_OPEN),
            postgresql_where=text(_OPEN),
        ),
        # The repeat count: a child's episodes begun in a window, counted from the index alone.
        Index("ix_episodes_child_started", "child_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    police_reference: Mapped[str | None] = mapped_column(String(60))
    risk_grade: Mapped[str] = mapped_column(String(40))
    dfe_type: Mapped[str] = mapped_column(String(1), default="M")
    started_at: Mapped[datetime]
    returned_at: Mapped[datetime | None] = mapped_column(index=True)
    reported_by: Mapped[str | None] = mapped_column(String(120))
    # The missing notification, as recorded in rhi (episodes from elsewhere may lack these).
    reported_at: Mapped[datetime | None]
    reported_to_police: Mapped[bool | None]
    missing_from: Mapped[str | None] = mapped_column(String(200))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The return (found) notification, and the police's safe and well check.
    found_where: Mapped[str | None] = mapped_column(String(200))
    found_by: Mapped[str | None] = mapped_column(String(120))
    return_method: Mapped[str | None] = mapped_column(String(30))
    safe_and_well_by: Mapped[str | None] = mapped_column(String(120))
    safe_and_well_at: Mapped[datetime | None]
    safe_and_well_notes: Mapped[str | None] = mapped_column(Text)
    # "Anything new the child told us" at the check: harm not told before is why RHIs exist.
    safe_and_well_new: Mapped[str | None] = mapped_column(Text)
    # Who holds the return: a worker or a team, or neither yet ("waiting to be allocated").
    assigned_worker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    assigned_team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    # The team whose return it is (its managers see it): the team it was allocated to, or the
    # worker's team when it was given to them. Kept on every flush by rhi/episodes/holding.py,
    # so a worker who moves team later takes none of it with them.
    held_by_team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    # The child's legal status for this return (LEGAL_STATUSES): what the looked-after figures
    # and the SSDA903 return count, never the status now. Kept by rhi/episodes/legal_status.py.
    legal_status: Mapped[str | None] = mapped_column(String(30))
    # Placed here by another council for this return (Child.placed_from_elsewhere as it was),
    # None where no placing authority was recorded: the service page's figure, never the child's
    # authorities now. Kept beside legal_status, by the same rule and at the same moments.
    placed_from_elsewhere: Mapped[bool | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the return got its one outcome (its latest interview's); None while it is open,
    # including a "no" with the offer kept open. Kept true on every flush by
    # rhi/episodes/closing.py, the one place the rule is written; lists filter on it first.
    closed_at: Mapped[datetime | None]

    child: Mapped[Child] = relationship(back_populates="episodes")
    assigned_worker: Mapped[User | None] = relationship(foreign_keys=[assigned_worker_id])
    assigned_team: Mapped[Team | None] = relationship(foreign_keys=[assigned_team_id])
    held_by_team: Mapped[Team | None] = relationship(foreign_keys=[held_by_team_id])
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    allocations: Mapped[list[Allocation]] = relationship(
        back_populates="episode", order_by="Allocation.id"
    )
    interviews: Mapped[list[Interview]] = relationship(
        secondary="interview_episodes",
        back_populates="episodes",
        primaryjoin="Episode.id == interview_episodes.c.episode_id",
        secondaryjoin="Interview.id == interview_episodes.c.interview_id",
    )

    @property
    def interview(self) -> Interview | None:
        """The latest interview covering this episode, if one has been started. Two begun in the
        same instant: the one made last (the larger id), whatever order the rows came in."""
        return max(self.interviews, key=lambda i: (i.created_at, i.id or 0), default=None)

    @property
    def duration_hours(self) -> float | None:
        if self.returned_at is None:
            return None
        return (self.returned_at - self.started_at).total_seconds() / 3600

    @property
    def allocated(self) -> bool:
        return self.assigned_worker_id is not None or self.assigned_team_id is not None

    @property
    def holder_name(self) -> str | None:
        """Who holds the return, in words: the worker's name or the team's."""
        if self.assigned_worker is not None:
            return self.assigned_worker.name
        if self.assigned_team is not None:
            return self.assigned_team.name
        return None


# Police references are compared in any case (rhi/episodes/references.py): imports meet each
# file's references by this index, not by reading every episode.
Index("ix_episodes_police_reference_lower", func.lower(Episode.police_reference))


class Allocation(db.Model):
    """Each time a return was allocated or reallocated: to whom, from whom, by whom, and why (a
    reallocation needs a reason). The episode holds the current allocation; this is its history."""

    __tablename__ = "episode_allocations"

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id"), index=True)
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    from_worker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    from_team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    allocated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    allocated_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str | None] = mapped_column(Text)

    episode: Mapped[Episode] = relationship(back_populates="allocations")
    worker: Mapped[User | None] = relationship(foreign_keys=[worker_id])
    team: Mapped[Team | None] = relationship(foreign_keys=[team_id])
    from_worker: Mapped[User | None] = relationship(foreign_keys=[from_worker_id])
    from_team: Mapped[Team | None] = relationship(foreign_keys=[from_team_id])
    allocated_by: Mapped[User] = relationship(foreign_keys=[allocated_by_id])

    @property
    def to_name(self) -> str:
        if self.worker is not None:
            return self.worker.name
        return self.team.name if self.team is not None else "nobody"

    @property
    def from_name(self) -> str | None:
        if self.from_worker is not None:
            return self.from_worker.name
        return self.from_team.name if self.from_team is not None else None


# What a notice tells its reader.
NOTICE_KINDS = {
    "allocated": "allocated to you",
    "moved_away": "moved to someone else",
    "strategy_meeting": "a strategy meeting asked for",
    "offer_declined": "a child said no to the interview",
}


class Notice(db.Model):
    """A worker is told of an allocation that concerns them: a return allocated to them, or one
    of theirs moved to someone else; a social worker and their manager, of a strategy meeting
    asked for. Shown on their Returns page until they dismiss it.

    A table rather than the audit trail read back: a notice has a reader and a "dismissed" state
    the audit trail must not have (audit rows are never changed), and pages should not depend on
    the audit trail's wording."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    # What it is about: an allocation, or an action (a strategy meeting asked for in an
    # interview tells the child's social worker and their manager).
    allocation_id: Mapped[int | None] = mapped_column(ForeignKey("episode_allocations.id"))
    action_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id"))
    # A child said no to their interview: tells the allocated social worker.
    interview_id: Mapped[int | None] = mapped_column(ForeignKey("interviews.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    dismissed_at: Mapped[datetime | None]

    allocation: Mapped[Allocation | None] = relationship()
    action: Mapped[FollowedAction | None] = relationship()
    interview: Mapped[Interview | None] = relationship()


# `closed_at` is kept true on every flush by a listener there: imported with the model, so
# no session can write an outcome without it (an import, not a call, registers it).
from rhi.episodes import closing as _closing  # noqa: E402,F401
from rhi.episodes import holding as _holding  # noqa: E402,F401  (held_by_team_id, the same way)
from rhi.episodes import legal_status as _legal_status  # noqa: E402,F401  (the status for a return)
from rhi.episodes import looked_after as _looked_after  # noqa: E402,F401  (DfE "A": looked after)
