"""Benchmark the Returns page against a bare Flask app, both under the same gunicorn.

Run from the repo root:  .venv/bin/python bench/returns_page.py [--seconds 5] [--concurrency 4]

It builds a throwaway SQLite database with the demo data, starts gunicorn for a bare Flask app
(bench/bare_app.py) and then for rhi, signs in as the demo worker, and hammers each with a small
keep-alive load generator. It prints requests per second and p50/p99 latency for both, and the
ratios. It exits non-zero only when something broke (a server did not start, sign-in failed,
a request failed), never because of a timing.
"""

from __future__ import annotations

import argparse
import http.client
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # the venv's bin/, so flask and gunicorn use this Python
HOST = "127.0.0.1"
COOKIE_NAME = "rhi_session"
RETURNS_MARKER = "Returns waiting for an interview"
# The same gunicorn settings for both targets; only the app and the port differ.
GUNICORN_ARGS = ["--workers", "2", "--threads", "1", "--log-level", "warning"]

sys.path.insert(0, str(REPO))
from rhi.demo import DEMO_PASSWORD  # noqa: E402 - needs the repo on sys.path first


class BenchError(Exception):
    """Something failed (not a slow result): the run exits non-zero."""


@dataclass
class Result:
    target: str
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def run_flask(args: list[str], env: dict[str, str]) -> None:
    """Run `flask --app wsgi ...` in the repo root; raise with its output if it fails."""
    cmd = [str(BIN / "flask"), "--app", "wsgi", *args]
    done = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise BenchError(f"{' '.join(cmd[1:])} failed:\n{done.stdout}{done.stderr}")


def start_gunicorn(app: str, port: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    # No --access-logfile: gunicorn's access log is off unless asked for.
    cmd = [sys.executable, "-m", "gunicorn", *GUNICORN_ARGS, "--bind", f"{HOST}:{port}",
           "--error-logfile", str(log), app]
    return subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def stop(proc: subprocess.Popen[bytes] | None) -> None:
    """Stop one gunicorn master we started (it takes its workers down with it)."""
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def wait_ready(proc: subprocess.Popen[bytes], port: int, path: str, log: Path,
               timeout: float = 30.0) -> None:
    """Poll until GET path answers 200, or fail with gunicorn's log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        conn = http.client.HTTPConnection(HOST, port, timeout=2)
        try:
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            conn.close()
        time.sleep(0.2)
    text = log.read_text(errors="replace") if log.exists() else ""
    raise BenchError(f"server on port {port} did not answer {path} in time:\n{text[-3000:]}")


def sign_in(port: int) -> str:
    """Sign in as the demo worker; return the session cookie value."""
    try:
        return _sign_in(port)
    except urllib.error.URLError as exc:  # HTTPError too: a 4xx/5xx on the way
        raise BenchError(f"sign-in failed: {exc}") from exc


def _sign_in(port: int) -> str:
    base = f"http://{HOST}:{port}"
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base}/sign-in", timeout=10) as resp:
        page = resp.read().decode()
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', page)
    if not match:
        raise BenchError("no CSRF token on /sign-in")
    form = urllib.parse.urlencode({"csrf_token": match.group(1), "email": "worker@example.org",
                                   "password": DEMO_PASSWORD}).encode()
    with opener.open(f"{base}/sign-in", data=form, timeout=10) as resp:
        resp.read()
    with opener.open(f"{base}/returns", timeout=10) as resp:
        status, body = resp.status, resp.read().decode()
    if status != 200 or RETURNS_MARKER not in body:
        raise BenchError(f"sign-in failed: /returns answered {status} without {RETURNS_MARKER!r}")
    cookie = next((c.value for c in jar if c.name == COOKIE_NAME), None)
    if not cookie:
        raise BenchError(f"sign-in set no {COOKIE_NAME} cookie")
    return cookie


def load(target: str, port: int, path: str, headers: dict[str, str], concurrency: int,
         warmup: float, seconds: float) -> Result:
    """Keep-alive GETs from `concurrency` threads; count only those started after the warm-up."""
    start = time.perf_counter() + warmup
    end = start + seconds
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    errors = [0] * concurrency

    def worker(i: int) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=10)
        while True:
            t0 = time.perf_counter()
            if t0 >= end:
                break
            ok = False
            try:
                conn.request("GET", path, headers=headers)
                resp = conn.getresponse()
                resp.read()  # drain the body so the connection can be reused
                ok = resp.status == 200
            except (OSError, http.client.HTTPException):
                conn.close()  # reconnects on the next request
            if t0 >= start:
                latencies[i].append(time.perf_counter() - t0)
                errors[i] += not ok
        conn.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    times = sorted(x for per_thread in latencies for x in per_thread)
    if not times:
        raise BenchError(f"{target}: no requests completed")

    def pct(p: float) -> float:  # nearest-rank percentile, in ms
        return times[min(len(times) - 1, int(p * len(times)))] * 1000

    return Result(target, len(times), seconds, len(times) / seconds, pct(0.50), pct(0.99),
                  sum(errors))


def report(results: list[Result]) -> dict[str, float]:
    print(f"{'target':<14}{'requests':>10}{'rps':>10}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}")
    for r in results:
        print(f"{r.target:<14}{r.requests:>10}{r.rps:>10.1f}{r.p50_ms:>10.2f}{r.p99_ms:>10.2f}"
              f"{r.errors:>8}")
    base, page = results
    ratios = {"rps": page.rps / base.rps, "p50": page.p50_ms / base.p50_ms,
              "p99": page.p99_ms / base.p99_ms}
    print(f"Returns page / baseline: rps x{ratios['rps']:.2f}, p50 x{ratios['p50']:.1f}, "
          f"p99 x{ratios['p99']:.1f}")
    return ratios


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="measured seconds per target")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads")
    parser.add_argument("--warmup", type=float, default=1.0, help="unmeasured seconds first")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="rhi-bench-"))
    env = {**os.environ,
           "RHI_DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
           "RHI_SECRET_KEY": secrets.token_hex(32),
           "RHI_SIGN_IN_RATE_LIMIT": "100000 per minute"}
    proc: subprocess.Popen[bytes] | None = None
    try:
        run_flask(["db", "upgrade"], env)
        run_flask(["rhi", "demo"], env)
        print(f"gunicorn {' '.join(GUNICORN_ARGS)}; {args.concurrency} clients, "
              f"{args.warmup:g} s warm-up + {args.seconds:g} s each")

        results: list[Result] = []
        # (target name, gunicorn app, readiness path, measured path)
        targets = [("baseline", "bench.bare_app:app", "/", "/"),
                   ("returns page", "wsgi:app", "/healthz", "/returns")]
        for name, app, ready_path, path in targets:
            port, log = free_port(), tmp / f"{name.replace(' ', '_')}.log"
            proc = start_gunicorn(app, port, env, log)
            wait_ready(proc, port, ready_path, log)
            headers = {}
            if path == "/returns":
                headers["Cookie"] = f"{COOKIE_NAME}={sign_in(port)}"
            results.append(load(name, port, path, headers, args.concurrency, args.warmup,
                                args.seconds))
            stop(proc)
            proc = None

        ratios = report(results)
        if args.json:
            args.json.write_text(json.dumps({"results": [asdict(r) for r in results],
                                             "ratios": ratios}, indent=2) + "\n")
        failed = [r.target for r in results if r.errors]
        if failed:
            print(f"FAILED: requests errored for {', '.join(failed)}", file=sys.stderr)
            return 1
        return 0
    except BenchError as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    finally:
        stop(proc)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
