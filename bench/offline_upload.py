"""Benchmark the offline upload API and what the service worker saves on a page load.

Run from the repo root:  .venv/bin/python bench/offline_upload.py

One run, on a throwaway SQLite database with the demo data plus 200 returned episodes for the
demo worker's team (Missing Children Team North), served by gunicorn as in returns_page.py:

1. Upload: 200 interviews written on a tablet (six sections of 100-300 words, a few findings,
   people, actions and consent answers) sent to POST /sync/v1/interviews in batches of 50, the
   way the device does it (GET /sync/v1/session for a fresh CSRF token, then the batch with a new
   Idempotency-Key). Every outcome must be `created`. Then the same 200 again, as a retry after
   lost answers would (new keys, so the server really applies them again): every outcome must be
   `unchanged` and the number of interviews in the database must not move. Baseline, same server,
   same session: 200 one-field autosaves (POST /interviews/<uuid>/save, as htmx sends them). An
   autosave is the online way to record the same work, and like an upload it is signed in,
   CSRF-checked and writes an interview, so "ms per uploaded interview / ms per autosave" says
   how many autosaves one offline interview costs. (GET /healthz would only measure gunicorn.)
2. Page bytes: headless Chromium signs in as the worker and opens one of the uploaded interviews
   (/interviews/<uuid>/start) twice: a first load (no service worker yet; it installs and keeps
   the app shell) and a reload (the service worker controls the page). Each response's body size
   is recorded with whether the service worker answered it. The page HTML is never cached: it
   holds a child's data, so the service worker always sends it to the network (by design). A
   third load with the network cut off shows what a tablet with no signal gets: the blank
   interview page (rhi/shells.py) and every file from the service worker's cache, 0 bytes from
   the network (checked).

It prints tables; there are no timing thresholds. It exits non-zero only when something broke
(a server did not start, sign-in failed, a request was not 200, an outcome was not the one
expected, the interview count moved, the browser failed).
"""

from __future__ import annotations

import http.client
import json
import os
import random
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

# The shared gunicorn harness: demo database, gunicorn, readiness, sign-in (also puts the repo on
# sys.path, so `rhi` imports below work).
from harness import (
    COOKIE_NAME,
    DEMO_PASSWORD,
    HOST,
    WORKER,
    BenchError,
    demo_database,
    gunicorn,
    run,
    sign_in_worker,
    temp_dir,
)

N_INTERVIEWS = 200
BATCH = 50  # rhi.sync.protocol.MAX_ITEMS
TEAM = "Missing Children Team North"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# Lets Playwright report the service worker's own fetches (its precache on install, and the
# pages it passes through to the network) as context-level responses.
os.environ["PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS"] = "1"

# Neutral casework sentences (language-guide friendly), shuffled into section texts.
SENTENCES = [
    "She said she had been staying with a friend from school for two nights.",
    "He told me he felt nobody at home listened when he was worried.",
    "We talked about who she trusts and who she would call if she felt unsafe.",
    "They said an older adult had bought them food and topped up their phone.",
    "He explained that he went to the town centre after an argument with his carer.",
    "She described feeling tired and cold, and said she had not eaten much.",
    "We agreed she would meet the youth worker next week at a place she chose.",
    "He said \u201cI just wanted to be somewhere quiet for a bit.\u201d",
    "Her carer was worried and reported her missing the same evening.",
    "He talked about school and said the last few weeks had been hard.",
    "She said she felt safer now that she is back, but still upset.",
    "We discussed what would help: more time with her nan and a calmer routine.",
    "He did not want to talk about where the new phone came from, and I did not press him.",
    "I explained the interview is voluntary and that he could stop at any time.",
    "She would like her social worker to know how she feels about the placement.",
    "They said they used buses and once got a lift from someone they had met online.",
]


