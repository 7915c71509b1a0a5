"""Work a tablet sent for a child its worker can no longer see: held, then attached or passed on.
No Flask here.

`hold()` is what rhi/sync/apply.py does instead of refusing an item whose return the sender can
no longer see (reallocated to another team or colleague, or the worker moved team): the item is
kept whole (rhi/models/held.py), audited, and answered `held` with `drop: true`, naming the child,
so the tablet lets go of its copy only once the server holds it. Sent again, it is held once.

Who sees held work: a manager on the interviewer side of one of its returns now (the manager of
the worker or team now responsible), the sender's own manager (the team they were in when it
arrived, if that team held one of its returns: `_team_that_held_it`), and the colleague it was
passed on to. Attaching it (a manager, or the colleague, who
may record work for the return) records its contact attempts and the child's answer as the
sender's, and keeps its notes as a version beside the interview for the person now responsible
to choose from, field by field (the versions page): nothing is overwritten.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, and_, exists, false, func, or_, select
from sqlalchemy.orm import selectinload

from rhi import access, audit
from rhi.episodes import service as episode_service
from rhi.episodes.queries import users_for_whom
from rhi.extensions import db
from rhi.interviews import content as interview_content
from rhi.models import AuditEvent, Child, Episode, HeldWork, Interview, Role, User
from rhi.models.base import utcnow
from rhi.models.episodes import Allocation
from rhi.sync import events as offline_events
from rhi.sync.protocol import Item, ItemResult, content_hash, parse_item
from rhi.timefmt import to_local


class HeldError(ValueError):
    """An action on held work that cannot be done as asked, said for the person."""


def _payload_hash(raw: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(raw, sort_keys=True).encode()).hexdigest()


def short_name(child: Child | None) -> str:
    """ "Maya K.": enough for the worker who held the notes to know whose they were."""
    if child is None:
        return "a child"
    first = child.preferred_name or child.first_name
    return f"{first} {child.last_name[:1]}." if child.last_name else first


def told(child: Child | None) -> str:
    return (
        f"Your notes about {short_name(child)} were kept for your manager and the manager of "
        "whoever now has this return, because it is now with someone else. Nothing is lost; "
        "they are no longer on this tablet."
    )


class Held(NamedTuple):
    message: str  # what the worker is told: whose return it is now, and that nothing is lost
    refused: dict[str, str]  # fields sent that could not be kept, and why (said beside them)


def hold_saved_fields(
    user: User, interview_uuid: str, changes: list[tuple[str, Any, Any]], device_id: str | None
) -> Held | None:
    """A field save (an open page's autosave, or one a tablet kept when it could not reach the
    server) for an interview the user cannot see (the caller has asked: access.find_interview
    found nothing), because the return moved from them to someone else: held like an upload,
    and the worker told by the child's name. None when that is not the case (the interview is
    unknown, or never was theirs): the caller refuses it as usual.

    Only the fields saved go in the held item, over a blank document: the managers who see held
    work must not read, through it, notes written since by whoever has the return now."""
    if not access.can_record_interview_work(user):
        return None
    interview = db.session.scalar(select(Interview).where(Interview.uuid == interview_uuid))
    if interview is None or interview.child_id is None:
        return None
    if not worked_with(user, interview.child_id):
        return None
    now_local = to_local(utcnow()).replace(tzinfo=None)
    refused: dict[str, str] = {}
    # An open page saves at each pause in typing: the saves of one page after the return moved
    # go into one piece of held work, the latest words of each field, not one piece per pause
    # (each a shorter copy of the next, each a version to choose between).
    # The piece this page's earlier saves made: another tab's or screen's words for a field
    # it holds are a piece of their own.
    earlier = next(
        (
            row
            for row in _held_field_saves(user, interview.uuid, device_id)
            if _follows_on(row, changes)
        ),
        None,
    )
    document = earlier.payload["content"] if earlier else interview_content.empty_content()
    paths: list[str] = list(earlier.payload["changed_paths"]) if earlier else []
    taken = False
    for path, value, _original in changes:
        try:
            document = interview_content.set_field(document, path, value, now_local)
        except (interview_content.ContentError, KeyError, ValueError) as problem:
            # Not a field of the interview, or words it could not keep (too long): said beside
            # the field, never counted as held.
            refused[path] = (
                str(problem) if isinstance(problem, interview_content.ContentError) else ""
            )
            continue
        taken = True
        if path not in paths:
            paths.append(path)
    if not taken:
        # Nothing to hold: not a field of the interview (refused as usual), or words it could
        # not keep, said beside the field (rhi/interviews/views.py _held_response: not a 202,
        # so a tablet keeps its copy).
        return Held(_kept_message(interview.child), refused) if any(refused.values()) else None
    if earlier is not None:
        raw = {**earlier.payload, "content": document, "changed_paths": sorted(paths)}
        raw["content_hash"] = content_hash(document)
        earlier.payload, earlier.payload_hash = raw, _payload_hash(raw)
        audit.record(
            "sync.held",
            user=user,
            object_type="interview",
            object_id=interview.uuid,
            child_id=interview.child_id,
            detail=f"held work {earlier.id} added to"
            + (f"; device {device_id}" if device_id else ""),
        )
        return Held(_kept_message(interview.child), refused)
    raw: dict[str, Any] = {
        "uuid": interview.uuid,
        "episode_ids": sorted(e.id for e in interview.episodes),
        "base_version": interview.version,
        "content": document,
        "content_hash": content_hash(document),
        "events": [],
        "changed_paths": sorted(paths),
    }
    hold(user, raw, parse_item(raw), interview.child_id, device_id)
    return Held(_kept_message(interview.child), refused)


def _kept_message(child: Child | None) -> str:
    return (
        f"Not added to the interview: the return for {short_name(child)} is now with "
        "someone else. Your words were kept for your manager and the manager of whoever now "
        "has it, so nothing is lost."
    )


def _follows_on(earlier: HeldWork, changes: list[tuple[str, Any, Any]]) -> bool:
    """Each field saved that the piece holds starts from what it holds (a page whose save was
    held takes the held words as its starting point: _save_results.html), so it is the same
    page saving again, not another page's version of the field."""
    held_paths = set(earlier.payload.get("changed_paths") or [])
    document = earlier.payload.get("content") or {}
    for path, _value, original in changes:
        if path not in held_paths:
            continue
        if original is None:
            return False  # says nothing of where it started: not known to follow on
        try:
            held = interview_content.get_field(document, path)
        except (interview_content.ContentError, KeyError, ValueError):
            return False
        if isinstance(held, bool):
            if held != interview_content.as_flag(original):
                return False
        elif str(held) != str(original).replace("\r\n", "\n"):
            return False
    return True


