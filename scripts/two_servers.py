"""Two rhi app servers behind nginx on this machine, sharing PostgreSQL and Redis (docs/deploy.md).

    .venv/bin/python scripts/two_servers.py [--database-url URL] [--redis-url URL]

starts, on loopback only: two gunicorn instances of rhi in the production configuration, and
nginx in front of them over HTTPS (a self-signed certificate made for the run), which passes
requests to either instance in turn, compresses responses and serves the static files itself
with long cache lifetimes for the versioned URLs. It prints the address and waits for Ctrl-C.
With no --database-url it makes a fresh PostgreSQL database with the demo data and drops it at
the end. tests/deploy/test_two_servers.py starts the same arrangement with `serve()`.

What the instances share, and so what must hold across them: the database (accounts, sessions,
upload idempotency keys, held work, jobs), Redis (rate limits, RHI_RATELIMIT_STORAGE_URI; the
job queue, RHI_JOBS_REDIS_URL). Nothing is kept in one process's memory that another needs.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "rhi" / "static"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
HOST = "127.0.0.1"

NGINX_CONF = """
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 512; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include /etc/nginx/mime.types;
    types {{ application/manifest+json webmanifest; }}
    default_type application/octet-stream;
    server_tokens off;
    client_max_body_size 25m;
    # Bodies and answers are kept in memory, never in the temp folders: started as root, nginx's
    # workers run as another user, who may not write in this run's private folder.
    client_body_buffer_size 25m;
    proxy_max_temp_file_size 0;

    # Compressed here, for pages, JSON and the static files alike (never for PDFs and images,
    # already compressed). Pages over HTTPS too: why that is safe with rhi's SameSite=Lax session
    # cookie, and how to keep pages uncompressed instead, is in docs/deploy.md.
    gzip on;
    gzip_proxied any;
    gzip_min_length 512;
    gzip_vary on;
    gzip_types text/css application/javascript text/javascript application/json
               application/manifest+json image/svg+xml text/plain text/csv;

    # A static URL with ?v= names one version of the file's bytes (rhi/pwa/views.py): kept for
    # a year. Without it, the browser asks again each time.
    map $arg_v $static_cache {{
        ""      "no-cache";
        default "public, max-age=31536000, immutable";
    }}

    # max_fails=0: an instance is never marked down. One that is down refuses the connection at
    # once and the next is tried; marked down for fail_timeout, an instance started again would
    # be skipped, and with the other then killed nginx would have none left to try.
    upstream rhi {{
        server {app_a} max_fails=0;
        server {app_b} max_fails=0;
        keepalive 16;
        # nginx lets an idle connection go before gunicorn does (--keep-alive 75): the other way
        # round, a request sent on a connection gunicorn has just closed is passed to the other
        # instance, and under load that happened.
        keepalive_timeout 30s;
    }}

    server {{
        listen {host}:{port} ssl http2;
        ssl_certificate {tmp}/cert.pem;
        ssl_certificate_key {tmp}/key.pem;
        ssl_protocols TLSv1.2 TLSv1.3;

        location /static/ {{
            alias {static}/;
            add_header Cache-Control $static_cache always;
            add_header X-Content-Type-Options nosniff always;
            {upstream_header}
        }}

        location / {{
            proxy_pass http://rhi;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Host $http_host;
            # An instance that is down (or dies mid-request before answering) is skipped for
            # the other; a POST is never sent twice (nginx does not retry non-idempotent ones).
            proxy_next_upstream error timeout;
            proxy_connect_timeout 2s;
            {upstream_header}
        }}
    }}
}}
"""


@dataclass
class TwoServers:
    """The running arrangement: its address, and each instance's process and address."""

    url: str
    folder: Path
    env: dict[str, str]
    instances: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    nginx: subprocess.Popen[bytes] | None = None

    def kill(self, address: str) -> None:
        """Kill one instance at once (SIGKILL to its gunicorn master and workers)."""
        proc = self.instances[address]
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def restart(self, address: str) -> None:
        """Start a killed instance again on its address, and wait until it answers."""
        log = self.folder / f"gunicorn-{address.replace(':', '-')}-again.log"
        proc = _gunicorn(address, self.env, log)
        self.instances[address] = proc
        _wait_plain(address, proc, log)


class Client:
    """A browser's part, over HTTPS through nginx: cookies, the CSRF token, no redirects."""

    def __init__(self, base: str) -> None:
        import ssl

        self.base = base
        self.jar = http.cookiejar.CookieJar()
        context = ssl._create_unverified_context()  # our own certificate, on loopback
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar),
            urllib.request.HTTPSHandler(context=context),
            _NoRedirect(),
        )

    def request(
        self,
        path: str,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 30,
    ) -> tuple[int, Any, bytes]:
        """(status, headers, body); an HTTP error status is returned, not raised."""
        req = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        try:
            with self.opener.open(req, timeout=timeout) as answer:
                return answer.status, answer.headers, answer.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def sign_in(self, email: str, password: str) -> tuple[int, Any]:
        _status, _headers, page = self.request("/sign-in")
        token = re.search(rb'<meta name="csrf-token" content="([^"]+)"', page)
        if token is None:
            raise RuntimeError(f"no CSRF token on /sign-in: {page[:300]!r}")
        form = urllib.parse.urlencode(
            {"csrf_token": token.group(1).decode(), "email": email, "password": password}
        ).encode()
        status, headers, _body = self.request(
            "/sign-in", form, {"Referer": self.base + "/sign-in", "Origin": self.base}
        )
        return status, headers

    def change_headers(self, csrf_token: str, referer: str = "/") -> dict[str, str]:
        """What a change needs in production: the token, and our own origin and referer."""
        return {
            "X-CSRFToken": csrf_token,
            "Origin": self.base,
            "Referer": self.base + referer,
        }


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def self_signed_certificate(folder: Path) -> None:
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-keyout",
            str(folder / "key.pem"),
            "-out",
            str(folder / "cert.pem"),
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )


