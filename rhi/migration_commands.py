"""`flask db ...`: the schema's migrations (Flask-Migrate, on Alembic), brought in when used.

Importing Alembic costs every app process about a tenth of a second at start-up (issue 16 asks
for start-up under a second), and a server answering requests never needs it. So the app's
command line carries a stand-in `db` group that loads Flask-Migrate and hands over to its own
group (options, callback and commands) only when a `flask db` command is run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from flask import Flask
from flask.cli import ScriptInfo

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def enable(app: Flask) -> None:
    """Bind Flask-Migrate to `app` (once): for `flask db`, and for code that calls its
    commands (flask_migrate.upgrade) inside the app's context, as the migration tests do."""
    if "migrate" in app.extensions:
        return
    from flask_migrate import Migrate

    from rhi.extensions import db

    Migrate(app, db, directory=str(MIGRATIONS), render_as_batch=True, compare_type=True)


class _MigrationGroup(click.Group):
    """Stands in for Flask-Migrate's `db` group in `flask --help`. Asked to run, it makes the
    real group's context, so click then parses and runs the real group."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        info = parent.find_object(ScriptInfo) if parent is not None else None
        if info is None:
            raise click.UsageError("`db` runs under the flask command (FLASK_APP=wsgi flask db).")
        enable(info.load_app())
        from flask_migrate.cli import db as real

        return real.make_context(info_name, args, parent=parent, **extra)


def register(app: Flask) -> None:
    app.cli.add_command(_MigrationGroup("db", help="Perform database migrations (Flask-Migrate)."))