def _held_field_saves(user: User, interview_uuid: str, device_id: str | None) -> list[HeldWork]:
    """This user's held field saves of this interview from this device (or browser), newest
    first, not yet added to the record or passed on (a piece passed on is the colleague's to
    read as it was passed): those more may be added to."""
    rows = db.session.scalars(
        select(HeldWork)
        .where(
            HeldWork.item_uuid == interview_uuid,
            HeldWork.sent_by_id == user.id,
            HeldWork.state == "waiting",
            HeldWork.device_id.is_(None) if device_id is None else HeldWork.device_id == device_id,
        )
        .order_by(HeldWork.id.desc())
    )
    return [
        row
        for row in rows
        if (row.payload or {}).get("events") == [] and "changed_paths" in (row.payload or {})
    ]


MAX_ASKED = 200  # interviews a tablet asks about at once: more than any tablet holds
SHOWN = 200  # rows of held work on one page: held work is rare, a page holds them all


def moving(
    user: User,
    interview_uuids: list[str],
    started_here: dict[str, list[int]] | None = None,
) -> list[dict[str, str]]:
    """Of the interviews a tablet holds unsent work for, those whose return is now with someone
    else, each with the child's short name and what will happen to the work when it is sent
    (held for the managers): said before sending, so the worker is never surprised. Interviews
    that are theirs, unknown, or were never theirs are left out, saying nothing of them.

    `started_here` names, by UUID, the returns of interviews begun on the tablet, which the
    server has never seen: such an interview is "moving" by the rule the upload applies to it
    (rhi/sync/apply.py `_new`): one of its returns is no longer the user's to see."""
    asked = sorted({u.lower() for u in interview_uuids if isinstance(u, str)})[:MAX_ASKED]
    if not asked:
        return []
    rows = db.session.execute(
        select(Interview.uuid, Interview.child_id)
        .where(Interview.uuid.in_(asked), Interview.child_id.is_not(None))
        .where(~Interview.id.in_(select(Interview.id).where(access.interview_filter(user))))
    ).all()
    found: list[tuple[str, int]] = [(uuid, child_id) for uuid, child_id in rows]
    known = set(db.session.scalars(select(Interview.uuid).where(Interview.uuid.in_(asked))))
    for uuid, episode_ids in _started_here(started_here, asked).items():
        if uuid in known:
            continue  # the server has it: answered above, by the interview
        child_id = _returns_gone(user, episode_ids)
        if child_id is not None:
            found.append((uuid, child_id))
    said = []
    for uuid, child_id in found:
        if not worked_with(user, child_id):
            continue
        child = db.session.get(Child, child_id)
        audit.record(
            "sync.moving",
            user=user,
            object_type="interview",
            object_id=uuid,
            child_id=child_id,
            detail="told before sending",
        )
        said.append(
            {
                "uuid": uuid,
                "message": (
                    f"Your notes about {short_name(child)} will be passed to your manager, "
                    "because the return is now with someone else. Send them as usual: nothing "
                    "is lost."
                ),
            }
        )
    return said


