"""Load (issue 16 item 5): workers, tablets and managers at once against two app servers.

Run from the repo root:

    .venv/bin/python bench/load.py [--minutes 10] [--workers 50] [--tablets 30] [--managers 5]

It makes a fresh PostgreSQL database with the demo data (scripts/two_servers.py) and adds, for
Missing Children Team North: one worker account per simulated worker, each with a return and an
interview in progress to write in; one worker account per tablet, with 20 returned episodes
each (bench/offline_upload.py `seed_episodes`) and the 20 interviews the tablet wrote for them
while it had no signal (`make_items`); one manager account per simulated manager, with the
second factor on (production asks it of managers; the managers sign in with a code from it).
Then it starts two instances in the production configuration behind nginx over HTTPS, sharing
the database and Redis, with the sign-in and upload rate limits raised for the run (they would
otherwise, rightly, refuse this many sign-ins and uploads from one address), and runs locust
(bench/load_users.py) for --minutes:

- Worker: signs in once, then goes round the Returns page, the return's page, a page of the
  interview and two autosaves of the section it is writing, 5-15 s apart.
- Tablet: signs in, comes back into signal at a random moment in the first half of the run
  (--tablet-window), sends its 20 interviews as the tablet does, then idles.
- Manager: signs in (password and code), then goes round the Returns page, the service page,
  repeat missing and the children list, 5-15 s apart.

It prints, per request kind, the count, errors, p50/p95/p99 (locust's figures) with the targets
beside them, and the peak number of PostgreSQL connections to the run's database (polled every
second). It exits non-zero only when something broke (the database or a server did not start, a
sign-in failed), never because of a figure.
"""

from __future__ import annotations

# locust runs its users as gevent greenlets: the standard library is patched before anything
# imports ssl or socket (two_servers and harness do, through urllib and http.client).
from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from contextlib import ExitStack  # noqa: E402
from datetime import timedelta  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import gevent  # noqa: E402
import urllib3  # noqa: E402
from cryptography.fernet import Fernet  # noqa: E402
from harness import DEMO_PASSWORD, REPO, BenchError, run  # noqa: E402

sys.path.insert(0, str(REPO / "scripts"))
import two_servers  # noqa: E402 - scripts/ is not a package

ADMIN_URL = os.environ.get(
    "RHI_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = "redis://127.0.0.1:6379/9"  # a database of its own, emptied first
PER_TABLET = 20
SPAWN_RATE = 5  # users signing in per second at the start
RAISED_LIMIT = "100000 per minute"
PAGE_P95_MS = 500
UPLOAD_P95_MS = 1000
TEAM = "Missing Children Team North"


# --- seeding (run in a child process, so that its database connections are gone before the
# connection count is watched) --------------------------------------------------------------


def seed(database_url: str, plan_file: Path, workers: int, tablets: int, managers: int) -> None:
    """Add the load test's people and their work to the demo database; write who does what."""
    os.environ["RHI_DATABASE_URL"] = database_url
    import pyotp
    from offline_upload import SENTENCES, make_items, seed_episodes
    from sqlalchemy import select

    from rhi import create_app, deadlines
    from rhi.auth import second_factor
    from rhi.extensions import db
    from rhi.models import Child, Episode, Interview, InterviewStatus, Team, User
    from rhi.models.base import utcnow
    from rhi.passwords import hash_password

    episode_ids = seed_episodes(tablets * PER_TABLET)  # returned, for team North
    items = make_items(episode_ids)
    app = create_app()
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == TEAM))
        children = list(db.session.scalars(select(Child).order_by(Child.id)))
        if team is None or not children:
            raise BenchError("the demo data has no team North or no children")
        password_hash = hash_password(DEMO_PASSWORD)  # one hash: argon2 is slow by design
        now = utcnow()

        def person(kind: str, number: int, role: str) -> User:
            user = User(
                email=f"load.{kind}{number:02d}@example.org",
                name=f"{kind.title()} {number:02d} (load test)",
                role=role,
                team=team,
                password_hash=password_hash,
            )
            db.session.add(user)
            return user

        plan: dict[str, Any] = {"workers": [], "tablets": [], "managers": []}
        for n in range(1, workers + 1):
            user = person("worker", n, "worker")
            returned = now - timedelta(hours=6, minutes=n)
            episode = Episode(
                child=children[n % len(children)],
                police_reference=f"WY-LOAD-{n:03d}",
                risk_grade="Medium",
                dfe_type="M",
                started_at=returned - timedelta(hours=20),
                returned_at=returned,
                reported_by="Carer",
                found_where="Town centre",
                found_by="Police",
                assigned_worker=user,
            )
            interview = Interview(
                status=InterviewStatus.IN_PROGRESS.value,
                due_at=deadlines.due_at(returned, app.config["RHI_DEADLINE_HOURS"]),
                worker=user,
                offered_at=returned + timedelta(hours=1),
                offer_method="phone",
                accepted_at=returned + timedelta(hours=1),
                content={},
            )
            interview.episodes.append(episode)
            db.session.add_all([episode, interview])
            db.session.flush()
            plan["workers"].append(
                {"email": user.email, "episode_id": episode.id, "interview": interview.uuid}
            )
        for n in range(1, tablets + 1):
            user = person("tablet", n, "worker")
            mine = items[(n - 1) * PER_TABLET : n * PER_TABLET]
            plan["tablets"].append({"email": user.email, "items": mine})
        for n in range(1, managers + 1):
            user = person("manager", n, "manager")
            secret = second_factor.new_secret()
            # Switched on with the previous step's code, so the code of the step the manager
            # signs in at is still unused (a step's code works once).
            code = pyotp.TOTP(secret).at(int(time.time()) - second_factor.STEP_SECONDS)
            if second_factor.switch_on(user, secret, code, now) is None:
                raise BenchError("could not switch the second factor on for a manager")
            plan["managers"].append({"email": user.email, "totp_secret": secret})
        db.session.commit()
        db.engine.dispose()
    plan["sentences"] = SENTENCES
    plan_file.write_text(json.dumps(plan, ensure_ascii=False))


