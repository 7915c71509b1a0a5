"""Safeguarding decisions to share without the child's agreement: recording, who may decide,
confirming, and which are in force. No Flask here.

A decision names the recipient, the parts it shares and any kept-back items it releases, the
reason, the person who decided (a manager who may see the child, or the child's social worker,
chosen from rhi's users) and whether the child was told and what they said. Its words are kept
in the interview's document (`overrides`, beside the consent answers); its row in
`sharing_decisions` holds the decider and the confirmation. rhi/sharing.py opens a copy only for
the decisions `in_force()` returns: confirmed by the named decider, or recorded as urgent.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.orm import selectinload

from rhi import access, audit
from rhi.episodes.queries import users_for_whom
from rhi.extensions import db
from rhi.interviews import content as c
from rhi.models import Child, Interview, Role, SharingDecision, User
from rhi.models.base import utcnow
from rhi.sharing import CHILD_TOLD, refused_for, withheld_items


class DecisionError(ValueError):
    """A decision rhi cannot record as it was given: `problems` holds, by field, what to correct
    there; `field` and the message are the first of them."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.problems: dict[str, list[str]] = {field: [message]}

    @classmethod
    def every(cls, problems: Mapping[str, list[str]]) -> DecisionError:
        """One error carrying all of `problems` (none empty), so the form says them together."""
        field, messages = next(iter(problems.items()))
        error = cls(field, " ".join(messages))
        error.problems = {name: list(said) for name, said in problems.items()}
        return error


@dataclass(frozen=True)
class Decision:
    """What the worker recorded, as the form gives it."""

    recipient: str
    parts: list[str]
    releases: list[str]
    reason: str
    decider_id: int | None
    child_told: str
    child_told_how: str
    child_said: str
    urgent: bool
    urgent_reason: str


def deciders(child: Child) -> list[User]:
    """Who may decide to share this child's interview without their agreement: an active
    manager who may see the child, and the child's own social worker.

    Two queries however many managers there are: the managers, then which of them rhi.access
    lets see the child, asked of them all in one statement."""
    managers = db.session.scalars(
        select(User)
        .where(User.role == Role.MANAGER.value, User.active.is_(True))
        .order_by(User.name)
    ).all()
    seeing = users_for_whom(
        managers,
        lambda user: exists(
            select(Child.id).where(Child.id == child.id, access.child_filter(user))
        ),
    )
    chosen = [user for user in managers if user.id in seeing]
    social_worker = child.social_worker
    if social_worker is not None and social_worker.active and social_worker not in chosen:
        chosen.append(social_worker)
    return chosen


NEVER_TO_PARENTS = (
    "Parents and carers are never given places and people or the worker's analysis, even by a "
    "safeguarding decision."
)
TELL_THEM_INSTEAD = (
    "If they need to know something to keep the child safe, tell them what they need in person "
    "and record that you did."
)


Problem = tuple[str, str]  # (the form's field, what to do there)


def problems(interview: Interview, decision: Decision) -> dict[str, list[str]]:
    """Everything to correct before `decision` can be recorded, by field (none: it can be).

    Every problem at once, not the first: a worker at a safeguarding moment otherwise sent the
    form up to five times, learning of one missing answer each time (accessibility review)."""
    found: defaultdict[str, list[str]] = defaultdict(list)
    for field, message in (
        *_recipient_problems(decision),
        *_shared_problems(interview, decision),
        *_reason_problems(decision),
        *_decider_problems(interview, decision),
        *_child_told_problems(decision),
        *_urgent_problems(decision),
    ):
        found[field].append(message)
    return dict(found)


def _recipient_problems(decision: Decision) -> list[Problem]:
    if decision.recipient not in c.RECIPIENTS:
        return [("recipient", "Choose who the information will be shared with.")]
    return []


def _shared_problems(interview: Interview, decision: Decision) -> list[Problem]:
    """What the decision shares: something, from the lists, and nothing rule 5 keeps from its
    recipient (once one is chosen: until then no rule applies)."""
    if not decision.parts and not decision.releases:
        return [("parts", "Choose at least one part to share.")]
    found: list[Problem] = []
    if any(p not in c.SHARED_PARTS for p in decision.parts):
        found.append(("parts", "Choose the parts from the list."))
    withheld = withheld_items(interview.content)
    if any(path not in withheld for path in decision.releases):
        found.append(("releases", "Choose kept-back items from the list."))
    if decision.recipient in c.RECIPIENTS:
        found += _never_to_parents(decision, withheld)
    return found


def _never_to_parents(decision: Decision, withheld: Mapping[str, str]) -> list[Problem]:
    """Rule 5 (rhi/sharing.py): said here, not dropped silently from the copy after a decider
    confirmed it as shared. Of the choices from the lists only: any other is named above."""
    parts, items = refused_for(
        decision.recipient,
        [p for p in decision.parts if p in c.SHARED_PARTS],
        [path for path in decision.releases if path in withheld],
    )
    found: list[Problem] = []
    if parts:
        names = " and ".join(
            f"\u201c{c.SHARED_PARTS[p]}\u201d" for p in c.SHARED_PARTS if p in parts
        )
        found.append(("parts", f"{NEVER_TO_PARENTS} Untick {names}. {TELL_THEM_INSTEAD}"))
    if items:
        names = ", ".join(title for path, title in withheld.items() if path in items)
        found.append(("releases", f"{NEVER_TO_PARENTS} Untick {names}. {TELL_THEM_INSTEAD}"))
    return found