MAX_EPISODES_PER_INTERVIEW = 20  # more returns than one interview ever covers


def _started_here(given: object, asked: list[str]) -> dict[str, list[int]]:
    """The well-formed part of the tablet's `episodes`: only UUIDs it also asked about, only
    whole numbers; anything else is ignored rather than refused (the question stays useful)."""
    if not isinstance(given, dict):
        return {}
    out: dict[str, list[int]] = {}
    for uuid, ids in given.items():
        if not isinstance(uuid, str) or uuid.lower() not in asked or not isinstance(ids, list):
            continue
        numbers = [i for i in ids if isinstance(i, int) and not isinstance(i, bool)]
        if numbers and len(numbers) == len(ids) <= MAX_EPISODES_PER_INTERVIEW:
            out[uuid.lower()] = numbers
    return out


def _returns_gone(user: User, episode_ids: list[int]) -> int | None:
    """The child of these returns when one of them exists but the user can no longer see it."""
    existing = db.session.execute(
        select(Episode.id, Episode.child_id).where(Episode.id.in_(episode_ids))
    ).all()
    if not existing:
        return None
    seen = set(
        db.session.scalars(
            select(Episode.id).where(Episode.id.in_(episode_ids), access.episode_filter(user))
        )
    )
    gone = [child_id for episode_id, child_id in existing if episode_id not in seen]
    return gone[0] if gone else None


def worked_with(user: User, child_id: int) -> bool:
    """Whether this user was once allowed to read or record this child's work (their audit
    trail says so). Only then is an item they can no longer apply held for them: anyone else
    gets the answer an unknown return gets, which says nothing of the child."""
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    AuditEvent.user_id == user.id,
                    AuditEvent.child_id == child_id,
                    AuditEvent.outcome == "ok",
                )
            )
        )
    )


# What a person recording an interview leaves in the audit trail (rhi/interviews, rhi/sync).
_RECORDED = ("interview.save", "interview.status", "sync.create", "sync.update")


def recorded_it(user: User, interview_uuid: str) -> bool:
    """Whether this user once recorded this interview (their trail says so). Someone who still
    sees it but may no longer change it (a manager whose team keeps the child's record, after
    the return moved to another team) has what they send held, as one who no longer sees it
    has; someone who only ever read it is refused."""
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    AuditEvent.user_id == user.id,
                    AuditEvent.object_type == "interview",
                    AuditEvent.object_id == interview_uuid,
                    AuditEvent.action.in_(_RECORDED),
                    AuditEvent.outcome == "ok",
                )
            )
        )
    )


def _team_that_held_it(user: User, episode_ids: list[int]) -> int | None:
    """The sender's team, as the team whose manager sees the held work as theirs, only if it
    held one of these returns (now, in their allocations, or through the sender, allocated it
    themselves): a worker who moved team since does not take the child to the new team's
    manager, who never had them (a probe). The team now responsible sees it all the same.
    Left: a worker allocated a return in person who then moved team is taken to be in the team
    they are in now (rhi keeps no history of a person's team)."""
    team = user.team_id
    if team is None or not episode_ids:
        return None
    ids = [int(e) for e in episode_ids]
    held_it = db.session.scalar(
        select(
            or_(
                exists(
                    select(Episode.id).where(Episode.id.in_(ids), Episode.assigned_team_id == team)
                ),
                exists(
                    select(Allocation.id).where(
                        Allocation.episode_id.in_(ids),
                        or_(
                            Allocation.team_id == team,
                            Allocation.from_team_id == team,
                            Allocation.worker_id == user.id,
                            Allocation.from_worker_id == user.id,
                        ),
                    )
                ),
            )
        )
    )
    return team if held_it else None


