"""The page a prepared file waits on, and the file itself: for the person who asked only, while
they may still have it, within `downloads.KEPT` (rhi/jobs/downloads.py)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template
from flask_login import current_user, login_required

from rhi import audit
from rhi.extensions import db
from rhi.jobs import downloads
from rhi.models.base import utcnow
from rhi.models.jobs import Job

bp = Blueprint("downloads", __name__, url_prefix="/downloads")


def _theirs(job_id: int) -> tuple[Job, downloads.Maker]:
    """The job, if it is a file this person asked for and may still have; otherwise 404 (a file
    someone else asked for is not theirs to know of), audited."""
    job = db.session.get(Job, job_id)
    maker = downloads.MAKERS.get(str(job.arguments.get("maker"))) if job else None
    if (
        job is None
        or maker is None
        or job.kind != downloads.KIND
        or job.created_by_id != current_user.id
        or not maker.allows(current_user, job.arguments)
    ):
        audit.record("download.view", object_type="job", object_id=job_id, outcome="refused")
        db.session.commit()
        abort(404)
    return job, maker


def _state(job: Job) -> str:
    progress = job.progress
    if progress == "done":
        return "expired" if downloads.expired(job, utcnow()) else "ready"
    return "preparing" if progress == "working" else progress


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def _page(template: str, job_id: int) -> Response:
    job, maker = _theirs(job_id)
    html = render_template(template, job=job, maker=maker, state=_state(job))
    return _no_store(Response(html))


@bp.route("/<int:job_id>")
@login_required
def show(job_id: int) -> Response:
    return _page("downloads/show.html", job_id)


@bp.route("/<int:job_id>/state")
@login_required
def state(job_id: int) -> Response:
    """What the waiting page shows, polled by htmx every 2 seconds while it is being made."""
    return _page("downloads/_state.html", job_id)


@bp.route("/<int:job_id>/file")
@login_required
def file(job_id: int) -> Response:
    job, maker = _theirs(job_id)
    data = job.result_blob if _state(job) == "ready" else None
    if not data:
        abort(404)
    result = job.result or {}
    child_id = job.arguments.get("child_id")  # a file about one child is on their trail too
    audit.record(
        "download.file",
        object_type="job",
        object_id=job.id,
        detail=maker.key,
        child_id=int(child_id) if child_id else None,
    )
    db.session.commit()
    response = Response(data, mimetype=str(result.get("mimetype") or "application/octet-stream"))
    name = str(result.get("name") or "rhi-download")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return _no_store(response)
