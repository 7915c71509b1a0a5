"""POST /api/v1/notifications: police missing and found notifications from a police or case
system, by the same rules as a file (rhi/episodes/imports.py).

Authenticated by a service token (`Authorization: Bearer ...`), made and revoked by an
administrator (rhi/admin/tokens.py): only its SHA-256 is stored, it is scoped to notifications
only, and every use (and every refusal) is audited. No session and no cookie are involved, so
the CSRF check (which protects cookies) does not apply: the blueprint is exempt.

The caller is the police's system: its answer holds what it sent and rhi's outcome (`outcome`,
a fixed `code` and words of this module's own), never what only rhi holds. A row's message, as
a file's preview and results page show it to the council, names the child as rhi holds them
("Possibly Jay Campbell", a preferred name) and their other times away with their references
and times: answered as it was, a dry run let a token holder learn, by trying names and dates
of birth, whether rhi held a child and their history (a probe). Only a refusal of what was sent
itself (a date that is not one, a field misnamed) is answered in the row's words: they hold
nothing but what was sent.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from flask import Blueprint, jsonify, request
from sqlalchemy import select
from werkzeug.wrappers import Response

from rhi import audit
from rhi.episodes import imports
from rhi.episodes import imports_apply as apply
from rhi.episodes.imports_csv import too_large_message
from rhi.extensions import csrf, db
from rhi.models import ServiceToken
from rhi.models.base import utcnow

bp = Blueprint("notifications_api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

SCOPE = "notifications"
OUTCOMES = {
    apply.NEW: "created",
    apply.UPDATE: "updated",
    apply.UNCHANGED: "unchanged",
    apply.WAITING: "waiting",
    apply.PROBLEM: "refused",
}


def token_hash(token: str) -> str:
    """SHA-256 suffices: a token is 32 random bytes, so there is nothing to guess by trying."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _error(status: int, code: str, message: str) -> tuple[Response, int]:
    response = jsonify({"error": code, "message": message})
    response.headers["Cache-Control"] = "no-store"
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="rhi"'
    return response, status


def _token() -> ServiceToken | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    wanted = token_hash(value.strip())
    found = db.session.scalar(
        select(ServiceToken).where(
            ServiceToken.token_hash == wanted, ServiceToken.revoked_at.is_(None)
        )
    )
    if found is None or not hmac.compare_digest(found.token_hash, wanted):
        return None
    return found if found.scope == SCOPE else None


def _refused(detail: str) -> None:
    audit.record(
        "api.refused",
        object_type="api",
        object_id="notifications",
        outcome="refused",
        detail=detail,
    )
    db.session.commit()


@bp.route("/notifications", methods=["POST"])
def notifications() -> tuple[Response, int]:
    token = _token()
    if token is None:
        _refused("no valid token")
        return _error(401, "unauthorised", "Send a valid service token: Authorization: Bearer.")
    limit = imports.max_bytes()
    if (request.content_length or 0) > limit:
        _refused(f"token {token.id}: too large")
        return _error(413, "too_large", too_large_message(limit))
    body = request.get_json(silent=True)
    items = body.get("notifications") if isinstance(body, dict) else None
    if not isinstance(items, list) or len(items) > imports.MAX_API_ITEMS:
        _refused(f"token {token.id}: not a list of notifications")
        return _error(
            422,
            "bad_request",
            'Send JSON: {"notifications": [...]}, at most '
            f"{imports.MAX_API_ITEMS:,} in one request.",
        )
    dry_run = body.get("dry_run", False) if isinstance(body, dict) else False
    if not isinstance(dry_run, bool):
        # "false" (a string) was read as a dry run, and a day's notifications were not saved.
        _refused(f"token {token.id}: dry_run not true or false")
        return _error(422, "bad_request", '"dry_run" is true or false, without quotes.')
    actor = apply.Actor(None, token.team_id, f"token {token.id}", rows="item")
    rows = imports.rows_of_items(items)
    plans = imports.run(rows, actor, token.name, dry_run=dry_run, unit="item")
    token.last_used_at = utcnow()
    tally = apply.counts(plans)
    audit.record(
        "api.notifications",
        object_type="service_token",
        object_id=token.id,
        detail=("dry run: " if dry_run else "")
        + ", ".join(f"{v} {OUTCOMES[k]}" for k, v in tally.items()),
    )
    db.session.commit()
    response = jsonify(
        {
            "dry_run": dry_run,
            "counts": {OUTCOMES[k]: v for k, v in tally.items()},
            "results": [_result(i, plan) for i, plan in enumerate(plans)],
        }
    )
    response.headers["Cache-Control"] = "no-store"
    return response, 200


# What the caller is told, by outcome (created, updated, unchanged) or by code (refused,
# waiting): the same words whichever child or record it was. docs/openapi.yaml lists the codes.
DONE = {
    apply.NEW: "Recorded: a new episode, waiting to be allocated.",
    apply.UPDATE: "The episode with this police reference is updated with the details sent.",
    apply.UNCHANGED: "rhi already holds this notification as sent: nothing changed.",
}
WHY = {
    apply.NEEDS_PERSON: "Waits for a person at the council to confirm which child it is.",
    apply.REFERENCE_CONFLICT: (
        "rhi holds this police reference on another record. Nothing was saved: check the reference."
    ),
    apply.PERSON_ID_CONFLICT: (
        "rhi holds this police person id for another record. Nothing was saved: check the id."
    ),
    apply.TIMES_CONFLICT: (
        "The times sent do not fit the times away rhi holds for this child. Nothing was saved: "
        "check the times."
    ),
    apply.FOUND_WITHOUT_MISSING: (
        "rhi holds no episode with this police reference for this found notification to "
        "update. Nothing was saved: check the reference, or send reported_missing too."
    ),
    apply.WAITING_CONFLICT: (
        "A notification with this police reference waits for a person at the council to "
        "confirm the child, and this one does not fit it. Nothing was saved: check the "
        "reference and the details."
    ),
    apply.NEEDS_COORDINATOR: (
        "rhi's records need putting right at the council before this can be saved. Nothing "
        "was saved."
    ),
    apply.NOT_SAVED: "rhi could not save it. Nothing was saved: send it again later.",
}


def _said(plan: apply.Plan) -> tuple[str | None, str]:
    """The code and the words the caller is told (the module docstring says why not the
    row's message)."""
    row = plan.row
    if plan.outcome == apply.PROBLEM:
        code = plan.code or apply.NEEDS_COORDINATOR
        if row.taken_with is not None:
            # Refused with the item it was read with: the words of that item's answer.
            first = (
                f"The same as item {row.same_as}"
                if row.same_as is not None
                else f"Read together with item {row.taken_with}"
            )
            return code, f"{first}, which was refused: see that item's answer."
        # What was sent could not be read: its words hold only what was sent.
        return code, plan.message if code == apply.INVALID else WHY.get(
            code, WHY[apply.NEEDS_COORDINATOR]
        )
    if plan.outcome == apply.WAITING:
        return apply.NEEDS_PERSON, WHY[apply.NEEDS_PERSON]
    if row.taken_with is not None:
        return None, plan.message  # "The same as item 1: a repeat, counted once."
    return None, DONE[plan.outcome]


def _result(index: int, plan: apply.Plan) -> dict[str, Any]:
    code, message = _said(plan)
    return {
        "index": index,
        "police_reference": plan.row.reference or None,
        "outcome": OUTCOMES[plan.outcome],
        "code": code,
        "message": message,
        "notes": plan.row.notes,
        "episode_id": plan.episode.id if plan.episode is not None else None,
    }
