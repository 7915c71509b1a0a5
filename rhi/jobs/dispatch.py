"""Handing committed jobs out: to RQ on Redis, or, with no Redis configured, to this process.

A job's id is handed out only after the transaction that wrote its row commits (SQLAlchemy's
after_commit): a worker never looks for a row it cannot see yet, and a rolled-back request
leaves nothing behind. Without RHI_JOBS_REDIS_URL (the embedded default: `make run`, the
ordinary tests) the jobs run here when the app context ends, that is at the end of the
request, after the view's commit, before the next page is asked for: the same behaviour,
only in the request. If Redis cannot be reached the row stays queued and `requeue-stale`
(run by every worker as it starts) hands it out later: nothing is lost.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from rhi.extensions import db
from rhi.jobs import core

log = logging.getLogger(__name__)

READY = "rhi_jobs_ready"  # session.info: committed ids waiting to run in this process
QUEUE_NAME = "rhi"


def redis_url() -> str:
    if not has_app_context():
        return ""
    return str(current_app.config.get("RHI_JOBS_REDIS_URL") or "").strip()


def retry_intervals() -> list[int]:
    """Seconds to wait before each retry (RHI_JOBS_RETRY_SECONDS): a job gets one attempt
    more than there are intervals."""
    value = current_app.config.get("RHI_JOBS_RETRY_SECONDS") if has_app_context() else None
    return [int(v) for v in (value if value is not None else [30, 120])]


def attempts_allowed() -> int:
    return len(retry_intervals()) + 1


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    ids: list[int] = session.info.pop(core.PENDING, None) or []
    if not ids:
        return
    if redis_url():
        push(ids)
    else:
        session.info.setdefault(READY, []).extend(ids)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(core.PENDING, None)  # their rows are gone with the transaction


def queue() -> Any:
    from redis import Redis
    from rq import Queue

    return Queue(QUEUE_NAME, connection=Redis.from_url(redis_url()))


def push(ids: list[int]) -> None:
    """Each id to RQ, with RQ's retry and backoff; a failure to reach Redis is logged, and the
    row waits for `requeue-stale`."""
    from rq import Retry

    from rhi.jobs.worker import perform

    intervals = retry_intervals()
    timeout = int(current_app.config.get("RHI_JOBS_TIMEOUT_SECONDS") or 300)
    try:
        q = queue()
        for job_id in ids:
            q.enqueue(
                perform,
                job_id,
                retry=Retry(max=len(intervals), interval=intervals) if intervals else None,
                job_timeout=timeout,
                description=f"rhi job {job_id}",
            )
    except Exception:
        log.exception("jobs %s could not be handed to Redis; requeue-stale will", ids)


def run_here(ids: list[int]) -> None:
    """Run jobs in this process, every attempt at once (there is no worker to wait for)."""
    for job_id in ids:
        while True:
            try:
                core.run(job_id)
                break
            except core.JobFailed as failed:
                if failed.final:
                    break
            except Exception:  # the database itself failed: leave the row for requeue-stale
                log.exception("job %s could not be run here", job_id)
                db.session.rollback()
                break


def run_ready() -> None:
    """The committed jobs this process is to run (no Redis configured)."""
    while ids := db.session.info.pop(READY, None):
        run_here(ids)


def init_app(app: Flask) -> None:
    @app.teardown_appcontext
    def _run_in_process(exc: BaseException | None) -> None:
        # Registered after Flask-SQLAlchemy, so this runs before it removes the session.
        if exc is not None:
            db.session.info.pop(READY, None)
            return
        try:
            run_ready()
        except Exception:
            log.exception("in-process jobs failed")
