"""Return home interviews and the attempts made to reach the child."""

from __future__ import annotations

import enum
import re
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Column,
    ColumnElement,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    or_,
    text,
)
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, object_session, relationship, validates
from sqlalchemy.sql.elements import conv

from rhi.extensions import db
from rhi.models.base import utcnow

if TYPE_CHECKING:
    from rhi.models.children import Child
    from rhi.models.episodes import Episode
    from rhi.models.people import User


class InterviewStatus(enum.StrEnum):
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    UNABLE_TO_CONTACT = "unable_to_contact"
    IN_PROGRESS = "in_progress"
    FINISHED = "finished"
    SHARED = "shared"

    @property
    def label(self) -> str:
        return {
            "offered": "Offered",
            "accepted": "Accepted",
            "declined": "Child said no",
            "unable_to_contact": "Not reached yet",
            "in_progress": "In progress",
            "finished": "Finished",
            "shared": "Shared",
        }[self.value]


# What the pages say of a return with no interview yet.
NOT_YET_OFFERED = "Not yet offered"

# The words for a status once the return is closed (it has its outcome), where the open words
# say someone is still trying: a return closed as "Not reached after attempts" said "Status: Not
# reached yet" (a probe). Closed after attempts that did not reach the child, whatever the
# outcome (not reached, carer information instead, decided not to interview), nobody is trying
# any more. The tablet keeps open returns only (rhi/sync/copies.py), so it is given the open
# words alone.
CLOSED_LABELS = {InterviewStatus.UNABLE_TO_CONTACT.value: "Closed: not reached"}


def status_label(status: str | None, offer_recorded: bool = True, closed: bool = False) -> str:
    """The words for an interview's status; None (no interview yet): "Not yet offered".
    `offer_recorded`: whether the interview has its offer's time. An interview is made
    "offered" by anything recorded on the return (a carer spoken to, an outcome), before any
    offer: such an interview is "Not yet offered" too (a probe: a return closed as "Decided not
    to interview" said "Offered" though none was made, against the figures). `closed`: whether
    the return has its outcome (`CLOSED_LABELS`)."""
    if not status or (status == InterviewStatus.OFFERED.value and not offer_recorded):
        return NOT_YET_OFFERED
    if closed and status in CLOSED_LABELS:
        return CLOSED_LABELS[status]
    return InterviewStatus(status).label


# Statuses that still need the worker: the child has not had their interview yet.
OPEN_STATUSES = (
    InterviewStatus.OFFERED,
    InterviewStatus.ACCEPTED,
    InterviewStatus.UNABLE_TO_CONTACT,
    InterviewStatus.IN_PROGRESS,
)

# How a return ends: exactly one of these, recorded once (see rhi/episodes/service.py). A return
# without one stays on the worker's and manager's Returns page, however late, until it has one.
# "held" comes only from finishing the interview; the others from "Record the outcome".
OUTCOMES = {
    "held": "Interview held",
    # As the status says it: one wording for the child's no, never "Declined" (the word of a
    # form, put beside "Child said no" on one list: oversight probe).
    "declined": "Child said no",
    "not_reached": "Not reached after attempts",
    "not_interviewed": "Decided not to interview",
    # The child was not interviewed (said no, or was not reached) and their carer said what
    # they know instead: one of the outcomes councils record (shared/domain/practice.md).
    "carer_info": "Carer information taken instead",
}

# Why an interview finished after its deadline: the list a council reports against, plus a note.
# In words that say what happened, never that the child was at fault.
DELAY_REASONS = {
    "child_not_available": "We could not find a time that suited the child in time",
    "child_declined_first": "The child was not ready to talk at first",
    "worker_capacity": "No worker was free in time",
    "interpreter": "An interpreter was needed",
    "placement_moved": "The child's placement moved",
    "other": "Another reason",
}


# What the service's figures and exports count, written once (rhi/oversight reads these):
# - held: the interview happened. Started and then ended with another outcome (the child
#   stopped and said no, or it was decided not to go on) is not an interview held.
# - accepted: the child said yes and did not then say no (a later "no" is a decline, never both).
def was_held(held_at: datetime | None, outcome: str | None, status: str | None = None) -> bool:
    """Begun, and not ended by the child's no (with the offer kept open, a no leaves no outcome
    but the status says it) or another outcome."""
    return (
        held_at is not None
        and outcome in (None, "held")
        and status != InterviewStatus.DECLINED.value
    )


def was_accepted(accepted_at: datetime | None, status: str | None) -> bool:
    return accepted_at is not None and status != InterviewStatus.DECLINED.value


