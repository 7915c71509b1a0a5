"""`flask db upgrade` on an empty database gives the models' schema, on SQLite and PostgreSQL."""

from __future__ import annotations

import shutil

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect

from rhi import migration_commands
from rhi.extensions import db
from tests.conftest import make_test_app


def _schema(url: str) -> dict[str, set[str]]:
    engine = create_engine(url)
    try:
        insp = inspect(engine)
        return {
            t: {c["name"] for c in insp.get_columns(t)}
            for t in insp.get_table_names()
            if t != "alembic_version"
        }
    finally:
        engine.dispose()


def test_migrations_match_the_models(backend, tmp_path, request):
    from tests.conftest import database_url

    url = database_url(backend, tmp_path, request)
    app = make_test_app(url, tmp_path)
    migration_commands.enable(app)  # flask_migrate.upgrade() below
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata
            )
        assert diff == [], f"models and migrations have drifted apart: {diff}"
        schema = _schema(url)
        expected = {t.name: {c.name for c in t.columns} for t in db.metadata.sorted_tables}
        assert schema == expected
        db.drop_all()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        db.engine.dispose()


def _rows_from_before(conn, text) -> None:
    """Data as the schema before 'one child per interview' held it: one interview per child,
    and a user with no device secret."""
    now = "2026-11-01 10:00:00"
    conn.execute(
        text(
            "INSERT INTO users (id, email, name, role, active, password_hash, created_at) "
            "VALUES (1, 'w@example.org', 'W', 'worker', true, 'x', :now)"
        ),
        {"now": now},
    )
    for child in (1, 2):
        conn.execute(
            text(
                "INSERT INTO children (id, first_name, last_name, date_of_birth, ethnicity, "
                "interpreter_needed, legal_status, created_at) "
                "VALUES (:id, 'A', 'B', '2012-01-01', 'not_known', false, 'none', :now)"
            ),
            {"id": child, "now": now},
        )
        conn.execute(
            text(
                "INSERT INTO episodes (id, child_id, risk_grade, dfe_type, started_at, "
                "returned_at, created_at) VALUES (:id, :id, 'Low', 'M', :now, :now, :now)"
            ),
            {"id": child, "now": now},
        )
        conn.execute(
            text(
                "INSERT INTO interviews (id, uuid, status, due_at, version, offer_again, content, "
                "created_at, updated_at) VALUES (:id, :uuid, 'offered', :now, 1, true, '{}', :now, "
                ":now)"
            ),
            {"id": child, "uuid": f"00000000-0000-0000-0000-00000000000{child}", "now": now},
        )
        conn.execute(
            text("INSERT INTO interview_episodes (interview_id, episode_id) VALUES (:id, :id)"),
            {"id": child},
        )


def test_one_child_per_interview_migrates_existing_interviews(backend, tmp_path, request):
    from sqlalchemy import text

    from tests.conftest import database_url

    app = make_test_app(database_url(backend, tmp_path, request), tmp_path)
    migration_commands.enable(app)  # flask_migrate.upgrade() below
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade(revision="d3e4f5a6b7c8")
        with db.engine.begin() as conn:
            _rows_from_before(conn, text)
        upgrade()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT id, child_id FROM interviews ORDER BY id")).all() == [
                (1, 1),
                (2, 2),
            ]
            assert conn.execute(
                text("SELECT interview_id, child_id FROM interview_episodes ORDER BY 1")
            ).all() == [(1, 1), (2, 2)]
            secret = conn.execute(text("SELECT device_secret FROM users")).scalar_one()
            assert len(secret) == 64
        db.drop_all()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        db.engine.dispose()


def test_an_interview_already_covering_two_children_stops_the_upgrade(
    backend, tmp_path, request, capfd
):
    import pytest
    from sqlalchemy import text

    from tests.conftest import database_url

    app = make_test_app(database_url(backend, tmp_path, request), tmp_path)
    migration_commands.enable(app)  # flask_migrate.upgrade() below
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade(revision="d3e4f5a6b7c8")
        with db.engine.begin() as conn:
            _rows_from_before(conn, text)
            conn.execute(
                text("INSERT INTO interview_episodes (interview_id, episode_id) VALUES (1, 2)")
            )
        with pytest.raises(SystemExit):
            upgrade()
        said = capfd.readouterr().err
        assert "00000000-0000-0000-0000-000000000001" in said
        assert "more than one child" in said
        db.session.remove()
        with db.engine.begin() as conn:
            for table in ("interview_episodes", "interviews", "episodes", "children"):
                conn.exec_driver_sql(
                    f"DROP TABLE IF EXISTS {table} CASCADE"
                    if backend == "postgresql"
                    else f"DROP TABLE IF EXISTS {table}"
                )
        db.drop_all()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        db.engine.dispose()


