"""The social worker's inbox, reading and acknowledging a summary, and per-recipient copies."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from rhi import access, audit
from rhi.extensions import db
from rhi.forms.admin import ConfirmForm
from rhi.interviews.content import RECIPIENTS
from rhi.models import Episode, Interview, Summary, User
from rhi.models.base import utcnow
from rhi.summaries.service import recipient_label, render_for
from rhi.timefmt import to_local

bp = Blueprint("summaries", __name__)


def _inbox_query(user: User) -> Select[tuple[Summary]]:
    return (
        select(Summary)
        .where(access.summary_filter(user))
        .options(
            selectinload(Summary.interview)
            .selectinload(Interview.episodes)
            .selectinload(Episode.child)
        )
        .order_by(Summary.acknowledged_at.is_not(None), Summary.created_at.desc())
    )


def _get_summary(summary_id: int) -> Summary:
    return access.get_summary(current_user, summary_id)


@bp.route("/inbox")
@login_required
def inbox() -> str:
    if not access.has_inbox(current_user):
        abort(403)
    summaries = list(db.session.scalars(_inbox_query(current_user)))
    return render_template("summaries/inbox.html", summaries=summaries)


@bp.route("/summaries/<int:summary_id>")
@login_required
def show(summary_id: int) -> str:
    summary = _get_summary(summary_id)
    audit.record(
        "summary.view",
        object_type="summary",
        object_id=summary.id,
        child_id=summary.interview.child_id,
    )
    db.session.commit()
    return render_template(
        "summaries/show.html", summary=summary, confirm=ConfirmForm(formdata=None)
    )


@bp.route("/summaries/<int:summary_id>/pdf")
@login_required
def pdf(summary_id: int) -> Response:
    summary = _get_summary(summary_id)
    audit.record(
        "summary.download",
        object_type="summary",
        object_id=summary.id,
        child_id=summary.interview.child_id,
    )
    db.session.commit()
    return _pdf_response(summary.pdf, f"rhi-summary-{summary.id}.pdf")


@bp.route("/summaries/<int:summary_id>/acknowledge", methods=["POST"])
@login_required
def acknowledge(summary_id: int) -> Response:
    summary = _get_summary(summary_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if summary.acknowledged_at is None:
        summary.acknowledged_at = utcnow()
        summary.acknowledged_by_id = current_user.id
        audit.record(
            "summary.acknowledge",
            object_type="summary",
            object_id=summary.id,
            child_id=summary.interview.child_id,
        )
        db.session.commit()
    flash("Thank you: the interviewer can see you have read it.", "success")
    return redirect(url_for("summaries.show", summary_id=summary.id))


@bp.route("/interviews/<uuid>/copies/<recipient>.pdf")
@login_required
def interview_pdf(uuid: str, recipient: str) -> Response:
    """A copy for one recipient, made now from what they may read; for the interviewer."""
    if recipient not in RECIPIENTS:
        abort(404)
    interview = access.get_interview(current_user, uuid)
    access.require_interview_change(current_user, interview)
    prepared_for = recipient_label(recipient, interview)
    data = render_for(interview, recipient, prepared_for, utcnow())
    audit.record(
        "summary.download",
        object_type="interview",
        object_id=interview.uuid,
        child_id=interview.child_id,
        detail=f"copy for {recipient}",
    )
    db.session.commit()
    stamp = to_local(utcnow()).strftime("%Y%m%d-%H%M")
    return _pdf_response(data, f"rhi-{recipient}-{stamp}.pdf")


def _pdf_response(data: bytes, filename: str) -> Response:
    response = Response(data, mimetype="application/pdf")
    disposition = "inline" if request.args.get("view") else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