def outcome_label(outcome: str | None) -> str:
    return OUTCOMES.get(outcome or "", "No outcome yet")


# Finished interviews are not edited: later corrections are addenda.
LOCKED_STATUSES = (InterviewStatus.FINISHED, InterviewStatus.SHARED)

# The most returns one interview covers (a child who went missing again before anyone reached
# them: ../shared/domain/practice.md): the tablet's upload and the episode page alike.
MOST_RETURNS_COVERED = 10


class OneChildError(ValueError):
    """An interview is about one child: an episode of another child cannot join it."""

    def __init__(self) -> None:
        super().__init__(
            "An interview is about one child: these returns are of different "
            "children. Record one interview for each child."
        )


def _episode_child(context: DefaultExecutionContext) -> int:
    """The link row's child, read from its episode: the two foreign keys below then hold the
    interview's child and the episode's child equal in the database itself."""
    episode_id = context.get_current_parameters()["episode_id"]
    return context.connection.execute(
        text("SELECT child_id FROM episodes WHERE id = :id"), {"id": episode_id}
    ).scalar_one()


interview_episodes = Table(
    "interview_episodes",
    db.metadata,
    Column("interview_id", ForeignKey("interviews.id"), primary_key=True),
    Column("episode_id", ForeignKey("episodes.id"), primary_key=True),
    Column("child_id", Integer, nullable=False, default=_episode_child),
    ForeignKeyConstraint(
        ["episode_id", "child_id"],
        ["episodes.id", "episodes.child_id"],
        name=conv("fk_interview_episodes_episode_of_child"),
    ),
    ForeignKeyConstraint(
        ["interview_id", "child_id"],
        ["interviews.id", "interviews.child_id"],
        name=conv("fk_interview_episodes_interview_of_child"),
    ),
    # "The interview made for this episode" (the first covering it) is asked per episode by the
    # service page, the exports and the Returns page: found by episode, not by scanning.
    Index("ix_interview_episodes_episode_id", "episode_id", "interview_id"),
)


# A UUID as rhi writes it (lower-case, hyphenated): interviews and a tablet's events.
UUID_TEXT = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def new_uuid() -> str:
    return str(uuid.uuid4())


class Interview(db.Model):
    __tablename__ = "interviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Made when the interview is created, on the server or a tablet, and never changed: the
    # offline upload uses it to recognise an interview it already has.
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    # The one child the interview is about, set from its first episode (see _same_child).
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=InterviewStatus.OFFERED.value)
    due_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=1)
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    offered_at: Mapped[datetime | None]
    offer_method: Mapped[str | None] = mapped_column(String(40))
    accepted_at: Mapped[datetime | None]
    declined_at: Mapped[datetime | None]
    decline_reason: Mapped[str | None] = mapped_column(Text)  # in the child's words
    offer_again: Mapped[bool] = mapped_column(default=True)
    held_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # A "no" with the offer kept open: when to offer again (RHI_REOFFER_DAYS after the no).
    reoffer_at: Mapped[datetime | None]
    # When the carer was asked instead: what they said (their words, not the child's).
    carer_said: Mapped[str | None] = mapped_column(Text)
    # The return's one outcome (OUTCOMES); None while the return is still open.
    outcome: Mapped[str | None] = mapped_column(String(20), index=True)
    outcome_at: Mapped[datetime | None]
    # The child's words (declined), what was tried (not reached) or why (decided not to).
    outcome_reason: Mapped[str | None] = mapped_column(Text)
    outcome_decided_by: Mapped[str | None] = mapped_column(String(120))
    outcome_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Finished after due_at: why (DELAY_REASONS) and a note.
    delay_reason: Mapped[str | None] = mapped_column(String(30))
    delay_note: Mapped[str | None] = mapped_column(Text)
    # The conversation itself (sections, findings, consent) arrives with the interview pages.
    content: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # What was read back to the child when they last answered (rhi/interviews/read_back.py
    # what_was_read): kept beside the document, which tablets send back whole, so a change to
    # what is shared afterwards shows the answer was to something else.
    read_back_of: Mapped[str | None] = mapped_column(String(64))
    # The tablet upload that last wrote the document: "<device>:<its base version>:<content
    # hash written>" (rhi/sync/apply.py). The same device's next upload on that base, while
    # the document is still what it wrote, continues its own upload whose answer was lost.
    last_sync: Mapped[str | None] = mapped_column(String(160))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    worker: Mapped[User | None] = relationship(foreign_keys=[worker_id])
    outcome_recorded_by: Mapped[User | None] = relationship(foreign_keys=[outcome_recorded_by_id])
    child: Mapped[Child] = relationship()
    episodes: Mapped[list[Episode]] = relationship(
        secondary=interview_episodes,
        back_populates="interviews",
        primaryjoin="Interview.id == interview_episodes.c.interview_id",
        secondaryjoin="Episode.id == interview_episodes.c.episode_id",
    )
    contact_attempts: Mapped[list[ContactAttempt]] = relationship(
        back_populates="interview", order_by="ContactAttempt.attempted_at"
    )
    addenda: Mapped[list[Addendum]] = relationship(order_by="Addendum.created_at")

    @hybrid_property
    def locked(self) -> bool:
        """Finished interviews are not edited: later corrections are addenda."""
        return self.status in LOCKED_STATUSES

    @locked.inplace.expression
    @classmethod
    def _locked_in_sql(cls) -> ColumnElement[bool]:
        # The same rule in a query: the register's pack reads only finished interviews.
        return cls.status.in_([s.value for s in LOCKED_STATUSES])

    @property
    def may_finish(self) -> bool:
        """Under way, and its return has no outcome: finishing records "held". Not once the
        child said no (the return's outcome "declined", or a no with the offer kept open), nor
        after another outcome: finishing then overwrote it and sent the summary."""
        return self.status == InterviewStatus.IN_PROGRESS.value and self.outcome is None

    @property
    def ended(self) -> bool:
        """Finished, or its return has another outcome: nothing more is written in it."""
        return self.locked or self.outcome is not None

    @property
    def status_enum(self) -> InterviewStatus:
        return InterviewStatus(self.status)

    __mapper_args__ = {"version_id_col": version}  # optimistic locking: each save bumps it
    # The link table's composite foreign key points here.
    __table_args__ = (UniqueConstraint("id", "child_id", name=conv("uq_interviews_id_child")),)

    @validates("episodes")
    def _same_child(self, _key: str, episode: Episode) -> Episode:
        """Every path that adds an episode (pages, upload, events) goes through here."""
        session = object_session(episode)
        if session is not None:
            with session.no_autoflush:  # the interview may not be in the session yet
                child = episode.child
        else:
            child = episode.child
        if self.child is None:
            self.child = child
        elif self.child is not child and (child.id is None or child.id != self.child.id):
            raise OneChildError
        return episode


