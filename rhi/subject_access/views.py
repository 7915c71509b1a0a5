"""Subject access: an administrator, or a manager who may see the child (rhi.access), records a
request and downloads everything held about the child as a ZIP. Each export is written to the
disclosure log (shown on the page) and audited, in the same transaction."""

from __future__ import annotations

import re
from functools import wraps
from typing import Any

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select

from rhi import access, audit
from rhi.extensions import db
from rhi.models import Child, Role, User
from rhi.models.base import utcnow
from rhi.models.retention import Disclosure
from rhi.retention.destroy import not_destroyed
from rhi.subject_access import export, find
from rhi.subject_access.forms import RequestForm
from rhi.timefmt import parse_date

bp = Blueprint("subject_access", __name__, url_prefix="/subject-access")

ROLES = (Role.ADMIN, Role.MANAGER)


@bp.app_template_global("may_export_subject_access")
def may_export(user: User) -> bool:
    """Administrators, for any child; managers, for the children rhi.access lets them see."""
    return user.role_enum in ROLES


def exporters_only(view: Any) -> Any:
    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not may_export(current_user):
            audit.record(
                "change.refused",
                object_type="subject_access",
                object_id=kwargs.get("child_id", "search"),
                outcome="refused",
            )
            db.session.commit()
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def _child(child_id: int) -> Child:
    child = db.session.scalar(
        select(Child).where(Child.id == child_id, find.scope(current_user), not_destroyed())
    )
    if child is None:
        found = db.session.scalar(select(Child.id).where(Child.id == child_id))
        access.refuse(current_user, "child", child_id, found)
    assert child is not None
    return child


@bp.route("")
@exporters_only
def search() -> str:
    name = request.args.get("name", "").strip()[:120]
    born_text = request.args.get("born", "").strip()[:20]
    born = parse_date(born_text) if born_text else None
    searched = bool(name or born)
    if searched:
        # The words searched for are not kept: they are a child's name.
        audit.record("subject_access.search", object_type="child", object_id="search")
        db.session.commit()
    return render_template(
        "subject_access/search.html",
        name=name,
        born=born_text,
        born_unreadable=bool(born_text) and born is None,
        searched=searched,
        found=find.find(current_user, name, born) if searched else [],
    )


def _page(child: Child, form: RequestForm, status: int = 200) -> tuple[str, int]:
    log = db.session.scalars(
        select(Disclosure)
        .where(Disclosure.child_id == child.id)
        .order_by(Disclosure.exported_at.desc(), Disclosure.id.desc())
    ).all()
    return render_template("subject_access/child.html", child=child, form=form, log=log), status


@bp.route("/children/<int:child_id>")
@exporters_only
def child(child_id: int) -> tuple[str, int]:
    record = _child(child_id)
    audit.record("subject_access.view", object_type="child", object_id=child_id, child_id=child_id)
    db.session.commit()
    return _page(record, RequestForm(formdata=None))


def _filename(reference: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9-]+", "-", reference).strip("-")[:60] or "request"
    return f"subject-access-{safe}.zip"


@bp.route("/children/<int:child_id>/export", methods=["POST"])
@exporters_only
def export_zip(child_id: int) -> tuple[str, int] | Response:
    record = _child(child_id)
    form = RequestForm()
    if not form.validate_on_submit():
        return _page(record, form, 422)
    received = parse_date(form.received_on.data)
    assert received is not None
    user = current_user._get_current_object()
    now = utcnow()
    about = {
        "requested_by": form.requested_by.data.strip(),
        "reference": form.reference.data.strip(),
        "received_on": received.isoformat(),
    }
    held = export.collect(child_id)
    data = export.as_zip(held, about, exported_by=user.name, exported_at=now)
    disclosure = Disclosure(
        child_id=child_id,
        requested_by=about["requested_by"],
        reference=about["reference"],
        received_on=received,
        exported_by_id=user.id,
        exported_at=now,
        sha256=export.sha256(data),
    )
    db.session.add(disclosure)
    db.session.flush()
    audit.record(
        "subject_access.export",
        object_type="disclosure",
        object_id=disclosure.id,
        child_id=child_id,
    )
    db.session.commit()
    return Response(
        data,
        mimetype="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{_filename(about["reference"])}"',
            "Cache-Control": "no-store",
        },
    )