# --- watching the database ------------------------------------------------------------------


class ConnectionWatch(threading.Thread):
    """Counts the connections to one database every second (from the postgres database, so the
    watch itself is not counted)."""

    def __init__(self, admin_url: str, database: str) -> None:
        super().__init__(daemon=True)
        self.admin_url, self.database = admin_url, database
        self.stopping = threading.Event()
        self.samples: list[int] = []
        self.error: str | None = None

    def run(self) -> None:
        from sqlalchemy import create_engine, text
        from sqlalchemy.pool import NullPool

        # Autocommit: within one transaction pg_stat_activity would show the first snapshot.
        engine = create_engine(self.admin_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        # The app's connections only: not autovacuum's workers, nor the bench's stand-in for it.
        query = text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = :name "
            "AND backend_type = 'client backend' "
            f"AND application_name <> '{Statistics.APPLICATION}'"
        )
        try:
            with engine.connect() as conn:
                while not self.stopping.is_set():
                    count = conn.execute(query, {"name": self.database}).scalar_one()
                    self.samples.append(int(count))
                    self.stopping.wait(1)
        except Exception as exc:  # a figure missing, not a broken run
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            engine.dispose()

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=10)


class Statistics(threading.Thread):
    """Keeps the run's database analysed as PostgreSQL's autovacuum would, when this server
    runs without it (this machine's CI configuration has `autovacuum = off`; production's
    default is on, and docs/deploy.md asks for it). The tablets' uploads change the tables
    quickly, and with statistics from before the run PostgreSQL plans the Returns page for a
    handful of rows: the bench would measure a server no one runs.

    Autovacuum's defaults: each minute (`autovacuum_naptime`), a table changed by more than
    50 rows plus a tenth of its rows since it was last analysed (`autovacuum_analyze_threshold`,
    `autovacuum_analyze_scale_factor`) is analysed. One short connection each minute."""

    NAPTIME = 60
    APPLICATION = "rhi-bench-analyse"  # its connections are not counted as the app's
    TABLES = """SELECT schemaname, relname FROM pg_stat_user_tables
                WHERE n_mod_since_analyze > 50 + 0.1 * n_live_tup ORDER BY relname"""

    def __init__(self, database_url: str) -> None:
        super().__init__(daemon=True)
        self.database_url = database_url
        self.stopping = threading.Event()
        self.analysed: list[str] = []
        self.errors: list[str] = []

    def _engine(self) -> Any:
        from sqlalchemy import create_engine
        from sqlalchemy.pool import NullPool

        return create_engine(
            self.database_url,
            poolclass=NullPool,
            isolation_level="AUTOCOMMIT",
            connect_args={"application_name": self.APPLICATION},
        )

    def autovacuum_on(self) -> bool:
        engine = self._engine()
        try:
            with engine.connect() as conn:
                return conn.exec_driver_sql("SHOW autovacuum").scalar_one() == "on"
        finally:
            engine.dispose()

    def analyse_all(self) -> None:
        """Once, before the run: a council's database has been analysed long since; this one
        was made a minute ago."""
        engine = self._engine()
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql("ANALYZE")
        finally:
            engine.dispose()

    def run(self) -> None:
        engine = self._engine()
        try:
            while not self.stopping.wait(self.NAPTIME):
                try:
                    with engine.connect() as conn:
                        for schema, name in conn.exec_driver_sql(self.TABLES).all():
                            conn.exec_driver_sql(f'ANALYZE "{schema}"."{name}"')
                            self.analysed.append(name)
                except Exception as exc:  # a round missed, not a broken run: said at the end
                    self.errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            engine.dispose()

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=30)