def _reason_problems(decision: Decision) -> list[Problem]:
    if not decision.reason.strip():
        return [("reason", "Write the reason: the risk of significant harm you see.")]
    return []


def _decider_problems(interview: Interview, decision: Decision) -> list[Problem]:
    decider = _decider(decision)
    if decider is None:
        return [("decider", "Choose who made the decision.")]
    if decider not in deciders(interview.child):
        return [
            (
                "decider",
                f"{decider.name} cannot decide for this child: choose a manager who works with "
                "the child or the child's social worker.",
            )
        ]
    return []


def _child_told_problems(decision: Decision) -> list[Problem]:
    if decision.child_told not in CHILD_TOLD:
        return [("child_told", "Say whether the child was told.")]
    return []


def _urgent_problems(decision: Decision) -> list[Problem]:
    if decision.urgent and not decision.urgent_reason.strip():
        return [("urgent_reason", "Write why it cannot wait for confirmation.")]
    return []


def _decider(decision: Decision) -> User | None:
    return db.session.get(User, decision.decider_id) if decision.decider_id else None


def record(interview: Interview, user: User, decision: Decision) -> SharingDecision:
    """Record a decision, checked whole: every problem is named by its field (`problems`) and
    nothing is kept."""
    found = problems(interview, decision)
    if found:
        raise DecisionError.every(found)
    decider = _decider(decision)
    assert decider is not None  # `problems` refuses a decision without one
    withheld = withheld_items(interview.content)

    decision_id = uuid.uuid4().hex
    document = c.normalise(interview.content)
    document["overrides"] = [
        *document["overrides"],
        {
            "id": decision_id,
            "recipient": decision.recipient,
            "parts": [p for p in c.SHARED_PARTS if p in decision.parts],
            "releases": [p for p in withheld if p in decision.releases],
            "reason": decision.reason.strip(),
            "decider_id": decider.id,
            "decided_by": f"{decider.name}, {decider.role_enum.label.lower()}",
            "child_told": decision.child_told,
            "child_told_how": decision.child_told_how.strip(),
            "child_said": decision.child_said.strip(),
            "urgent": decision.urgent,
            "urgent_reason": decision.urgent_reason.strip() if decision.urgent else "",
            "recorded_by": user.name,
            "at": utcnow().isoformat(timespec="minutes"),
        },
    ]
    interview.content = document
    row = SharingDecision(
        decision_id=decision_id,
        interview=interview,
        recipient=decision.recipient,
        decider_id=decider.id,
        urgent=decision.urgent,
        recorded_by_id=user.id,
    )
    db.session.add(row)
    audit.record(
        "sharing.override",
        user=user,
        object_type="interview",
        object_id=interview.uuid,
        child_id=interview.child_id,
        detail=f"share with {decision.recipient} without consent; decided by user {decider.id}"
        + ("; urgent: released before confirmation" if decision.urgent else ""),
    )
    return row


def _in_force() -> ColumnElement[bool]:
    """A decision opens a copy once confirmed, or at once when recorded as urgent; a declined
    one opens none (SharingDecision.in_force asks the same of a row)."""
    return and_(
        SharingDecision.declined_at.is_(None),
        or_(SharingDecision.confirmed_at.is_not(None), SharingDecision.urgent.is_(True)),
    )


def in_force(interview: Interview) -> set[str]:
    """The ids of this interview's decisions that open a copy (rhi/sharing.py rule 2)."""
    return set(
        db.session.scalars(
            select(SharingDecision.decision_id).where(
                SharingDecision.interview_id == interview.id, _in_force()
            )
        )
    )


def declined(interview: Interview) -> set[str]:
    """The ids of this interview's decisions their decider declined."""
    return set(
        db.session.scalars(
            select(SharingDecision.decision_id).where(
                SharingDecision.interview_id == interview.id,
                SharingDecision.declined_at.is_not(None),
            )
        )
    )


def in_force_for(interview_ids: Collection[int]) -> dict[int, set[str]]:
    """`in_force` for many interviews in one query, by interview id (none: absent)."""
    found: dict[int, set[str]] = defaultdict(set)
    if interview_ids:
        for interview_id, decision_id in db.session.execute(
            select(SharingDecision.interview_id, SharingDecision.decision_id).where(
                SharingDecision.interview_id.in_(list(interview_ids)), _in_force()
            )
        ):
            found[interview_id].add(decision_id)
    return dict(found)


