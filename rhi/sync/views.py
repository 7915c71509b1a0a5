"""The offline upload API: JSON in, JSON out, described in docs/openapi.yaml.

Errors under /sync/ are JSON too ({"error": code, "message": plain words}), never the HTML error
page, and a signed-out device gets 401 rather than a redirect to the sign-in page, so the
tablet's code can tell "sign in again" from "try again later".
"""

from __future__ import annotations

import json
import logging

from flask import Blueprint, Response, abort, current_app, jsonify, request
from flask import session as session_store
from flask_login import current_user
from flask_wtf.csrf import CSRFError, generate_csrf
from werkzeug.exceptions import HTTPException

from rhi import access, errors
from rhi.auth import fresh
from rhi.extensions import db, limiter
from rhi.interviews.content import MAX_TEXT
from rhi.models.base import utcnow
from rhi.sync import apply, held, idempotency, kept_offline, pin_limits, protocol
from rhi.sync import copies as device_copies

log = logging.getLogger(__name__)

bp = Blueprint("sync", __name__, url_prefix="/sync/v1")

KEY_LENGTH = (8, 100)
JSON_TYPE = "application/json"


def _error(status: int, code: str, message: str) -> tuple[Response, int]:
    return jsonify(error=code, message=message), status


def _signed_out() -> tuple[Response, int]:
    return _error(
        401,
        "signed_out",
        "Sign in again to send what is on this tablet. Nothing on the tablet has been removed.",
    )


@bp.before_request
def signed_in() -> tuple[Response, int] | None:
    if not current_user.is_authenticated:
        return _signed_out()
    return None


@bp.errorhandler(CSRFError)
def csrf_error(_: CSRFError) -> tuple[Response, int]:
    # CSRFProtect runs before this blueprint's own checks, so a signed-out device (whose session,
    # and with it the token, has gone) lands here: tell it to sign in, not to fetch a token.
    if not current_user.is_authenticated:
        return _signed_out()
    return _error(
        400,
        "csrf",
        "The security token is missing or out of date. Fetch a fresh "
        "one from /sync/v1/session and send again.",
    )


@bp.errorhandler(HTTPException)
def http_error(exc: HTTPException) -> tuple[Response, int]:
    code = exc.code or 500
    if code == 413:
        return _error(
            413,
            "too_large",
            "This upload is larger than the server accepts "
            f"({current_app.config['MAX_CONTENT_LENGTH']:,} bytes). "
            "Send fewer interviews at a time.",
        )
    return _error(
        code,
        (exc.name or "error").lower().replace(" ", "_"),
        exc.description or "That did not work.",
    )


@bp.errorhandler(Exception)
def unexpected(exc: Exception) -> tuple[Response, int]:
    if errors.database_unavailable(exc):
        log.warning("database unavailable: %s", exc.__class__.__name__)
        return errors.unavailable(), 503
    db.session.rollback()
    log.exception("sync request failed")  # the trace goes to the log, never to the device
    return _error(
        500,
        "server_error",
        "Something went wrong on the server. Everything is "
        "still on the tablet; it will be sent again.",
    )


@bp.get("/session")
def session() -> Response:
    """What a device needs just before an upload: a fresh CSRF token and who is signed in, and
    the user's device secret (the pepper for the tablet's encryption key)."""
    user = current_user  # device_secret is made with the user (and by a migration for
    # users from before): this GET reads and never writes.
    return jsonify(
        csrf_token=generate_csrf(),
        user={"id": user.id, "name": user.name, "role": user.role},
        device_secret=user.device_secret,
        server_time=device_copies.iso_utc(utcnow()),
        # When the password was last entered here (idle-warning.js: a page signed out comes
        # back only for a password entered after its end).
        password_seconds_ago=fresh.seconds_since(session_store, int(user.id), utcnow()),
        limits={
            "max_items": protocol.MAX_ITEMS,
            "max_body_bytes": current_app.config["MAX_CONTENT_LENGTH"],
            "max_text_characters": MAX_TEXT,
            **pin_limits.limits(),
            **kept_offline.limits(),
        },
    )