def production_env(database_url: str, redis_url: str, extra: dict[str, str]) -> dict[str, str]:
    """The environment both instances share: the production configuration behind one proxy."""
    return {
        **os.environ,
        "RHI_ENV": "production",
        "RHI_SECRET_KEY": secrets.token_hex(32),
        "RHI_DATABASE_URL": database_url,
        "RHI_RATELIMIT_STORAGE_URI": redis_url,
        "RHI_JOBS_REDIS_URL": redis_url,
        "RHI_TRUSTED_PROXIES": "1",
        **extra,
    }


def _wait(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 90) -> None:
    import ssl

    context = ssl._create_unverified_context()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=2, context=context) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    text = log.read_text(errors="replace") if log.exists() else ""
    raise RuntimeError(f"{url} did not answer in time:\n{text[-3000:]}")


def _gunicorn(address: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        # Threads as well as processes: a long request (an upload of twenty interviews, a
        # sign-in's deliberately slow password hash) then holds one thread, not a whole process,
        # and the short page requests behind it are not queued (bench/README.md, Load).
        "--workers",
        "2",
        "--threads",
        "4",
        # Longer than nginx keeps an idle connection to it (keepalive_timeout above).
        "--keep-alive",
        "75",
        "--bind",
        address,
        "--error-logfile",
        str(log),
        "wsgi:app",
    ]
    return subprocess.Popen(
        cmd,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: kill() takes the workers too
    )


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@contextmanager
def serve(
    database_url: str,
    redis_url: str,
    *,
    extra_env: dict[str, str] | None = None,
    show_upstream: bool = False,
) -> Iterator[TwoServers]:
    """Two instances and nginx until the block ends. The database must be migrated already.
    `show_upstream` adds an X-Upstream header naming the instance that answered (tests)."""
    folder = Path(tempfile.mkdtemp(prefix="rhi-two-servers-"))
    env = production_env(database_url, redis_url, extra_env or {})
    with ExitStack() as stack:
        stack.callback(shutil.rmtree, folder, True)
        self_signed_certificate(folder)
        addresses = [f"{HOST}:{free_port()}", f"{HOST}:{free_port()}"]
        port = free_port()
        servers = TwoServers(url=f"https://{HOST}:{port}", folder=folder, env=env)
        # Each address's instance running when the block ends, not the one first started: one
        # killed and started again (restart) was left running, with its workers, after the
        # block. One callback each, so that one failing to stop leaves the others stopped.
        for address in addresses:
            stack.callback(
                lambda at=address: at in servers.instances and _stop(servers.instances[at])
            )
        for number, address in enumerate(addresses):
            log = folder / f"gunicorn-{number}.log"
            servers.instances[address] = _gunicorn(address, env, log)
        for number, (address, proc) in enumerate(servers.instances.items()):
            _wait_plain(address, proc, folder / f"gunicorn-{number}.log")
        conf = folder / "nginx.conf"
        conf.write_text(
            NGINX_CONF.format(
                tmp=folder,
                host=HOST,
                port=port,
                app_a=addresses[0],
                app_b=addresses[1],
                static=STATIC,
                upstream_header=(
                    "add_header X-Upstream $upstream_addr always;" if show_upstream else ""
                ),
            )
        )
        nginx = subprocess.Popen(
            [NGINX, "-c", str(conf), "-p", str(folder)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        stack.callback(_stop, nginx)
        servers.nginx = nginx
        _wait(f"{servers.url}/healthz", nginx, folder / "nginx-error.log")
        yield servers


def _wait_plain(address: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(f"http://{address}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    text = log.read_text(errors="replace") if log.exists() else ""
    raise RuntimeError(f"gunicorn on {address} did not start:\n{text[-3000:]}")


@contextmanager
def demo_database(admin_url: str) -> Iterator[str]:
    """A new PostgreSQL database with rhi's tables and the demo data; dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"rhi_two_{secrets.token_hex(4)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    env = {**os.environ, "RHI_DATABASE_URL": url, "RHI_SECRET_KEY": secrets.token_hex(32)}
    try:
        for args in (["db", "upgrade"], ["rhi", "demo"]):
            subprocess.run(
                [str(Path(sys.executable).parent / "flask"), "--app", "wsgi", *args],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
            )
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", help="an existing, migrated database (default: a new demo database)"
    )
    parser.add_argument(
        "--admin-url",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
        help="where to make the demo database when --database-url is not given",
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args()
    with ExitStack() as stack:
        url = args.database_url or stack.enter_context(demo_database(args.admin_url))
        servers = stack.enter_context(serve(url, args.redis_url))
        print(f"rhi on {servers.url} (two instances: {', '.join(servers.instances)})")
        print("Ctrl-C stops everything.")
        try:
            while all(p.poll() is None for p in servers.instances.values()):
                time.sleep(1)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
