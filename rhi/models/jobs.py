"""Work done off the request path (rhi/jobs): one row per job, the source of truth.

The queue (RQ on Redis) only carries a job's id; what to do, how far it got and what it made
live here, so a worker killed mid-job, or a Redis emptied, loses nothing: `requeue_stale`
finds the rows and hands them out again.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column

from rhi.extensions import db
from rhi.models.base import utcnow


class JobStatus(StrEnum):
    QUEUED = "queued"  # waiting for its first or next attempt
    RUNNING = "running"  # claimed by a worker (or left so by one that was killed)
    DONE = "done"
    FAILED = "failed"  # every attempt failed: on the admin's jobs page


class Job(db.Model):
    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)  # a key of rhi.jobs.registry
    # What the job is about, for pages that show its state ("summary:12"): ids only.
    subject: Mapped[str | None] = mapped_column(String(80), index=True)
    arguments: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default=JobStatus.QUEUED.value, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=3)
    # The kind of error only (an exception's class name): never text that could hold what a
    # child said.
    last_error: Mapped[str | None] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # What it made: ids (e.g. {"summary_ids": [12]}), and for a download, the file itself.
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    result_blob: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))

    @property
    def progress(self) -> str:
        """Where the job is, as the pages that wait on it say it: "done"; "failed" (every
        attempt); "retrying" (an attempt failed and another is coming); or "working" (queued
        for its first attempt, or running)."""
        if self.status == JobStatus.DONE.value:
            return "done"
        if self.status == JobStatus.FAILED.value:
            return "failed"
        return "retrying" if self.last_error else "working"
