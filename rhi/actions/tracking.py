"""Actions become rows to follow when an interview is finished, and are followed to an end. A
strategy meeting can also be asked for without an interview (`request_meeting`): from the
repeat episodes page or the episode page.

No HTTP here: each function changes rows and writes its audit event in the caller's transaction.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import uuid4

from sqlalchemy import Select, func, select
from sqlalchemy.orm import contains_eager, selectinload

from rhi import access, audit
from rhi.actions import rules
from rhi.extensions import db
from rhi.interviews import content as c
from rhi.interviews import decisions
from rhi.models import Child, Episode, FollowedAction, Interview, Role, User
from rhi.models.base import utcnow
from rhi.models.episodes import Notice
from rhi.sharing import view_for
from rhi.timefmt import format_date, parse_date, to_local

PAGE_SIZE = 50


class ActionError(ValueError):
    """A change refused, with the form field it concerns."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _managers_of(team_id: int | None) -> list[User]:
    if team_id is None:
        return []
    return list(
        db.session.scalars(
            select(User)
            .where(User.team_id == team_id, User.role == Role.MANAGER.value, User.active)
            .order_by(User.id)
        )
    )


def _owner(owner_kind: str, interview: Interview, by: User) -> User | None:
    """The person in rhi an owner role names for this interview; None for an agency, or when
    the role is not filled (a child with no social worker; a team with several managers, whose
    managers all follow the team's actions anyway)."""
    if owner_kind == "worker":
        return interview.worker or by
    if owner_kind == "social_worker":
        return interview.child.social_worker
    if owner_kind == "manager":
        managers = _managers_of((interview.worker or by).team_id)
        return managers[0] if len(managers) == 1 else None
    return None


def waiting_for_a_social_worker(interview: Interview) -> int:
    """How many of the interview's actions are for the child's social worker while the child
    has none who works here (none allocated, or theirs has left): until one is given to the
    child (rhi/summaries/service.py new_social_worker passes them on), only the interviewer's
    side follows them. Said on the review page before finishing (a probe: nothing warned)."""
    social_worker = interview.child.social_worker
    if social_worker is not None and social_worker.active:
        return 0
    return sum(
        1
        for item in c.normalise(interview.content)["actions"]
        if c.agreed_action(item) and item.get("owner_kind") == "social_worker"
    )


def _notes_the_social_worker_may_read(interview: Interview) -> set[str]:
    """The ids of the actions whose notes the social worker's copy holds (rhi/sharing.py)."""
    view = view_for(interview.content, "social_worker", in_force=decisions.in_force(interview))
    return {str(action.get("id")) for action in view.actions}


def note_is_shared(action: FollowedAction) -> bool:
    """The action's note is one the social worker's copy holds (or it has no interview: a
    meeting asked for from a page, whose note is the asker's to the social worker)."""
    if action.interview is None:
        return True
    return action.item_id in _notes_the_social_worker_may_read(action.interview)


def _words_kept(item: dict[str, Any], shared: set[str]) -> tuple[str, str]:
    """An action's note and named contact as its row keeps them: only where the social worker's
    copy holds them (`_notes_the_social_worker_may_read`). The named contact is the worker's
    words too, read by the same people: the same rule."""
    if str(item.get("id")) not in shared:
        return "", ""
    return str(item.get("note", "")), str(item.get("owner", ""))[:200]