class Http:
    """One keep-alive connection with the session cookie; counts request and response bodies."""

    def __init__(self, port: int, cookie: str) -> None:
        self.conn = http.client.HTTPConnection(HOST, port, timeout=60)
        self.cookie = cookie
        self.sent = 0  # request body bytes
        self.received = 0  # response body bytes
        self.requests = 0

    def call(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> bytes:
        all_headers = {"Cookie": f"{COOKIE_NAME}={self.cookie}", **(headers or {})}
        self.conn.request(method, path, body=body, headers=all_headers)
        resp = self.conn.getresponse()
        data = resp.read()
        self.requests += 1
        self.sent += len(body or b"")
        self.received += len(data)
        if resp.status != 200:
            raise BenchError(f"{method} {path} answered {resp.status}: {data[:300]!r}")
        return data

    def close(self) -> None:
        self.conn.close()


@dataclass
class Timed:
    name: str
    requests: int
    units: int  # interviews uploaded, or autosaves
    seconds: float
    sent: int
    received: int
    outcomes: dict[str, int] = field(default_factory=dict)

    @property
    def ms_per_unit(self) -> float:
        return self.seconds * 1000 / self.units


def seed_episodes(count: int) -> list[int]:
    """Add `count` returned episodes for the demo children, assigned to team North; their ids."""
    from sqlalchemy import select

    from rhi import create_app
    from rhi.extensions import db
    from rhi.models import Child, Episode, Team
    from rhi.models.base import utcnow

    app = create_app()
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == TEAM))
        children = list(db.session.scalars(select(Child).order_by(Child.id)))
        if team is None or not children:
            raise BenchError("the demo data has no team North or no children")
        now = utcnow()
        episodes = []
        for i in range(count):
            returned = now - timedelta(hours=3, minutes=i)  # back a few hours ago
            episodes.append(
                Episode(
                    child=children[i % len(children)],
                    police_reference=f"WY-BENCH-{i:03d}",
                    risk_grade="Medium",
                    dfe_type="M",
                    started_at=returned - timedelta(hours=18),
                    returned_at=returned,
                    reported_by="Carer",
                    found_where="Town centre",
                    found_by="Police",
                    assigned_team=team,
                )
            )
        db.session.add_all(episodes)
        db.session.commit()
        return [e.id for e in episodes]


def interview_count() -> int:
    from sqlalchemy import func, select

    from rhi import create_app
    from rhi.extensions import db
    from rhi.models import Interview

    with create_app().app_context():
        return int(db.session.scalar(select(func.count(Interview.id))) or 0)


def other_open_interview(exclude: set[str]) -> str:
    """A demo in-progress interview the worker can see (not one of the uploaded ones)."""
    from sqlalchemy import select

    from rhi import create_app
    from rhi.extensions import db
    from rhi.models import Interview, InterviewStatus

    with create_app().app_context():
        for found in db.session.scalars(
            select(Interview.uuid).where(Interview.status == InterviewStatus.IN_PROGRESS.value)
        ):
            if found not in exclude:
                return str(found)
    raise BenchError("the demo data has no in-progress interview for the autosave baseline")


def paragraph(rng: random.Random, words: int) -> str:
    """About `words` words of casework sentences."""
    out: list[str] = []
    while sum(len(s.split()) for s in out) < words:
        out.append(rng.choice(SENTENCES))
    return " ".join(out)


def tablet_document(rng: random.Random, held_on: str) -> dict[str, Any]:
    """A realistic interview as a tablet holds it, written through content.set_field."""
    from rhi.interviews import content as c
    from rhi.prompts import SECTION_IDS

    doc = c.empty_content()
    sets: list[tuple[str, Any]] = [
        ("start.explained_voluntary", True),
        ("start.explained_confidentiality", True),
        ("start.location", "At her carer's kitchen table, her choice"),
        ("start.present", "The child and the interviewer"),
        ("start.held_on", held_on),
        ("risk_view", rng.choice(["low", "medium", "high"])),
        ("protective_factors", paragraph(rng, 40)),
        ("push.family_conflict.on", True),
        ("push.family_conflict.note", paragraph(rng, 30)),
        ("pull.friends_family.on", True),
        ("pull.friends_family.note", paragraph(rng, 25)),
        ("harms.unexplained_items.on", True),
        ("harms.unexplained_items.note", paragraph(rng, 20)),
        ("consent.social_worker.answer", "yes"),
        ("consent.social_worker.words", "Yes, she can know what I said."),
        ("consent.police.answer", "no"),
    ]
    sets += [(f"sections.{s}.text", paragraph(rng, rng.randint(100, 300))) for s in SECTION_IDS]
    for path, value in sets:
        doc = c.set_field(doc, path, value)
    doc, person = c.add_item(doc, "people", uuid.uuid4().hex[:12])
    for key, value in (
        ("name", "Dee"),
        ("age", "about 30"),
        ("relationship", "a friend"),
        ("concern", "Bought food and a phone top-up."),
    ):
        doc = c.set_field(doc, f"people.{person}.{key}", value)
    doc, action = c.add_item(doc, "actions", uuid.uuid4().hex[:12])
    doc = c.set_field(doc, f"actions.{action}.kind", "exploitation_team")
    doc = c.set_field(doc, f"actions.{action}.owner", "Sam Ahmed")
    return doc


