"""Every 403 answered to a signed-in person leaves one row on the audit trail: views that know
which record they refused write their own; a role check that refuses before any record is read
(the administrators' pages, the inbox) gets one naming the page."""

from __future__ import annotations

from sqlalchemy import select

from rhi.extensions import db
from rhi.models import AuditEvent, User


def _refusals(app, email: str) -> list[tuple[str, str | None, str | None]]:
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == email))
        rows = db.session.execute(
            select(AuditEvent.action, AuditEvent.object_id, AuditEvent.detail)
            .where(AuditEvent.user_id == user_id, AuditEvent.outcome == "refused")
            .order_by(AuditEvent.id)
        ).all()
    return [tuple(row) for row in rows]


def test_a_worker_refused_the_administrators_pages_is_recorded(app, web, world):
    web.sign_in(world.emails["worker_a"])
    assert web.get("/admin/users").status_code == 403
    assert _refusals(app, world.emails["worker_a"]) == [
        ("page.refused", "admin.users", "GET /admin/users")
    ]


def test_a_refused_change_is_recorded_and_changes_nothing(app, web, world):
    web.sign_in(world.emails["worker_a"])
    with app.app_context():
        admin_id = db.session.scalar(select(User.id).where(User.email == world.emails["admin"]))
    response = web.post(f"/admin/users/{admin_id}/reset-link", page="/")
    assert response.status_code == 403
    assert _refusals(app, world.emails["worker_a"]) == [
        ("page.refused", "account.issue_reset", f"POST /admin/users/{admin_id}/reset-link")
    ]


def test_an_administrator_refused_the_inbox_is_recorded(app, web, world):
    web.sign_in(world.emails["admin"])
    assert web.get("/inbox").status_code == 403
    assert _refusals(app, world.emails["admin"]) == [
        ("page.refused", "summaries.inbox", "GET /inbox")
    ]


def test_a_view_that_records_its_own_refusal_is_not_recorded_twice(app, web, world):
    web.sign_in(world.emails["worker_a"])
    assert web.get("/service").status_code == 403
    assert [action for action, *_ in _refusals(app, world.emails["worker_a"])] == ["service.view"]
