"""The upload API's wire protocol, as docs/openapi.yaml describes it: the batch and its items,
each item's result, the limits, and the hashes. No HTTP and no database here: `rhi.sync.apply`
applies what this module has parsed, and `rhi.sync.views` speaks HTTP.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rhi.interviews import content as c
from rhi.models import Interview
from rhi.models.base import utcnow
from rhi.models.interviews import MOST_RETURNS_COVERED, UUID_TEXT
from rhi.numbers import MOST_ID
from rhi.sync import events as offline_events
from rhi.sync.validate import MAX_PROBLEMS, FieldProblem, shape_problems
from rhi.timefmt import to_local

MAX_ITEMS = 50
MAX_CHANGED_PATHS = 2000
HASH_TEXT = re.compile(r"^[0-9a-f]{64}$")
DEVICE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def canonical_json(document: dict[str, Any], *, as_sent: bool = False) -> bytes:
    """The bytes a content hash is taken over; documented in docs/openapi.yaml (ContentHash).

    The document is normalised first (what the server stores); `as_sent` takes it exactly as a
    tablet sent it, which is what the tablet hashed: a tablet holding a document from before a
    field was added still proves it arrived whole."""
    text = json.dumps(
        document if as_sent else c.normalise(document),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate: JSON allows it, UTF-8 does not
        raise c.ContentError("Some text is not valid Unicode and cannot be saved.") from exc


def content_hash(document: dict[str, Any], *, as_sent: bool = False) -> str:
    """SHA-256, lower-case hex, of `canonical_json(document)`: the ONE definition."""
    return hashlib.sha256(canonical_json(document, as_sent=as_sent)).hexdigest()


def body_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


@dataclass
class ItemResult:
    uuid: str
    outcome: str  # created, updated, unchanged, conflict, held or rejected
    messages: list[str] = field(default_factory=list)
    version: int | None = None
    drop: bool = False
    server: dict[str, Any] | None = None
    # A passing failure of the server (not of the item): the answer is not remembered for the
    # Idempotency-Key, so the same upload sent again is really tried again.
    try_again: bool = False
    server_uuid: str | None = None  # events applied to the server's interview for the return
    # The interview as the server now holds it (`tablet_state`), so the tablet's copy says what
    # the server says: never worked out again on the tablet. None: nothing to tell (rejected,
    # held), and the tablet keeps what it had.
    state: dict[str, Any] | None = None
    # Rejected for a field of a page: which, and why, to show beside it on the tablet.
    fields: list[FieldProblem] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "uuid": self.uuid,
            "outcome": self.outcome,
            "messages": self.messages,
        }
        if self.version is not None:
            out["version"] = self.version
        if self.server_uuid is not None:
            out["server_uuid"] = self.server_uuid
        if self.outcome in ("rejected", "held"):
            out["drop"] = self.drop
            out["try_again"] = self.try_again
        if self.fields:
            out["fields"] = [problem.as_json() for problem in self.fields]
        if self.server is not None:
            out["server"] = self.server
        if self.state is not None:
            out.update(self.state)
        return out


def tablet_state(interview: Interview) -> dict[str, Any]:
    """What a tablet keeps of an interview's state, as `GET /sync/v1/copies` hands it
    (rhi/sync/copies.py `_interview_entry`): its status, whether its offer is recorded (and with
    how it was made: `offer_on_record`), and
    whether the tablet keeps a copy of it at all (`keep_copy`: not once it has ended, finished
    or its return given an outcome such as the child's final no; the copies hold open
    interviews only)."""
    from rhi.episodes.service import offer_on_record  # episodes.service reads sync's answers

    return {
        "status": interview.status,
        "offer_recorded": interview.offered_at is not None,
        # The start form then asks only for the child's answer, offline as online.
        "offer_on_record": offer_on_record(interview),
        "keep_copy": not interview.ended,
    }


def with_content_hash(state: dict[str, Any], interview: Interview) -> dict[str, Any]:
    """`tablet_state` and the hash of the interview's words as the copies hand them: an
    events-only answer lets the tablet move its copy's version on only when its words are
    these (rhi/static/js/upload.js)."""
    return {**state, "content_hash": content_hash(interview.content)}


class Rejected(Exception):
    """The item refused as it stands. `fields`: the fields of a page refused, for the tablet
    to show beside them (`ItemResult.fields`)."""

    def __init__(self, *messages: str, fields: Sequence[FieldProblem] = ()) -> None:
        super().__init__(*messages)
        self.messages = list(messages)
        self.fields = list(fields)


@dataclass(frozen=True)
class Item:
    uuid: str
    episode_ids: list[int]
    base_version: int | None
    content_hash: str | None  # null with content
    content: dict[str, Any] | None  # null: events only, the document is not changed
    events: list[offline_events.Event] = field(default_factory=list)  # in time order
    # The fields the tablet changed, when it says (null: not known). On a conflict only these
    # are offered against the server's, so words the server replaced do not come back.
    changed_paths: list[str] | None = None


# Database ids and version numbers are PostgreSQL integers (rhi/numbers.py): a number past
# that names nothing, and looking it up would fail in the database (a "try again" the tablet
# would repeat for ever). It was 2**63 - 1, SQLite's limit, which let 2**31 to 2**63 - 1 through.
MAX_ID = MOST_ID


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


def parse_item(raw: Any) -> Item:
    """The item's fields with the types the API promises, or Rejected naming what is wrong."""
    if not isinstance(raw, dict):
        raise Rejected("This item is not an interview upload (expected a JSON object).")
    problems = []
    item_uuid = raw.get("uuid")
    if not isinstance(item_uuid, str) or not UUID_TEXT.match(item_uuid.lower()):
        problems.append("uuid: is not a valid UUID.")
    ids = raw.get("episode_ids")
    if (
        not isinstance(ids, list)
        or not 1 <= len(ids) <= MOST_RETURNS_COVERED
        or not all(_is_int(i) for i in ids)
        or len(set(ids)) != len(ids)
    ):
        problems.append(
            "episode_ids: should list the episodes covered "
            f"(1 to {MOST_RETURNS_COVERED}, each once)."
        )
    base = raw.get("base_version")
    if base is not None and not _is_int(base):
        problems.append("base_version: should be the server's version number, or null.")
    digest, document = raw.get("content_hash"), raw.get("content")
    if "content" not in raw:
        problems.append(
            "content: should be the interview document (a JSON object), or null "
            "when the item only carries events."
        )
    elif document is None:
        if digest is not None:
            problems.append("content_hash: should be null when content is null.")
    else:
        if not isinstance(digest, str) or not HASH_TEXT.match(digest):
            problems.append("content_hash: should be 64 lower-case hex characters (SHA-256).")
        problems += shape_problems(document)
    now_local = to_local(utcnow()).replace(tzinfo=None)
    events, event_problems = offline_events.parse(raw.get("events"), now_local)
    problems += event_problems
    changed = raw.get("changed_paths")
    if changed is not None and (
        not isinstance(changed, list)
        or len(changed) > MAX_CHANGED_PATHS
        or not all(isinstance(p, str) and 0 < len(p) <= 200 for p in changed)
    ):
        problems.append(
            f"changed_paths: should list at most {MAX_CHANGED_PATHS} field paths "
            "(text, up to 200 characters each), or be null."
        )
        changed = None
    if "content" in raw and document is None and not events and not event_problems:
        problems.append("content: is null and there are no events, so there is nothing to save.")
    if problems:
        raise Rejected(*problems[:MAX_PROBLEMS])
    return Item(
        uuid=item_uuid.lower(),
        episode_ids=ids,
        base_version=base,
        content_hash=digest,
        content=document,
        events=events,
        changed_paths=sorted(set(changed)) if changed is not None else None,
    )


