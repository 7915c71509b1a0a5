"""What app tests share: signing in to start an interview, autosaving, building and sending
tablet uploads, and reading back what the database holds. Test modules import from here, never
from one another."""

from __future__ import annotations

import json
import re
import uuid as uuidlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

from sqlalchemy import event, func, select

from rhi.extensions import db
from rhi.interviews import content as c
from rhi.models import AuditEvent, Episode, Interview
from rhi.sync.protocol import content_hash
from tests.conftest import Web

# The administrator's settings form as the app ships it (POST /admin/settings): tests change
# one value over these.
ADMIN_SETTINGS = {
    "deadline_hours": "72",
    "repeat_episodes": "3",
    "repeat_days": "30",
    "long_episode_hours": "48",
    "reoffer_days": "7",
    "interview_name": "return home interview",
    "duty_inbox": "",
}

URL = "/sync/v1/interviews"


def doc(**fields: Any) -> dict[str, Any]:
    document = c.empty_content()
    for path, value in fields.items():
        document = c.set_field(document, path.replace("__", "."), value)
    return document


def item(
    episode_ids: list[int],
    content: dict[str, Any],
    *,
    uuid: str | None = None,
    base_version: int | None = None,
    digest: str | None = None,
) -> dict[str, Any]:
    if digest is None:
        try:
            digest = content_hash(content)
        except AttributeError:  # a document too malformed to normalise: refused before hashing
            digest = "0" * 64
    return {
        "uuid": uuid or str(uuidlib.uuid4()),
        "episode_ids": episode_ids,
        "base_version": base_version,
        "content_hash": digest,
        "content": content,
    }


# What a tablet sends with a new interview it held: the offer, the child's yes and the start.
# Content never begins an interview without the offer and the yes (rhi/sync/apply.py); the
# tests' clock is fixed (tests/app/conftest.py), so a fixed local time that morning will do.
def with_yes(upload: dict[str, Any], at: str = "2026-11-23 09:30") -> dict[str, Any]:
    kinds = (("offer", {"method": "visit"}), ("accept", {}), ("start", {}))
    events = [{"id": str(uuidlib.uuid4()), "kind": k, "at": at, **more} for k, more in kinds]
    return {**upload, "events": [*(upload.get("events") or []), *events]}


def token(web: Web) -> str:
    response = web.get("/sync/v1/session")
    assert response.status_code == 200
    return response.get_json()["csrf_token"]


def send(
    web: Web,
    items: list[dict[str, Any]],
    *,
    key: str | None = None,
    csrf: bool = True,
    body: bytes | None = None,
    device: str = "tab-1",
):
    headers = {"Content-Type": "application/json"}
    if csrf:
        headers["X-CSRFToken"] = token(web)
    if key != "":
        headers["Idempotency-Key"] = key or uuidlib.uuid4().hex
    data = body if body is not None else json.dumps({"items": items, "device_id": device})
    return web.client.post(URL, data=data, headers=headers)


def results(response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["results"]


def one(response) -> dict[str, Any]:
    (result,) = results(response)
    return result


def stored(app, uuid: str) -> Interview | None:
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        if interview is not None:
            db.session.expunge(interview)
        return interview


def count(app, model: type) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def audit_actions(app) -> list[tuple[str, str | None, str]]:
    with app.app_context():
        return [
            (e.action, e.object_id, e.outcome)
            for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        ]


# The offer and the child's "yes", as a worker fills them in on the episode page's start form
# (an interview never starts without them: rhi/episodes/service.py may_start).
OFFER_AND_YES = {"offered_at": "2026-11-23T09:30", "method": "visit", "answer": "yes"}


def start(web: Web, world, worker: str = "worker_a", episode: str = "a") -> str:
    """`worker` signs in, offers an interview for `episode`'s return and the child says yes:
    the new interview's uuid."""
    web.sign_in(world.emails[worker])
    url = f"/episodes/{world.episodes[episode]}"
    response = web.post(url + "/interview", OFFER_AND_YES, page=url)
    assert response.status_code == 302
    match = re.search(r"/interviews/([0-9a-f-]{36})/start", response.headers["Location"])
    assert match
    return match.group(1)


def autosave(web: Web, uuid: str, path: str, value: str, original: str | None):
    token = web.csrf(f"/interviews/{uuid}/start")
    data = {f"f:{path}": value}
    if original is not None:
        data[f"o:{path}"] = original
    return web.client.post(
        f"/interviews/{uuid}/save", data=data, headers={"HX-Request": "true", "X-CSRFToken": token}
    )


def content(app, uuid):
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        return interview.content, interview.version, interview.status


@contextmanager
def statements(app) -> Iterator[list[str]]:
    """The SQL statements the app sends to its database inside the block, in order: a test
    asks a page twice, with more rows the second time, and compares how many it took."""
    sent: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany) -> None:
        sent.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", note)