def hold(
    user: User, raw: dict[str, Any], item: Item, child_id: int, device_id: str | None
) -> ItemResult:
    digest = _payload_hash(raw)
    kept = db.session.scalar(
        select(HeldWork).where(
            HeldWork.item_uuid == item.uuid,
            HeldWork.sent_by_id == user.id,
            HeldWork.payload_hash == digest,
        )
    )
    if kept is None:
        kept = HeldWork(
            item_uuid=item.uuid,
            payload_hash=digest,
            payload=raw,
            child_id=child_id,
            episode_ids=list(item.episode_ids),
            sent_by_id=user.id,
            sent_by_team_id=_team_that_held_it(user, item.episode_ids),
            device_id=device_id,
        )
        db.session.add(kept)
        db.session.flush()
        audit.record(
            "sync.held",
            user=user,
            object_type="interview",
            object_id=item.uuid,
            child_id=child_id,
            detail=f"held work {kept.id}" + (f"; device {device_id}" if device_id else ""),
        )
    return ItemResult(item.uuid, "held", [told(db.session.get(Child, child_id))], drop=True)


def _sees_an_episode(user: User) -> ColumnElement[bool]:
    """Held work with a return on this user's interviewer side now (the worker or team holding
    it, their manager). Held work is a whole interview's notes: a manager who sees the child's
    returns only as their social worker's manager (or as the team keeping the child's record)
    reads the social worker's copy of an interview, never this."""
    return exists(
        select(Episode.id).where(
            Episode.child_id == HeldWork.child_id, access.interviewer_side_filter(user)
        )
    )


def held_filter(user: User) -> ColumnElement[bool]:
    """A WHERE clause limiting HeldWork rows to those `user` may see."""
    role = user.role_enum
    if role is Role.MANAGER:
        mine = [_sees_an_episode(user)]
        if user.team_id is not None:
            mine.append(HeldWork.sent_by_team_id == user.team_id)
        return or_(*mine)
    if role is Role.WORKER:
        return and_(HeldWork.passed_to_id == user.id, _sees_an_episode(user))
    return false()


def theirs(user: User, rows: list[Any]) -> list[Any]:
    """Of rows `held_filter` let through (HeldWork, or rows with its id, episode_ids,
    sent_by_team_id and passed_to_id), those `user` may see: held_filter asks of the child's
    returns, and a held item names its own (`episode_ids`, a JSON list SQL cannot read alike on
    both databases). A manager sees one sent from their team, or with one of its own returns on
    their interviewer side now (not a return of the child's their team held long ago); the
    colleague it was passed to, when one of its returns is theirs."""
    if not rows:
        return rows
    named = sorted({int(e) for row in rows for e in (row.episode_ids or [])})
    side = set(
        db.session.scalars(
            select(Episode.id).where(Episode.id.in_(named), access.interviewer_side_filter(user))
        )
    )

    def sees(row: Any) -> bool:
        own_team = user.role_enum is Role.MANAGER and user.team_id is not None
        if own_team and row.sent_by_team_id == user.team_id:
            return True
        return any(int(e) in side for e in (row.episode_ids or []))

    return [row for row in rows if sees(row)]


class Waiting(NamedTuple):
    rows: list[HeldWork]  # the oldest first, at most SHOWN
    total: int  # all the held work the user may see, not attached yet


def waiting_for(user: User) -> Waiting:
    """The held work `user` may see, oldest first, at most `SHOWN` rows. Which rows are theirs is
    decided on light rows first (`theirs` reads the JSON of returns each names), so rows they
    may not see never take the places of rows they may."""
    ids = [row.id for row in theirs(user, _light(held_filter(user), HeldWork.state != "attached"))]
    if not ids:
        return Waiting([], 0)
    # The list names each row's child, sender and colleague: loaded together, not row by row.
    rows = list(
        db.session.scalars(
            select(HeldWork)
            .where(HeldWork.id.in_(ids))
            .order_by(HeldWork.received_at, HeldWork.id)
            .limit(SHOWN)
            .options(
                selectinload(HeldWork.child),
                selectinload(HeldWork.sent_by),
                selectinload(HeldWork.passed_to),
            )
        )
    )
    return Waiting(rows, len(ids))


def _light(*where: ColumnElement[bool]) -> list[Any]:
    """Held work's rows with only what `theirs` reads."""
    columns = (HeldWork.id, HeldWork.episode_ids, HeldWork.sent_by_team_id, HeldWork.passed_to_id)
    return list(db.session.execute(select(*columns).where(*where)).all())