def record_from(interview: Interview, by: User) -> list[FollowedAction]:
    """Make (or bring up to date) a row for each action in a finished interview. An action
    already followed keeps its status; what it is, who owns it and its date follow the record
    (a reopened interview may change them). A strategy meeting request, when first recorded,
    tells the child's social worker and their manager."""
    items = c.normalise(interview.content).get("actions", [])
    # An action's note (and its named contact) is read by whoever follows the action, the
    # child's social worker and their manager among them: kept here only if the child agreed
    # to share the actions
    # with the social worker (or a decision in force shares them), as the copy says. Otherwise
    # the action is followed without it; the interviewer's side reads it in the interview.
    shared_notes = _notes_the_social_worker_may_read(interview)
    existing = {
        a.item_id: a
        for a in db.session.scalars(
            select(FollowedAction).where(FollowedAction.interview_id == interview.id)
        )
    }
    made: list[FollowedAction] = []
    for item in items:
        if not c.agreed_action(item):
            continue
        kind = str(item.get("kind") or "other")
        owner_kind = str(item.get("owner_kind") or "")
        owner = _owner(owner_kind, interview, by)
        row = existing.get(str(item["id"]))
        note, contact = _words_kept(item, shared_notes)
        values = {
            "kind": kind,
            "note": note,
            "owner_kind": owner_kind,
            "owner_id": owner.id if owner is not None else None,
            "contact": contact,
            "due_on": parse_date(str(item.get("due", ""))),
        }
        if row is None:
            row = FollowedAction(
                interview_id=interview.id,
                child_id=interview.child_id,
                requested_by_id=by.id,
                item_id=str(item["id"]),
                **values,
            )
            db.session.add(row)
            db.session.flush()
            audit.record(
                "action.create",
                user=by,
                object_type="action",
                object_id=row.id,
                child_id=interview.child_id,
                detail=kind,
            )
            if kind == rules.STRATEGY_MEETING:
                _tell_about_meeting(row, interview.child, (interview.worker or by).team_id, by)
        elif any(getattr(row, k) != v for k, v in values.items()):
            new_owner = row.owner_id != values["owner_id"]
            for k, v in values.items():
                setattr(row, k, v)
            row.version += 1
            audit.record(
                "action.change",
                user=by,
                object_type="action",
                object_id=row.id,
                child_id=interview.child_id,
                detail="from the interview record",
            )
            if new_owner:  # a reopened interview's meeting, now the child's new social worker's
                tell_new_owner(row, by)
        made.append(row)
    return made


def share_notes(interview: Interview, by: User) -> int:
    """What the social worker's copy holds of the actions changed after the interview was
    finished (a decision to share them came into force, or the child took back their agreement:
    rhi/interviews/consent_changes.py), so the rows made then keep the notes and named contacts
    it holds now, and no others (record_from). Only the notes: whatever else a row became since
    (done, passed on to a new social worker) stays. Returns how many rows changed; the caller
    commits."""
    shared = _notes_the_social_worker_may_read(interview)
    items = {str(item.get("id")): item for item in c.normalise(interview.content)["actions"]}
    rows = db.session.scalars(
        select(FollowedAction).where(FollowedAction.interview_id == interview.id)
    )
    changed = 0
    for row in rows:
        item = items.get(row.item_id)
        if item is None:
            continue
        note, contact = _words_kept(item, shared)
        if (row.note, row.contact) == (note, contact):
            continue
        row.note, row.contact = note, contact
        row.version += 1
        changed += 1
        audit.record(
            "action.change",
            user=by,
            object_type="action",
            object_id=row.id,
            child_id=interview.child_id,
            detail="the note, shared by a decision"
            if note or contact
            else "the note, no longer shared",
        )
    return changed


def _tell_about_meeting(
    action: FollowedAction, child: Child, fallback_team_id: int | None, by: User
) -> None:
    """Tell the child's social worker and their manager; with no social worker to ask, the
    managers of `fallback_team_id` (the interviewer's, or the asker's team) must see it."""
    _tell(action, _meeting_readers(child.social_worker, fallback_team_id), by)


def _meeting_readers(social_worker: User | None, fallback_team_id: int | None) -> list[User]:
    """Who is told of a strategy meeting: the social worker and their manager, or, with no
    social worker who still works here, the managers of `fallback_team_id`."""
    readers: list[User] = []
    if social_worker is not None and social_worker.active:
        readers = [social_worker, *_managers_of(social_worker.team_id)]
    return readers or _managers_of(fallback_team_id)


def _tell(action: FollowedAction, readers: list[User], by: User) -> None:
    """A notice of the meeting for each reader, but not for `by` (who did it) nor for anyone
    told of this meeting before (dismissed or not): nobody is told of one meeting twice."""
    told = set(db.session.scalars(select(Notice.user_id).where(Notice.action_id == action.id)))
    for user in {u.id: u for u in readers if u.id != by.id and u.id not in told}.values():
        db.session.add(Notice(user_id=user.id, kind="strategy_meeting", action_id=action.id))