def make_items(episode_ids: list[int]) -> list[dict[str, Any]]:
    """One queued upload item per episode, as the tablet would send it."""
    from rhi import create_app
    from rhi.models.base import utcnow
    from rhi.sync.protocol import content_hash
    from rhi.timefmt import to_local

    rng = random.Random(2026)
    with create_app().app_context():  # the local time zone is app config
        held_on = (to_local(utcnow()) - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M")
    items = []
    for episode_id in episode_ids:
        doc = tablet_document(rng, held_on)
        items.append(
            {
                "uuid": str(uuid.uuid4()),
                "episode_ids": [episode_id],
                "base_version": None,
                "content_hash": content_hash(doc),
                "content": doc,
            }
        )
    return items


def upload_all(
    name: str, port: int, cookie: str, items: list[dict[str, Any]], expect: str
) -> Timed:
    """Send `items` in batches of 50 as the device does; check every outcome is `expect`."""
    client = Http(port, cookie)
    outcomes: dict[str, int] = {}
    t0 = time.perf_counter()
    try:
        for start in range(0, len(items), BATCH):
            # Fresh token before each upload (never replay stored raw requests).
            token = json.loads(client.call("GET", "/sync/v1/session"))["csrf_token"]
            body = json.dumps(
                {"items": items[start : start + BATCH], "device_id": "bench-tablet"},
                ensure_ascii=False,
                separators=(",", ":"),
            ).encode()
            answer = json.loads(
                client.call(
                    "POST",
                    "/sync/v1/interviews",
                    body,
                    {
                        "Content-Type": "application/json",
                        "X-CSRFToken": token,
                        "Idempotency-Key": str(uuid.uuid4()),
                    },
                )
            )
            for result in answer["results"]:
                outcomes[result["outcome"]] = outcomes.get(result["outcome"], 0) + 1
    finally:
        client.close()
    seconds = time.perf_counter() - t0
    if outcomes != {expect: len(items)}:
        raise BenchError(f"{name}: expected {len(items)} {expect}, got {outcomes}")
    return Timed(name, client.requests, len(items), seconds, client.sent, client.received, outcomes)


def autosaves(port: int, cookie: str, interview_uuid: str, count: int) -> Timed:
    """`count` one-field autosaves, each as htmx sends it (form body, X-CSRFToken, HX-Request)."""
    client = Http(port, cookie)
    token = json.loads(client.call("GET", "/sync/v1/session"))["csrf_token"]
    client.requests = client.sent = client.received = 0  # the token fetch is not timed
    rng = random.Random(7)
    previous = ""
    t0 = time.perf_counter()
    try:
        for i in range(count):
            text = f"{paragraph(rng, 25)} ({i})"
            form = {
                "f:sections.analysis.text": text,
                "o:sections.analysis.text": previous,
                "page": "analysis",
            }
            client.call(
                "POST",
                f"/interviews/{interview_uuid}/save",
                urlencode(form).encode(),
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "X-CSRFToken": token,
                    "HX-Request": "true",
                },
            )
            previous = text
    finally:
        client.close()
    return Timed(
        "baseline: autosave",
        client.requests,
        count,
        time.perf_counter() - t0,
        client.sent,
        client.received,
    )


def print_upload_table(rows: list[Timed]) -> None:
    print(
        f"{'target':<22}{'requests':>9}{'units':>7}{'seconds':>9}{'ms/unit':>9}"
        f"{'req bytes':>12}{'resp bytes':>12}  outcomes"
    )
    for r in rows:
        outcomes = ", ".join(f"{k} {v}" for k, v in r.outcomes.items()) or "-"
        print(
            f"{r.name:<22}{r.requests:>9}{r.units:>7}{r.seconds:>9.2f}{r.ms_per_unit:>9.2f}"
            f"{r.sent:>12,}{r.received:>12,}  {outcomes}"
        )
    first, retry, base = rows
    print(
        f"per interview / per autosave: upload x{first.ms_per_unit / base.ms_per_unit:.1f}, "
        f"retry x{retry.ms_per_unit / base.ms_per_unit:.1f}; "
        f"retry / upload time x{retry.seconds / first.seconds:.2f}"
    )


