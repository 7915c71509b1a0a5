"""Jobs on the real Redis (127.0.0.1:6379, its own database number, emptied before and after):
the summary is made with its PDF "preparing", a worker renders it, failures are retried and
then shown to the reader and the admin, and a worker killed mid-job loses nothing."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from rhi.extensions import db
from rhi.models import AuditEvent, Job, Summary
from tests.app import redis_jobs
from tests.app.helpers import autosave, start
from tests.conftest import Web

REDIS_URL = os.environ.get("RHI_TEST_REDIS_URL") or redis_jobs.own_database("summary jobs")
ROOT = Path(__file__).resolve().parents[2]


def _redis():
    return redis_jobs.connect(REDIS_URL)


@pytest.fixture
def app(app):
    """The app with its jobs on Redis, retried at once (no backoff wait in a test)."""
    yield from redis_jobs.jobs_on_redis(app, REDIS_URL)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _finish(app, web, world) -> int:
    uuid = start(web, world)
    autosave(web, uuid, "consent.social_worker.answer", "yes", None)
    autosave(web, uuid, "sections.away.text", "Slept on a bench by the canal.", "")
    finished = web.post(
        f"/interviews/{uuid}/finish", page=f"/interviews/{uuid}/review", follow=True
    ).get_data(as_text=True)
    assert "The summary is in the social worker" in finished
    with app.app_context():
        summary_id = db.session.scalar(select(Summary.id))
    assert summary_id is not None
    return summary_id


def _reader(app, world) -> Web:
    reader = Web(app.test_client())
    reader.sign_in(world.emails["social_worker"])
    return reader


def _work(app) -> None:
    redis_jobs.work(app)


def _job(app) -> Job:
    with app.app_context():
        job = db.session.scalar(select(Job))
        assert job is not None
        db.session.expunge(job)
        return job


def test_the_page_says_preparing_until_a_worker_has_made_the_copy(app, web, world):
    summary_id = _finish(app, web, world)
    assert _redis().llen("rq:queue:rhi") == 1  # handed to RQ after the commit
    reader = _reader(app, world)
    page = reader.get(f"/summaries/{summary_id}").get_data(as_text=True)
    assert "Preparing the PDF" in page and 'hx-trigger="every 2s"' in page
    assert "Open the summary (PDF)" not in page
    early = reader.get(f"/summaries/{summary_id}/pdf")
    assert early.status_code == 409 and "Preparing the PDF" in early.get_data(as_text=True)
    assert "Preparing the PDF" in reader.get("/inbox").get_data(as_text=True)
    interviewer = web.get(f"/interviews/{_job_subject_uuid(app)}/copies").get_data(as_text=True)
    assert "Preparing the PDF" in interviewer

    _work(app)

    job = _job(app)
    assert (job.status, job.attempts) == ("done", 1)
    fragment = reader.get(f"/summaries/{summary_id}/pdf-state").get_data(as_text=True)
    assert "Open the summary (PDF)" in fragment and "hx-get" not in fragment
    page = reader.get(f"/summaries/{summary_id}").get_data(as_text=True)
    assert "Open the summary (PDF)" in page and "Preparing the PDF" not in page
    text = pdf_text(reader.get(f"/summaries/{summary_id}/pdf").data)
    assert "Slept on a bench by the canal." in text


def _job_subject_uuid(app) -> str:
    from rhi.models import Interview

    with app.app_context():
        return db.session.scalar(select(Interview.uuid))


def test_a_failing_render_is_retried_then_shown_failed_and_can_be_tried_again(
    app, web, world, monkeypatch
):
    from rhi.jobs.worker import perform
    from rhi.summaries import service

    def broken(*args, **kwargs):
        raise RuntimeError("a child's words must never reach the jobs table")

    monkeypatch.setattr(service, "render_for", broken)
    summary_id = _finish(app, web, world)
    reader = _reader(app, world)

    with app.app_context():  # the first attempt, by hand: the job then waits for a retry
        job_id = db.session.scalar(select(Job.id))
        with pytest.raises(Exception, match="will be retried"):
            perform(job_id)
    page = reader.get(f"/summaries/{summary_id}").get_data(as_text=True)
    assert "The PDF could not be prepared. rhi will try again." in page
    assert 'hx-trigger="every 2s"' in page

    _work(app)  # the RQ copy of the job: the second attempt, and its retry the third

    job = _job(app)
    assert (job.status, job.attempts, job.last_error) == ("failed", 3, "RuntimeError")
    page = reader.get(f"/summaries/{summary_id}").get_data(as_text=True)
    assert "the administrator has been told" in page
    assert 'hx-trigger="every 2s"' not in page  # polling stops
    assert reader.get(f"/summaries/{summary_id}/pdf").status_code == 409
    with app.app_context():
        assert db.session.scalar(
            select(AuditEvent.detail).where(AuditEvent.action == "job.failed")
        ) == ("summary_pdf after 3 attempts: RuntimeError")

    admin = Web(app.test_client())
    admin.sign_in(world.emails["admin"])
    listing = admin.get("/admin/jobs").get_data(as_text=True)
    assert f'id="job-{job_id}"' in listing
    assert "Summary PDF" in listing and "Failed" in listing and "RuntimeError" in listing
    assert "3 of 3" in listing and "must never" not in listing

    monkeypatch.undo()
    assert admin.client.post(f"/admin/jobs/{job_id}/retry").status_code == 400  # no CSRF token
    again = admin.post(f"/admin/jobs/{job_id}/retry", page="/admin/jobs", follow=True)
    assert "is being tried again" in again.get_data(as_text=True)
    _work(app)
    job = _job(app)
    assert (job.status, job.attempts) == ("done", 1)
    with app.app_context():
        retried_by = db.session.scalar(
            select(AuditEvent.user_id).where(AuditEvent.action == "job.retry")
        )
    assert retried_by == world.users["admin"]
    assert "canal" in pdf_text(reader.get(f"/summaries/{summary_id}/pdf").data)


WORKER_SCRIPT = """
import sys, time
from rhi import create_app
from rhi.summaries import service

