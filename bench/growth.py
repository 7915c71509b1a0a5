"""Cost independent of history (issue 16 item 1): the same pages with 0, 1,000, 10,000 and
100,000 past episodes, each with an interview and an outcome.

Run from the repo root:  .venv/bin/python bench/growth.py [--sizes 0,1000,10000,100000]
    [--requests 30] [--postgres [ADMIN_URL]] [--no-analyse]

It builds one throwaway SQLite database (or, with --postgres, a PostgreSQL one on the machine's
server, as production has) with the demo data and adds the history in steps (the
database grows from one size to the next): children of the demo team North, about ten past
episodes each, returned between 4 days and 5 years ago, every one with an interview that has
its outcome (held in time, held late with a reason, or declined), some with places and people
named, and closed (`episodes.closed_at`, as rhi/episodes/closing.py keeps it and the migration
fills it in). None of it is waiting on anyone's Returns page, so each page should show and cost the
same at every size. At each size it serves rhi with gunicorn and asks, one request after
another, the worker's Returns, the manager's Returns, the worker's Children list, the worker's
tablet copies (`/sync/v1/copies`), the worker's episode page for the first return on their
Returns page, and `/healthz`, printing p50 and p95 and the body's size; and
it asks each once more through the Flask test client with a SQLAlchemy `before_cursor_execute`
listener to count the SQL statements one request sends. Then it prints, for each, the figure
at the largest size over the figure at 0.

On PostgreSQL each step ends with ANALYZE, as autovacuum would after inserts this large (a
server run without autovacuum, as CI's is, would otherwise plan every page for the handful of
rows the tables held when they were made); --no-analyse leaves the statistics as they are.

Exits non-zero only when something broke (a server did not start, sign-in failed, a request
was not 200, a page lost what the demo shows), never because of a timing.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from harness import (
    COOKIE_NAME,
    HOST,
    POSTGRES_ADMIN_URL,
    WORKER,
    BenchError,
    demo_database,
    free_port,
    postgres_demo,
    run,
    session_cookie,
    sign_in,
    start_gunicorn,
    stop,
    temp_dir,
    wait_ready,
)

MANAGER = "manager@example.org"  # the demo manager (team North)
TEAM = "Missing Children Team North"
BATCH = 5_000
EPISODES_PER_CHILD = 10

# (label, who, path, what the page must say)
PAGES = [
    ("/healthz (baseline)", None, "/healthz", ""),
    ("worker's Returns", WORKER, "/returns", "Returns waiting for an interview"),
    ("manager's Returns", MANAGER, "/returns", "Waiting to be allocated"),
    ("worker's Children", WORKER, "/children", "<table"),
    ("worker's copies", WORKER, "/sync/v1/copies", '"copies"'),
]

# The episode page of the first return on the worker's Returns page (a demo return, the same
# at every size): its earlier interviews' places and people and the repeat count are the
# child's, so they must not grow with everyone else's history.
EPISODE_PAGE = "worker's episode page"
FIRST_CARD = re.compile(r'class="card-title"><a href="(/episodes/\d+)"')


def _episode_page(returns_page: str) -> tuple[str, str, str, str]:
    found = FIRST_CARD.search(returns_page)
    if found is None:
        raise BenchError("no return on the worker's Returns page to open")
    return (EPISODE_PAGE, WORKER, found.group(1), "<h1")


PLACES = ("Bus station", "Park by the river", "Friend's flat", "Shopping centre", "Train station")
PEOPLE = ("Older friend", "Cousin", "Someone from school", "Adult met online")


def seed_history(app: Any, first: int, count: int, rng: random.Random) -> None:
    """Add `count` past episodes (numbered from `first`, so the steps do not clash) for new
    children of team North, each with its own interview that has an outcome: bulk inserts into
    the app's own tables."""
    from sqlalchemy import insert, select, text

    from rhi.extensions import db
    from rhi.models import Child, Episode, Interview, Team, interview_episodes

    if count <= 0:
        return
    now = datetime.utcnow().replace(microsecond=0)
    with app.app_context():
        team_id = db.session.scalar(select(Team.id).where(Team.name == TEAM))
        if team_id is None:
            raise BenchError(f"no team {TEAM!r} in the demo data")
        children = max(1, count // EPISODES_PER_CHILD)
        first_child = (db.session.scalar(select(db.func.max(Child.id))) or 0) + 1
        first_episode = (db.session.scalar(select(db.func.max(Episode.id))) or 0) + 1
        first_interview = (db.session.scalar(select(db.func.max(Interview.id))) or 0) + 1
        child_rows = [
            {
                "id": first_child + i,
                "first_name": f"Past{first + i}",
                "last_name": "History",
                "date_of_birth": date(2009 + i % 8, 1 + i % 12, 1 + i % 28),
                "legal_status": "looked_after" if i % 3 == 0 else "none",
                "home_authority": "Westshire Council",
                "team_id": team_id,
            }
            for i in range(children)
        ]
        episode_rows, interview_rows, links = [], [], []
        for i in range(count):
            n = first + i
            returned = now - timedelta(hours=rng.randint(100, 5 * 365 * 24))
            started = returned - timedelta(hours=rng.randint(2, 90))
            child_id = first_child + i % children
            episode_rows.append(
                {
                    "id": first_episode + i,
                    "child_id": child_id,
                    "risk_grade": rng.choice(("Low", "Medium", "High")),
                    "dfe_type": "M",
                    "started_at": started,
                    "returned_at": returned,
                    "assigned_team_id": team_id,
                    # As rhi/episodes/holding.py keeps it (a bulk insert passes no flush).
                    "held_by_team_id": team_id,
                }
            )
            offered = returned + timedelta(hours=rng.randint(1, 30))
            held = returned + timedelta(hours=rng.randint(5, 120))
            declined = n % 9 == 0
            # Closed when its outcome was recorded (rhi/episodes/closing.py): a bulk insert
            # passes the ORM's flush, so it says so itself, as the migration's backfill would.
            episode_rows[-1]["closed_at"] = offered if declined else held
            late = held >= returned + timedelta(hours=72)
            content: dict[str, Any] = {}
            if not declined and n % 4 == 0:
                content = {
                    "places": [{"name": rng.choice(PLACES), "area": "Town centre"}],
                    "people": [{"name": rng.choice(PEOPLE), "age": "about 17"}],
                }
            interview_rows.append(
                {
                    "id": first_interview + i,
                    "uuid": f"00000000-0000-4000-9000-{n:012d}",
                    "child_id": child_id,
                    "status": "declined" if declined else "finished",
                    "due_at": returned + timedelta(hours=72),
                    "offered_at": offered,
                    "accepted_at": None if declined else offered,
                    "declined_at": offered if declined else None,
                    "held_at": None if declined else held,
                    "finished_at": None if declined else held,
                    "outcome": "declined" if declined else "held",
                    "outcome_at": offered if declined else held,
                    "delay_reason": "worker_capacity" if late and not declined else None,
                    "content": content,
                    "created_at": offered,
                }
            )
            links.append({"interview_id": first_interview + i, "episode_id": first_episode + i})
        for table, rows in (
            (Child, child_rows),
            (Episode, episode_rows),
            (Interview, interview_rows),
            (interview_episodes, links),
        ):
            for start in range(0, len(rows), BATCH):
                db.session.execute(insert(table), rows[start : start + BATCH])
        if db.engine.dialect.name == "postgresql":
            # The rows came with their ids: move each id sequence past them, as the app's own
            # next insert would need.
            for name in ("children", "episodes", "interviews"):
                db.session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"(SELECT max(id) FROM {name}))"
                    )
                )
        db.session.commit()