def test_decisions_recorded_before_deciders_were_named_stay_in_force(backend, tmp_path, request):
    import json

    from sqlalchemy import text

    from rhi.models import Interview
    from rhi.sharing import view_for
    from tests.conftest import database_url

    app = make_test_app(database_url(backend, tmp_path, request), tmp_path)
    migration_commands.enable(app)  # flask_migrate.upgrade() below
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade(revision="d3e4f5a6b7c8")
        with db.engine.begin() as conn:
            _rows_from_before(conn, text)
            old = {
                "sections": {"away": {"text": "At a flat.", "private": False, "kept_back": ""}},
                "overrides": [
                    {"recipient": "police", "reason": "Adults sending her away.", "decided_by": "M"}
                ],
            }
            conn.execute(
                text("UPDATE interviews SET content = :c WHERE id = 1"), {"c": json.dumps(old)}
            )
        upgrade()
        from rhi.interviews import decisions

        interview = db.session.get(Interview, 1)
        in_force = decisions.in_force(interview)
        assert len(in_force) == 1
        assert interview.content["overrides"][0]["id"] in in_force
        view = view_for(interview.content, "police", in_force=in_force)
        assert view.basis == "override" and view.sections == {"away": "At a flat."}
        assert decisions.in_force(db.session.get(Interview, 2)) == set()
        db.session.remove()
        db.drop_all()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        db.engine.dispose()


def test_flask_db_runs_flask_migrate_through_the_app_command_line(tmp_path, caplog):
    """`flask db ...` (make run, deploys, the benches) reaches Flask-Migrate's own group, its
    options and commands, though the app loads it only when such a command runs."""
    url = f"sqlite:///{tmp_path / 'by_command.sqlite3'}"
    app = make_test_app(url, tmp_path)
    assert "migrate" not in app.extensions
    runner = app.test_cli_runner()
    # The group's own option reaches Flask-Migrate: a folder with no migrations is refused.
    done = runner.invoke(args=["db", "--directory", str(tmp_path / "none here"), "upgrade"])
    assert done.exit_code != 0
    assert "none here" in caplog.text  # Flask-Migrate logs the path it could not find
    copy = shutil.copytree(migration_commands.MIGRATIONS, tmp_path / "migrations copy")
    done = runner.invoke(args=["db", "--directory", str(copy), "upgrade"])
    assert done.exit_code == 0, done.output
    with app.app_context():
        assert "audit_events" in inspect(db.engine).get_table_names()
        with db.engine.connect() as conn:
            (revision,) = conn.exec_driver_sql("SELECT version_num FROM alembic_version").one()
        db.engine.dispose()
    assert revision == ScriptDirectory(str(migration_commands.MIGRATIONS)).get_current_head()
    listed = runner.invoke(args=["db", "--help"])
    assert "upgrade" in listed.output and "downgrade" in listed.output


