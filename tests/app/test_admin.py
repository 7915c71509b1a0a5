"""Administrators manage users and teams, and see no child records."""

from __future__ import annotations

from sqlalchemy import select

from rhi.extensions import db
from rhi.models import User


def test_admin_creates_a_user_who_can_sign_in(app, web, world):
    from tests.conftest import Web

    web.sign_in(world.emails["admin"])
    page = web.post(
        "/admin/users",
        {
            "name": "New Worker",
            "email": "New.Worker@Test.example.org",
            "role": "worker",
            "team_id": "0",
            "password": "a long first password",
        },
        page="/admin/users",
        follow=True,
    ).get_data(as_text=True)
    assert "New Worker can now sign in." in page
    other = Web(app.test_client())
    assert other.sign_in("new.worker@test.example.org", "a long first password").status_code == 302


def test_duplicate_email_and_weak_password_are_explained(web, world):
    web.sign_in(world.emails["admin"])
    response = web.post(
        "/admin/users",
        {
            "name": "Copy",
            "email": world.emails["worker_a"].upper(),
            "role": "worker",
            "team_id": "0",
            "password": "a long first password",
        },
        page="/admin/users",
    )
    assert response.status_code == 422
    assert "Someone already has this email address." in response.get_data(as_text=True)
    response = web.post(
        "/admin/users",
        {
            "name": "Short",
            "email": "short@test.example.org",
            "role": "worker",
            "team_id": "0",
            "password": "short",
        },
        page="/admin/users",
    )
    html = response.get_data(as_text=True)
    assert "Use at least 12 characters." in html
    assert 'value="short@test.example.org"' in html


def test_admin_sets_role_and_team(app, web, world):
    web.sign_in(world.emails["admin"])
    uid = world.users["worker_solo"]
    web.post(
        f"/admin/users/{uid}/role",
        {f"u{uid}-role": "manager", f"u{uid}-team_id": "0"},
        page="/admin/users",
    )
    with app.app_context():
        assert db.session.get(User, uid).role == "manager"


def test_admin_sees_users_not_children(web, world):
    web.sign_in(world.emails["admin"])
    html = web.get("/admin/users").get_data(as_text=True)
    assert world.emails["social_worker"] in html
    assert "Ada" not in html
    assert web.get("/children").status_code == 403


def test_create_user_command(app, world):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "rhi",
            "create-user",
            "--email",
            "cli@test.example.org",
            "--name",
            "Cli User",
            "--role",
            "social_worker",
            "--team",
            "New team",
            "--password",
            "a long first password",
        ]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "cli@test.example.org"))
        assert user.team.name == "New team"
    again = runner.invoke(
        args=[
            "rhi",
            "create-user",
            "--email",
            "cli@test.example.org",
            "--name",
            "X",
            "--role",
            "worker",
            "--password",
            "a long first password",
        ]
    )
    assert again.exit_code != 0
    assert "already has this email" in again.output


def test_the_only_administrator_cannot_take_away_their_own_role(app, web, world):
    """Left with no administrator, no one in rhi could manage users, settings or retention
    (a probe found the only one could make themselves a worker)."""
    web.sign_in(world.emails["admin"])
    uid = world.users["admin"]
    said = web.post(
        f"/admin/users/{uid}/role",
        {f"u{uid}-role": "worker", f"u{uid}-team_id": "0"},
        page="/admin/users",
        follow=True,
    ).get_data(as_text=True)
    assert "is the only active administrator" in said
    with app.app_context():
        assert db.session.get(User, uid).role == "admin"
    # With a second administrator, they may.
    other = world.users["worker_solo"]
    web.post(
        f"/admin/users/{other}/role",
        {f"u{other}-role": "admin", f"u{other}-team_id": "0"},
        page="/admin/users",
    )
    web.sign_in(world.emails["admin"])  # a role change ends sessions: their own was not changed
    web.post(
        f"/admin/users/{uid}/role",
        {f"u{uid}-role": "worker", f"u{uid}-team_id": "0"},
        page="/admin/users",
    )
    with app.app_context():
        assert db.session.get(User, uid).role == "worker"


def test_the_users_page_is_a_read_recorded_in_the_trail(app, web, world):
    from rhi.models import AuditEvent

    web.sign_in(world.emails["admin"])
    assert web.get("/admin/users").status_code == 200
    with app.app_context():
        assert (
            db.session.scalar(select(AuditEvent.user_id).where(AuditEvent.action == "user.list"))
            == world.users["admin"]
        )
