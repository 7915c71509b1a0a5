"""More than one server (issue 16 item 4): two instances of rhi in the production configuration
behind nginx over HTTPS, sharing PostgreSQL and Redis, as docs/deploy.md sets them up
(scripts/two_servers.py). Whichever instance answers, a signed-in worker stays signed in, the
sign-in rate limit is one count, an upload retried lands once, responses are compressed and the
static files come from nginx with long cache lifetimes; with one instance killed, the other
serves on.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import sys
import uuid as uuidlib
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import redis
from sqlalchemy import create_engine, text

from rhi.demo import DEMO_PASSWORD
from tests.app import redis_jobs
from tests.app.helpers import doc, item, with_yes
from tests.conftest import _pg_admin_url, _pg_connect

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import two_servers  # scripts/ is not a package

# Its own in each test process: several processes may each run their two servers at once, and
# on one database one's flush or sign-ins changed the sign-in count another was testing.
REDIS_URL = redis_jobs.own_database("two servers")
SIGN_IN_LIMIT = 6
WORKER = "worker@example.org"


class Client(two_servers.Client):
    def sign_in(self, email: str, password: str = DEMO_PASSWORD) -> tuple[int, Any]:
        return super().sign_in(email, password)


@pytest.fixture(scope="module")
def servers() -> Iterator[two_servers.TwoServers]:
    if not Path(two_servers.NGINX).exists():
        pytest.fail("nginx is not installed: `make test` installs it (Makefile, nginx)")
    try:
        _pg_connect(_pg_admin_url()).close()
    except Exception as exc:  # the PostgreSQL-only tests are skipped the same way
        pytest.skip(f"PostgreSQL not available: {exc}")
    redis.Redis.from_url(REDIS_URL).flushdb()
    extra = {"RHI_SIGN_IN_RATE_LIMIT": f"{SIGN_IN_LIMIT} per minute"}
    with (
        two_servers.demo_database(_pg_admin_url()) as url,
        two_servers.serve(url, REDIS_URL, extra_env=extra, show_upstream=True) as running,
    ):
        running.env["TEST_DATABASE_URL"] = url
        yield running
    # Every instance running at the end is stopped with its workers, also one killed and started
    # again (test_with_one_instance_killed_the_other_serves_on): none is left behind.
    for proc in running.instances.values():
        with pytest.raises(ProcessLookupError):
            os.killpg(proc.pid, 0)


def _returns(client: Client) -> tuple[int, str, str]:
    status, headers, body = client.request("/returns")
    return status, headers.get("X-Upstream", ""), body.decode(errors="replace")


def test_a_signed_in_worker_is_served_by_either_instance(servers):
    worker = Client(servers.url)
    status, headers = worker.sign_in(WORKER)
    assert status == 302, status
    answered_by = set()
    for _ in range(6):
        status, upstream, page = _returns(worker)
        assert status == 200 and "Returns waiting for an interview" in page
        answered_by.add(upstream)
    assert answered_by == set(servers.instances)  # both instances, one session


def test_the_sign_in_limit_is_one_count_across_instances(servers):
    """Memory counts would let each of the four processes allow SIGN_IN_LIMIT attempts; in
    Redis the next attempt over the limit is refused, whichever instance it reaches."""
    redis.Redis.from_url(REDIS_URL).flushdb()
    visitor = Client(servers.url)
    answers = []
    for n in range(SIGN_IN_LIMIT + 1):
        if n % 2:
            visitor.request("/healthz")  # nginx takes turns: this sends the next POST elsewhere
        status, headers = visitor.sign_in(f"nobody{n}@example.org", "not the password")
        answers.append((status, headers.get("X-Upstream", "")))
    assert [s for s, _ in answers[:SIGN_IN_LIMIT]] == [401] * SIGN_IN_LIMIT  # wrong password
    redis.Redis.from_url(REDIS_URL).flushdb()  # the next tests sign in from this address too
    assert answers[-1][0] == 429
    assert {u for _, u in answers} == set(servers.instances)


def _an_open_return(database_url: str) -> int:
    """A return of the demo worker's team with no interview yet."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(
                text(
                    "SELECT e.id FROM episodes e JOIN users u ON u.email = :email "
                    "WHERE e.returned_at IS NOT NULL AND e.assigned_worker_id = u.id "
                    "AND NOT EXISTS (SELECT 1 FROM interview_episodes ie "
                    "WHERE ie.episode_id = e.id) ORDER BY e.id LIMIT 1"
                ),
                {"email": WORKER},
            ).scalar_one()
    finally:
        engine.dispose()


def test_an_upload_retried_through_either_instance_lands_once(servers):
    worker = Client(servers.url)
    worker.sign_in(WORKER)
    database_url = servers.env["TEST_DATABASE_URL"]
    episode_id = _an_open_return(database_url)
    _status, _headers, session = worker.request("/sync/v1/session")
    token = json.loads(session)["csrf_token"]
    # The real clock here: the offer and yes an hour ago, local time (the app's default zone).
    hour_ago = datetime.now(ZoneInfo("Europe/London")) - timedelta(hours=1)
    sent = with_yes(
        item([episode_id], doc(sections__away__text="TWOSERVERS: at my nan's.")),
        at=hour_ago.strftime("%Y-%m-%d %H:%M"),
    )
    body = json.dumps({"items": [sent], "device_id": "tab-two"}).encode()
    headers = {
        "Content-Type": "application/json",
        "Idempotency-Key": uuidlib.uuid4().hex,
        **worker.change_headers(token, "/returns"),
    }
    answers = [worker.request("/sync/v1/interviews", body, headers) for _ in range(4)]
    assert {status for status, _h, _b in answers} == {200}, answers[0][2][:600]
    assert {h.get("X-Upstream") for _s, h, _b in answers} == set(servers.instances)
    results = [json.loads(b)["results"][0]["outcome"] for _s, _h, b in answers]
    assert results == ["created"] * 4  # the retries are answered as the first was
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            count = conn.execute(
                text("SELECT count(*) FROM interviews WHERE uuid = :uuid"), {"uuid": sent["uuid"]}
            ).scalar_one()
    finally:
        engine.dispose()
    assert count == 1


def test_pages_are_compressed_and_static_files_come_from_nginx_cached_by_version(servers):
    worker = Client(servers.url)
    worker.sign_in(WORKER)
    status, headers, body = worker.request("/returns", headers={"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    page = gzip.decompress(body).decode()
    css = re.search(r'href="(/static/css/app\.css\?v=[0-9a-f]+)"', page)
    assert css, "the page names its stylesheet by version"
    status, headers, body = worker.request(css.group(1), headers={"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert headers["Content-Encoding"] == "gzip" and gzip.decompress(body)
    assert "X-Upstream" not in headers  # nginx's own, no app instance asked
    status, headers, _body = worker.request("/static/css/app.css")
    assert status == 200 and headers["Cache-Control"] == "no-cache"


def test_with_one_instance_killed_the_other_serves_on(servers):
    worker = Client(servers.url)
    worker.sign_in(WORKER)
    gone = next(iter(servers.instances))
    servers.kill(gone)
    for _ in range(6):
        status, upstream, page = _returns(worker)
        assert status == 200 and "Returns waiting for an interview" in page
        assert gone not in upstream.split(", ")[-1:]
    # Started again (as bench/faults.py does after each kill), it serves the same session.
    servers.restart(gone)
    answered_by = set()
    for _ in range(6):
        status, upstream, page = _returns(worker)
        assert status == 200 and "Returns waiting for an interview" in page
        answered_by.add(upstream.split(", ")[-1])
    assert gone in answered_by
