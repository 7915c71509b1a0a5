"""Audit rows cannot be changed or deleted (issue 16 item 7).

On every database a trigger refuses UPDATE and DELETE of audit_events, whoever asks: it is made
with the schema (create_all, as the tests make it) and by the migration. On PostgreSQL the app
also connects, in production, as a role granted only INSERT and SELECT on the table
(scripts/audit_role.sql, docs/deploy.md): the tests here make that role from the script, in a
database of their own, and show what it can and cannot do."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import delete, make_url, select, update
from sqlalchemy.exc import DBAPIError

from rhi import audit, migration_commands
from rhi.extensions import db
from rhi.models import AuditEvent
from tests.conftest import _pg_admin_url, _pg_connect, make_test_app

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "audit_role.sql"


def test_the_app_cannot_change_or_delete_an_audit_row(app, world):
    with app.app_context():
        event = audit.record("test.event", object_type="thing", object_id=1, detail="as it was")
        db.session.commit()
        event_id = event.id
        with pytest.raises(DBAPIError, match="cannot be changed"):
            db.session.execute(
                update(AuditEvent).where(AuditEvent.id == event_id).values(detail="rewritten")
            )
            db.session.flush()
        db.session.rollback()
        with pytest.raises(DBAPIError, match="cannot be"):
            db.session.execute(delete(AuditEvent).where(AuditEvent.id == event_id))
            db.session.flush()
        db.session.rollback()
        # Through the ORM too: a changed attribute is refused when flushed.
        loaded = db.session.get(AuditEvent, event_id)
        loaded.outcome = "refused"
        with pytest.raises(DBAPIError):
            db.session.commit()
        db.session.rollback()
        db.session.expire_all()
        assert db.session.scalar(select(AuditEvent.detail).where(AuditEvent.id == event_id)) == (
            "as it was"
        )
        # Adding rows is what the trail is for: still allowed.
        audit.record("test.event", object_type="thing", object_id=2)
        db.session.commit()
        assert len(db.session.scalars(select(AuditEvent)).all()) == 2


@pytest.fixture
def own_database(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A PostgreSQL database and a login role of this test's own, both dropped afterwards:
    (the database's URL as the owner, the role's name)."""
    try:
        admin = _pg_connect(_pg_admin_url())
    except Exception as exc:  # the same rule as tests/conftest.py's postgres_url
        pytest.skip(f"PostgreSQL not available: {exc}")
    suffix = uuid.uuid4().hex[:10]
    name, role = f"rhi_audit_{suffix}", f"rhi_app_{suffix}"
    admin.execute(f'CREATE DATABASE "{name}"')
    url = make_url(_pg_admin_url()).set(database=name).render_as_string(hide_password=False)
    try:
        yield url, role
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'DROP ROLE IF EXISTS "{role}"')
        admin.close()


def _as(url: str, user: str | None = None):
    if user is not None:
        url = make_url(url).set(username=user, password=None).render_as_string(hide_password=False)
    return _pg_connect(url)


INSERT = (
    "INSERT INTO audit_events (at, action, outcome) VALUES (now(), 'test.by_app', 'ok') "
    "RETURNING id"
)