@bp.get("/copies")
def copies() -> Response | tuple[Response, int]:
    """What the tablet keeps for working with no signal (see docs/openapi.yaml)."""
    user = current_user._get_current_object()
    # The tablet names whose store the copies would go into: on a shared tablet it may keep
    # another worker's work, locked, and this worker's children are never sealed into it.
    # Asked here, against this request's session, so one request settles it and no child's
    # data leaves for a store that would not keep it.
    store_of = request.args.get("store_of", type=int)
    if store_of is not None and store_of != user.id:
        return _error(
            409,
            "another_workers_store",
            "This tablet keeps another worker's work: nothing of yours is kept on it.",
        )
    now = utcnow()
    episode_id = request.args.get("episode_id", type=int)
    if episode_id is not None and not 1 <= episode_id <= protocol.MAX_ID:
        abort(404)  # names no episode (and would overflow the database's integer)
    if episode_id is not None:
        # One child's return ("Keep on this tablet"); 404 when it is not theirs to see.
        entries = device_copies.episode_copies(user, access.get_episode(user, episode_id), now)
    else:
        entries = device_copies.copies(user, now)
    db.session.commit()  # the device.copy audit event, before any child's data leaves
    response = jsonify(
        copies=entries,
        server_time=device_copies.iso_utc(now),
        waiting_versions=device_copies.waiting_versions(user),
        rules=device_copies.rules(),
        # How long the tablet keeps these: handed over with every list, as it needs no PIN
        # (a store set up before the rule has it from its next list, store.js keepCopiesRule).
        limits=kept_offline.limits(),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/moving")
def moving() -> Response | tuple[Response, int]:
    """Which of the interviews the tablet holds unsent work for are now with someone else (see
    docs/openapi.yaml): {"uuids": [...], "episodes": {uuid: [episode ids]}} in (`episodes` for
    interviews begun on the tablet, optional), {"moving": [{"uuid", "message"}]} out."""
    body = request.get_json(silent=True)
    uuids = body.get("uuids") if isinstance(body, dict) else None
    if not isinstance(uuids, list) or len(uuids) > held.MAX_ASKED:
        return _error(
            400, "bad_body", f'Send {{"uuids": [...]}}, at most {held.MAX_ASKED} interview UUIDs.'
        )
    said = held.moving(current_user._get_current_object(), uuids, body.get("episodes"))
    db.session.commit()  # the audit events, before any child's name leaves
    response = jsonify(moving=said)
    response.headers["Cache-Control"] = "no-store"
    return response


def _upload_limit() -> str:
    return current_app.config["RHI_UPLOAD_RATE_LIMIT"]


@bp.post("/interviews")
@limiter.limit(_upload_limit, key_func=lambda: str(current_user.get_id()))
def upload() -> Response | tuple[Response, int]:
    user = current_user._get_current_object()
    key = request.headers.get("Idempotency-Key", "")
    if not (KEY_LENGTH[0] <= len(key) <= KEY_LENGTH[1] and key.isascii() and key.isprintable()):
        return _error(
            400,
            "idempotency_key",
            "Send an Idempotency-Key header of 8 to 100 printable characters, new for each upload.",
        )
    if not request.is_json:
        return _error(415, "not_json", "Send the upload as application/json.")
    raw = request.get_data(cache=True)
    digest = protocol.body_hash(raw)
    earlier = idempotency.remembered(user, key)
    if earlier is not None:
        return _replay(earlier.body_hash, digest, earlier.response)
    try:
        items, device_id = protocol.parse_batch(raw)
    except protocol.BadBatch as exc:
        return _error(400, "bad_body", str(exc))
    results = apply.upload(
        user, items, device_id=device_id, deadline_hours=current_app.config["RHI_DEADLINE_HOURS"]
    )
    body = json.dumps(
        {"results": [r.as_json() for r in results]}, ensure_ascii=False, separators=(",", ":")
    )
    if any(r.try_again for r in results):
        # Not remembered: a retry of this body under this key must be tried afresh.
        return _replay(digest, digest, body)
    stored = idempotency.remember(user, key, digest, body)
    return _replay(stored.body_hash, digest, stored.response)


def _replay(stored_digest: str, digest: str, body: str) -> Response | tuple[Response, int]:
    """The stored answer, byte for byte; or 422 when the key was used for a different body."""
    if stored_digest != digest:
        return _error(
            422,
            "idempotency_key_reused",
            "This Idempotency-Key was already used for a different upload. Use a new key.",
        )
    return Response(body, status=200, mimetype=JSON_TYPE)
