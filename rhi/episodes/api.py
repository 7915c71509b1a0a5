"""POST /api/v1/notifications: police missing and found notifications from a police or case
system, by the same rules as a file (rhi/episodes/imports.py).

Authenticated by a service token (`Authorization: Bearer ...`), made and revoked by an
administrator (rhi/admin/tokens.py): only its SHA-256 is stored, it is scoped to notifications
only, and every use (and every refusal) is audited. No session and no cookie are involved, so
the CSRF check (which protects cookies) does not apply: the blueprint is exempt.
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
    actor = apply.Actor(None, token.team_id, f"token {token.id}")
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


def _result(index: int, plan: apply.Plan) -> dict[str, Any]:
    return {
        "index": index,
        "police_reference": plan.row.reference or None,
        "outcome": OUTCOMES[plan.outcome],
        "message": plan.message,
        "notes": plan.row.notes,
        "episode_id": plan.episode.id if plan.episode is not None else None,
    }
