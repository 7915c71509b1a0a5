"""Applying an import of police notifications as a job (issue 16 item 3): without Redis it
runs in the web process after the commit, so the page shows what it did at once; with Redis
(127.0.0.1:6379, database 12, emptied before and after) the page says "Importing…" until an
RQ worker has applied it. A job run twice applies each row once; a failing one is shown
failed, to the importer and on the admin's jobs page, with nothing of the file saved."""

from __future__ import annotations

import io
import os
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from rhi import jobs
from rhi.episodes import imports_apply, imports_job
from rhi.episodes.imports_csv import guess_columns
from rhi.extensions import db
from rhi.jobs import dispatch, worker
from rhi.models import AuditEvent, Episode, ImportBatch, ImportMapping, Job, Team, User
from rhi.models.base import utcnow
from tests.app import redis_jobs
from tests.conftest import Web

REDIS_URL = os.environ.get("RHI_TEST_IMPORT_REDIS_URL") or redis_jobs.own_database("import jobs")

HEADERS = ["Police reference", "Person ID", "First name", "Last name", "Date of birth"]
HEADERS += ["Reported missing", "Found", "Risk grade"]
ADA = "JOB-1,P-1,Ada,Alpha,01/05/2011,20/11/2026 10:00,21/11/2026 09:00,High"  # RHI A's child
NEW = "JOB-2,P-2,Rosa,Green,03/04/2012,21/11/2026 18:00,,Low"  # a child new to rhi
WEAK = "JOB-3,,Adah,Alpha,01/05/2011,22/11/2026 08:00,22/11/2026 10:00,Medium"  # possibly Ada
IMPORTED = "Imported: 2 new, 0 updated, 0 unchanged, 1 waiting for a person, 0 refused."


@pytest.fixture
def manager(web: Web, world) -> Web:
    web.sign_in(world.emails["manager_a"])
    return web


def _mapping(app) -> int:
    with app.app_context():
        team = db.session.scalar(select(Team.id).where(Team.name == "RHI A"))
        mapping = ImportMapping(
            name="Job test export", team_id=team, columns=guess_columns(HEADERS)
        )
        db.session.add(mapping)
        db.session.commit()
        return mapping.id


def _upload(app, web: Web) -> int:
    """The file uploaded with saved columns: straight to its preview. The batch id."""
    data = ("\n".join([",".join(HEADERS), ADA, NEW, WEAK]) + "\n").encode()
    response = web.post(
        "/imports",
        {"file": (io.BytesIO(data), "daily.csv"), "mapping_id": str(_mapping(app))},
        page="/imports",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert not response.headers["Location"].endswith("/columns")
    return int(re.search(r"/imports/(\d+)", response.headers["Location"]).group(1))


def _apply(web: Web, batch: int):
    return web.post(f"/imports/{batch}/apply", page=f"/imports/{batch}", follow=True)


def _episodes(app, reference: str) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count(Episode.id)).where(Episode.police_reference == reference)
        )


def _jobs(app) -> list[Job]:
    with app.app_context():
        found = list(db.session.scalars(select(Job).order_by(Job.id)))
        for job in found:
            db.session.expunge(job)
        return found


def _outcomes(app, batch: int) -> dict[str, str]:
    with app.app_context():
        results = db.session.get(ImportBatch, batch).results
        return {r["reference"]: r["outcome"] for r in results}


def _admin_sees_failed(app, world, job_id: int) -> None:
    admin = Web(app.test_client())
    admin.sign_in(world.emails["admin"])
    listing = admin.get("/admin/jobs").get_data(as_text=True)
    row = re.search(rf'<tr id="job-{job_id}">.*?</tr>', listing, flags=re.S)
    assert row is not None, listing
    assert "Import of police notifications" in row.group(0) and "Failed" in row.group(0)
    assert "RuntimeError" in row.group(0) and "Rosa" not in row.group(0)