real = service.render_for

def slow(*args, **kwargs):
    print("rendering", flush=True)
    time.sleep(120)  # killed here
    return real(*args, **kwargs)

service.render_for = slow
app = create_app()
with app.app_context():
    from rhi.jobs import worker
    worker.start(burst=True)
"""


def test_a_worker_killed_mid_job_loses_nothing_and_one_copy_is_kept(
    app, web, world, fixed_clock, tmp_path
):
    summary_id = _finish(app, web, world)
    env = {
        **os.environ,
        "RHI_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "RHI_JOBS_REDIS_URL": REDIS_URL,
        "RHI_SECRET_KEY": "5c1e9a7f3b2d8e4a6f0c9b1d7e3a5f2c8b4d6e0a",
        "RHI_FAST_PASSWORD_HASHING": "1",
    }
    process = subprocess.Popen(
        [sys.executable, "-c", WORKER_SCRIPT],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=(tmp_path / "worker.log").open("w"),
        text=True,
    )
    try:
        assert process.stdout is not None
        # RQ logs to stdout too: read until the job is mid-render (EOF: the worker died).
        lines = iter(process.stdout.readline, "")
        assert any(line.strip() == "rendering" for line in lines), (
            tmp_path / "worker.log"
        ).read_text()
        job = _job(app)
        assert job.status == "running" and job.attempts == 1
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    job = _job(app)
    assert job.status == "running"  # left so by the dead worker
    with app.app_context():
        assert not db.session.scalar(select(Summary.pdf).where(Summary.id == summary_id))

    # Not yet stale: a job running for less than the timeout is left alone.
    fixed_clock.move_to(job.started_at.replace(tzinfo=UTC) + timedelta(minutes=1))
    result = app.test_cli_runner().invoke(args=["rhi", "jobs", "requeue-stale"])
    assert "Queued again: 0 job(s)" in result.output
    fixed_clock.move_to(job.started_at.replace(tzinfo=UTC) + timedelta(minutes=20))
    result = app.test_cli_runner().invoke(args=["rhi", "jobs", "requeue-stale"])
    assert result.exit_code == 0, result.output
    assert f"Queued again: 1 job(s) ({job.id})" in result.output
    requeued = _job(app)
    assert (requeued.status, requeued.last_error) == ("queued", "WorkerStopped")

    _work(app)  # the original RQ entry died with its worker; the requeued one runs

    job = _job(app)
    assert (job.status, job.attempts) == ("done", 2)
    with app.app_context():
        copies = db.session.scalars(select(Summary.pdf)).all()
        assert len(copies) == 1
        assert "Slept on a bench by the canal." in pdf_text(copies[0])
        # Handed out once more (a duplicate in the queue): done, nothing made twice.
        from rhi.jobs.worker import perform

        assert perform(job.id) == "done"
        assert db.session.scalars(select(Summary.pdf)).all() == copies


def test_the_service_pdf_waits_for_a_worker_then_downloads(app, web, world):
    """With a queue, asking for the one-page PDF answers at once: a page that says it is being
    prepared and polls; a worker makes it; the page then offers the file."""
    web.sign_in(world.emails["manager_a"])
    asked = web.post("/service.pdf?period=this_month", page="/service")
    assert asked.status_code == 303
    waiting = web.get(asked.headers["Location"]).get_data(as_text=True)
    assert "Preparing&#8230; This page updates when it is ready." in waiting
    state_url = asked.headers["Location"] + "/state"
    assert f'hx-get="{state_url}?background=1" hx-trigger="every 2s"' in waiting
    assert web.get(asked.headers["Location"] + "/file").status_code == 404  # not made yet
    _work(app)
    ready = web.get(state_url).get_data(as_text=True)
    assert "It is ready." in ready and "hx-trigger" not in ready  # polling stops
    pdf = web.get(asked.headers["Location"] + "/file")
    assert pdf.mimetype == "application/pdf"
    assert "Printed by Manager A" in " ".join(pdf_text(pdf.data).split())
