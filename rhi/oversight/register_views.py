"""The register of places, people, vehicles and phones across children, an entry's mentions,
a manager's "the same" / "not the same", and the pack for a multi-agency exploitation meeting.

Managers only (rhi.oversight.register.can_see_register); anyone else: 403, audited. Every view,
decision and pack is audited in the same transaction. Links to interviews and children are just
links: those pages check access themselves (rhi/access.py).
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from rhi import audit, numbers
from rhi.extensions import db
from rhi.jobs import downloads
from rhi.models import Child
from rhi.models.base import utcnow
from rhi.oversight import figures, periods
from rhi.oversight import register as reg
from rhi.oversight.figures import Period
from rhi.oversight.register_pack import day

bp = Blueprint("oversight_register", __name__)

PER_PAGE = 100
MOST_PREPARED_FOR = 120
CHOICES = reg.PERIODS | figures.PERIODS


def _require(action: str = "register.view") -> None:
    if not reg.can_see_register(current_user):
        audit.record(action, user=current_user, outcome="refused")
        db.session.commit()
        abort(403)


def _chosen() -> tuple[Period, str | None]:
    return periods.asked(
        request.args,
        utcnow(),
        extra={"last_12_months": reg.last_12_months},
        default="last_12_months",
    )


def _kind() -> str:
    kind = request.args.get("kind", "")
    return kind if kind in reg.KINDS else ""


@bp.route("/service/register")
@login_required
def page() -> str:
    _require()
    chosen, problem = _chosen()
    kind = _kind()
    across = request.args.get("across") == "1"
    page_number = numbers.page_number(request.args.get("page"))
    found = reg.register(current_user, chosen)
    shown = [
        e
        for e in found.entries
        if (not kind or e.kind == kind) and (not across or len(e.children) > 1)
    ]
    rows = shown[(page_number - 1) * PER_PAGE : page_number * PER_PAGE]
    audit.record("register.view", detail=f"{chosen.key} {kind or 'all'}")
    db.session.commit()
    return render_template(
        "oversight/register.html",
        chosen=chosen,
        problem=problem,
        periods=CHOICES,
        args=periods.args(chosen),
        kinds=reg.KINDS,
        nouns=reg.KIND_NOUN,
        kind=kind,
        across=across,
        register=found,
        rows=rows,
        total=len(shown),
        page_number=page_number,
        more=len(shown) > page_number * PER_PAGE,
        day=day,
    )


def _entry_or_404(found: reg.Register, entry_id: str) -> reg.Entry:
    entry = found.find(entry_id)
    if entry is None:
        audit.record(
            "register.entry", object_type="register_entry", object_id=entry_id, outcome="not_found"
        )
        db.session.commit()
        abort(404)
    return entry


@bp.route("/service/register/entries/<entry_id>")
@login_required
def entry(entry_id: str) -> str:
    _require("register.entry")
    chosen, _problem = _chosen()
    found = reg.register(current_user, chosen)
    shown = _entry_or_404(found, entry_id)
    children = {
        row.id: row.display_name
        for row in db.session.scalars(db.select(Child).where(Child.id.in_(sorted(shown.children))))
    }
    audit.record("register.entry", object_type="register_entry", object_id=shown.id)
    db.session.commit()
    return render_template(
        "oversight/register_entry.html",
        chosen=chosen,
        args=periods.args(chosen),
        entry=shown,
        nouns=reg.KIND_NOUN,
        children=children,
        mentions=sorted(shown.mentions, key=lambda m: (m.when, m.child_id), reverse=True),
        confirmed=reg.confirmed(found, shown),
        day=day,
        entry_id=reg.entry_id,
    )


@bp.route("/service/register/entries/<entry_id>/decide", methods=["POST"])
@login_required
def decide(entry_id: str) -> BaseResponse:
    _require("register.decide")
    chosen, _problem = _chosen()
    found = reg.register(current_user, chosen)
    shown = _entry_or_404(found, entry_id)
    answer = request.form.get("same", "")
    this = found.key(shown.kind, request.form.get("this", shown.id))
    other = found.key(shown.kind, request.form.get("other", ""))
    if this is None or other is None or this == other or answer not in ("yes", "no"):
        abort(400)
    reg.decide(current_user, shown.kind, this, other, same=answer == "yes")
    audit.record(
        "register.decide",
        object_type="register_entry",
        object_id=shown.id,
        detail=(
            f"{reg.entry_id(shown.kind, this)} "
            f"{'same as' if answer == 'yes' else 'not the same as'} "
            f"{reg.entry_id(shown.kind, other)}"
        ),
    )
    db.session.commit()
    return redirect(url_for(".entry", entry_id=shown.id, **periods.args(chosen)))


@bp.route("/service/register/pack.pdf", methods=["POST"])
@login_required
def pack() -> BaseResponse:
    """Prepared as a job for this manager (rhi/oversight/register_pack.py, which records it);
    they wait on its page, then download it."""
    _require("register.pack")
    chosen, problem = _chosen()
    prepared_for = " ".join(request.form.get("prepared_for", "").split())
    if problem or not prepared_for or len(prepared_for) > MOST_PREPARED_FOR:
        return redirect(url_for(".page", pack_problem="1", **periods.args(chosen)))
    job = downloads.prepare(
        "register_pack",
        current_user,
        **periods.args(chosen),
        prepared_for=prepared_for,
        names=request.form.get("names") == "1",
        across=request.form.get("across") == "1",
    )
    db.session.commit()
    return redirect(url_for("downloads.show", job_id=job.id), 303)