def _broken(monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("Rosa Green's row must never reach the jobs table")

    monkeypatch.setattr(imports_apply, "apply_rows", broken)


# Without Redis: in the web process, after the commit -------------------------------------------


def test_without_redis_the_page_shows_what_the_import_did_at_once(app, manager, world):
    assert not app.config["RHI_JOBS_REDIS_URL"]
    batch = _upload(app, manager)
    page = _apply(manager, batch).get_data(as_text=True)
    assert "What the import did" in page and IMPORTED in page
    assert 'hx-trigger="every 2s"' not in page and "Importing" not in page
    assert _outcomes(app, batch) == {"JOB-1": "new", "JOB-2": "new", "JOB-3": "waiting"}
    (job,) = _jobs(app)
    assert (job.kind, job.subject, job.status, job.attempts) == (
        "import_apply",
        f"import:{batch}",
        "done",
        1,
    )
    assert job.result["counts"]["new"] == 2 and job.created_by_id == world.users["manager_a"]
    with app.app_context():
        applied = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "import.apply").order_by(AuditEvent.id)
        ).all()
        assert [e.detail for e in applied] == [
            f"handed to job {job.id}",
            f"2 new, 0 update, 0 unchanged, 1 waiting, 0 problem (job {job.id})",
        ]
        assert {e.user_id for e in applied} == {world.users["manager_a"]}
    # Pressed again (a second tab): nothing is written, no second job.
    again = _apply(manager, batch).get_data(as_text=True)
    assert IMPORTED in again and len(_jobs(app)) == 1


def test_a_job_run_twice_imports_each_row_once(app, manager):
    batch = _upload(app, manager)
    _apply(manager, batch)
    (first,) = _jobs(app)
    with app.app_context():
        # The same job handed out again after it was done: the job's own claim stops it.
        assert jobs.run(first.id) == "done"
        # Run once more as if it had never finished (a worker killed after its commit, a
        # retry racing it): the batch's claim stops it.
        db.session.execute(update(Job).where(Job.id == first.id).values(status="queued"))
        db.session.commit()
        assert jobs.run(first.id) == "done"
        # A second job for the same file (two presses at once on SQLite).
        user = db.session.get(User, first.created_by_id)
        second = imports_job.start(db.session.get(ImportBatch, batch), user).id
        db.session.commit()
    # The app context has ended: the second job ran here, and changed nothing.
    done = {job.id: job for job in _jobs(app)}
    assert done[first.id].result == {"batch_id": batch, "applied": False}
    assert done[second].status == "done"
    assert done[second].result == {"batch_id": batch, "applied": False}
    assert _episodes(app, "JOB-1") == 1 and _episodes(app, "JOB-2") == 1
    # What the file did is still what it did the first time, not "unchanged".
    assert _outcomes(app, batch) == {"JOB-1": "new", "JOB-2": "new", "JOB-3": "waiting"}
    assert IMPORTED in manager.get(f"/imports/{batch}").get_data(as_text=True)


def test_a_failing_import_is_shown_failed_and_can_be_tried_again(app, manager, world, monkeypatch):
    batch = _upload(app, manager)
    _broken(monkeypatch)
    page = _apply(manager, batch).get_data(as_text=True)
    assert "The import could not be finished" in page and "the administrator has been told" in page
    assert "Nothing from this file was saved" in page and "Try the import again" in page
    assert 'hx-trigger="every 2s"' not in page
    (job,) = _jobs(app)
    assert (job.status, job.attempts, job.last_error) == ("failed", 3, "RuntimeError")
    assert _episodes(app, "JOB-1") == 0 and _episodes(app, "JOB-2") == 0
    with app.app_context():
        assert db.session.get(ImportBatch, batch).applied_at is None  # the claim rolled back
        assert db.session.scalar(
            select(AuditEvent.detail).where(AuditEvent.action == "job.failed")
        ) == ("import_apply after 3 attempts: RuntimeError")
    _admin_sees_failed(app, world, job.id)
    assert "Could not be imported" in manager.get("/imports").get_data(as_text=True)

    monkeypatch.undo()
    page = _apply(manager, batch).get_data(as_text=True)
    assert IMPORTED in page and "could not be finished" not in page
    assert _episodes(app, "JOB-1") == 1


def test_the_polled_part_is_checked_like_the_page(app, manager, world):
    batch = _upload(app, manager)
    other = Web(app.test_client())
    other.sign_in(world.emails["manager_b"])
    assert other.get(f"/imports/{batch}/state").status_code == 404
    worker_a = Web(app.test_client())
    worker_a.sign_in(world.emails["worker_a"])
    assert worker_a.get(f"/imports/{batch}/state").status_code == 403


# With Redis: an RQ worker -----------------------------------------------------------------------


def _redis():
    return redis_jobs.connect(REDIS_URL)


@pytest.fixture
def on_redis(app):
    """The app with its jobs on Redis, retried at once (no backoff wait in a test)."""
    yield from redis_jobs.jobs_on_redis(app, REDIS_URL)


def _work(app) -> None:
    redis_jobs.work(app)


