"""The statutory exports page (issue 15 item 6): choose an export, see every problem found in
words, then download it, or download it anyway with the problems in a second file.

Managers and coordinators, over the episodes rhi/access.py lets them see; anyone else: 403.
Checking, downloading and downloading the problems are each audited, in the same transaction.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from rhi import access, audit
from rhi.extensions import db
from rhi.forms.exports import ExportForm
from rhi.models.base import utcnow
from rhi.oversight import exports
from rhi.oversight.figures import today_local

bp = Blueprint("oversight_exports", __name__)


def _require() -> None:
    if not access.can_oversee(current_user):
        audit.record("export.view", user=current_user, outcome="refused")
        db.session.commit()
        abort(403)


def _form() -> ExportForm:
    last_year = exports.current_collection_year(today_local(utcnow()))
    form = ExportForm(formdata=request.args or None, last_year=last_year)
    # What is not chosen yet is offered: this collection year, and this year so far.
    defaults = {
        form.year: last_year,
        form.start: date(last_year, 4, 1),
        form.end: today_local(utcnow()),
    }
    for found, value in defaults.items():
        if found.name not in request.args:
            found.data = value
    return form


def _build(form: ExportForm) -> exports.Export:
    scope = exports.user_scope(current_user)
    kind = form.export.data
    if kind == "ssda903":
        return exports.ssda903(scope, form.year.data)
    if kind == "ssd":
        return exports.ssd(scope, form.year.data)
    return exports.episodes(scope, form.start.data, form.end.data, utcnow())


def _args(form: ExportForm) -> dict[str, str]:
    """The choice, to carry to the download links."""
    args = {"export": form.export.data}
    if form.export.data in exports.BY_YEAR:
        args["year"] = str(form.year.data)
    else:
        args |= {"start": form.start.data.isoformat(), "end": form.end.data.isoformat()}
    return args


@bp.route("/service/exports")
@login_required
def page() -> str:
    _require()
    form = _form()
    checked = None
    if request.args and form.validate():
        checked = _build(form)
        audit.record("export.check", user=current_user, detail=exports.audit_detail(checked))
    db.session.commit()
    return render_template(
        "oversight/exports.html",
        form=form,
        checked=checked,
        args=_args(form) if checked else {},
        kinds=exports.KINDS,
    )


def _csv(text: str, filename: str) -> Response:
    # A byte-order mark so Excel reads the names in UTF-8.
    return Response(
        "\ufeff" + text,
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )


@bp.route("/service/exports/download")
@login_required
def download() -> BaseResponse:
    _require()
    form = _form()
    if not form.validate():
        return redirect(url_for(".page", **request.args))
    export = _build(form)
    anyway = request.args.get("anyway") == "1"
    if export.problems and not anyway:
        # Never a table with problems unless the person chose it, having seen them.
        return redirect(url_for(".page", **_args(form)))
    detail = exports.audit_detail(export, anyway=anyway)
    audit.record("export.download", user=current_user, detail=detail)
    db.session.commit()
    return _csv(exports.table_csv(export), export.filename)


@bp.route("/service/exports/problems")
@login_required
def problems() -> BaseResponse:
    _require()
    form = _form()
    if not form.validate():
        return redirect(url_for(".page", **request.args))
    export = _build(form)
    audit.record("export.problems", user=current_user, detail=exports.audit_detail(export))
    db.session.commit()
    return _csv(exports.problems_csv(export), export.filename.replace(".csv", "-problems.csv"))