def analyse(app: Any) -> None:
    """PostgreSQL's statistics brought up to date, as autovacuum would after the inserts."""
    from rhi.extensions import db

    with app.app_context(), db.engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")


# How long gunicorn's two workers may take to start: each imports the whole app, which on a
# machine busy with other work (tests running beside the bench) takes longer than the
# harness's 30 s. Only the start waits longer; the timings are of requests once it answers.
START_TIMEOUT = 180.0


@contextmanager
def serving(env: dict[str, str], log: Path) -> Iterator[int]:
    """rhi under gunicorn until the block ends (harness.gunicorn, with a longer start)."""
    port = free_port()
    proc = start_gunicorn("wsgi:app", port, env, log)
    try:
        wait_ready(proc, port, "/healthz", log, timeout=START_TIMEOUT)
        yield port
    finally:
        stop(proc)


def timed(port: int, path: str, cookie: str | None, count: int) -> tuple[float, float, int, str]:
    """p50 and p95 in ms of `count` GETs one after another (three more first, not counted),
    and the last body's length and text."""
    conn = http.client.HTTPConnection(HOST, port, timeout=120)
    headers = {"Cookie": f"{COOKIE_NAME}={cookie}"} if cookie else {}
    times, body = [], b""
    for _ in range(count + 3):
        begun = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise BenchError(f"{path} answered {response.status}")
        times.append((time.perf_counter() - begun) * 1000)
    conn.close()
    counted = sorted(times[3:])

    def pct(p: float) -> float:
        return counted[max(0, min(len(counted) - 1, round(p * len(counted) + 0.5) - 1))]

    return pct(0.5), pct(0.95), len(body), body.decode(errors="replace")