def _who_is_told_of_a_meeting(child: Child, by: User) -> tuple[User | None, list[User]]:
    """Who will be told if `by` asks for a strategy meeting for `child` (request_meeting:
    the readers of tracking._meeting_readers, the rule's one home, with the asker's team as
    the fallback; never the asker): (the social worker, if told; the managers told)."""
    readers = [u for u in _meeting_readers(child.social_worker, by.team_id) if u.id != by.id]
    told = child.social_worker if child.social_worker in readers else None
    return told, [u for u in readers if u is not told]


def _and(names: list[str]) -> str:
    """Names as a sentence says them: A; A and B; A, B and C."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def meeting_told_words(child: Child, by: User) -> str:
    """Who will be told of a strategy meeting `by` asks for, named, and no one else: the
    episode page's hint under "Ask for a strategy meeting", and what asking for one says (a
    probe: "and their manager" when the team had none)."""
    social_worker, managers = _who_is_told_of_a_meeting(child, by)
    if not managers:
        # The probe's case: a social worker in a team with no manager is told alone.
        return (
            f"{social_worker.name} will be told." if social_worker else "No one else will be told."
        )
    role = "manager" if len(managers) == 1 else "managers"
    names = _and([m.name for m in managers])
    if social_worker is not None:
        return f"{social_worker.name} and their {role}, {names}, will be told."
    return f"{names}, {role} of {managers[0].team.name}, will be told."


def tell_new_owner(action: FollowedAction, by: User) -> None:
    """An open strategy meeting passed to a new social worker (rhi/summaries/service.py
    `_give_actions`: the administrator's hand-over, or a new social worker on the child's
    page): they and their manager are told as when it was asked for (`_tell_about_meeting`).
    Only the first telling made notices before, so the new social worker's My children page
    said nothing of it (a probe). Call after `action.owner_id` is set; the caller commits."""
    if action.kind != rules.STRATEGY_MEETING or action.status != rules.OPEN:
        return
    owner = db.session.get(User, action.owner_id) if action.owner_id is not None else None
    asker = action.interview.worker if action.interview is not None else None
    asker = asker or action.requested_by
    _tell(action, _meeting_readers(owner, asker.team_id if asker else None), by)


def open_meeting(child_id: int) -> FollowedAction | None:
    """The child's strategy meeting asked for and not yet held or closed, if there is one."""
    return db.session.scalar(
        select(FollowedAction)
        .where(
            FollowedAction.child_id == child_id,
            FollowedAction.kind == rules.STRATEGY_MEETING,
            FollowedAction.status == rules.OPEN,
        )
        .order_by(FollowedAction.created_at.desc(), FollowedAction.id.desc())
        .limit(1)
    )


def latest_meeting(child_id: int) -> FollowedAction | None:
    """The child's latest strategy meeting request, whatever has become of it."""
    return db.session.scalar(
        select(FollowedAction)
        .where(FollowedAction.child_id == child_id, FollowedAction.kind == rules.STRATEGY_MEETING)
        .order_by(FollowedAction.created_at.desc(), FollowedAction.id.desc())
        .limit(1)
    )


def request_meeting(
    child: Child, by: User, *, episode: Episode | None = None, note: str = "", where: str
) -> tuple[FollowedAction, bool]:
    """Ask for a strategy meeting for the child, outside an interview (`where`: the page, for
    the audit row). It is the same kind of row as one agreed in an interview: owned by the
    child's social worker, told to them and their manager, followed on their Actions pages.
    A meeting already asked for and still open is not asked for twice: (that one, False)."""
    already = open_meeting(child.id)
    if already is not None:
        return already, False
    social_worker = child.social_worker
    action = FollowedAction(
        interview_id=None,
        child_id=child.id,
        episode_id=episode.id if episode is not None else None,
        requested_by_id=by.id,
        item_id=f"asked-{uuid4().hex}",
        kind=rules.STRATEGY_MEETING,
        note=" ".join(note.split()) if "\n" not in note else note.strip(),
        owner_kind="social_worker",
        owner_id=social_worker.id if social_worker is not None and social_worker.active else None,
    )
    db.session.add(action)
    db.session.flush()
    audit.record(
        "action.create",
        user=by,
        object_type="action",
        object_id=action.id,
        child_id=child.id,
        detail=f"{rules.STRATEGY_MEETING} asked for from the {where}",
    )
    _tell_about_meeting(action, child, by.team_id, by)
    return action, True


