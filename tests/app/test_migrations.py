"""`flask db upgrade` on an empty database gives the models' schema, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect

from rhi.extensions import db
from tests.conftest import make_test_app


def _schema(url: str) -> dict[str, set[str]]:
    engine = create_engine(url)
    try:
        insp = inspect(engine)
        return {t: {c["name"] for c in insp.get_columns(t)} for t in insp.get_table_names()
                if t != "alembic_version"}
    finally:
        engine.dispose()


def test_migrations_match_the_models(backend, tmp_path, request):
    from tests.conftest import database_url

    url = database_url(backend, tmp_path, request)
    app = make_test_app(url, tmp_path)
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(
                conn, opts={"compare_type": True}), db.metadata)
        assert diff == [], f"models and migrations have drifted apart: {diff}"
        schema = _schema(url)
        expected = {t.name: {c.name for c in t.columns} for t in db.metadata.sorted_tables}
        assert schema == expected
        db.drop_all()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        db.engine.dispose()