def test_the_app_role_inserts_and_reads_but_cannot_change_and_the_trigger_stops_the_owner(
    own_database, tmp_path
):
    import psycopg

    url, role = own_database
    app = make_test_app(url, tmp_path)
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    with _as(url) as owner:
        owner.execute(SCRIPT.read_text().replace("rhi_app", role))

    with _as(url, role) as app_role:
        (event_id,) = app_role.execute(INSERT).fetchone()
        assert app_role.execute(
            "SELECT action FROM audit_events WHERE id = %s", (event_id,)
        ).fetchone() == ("test.by_app",)
        for statement in (
            "UPDATE audit_events SET detail = 'rewritten'",
            "DELETE FROM audit_events",
            "TRUNCATE audit_events",
            "DROP TRIGGER audit_events_immutable ON audit_events",
            "ALTER TABLE audit_events DISABLE TRIGGER audit_events_immutable",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                app_role.execute(statement)
        # Everything else the app does is still allowed: the role is not read-only.
        app_role.execute(
            "INSERT INTO teams (name, created_at) VALUES ('Made by the app role', now())"
        )
        app_role.execute("UPDATE teams SET name = 'Renamed' WHERE name = 'Made by the app role'")
        app_role.execute("DELETE FROM teams WHERE name = 'Renamed'")

    # The owner (here a superuser) holds every grant: the trigger still refuses.
    with _as(url) as owner:
        for statement, verb in (
            ("UPDATE audit_events SET detail = 'rewritten'", "UPDATE"),
            ("DELETE FROM audit_events", "DELETE"),
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match=verb):
                owner.execute(statement)
        assert owner.execute("SELECT count(*), max(detail) FROM audit_events").fetchone() == (
            1,
            None,
        )


def test_the_migration_installs_the_triggers_and_refuses_truncate(own_database, tmp_path):
    import psycopg

    url, _role = own_database
    app = make_test_app(url, tmp_path)
    migration_commands.enable(app)  # flask_migrate.upgrade() below
    with app.app_context():
        upgrade()
        db.engine.dispose()
    with _as(url) as owner:
        triggers = {
            row[0]
            for row in owner.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_events'::regclass"
                " AND NOT tgisinternal"
            )
        }
        assert triggers == {"audit_events_immutable", "audit_events_no_truncate"}
        owner.execute(INSERT)
        for statement in (
            "UPDATE audit_events SET detail = 'x'",
            "DELETE FROM audit_events",
            "TRUNCATE audit_events",
            "TRUNCATE audit_events CASCADE",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                owner.execute(statement)
        assert owner.execute("SELECT count(*) FROM audit_events").fetchone() == (1,)


def test_the_migration_installs_the_triggers_on_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
    app = make_test_app(url, tmp_path)
    migration_commands.enable(app)  # flask_migrate.upgrade() below
    with app.app_context():
        upgrade()
        with db.engine.begin() as conn:
            names = set(
                conn.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                    "AND tbl_name = 'audit_events'"
                ).scalars()
            )
            assert names == {"audit_events_no_update", "audit_events_no_delete"}
            conn.exec_driver_sql(
                "INSERT INTO audit_events (at, action, outcome) VALUES ('2026-11-23', 'x', 'ok')"
            )
        for statement in ("UPDATE audit_events SET detail = 'x'", "DELETE FROM audit_events"):
            with (
                pytest.raises(DBAPIError, match="audit_events rows cannot be"),
                db.engine.begin() as conn,
            ):
                conn.exec_driver_sql(statement)
        db.engine.dispose()


def test_the_deploy_steps_work_with_an_owner_who_may_not_make_roles(tmp_path):
    """docs/deploy.md's steps as written: both roles and the database made by a superuser, the
    schema and the grants by an owner with no power over roles (a probe: the script made the
    app role itself, which such an owner may not, and stopped)."""
    import psycopg

    try:
        admin = _pg_connect(_pg_admin_url())
    except Exception as exc:
        pytest.skip(f"PostgreSQL not available: {exc}")
    suffix = uuid.uuid4().hex[:10]
    name, owner, role = f"rhi_deploy_{suffix}", f"rhi_owner_{suffix}", f"rhi_app_{suffix}"
    admin.execute(f'CREATE ROLE "{owner}" LOGIN NOCREATEROLE NOSUPERUSER')
    admin.execute(f'CREATE ROLE "{role}" LOGIN')
    admin.execute(f'CREATE DATABASE "{name}" OWNER "{owner}"')
    url = make_url(_pg_admin_url()).set(database=name).render_as_string(hide_password=False)
    try:
        as_owner = make_url(url).set(username=owner, password=None)
        app = make_test_app(as_owner.render_as_string(hide_password=False), tmp_path)
        with app.app_context():
            db.create_all()
            db.engine.dispose()
        with _as(url, owner) as connection:
            connection.execute(SCRIPT.read_text().replace("rhi_app", role))
        with _as(url, role) as app_role:
            app_role.execute(INSERT)
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                app_role.execute("DELETE FROM audit_events")
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'DROP ROLE IF EXISTS "{role}"')
        admin.execute(f'DROP ROLE IF EXISTS "{owner}"')
        admin.close()
