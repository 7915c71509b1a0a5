"""Applying a checked file of police notifications as a job (rhi/jobs), off the request path.

The page's "Import these notifications" writes an `import_apply` job with the batch; the job
applies every row (rhi/episodes/imports_apply.py) in one transaction with the batch's results,
its audit rows and the job's "done". It claims the batch first with a conditional UPDATE
(`applied_at` set only while empty): a second job for the same file (two presses, a job handed
out twice) finds it claimed and changes nothing, so each row is applied once. A worker killed
mid-import rolls the whole transaction back, claim included: the job is run again from the
start and nothing is half applied.

The API import (rhi/episodes/api.py) stays synchronous: its client expects the answer in the
response.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import select, update

from rhi import audit, jobs
from rhi.episodes import imports
from rhi.episodes import imports_apply as apply
from rhi.extensions import db
from rhi.models import ImportBatch, User
from rhi.models.base import utcnow
from rhi.models.jobs import Job, JobStatus

KIND = "import_apply"


class ImportState(StrEnum):
    NOT_STARTED = "not_started"  # the preview: nothing applied, no job waiting
    IMPORTING = "importing"
    RETRYING = "retrying"  # an attempt failed; rhi tries again
    FAILED = "failed"  # every attempt failed; nothing of the file was saved
    DONE = "done"


# Nothing of the file applied and no job on it: it may be imported (again), or removed.
NOT_IMPORTING = frozenset({ImportState.NOT_STARTED, ImportState.FAILED})


def subject(batch_id: int) -> str:
    return f"import:{batch_id}"


def start(batch: ImportBatch, user: User) -> Job:
    """The job that applies `batch` as `user` would have; runs after the caller commits."""
    return jobs.enqueue(
        KIND,
        subject=subject(batch.id),
        created_by_id=user.id,
        max_attempts=jobs.attempts_allowed(),
        batch_id=batch.id,
        user_id=user.id,
    )


def states_of(batches: list[ImportBatch]) -> dict[int, ImportState]:
    """Each file's import: done, or where its job is. One query for a list."""
    latest = jobs.latest_for([subject(b.id) for b in batches if b.results is None])
    return {b.id: _state(b, latest.get(subject(b.id))) for b in batches}


def state_of(batch: ImportBatch) -> ImportState:
    return states_of([batch])[batch.id]


def _state(batch: ImportBatch, job: Job | None) -> ImportState:
    if batch.results is not None:
        return ImportState.DONE
    if job is None or job.status == JobStatus.DONE.value:
        # Done with no results: the file was claimed by another job, whose results show.
        return ImportState.NOT_STARTED
    return {"failed": ImportState.FAILED, "retrying": ImportState.RETRYING}.get(
        job.progress, ImportState.IMPORTING
    )


# A file uploaded and never imported holds every row the police sent (names, dates of birth,
# where children went missing from) for no purpose once nobody is going to import it: kept this
# long, then removed (`forget_unimported`). An imported file keeps only its header row.
KEPT_UNIMPORTED = timedelta(days=14)


def forget_unimported(now: datetime) -> int:
    """Remove the files uploaded more than `KEPT_UNIMPORTED` ago and never imported (nor being
    imported now): every team's, whoever looks first. Audited, naming no one; the upload's own
    audit row stays. How many were removed."""
    old = db.session.scalars(
        select(ImportBatch).where(
            ImportBatch.applied_at.is_(None),
            ImportBatch.results.is_(None),
            ImportBatch.uploaded_at < now - KEPT_UNIMPORTED,
        )
    ).all()
    states = states_of(list(old))
    gone = [b for b in old if states[b.id] in NOT_IMPORTING]
    for batch in gone:
        db.session.delete(batch)
    if gone:
        audit.record(
            "import.forget",
            object_type="import",
            object_id=",".join(str(b.id) for b in gone)[:60],
            detail=f"{len(gone)} file(s) never imported, uploaded over "
            f"{KEPT_UNIMPORTED.days} days ago, removed",
        )
    db.session.flush()
    return len(gone)


def summary(tally: dict[str, int]) -> str:
    """What the import did, in the words the page and the command line use."""
    return (
        f"Imported: {tally[apply.NEW]} new, {tally[apply.UPDATE]} updated, "
        f"{tally[apply.UNCHANGED]} unchanged, {tally[apply.WAITING]} waiting for a person, "
        f"{tally[apply.PROBLEM]} refused."
    )


def apply_batch(job: Job) -> dict[str, Any]:
    """The `import_apply` job. Writes through the session and never commits (the runner
    commits the rows, the results, the audit and the job's "done" together)."""
    batch_id = int(job.arguments["batch_id"])
    claimed = db.session.execute(
        update(ImportBatch)
        .where(ImportBatch.id == batch_id, ImportBatch.applied_at.is_(None))
        .values(applied_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:  # applied already (or the file is gone): nothing is done twice
        return {"batch_id": batch_id, "applied": False}
    batch = db.session.get(ImportBatch, batch_id, populate_existing=True)
    user = db.session.get(User, int(job.arguments["user_id"]))
    if batch is None or user is None:
        raise LookupError("the file or the person importing it is gone")
    # The batch's number names the file on a child's record trail (children/trail.py FILE_REF).
    actor = apply.Actor(user, batch.team_id, f"file upload {batch.id}")
    table = imports.read_text(batch.content)
    rows = imports.rows_of(table, batch.columns or {})
    plans = imports.run(rows, actor, batch.filename, dry_run=False)
    batch.results = imports.results_of(plans, table)
    batch.content = imports.header_of(table)  # the rows now live in the children's records
    tally = apply.counts(plans)
    audit.record(
        "import.apply",
        user=user,
        object_type="import",
        object_id=batch.id,
        detail=", ".join(f"{v} {k}" for k, v in tally.items()) + f" (job {job.id})",
    )
    return {"batch_id": batch_id, "applied": True, "counts": tally}
