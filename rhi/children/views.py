"""The social worker's "My children", a child's page, and the child's audit trail."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from rhi import access, audit
from rhi.extensions import db
from rhi.models import AuditEvent, Child, Episode
from rhi.models.base import utcnow

bp = Blueprint("children", __name__)


@bp.route("/children")
@login_required
def my_children() -> str:
    if not access.can_see_children(current_user):
        abort(403)
    children = db.session.scalars(
        select(Child)
        .where(access.child_filter(current_user))
        .options(selectinload(Child.episodes).selectinload(Episode.interviews))
        .order_by(Child.last_name, Child.first_name)
    ).all()
    title = "My children" if access.has_inbox(current_user) else "Children"
    return render_template("children/list.html", children=children, title=title, now=utcnow())


@bp.route("/children/<int:child_id>")
@login_required
def show(child_id: int) -> str:
    child = access.get_child(current_user, child_id)
    audit.record("child.view", object_type="child", object_id=child.id, child_id=child.id)
    db.session.commit()
    episodes = db.session.scalars(
        select(Episode)
        .where(Episode.child_id == child.id, access.episode_filter(current_user))
        .order_by(Episode.started_at.desc())
    ).all()
    return render_template(
        "children/show.html",
        child=child,
        episodes=episodes,
        now=utcnow(),
        can_read_audit=access.can_read_audit(current_user),
    )


@bp.route("/children/<int:child_id>/audit")
@login_required
def audit_trail(child_id: int) -> str:
    child = access.get_child(current_user, child_id)
    if not access.can_read_audit(current_user):
        audit.record(
            "audit.refused",
            object_type="child",
            object_id=child.id,
            child_id=child.id,
            outcome="refused",
        )
        db.session.commit()
        abort(403)
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.child_id == child.id)
        .options(selectinload(AuditEvent.user))
        .order_by(AuditEvent.at.desc())
        .limit(500)
    ).all()
    audit.record("audit.view", object_type="child", object_id=child.id, child_id=child.id)
    db.session.commit()
    return render_template("children/audit.html", child=child, events=events)
