"""Faults (issue 16 item 6): PostgreSQL restarted while workers autosave.

Run from the repo root:
    .venv/bin/python bench/faults_postgres.py [--restarts 20] [--savers 8] [--keep-log FILE]

The machine's own PostgreSQL is left alone: the script makes a private cluster of its own
(`initdb` in a temporary folder, on a free port; as the `postgres` user when run as root), puts
rhi's tables and the demo data in it, and serves rhi with gunicorn against it. Then `--savers`
threads, each an open interview page with its own text field of one interview, save as
autosave.js does (POST /interviews/<uuid>/save with f:<path>, o:<path>, X-CSRFToken): each save
starts from the words last acknowledged, and a save that is not answered 200 (no answer, a 5xx:
the page says "Not saved, retrying") is sent again, the same words, until it is. Meanwhile the
cluster is restarted `--restarts` times, 1-3 s apart, alternately `pg_ctl restart -m fast`
(connections closed, a clean shutdown) and `-m immediate` (every process killed, crash recovery
at the next start), so connections in rhi's pool die under it.

Each restart is one trial. Afterwards it reads the interview back and counts, for each saver,
whether the last words the server acknowledged are the words in the database (an acknowledged
save lost), any answer that was neither 200 nor a failure to retry (a 409 would mean a retried
save was refused as a conflict with itself), the answers by status, and, for each restart, how
long until every saver had a save acknowledged again. Target: 0 acknowledged saves lost, 0
conflicts, and every saver saving again after each restart. It exits non-zero when one was lost,
a save was refused, a saver never recovered, or something broke; never because of a timing.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from autosave_concurrency import (
    FIELDS,
    csrf_token,
    database_fields,
    get_path,
    postgres_demo,
    seed_interviews,
    send_save,
    serve,
)
from harness import HOST, BenchError, free_port, run, sign_in_worker, temp_dir

RETRY_PAUSE = 0.25  # seconds between a failed save and the same save again (autosave.js waits)
TIMEOUT = 30  # seconds a save may take before the "page" gives up on that try


def _bin_dir() -> Path:
    """The newest PostgreSQL server's programs (initdb, pg_ctl) installed on the machine."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name)
    )
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise BenchError("no PostgreSQL server programs (initdb) on this machine")


class Cluster:
    """A private PostgreSQL cluster that the script may stop and restart at will."""

    def __init__(self, root: Path) -> None:
        # `root` is a folder of its own (not inside another temporary folder: a root-owned 0700
        # parent would keep the postgres user out).
        self.bin = _bin_dir()
        self.data = root / "data"
        self.log = root / "postgres.log"
        self.port = free_port()
        # initdb and postgres refuse to run as root: use the postgres user then.
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(root, user="postgres")

    def _pg(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self.as_user, *args], capture_output=True, text=True, check=check, timeout=120
        )

    def create(self) -> None:
        self._pg(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres")
        options = f"-p {self.port} -c listen_addresses={HOST} -k {self.data}"
        self._pg(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.log),
            "-w", "start",
        )  # fmt: skip

    def restart(self, mode: str) -> float:
        """Restart with `mode` ("fast" or "immediate"); the seconds until it accepts again."""
        t0 = time.monotonic()
        # -l again: without it the new server would write to our pipe and keep it open.
        self._pg(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-m", mode,
            "-w", "restart",
        )  # fmt: skip
        return time.monotonic() - t0

    def destroy(self) -> None:
        self._pg(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop",
                 check=False)  # fmt: skip

    @property
    def admin_url(self) -> str:
        return f"postgresql+psycopg://postgres@{HOST}:{self.port}/postgres"


@contextmanager
def private_cluster() -> Iterator[Cluster]:
    root = Path(tempfile.mkdtemp(prefix="rhi-bench-pg-"))
    try:
        cluster = Cluster(root)
        try:
            cluster.create()
        except subprocess.CalledProcessError as exc:
            raise BenchError(f"cannot start a private PostgreSQL: {exc.stderr or exc}") from exc
        try:
            yield cluster
        finally:
            cluster.destroy()
    finally:
        shutil.rmtree(root, ignore_errors=True)


@dataclass
class Saver:
    """One open interview page saving one field, again and again, until told to stop."""

    port: int
    cookie: str
    token: str
    uuid: str
    path: str
    tag: str
    statuses: Counter[str] = field(default_factory=Counter)
    acknowledged: str = ""  # the last words the server answered 200 for
    acknowledged_at: list[float] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # answers that say the save is not wanted

    def _send(self, conn: http.client.HTTPConnection, text: str) -> int:
        response, body = send_save(
            conn, self.cookie, self.token, self.uuid, self.path, text, self.acknowledged
        )
        if response.status not in (200, 500, 502, 503, 504):
            self.refused.append(f"{response.status}: {body[:200]!r}")
        return response.status

    def run_until(self, stop: threading.Event) -> None:
        conn = http.client.HTTPConnection(HOST, self.port, timeout=TIMEOUT)
        n = 0
        try:
            while not stop.is_set():
                text = f"{self.tag} save {n}: she said she walked back in the morning."
                while True:  # the same words until they are acknowledged (or refused)
                    try:
                        status = self._send(conn, text)
                    except (OSError, http.client.HTTPException):
                        self.statuses["no answer"] += 1
                        conn.close()
                        conn = http.client.HTTPConnection(HOST, self.port, timeout=TIMEOUT)
                        time.sleep(RETRY_PAUSE)
                        continue
                    self.statuses[str(status)] += 1
                    if status == 200:
                        self.acknowledged = text
                        self.acknowledged_at.append(time.monotonic())
                        break
                    if self.refused:
                        return  # a refused save stops this page: the run has failed
                    time.sleep(RETRY_PAUSE)
                n += 1
                time.sleep(random.uniform(0.02, 0.1))  # the worker types on
        finally:
            conn.close()


