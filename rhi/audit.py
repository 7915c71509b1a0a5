"""Writing audit events.

`record()` adds the event to the current database transaction: it is committed with the change it
describes, or not at all. If the audit row cannot be written the commit fails and so does the
request. Only fixed, short descriptions go in `detail`: never note text.
"""

from __future__ import annotations

from flask import g, has_request_context, request
from flask_login import current_user

from rhi.extensions import db
from rhi.models.audit import AuditEvent
from rhi.models.people import User


def client_address() -> str | None:
    if not has_request_context():
        return None
    return request.remote_addr


def record(
    action: str,
    *,
    user: User | None = None,
    object_type: str | None = None,
    object_id: int | str | None = None,
    child_id: int | None = None,
    outcome: str = "ok",
    detail: str | None = None,
) -> AuditEvent:
    if user is None and has_request_context() and current_user.is_authenticated:
        user = current_user._get_current_object()
    event = AuditEvent(
        user_id=user.id if user is not None else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id) if object_id is not None else None,
        child_id=child_id,
        ip_address=client_address(),
        outcome=outcome,
        detail=detail[:200] if detail else None,
    )
    db.session.add(event)
    if outcome == "refused" and has_request_context():
        g.rhi_refusal_recorded = True
    return event


def record_each(
    action: str,
    rows: list[tuple[str, int | str, int]],
    *,
    user: User,
    detail: str | None = None,
) -> None:
    """One row per (object_type, object_id, child_id) in one statement, in the current
    transaction as `record`: the rows of one read of many children (a tablet's copy), whose
    cost then does not grow with how many there are."""
    if not rows:
        return
    ip = client_address()
    db.session.execute(
        AuditEvent.__table__.insert(),
        [
            {
                "user_id": user.id,
                "action": action,
                "object_type": object_type,
                "object_id": str(object_id),
                "child_id": child_id,
                "ip_address": ip,
                "outcome": "ok",
                "detail": detail[:200] if detail else None,
            }
            for object_type, object_id, child_id in rows
        ],
    )


def record_refusal_unless_recorded() -> None:
    """A 403 answered to a signed-in person, for a page or change whose view refused without
    writing its own row (a role check before any record is read: the administrators' pages, the
    inbox, the actions list): one row naming the page asked for, committed on its own. Views
    that know which record was refused write their own row first (`access.forbid_change`), and
    this writes nothing more. Whatever the refused request had changed and not committed is
    undone first: a refusal never commits someone's half-made change."""
    if not has_request_context() or g.get("rhi_refusal_recorded"):
        return
    if not current_user or not current_user.is_authenticated:
        return
    db.session.rollback()
    record(
        "page.refused",
        user=current_user._get_current_object(),
        object_type="page",
        object_id=(request.endpoint or request.path)[:40],
        outcome="refused",
        detail=f"{request.method} {request.path}",
    )
    db.session.commit()