def prepared_file(web: Web, url: str, page: str):
    """Ask for a file that is prepared as a download job (rhi/jobs/downloads.py), as the button
    on `page` does, and fetch it from its waiting page once ready (jobs run in this process,
    after the request, when there is no Redis). The file's response."""
    asked = web.post(url, page=page)
    assert asked.status_code == 303, asked.status_code
    waiting = web.get(asked.headers["Location"]).get_data(as_text=True)
    assert "It is ready." in waiting, waiting
    link = re.search(r'href="(/downloads/\d+/file)"', waiting)
    assert link, "no download link on the waiting page"
    return web.get(link.group(1))


# ---- an interview's document, and the read-back page's blocks --------------------------------


def store(app, uuid: str, document: dict[str, Any]) -> None:
    """Put `document` in the interview as its content (as saved JSON)."""
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        interview.content = json.loads(json.dumps(document))
        db.session.commit()


def stored_document(app, uuid: str) -> dict[str, Any]:
    """The interview's content as the app reads it (normalised)."""
    with app.app_context():
        return c.normalise(
            db.session.scalar(select(Interview).where(Interview.uuid == uuid)).content
        )


class Blocks(HTMLParser):
    """The text of each data-read-back block of the read-back page, by recipient."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: dict[str, list[str]] = {}
        self.current: str | None = None
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "section" and a.get("data-read-back"):
            self.current, self.depth = str(a["data-read-back"]), 0
            self.blocks[self.current] = []
        if self.current and tag == "section":
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self.current and tag == "section":
            self.depth -= 1
            if self.depth == 0:
                self.current = None

    def handle_data(self, data: str) -> None:
        if self.current:
            self.blocks[self.current].append(data)


def blocks(html: str) -> dict[str, str]:
    parser = Blocks()
    parser.feed(html)
    return {k: " ".join("".join(v).split()) for k, v in parser.blocks.items()}


MARK = re.compile(r"[A-Z_]+\d?X|WORDS[a-z_]+X")


def marks(text: str) -> set[str]:
    return set(MARK.findall(text))


# The service page: its figures read as a person reads them, and a history to count.
_TAGS = re.compile(r"<[^>]+>")


def page_text(html: str) -> str:
    return " ".join(_TAGS.sub(" ", html).split())


def figure_beside(html: str, words: str) -> str:
    """The number shown beside a figure's words."""
    match = re.search(re.escape(words) + r"\s+(\d+)", page_text(html))
    assert match, words
    return match.group(1)


def service_history(app, world) -> None:
    """Ada's return (team A) held within 72 hours; an earlier return of hers, five days ago,
    declined; Ben's return (team B) offered only."""
    with app.app_context():
        ada = db.session.get(Episode, world.episodes["a"])
        interview = db.session.scalar(
            select(Interview).where(Interview.uuid == world.interviews["a"])
        )
        interview.offered_at = ada.returned_at + timedelta(hours=1)
        interview.accepted_at = ada.returned_at + timedelta(hours=2)
        interview.held_at = ada.returned_at + timedelta(hours=5)
        earlier = Episode(
            child=ada.child,
            risk_grade="Medium",
            dfe_type="M",
            started_at=ada.returned_at - timedelta(days=6),
            returned_at=ada.returned_at - timedelta(days=5),
            assigned_team_id=ada.assigned_team_id,
        )
        declined = Interview(
            status="declined",
            due_at=earlier.returned_at + timedelta(hours=72),
            offered_at=earlier.returned_at + timedelta(hours=3),
            declined_at=earlier.returned_at + timedelta(hours=4),
            content={},
        )
        declined.episodes.append(earlier)
        db.session.add_all([earlier, declined])
        ben = db.session.scalar(select(Interview).where(Interview.uuid == world.interviews["b"]))
        ben.offered_at = ben.due_at - timedelta(hours=60)
        db.session.commit()


def lend_a_return(app, child_id: int, team_name: str) -> int:
    """A return of the child's, just back, held by another team (a team lent one return of
    theirs): its id."""
    from rhi.models import Team
    from rhi.models.base import utcnow

    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == team_name))
        lent = Episode(
            child_id=child_id,
            risk_grade="Low",
            dfe_type="M",
            started_at=utcnow() - timedelta(hours=12),
            returned_at=utcnow() - timedelta(hours=3),
            assigned_team_id=team.id,
        )
        db.session.add(lent)
        db.session.commit()
        return lent.id
