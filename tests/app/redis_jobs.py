"""Jobs on the real Redis for a test: each test file has a database number of its own in each
test process, emptied before and after, and works the queue with an RQ SimpleWorker in the
test's process."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from rhi.jobs import worker

# Redis's databases for tests: not 0 (`make run`, scripts/two_servers.py) nor 8 and 9 (bench/).
_FREE = (1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15)
_PROCESSES = 4  # past this many test processes, the numbers are shared again
USES = ("summary jobs", "import jobs", "two servers")


def own_database(use: str) -> str:
    """A Redis database for one use (USES) in this test process alone. pytest-xdist may run a
    file's tests in several processes at once (its SQLite and PostgreSQL cases, say): on one
    database, one process's flush or worker took another's jobs."""
    process = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    return f"redis://127.0.0.1:6379/{_FREE[USES.index(use) * _PROCESSES + process % _PROCESSES]}"


def connect(url: str) -> Any:
    from redis import Redis

    return Redis.from_url(url, socket_connect_timeout=2)


def jobs_on_redis(app: Flask, url: str) -> Iterator[Flask]:
    """For a fixture: the app with its jobs on Redis at `url`, retried at once (no backoff wait
    in a test); skipped where Redis cannot be reached."""
    try:
        connect(url).ping()
    except Exception as exc:
        pytest.skip(f"Redis not reachable at {url}: {exc}")
    connect(url).flushdb()
    app.config["RHI_JOBS_REDIS_URL"] = url
    app.config["RHI_JOBS_RETRY_SECONDS"] = [0, 0]
    yield app
    connect(url).flushdb()


def work(app: Flask) -> None:
    """An RQ SimpleWorker in this process, until the queue is empty."""
    with app.app_context():
        worker.start(burst=True)
