"""A child's record trail as one reader may see it (the page /children/<id>/audit).

Who looked at or changed the record is the trail's purpose, and every row says it. What a row
says of an interview (its action, such as a safeguarding decision to share with the police, and
its detail: the copy downloaded, the child's answer at the read-back, the kind of an action
agreed) is only for a reader who may read that interview whole (rhi.access.reads_whole_interview)
or, for an action, who follows it (rhi.access.action_filter). Anyone else who may open the trail
(the social worker's manager, a team lent one return) reads such a row as the interview's
record being looked at or changed: the trail is never a way round what the copies and pages
keep from them (rhi/sharing.py rule 6)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from rhi import access
from rhi.extensions import db
from rhi.models import AuditEvent, Interview, User
from rhi.models.actions import FollowedAction
from rhi.models.episodes import Notice
from rhi.models.summaries import Summary

WITHHELD = "The interview's record was looked at or changed"


@dataclass(frozen=True)
class TrailRow:
    at: datetime
    who: str
    what: str
    detail: str
    record: str
    refused: bool
    address: str


def _ids(events: Sequence[AuditEvent], kind: str) -> set[int]:
    return {
        int(e.object_id)
        for e in events
        if e.object_type == kind and e.object_id is not None and e.object_id.isdigit()
    }


def _readable(user: User, events: Sequence[AuditEvent]) -> set[tuple[str, str]]:
    """The (object type, object id) of the interview-held rows `user` may read in full."""
    whole = access.whole_interview_filter(user)
    uuids = {e.object_id for e in events if e.object_type == "interview" and e.object_id}
    readable = {
        ("interview", uuid)
        for uuid in db.session.scalars(
            select(Interview.uuid).where(Interview.uuid.in_(uuids), whole)
        )
    }
    for kind, model in (("summary", Summary), ("notice", Notice)):
        ids = _ids(events, kind)
        if ids:
            readable |= {
                (kind, str(i))
                for i in db.session.scalars(
                    select(model.id)
                    .join(Interview, Interview.id == model.interview_id)
                    .where(model.id.in_(ids), whole)
                )
            }
    ids = _ids(events, "action")
    if ids:
        readable |= {
            ("action", str(i))
            for i in db.session.scalars(
                select(FollowedAction.id).where(
                    FollowedAction.id.in_(ids), access.action_filter(user)
                )
            )
        }
    return readable


HELD_BY_AN_INTERVIEW = frozenset({"interview", "summary", "notice", "action"})


def rows_for(user: User, events: Sequence[AuditEvent]) -> list[TrailRow]:
    readable = _readable(user, events)
    rows = []
    for e in events:
        withheld = (
            e.object_type in HELD_BY_AN_INTERVIEW and (e.object_type, e.object_id) not in readable
        )
        rows.append(
            TrailRow(
                at=e.at,
                who=e.user.name if e.user else "Unknown",
                what=WITHHELD if withheld else e.action,
                detail="" if withheld else (e.detail or ""),
                record="interview" if withheld else f"{e.object_type or ''} {e.object_id or ''}",
                refused=e.outcome == "refused",
                address=e.ip_address or "",
            )
        )
    return rows
