"""Resolving a tablet's version kept beside the server's (a conflict): no Flask here. The
versions page (`rhi.sync.versions`) reads the worker's choices from its form and calls these,
and commits.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rhi import audit
from rhi.episodes import service as episode_service
from rhi.extensions import db
from rhi.interviews import content as c
from rhi.interviews import service as interviews
from rhi.language import Matcher
from rhi.models import Interview, InterviewStatus, SyncConflict, User
from rhi.models.base import utcnow
from rhi.sync.compare import Addition, Comparison, Difference


def mark_resolved(user: User, interview: Interview, conflict: SyncConflict, how: str) -> None:
    """Mark the tablet's version chosen, with who did it in the audit trail (the caller
    commits, with the change itself)."""
    conflict.resolved_at = utcnow()
    audit.record(
        "sync.resolve",
        user=user,
        object_type="interview",
        object_id=interview.uuid,
        child_id=interview.child_id,
        detail=f"device {conflict.device_uuid}; {how}",
    )


def check_value(document: dict[str, Any], d: Difference, value: Any, now_local: datetime) -> None:
    """Would the interview's writer take this value? (ContentError if not.)"""
    if d.path.split(".")[0] in c.LIST_FIELDS:
        kind, item_id, _ = d.path.split(".", 2)
        document, _ = c.add_item(document, kind, item_id)
    c.set_field(document, d.path, value, now_local)


def apply_choice(
    user: User,
    interview: Interview,
    comparison: Comparison,
    values: dict[str, Any],
    added: list[Addition],
    now_local: datetime,
    matcher: Matcher | None,
) -> list[interviews.FieldResult]:
    """Add what only the tablet has (the entries the worker kept), then save the chosen values
    through the interview's own writer, each against the value the worker was shown. The
    interview is written once (no flush on the way), so its version moves on once; a save
    elsewhere meanwhile raises StaleDataError at the flush."""
    if not (values or added or comparison.overrides or comparison.carer_information_offered):
        return []
    with db.session.no_autoflush:
        results = _write(user, interview, comparison, values, added, now_local, matcher)
    db.session.flush()
    return results


def _write(
    user: User,
    interview: Interview,
    comparison: Comparison,
    values: dict[str, Any],
    added: list[Addition],
    now_local: datetime,
    matcher: Matcher | None,
) -> list[interviews.FieldResult]:
    # The tablet held the interview: it is begun, but only as the rule lets one begin (the offer
    # and the child's yes on record, rhi.episodes.service.may_start). Words kept with the
    # child's no (or from before a yes) are saved without beginning it: starting filled in a
    # yes nobody recorded, over the child's no (a review).
    if interview.status != InterviewStatus.IN_PROGRESS.value and episode_service.may_start(
        interview
    ):
        interviews.start(interview, user, now_local)
    document = c.normalise(interview.content)
    for a in added:
        document, item_id = c.add_item(document, a.kind, a.entry["id"])
        for key, value in a.entry.items():
            if key != "id":
                document = c.set_field(document, f"{a.kind}.{item_id}.{key}", value)
    if comparison.overrides:
        document["overrides"] = [*document["overrides"], *comparison.overrides]
    if comparison.carer_information_offered:
        document["carer_information_offered"] = True
    if added or comparison.overrides or comparison.carer_information_offered:
        interview.content = document
        audit.record(
            "interview.save",
            user=user,
            object_type="interview",
            object_id=interview.uuid,
            child_id=interview.child_id,
            detail=f"from a tablet: {len(added)} entries, "
            f"{len(comparison.overrides)} sharing decisions",
        )
    changes = [(path, value, comparison.difference(path).server) for path, value in values.items()]
    if not changes:
        return []
    return interviews.save_fields(interview, user, changes, matcher, now_local=now_local)
