"""Autosave under concurrency, what one autosave costs, and how long the app takes to start.

Issue 16 item 2. On a throwaway PostgreSQL database (as production) with the demo data and 20 new
in-progress interviews of team North, served by gunicorn with several workers and threads (so
saves really run at the same time):

1. 20 connections (threads, keep-alive http.client, signed in as the demo worker: four sessions,
   five threads each) save fields of ONE interview as fast as they can for --seconds: each thread
   its own text field, each save as autosave.js sends it (POST /interviews/<uuid>/save, form body
   f:<path> and o:<path>, X-CSRFToken, HX-Request). Afterwards every thread's last saved words
   must be in the database: saves of different fields of one interview must all land.
2. The same with each thread on its own interview (20 interviews).
3. One connection: one-field autosaves for --seconds beside bare Flask (bench/bare_app.py, the
   same gunicorn settings) and beside rhi's lightest signed-in request (GET /sync/v1/session:
   the session and the user read, nothing written) in the same run, alternating; the ratios of
   their requests per second.
4. `import wsgi` in a fresh Python, best of 3.

It prints answers by status, p50/p95 latency, requests per second and the ratios. The exit code
is non-zero only when something broke (a server or sign-in failed, a save was not answered 200,
a saved field was lost), never because of a timing.

    .venv/bin/python bench/autosave_concurrency.py [--seconds 10] [--admin-url postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

from harness import (
    COOKIE_NAME,
    HOST,
    POSTGRES_ADMIN_URL,
    REPO,
    BenchError,
    free_port,
    postgres_demo,
    run,
    sign_in_worker,
    stop,
    temp_dir,
    wait_ready,
)

TEAM = "Missing Children Team North"
CONNECTIONS = 20
WARM_UP = 3.0  # seconds of saves before each measured run, not timed
SESSIONS = 4  # sessions are per sign-in; several threads share one, as tabs of one browser do
# Several processes and threads, so that saves of one interview really meet.
GUNICORN = ["--workers", "3", "--threads", "4", "--log-level", "warning"]
# Twenty different text fields of an interview: one per thread in the one-interview run.
FIELDS = [
    "sections.before.text",
    "sections.away.text",
    "sections.after.text",
    "sections.help.text",
    "sections.own_words.text",
    "sections.analysis.text",
    "sections.before.kept_back",
    "sections.away.kept_back",
    "sections.after.kept_back",
    "sections.help.kept_back",
    "sections.own_words.kept_back",
    "sections.analysis.kept_back",
    "findings_other.push",
    "findings_other.pull",
    "findings_other.harms",
    "child_message",
    "police_contact",
    "protective_factors",
    "consent.police.words",
    "consent.school.words",
]
SENTENCE = (
    "She said she stayed with a friend near the park and walked back in the morning because "
    "she wanted to see her younger brother before school"
)
WORDS = SENTENCE.split(" ")


def seed_interviews(count: int) -> list[str]:
    """`count` returned episodes for team North, each with an interview the demo worker has
    started (offered, accepted, begun); their uuids."""
    from sqlalchemy import select

    from rhi import create_app
    from rhi.episodes import service as episodes
    from rhi.extensions import db
    from rhi.interviews import service
    from rhi.models import Child, Episode, Team, User
    from rhi.models.base import utcnow
    from rhi.timefmt import to_local

    app = create_app()
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == TEAM))
        worker = db.session.scalar(select(User).where(User.email == "worker@example.org"))
        children = list(db.session.scalars(select(Child).order_by(Child.id)))
        if team is None or worker is None or not children:
            raise BenchError("the demo data has no team North, demo worker or children")
        now = utcnow()
        uuids = []
        for i in range(count):
            returned = now - timedelta(hours=3, minutes=i)
            episode = Episode(
                child=children[i % len(children)],
                police_reference=f"WY-AUTOSAVE-{i:03d}",
                risk_grade="Medium",
                dfe_type="M",
                started_at=returned - timedelta(hours=18),
                returned_at=returned,
                reported_by="Carer",
                found_where="Town centre",
                found_by="Police",
                assigned_team=team,
            )
            db.session.add(episode)
            db.session.flush()
            at = now - timedelta(hours=1)
            episodes.record_offer(episode, worker, at=at, method="visit")
            interview = episodes.record_accept(episode, worker, at=at)
            service.start(interview, worker, to_local(now).replace(tzinfo=None))
            db.session.flush()
            uuids.append(interview.uuid)
        db.session.commit()
        return uuids


def database_fields(uuids: list[str]) -> dict[str, dict]:
    from sqlalchemy import select

    from rhi import create_app
    from rhi.extensions import db
    from rhi.models import Interview

    with create_app().app_context():
        rows = db.session.execute(
            select(Interview.uuid, Interview.content).where(Interview.uuid.in_(uuids))
        )
        return {str(u): content or {} for u, content in rows}


def get_path(document: dict, path: str) -> object:
    from rhi.interviews import content as c

    return c.get_field(c.normalise(document), path)


@contextmanager
def serve(app: str, env: dict[str, str], log: Path, ready: str) -> Iterator[int]:
    port = free_port()
    cmd = [sys.executable, "-m", "gunicorn", *GUNICORN, "--bind", f"{HOST}:{port}"]
    cmd += ["--error-logfile", str(log), app]
    proc = subprocess.Popen(
        cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_ready(proc, port, ready, log)
        yield port
    finally:
        stop(proc)


def csrf_token(port: int, cookie: str) -> str:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request("GET", "/sync/v1/session", headers={"Cookie": f"{COOKIE_NAME}={cookie}"})
        resp = conn.getresponse()
        body = resp.read()
        if resp.status != 200:
            raise BenchError(f"GET /sync/v1/session answered {resp.status}")
        return str(json.loads(body)["csrf_token"])
    finally:
        conn.close()


def send_save(
    conn: http.client.HTTPConnection,
    cookie: str,
    token: str,
    uuid: str,
    path: str,
    text: str,
    original: str,
) -> tuple[http.client.HTTPResponse, bytes]:
    """One save as autosave.js sends it (f:<path>, o:<path>, X-CSRFToken, HX-Request): the
    answer and its body."""
    form = {f"f:{path}": text, f"o:{path}": original, "page": "start"}
    headers = {
        "Cookie": f"{COOKIE_NAME}={cookie}",
        "Content-Type": "application/x-www-form-urlencoded",
        "X-CSRFToken": token,
        "HX-Request": "true",
    }
    conn.request("POST", f"/interviews/{uuid}/save", urlencode(form).encode(), headers)
    resp = conn.getresponse()
    return resp, resp.read()


@dataclass
class Saver:
    """One thread: one keep-alive connection saving one field of one interview, again and
    again, each save starting from the words it saved last (as an open page does)."""

    port: int
    cookie: str
    token: str
    uuid: str
    path: str
    tag: str
    statuses: Counter[int] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    last_saved: str = ""
    bodies: list[str] = field(default_factory=list)  # a few non-200 answers, for the report

    def save_once(self, conn: http.client.HTTPConnection, n: int) -> None:
        words = " ".join(WORDS[(n + k) % len(WORDS)] for k in range(12))
        text = f"{self.tag} save {n}: {words}."
        t0 = time.perf_counter()
        resp, body = send_save(conn, self.cookie, self.token, self.uuid, self.path, text,
                               self.last_saved)  # fmt: skip
        self.latencies.append(time.perf_counter() - t0)
        self.statuses[resp.status] += 1
        if resp.status == 200:
            self.last_saved = text
        elif len(self.bodies) < 3:
            self.bodies.append(f"{resp.status}: {body[:200]!r}")

    def run_until(self, deadline: float, start: threading.Barrier) -> None:
        conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
        start.wait()
        n = 0
        try:
            while time.perf_counter() < deadline:
                try:
                    self.save_once(conn, n)
                except (OSError, http.client.HTTPException) as exc:
                    self.statuses[0] += 1  # no answer at all
                    if len(self.bodies) < 3:
                        self.bodies.append(f"no answer: {exc!r}")
                    conn.close()
                    conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
                n += 1
        finally:
            conn.close()


@dataclass
class Result:
    name: str
    seconds: float
    statuses: Counter[int]
    latencies: list[float]
    lost: list[str]

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    @property
    def errors(self) -> int:
        return self.requests - self.statuses[200]

    def line(self) -> str:
        lat = sorted(self.latencies) or [0.0]
        p50 = statistics.median(lat) * 1000
        p95 = lat[min(len(lat) - 1, int(len(lat) * 0.95))] * 1000
        by_status = ", ".join(f"{s or 'none'}: {n}" for s, n in sorted(self.statuses.items()))
        share = 100 * self.errors / max(1, self.requests)
        return (
            f"{self.name:<34} {self.requests:>6} answers {self.requests / self.seconds:>7.1f} rps  "
            f"p50 {p50:>6.1f} ms  p95 {p95:>6.1f} ms  errors {self.errors} ({share:.1f}%)  "
            f"[{by_status}]  lost fields: {len(self.lost)}"
        )


def run_savers(savers: list[Saver], seconds: float) -> float:
    """Every saver in its own thread, all starting together, for `seconds`; the time taken."""
    start = threading.Barrier(len(savers) + 1)
    deadline = time.perf_counter() + seconds
    threads = [threading.Thread(target=saver.run_until, args=(deadline, start)) for saver in savers]
    for t in threads:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    return time.perf_counter() - t0


def concurrent(
    name: str, port: int, sessions: list[tuple[str, str]], targets: list[tuple[str, str]], s: float
) -> Result:
    """One thread per (uuid, path) target, saving for `s` seconds after WARM_UP seconds not
    counted (each gunicorn worker compiles the writing check's rules on its first save); then
    check that every thread's last saved words are in the database."""
    savers = [
        Saver(port, *sessions[i % len(sessions)], uuid, path, tag=f"t{i}")
        for i, (uuid, path) in enumerate(targets)
    ]
    run_savers(savers, WARM_UP)
    warm: Counter[int] = Counter()
    for saver in savers:
        warm.update(saver.statuses)
        saver.statuses, saver.latencies = Counter(), []
    elapsed = run_savers(savers, s)
    stored = database_fields(sorted({u for u, _ in targets}))
    lost = [
        f"{saver.uuid[:8]} {saver.path}"
        for saver in savers
        if saver.last_saved and get_path(stored[saver.uuid], saver.path) != saver.last_saved
    ]
    statuses: Counter[int] = Counter()
    for saver in savers:
        statuses.update(saver.statuses)
    for saver in savers:
        for body in saver.bodies[:1]:
            print(f"  {name}: {saver.tag} {body}")
    if set(warm) - {200}:
        print(f"  {name}: warm-up answers {dict(warm)}")
        statuses.update({k: v for k, v in warm.items() if k != 200})  # broken is broken
    return Result(name, elapsed, statuses, [x for sv in savers for x in sv.latencies], lost)


def single(saver: Saver, seconds: float) -> Result:
    saver.statuses, saver.latencies = Counter(), []
    conn = http.client.HTTPConnection(HOST, saver.port, timeout=60)
    t0 = time.perf_counter()
    n = time.monotonic_ns()  # words no earlier round saved
    try:
        while time.perf_counter() - t0 < seconds:
            saver.save_once(conn, n)
            n += 1
    finally:
        conn.close()
    return Result(
        "one connection: autosave", time.perf_counter() - t0, saver.statuses, saver.latencies, []
    )


def gets(port: int, path: str, seconds: float, cookie: str | None = None) -> Result:
    """GET `path` again and again on one keep-alive connection, signed in when `cookie`."""
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    headers = {"Cookie": f"{COOKIE_NAME}={cookie}"} if cookie else {}
    statuses: Counter[int] = Counter()
    latencies = []
    t0 = time.perf_counter()
    try:
        while time.perf_counter() - t0 < seconds:
            t = time.perf_counter()
            conn.request("GET", path, headers=headers)
            resp = conn.getresponse()
            resp.read()
            latencies.append(time.perf_counter() - t)
            statuses[resp.status] += 1
    finally:
        conn.close()
    return Result(f"GET {path}", time.perf_counter() - t0, statuses, latencies, [])


def merged(results: list[Result], name: str) -> Result:
    statuses: Counter[int] = Counter()
    for r in results:
        statuses.update(r.statuses)
    return Result(
        name,
        sum(r.seconds for r in results),
        statuses,
        [x for r in results for x in r.latencies],
        [],
    )


def import_seconds(env: dict[str, str]) -> list[float]:
    """`import wsgi` (which builds the app) in a fresh Python, three times, with the app's
    bytecode compiled first, as `make run` and `make test` leave it (Makefile, bytecode) and as
    any server has it after its first start."""
    # Not checked: where rhi/ cannot be written, imports compile as they go (a slower start).
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "rhi", "wsgi.py"], cwd=REPO, check=False
    )
    code = "import time; t = time.perf_counter(); import wsgi; print(time.perf_counter() - t)"
    times = []
    for _ in range(3):
        done = subprocess.run(
            [sys.executable, "-c", code],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if done.returncode != 0:
            raise BenchError(f"import wsgi failed:\n{done.stderr[-2000:]}")
        times.append(float(done.stdout.strip().splitlines()[-1]))
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--admin-url", default=POSTGRES_ADMIN_URL)
    args = parser.parse_args()
    broken: list[str] = []
    with (
        temp_dir("rhi-bench-autosave-") as tmp,
        postgres_demo(args.admin_url, "rhi_bench_autosave") as env,
    ):
        os.environ.update(env)  # seeding and checking open the same database in-process
        # One for the first run, twenty for the second, one for the single connection: each run
        # starts from interviews no earlier run wrote to.
        uuids = seed_interviews(CONNECTIONS + 2)
        results = []
        with serve("wsgi:app", env, tmp / "rhi.log", "/healthz") as port:
            sessions = []
            for _ in range(SESSIONS):
                cookie = sign_in_worker(port)
                sessions.append((cookie, csrf_token(port, cookie)))
            one = [(uuids[0], FIELDS[i]) for i in range(CONNECTIONS)]
            many = [(uuids[1 + i], "sections.analysis.text") for i in range(CONNECTIONS)]
            print(f"gunicorn {' '.join(GUNICORN[:4])}, PostgreSQL; {args.seconds:g} s each")
            results.append(
                concurrent("20 connections, 1 interview", port, sessions, one, args.seconds)
            )
            print(results[-1].line())
            results.append(
                concurrent("20 connections, 20 interviews", port, sessions, many, args.seconds)
            )
            print(results[-1].line())
            with serve("bench.bare_app:app", env, tmp / "bare.log", "/") as bare_port:
                cookie, token = sessions[0]
                one_saver = Saver(port, cookie, token, uuids[-1], "sections.analysis.text", "one")
                single(one_saver, 1.0)  # warm-up, not counted
                if set(one_saver.statuses) - {200}:
                    broken.append(f"one connection warm-up: {dict(one_saver.statuses)}")
                rounds = 4  # alternating, so that all three see the same machine
                saves, bares, reads = [], [], []
                for _ in range(rounds):
                    saves.append(single(one_saver, args.seconds / rounds))
                    bares.append(gets(bare_port, "/", args.seconds / rounds))
                    # The least a signed-in request of rhi does: read the session and the
                    # user, no write (this GET only reads).
                    reads.append(gets(port, "/sync/v1/session", args.seconds / rounds, cookie))
            save_r = merged(saves, "1 connection, one-field autosave")
            bare_r = merged(bares, "1 connection, bare Flask GET /")
            read_r = merged(reads, "1 connection, signed-in read")
            for r in (save_r, bare_r, read_r):
                print(r.line())
            results += [save_r, bare_r, read_r]
            for name, r in (("autosave", save_r), ("signed-in read", read_r)):
                ratio = (r.requests / r.seconds) / (bare_r.requests / bare_r.seconds)
                print(f"{name} rps / bare Flask rps: {100 * ratio:.1f}%")
        times = import_seconds(env)
        print(f"import wsgi: best of 3 {min(times):.2f} s ({', '.join(f'{t:.2f}' for t in times)})")
        for r in results:
            if r.errors:
                broken.append(f"{r.name}: {r.errors} answers were not 200")
            if r.lost:
                broken.append(f"{r.name}: saved words missing from the database: {r.lost[:5]}")
    if broken:
        raise BenchError("; ".join(broken))
    return 0


if __name__ == "__main__":
    sys.exit(run(main))
