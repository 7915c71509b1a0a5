"""The one home of what an action's status may be, who owns it in words, and when it is overdue.

Pages, the summary PDF and the tests read these; nothing else spells a status or an owner.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, or_

from rhi.interviews.fields import ACTION_KINDS, ACTION_OWNERS
from rhi.models.actions import FollowedAction
from rhi.models.base import utcnow
from rhi.naming import interview_name
from rhi.timefmt import to_local

STRATEGY_MEETING = "strategy_meeting"
OPEN = "open"


@dataclass(frozen=True)
class Status:
    key: str
    words: str
    needs_reason: bool = False  # "not done" and "declined" say why
    needs_date: bool = False  # when it was done, held or declined


# An action is open, then done or not done. A strategy meeting request is followed to the
# meeting: held (the date, and what was decided in the note), or not needed (why, in the note;
# the day decided, today unless given). "Declined" is kept for the requests already followed
# that way; it says the same as "not needed" with a date.
ACTION_STATUSES = (
    Status(OPEN, "Open"),
    Status("done", "Done", needs_date=True),
    Status("not_done", "Not done", needs_reason=True, needs_date=True),
)
NOT_NEEDED = "not_needed"
MEETING_STATUSES = (
    Status(OPEN, "Asked for, not yet held"),
    Status("held", "Held", needs_reason=True, needs_date=True),
    Status(NOT_NEEDED, "Not needed", needs_reason=True),
    Status("declined", "Declined", needs_reason=True, needs_date=True),
)
# The note's words for a meeting, by status: a reader needs to know which it is.
MEETING_NOTE_WORDS = {"held": "What was decided", NOT_NEEDED: "Why not needed"}
ALL_STATUSES = {s.key: s for s in (*ACTION_STATUSES, *MEETING_STATUSES)}

# Owners that are people in rhi, found when the interview is finished; the rest are agencies.
PEOPLE_IN_RHI = ("worker", "social_worker", "manager")


def statuses_for(kind: str) -> tuple[Status, ...]:
    return MEETING_STATUSES if kind == STRATEGY_MEETING else ACTION_STATUSES


def status_words(action: FollowedAction) -> str:
    for status in statuses_for(action.kind):
        if status.key == action.status:
            return status.words
    return ALL_STATUSES[action.status].words if action.status in ALL_STATUSES else action.status


def what(kind: str) -> str:
    """An action's kind in words ("Strategy meeting request")."""
    return ACTION_KINDS.get(kind, ACTION_KINDS["other"])


def owner_words(owner_kind: str, contact: str, person: str | None = None) -> str:
    """Who will do it, as a reader needs it: "The child's social worker (Sam Ahmed)",
    "Police: PC Jo Reed, 0113 000 0000", or the words the worker wrote when no owner was
    chosen (actions recorded before owners were chosen)."""
    contact = " ".join((contact or "").split())
    if not owner_kind:
        return contact or ACTION_OWNERS[""]
    role = ACTION_OWNERS.get(owner_kind, owner_kind)
    if owner_kind == "worker":
        # "Me (the worker)" is the worker's choice on their own page; on Returns and Actions a
        # manager or social worker read "Me" as themselves (a probe).
        role = f"The {interview_name()} worker"
    if owner_kind in PEOPLE_IN_RHI:
        name = person or contact
        return f"{role} ({name})" if name else role
    return f"{role}: {contact}" if contact else role


def today_local() -> date:
    return to_local(utcnow()).date()


def is_overdue(action: FollowedAction, today: date | None = None) -> bool:
    today = today or today_local()
    return action.status == OPEN and action.due_on is not None and action.due_on < today


def unplanned_clause() -> ColumnElement[bool]:
    """Open, with no one to do it or no date: never overdue, so no box ever reminds anyone of
    it (a probe: what the child asked for sat unchased). Listed for the people who follow it."""
    return and_(
        FollowedAction.status == OPEN,
        or_(FollowedAction.due_on.is_(None), FollowedAction.owner_kind == ""),
    )


def untold_clause() -> ColumnElement[bool]:
    """Done, not done, held or not needed, agreed in the child's interview, and the child not
    yet told what became of it: what they asked for is theirs to hear about (a probe)."""
    return and_(
        FollowedAction.status != OPEN,
        FollowedAction.interview_id.is_not(None),
        FollowedAction.child_told_on.is_(None),
    )


def still_to_follow_clause() -> ColumnElement[bool]:
    """Open, or closed with the child not yet told (`untold_clause`): what is still to be followed
    and so passes to a new owner when the child's social worker changes (rhi/summaries/service.py
    `hand_over`, `new_social_worker`). Not only the open ones: a "not done" visit the child was
    not told of was seen by no one on the social work side after the change (a probe)."""
    return or_(FollowedAction.status == OPEN, untold_clause())


def overdue_clause(today: date) -> ColumnElement[bool]:
    """The same rule as `is_overdue`, as SQL for lists and counts."""
    return and_(
        FollowedAction.status == OPEN,
        FollowedAction.due_on.is_not(None),
        FollowedAction.due_on < today,
    )


def due_words(action: FollowedAction, today: date | None = None) -> str:
    """ "Due 30 Nov 2026", "Due today", "3 days overdue"; "No date set"."""
    if action.due_on is None:
        return "No date set"
    today = today or today_local()
    days = (action.due_on - today).days
    if action.status != OPEN:
        return f"Was due {action.due_on.day} {action.due_on:%b %Y}"
    if days < 0:
        late, due = -days, f"{action.due_on.day} {action.due_on:%b %Y}"
        return f"{late} day{'s' if late != 1 else ''} overdue (due {due})"
    if days == 0:
        return "Due today"
    return f"Due {action.due_on.day} {action.due_on:%b %Y}"
