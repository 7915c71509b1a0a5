"""What the gunicorn benchmarks share: a throwaway demo database, gunicorn, sign-in, exit codes.

Imported by the scripts next to it (`from harness import ...`); they run from the repo root as
`.venv/bin/python bench/<name>.py`, so this folder is sys.path[0]. Importing it also puts the repo
on sys.path, so `rhi` imports work after it.
"""

from __future__ import annotations

import http.client
import http.cookiejar
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # the venv's bin/, so flask and gunicorn use this Python
HOST = "127.0.0.1"
COOKIE_NAME = "rhi_session"
WORKER = "worker@example.org"  # the demo worker (team North)
RETURNS_MARKER = "Returns waiting for an interview"
# The same gunicorn settings for every benchmark; only the app and the port differ.
GUNICORN_ARGS = ["--workers", "2", "--threads", "1", "--log-level", "warning"]

sys.path.insert(0, str(REPO))
from rhi.demo import DEMO_PASSWORD  # noqa: E402 - needs the repo on sys.path first


class BenchError(Exception):
    """Something failed (not a slow result): the run exits non-zero."""


def run(main: Callable[[], int]) -> int:
    """Call `main`; a BenchError prints `FAILED: ...` and makes the exit code 1."""
    try:
        return main()
    except BenchError as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1


@contextmanager
def temp_dir(prefix: str) -> Iterator[Path]:
    """A fresh temp folder, removed afterwards."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run_flask(args: list[str], env: dict[str, str]) -> None:
    """Run `flask --app wsgi ...` in the repo root; raise with its output if it fails."""
    cmd = [str(BIN / "flask"), "--app", "wsgi", *args]
    done = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise BenchError(f"{' '.join(cmd[1:])} failed:\n{done.stdout}{done.stderr}")


def demo_database(tmp: Path) -> dict[str, str]:
    """A SQLite database in `tmp` with the demo data; the environment that points rhi at it."""
    env = {
        **os.environ,
        "RHI_DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
        "RHI_SECRET_KEY": secrets.token_hex(32),
        "RHI_SIGN_IN_RATE_LIMIT": "100000 per minute",
    }
    run_flask(["db", "upgrade"], env)
    run_flask(["rhi", "demo"], env)
    return env


# The machine's PostgreSQL, as the benchmarks that run on production's database reach it.
POSTGRES_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@contextmanager
def postgres_demo(admin_url: str, prefix: str) -> Iterator[dict[str, str]]:
    """A new PostgreSQL database (named `prefix` and a random suffix) with rhi's tables and the
    demo data, dropped afterwards; the environment that points rhi at it."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"{prefix}_{secrets.token_hex(4)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        raise BenchError(f"cannot make a database at {admin_url}: {exc}") from exc
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    env = {
        **os.environ,
        "RHI_DATABASE_URL": url,
        "RHI_SECRET_KEY": secrets.token_hex(32),
        "RHI_SIGN_IN_RATE_LIMIT": "100000 per minute",
    }
    try:
        run_flask(["db", "upgrade"], env)
        run_flask(["rhi", "demo"], env)
        yield env
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def start_gunicorn(app: str, port: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    # No --access-logfile: gunicorn's access log is off unless asked for.
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        *GUNICORN_ARGS,
        "--bind",
        f"{HOST}:{port}",
        "--error-logfile",
        str(log),
        app,
    ]
    return subprocess.Popen(
        cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop one gunicorn master we started (it takes its workers down with it)."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def wait_ready(
    proc: subprocess.Popen[bytes], port: int, path: str, log: Path, timeout: float = 90.0
) -> None:
    """Poll until GET path answers 200, or fail with gunicorn's log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
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


@contextmanager
def gunicorn(
    app: str, env: dict[str, str], log: Path, ready_path: str = "/healthz"
) -> Iterator[int]:
    """Serve `app` on a free port until the block ends; yields the port once it answers."""
    port = free_port()
    proc = start_gunicorn(app, port, env, log)
    try:
        wait_ready(proc, port, ready_path, log)
        yield port
    finally:
        stop(proc)  # always: also when sign-in or a request failed


def csrf_token_in(page: str) -> str:
    """The CSRF token a page of rhi carries (its <meta name="csrf-token">), for a form post."""
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', page)
    if not match:
        raise BenchError("no CSRF token on the page")
    return match.group(1)


def sign_in(port: int, email: str, page: str, what: str = "sign-in") -> tuple[str | None, int, str]:
    """Sign in as `email` with the demo password, then GET `page`.

    Returns the session cookie (None if sign-in set none), and that page's status and body.
    A failed request (HTTPError too: a 4xx/5xx on the way) raises "`what` failed: ...".
    """
    base = f"http://{HOST}:{port}"
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    try:
        with opener.open(f"{base}/sign-in", timeout=10) as resp:
            form_page = resp.read().decode()
        form = urllib.parse.urlencode(
            {"csrf_token": csrf_token_in(form_page), "email": email, "password": DEMO_PASSWORD}
        ).encode()
        with opener.open(f"{base}/sign-in", data=form, timeout=10) as resp:
            resp.read()
        with opener.open(f"{base}{page}", timeout=10) as resp:
            status, body = resp.status, resp.read().decode()
    except urllib.error.URLError as exc:
        raise BenchError(f"{what} failed: {exc}") from exc
    return next((c.value for c in jar if c.name == COOKIE_NAME), None), status, body


def session_cookie(cookie: str | None) -> str:
    """The cookie `sign_in` returned, or fail if there was none."""
    if not cookie:
        raise BenchError(f"sign-in set no {COOKIE_NAME} cookie")
    return cookie


def sign_in_worker(port: int) -> str:
    """Sign in as the demo worker and check the Returns page shows; return the session cookie."""
    cookie, status, body = sign_in(port, WORKER, "/returns")
    if status != 200 or RETURNS_MARKER not in body:
        raise BenchError(f"sign-in failed: /returns answered {status} without {RETURNS_MARKER!r}")
    return session_cookie(cookie)