def test_with_redis_the_page_says_importing_until_a_worker_has_applied_it(on_redis, manager):
    app = on_redis
    batch = _upload(app, manager)
    page = _apply(manager, batch).get_data(as_text=True)
    assert _redis().llen("rq:queue:rhi") == 1  # handed to RQ after the commit
    assert "Importing the notifications" in page and "Importing… 3 rows." in page
    assert 'hx-trigger="every 2s"' in page
    assert f'hx-get="/imports/{batch}/state?background=1"' in page
    assert "Rosa" not in page  # the rows are not shown while they are being applied
    assert _episodes(app, "JOB-2") == 0
    polled = manager.get(f"/imports/{batch}/state").get_data(as_text=True)
    assert "Importing… 3 rows." in polled and "hx-get" in polled
    assert "Import these notifications" not in polled  # no second press while it runs
    assert "Importing…" in manager.get("/imports").get_data(as_text=True)  # the files read

    _work(app)

    (job,) = _jobs(app)
    assert (job.status, job.attempts) == ("done", 1)
    polled = manager.get(f"/imports/{batch}/state").get_data(as_text=True)
    assert IMPORTED in polled and "hx-get" not in polled  # the polling stops
    assert "Rosa Green" in polled and 'hx-swap-oob="innerHTML"' in polled
    page = manager.get(f"/imports/{batch}").get_data(as_text=True)
    assert "What the import did" in page and IMPORTED in page
    assert _episodes(app, "JOB-1") == 1 and _episodes(app, "JOB-2") == 1


def test_with_redis_a_job_handed_out_twice_imports_each_row_once(on_redis, manager):
    app = on_redis
    batch = _upload(app, manager)
    _apply(manager, batch)
    (first,) = _jobs(app)
    with app.app_context():
        dispatch.push([first.id])  # the same id in the queue twice
        user = db.session.get(User, first.created_by_id)
        imports_job.start(db.session.get(ImportBatch, batch), user)  # and a second job
        db.session.commit()
    assert _redis().llen("rq:queue:rhi") == 3

    _work(app)

    found = _jobs(app)
    assert [(j.status, j.attempts) for j in found] == [("done", 1), ("done", 1)]
    assert found[0].result["applied"] is True and found[1].result["applied"] is False
    assert _episodes(app, "JOB-1") == 1 and _episodes(app, "JOB-2") == 1
    assert _outcomes(app, batch) == {"JOB-1": "new", "JOB-2": "new", "JOB-3": "waiting"}


def test_with_redis_a_failing_import_is_retried_then_shown_failed(
    on_redis, manager, world, monkeypatch
):
    app = on_redis
    batch = _upload(app, manager)
    _broken(monkeypatch)
    _apply(manager, batch)
    with app.app_context():  # the first attempt, by hand: the job then waits for a retry
        job_id = db.session.scalar(select(Job.id))
        with pytest.raises(Exception, match="will be retried"):
            worker.perform(job_id)
    page = manager.get(f"/imports/{batch}").get_data(as_text=True)
    assert "could not be finished yet" in page and "rhi will try again" in page
    assert 'hx-trigger="every 2s"' in page

    _work(app)  # the RQ copy: the second attempt, and its retry the third

    (job,) = _jobs(app)
    assert (job.status, job.attempts, job.last_error) == ("failed", 3, "RuntimeError")
    polled = manager.get(f"/imports/{batch}/state").get_data(as_text=True)
    assert "the administrator has been told" in polled and "hx-get" not in polled
    assert "Try the import again" in polled
    assert _episodes(app, "JOB-1") == 0
    _admin_sees_failed(app, world, job.id)


def test_with_redis_an_import_left_by_a_killed_worker_is_run_again_once(on_redis, manager):
    app = on_redis
    batch = _upload(app, manager)
    _apply(manager, batch)
    (job,) = _jobs(app)
    # As a worker killed mid-import leaves it: the row claimed, running since 20 minutes ago,
    # its RQ entry gone with it, and nothing of the file saved (its transaction rolled back).
    _redis().flushdb()
    with app.app_context():
        db.session.execute(
            update(Job)
            .where(Job.id == job.id)
            .values(status="running", attempts=1, started_at=utcnow() - timedelta(minutes=20))
        )
        db.session.commit()
    assert "Importing… 3 rows." in manager.get(f"/imports/{batch}").get_data(as_text=True)

    _work(app)  # a worker starting queues the stale job again first, then runs it

    (job,) = _jobs(app)
    assert (job.status, job.attempts, job.last_error) == ("done", 2, "WorkerStopped")
    assert _episodes(app, "JOB-1") == 1 and _episodes(app, "JOB-2") == 1
    assert _outcomes(app, batch) == {"JOB-1": "new", "JOB-2": "new", "JOB-3": "waiting"}
    assert IMPORTED in manager.get(f"/imports/{batch}").get_data(as_text=True)
