"""The RQ side: what a worker runs for a job id, and starting a worker with the app.

`flask rhi worker` runs RQ's SimpleWorker inside the app context Flask's command line gives:
jobs run in the worker process itself, one at a time (no fork per job, so no database
connection is shared across a fork). Run more worker processes for more at once.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app

from rhi.extensions import db
from rhi.jobs import core, dispatch

log = logging.getLogger(__name__)


def perform(job_id: int) -> str:
    """RQ's entry point. Needs an app context (the worker's). Raises when the attempt failed,
    so RQ retries it with its backoff."""
    try:
        return core.run(job_id)
    finally:
        db.session.remove()  # a fresh session per job: nothing read for one leaks into the next


def stale_after() -> timedelta:
    """How long a job may run before one left running is taken for a dead worker's: longer
    than the job timeout RQ enforces, so a live job is never handed out twice."""
    minutes = int(current_app.config.get("RHI_JOBS_STALE_MINUTES") or 15)
    return timedelta(minutes=minutes)


def requeue_stale(older_than: timedelta | None = None) -> list[int]:
    ids = core.requeue_stale(stale_after() if older_than is None else older_than)
    db.session.commit()  # and, after it, dispatch hands the ids out (to RQ, or runs them here)
    return ids


def start(burst: bool = False) -> bool:
    """A worker on the rhi queue, in the current app context. Jobs left by a killed worker are
    queued again first. Returns whether any job was run."""
    from rq import SimpleWorker

    again = requeue_stale()
    if again:
        log.info("queued again %s job(s) left by a stopped worker: %s", len(again), again)
    q = dispatch.queue()
    worker = SimpleWorker([q], connection=q.connection)
    return bool(worker.work(burst=burst, with_scheduler=True, logging_level="INFO"))