def agreed_on(action: FollowedAction) -> date:
    """The day an action was agreed: in its interview (held, or begun when not held yet), or
    asked for from a page. Where it got to cannot be dated before it."""
    interview = action.interview
    when = action.created_at
    if interview is not None:
        when = interview.held_at or interview.created_at
    return to_local(when).date()


def update(
    action: FollowedAction,
    by: User,
    *,
    status: str,
    on: date | None,
    note: str,
    version: int,
    today: date,
) -> bool:
    """Record where an action has got to. False when nothing changed. ActionError names the
    field when the change cannot be made: a status this kind does not have, no reason for "not
    done" or "declined", no date or a date in the future, or a form from an older page."""
    allowed = {s.key: s for s in rules.statuses_for(action.kind)}
    if status not in allowed:
        raise ActionError("status", "Choose one of the options given.")
    if version != action.version:
        raise ActionError(
            "status",
            "Someone else changed this action while you had it open. Here it is now: "
            "check it, then make your change again.",
        )
    chosen = allowed[status]
    note = " ".join(note.split()) if "\n" not in note else note.strip()
    if chosen.needs_reason and not note:
        if status == "held":
            raise ActionError("note", "Say what was decided at the meeting.")
        raise ActionError("note", f"Say why it was {chosen.words.lower()}.")
    if chosen.needs_date and on is None:
        raise ActionError("on", "Enter the date, like 30/11/2026.")
    if on is not None and on > today:
        raise ActionError("on", "This can't be in the future. Check the date.")
    if on is not None and on < (agreed := agreed_on(action)):
        # A year typed as "26" is the year 26: nothing was done before it was agreed.
        raise ActionError(
            "on", f"This is before the action was agreed, on {format_date(agreed)}. Check the date."
        )
    if status == rules.OPEN:
        on = None
    elif on is None:  # a status that needs no date (not needed): the day it was recorded
        on = today
    if (action.status, action.outcome_on, action.outcome_note) == (status, on, note):
        return False
    old = action.status
    action.status, action.outcome_on, action.outcome_note = status, on, note
    if status != old and action.child_told_on is not None:
        # What the child was told is no longer what became of it: theirs to hear again (the
        # telling stays in the audit trail).
        action.child_told_on, action.child_told_how, action.child_told_by_id = None, "", None
    action.updated_by_id, action.updated_at = by.id, utcnow()
    action.version += 1
    audit.record(
        "action.status",
        user=by,
        object_type="action",
        object_id=action.id,
        child_id=action.child_id,
        detail=f"{old} -> {status}",
    )
    return True


def _visible(user: User) -> Select[tuple[FollowedAction]]:
    return select(FollowedAction).where(access.action_filter(user))


def listing(user: User, show: str, page: int, today: date) -> tuple[list[FollowedAction], bool]:
    """One page of the actions the user follows, and whether there are more. "open": overdue
    first, then by due date (none last); "overdue"; "unplanned": open with no one or no date,
    the oldest first; "untold": closed, the child not yet told what became of it, the latest
    first; "closed": the latest closed first."""
    query = _visible(user).options(
        selectinload(FollowedAction.child),
        selectinload(FollowedAction.interview),
        selectinload(FollowedAction.owner),
    )
    if show == "overdue":
        # The id too, as every other list: with only the date, actions due on one day came in
        # any order, page by page, and one could be on two pages and another on none.
        query = query.where(rules.overdue_clause(today)).order_by(
            FollowedAction.due_on, FollowedAction.id
        )
    elif show == "unplanned":
        query = query.where(rules.unplanned_clause()).order_by(
            FollowedAction.created_at, FollowedAction.id
        )
    elif show == "untold":
        # The latest first: those closed before rhi asked this are at the end, not in the way.
        query = query.where(rules.untold_clause()).order_by(
            FollowedAction.updated_at.desc(), FollowedAction.id.desc()
        )
    elif show == "closed":
        query = query.where(FollowedAction.status != rules.OPEN).order_by(
            FollowedAction.updated_at.desc(), FollowedAction.id.desc()
        )
    else:
        query = query.where(FollowedAction.status == rules.OPEN).order_by(
            FollowedAction.due_on.is_(None), FollowedAction.due_on, FollowedAction.id
        )
    rows = list(db.session.scalars(query.offset(page * PAGE_SIZE).limit(PAGE_SIZE + 1)))
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


