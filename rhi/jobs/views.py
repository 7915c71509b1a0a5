"""The administrator's jobs page: jobs that failed, are being tried again or are running, with
"Try again". Kinds, ids, attempts and the kind of error only: nothing of any child's record."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import or_, select
from werkzeug.wrappers import Response

from rhi import access, audit
from rhi.extensions import db
from rhi.forms.admin import ConfirmForm
from rhi.jobs import core
from rhi.jobs.kinds import label
from rhi.models.jobs import Job, JobStatus

bp = Blueprint("jobs_admin", __name__, url_prefix="/admin/jobs")

SHOWN = 100


def _require_admin() -> None:
    if not access.can_manage_people(current_user):
        audit.record("jobs.view", object_type="jobs", outcome="refused")
        db.session.commit()
        abort(403)


@bp.route("")
@login_required
def index() -> str:
    _require_admin()
    needing = list(
        db.session.scalars(
            select(Job)
            .where(
                or_(
                    Job.status.in_([JobStatus.FAILED.value, JobStatus.RUNNING.value]),
                    (Job.status == JobStatus.QUEUED.value) & Job.last_error.is_not(None),
                )
            )
            .order_by(Job.id.desc())
            .limit(SHOWN)
        )
    )
    audit.record("jobs.view", object_type="jobs", detail=f"{len(needing)} shown")
    db.session.commit()
    return render_template(
        "admin/jobs.html", jobs=needing, label=label, confirm=ConfirmForm(formdata=None)
    )


@bp.route("/<int:job_id>/retry", methods=["POST"])
@login_required
def retry(job_id: int) -> Response:
    _require_admin()
    if not ConfirmForm().validate_on_submit():
        abort(400)
    job = db.session.get(Job, job_id)
    if job is None:
        abort(404)
    if job.status not in (JobStatus.FAILED.value, JobStatus.QUEUED.value):
        flash(f"Job {job.id} is {job.status}: there is nothing to try again.", "info")
        return redirect(url_for("jobs_admin.index"))
    core.try_again(job)
    db.session.commit()  # and then it is handed out (to a worker, or run here)
    flash(f"Job {job.id} ({label(job.kind)}) is being tried again.", "success")
    return redirect(url_for("jobs_admin.index"))
