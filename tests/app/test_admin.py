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


def test_the_last_manager_of_a_team_leaving_is_said_to_leave_it_with_no_one_to_allocate(
    app, web, world
):
    """Only a team's managers and coordinators see the returns waiting there to be allocated
    (and what its police tokens send): deactivating the last, or moving them, left those
    unseen without a word. It is said (not refused: a leaver's access ends at once)."""
    web.sign_in(world.emails["admin"])
    warning = "RHI A now has no active manager or missing coordinator"
    manager = world.users["manager_a"]
    other = world.users["worker_solo"]
    web.post(  # a second manager in RHI A: the first may go without a word
        f"/admin/users/{other}/role",
        {f"u{other}-role": "manager", f"u{other}-team_id": str(_team(app, "RHI A"))},
        page="/admin/users",
    )
    said = web.post(f"/admin/users/{manager}/active", page="/admin/users", follow=True).get_data(
        as_text=True
    )
    assert "is deactivated." in said and warning not in said
    moved = web.post(
        f"/admin/users/{other}/role",
        {f"u{other}-role": "manager", f"u{other}-team_id": str(_team(app, "RHI B"))},
        page="/admin/users",
        follow=True,
    ).get_data(as_text=True)
    assert warning in moved
    assert "no one sees the returns waiting there to be allocated" in moved
    assert "the police notifications waiting there for a person to confirm the child" in moved
    # RHI B has two managers now: the first to be deactivated leaves one, the second none.
    first = web.post(f"/admin/users/{other}/active", page="/admin/users", follow=True)
    assert "RHI B now has no" not in first.get_data(as_text=True)
    last = web.post(
        f"/admin/users/{world.users['manager_b']}/active", page="/admin/users", follow=True
    )
    assert "RHI B now has no active manager or missing coordinator" in last.get_data(as_text=True)


def _team(app, name: str) -> int:
    from rhi.models import Team

    with app.app_context():
        return int(db.session.scalar(select(Team.id).where(Team.name == name)))