UNPLANNED_COUNTED = 100  # past this, the box says "100 or more": its cost stays bounded


def unplanned(user: User) -> int:
    """How many of the user's open actions have no one to do them or no date (`rules.
    unplanned_clause`), counted up to UNPLANNED_COUNTED: for the home page's box, which links to
    them (a probe: never overdue, they were in no box)."""
    found = (
        select(FollowedAction.id)
        .where(access.action_filter(user), rules.unplanned_clause())
        .limit(UNPLANNED_COUNTED)
        .subquery()
    )
    return int(db.session.scalar(select(func.count()).select_from(found)) or 0)


def overdue(user: User, today: date, limit: int = 5) -> tuple[int, list[FollowedAction]]:
    """How many of the user's actions are overdue, and the most overdue few: for home pages.
    Each with its child and owner, which the box names (one query each, only when there are
    rows: not one more per action, and no joins added to the access filter's query, whose
    planning they made several times slower); counted only when there are more than the few."""
    rows = list(
        db.session.scalars(
            _visible(user)
            .where(rules.overdue_clause(today))
            .options(selectinload(FollowedAction.child), selectinload(FollowedAction.owner))
            .order_by(FollowedAction.due_on, FollowedAction.id)
            .limit(limit)
        )
    )
    if len(rows) < limit:
        return len(rows), rows
    count = db.session.scalar(
        select(func.count())
        .select_from(FollowedAction)
        .where(access.action_filter(user), rules.overdue_clause(today))
    )
    return int(count or 0), rows


def meetings_asked(user: User, limit: int = 10) -> list[Notice]:
    """The strategy meetings the user was told of, not dismissed and still to be held (one held
    or closed asks nothing more of them), newest first, each with what the box says of it: the
    child, who asked, and the interview's worker. The action comes from the join the access
    filter needs; the rest one query each, only when there are rows (the interview without its
    document)."""
    action = contains_eager(Notice.action)
    return list(
        db.session.scalars(
            select(Notice)
            .join(FollowedAction, FollowedAction.id == Notice.action_id)
            .where(
                Notice.user_id == user.id,
                Notice.dismissed_at.is_(None),
                FollowedAction.status == rules.OPEN,
                access.action_filter(user),
            )
            .options(
                action.selectinload(FollowedAction.child),
                action.selectinload(FollowedAction.requested_by),
                # Not the interview's document: what is not loaded here is read when first
                # used (its version too, should anything in the request change it).
                action.selectinload(FollowedAction.interview)
                .load_only(Interview.id, Interview.worker_id, Interview.version)
                .selectinload(Interview.worker),
            )
            .order_by(Notice.created_at.desc())
            .limit(limit)
        )
    )


def child_told(action: FollowedAction, by: User, *, on: date, how: str, today: date) -> None:
    """The child was told what became of the action (only once it is no longer open: there
    is nothing to tell before). Audited; told again, the latest telling is kept."""
    if action.status == rules.OPEN:
        raise ActionError("on", "Record where it has got to first: it is still open.")
    if on > today:
        raise ActionError("on", "This can't be in the future. Check the date.")
    # The day it was agreed, as a status's date is checked (`agreed_on`): an interview written
    # up days after it was held made a telling on a real day "before it was agreed" (a probe).
    if on < (agreed := agreed_on(action)):
        raise ActionError(
            "on", f"This is before the action was agreed, on {format_date(agreed)}. Check the date."
        )
    action.child_told_on = on
    action.child_told_how = how.strip()[:200]
    action.child_told_by_id = by.id
    audit.record(
        "action.child_told",
        user=by,
        object_type="action",
        object_id=action.id,
        child_id=action.child_id,
    )
