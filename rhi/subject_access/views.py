"""Subject access: an administrator, or a manager who may see the child (rhi.access), records a
request and downloads everything held about the child as a ZIP, prepared as a download job
(rhi/subject_access/download.py). Each export is written to the disclosure log (shown on the
page) and audited, in the same transaction as the ZIP it names. The child's page, where the
request is recorded, and the export ask someone who last gave their password more than 15
minutes ago to confirm it's them (rhi/auth/fresh.py): the export holds everything about a child."""

from __future__ import annotations

from functools import wraps
from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from rhi import access, audit
from rhi.auth import fresh
from rhi.extensions import db
from rhi.jobs import downloads
from rhi.models import Child, Role, User
from rhi.models.retention import Disclosure
from rhi.retention.destroy import not_destroyed
from rhi.subject_access import find
from rhi.subject_access.forms import RequestForm
from rhi.subject_access.review import for_child
from rhi.timefmt import parse_date

bp = Blueprint("subject_access", __name__, url_prefix="/subject-access")

ROLES = (Role.ADMIN, Role.MANAGER)


@bp.app_template_global("may_export_subject_access")
def may_export(user: User, child: Child | None = None) -> bool:
    """Administrators, for any child; managers, for the children rhi.access lets them see and
    whose whole record they read (`find.makes_the_export`, asked when `child` is given)."""
    if user.role_enum not in ROLES:
        return False
    return child is None or find.makes_the_export(user, child.id)


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


@bp.route("", methods=["GET", "POST"])
@exporters_only
def search() -> str:
    terms = find.terms_from(request.form) if request.method == "POST" else find.Terms()
    if terms.searched:
        # The words searched for are not kept: they are a child's name.
        audit.record("subject_access.search", object_type="child", object_id="search")
        db.session.commit()
    return render_template(
        "subject_access/search.html",
        terms=terms,
        found=find.find(current_user, terms.name, terms.born) if terms.searched else [],
    )


def _page(child: Child, form: RequestForm, status: int = 200) -> tuple[str, int]:
    log = db.session.scalars(
        select(Disclosure)
        .where(Disclosure.child_id == child.id)
        .order_by(Disclosure.exported_at.desc(), Disclosure.id.desc())
    ).all()
    makes = find.makes_the_export(current_user, child.id)
    # Said beside the button, from the list the download opens with (review.py): whoever asked.
    review = for_child(child.id) if makes else None
    return render_template(
        "subject_access/child.html",
        child=child,
        form=form,
        log=log,
        makes_the_export=makes,
        review=review,
    ), status


def _child_page(child_id: int) -> str:
    return url_for("subject_access.child", child_id=child_id)


@bp.route("/children/<int:child_id>")
@exporters_only
@fresh.required()
def child(child_id: int) -> tuple[str, int]:
    record = _child(child_id)
    audit.record("subject_access.view", object_type="child", object_id=child_id, child_id=child_id)
    db.session.commit()
    return _page(record, RequestForm(formdata=None))


@bp.route("/children/<int:child_id>/export", methods=["POST"])
@exporters_only
@fresh.required(back=_child_page)
def export_zip(child_id: int) -> tuple[str, int] | Response:
    """The request is recorded and the ZIP prepared as a download job
    (rhi/subject_access/download.py): the person waits on its page, then downloads it."""
    record = _child(child_id)
    if not find.makes_the_export(current_user, child_id):
        audit.record(
            "change.refused",
            object_type="subject_access",
            object_id=child_id,
            child_id=child_id,
            outcome="refused",
        )
        db.session.commit()
        abort(403)
    form = RequestForm()
    if not form.validate_on_submit():
        return _page(record, form, 422)
    received = parse_date(form.received_on.data)
    assert received is not None
    job = downloads.prepare(
        "subject_access",
        current_user,
        child_id=child_id,
        requested_by=form.requested_by.data.strip(),
        reference=form.reference.data.strip(),
        received_on=received.isoformat(),
    )
    audit.record(
        "subject_access.request", object_type="child", object_id=child_id, child_id=child_id
    )
    db.session.commit()
    return redirect(url_for("downloads.show", job_id=job.id), 303)