def count_waiting(user: User) -> int:
    """How many `waiting_for` would list (uncapped): the menu's count, on every page. Held work
    is rare (a tablet's work for a return that moved), so the few rows are read, light columns
    only, and counted by the same rule (`theirs`)."""
    return len(theirs(user, _light(held_filter(user), HeldWork.state != "attached")))


def sees_all_held_for(user: User, child_id: int) -> bool:
    """Every piece of held work for the child is one `user` may see (or there is none)."""
    every = _light(HeldWork.child_id == child_id)
    if not every:
        return True
    return len(theirs(user, _light(HeldWork.child_id == child_id, held_filter(user)))) == len(every)


def get(user: User, held_id: int) -> HeldWork:
    held = db.session.scalar(select(HeldWork).where(HeldWork.id == held_id, held_filter(user)))
    if held is not None and not theirs(user, [held]):
        held = None
    if held is None:
        child_id = db.session.scalar(select(HeldWork.child_id).where(HeldWork.id == held_id))
        access._refuse(user, "held_work", held_id, child_id)
    assert held is not None
    return held


def _episodes_for(user: User, held: HeldWork) -> list[Episode]:
    return list(
        db.session.scalars(
            select(Episode).where(
                Episode.id.in_(held.episode_ids), access.interviewer_side_filter(user)
            )
        )
    )


def may_attach(user: User, held: HeldWork) -> bool:
    return (
        held.state != "attached"
        and access.can_record_interview_work(user)
        and len(_episodes_for(user, held)) == len(held.episode_ids)
    )


def colleagues(user: User, held: HeldWork) -> list[User]:
    """Who it can be passed on to: active workers and managers who may see all its returns.

    Two queries however many staff there are: the candidates, then which of them rhi.access
    lets see every one of its returns, asked of them all in one statement."""
    candidates = db.session.scalars(
        select(User)
        .where(
            User.active.is_(True),
            User.role.in_([Role.WORKER.value, Role.MANAGER.value]),
            User.id != held.sent_by_id,
        )
        .order_by(User.name)
    ).all()
    wanted = list(held.episode_ids)

    def sees_all(person: User) -> ColumnElement[bool]:
        seen = (
            select(func.count(Episode.id))
            .where(Episode.id.in_(wanted), access.interviewer_side_filter(person))
            .scalar_subquery()
        )
        return seen == len(wanted)

    seeing = users_for_whom(candidates, sees_all)
    return [person for person in candidates if person.id in seeing]


def pass_on(held: HeldWork, user: User, to: User, note: str) -> None:
    if held.state == "attached":
        raise HeldError("This is already in the child's record.")
    if to not in colleagues(user, held):
        raise HeldError(f"{to.name} cannot see this child's return, so cannot take this on.")
    held.state = "passed_on"
    held.passed_to_id = to.id
    held.handled_by_id = user.id
    held.handled_at = utcnow()
    held.note = note.strip() or None
    audit.record(
        "sync.held.pass_on",
        user=user,
        object_type="held_work",
        object_id=held.id,
        child_id=held.child_id,
        detail=f"passed to user {to.id}",
    )


def attach(held: HeldWork, user: User) -> Interview:
    """Add the held work to the child's record: events as the sender's, notes as a version."""
    from rhi.sync import apply  # apply imports this module

    if not may_attach(user, held):
        raise HeldError("You cannot add this to the child's record.")
    item = apply.parse_item(held.payload)
    episodes = _episodes_for(user, held)
    sender = held.sent_by
    interview = db.session.scalar(select(Interview).where(Interview.uuid == item.uuid))
    if interview is None or interview.child_id != held.child_id:
        interview = next((i for e in episodes for i in e.interviews if not i.locked), None)
    if interview is None:
        first = min(episodes, key=lambda e: (e.returned_at or utcnow(), e.id))
        interview = episode_service.interview_for(first, user)
    offline_events.apply(sender, interview, item.events, held=True)
    if item.content is not None:
        document = apply._document(item, sender, interview)
        apply._conflict(sender, interview, item, document, held.device_id)
    held.state = "attached"
    held.handled_by_id = user.id
    held.handled_at = utcnow()
    audit.record(
        "sync.held.attach",
        user=user,
        object_type="interview",
        object_id=interview.uuid,
        child_id=held.child_id,
        detail=f"held work {held.id}, sent by user {sender.id}",
    )
    return interview
