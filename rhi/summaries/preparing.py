"""The kept copy of a summary while its PDF is being made, and the job that makes it.

With a queue (RHI_JOBS_REDIS_URL) finishing an interview makes the summary's row at once (so
the inbox, tracking and sharing behave as before) with its PDF empty: "preparing". The
`summary_pdf` job renders it and keeps it, once: the write only fills an empty copy, so a job
run twice (a worker killed after rendering, a retry racing a slow attempt) keeps one copy.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import func, select, update

from rhi import jobs
from rhi.extensions import db
from rhi.models import Summary
from rhi.models.jobs import Job

KIND = "summary_pdf"


class PdfState(StrEnum):
    READY = "ready"
    PREPARING = "preparing"
    RETRYING = "retrying"  # an attempt failed; rhi tries again
    FAILED = "failed"  # every attempt failed; the admin sees it on the jobs page


def subject(summary_id: int) -> str:
    return f"summary:{summary_id}"


def has_pdf(summary_id: int) -> bool:
    """Whether the copy is kept, without loading it."""
    length = db.session.scalar(select(func.length(Summary.pdf)).where(Summary.id == summary_id))
    return bool(length)


def prepare(summary: Summary, created_by_id: int | None) -> Job:
    """The job that renders `summary`'s copy, written with it; runs after the commit."""
    db.session.flush()  # the summary's id
    return jobs.enqueue(
        KIND,
        subject=subject(summary.id),
        created_by_id=created_by_id,
        max_attempts=jobs.attempts_allowed(),
        summary_id=summary.id,
        # Named as at finishing: a copy handed over before it is made still names the person
        # it was first prepared for, as a made one does (service.hand_over).
        prepared_for=summary.prepared_for_name,
    )


def make_pdf(job: Job) -> dict[str, Any]:
    """The `summary_pdf` job: render the copy as it would have been at finishing (for the
    person it was prepared for, dated when it was made) and keep it, unless it is kept."""
    from rhi.summaries import service  # at run time: tests replace service.render_for

    summary_id = int(job.arguments["summary_id"])
    summary = db.session.get(Summary, summary_id)
    if summary is None:  # removed meanwhile (retention): nothing to make
        return {"summary_ids": []}
    if not has_pdf(summary_id):
        prepared_for = str(job.arguments.get("prepared_for") or summary.prepared_for_name)
        pdf = service.render_for(
            summary.interview, summary.recipient, prepared_for, summary.created_at
        )
        db.session.execute(
            update(Summary)
            .where(Summary.id == summary_id, func.length(Summary.pdf) == 0)
            .values(pdf=pdf)
            .execution_options(synchronize_session=False)
        )
    return {"summary_ids": [summary_id]}


def states_of(summary_ids: list[int]) -> dict[int, PdfState]:
    """Each summary's copy: ready, or where its job is. Two queries for a whole inbox."""
    if not summary_ids:
        return {}
    ready = set(
        db.session.scalars(
            select(Summary.id).where(Summary.id.in_(summary_ids), func.length(Summary.pdf) > 0)
        )
    )
    waiting = [i for i in summary_ids if i not in ready]
    latest = jobs.latest_for([subject(i) for i in waiting])
    states: dict[int, PdfState] = {i: PdfState.READY for i in ready}
    for i in waiting:
        job = latest.get(subject(i))
        # Where the job is, as Job.progress says it for every page that waits on a job; no
        # job yet, or one done while the copy is not yet there, is still preparing it.
        progress = job.progress if job is not None else None
        states[i] = _PDF_STATE.get(progress, PdfState.PREPARING)
    return states


_PDF_STATE = {"failed": PdfState.FAILED, "retrying": PdfState.RETRYING}


def state_of(summary_id: int) -> PdfState:
    return states_of([summary_id])[summary_id]