class Counter:
    """The Flask test client signed in as each user, and the SQL statements one request sends
    (a `before_cursor_execute` listener on the app's engine)."""

    def __init__(self, app: Any) -> None:
        from sqlalchemy import event

        from rhi.extensions import db

        self.app = app
        self.clients: dict[str, Any] = {}
        self.sent: list[str] = []
        with app.app_context():
            self.engine = db.engine
        event.listen(self.engine, "before_cursor_execute", self._note)

    def _note(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self.sent.append(statement)

    def client(self, email: str | None) -> Any:
        from rhi.demo import DEMO_PASSWORD

        key = email or ""
        if key not in self.clients:
            client = self.app.test_client()
            if email:
                page = client.get("/sign-in").get_data(as_text=True)
                match = re.search(r'<meta name="csrf-token" content="([^"]+)"', page)
                if not match:
                    raise BenchError("no CSRF token on /sign-in (test client)")
                done = client.post(
                    "/sign-in",
                    data={"csrf_token": match.group(1), "email": email, "password": DEMO_PASSWORD},
                )
                if done.status_code not in (200, 302, 303):
                    raise BenchError(f"test client sign-in as {email} answered {done.status_code}")
            self.clients[key] = client
        return self.clients[key]

    def statements(self, email: str | None, path: str) -> int:
        client = self.client(email)
        if client.get(path).status_code != 200:  # once first: what a first visit does once
            raise BenchError(f"{path} (test client) did not answer 200")
        self.sent.clear()
        response = client.get(path)
        if response.status_code != 200:
            raise BenchError(f"{path} (test client) answered {response.status_code}")
        return len(self.sent)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="0,1000,10000,100000")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument(
        "--postgres",
        nargs="?",
        const=POSTGRES_ADMIN_URL,
        metavar="ADMIN_URL",
        help=f"on a new PostgreSQL database made through ADMIN_URL ({POSTGRES_ADMIN_URL})",
    )
    parser.add_argument("--no-analyse", action="store_true", help="PostgreSQL: no ANALYZE")
    args = parser.parse_args()
    sizes = sorted({int(s) for s in args.sizes.split(",")})
    rng = random.Random(16)
    labels = [p[0] for p in PAGES] + [EPISODE_PAGE]
    results: dict[str, dict[int, tuple[float, float, int, int]]] = {label: {} for label in labels}
    with temp_dir("rhi-bench-growth-") as tmp, ExitStack() as stack:
        if args.postgres:
            env = stack.enter_context(postgres_demo(args.postgres, "rhi_bench_growth"))
        else:
            env = demo_database(tmp)
        os.environ.update(env)
        on_postgres = bool(args.postgres)
        print(f"database: {'PostgreSQL' if on_postgres else 'SQLite'}", end="")
        print(" (statistics left as they are)" if on_postgres and args.no_analyse else "")
        from rhi import create_app

        app = create_app()
        counter = Counter(app)
        seeded = 0
        for size in sizes:
            began = time.perf_counter()
            seed_history(app, seeded, size - seeded, rng)
            if on_postgres and not args.no_analyse:
                analyse(app)
            took = time.perf_counter() - began
            seeded = size
            print(f"\n== {size:,} past episodes (seeded in {took:.1f} s)")
            print(f"{'page':24} {'p50 ms':>8} {'p95 ms':>8} {'bytes':>9} {'SQL/req':>8}")
            with serving(env, tmp / f"gunicorn-{size}.log") as port:
                cookies, returns_pages = {}, {}
                for who in (WORKER, MANAGER):
                    cookie, _, returns_pages[who] = sign_in(port, who, "/returns")
                    cookies[who] = session_cookie(cookie)
                pages = [*PAGES, _episode_page(returns_pages[WORKER])]
                for label, who, path, marker in pages:
                    p50, p95, size_bytes, body = timed(
                        port, path, cookies.get(who) if who else None, args.requests
                    )
                    if marker and marker not in body:
                        raise BenchError(f"{label} at {size:,}: {marker!r} missing from the page")
                    sql = counter.statements(who, path)
                    results[label][size] = (p50, p95, size_bytes, sql)
                    print(f"{label:24} {p50:8.1f} {p95:8.1f} {size_bytes:9,} {sql:8}")
                    sys.stdout.flush()
    low, high = sizes[0], sizes[-1]
    print(f"\n== ratio, {high:,} past episodes over {low:,}")
    print(f"{'page':24} {'p50':>6} {'p95':>6} {'bytes':>6} {'SQL/req':>8}")
    for label, by_size in results.items():
        a, b = by_size[low], by_size[high]
        print(
            f"{label:24} {b[0] / a[0]:6.2f} {b[1] / a[1]:6.2f} "
            f"{b[2] / max(1, a[2]):6.2f} {b[3] / max(1, a[3]):8.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(run(main))
