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

A notification for a child or a time away new to rhi waits to be allocated, and only the
managers and missing coordinators of the token's team see it (rhi/access.py). Where the team
has none (a token made for a social-work team, or a team whose last one left), what would be
new is refused (`NO_ONE_TO_ALLOCATE`), never recorded where no one would see it: a probe found
a child back after a high-risk time away recorded, answered "created", and seen by no one.
Updates to what rhi already holds go on as before.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import IO, Any

from flask import Blueprint, current_app, jsonify, request
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from rhi import access, audit
from rhi.episodes import imports
from rhi.episodes import imports_apply as apply
from rhi.episodes.imports_csv import CHUNK, Row
from rhi.extensions import csrf, db, limiter
from rhi.models import ServiceToken, Team
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
    if status == 405:
        response.headers["Allow"] = "POST"
    return response, status


@bp.route("/notifications", methods=["GET", "PUT", "PATCH", "DELETE"])
def not_allowed() -> tuple[Response, int]:
    """A route of its own: a method the URL does not take fails in routing, before any
    blueprint's error handler could answer in JSON (the caller got the HTML 405 page)."""
    return _error(
        405,
        "method_not_allowed",
        f"{request.method} is not taken here: send the notifications with POST.",
    )


def _bearer() -> str | None:
    """The token the request carries (`Authorization: Bearer ...`, the scheme in any case, the
    value with any spaces around it), or None."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _token() -> ServiceToken | None:
    sent = _bearer()
    if sent is None:
        return None
    wanted = token_hash(sent)
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


def _rate_limit() -> str:
    return current_app.config["RHI_API_RATE_LIMIT"]


def _caller() -> str:
    """Whose requests are counted together: each token's (by its digest, never the token; read
    as `_token` reads it, so "bearer" or extra spaces count with it: rev37), or each address
    that sends none."""
    sent = _bearer()
    return token_hash(sent) if sent else f"address {request.remote_addr}"


@bp.errorhandler(429)
def _too_many(_exc: Exception) -> tuple[Response, int]:
    """The caller is a system: told in JSON, with when to send again (the pages' 429 is HTML)."""
    response, status = _error(
        429, "too_many_requests", "Too many requests from this token: send again in a minute."
    )
    response.headers["Retry-After"] = "60"
    return response, status


@bp.route("/notifications", methods=["POST"])
# A police system sends a few requests an hour; many a minute is a fault or someone trying
# names and dates (a probe tried 365 in 8 seconds).
@limiter.limit(_rate_limit, key_func=_caller)
def notifications() -> tuple[Response, int]:
    token = _token()
    if token is None:
        _refused("no valid token")
        return _error(401, "unauthorised", "Send a valid service token: Authorization: Bearer.")
    limit = imports.max_bytes()
    data = _body(limit)
    if data is None:
        _refused(f"token {token.id}: too large")
        return _error(413, "too_large", _too_large(limit))
    body, unread = _json(data)
    if unread is None:
        items = body.get("notifications") if isinstance(body, dict) else None
        unread = _not_a_batch(items)
    if unread is not None:
        why, message = unread
        _refused(f"token {token.id}: {why}")
        return _error(422, "bad_request", message)
    dry_run = body.get("dry_run", False)
    if not isinstance(dry_run, bool):
        # "false" (a string) was read as a dry run, and a day's notifications were not saved.
        _refused(f"token {token.id}: dry_run not true or false")
        return _error(422, "bad_request", '"dry_run" is true or false, without quotes.')
    month_first = imports.month_first_items(items)
    if month_first is not None:
        _refused(f"token {token.id}: dates month first")
        return _error(422, "month_first", month_first)
    actor = apply.Actor(None, token.team_id, f"token {token.id}", rows="item", token_id=token.id)
    rows = imports.rows_of_items(items)
    if _someone_allocates(token):
        plans = imports.run(rows, actor, token.name, dry_run=dry_run, unit="item")
    else:
        plans = _nothing_new(rows, actor, token.name, dry_run=dry_run)
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
            "results": _results(plans),
        }
    )
    response.headers["Cache-Control"] = "no-store"
    return response, 200


