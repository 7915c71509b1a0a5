"""Jobs on the real Redis for a test: each test file has a database number of its own, emptied
before and after, and works the queue with an RQ SimpleWorker in the test's process."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from rhi.jobs import worker


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