# --- the run --------------------------------------------------------------------------------


def run_locust(url: str, plan: dict[str, Any], args: argparse.Namespace) -> Any:
    """Run the users for --minutes; locust's Environment, with its stats."""
    import load_users as people
    from locust.env import Environment

    people.PLAN = people.Plan(
        password=DEMO_PASSWORD,
        workers=plan["workers"],
        tablets=plan["tablets"],
        managers=plan["managers"],
        sentences=plan["sentences"],
        tablet_window=args.tablet_window,
    )
    counts = {people.Worker: args.workers, people.Tablet: args.tablets}
    counts[people.Manager] = args.managers
    for cls, count in counts.items():
        cls.fixed_count = count
    classes = [cls for cls, count in counts.items() if count]
    env = Environment(user_classes=classes, host=url)
    runner = env.create_local_runner()
    runner.start(sum(counts.values()), spawn_rate=SPAWN_RATE)
    started = time.monotonic()
    seconds = args.minutes * 60
    while (elapsed := time.monotonic() - started) < seconds:
        gevent.sleep(min(30, seconds - elapsed))
        total = env.stats.total
        print(
            f"  {time.monotonic() - started:5.0f} s: {runner.user_count} users, "
            f"{total.num_requests} requests, {total.num_failures} errors, "
            f"{total.current_rps:.1f} requests/s",
            flush=True,
        )
    runner.quit()
    return env


def _ms(value: float) -> str:
    return f"{value:,.0f}"


def print_table(env: Any, watch: ConnectionWatch, idle: int | None, database: str) -> None:
    from locust.stats import StatsEntry

    # One row per kind: sign-in's GETs and POSTs together, then all pages together.
    kinds: dict[str, Any] = {}
    for entry in env.stats.entries.values():
        kinds.setdefault(entry.name, StatsEntry(env.stats, entry.name, "")).extend(entry)
    entries = sorted(kinds.values(), key=lambda e: (_order(e.name), e.name))
    pages = StatsEntry(env.stats, "pages (all)", "")
    for entry in entries:
        if entry.name.startswith("page:"):
            pages.extend(entry)
    rows = [*entries, pages, env.stats.total]
    print(f"{'request kind':<26}{'count':>7}{'errors':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}")
    for entry in rows:
        name = "all requests" if entry is env.stats.total else entry.name
        if entry.num_requests:
            p50, p95, p99 = (entry.get_response_time_percentile(p) for p in (0.5, 0.95, 0.99))
            figures = f"{_ms(p50):>8}{_ms(p95):>8}{_ms(p99):>8}"
        else:
            p95, figures = 0, f"{'-':>8}{'-':>8}{'-':>8}"
        print(
            f"{name:<26}{entry.num_requests:>7}{entry.num_failures:>8}{figures}"
            f"  {_target(name, entry.num_failures, p95)}"
        )
    if env.stats.errors:
        print("errors:")
        for error in sorted(env.stats.errors.values(), key=lambda e: -e.occurrences)[:10]:
            print(f"  {error.occurrences} x {error.method} {error.name}: {error.error}")
    if watch.samples:
        print(
            f"PostgreSQL connections to {database}: peak {max(watch.samples)} during the run "
            f"({len(watch.samples)} samples, one a second; {idle} with the servers idle just "
            "before it)"
        )
    else:
        print(f"PostgreSQL connections: not counted ({watch.error})")


def _order(name: str) -> int:
    kinds = ("sign-in", "page:", "autosave", "sync session", "upload")
    return next((i for i, kind in enumerate(kinds) if name.startswith(kind)), len(kinds))