def _too_large(limit: int) -> str:
    # A caller's program, not a person at the CSV screen: it sends requests, not files.
    return (
        f"This request is larger than {limit:,} bytes, the most rhi reads in one request "
        "(RHI_IMPORT_MAX_BYTES). Nothing was saved: send the notifications in smaller requests."
    )


def _body(limit: int) -> bytes | None:
    """The body, or None where it is over `limit`: read no further than one byte past it,
    however it is framed. Content-Length alone was checked, so a chunked body (which has none)
    was read whole and past even MAX_CONTENT_LENGTH, whose refusal was then taken for JSON
    that could not be read."""
    if (request.content_length or 0) > limit:
        return None  # refused before a byte is read
    try:
        data = _read_upto(request.stream, limit + 1)
    except RequestEntityTooLarge:  # past MAX_CONTENT_LENGTH, should it be set below `limit`:
        return None  # the same refusal, in JSON, not the council's HTML error page
    return None if len(data) > limit else data


def _read_upto(stream: IO[bytes], most: int) -> bytes:
    parts: list[bytes] = []
    left = most
    while left > 0 and (chunk := stream.read(min(CHUNK, left))):
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


# Why a body could not be read: the audit's words (no more than what was sent allows) and the
# caller's, which say what to put right.
Unread = tuple[str, str]
SHAPE = '{"notifications": [...]}'


def _json(data: bytes) -> tuple[Any, Unread | None]:
    """The body read as JSON, or why it could not be: each answer says what to put right (all
    of them were "Send JSON: ..." whatever was wrong)."""
    if not request.is_json:
        sent = f"as {request.mimetype}" if request.mimetype else "with no Content-Type"
        return None, (
            "not sent as JSON",
            f"The body was sent {sent}: send it with Content-Type: application/json, "
            f"as JSON: {SHAPE}.",
        )
    if not data.strip():
        return None, ("empty body", f"The body is empty: send JSON, {SHAPE}.")
    try:
        # JSON is UTF-8 (RFC 8259): decoded here, not guessed, so another encoding is named.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, (
            "not UTF-8",
            f"The body is not UTF-8: byte {exc.start + 1:,} (0x{data[exc.start]:02X}) is not "
            "UTF-8 text, as in Latin-1 or Windows-1252. Send the body encoded as UTF-8.",
        )
    try:
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        return None, ("not valid JSON", f"The body is not valid JSON: {_where(exc)}. Send {SHAPE}.")


def _where(exc: json.JSONDecodeError) -> str:
    if exc.pos >= len(exc.doc.rstrip()):
        # Python says "Expecting value" of a body cut short, which points at nothing sent.
        return "it ends before the JSON does (was it cut short?)"
    return f"{exc.msg} at line {exc.lineno}, column {exc.colno} (character {exc.pos + 1:,})"


def _not_a_batch(items: Any) -> Unread | None:
    if not isinstance(items, list):
        return (
            "not a list of notifications",
            f'The body holds no "notifications" list: send {SHAPE}, at most '
            f"{imports.MAX_API_ITEMS:,} in one request.",
        )
    if len(items) > imports.MAX_API_ITEMS:
        return (
            f"{len(items):,} notifications",
            f"At most {imports.MAX_API_ITEMS:,} notifications in one request: this one has "
            f"{len(items):,}. Nothing was saved: send {imports.MAX_API_ITEMS:,} in one request "
            "and the rest in another.",
        )
    return None


NO_ONE_TO_ALLOCATE = "no_one_to_allocate"
# What would be recorded and then wait for someone in the token's team: a new episode, or a
# notification waiting for a person to confirm the child.
WOULD_WAIT = (apply.NEW, apply.WAITING)


def _someone_allocates(token: ServiceToken) -> bool:
    return (
        db.session.scalar(
            select(Team.id).where(Team.id == token.team_id, access.allocating_team_filter())
        )
        is not None
    )