# The batch: the body of POST /sync/v1/interviews.


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


class BadBatch(Exception):
    """A body that is not an upload at all: answered 400, nothing applied, nothing kept."""


# An interview document is a few levels deep; anything far deeper is not an upload, and would
# otherwise reach code that recurses (hashing, comparing) and fail there with a 500.
MAX_DEPTH = 20


def _depth(value: Any) -> int:
    """How deeply lists and objects nest in `value`, counted without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, level)
            if level > MAX_DEPTH:
                break
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, level + 1) for child in children)
    return deepest


def parse_batch(raw: bytes) -> tuple[list[Any], str | None]:
    """The items and the device's id (for the audit trail), or BadBatch."""
    try:
        payload = json.loads(raw, parse_constant=_reject_constant)
    except RecursionError as exc:
        raise BadBatch(f"The body nests lists or objects more than {MAX_DEPTH} deep.") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadBatch("The body is not valid JSON.") from exc
    if _depth(payload) > MAX_DEPTH:
        raise BadBatch(f"The body nests lists or objects more than {MAX_DEPTH} deep.")
    if not isinstance(payload, dict) or not isinstance(payload.get("items"), list):
        raise BadBatch('The body should be {"items": [...]}.')
    items = payload["items"]
    if not 1 <= len(items) <= MAX_ITEMS:
        raise BadBatch(f"Send between 1 and {MAX_ITEMS} items at a time.")
    device = payload.get("device_id")
    if device is not None and valid_device_id(device) is None:
        raise BadBatch("device_id should be 1 to 64 letters, digits, - or _.")
    return items, device


def valid_device_id(value: Any) -> str | None:
    return value if isinstance(value, str) and DEVICE_ID.match(value) else None
