"""The retention schedule's pages, for administrators: the dry-run report (what is due, why,
what is held), the schedule's two ages, the run with its confirmation, and each child's legal
holds. Every look and every change is audited; anyone else is refused (403, audited). The report,
which holds the run's form and the schedule's, those two changes, and lifting a hold ask an
administrator who last gave their password more than 15 minutes ago to confirm it's them
(rhi/auth/fresh.py). A destroyed record's page shows what stays: its legal holds, with why each
was placed and lifted."""

from __future__ import annotations

from datetime import date, datetime
from functools import wraps
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from rhi import access, audit, numbers, settings
from rhi.actions.rules import today_local
from rhi.auth import fresh
from rhi.extensions import db
from rhi.models import AuditEvent, Child, DestroyedChild
from rhi.models.base import utcnow
from rhi.models.retention import KEPT_AFTER_LIFTING, LegalHold
from rhi.retention import destroy, holds, rules
from rhi.retention.forms import SCHEDULE_FIELDS, HoldForm, LiftForm, RunForm, ScheduleForm
from rhi.subject_access import find
from rhi.timefmt import format_datetime, to_local

bp = Blueprint("retention", __name__, url_prefix="/admin/retention")


def admin_only(view: Any) -> Any:
    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        access.require_settings_change(current_user, "retention")
        return view(*args, **kwargs)

    return wrapped


def _schedule_form(formdata: Any = None) -> ScheduleForm:
    kwargs = {"formdata": None} if formdata is None else {}
    data = {field: str(current_app.config[name]) for name, field in SCHEDULE_FIELDS.items()}
    form = ScheduleForm(**kwargs, data=data)
    for name, field in SCHEDULE_FIELDS.items():
        default = settings.environment_value(name)
        form[field].description = f"{settings.EDITABLE[name].hint} Default: {default}."
    return form


def _page(status: int = 200, **forms: Any) -> tuple[str, int]:
    report = destroy.report(today_local())
    run_form = forms.get("run_form") or RunForm(formdata=None)
    run_form.child_ids.data = ",".join(str(d.child_id) for d in report.due)
    terms = forms.get("terms") or find.Terms()
    found = find.find(current_user, terms.name, terms.born) if terms.searched else []
    return render_template(
        "retention/report.html",
        report=report,
        schedule_form=forms.get("schedule_form") or _schedule_form(),
        run_form=run_form,
        terms=terms,
        found=found,
    ), status


def _report_page() -> str:
    return url_for("retention.report")


@bp.route("", methods=["GET", "POST"])
@admin_only
@fresh.required()
def report() -> tuple[str, int]:
    audit.record("retention.report_view", object_type="retention", object_id="report")
    terms = find.terms_from(request.form) if request.method == "POST" else find.Terms()
    if terms.searched:
        # The words searched for are not kept: they are a child's name.
        audit.record("retention.search", object_type="child", object_id="search")
    db.session.commit()
    return _page(terms=terms)


@bp.route("/schedule", methods=["POST"])
@admin_only
# A younger age makes records due at once, for the next run (or cron's) to destroy.
@fresh.required(back=_report_page)
def save_schedule() -> tuple[str, int] | Response:
    form = _schedule_form(formdata=True)
    if not form.validate_on_submit():
        return _page(422, schedule_form=form)
    changed = [
        settings.EDITABLE[name].label
        for name, field in SCHEDULE_FIELDS.items()
        if settings.change(name, form[field].data.strip(), current_user)
    ]
    db.session.commit()
    settings.forget()
    flash("Saved: " + "; ".join(changed) + "." if changed else "Nothing was changed.", "success")
    return redirect(url_for("retention.report"))


@bp.route("/run", methods=["POST"])
@admin_only
# Destroys children's records for good: never from a session left open.
@fresh.required(back=_report_page)
def run() -> tuple[str, int] | Response:
    form = RunForm()
    if not form.validate_on_submit() or not form.confirm.data:
        form.confirm.errors = ["Tick the box to say you have checked the list."]
        return _page(422, run_form=form)
    shown = {
        n
        for x in (form.child_ids.data or "").split(",")
        if (n := numbers.whole_number(x)) is not None
    }
    result = destroy.run(today_local(), current_user._get_current_object(), only=shown)
    audit.record(
        "retention.run",
        object_type="retention",
        object_id="run",
        detail=f"{len(result.destroyed)} destroyed, {len(result.skipped)} passed by, "
        f"{len(result.not_known)} legal status not known, {len(result.kept_back)} kept back "
        f"(still missing or a return open), {len(result.failed)} failed",
    )
    db.session.commit()
    flash(run_message(result), "error" if result.failed else "success")
    return redirect(url_for("retention.report"))


