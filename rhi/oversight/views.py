"""The service page: figures for a period, each linked to the records it counts, and as CSV."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from rhi import access, audit, numbers
from rhi.errors import Refused
from rhi.extensions import db
from rhi.jobs import downloads
from rhi.models import InterviewStatus
from rhi.models.base import utcnow
from rhi.oversight import exports, periods, register, service_page, survey
from rhi.oversight import figures as service

bp = Blueprint("oversight", __name__)


def _require() -> None:
    if not access.can_oversee(current_user):
        audit.record("service.view", user=current_user, outcome="refused")
        db.session.commit()
        abort(403)


def _chosen() -> tuple[service.Period, str | None]:
    """The period asked for, and why it cannot be used (None when it can): dates that end before
    they start, or span more than five years, are refused with a message, never swapped."""
    return periods.asked(request.args, utcnow())


def _period_or_400() -> service.Period:
    chosen, problem = _chosen()
    if problem:
        raise Refused(f"{problem} Go back and choose another period.")
    return chosen


_args = periods.args


@bp.route("/service")
@login_required
def page() -> tuple[str, int] | str:
    _require()
    chosen, problem = _chosen()
    audit.record("service.view", user=current_user, detail=chosen.key)
    db.session.commit()
    if problem:
        # Said next to the dates, which keep what was typed; no figures for a period not asked.
        return render_template(
            "oversight/service.html",
            problem=problem,
            typed={k: request.args.get(k, "") for k in ("start", "end")},
            periods=service.PERIODS,
            chosen=None,
        ), 400
    return render_template(
        "oversight/service.html",
        **service_page.everything(current_user, chosen),
        problem=None,
        typed={},
        periods=service.PERIODS,
        args=_args(chosen),
        register_allowed=register.can_see_register(current_user),
    )


@bp.route("/service.pdf", methods=["POST"])
@login_required
def pdf() -> BaseResponse:
    """Prepared as a job (rhi/jobs/downloads.py); the person waits on its page, then downloads."""
    _require()
    chosen = _period_or_400()
    job = downloads.prepare("service_pdf", current_user, **_args(chosen))
    audit.record("service.pdf", user=current_user, detail=chosen.key)
    db.session.commit()
    return redirect(url_for("downloads.show", job_id=job.id), 303)


@bp.route("/service/survey")
@login_required
def survey_page() -> str:
    _require()
    chosen = _period_or_400()
    answers = survey.answers(current_user, chosen)
    audit.record("service.survey", user=current_user, detail=chosen.key)
    db.session.commit()
    return render_template(
        "oversight/survey.html",
        chosen=chosen,
        answers=answers,
        periods=service.PERIODS,
        args=_args(chosen),
    )


@bp.route("/service/survey.csv")
@login_required
def survey_csv() -> Response:
    _require()
    chosen = _period_or_400()
    # Made safe to open in a spreadsheet as every export is: an answer names teams, and a
    # team's name is whatever an administrator typed.
    body = exports.to_csv(
        ["Question", "Answer", "Counted by", "From", "To"],
        (
            [a.question, a.answer, a.counted, chosen.start.isoformat(), chosen.end.isoformat()]
            for a in survey.answers(current_user, chosen)
        ),
    )
    audit.record("service.survey_csv", user=current_user, detail=chosen.key)
    db.session.commit()
    name = f"rhi-survey-answers-{chosen.start}-{chosen.end}.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={name}"},
    )


@bp.route("/service/records")
@login_required
def records() -> str:
    _require()
    chosen = _period_or_400()
    figure = request.args.get("figure", "")
    if figure not in service.FIGURES:
        abort(404)
    page_number = numbers.page_number(request.args.get("page"))
    rows, more = service.records(current_user, chosen, figure, page_number)
    audit.record("service.records", user=current_user, detail=f"{figure} {chosen.key}")
    # Rendered before the commit, which would expire the rows read with their children and
    # interviews, and the page would read each again, one query a row.
    page = render_template(
        "oversight/records.html",
        chosen=chosen,
        figure=figure,
        label=service.words(service.deadlines_in(current_user, chosen))[figure],
        rows=rows,
        more=more,
        page_number=page_number,
        args=_args(chosen),
        status_label=lambda value: InterviewStatus(value).label if value else "No interview yet",
    )
    db.session.commit()
    return page


@bp.route("/service.csv")
@login_required
def download() -> Response:
    _require()
    chosen = _period_or_400()
    # Every figure the page shows, in its words (service_page.csv_rows).
    body = exports.to_csv(
        service_page.CSV_HEADERS,
        service_page.csv_rows(service_page.shown(current_user, chosen)),
    )
    audit.record("service.csv", user=current_user, detail=chosen.key)
    name = f"rhi-service-{chosen.start}-{chosen.end}.csv"
    db.session.commit()
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={name}"},
    )