def recovered_after(savers: list[Saver], at: float) -> float | None:
    """Seconds from `at` until every saver had a save acknowledged again; None if one never
    did."""
    firsts = []
    for saver in savers:
        later = [t for t in saver.acknowledged_at if t > at]
        if not later:
            return None
        firsts.append(later[0] - at)
    return max(firsts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--restarts", type=int, default=20)
    parser.add_argument("--savers", type=int, default=8)
    parser.add_argument("--keep-log", type=Path, help="copy the server's error log here")
    args = parser.parse_args()
    if not 1 <= args.savers <= len(FIELDS):
        raise BenchError(f"--savers must be 1 to {len(FIELDS)}")
    broken: list[str] = []
    with (
        temp_dir("rhi-bench-pgrestart-") as tmp,
        private_cluster() as cluster,
        postgres_demo(cluster.admin_url) as env,
    ):
        os.environ.update(env)  # seeding and checking open the same database in-process
        (uuid,) = seed_interviews(1)
        with serve("wsgi:app", env, tmp / "rhi.log", "/healthz") as port:
            cookie = sign_in_worker(port)
            token = csrf_token(port, cookie)
            savers = [
                Saver(port, cookie, token, uuid, FIELDS[i], f"page {i}") for i in range(args.savers)
            ]
            stop = threading.Event()
            threads = [threading.Thread(target=s.run_until, args=(stop,)) for s in savers]
            for thread in threads:
                thread.start()
            restarts: list[tuple[str, float, float]] = []  # mode, when, seconds down
            try:
                time.sleep(2)  # saves flowing before the first restart
                for n in range(args.restarts):
                    mode = "immediate" if n % 2 else "fast"
                    at = time.monotonic()
                    restarts.append((mode, at, cluster.restart(mode)))
                    time.sleep(random.uniform(1, 3))
                time.sleep(3)  # and after the last, time to catch up
            finally:
                stop.set()
                for thread in threads:
                    thread.join(timeout=TIMEOUT * 2)
        stored = database_fields([uuid])[uuid]
        if args.keep_log:
            shutil.copyfile(tmp / "rhi.log", args.keep_log)
        # What the server logged as a fault (not the expected "database unavailable" warnings).
        faults = Counter(
            line.strip()[:160]
            for line in (tmp / "rhi.log").read_text(errors="replace").splitlines()
            if re.match(r"^[\w.]+(Error|Exception)\b", line.strip())
        )

    statuses: Counter[str] = Counter()
    for saver in savers:
        statuses.update(saver.statuses)
    lost = [s.path for s in savers if s.acknowledged and get_path(stored, s.path) != s.acknowledged]
    refused = [r for s in savers for r in s.refused]
    waits = [recovered_after(savers, at) for _mode, at, _down in restarts]
    acknowledged = sum(len(s.acknowledged_at) for s in savers)
    print(f"{len(restarts)} restarts of PostgreSQL ({args.savers} pages saving one interview)")
    for mode in ("fast", "immediate"):
        downs = [down for m, _at, down in restarts if m == mode]
        if downs:
            print(f"  -m {mode:<9} {len(downs):>3} restarts, pg_ctl took p50 "
                  f"{statistics.median(downs):.2f} s, max {max(downs):.2f} s")  # fmt: skip
    print(f"saves acknowledged: {acknowledged}")
    print("answers: " + ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items())))
    done = [w for w in waits if w is not None]
    if done:
        print(f"every page saving again after a restart: p50 {statistics.median(done):.2f} s, "
              f"max {max(done):.2f} s")  # fmt: skip
    print(f"acknowledged saves lost: {len(lost)}; saves refused: {len(refused)}; "
          f"restarts not recovered from: {waits.count(None)}")  # fmt: skip
    for line, times in sorted(faults.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  logged {times}x: {line}")
    if lost:
        broken.append(f"acknowledged words not in the database: {lost}")
    if refused:
        broken.append(f"saves refused: {refused[:3]}")
    if None in waits:
        broken.append("a page never saved again after a restart")
    if not acknowledged:
        broken.append("no save was acknowledged")
    if broken:
        raise BenchError("; ".join(broken))
    return 0


if __name__ == "__main__":
    sys.exit(run(main))