def rows(interview: Interview) -> dict[str, SharingDecision]:
    """The interview's decisions, by decision id (for the worker's record of their state)."""
    found = db.session.scalars(
        select(SharingDecision).where(SharingDecision.interview_id == interview.id)
    )
    return {row.decision_id: row for row in found}


def waiting_for(user: User) -> list[SharingDecision]:
    """Decisions naming this user that they have not confirmed yet, oldest first, of children
    they may still see (rhi.access), each with its interview and child loaded with the list:
    a fixed number of queries however many there are."""
    visible = select(Child.id).where(access.child_filter(user))
    return list(
        db.session.scalars(
            select(SharingDecision)
            .join(Interview, Interview.id == SharingDecision.interview_id)
            .where(
                SharingDecision.decider_id == user.id,
                SharingDecision.confirmed_at.is_(None),
                SharingDecision.declined_at.is_(None),
                Interview.child_id.in_(visible),
            )
            .order_by(SharingDecision.recorded_at, SharingDecision.id)
            .options(selectinload(SharingDecision.interview).selectinload(Interview.child))
        )
    )


def count_waiting(user: User) -> int:
    """As many as `waiting_for` lists: of children the decider may still see (a review: the
    badge counted one the list, rightly, did not show)."""
    found = db.session.scalar(
        select(func.count(SharingDecision.id))
        .join(Interview, Interview.id == SharingDecision.interview_id)
        .join(Child, Child.id == Interview.child_id)
        .where(
            SharingDecision.decider_id == user.id,
            SharingDecision.confirmed_at.is_(None),
            SharingDecision.declined_at.is_(None),
            access.child_filter(user),
        )
    )
    return int(found or 0)


def _audit(row: SharingDecision, user: User, action: str, detail: str, *, refused: bool) -> None:
    interview = row.interview
    audit.record(
        action,
        user=user,
        object_type="interview",
        object_id=interview.uuid,
        child_id=interview.child_id,
        outcome="refused" if refused else "ok",
        detail=detail,
    )


def _decided(row: SharingDecision) -> bool:
    """Confirmed or declined: its named decider has said, once and for all."""
    return row.confirmed_at is not None or row.declined_at is not None


def confirm(row: SharingDecision, user: User) -> bool:
    """The named decider confirms: True when this confirmed it. Anyone else, or a second
    confirmation, changes nothing; both are audited."""
    if row.decider_id != user.id or _decided(row):
        why = (
            "already confirmed"
            if row.confirmed_at is not None
            else "declined"
            if row.declined_at is not None
            else "not the decider"
        )
        _audit(row, user, "sharing.confirm", why, refused=True)
        return False
    row.confirmed_at = utcnow()
    row.confirmed_by_id = user.id
    _audit(
        row, user, "sharing.confirm", f"share with {row.recipient} without consent", refused=False
    )
    return True


def decline(row: SharingDecision, user: User, reason: str) -> bool:
    """The named decider declines it, with why: True when this declined it. Once confirmed or
    declined, or by anyone else, nothing changes; both are audited."""
    if row.decider_id != user.id or _decided(row):
        why = "not the decider" if row.decider_id != user.id else "already decided"
        _audit(row, user, "sharing.decline", why, refused=True)
        return False
    row.declined_at = utcnow()
    row.declined_by_id = user.id
    row.declined_reason = reason
    urgent = "; was urgent" if row.urgent else ""
    _audit(
        row, user, "sharing.decline", f"not to share with {row.recipient}{urgent}", refused=False
    )
    return True


def still_decides(row: SharingDecision) -> bool:
    """The named decider may still decide for the child: active, and a manager who may see them
    or their social worker (`deciders`)."""
    return row.decider is not None and row.decider in deciders(row.interview.child)


def waiting_on_no_one(rows: Collection[SharingDecision]) -> list[SharingDecision]:
    """Of these, the ones waiting for a decider who can no longer decide for the child (moved
    team, no longer their social worker, left): no one could confirm or decline them, and an
    urgent one would stay in force for good."""
    return [row for row in rows if not _decided(row) and not still_decides(row)]


def ask_instead(row: SharingDecision, user: User, decider_id: int | None) -> User:
    """Name someone else to confirm or decline a decision whose decider can no longer decide;
    the words of the decision (who made it, why) stay as recorded. Audited; a problem names the
    field and nothing changes."""
    if _decided(row):
        raise DecisionError("decider", "This decision was already confirmed or declined.")
    if still_decides(row):
        raise DecisionError(
            "decider", f"{row.decider.name} can still confirm or decline it: nothing has changed."
        )
    chosen = db.session.get(User, decider_id) if decider_id else None
    if chosen is None:
        raise DecisionError("decider", "Choose who is to confirm or decline it.")
    if chosen not in deciders(row.interview.child):
        raise DecisionError(
            "decider",
            f"{chosen.name} cannot decide for this child: choose a manager who works with "
            "them, or their social worker.",
        )
    before = row.decider_id
    row.decider_id = chosen.id
    _audit(
        row,
        user,
        "sharing.decider",
        f"asked user {chosen.id} instead of user {before}",
        refused=False,
    )
    return chosen