def _nothing_new(
    rows: list[Row], actor: apply.Actor, source: str, *, dry_run: bool
) -> list[apply.Plan]:
    """The rows as `imports.run` takes them, but every one that would be recorded new or wait
    for a person refused (`NO_ONE_TO_ALLOCATE`), with those read together with it: no one in
    the token's team would see it. Run again without them until none is left, each run
    undone (a SAVEPOINT) but the last: a row may turn new only once another is left out (a
    found notification meeting the new episode that row would have made)."""
    if not dry_run:
        apply.serialise()  # the runs read and write as one: no apply at the same time between
    refused: set[int] = set()
    while True:
        kept = [row for row in rows if row.line not in refused]
        saved = None if dry_run else db.session.begin_nested()
        plans = imports.run(kept, actor, source, dry_run=dry_run, unit="item")
        new = {plan.row.line for plan in plans if plan.outcome in WOULD_WAIT}
        if not new:
            break
        if saved is not None:
            saved.rollback()  # with its audit records: the rows are run again without these
        refused |= _with_those_read_together(rows, new)
    if saved is not None:
        saved.commit()
    by_line = {plan.row.line: plan for plan in plans}
    return [by_line.get(row.line) or _refuse_new(row, actor, dry_run) for row in rows]


def _with_those_read_together(rows: list[Row], lines: set[int]) -> set[int]:
    """`lines`, and every row that goes in or is refused with one of them (`Row.taken_with`, a
    later line: so from the last row back, a chain follows)."""
    together = set(lines)
    for row in reversed(rows):
        if row.taken_with in together:
            together.add(row.line)
    return together


def _refuse_new(row: Row, actor: apply.Actor, dry_run: bool) -> apply.Plan:
    if not dry_run:  # audited as `apply.apply_rows` audits the rows it refuses
        audit.record(
            "import.refused",
            object_type="import_row",
            object_id=row.line,
            detail=f"{actor.rows} {row.line} refused ({actor.label}): {NO_ONE_TO_ALLOCATE}",
            outcome="refused",
        )
    return apply.Plan(row, apply.PROBLEM, WHY[NO_ONE_TO_ALLOCATE], code=NO_ONE_TO_ALLOCATE)


# What the caller is told, by outcome (created, updated, unchanged) or by code (refused,
# waiting): the same words whichever child or record it was. docs/openapi.yaml lists the codes.
DONE = {
    apply.NEW: "Recorded: a new episode, waiting to be allocated.",
    apply.UPDATE: "The episode this police reference belongs to is updated with the details sent.",
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
    NO_ONE_TO_ALLOCATE: (
        "No one at the council would see this notification: the team this token records "
        "for has no manager or missing coordinator to allocate it. Nothing was saved: ask the "
        "council's rhi administrator to add one to the team, or for a token for another team."
    ),
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
        # "The same as item 1: a repeat, counted once.", "Read together with item 3: the same
        # episode." (whose id the result gives: `_result`).
        return None, plan.message
    return None, DONE[plan.outcome]


def _results(plans: list[apply.Plan]) -> list[dict[str, Any]]:
    by_line = {plan.row.line: plan for plan in plans}
    return [_result(i, plan, _applied_with(plan, by_line)) for i, plan in enumerate(plans)]


def _applied_with(plan: apply.Plan, by_line: dict[int, apply.Plan]) -> apply.Plan | None:
    """The plan of the item this one went in with (`Row.taken_with`, followed to the last of a
    chain), or None where it went in on its own. Its answer had no episode, though what it held
    was saved on one: the caller could not tie its found notification to the episode."""
    seen: set[int] = set()
    found = None
    line = plan.row.taken_with
    while line is not None and line in by_line and line not in seen:
        seen.add(line)
        found = by_line[line]
        line = found.row.taken_with
    return found


def _result(index: int, plan: apply.Plan, applied_with: apply.Plan | None) -> dict[str, Any]:
    code, message = _said(plan)
    # Never another team's episode (a notification passed on to the team keeping the child).
    episode = plan.episode if plan.keeping_team_id is None else None
    if (
        episode is None
        and applied_with is not None
        and plan.outcome != apply.PROBLEM
        and applied_with.keeping_team_id is None
    ):
        # Counted once, with the item it was read with (so `unchanged` here), but what it held
        # (a found time sent before its missing notification) went in on that item's episode.
        episode = applied_with.episode
    return {
        "index": index,
        "police_reference": plan.row.reference or None,
        "outcome": OUTCOMES[plan.outcome],
        "code": code,
        "message": message,
        "notes": plan.row.notes,
        "episode_id": episode.id if episode is not None else None,
    }