def _target(name: str, failures: int, p95: float) -> str:
    """The targets beside the figures: 0 errors everywhere; p95 under 500 ms for pages, under
    1 s for an upload."""
    said = "0 errors: " + ("met" if failures == 0 else "NOT met")
    if name.startswith("page") or name == "pages (all)":
        said += f"; p95 < {PAGE_P95_MS} ms: " + ("met" if p95 < PAGE_P95_MS else "NOT met")
    if name == "upload":
        said += f"; p95 < {UPLOAD_P95_MS} ms: " + ("met" if p95 < UPLOAD_P95_MS else "NOT met")
    return said


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--workers", type=int, default=50)
    parser.add_argument("--tablets", type=int, default=30)
    parser.add_argument("--managers", type=int, default=5)
    parser.add_argument(
        "--tablet-window",
        type=float,
        help="seconds over which the tablets come back into signal (default: half the run; "
        "0: all at once)",
    )
    parser.add_argument(
        "--no-analyse",
        action="store_true",
        help="on a server with autovacuum off, do not stand in for it: the statistics stay as "
        "they were before the run",
    )
    parser.add_argument("--seed", nargs=2, metavar=("DATABASE_URL", "PLAN"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed:
        seed(args.seed[0], Path(args.seed[1]), args.workers, args.tablets, args.managers)
        return 0
    if args.tablet_window is None:
        args.tablet_window = args.minutes * 60 / 2
    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)  # our own certificate
    from sqlalchemy.engine import make_url

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"This machine: {os.cpu_count()} cores, load average {load} before the run (other work "
        "may be running: the figures are this machine's, at this moment)."
    )
    with ExitStack() as stack:
        try:
            database_url = stack.enter_context(two_servers.demo_database(ADMIN_URL))
        except subprocess.CalledProcessError as exc:
            raise BenchError(f"the demo database could not be made: {exc.stderr!r}") from exc
        database = str(make_url(database_url).database)
        plan_file = Path(stack.enter_context(tempfile.TemporaryDirectory())) / "plan.json"
        sizes = ["--workers", str(args.workers), "--tablets", str(args.tablets)]
        sizes += ["--managers", str(args.managers)]
        # One data key for the seeding and the servers: the managers' authenticator keys are
        # sealed with it when seeded and opened with it at sign-in (rhi/auth/sealed.py).
        data_key = Fernet.generate_key().decode()
        done = subprocess.run(
            [sys.executable, __file__, "--seed", database_url, str(plan_file), *sizes],
            cwd=REPO,
            capture_output=True,
            text=True,
            env={**os.environ, "RHI_DATA_KEYS": data_key},
        )
        if done.returncode != 0:
            raise BenchError(f"seeding failed:\n{done.stdout}{done.stderr[-3000:]}")
        plan = json.loads(plan_file.read_text())
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
        print(
            f"Seeded {database}: {args.workers} workers with an interview in progress each, "
            f"{args.tablets} tablets with {PER_TABLET} interviews each to send, "
            f"{args.managers} managers (second factor on), all in team North."
        )
        print(
            f"Sign-in and upload rate limits raised to {RAISED_LIMIT} for this run "
            "(RHI_SIGN_IN_RATE_LIMIT, RHI_UPLOAD_RATE_LIMIT): at their defaults they would "
            "refuse this many sign-ins and uploads from one address, as they should."
        )
        extra = {
            "RHI_SIGN_IN_RATE_LIMIT": RAISED_LIMIT,
            "RHI_UPLOAD_RATE_LIMIT": RAISED_LIMIT,
            "RHI_DATA_KEYS": data_key,
        }
        try:
            servers = stack.enter_context(
                two_servers.serve(database_url, REDIS_URL, extra_env=extra)
            )
        except (RuntimeError, subprocess.CalledProcessError) as exc:
            raise BenchError(f"the servers did not start: {exc}") from exc
        statistics = Statistics(database_url)
        try:
            standing_in = not args.no_analyse and not statistics.autovacuum_on()
            if standing_in:
                statistics.analyse_all()
        except Exception as exc:
            raise BenchError(f"the run's database could not be analysed: {exc}") from exc
        if standing_in:
            statistics.start()
            stack.callback(statistics.stop)  # stopped however the run ends
            print(
                "This PostgreSQL runs with autovacuum off (production's default is on): the "
                "bench analysed the new database and analyses its changed tables each minute, "
                "on autovacuum's default thresholds, as autovacuum would."
            )
        elif args.no_analyse:
            print("--no-analyse: the statistics are left as they were before the run.")
        watch = ConnectionWatch(ADMIN_URL, database)
        watch.start()
        gevent.sleep(1.5)
        idle = watch.samples[-1] if watch.samples else None
        print(
            f"Two instances ({', '.join(servers.instances)}) behind nginx on {servers.url}; "
            f"locust for {args.minutes:g} min, {SPAWN_RATE} users/s at the start; tablets "
            f"come back into signal within the first {args.tablet_window:.0f} s.",
            flush=True,
        )
        env = run_locust(servers.url, plan, args)
        watch.stop()
        print()
        print_table(env, watch, idle, database)
        if standing_in:
            statistics.stop()
            said = ", ".join(statistics.analysed) or "none"
            print(f"Tables analysed during the run (as autovacuum would): {said}")
            for error in statistics.errors:
                print(f"A minute's analysing failed: {error}")
    from load_users import BROKEN

    if BROKEN:
        print("FAILED: sign-in failed for " + "; ".join(BROKEN[:5]), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(run(main))