# Part 2: the browser.


@dataclass
class Seen:
    url: str
    static: bool  # an app-shell file (/static/, /sw.js, /language/rules.json, ...)
    by_worker: bool  # the service worker's own fetch, not the page's
    from_sw: bool  # the page's response was answered by the service worker
    size: int  # body bytes


SHELL_PREFIXES = ("/static/", "/sw.js", "/manifest.webmanifest", "/language/rules.json", "/offline")


def _seen(response: Any) -> Seen:
    from playwright.sync_api import Error as PlaywrightError

    request = response.request
    if response.status >= 400:
        raise BenchError(f"{response.url} answered {response.status} in the browser")
    by_worker = request.service_worker is not None
    try:
        size = len(response.body())
    except PlaywrightError:  # a redirect has no body
        size = 0
    if by_worker and size == 0:
        # Chromium does not hand out bodies of the worker's own fetches; its byte count it does.
        size = int(request.sizes()["responseBodySize"])
    path = "/" + response.url.split("://", 1)[-1].split("/", 1)[-1]
    return Seen(
        response.url, path.startswith(SHELL_PREFIXES), by_worker, response.from_service_worker, size
    )


def browser_loads(port: int, interview_uuid: str) -> dict[str, list[Seen]]:
    """Sign in in Chromium, open the interview page, reload, reload offline; the responses of
    each load."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import Response, sync_playwright

    base = f"http://{HOST}:{port}"
    loads: dict[str, list[Seen]] = {"first": [], "repeat": [], "offline": []}
    current: list[Seen] = []
    executable = CHROMIUM if Path(CHROMIUM).exists() else None
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_ARGS
            )
            try:
                context = browser.new_context()
                # Sign in through the context's own requests (they share its cookies) rather
                # than by loading the sign-in page, so the first interview load starts with an
                # empty HTTP cache and no service worker: a real first visit.
                page_html = context.request.get(f"{base}/sign-in").text()
                token = page_html.split('name="csrf-token" content="', 1)[-1].split('"', 1)[0]
                context.request.post(
                    f"{base}/sign-in",
                    form={"csrf_token": token, "email": WORKER, "password": DEMO_PASSWORD},
                )
                page = context.new_page()

                def record(response: Response) -> None:
                    # Read the body now: once the page navigates, Chromium forgets it.
                    current.append(_seen(response))

                context.on("response", record)  # the page's and the worker's
                page.goto(f"{base}/interviews/{interview_uuid}/start", wait_until="load")
                if "/sign-in" in page.url:
                    raise BenchError("browser sign-in failed")
                # The worker installs (precaching the shell) and claims the page.
                # (Polled from here: the page's CSP rightly forbids wait_for_function's eval.)
                deadline = time.monotonic() + 30
                while not page.evaluate("navigator.serviceWorker.controller !== null"):
                    if time.monotonic() > deadline:
                        raise BenchError("the service worker never took control of the page")
                    page.wait_for_timeout(100)
                page.wait_for_load_state("networkidle")
                loads["first"], current[:] = list(current), []
                page.reload(wait_until="load")
                page.wait_for_load_state("networkidle")
                loads["repeat"], current[:] = list(current), []
                # No signal: the service worker answers with the blank interview page from its
                # cache (rhi/shells.py), which the tablet fills from its store.
                context.set_offline(True)
                page.reload(wait_until="load")
                if not page.evaluate("document.querySelector('[data-shell-page]') !== null"):
                    raise BenchError("offline, the service worker did not answer with the shell")
                # Chromium reports no response events for what the worker answers with the
                # network cut off, so these come from the page's own Resource Timing entries:
                # transferSize is what crossed the network, encodedBodySize the body.
                entries = page.evaluate("""[...performance.getEntriesByType('navigation'),
                    ...performance.getEntriesByType('resource')]
                    .map((e) => [e.name, e.transferSize, e.encodedBodySize])""")
                loads["offline"] = [
                    Seen(
                        url,
                        "/interviews/" not in url,
                        False,
                        transfer == 0,
                        transfer if transfer else body,
                    )
                    for url, transfer, body in entries
                ]
                context.set_offline(False)
                context.remove_listener("response", record)
                if not page.evaluate("navigator.serviceWorker.controller !== null"):
                    raise BenchError("the service worker did not control the reloaded page")
                return loads
            finally:
                browser.close()
    except PlaywrightError as exc:
        raise BenchError(f"browser failed: {exc}") from exc


def split_load(seen: list[Seen]) -> dict[str, tuple[int, int, int]]:
    """(count, network bytes, bytes from the service worker's cache) per kind of response.

    A page response the worker answered by fetching the same URL itself (network first: the page
    HTML, the writing rules) went over the network and is counted once, as network. Worker
    fetches no page response asked for are its install-time precache of the shell; the static
    files among them the page had just loaded are revalidated (304, no body), so they add ~0."""
    passed = {s.url for s in seen if s.by_worker}
    rows: dict[str, list[int]] = {
        k: [0, 0, 0] for k in ("page HTML", "static assets", "SW precache", "other")
    }
    page_urls = {s.url for s in seen if not s.by_worker and s.from_sw}
    for s in seen:
        if s.by_worker:
            if s.url in page_urls:
                continue  # counted with the page response it answered
            kind, network, cached = "SW precache", s.size, 0
        else:
            kind = (
                "static assets" if s.static else "page HTML" if "/interviews/" in s.url else "other"
            )
            via_network = not s.from_sw or s.url in passed
            network, cached = (s.size, 0) if via_network else (0, s.size)
        row = rows[kind]
        row[0] += 1
        row[1] += network
        row[2] += cached
    return {k: (v[0], v[1], v[2]) for k, v in rows.items() if v[0]}


def print_page_table(loads: dict[str, list[Seen]]) -> None:
    print(f"{'load':<8}{'responses':<24}{'count':>6}{'network bytes':>15}{'SW cache bytes':>16}")
    for name, seen in loads.items():
        split = split_load(seen)
        for label, (count, network, cached) in split.items():
            print(f"{name:<8}{label:<24}{count:>6}{network:>15,}{cached:>16,}")
        print(
            f"{name:<8}{'total':<24}{'':>6}{sum(v[1] for v in split.values()):>15,}"
            f"{sum(v[2] for v in split.values()):>16,}"
        )
    html = split_load(loads["repeat"]).get("page HTML", (0, 0, 0))
    if html[0] == 0 or html[2] != 0:
        raise BenchError("the reloaded page HTML did not come from the network")
    offline = split_load(loads["offline"])
    if sum(v[1] for v in offline.values()) != 0:
        raise BenchError("the offline load used the network")
    print(
        "Page HTML: from the network on every load (the service worker passes it through and "
        "never caches it: it holds a child's data), by design. Offline, the blank page comes "
        "from the service worker's cache, and nothing from the network."
    )


def main() -> int:
    with temp_dir("rhi-bench-") as tmp:
        env = demo_database(tmp)
        os.environ.update(env)  # seed_episodes and friends open the same database in-process
        episode_ids = seed_episodes(N_INTERVIEWS)
        items = make_items(episode_ids)
        with gunicorn("wsgi:app", env, tmp / "rhi.log") as port:
            cookie = sign_in_worker(port)

            before = interview_count()
            first = upload_all("upload 200 (created)", port, cookie, items, "created")
            after_first = interview_count()
            if after_first != before + N_INTERVIEWS:
                raise BenchError(f"interviews went {before} -> {after_first}, not +{N_INTERVIEWS}")
            retry = upload_all("retry 200 (unchanged)", port, cookie, items, "unchanged")
            after_retry = interview_count()
            if after_retry != after_first:
                raise BenchError(
                    f"the retry changed the interview count: {after_first} -> {after_retry}"
                )
            uploaded = {str(i["uuid"]) for i in items}
            base = autosaves(port, cookie, other_open_interview(uploaded), N_INTERVIEWS)
            size = len(json.dumps(items[0], ensure_ascii=False).encode())
            print(
                f"gunicorn, 1 client; {N_INTERVIEWS} interviews (~{size:,} bytes each as JSON) "
                f"in batches of {BATCH}, each batch after GET /sync/v1/session; interviews on "
                f"the server: {before} -> {after_first} -> {after_retry} (retry)"
            )
            print_upload_table([first, retry, base])
            print()
            print_page_table(browser_loads(port, items[0]["uuid"]))
            return 0


if __name__ == "__main__":
    sys.exit(run(main))