def run_message(result: destroy.RunResult) -> str:
    """What the run did, in words: one record or several."""
    destroyed, not_known, failed = len(result.destroyed), len(result.not_known), len(result.failed)
    message = f"{destroyed} {'record' if destroyed == 1 else 'records'} destroyed."
    if result.skipped:
        message += f" {len(result.skipped)} passed by: held or no longer due."
    if not_known:
        message += (
            " 1 kept: its legal status is not known. Record it before this record can be destroyed."
            if not_known == 1
            else f" {not_known} kept: their legal status is not known. Record it before these "
            "records can be destroyed."
        )
    kept_back = len(result.kept_back)
    if kept_back:
        message += (
            " 1 kept back: the child is still missing, or a return or interview is open."
            if kept_back == 1
            else f" {kept_back} kept back: each child is still missing, or a return or interview "
            "is open."
        )
        message += " A record is destroyed once its return is closed."
    if failed:
        message += f" {failed} could not be destroyed and {'is' if failed == 1 else 'are'} kept: "
        message += "try again."
    return message


def _child(child_id: int) -> Child:
    child = db.session.scalar(select(Child).where(Child.id == child_id, destroy.not_destroyed()))
    if child is None:
        access.refuse(current_user, "child", child_id, None)
    assert child is not None
    return child


def _lifted_keeps(held: list[LegalHold], now: datetime, due_on: date) -> datetime | None:
    """Until when a hold lifted lately keeps a record that would be due before then, or None."""
    until = max((h.kept_until for h in held if h.kept_until and h.keeps_record(now)), default=None)
    return until if until is not None and due_on <= to_local(until).date() else None


def _child_page(child: Child, status: int = 200, **forms: Any) -> tuple[str, int]:
    rule = rules.rule_of(child)
    now = utcnow()
    held = holds.holds_of(child.id)
    return render_template(
        "retention/child.html",
        child=child,
        rule=rule,
        due_on=rules.due_on(child),
        holds=held,
        now=now,  # whether a hold lifted lately still keeps the record
        # Said only where it holds the record back: one due in decades is not "kept until".
        lifted_keeps_until=_lifted_keeps(held, now, rules.due_on(child)),
        hold_form=forms.get("hold_form") or HoldForm(formdata=None),
        lift_forms={
            h.id: forms.get(f"lift_{h.id}") or LiftForm(formdata=None, prefix=f"lift{h.id}")
            for h in held
            if h.in_force
        },
    ), status


@bp.route("/children/<int:child_id>")
@admin_only
def child(child_id: int) -> tuple[str, int]:
    gone = db.session.get(DestroyedChild, child_id)
    if gone is not None:
        audit.record(
            "retention.child_view", object_type="child", object_id=child_id, child_id=child_id
        )
        db.session.commit()
        kept = holds.holds_of(child_id)
        # Destroyed before holds outlived the record: the trail still says one was placed.
        placed = kept or db.session.scalar(
            select(AuditEvent.id)
            .where(AuditEvent.child_id == child_id, AuditEvent.action == "retention.hold_placed")
            .limit(1)
        )
        return render_template(
            "retention/destroyed.html", gone=gone, holds=kept, placed=bool(placed)
        ), 200
    record = _child(child_id)
    audit.record("retention.child_view", object_type="child", object_id=child_id, child_id=child_id)
    db.session.commit()
    return _child_page(record)


@bp.route("/children/<int:child_id>/holds", methods=["POST"])
@admin_only
def place_hold(child_id: int) -> tuple[str, int] | Response:
    record = _child(child_id)
    form = HoldForm()
    if not form.validate_on_submit():
        return _child_page(record, 422, hold_form=form)
    holds.place(child_id, form.reason.data.strip(), current_user._get_current_object())
    db.session.commit()
    flash("Legal hold placed: this record will not be destroyed while it is in force.", "success")
    return redirect(url_for("retention.child", child_id=child_id))


def _hold_page(hold_id: int) -> str:
    """The child's page the hold's "Lift" form was on."""
    hold = db.session.get(LegalHold, hold_id)
    return url_for("retention.child", child_id=hold.child_id) if hold else _report_page()


@bp.route("/holds/<int:hold_id>/lift", methods=["POST"])
@admin_only
# Once lifted and KEPT_AFTER_LIFTING has passed, the next run (cron's every night, which asks no
# one) destroys a due record for good.
@fresh.required(back=_hold_page)
def lift_hold(hold_id: int) -> tuple[str, int] | Response:
    hold = db.session.get(LegalHold, hold_id)
    if hold is None or hold.lifted_at is not None:
        access.refuse(current_user, "legal_hold", hold_id, hold.child_id if hold else None)
    assert hold is not None
    record = _child(hold.child_id)
    form = LiftForm(prefix=f"lift{hold.id}")
    if not form.validate_on_submit():
        return _child_page(record, 422, **{f"lift_{hold.id}": form})
    holds.lift(hold, form.reason.data.strip(), current_user._get_current_object())
    db.session.commit()
    assert hold.kept_until is not None
    if _lifted_keeps([hold], utcnow(), rules.due_on(record)) is None:
        flash("Legal hold lifted.", "success")  # the record is not due for years yet
    else:
        flash(
            "Legal hold lifted. It still keeps the record until "
            f"{format_datetime(hold.kept_until)}, {KEPT_AFTER_LIFTING.days} days from now, in"
            " case it was lifted by mistake: place a hold again before then to keep it.",
            "success",
        )
    return redirect(url_for("retention.child", child_id=record.id))
