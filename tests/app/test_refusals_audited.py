"""Every 403 answered to a signed-in person leaves one row on the audit trail: views that know
which record they refused write their own; a role check that refuses before any record is read
(the administrators' pages, the inbox) gets one naming the page."""

from __future__ import annotations

from sqlalchemy import func, select

from rhi.extensions import db
from rhi.models import AuditEvent, PasswordReset, User


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
    with app.app_context():
        assert db.session.scalar(select(func.count(PasswordReset.id))) == 0
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


def test_a_refusal_never_commits_what_the_refused_request_had_half_made(app, world):
    """The row is committed on its own: a change the request made and had not committed when
    it was refused is undone first."""
    from datetime import date

    from flask_login import login_user

    from rhi import audit
    from rhi.models import Child

    with app.test_request_context("/admin/users", method="POST"):
        worker = db.session.scalar(select(User).where(User.email == world.emails["worker_a"]))
        login_user(worker)
        db.session.add(Child(first_name="Half", last_name="Made", date_of_birth=date(2012, 1, 1)))
        audit.record_refusal_unless_recorded()
    with app.app_context():
        assert (
            db.session.scalar(select(func.count(Child.id)).where(Child.first_name == "Half")) == 0
        )
        assert (
            db.session.scalar(
                select(func.count(AuditEvent.id)).where(AuditEvent.action == "page.refused")
            )
            == 1
        )
