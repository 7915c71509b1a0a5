"""Jobs with no Redis configured (the embedded default): summaries are made as before, and a
job written in a transaction runs in this process once that transaction commits."""

from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy import select, update

from rhi import jobs
from rhi.extensions import db
from rhi.models import AuditEvent, Job, Summary
from rhi.summaries import preparing
from tests.app.helpers import autosave, start
from tests.conftest import Web


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _finish(app, web, world) -> int:
    uuid = start(web, world)
    autosave(web, uuid, "consent.social_worker.answer", "yes", None)
    autosave(web, uuid, "sections.away.text", "Stayed at a friend's flat in Hull.", "")
    web.post(f"/interviews/{uuid}/finish", page=f"/interviews/{uuid}/review")
    with app.app_context():
        summary_id = db.session.scalar(select(Summary.id))
    assert summary_id is not None
    return summary_id


def _reader(app, world) -> Web:
    social_worker = Web(app.test_client())
    social_worker.sign_in(world.emails["social_worker"])
    return social_worker


def test_without_redis_finishing_keeps_a_readable_copy_at_once(app, web, world):
    assert not app.config["RHI_JOBS_REDIS_URL"]
    summary_id = _finish(app, web, world)
    reader = _reader(app, world)
    page = reader.get(f"/summaries/{summary_id}").get_data(as_text=True)
    assert "Open the summary (PDF)" in page and "Preparing the PDF" not in page
    assert 'hx-trigger="every 2s"' not in page
    text = pdf_text(reader.get(f"/summaries/{summary_id}/pdf").data)
    assert "friend's flat in Hull" in text.replace("\u2019", "'")


def test_a_job_runs_in_process_after_its_commit_and_keeps_one_copy(app, web, world):
    summary_id = _finish(app, web, world)
    with app.app_context():
        kept = db.session.get(Summary, summary_id).pdf
        # As a queue would have left it: the copy still to make, its job written with it.
        db.session.execute(update(Summary).where(Summary.id == summary_id).values(pdf=b""))
        job = preparing.prepare(db.session.get(Summary, summary_id), None)
        job_id = job.id
        assert preparing.state_of(summary_id) is preparing.PdfState.PREPARING
        db.session.commit()
    # The app context has ended: the job ran here, after the commit.
    with app.app_context():
        job = db.session.get(Job, job_id)
        assert (job.status, job.attempts, job.result) == ("done", 1, {"summary_ids": [summary_id]})
        made = db.session.get(Summary, summary_id).pdf
        assert "friend's flat in Hull" in pdf_text(made).replace("\u2019", "'")
        assert len(made) > 1000 and made[:4] == kept[:4] == b"%PDF"
        # Run again: the row is done, nothing is rendered or kept twice.
        assert jobs.run(job_id) == "done"
        assert db.session.get(Job, job_id).attempts == 1
        assert db.session.scalar(select(Summary.pdf).where(Summary.id == summary_id)) == made


def test_a_rolled_back_job_never_runs(app, web, world):
    summary_id = _finish(app, web, world)
    with app.app_context():
        db.session.execute(update(Summary).where(Summary.id == summary_id).values(pdf=b""))
        db.session.commit()
        preparing.prepare(db.session.get(Summary, summary_id), None)
        db.session.rollback()
    with app.app_context():
        assert db.session.scalar(select(Job.id)) is None
        assert not preparing.has_pdf(summary_id)


def test_while_preparing_the_download_is_409_and_the_page_polls(app, web, world):
    summary_id = _finish(app, web, world)
    with app.app_context():
        db.session.execute(update(Summary).where(Summary.id == summary_id).values(pdf=b""))
        db.session.commit()
    reader = _reader(app, world)
    response = reader.get(f"/summaries/{summary_id}/pdf")
    assert response.status_code == 409
    assert response.mimetype == "text/html"
    assert "Preparing the PDF" in response.get_data(as_text=True)
    page = reader.get(f"/summaries/{summary_id}").get_data(as_text=True)
    assert "Preparing the PDF" in page
    assert f'hx-get="/summaries/{summary_id}/pdf-state?background=1"' in page
    assert 'hx-trigger="every 2s"' in page
    inbox = reader.get("/inbox").get_data(as_text=True)
    assert "Preparing the PDF" in inbox
    with app.app_context():
        opened = db.session.get(Summary, summary_id).opened_at
        refused = db.session.scalar(
            select(AuditEvent.detail).where(
                AuditEvent.action == "summary.download", AuditEvent.outcome == "refused"
            )
        )
    assert opened is None  # nothing was there to open
    assert refused == "pdf preparing"


def test_the_state_fragment_is_checked_like_the_page(app, web, world):
    summary_id = _finish(app, web, world)
    outsider = Web(app.test_client())
    outsider.sign_in(world.emails["worker_b"])
    assert outsider.get(f"/summaries/{summary_id}/pdf-state").status_code == 404
    reader = _reader(app, world)
    fragment = reader.get(f"/summaries/{summary_id}/pdf-state").get_data(as_text=True)
    assert "Open the summary (PDF)" in fragment and "hx-get" not in fragment


def test_the_jobs_page_is_for_administrators_only(app, web, world):
    web.sign_in(world.emails["manager_a"])
    assert web.get("/admin/jobs").status_code == 403
    admin = Web(app.test_client())
    admin.sign_in(world.emails["admin"])
    page = admin.get("/admin/jobs").get_data(as_text=True)
    assert "No job has failed, and none is running." in page
    assert "/admin/jobs" in admin.get("/admin/users").get_data(as_text=True)