def held_clause() -> ColumnElement[bool]:
    """`was_held`, as SQL."""
    return and_(
        Interview.held_at.is_not(None),
        or_(Interview.outcome.is_(None), Interview.outcome == "held"),
        Interview.status != InterviewStatus.DECLINED.value,
    )


def accepted_clause() -> ColumnElement[bool]:
    """`was_accepted`, as SQL."""
    return and_(
        Interview.accepted_at.is_not(None), Interview.status != InterviewStatus.DECLINED.value
    )


CONTACT_METHODS = {
    "visit": "Visit",
    "phone": "Phone call",
    "text": "Text message",
    "letter": "Letter",
    "via_carer": "Through carer or parent",
    "via_school": "Through school",
    "other": "Other",
}

CONTACT_OUTCOMES = {
    "spoke": "Spoke with the child",
    "no_answer": "No answer",
    "not_in": "Child not in",
    "message_left": "Message left",
    "carer_info": "Carer shared what they know",
    "other": "Other",
}


# An earlier offer or answer that a later one took the place of on the interview is kept as a
# line of its contact attempts (rhi/episodes/service.py), so no date an offer was made and no
# "no" in the child's words is lost. Never chosen in the attempt form.
EARLIER_ANSWERS = {
    "offered_again": "Offered again",
    "said_no": "The child said no",
}
ATTEMPT_OUTCOMES = {**CONTACT_OUTCOMES, **EARLIER_ANSWERS}


class ContactAttempt(db.Model):
    __tablename__ = "contact_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id"), index=True)
    attempted_at: Mapped[datetime]
    method: Mapped[str] = mapped_column(String(30))
    outcome: Mapped[str] = mapped_column(String(30))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The id a tablet gave the attempt when it was recorded offline (a UUID), so an upload sent
    # twice never adds it twice. Null for attempts recorded on the pages.
    client_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    interview: Mapped[Interview] = relationship(back_populates="contact_attempts")
    recorded_by: Mapped[User | None] = relationship()


class Addendum(db.Model):
    """A correction or later note on a finished interview: added, never edited in place."""

    __tablename__ = "interview_addenda"

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    # The part of the interview it belongs to (content.SHARED_PARTS): it reaches whoever may
    # read that part (rhi/sharing.py addenda_reaching). None: the interviewer's side only.
    part: Mapped[str | None] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # With the addendum: every list of them names who added each.
    author: Mapped[User | None] = relationship(lazy="joined")
