"""The register of places, people, vehicles and phones across children, an entry's mentions,
a manager's "the same" / "not the same", and the pack for a multi-agency exploitation meeting.

Managers only (rhi.oversight.register.can_see_register); anyone else: 403, audited. Every view,
decision and pack is audited in the same transaction. Links to interviews and children are just
links: those pages check access themselves (rhi/access.py).
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from rhi import audit
from rhi.extensions import db
from rhi.models import Child
from rhi.models.base import utcnow
from rhi.oversight import figures, periods
from rhi.oversight import register as reg
from rhi.oversight.figures import Period
from rhi.summaries.asset_urls import CSS_URL
from rhi.summaries.pdf import write_pdf
from rhi.timefmt import format_date, format_datetime, to_local

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


def day(value: datetime) -> str:
    """The local day of a stored time, in words."""
    return format_date(to_local(value).date())


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
    page_number = max(1, request.args.get("page", 1, type=int) or 1)
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


@bp.route("/service/register/pack.pdf")
@login_required
def pack() -> BaseResponse:
    _require("register.pack")
    chosen, problem = _chosen()
    prepared_for = " ".join(request.args.get("prepared_for", "").split())
    if problem or not prepared_for or len(prepared_for) > MOST_PREPARED_FOR:
        return redirect(url_for(".page", pack_problem="1", **periods.args(chosen)))
    names = request.args.get("names") == "1"
    across = request.args.get("across") == "1"
    found = reg.register(current_user, chosen)
    entries = reg.for_pack(found.entries, across=across)
    pdf = render_pack(entries, prepared_for=prepared_for, names=names, chosen=chosen)
    audit.record(
        "register.pack",
        detail=(
            f"{'names shown' if names else 'pseudonymised'}; {len(entries)} entries; "
            f"{chosen.key}; for {prepared_for}"
        ),
    )
    db.session.commit()
    stamp = to_local(utcnow()).strftime("%Y%m%d-%H%M")
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="rhi-register-{stamp}.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response


def pack_html(entries: list[reg.Entry], *, prepared_for: str, names: bool, chosen: Period) -> str:
    """The pack as HTML (what WeasyPrint is given). Children are "Child A", "Child B"... unless
    `names`; with pseudonyms, a child's name written in an entry is replaced too."""
    labels = reg.pseudonyms(entries)
    children = {
        row.id: row
        for row in db.session.scalars(db.select(Child).where(Child.id.in_(sorted(labels))))
    }
    said: dict[str, str] = {}
    if not names:
        for child_id, label in labels.items():
            child = children[child_id]
            for name in (child.first_name, child.last_name, child.preferred_name):
                if name:
                    said[name] = label
    shown = {
        child_id: (children[child_id].display_name if names else label)
        for child_id, label in labels.items()
    }

    def clean(text: str) -> str:
        return reg.redact(text, said) if said else text

    return render_template(
        "oversight/register_pack.html",
        title="Places, people, vehicles and phones across children",
        entries=entries,
        nouns=reg.KIND_NOUN,
        shown=shown,
        clean=clean,
        names=names,
        prepared_for=prepared_for,
        prepared_by=current_user.name,
        printed_at_text=format_datetime(utcnow()),
        chosen=chosen,
        day=day,
        css_url=CSS_URL,
    )


def render_pack(
    entries: list[reg.Entry], *, prepared_for: str, names: bool, chosen: Period
) -> bytes:
    """The pack as a PDF, through the summaries' fetcher: it loads our CSS and fonts only."""
    html = pack_html(entries, prepared_for=prepared_for, names=names, chosen=chosen)
    return write_pdf(html)