def test_serving_does_not_load_the_migrations(tmp_path):
    """A server answering requests never needs Alembic, which takes a tenth of a second of
    every app process's start to import: `import wsgi` (gunicorn's) leaves it out. pygal too,
    until an oversight page draws a chart, and segno until someone sets up a second factor."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import sys, wsgi; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('alembic', 'flask_migrate', 'mako', 'pygal', 'segno')))"
    )
    env = {
        **os.environ,
        "RHI_DATABASE_URL": f"sqlite:///{tmp_path / 'served.sqlite3'}",
        "RHI_SECRET_KEY": "5c1e9a7f3b2d8e4a6f0c9b1d7e3a5f2c8b4d6e0a",
    }
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_police_references_kept_with_stray_spaces_are_tidied(backend, tmp_path, request):
    """A file's references are tidied as read (rhi/episodes/references.py): those kept before
    are tidied by the upgrade, so an import meets them and makes no second episode."""
    from sqlalchemy import text

    from tests.conftest import database_url

    app = make_test_app(database_url(backend, tmp_path, request), tmp_path)
    migration_commands.enable(app)
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade(revision="c5d6e7f8a9b0")
        now = "2026-11-01 10:00:00"
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO children (id, first_name, last_name, date_of_birth, ethnicity, "
                    "interpreter_needed, legal_status, created_at) "
                    "VALUES (1, 'A', 'B', '2012-01-01', 'not_known', false, 'none', :now)"
                ),
                {"now": now},
            )
            for number, reference in enumerate((" WY     0412 ", "wy-1", None), start=1):
                conn.execute(
                    text(
                        "INSERT INTO episodes (id, child_id, police_reference, risk_grade, "
                        "dfe_type, started_at, created_at) "
                        "VALUES (:id, 1, :ref, 'Low', 'M', :now, :now)"
                    ),
                    {"id": number, "ref": reference, "now": now},
                )
        upgrade()
        with db.engine.connect() as conn:
            kept = conn.execute(text("SELECT police_reference FROM episodes ORDER BY id")).all()
            assert [r for (r,) in kept] == ["WY 0412", "wy-1", None]
        db.drop_all()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        db.engine.dispose()


def test_police_files_applied_before_keep_their_header_and_refused_rows_only(
    backend, tmp_path, request
):
    """A file applied before kept every child in it for ever: the upgrade keeps its header, and
    each refused row's cells with its result, as applying a file now leaves it. A file not yet
    applied is left whole."""
    import json

    from sqlalchemy import text

    from tests.conftest import database_url

    app = make_test_app(database_url(backend, tmp_path, request), tmp_path)
    migration_commands.enable(app)
    csv_text = "Police Ref,Forename,DOB\nIMP-1,Ada,01/05/2011\n\nIMP-9,Bea,31/02/2012\n"
    results = [
        {"line": 2, "reference": "IMP-1", "outcome": "new", "message": "New episode for Ada."},
        {"line": 4, "reference": "IMP-9", "outcome": "problem", "message": "No such date."},
    ]
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade(revision="e7f8a9b0c1d2")
        with db.engine.begin() as conn:
            for batch_id, kept_results in ((1, json.dumps(results)), (2, None)):
                conn.execute(
                    text(
                        "INSERT INTO import_batches (id, filename, content, results, "
                        "uploaded_at) VALUES (:id, 'daily.csv', :content, :results, "
                        "'2026-11-01 10:00:00')"
                    ),
                    {"id": batch_id, "content": csv_text, "results": kept_results},
                )
        upgrade()
        with db.engine.connect() as conn:
            rows = dict(
                conn.execute(text("SELECT id, content FROM import_batches ORDER BY id")).all()
            )
            (kept,) = conn.execute(text("SELECT results FROM import_batches WHERE id = 1")).one()
        assert rows[1].strip() == "Police Ref,Forename,DOB"
        assert rows[2] == csv_text  # not yet applied: left whole
        kept = json.loads(kept) if isinstance(kept, str) else kept
        assert kept[1]["cells"] == ["IMP-9", "Bea", "31/02/2012"]
        assert "cells" not in kept[0]
        db.drop_all()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        db.engine.dispose()


def test_returns_held_before_keep_the_team_of_their_holder(backend, tmp_path, request):
    """A return held before the team was kept on it is given the team it is allocated to, or
    its worker's team; one held by no one, none."""
    from sqlalchemy import text

    from tests.conftest import database_url

    app = make_test_app(database_url(backend, tmp_path, request), tmp_path)
    migration_commands.enable(app)
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade(revision="f8a9b0c1d2e3")
        now = "2026-11-01 10:00:00"
        with db.engine.begin() as conn:
            for team in (1, 2):
                conn.execute(
                    text("INSERT INTO teams (id, name, created_at) VALUES (:id, :name, :now)"),
                    {"id": team, "name": f"Team {team}", "now": now},
                )
            conn.execute(
                text(
                    "INSERT INTO users (id, email, name, password_hash, role, team_id, active, "
                    "created_at, device_secret) "
                    "VALUES (1, 'w@example.org', 'W', 'x', 'worker', 2, true, :now, 'secret')"
                ),
                {"now": now},
            )
            conn.execute(
                text(
                    "INSERT INTO children (id, first_name, last_name, date_of_birth, ethnicity, "
                    "interpreter_needed, legal_status, created_at) "
                    "VALUES (1, 'A', 'B', '2012-01-01', 'not_known', false, 'none', :now)"
                ),
                {"now": now},
            )
            for number, worker, team in ((1, None, 1), (2, 1, None), (3, None, None)):
                conn.execute(
                    text(
                        "INSERT INTO episodes (id, child_id, risk_grade, dfe_type, started_at, "
                        "created_at, assigned_worker_id, assigned_team_id) "
                        "VALUES (:id, 1, 'Low', 'M', :now, :now, :worker, :team)"
                    ),
                    {"id": number, "now": now, "worker": worker, "team": team},
                )
        upgrade()
        with db.engine.connect() as conn:
            kept = conn.execute(text("SELECT held_by_team_id FROM episodes ORDER BY id")).all()
            assert [r for (r,) in kept] == [1, 2, None]
        db.drop_all()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        db.engine.dispose()
