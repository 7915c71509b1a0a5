"""The service page: figures for a period, each linked to the records it counts, and as CSV."""

from __future__ import annotations

import csv
import io
from datetime import date

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user, login_required

from rhi import access, audit
from rhi.extensions import db
from rhi.models import InterviewStatus
from rhi.models.base import utcnow
from rhi.oversight import figures as service

bp = Blueprint("oversight", __name__)


def _require() -> None:
    if not access.can_oversee(current_user):
        audit.record("service.view", user=current_user, outcome="refused")
        db.session.commit()
        abort(403)


def _date(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def _chosen() -> service.Period:
    today = service.today_local(utcnow())
    return service.period(request.args.get("period", ""), today, _date("start"), _date("end"))


def _args(chosen: service.Period) -> dict[str, str]:
    args = {"period": chosen.key}
    if chosen.key == "custom":
        args |= {"start": chosen.start.isoformat(), "end": chosen.end.isoformat()}
    return args


@bp.route("/service")
@login_required
def page() -> str:
    _require()
    chosen = _chosen()
    counts = service.figures(current_user, chosen)
    timings = service.time_to_interview(current_user, chosen)
    waiting = service.waiting_now(current_user, utcnow())
    audit.record("service.view", user=current_user, detail=chosen.key)
    db.session.commit()
    return render_template(
        "oversight/service.html",
        chosen=chosen,
        counts=counts,
        labels=service.FIGURES,
        periods=service.PERIODS,
        args=_args(chosen),
        share=service.share,
        timings=timings,
        waiting=waiting,
        waiting_labels=service.WAITING,
        hours=_hours_words,
    )


def _hours_words(value: float | None) -> str:
    if value is None:
        return "none held"
    if value < 48:
        return f"{value:.0f} hours"
    return f"{value / 24:.1f} days"


@bp.route("/service/records")
@login_required
def records() -> str:
    _require()
    chosen = _chosen()
    figure = request.args.get("figure", "")
    if figure not in service.FIGURES:
        abort(404)
    page_number = max(1, request.args.get("page", 1, type=int) or 1)
    rows, more = service.records(current_user, chosen, figure, page_number)
    audit.record("service.records", user=current_user, detail=f"{figure} {chosen.key}")
    db.session.commit()
    return render_template(
        "oversight/records.html",
        chosen=chosen,
        figure=figure,
        label=service.FIGURES[figure],
        rows=rows,
        more=more,
        page_number=page_number,
        args=_args(chosen),
        status_label=lambda value: InterviewStatus(value).label if value else "No interview yet",
    )


@bp.route("/service.csv")
@login_required
def download() -> Response:
    _require()
    chosen = _chosen()
    counts = service.figures(current_user, chosen)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Figure", "Number", "From", "To"])
    for key, words in service.FIGURES.items():
        writer.writerow([words, counts[key], chosen.start.isoformat(), chosen.end.isoformat()])
    audit.record("service.csv", user=current_user, detail=chosen.key)
    name = f"rhi-service-{chosen.start}-{chosen.end}.csv"
    db.session.commit()
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={name}"},
    )
