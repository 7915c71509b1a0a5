"""Jobs: the row is the truth, the queue only carries its id.

`enqueue` writes a job's row in the caller's transaction; once that commits the id is handed
to RQ, or, with no Redis configured, the job runs in this process (rhi.jobs.dispatch). `run`
makes one attempt: it claims the row with a conditional UPDATE (queued -> running), so two
workers handed the same id cannot both run it, and a job already done is not run again.
A failed attempt puts the row back to queued (RQ tries again after its backoff) until the
last, which leaves it failed, recorded in the audit trail, on the admin's jobs page.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update

from rhi import audit
from rhi.extensions import db
from rhi.jobs.kinds import KINDS
from rhi.models.base import utcnow
from rhi.models.jobs import Job, JobStatus

log = logging.getLogger(__name__)

PENDING = "rhi_jobs_pending"  # session.info: ids written in the open transaction
WORKER_STOPPED = "WorkerStopped"  # last_error of a job whose worker died mid-job


class JobFailed(Exception):
    """An attempt failed. `final`: it was the last; the job is failed for good."""

    def __init__(self, job_id: int, final: bool) -> None:
        super().__init__(f"job {job_id} failed ({'final' if final else 'will be retried'})")
        self.job_id = job_id
        self.final = final


def enqueue(
    kind: str,
    *,
    subject: str | None = None,
    created_by_id: int | None = None,
    max_attempts: int = 3,
    **arguments: Any,
) -> Job:
    """A job, written in the caller's transaction; handed out only once that commits (a
    rolled-back request leaves no job, and a worker never sees a row it cannot read yet)."""
    if kind not in KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job(
        kind=kind,
        subject=subject,
        arguments=arguments,
        status=JobStatus.QUEUED.value,
        attempts=0,
        max_attempts=max(1, max_attempts),
        created_by_id=created_by_id,
        created_at=utcnow(),
    )
    db.session.add(job)
    db.session.flush()
    db.session.info.setdefault(PENDING, []).append(job.id)
    return job


def _short(exc: BaseException) -> str:
    """What went wrong, in words that cannot hold a child's: the exception's class only (its
    message may quote the record being rendered)."""
    return type(exc).__name__[:200]


def run(job_id: int) -> str:
    """One attempt at the job; returns its status afterwards. A job someone else holds, or
    that is done or failed, is left alone (its status is returned). Raises JobFailed when this
    attempt failed, so RQ applies its retry and backoff."""
    claimed = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == JobStatus.QUEUED.value)
        .values(
            status=JobStatus.RUNNING.value,
            attempts=Job.attempts + 1,
            started_at=utcnow(),
            finished_at=None,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    job = db.session.get(Job, job_id, populate_existing=True)
    if job is None:
        return "gone"
    if not claimed:
        return job.status
    kind = KINDS.get(job.kind)
    try:
        if kind is None:
            raise LookupError(job.kind)
        result = kind.work()(job)
        job.status = JobStatus.DONE.value
        job.result = result
        job.finished_at = utcnow()
        db.session.commit()
        return JobStatus.DONE.value
    except Exception as exc:
        db.session.rollback()
        log.exception("job %s (%s) failed on attempt", job_id, job.kind)
        final = _fail(job_id, _short(exc))
        raise JobFailed(job_id, final) from exc


def _fail(job_id: int, error: str) -> bool:
    """Record a failed attempt; True when it was the last (then audited, for the admin)."""
    job = db.session.get(Job, job_id, populate_existing=True)
    assert job is not None
    final = job.attempts >= job.max_attempts
    job.last_error = error
    job.finished_at = utcnow()
    job.status = JobStatus.FAILED.value if final else JobStatus.QUEUED.value
    if final:
        audit.record(
            "job.failed",
            object_type="job",
            object_id=job.id,
            outcome="failed",
            detail=f"{job.kind} after {job.attempts} attempts: {error}",
        )
    db.session.commit()
    return final


def requeue_stale(older_than: timedelta, now: datetime | None = None) -> list[int]:
    """Jobs a killed worker left running (started before `older_than` ago), and queued ones
    never picked up (Redis was down or emptied), queued again: their ids, to hand out once the
    caller commits (rhi.jobs.dispatch does that for ids in PENDING). A job whose worker died on
    its last attempt is failed instead, so a job that kills its worker cannot loop forever."""
    cutoff = (now or utcnow()) - older_than
    stale = list(
        db.session.scalars(
            select(Job)
            .where(
                or_(
                    (Job.status == JobStatus.RUNNING.value) & (Job.started_at <= cutoff),
                    (Job.status == JobStatus.QUEUED.value)
                    & (Job.created_at <= cutoff)
                    & or_(Job.started_at.is_(None), Job.started_at <= cutoff),
                )
            )
            .order_by(Job.id)
        )
    )
    again: list[int] = []
    for job in stale:
        if job.status == JobStatus.RUNNING.value:
            job.last_error = WORKER_STOPPED
            if job.attempts >= job.max_attempts:
                job.status = JobStatus.FAILED.value
                job.finished_at = utcnow()
                audit.record(
                    "job.failed",
                    object_type="job",
                    object_id=job.id,
                    outcome="failed",
                    detail=f"{job.kind}: its worker stopped on the last attempt",
                )
                continue
            job.status = JobStatus.QUEUED.value
        again.append(job.id)
    if again:
        db.session.info.setdefault(PENDING, []).extend(again)
    return again


def try_again(job: Job) -> None:
    """An administrator's "try again": the job gets its attempts afresh. Audited; handed out
    after the caller commits."""
    job.status = JobStatus.QUEUED.value
    job.attempts = 0
    job.started_at = None
    job.finished_at = None
    audit.record(
        "job.retry",
        object_type="job",
        object_id=job.id,
        detail=f"{job.kind}, after {job.last_error or 'no error'}",
    )
    db.session.info.setdefault(PENDING, []).append(job.id)


def latest_for(subjects: list[str]) -> dict[str, Job]:
    """The newest job about each subject ("summary:12"), for pages showing its state."""
    if not subjects:
        return {}
    found: dict[str, Job] = {}
    for job in db.session.scalars(
        select(Job).where(Job.subject.in_(subjects)).order_by(Job.id.desc())
    ):
        found.setdefault(job.subject or "", job)
    return found
