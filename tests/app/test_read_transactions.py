"""A request that only read ends its transaction with COMMIT on PostgreSQL, so psycopg keeps the
statements it prepared on the connection (rhi/read_transactions.py); anything a request changed
and did not commit is still thrown away, as before."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask, abort
from sqlalchemy import column, event, func, insert, literal, select, text

from rhi.extensions import db
from rhi.models import Setting
from tests.conftest import Web

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)


@contextmanager
def endings(app: Flask) -> Iterator[list[str]]:
    """How the transactions on the app's database end inside the block, in order."""
    seen: list[str] = []

    def committed(_conn) -> None:
        seen.append("commit")

    def rolled_back(_conn) -> None:
        seen.append("rollback")

    with app.app_context():
        engine = db.engine
    event.listen(engine, "commit", committed)
    event.listen(engine, "rollback", rolled_back)
    try:
        yield seen
    finally:
        event.remove(engine, "commit", committed)
        event.remove(engine, "rollback", rolled_back)


def _stored(app: Flask, name: str) -> bool:
    with app.app_context():
        return db.session.get(Setting, name) is not None


def _add_routes(app: Flask) -> None:
    """Views that change something and do not commit (before the app's first request)."""

    def added_never_sent() -> str:
        db.session.add(Setting(name="RHI_TEST_ADDED", value="1"))
        return "added"

    def sent_not_committed() -> str:
        db.session.add(Setting(name="RHI_TEST_SENT", value="1"))
        db.session.flush()
        return "sent"

    def sent_as_sql() -> str:
        db.session.execute(
            text(
                "INSERT INTO settings (name, value, changed_at) VALUES ('RHI_TEST_SQL', '1', now())"
            )
        )
        return "sql"

    def read_then_refused() -> str:
        db.session.scalar(select(Setting.name).limit(1))
        db.session.add(Setting(name="RHI_TEST_REFUSED", value="1"))
        abort(403)

    def changed_then_refused() -> str:
        setting = db.session.get(Setting, "RHI_TEST_KEPT")
        assert setting is not None
        setting.value = "changed"  # loaded, changed, never sent
        abort(403)

    def changed_in_a_with() -> str:
        added = insert(Setting).values(name="RHI_TEST_CTE", value="1", changed_at=func.now())
        db.session.execute(select(literal(1)).add_cte(added.returning(Setting.name).cte("a")))
        return "with"

    def with_as_text() -> str:
        # Only reads, but written as text: not taken on trust (it could hold anything).
        said = text("WITH names AS (SELECT name FROM settings) SELECT count(*) AS n FROM names")
        db.session.execute(said.columns(column("n")))
        return "text"

    def read_in_a_with() -> str:
        names = select(Setting.name).cte("names")
        db.session.execute(select(func.count()).select_from(names))
        return "read"

    views = (added_never_sent, sent_not_committed, sent_as_sql, read_then_refused)
    views += (changed_in_a_with, read_in_a_with, with_as_text)
    for view in (*views, changed_then_refused):
        app.add_url_rule(f"/_test/{view.__name__}", view.__name__, view)


def test_a_request_that_only_read_ends_with_commit(app, web: Web, world):
    web.sign_in(world.emails["worker_a"])
    for path in ("/sync/v1/session", "/returns"):
        assert web.get(path).status_code == 200
        with endings(app) as seen:
            assert web.get(path).status_code == 200
        assert seen and "rollback" not in seen, (path, seen)


def test_a_select_with_a_common_table_expression_is_a_read(app, web: Web, world):
    _add_routes(app)
    with endings(app) as seen:
        assert web.get("/_test/read_in_a_with").status_code == 200
    assert seen == ["commit"], seen
    with endings(app) as seen:
        assert web.get("/_test/with_as_text").status_code == 200
    assert seen == ["rollback"], seen


def test_what_a_request_changed_and_did_not_commit_is_thrown_away(app, web: Web, world):
    _add_routes(app)
    for view, name in (
        ("added_never_sent", "RHI_TEST_ADDED"),
        ("sent_not_committed", "RHI_TEST_SENT"),
        ("sent_as_sql", "RHI_TEST_SQL"),
        ("changed_in_a_with", "RHI_TEST_CTE"),
    ):
        with endings(app) as seen:
            assert web.get(f"/_test/{view}").status_code == 200
        assert "commit" not in seen, (view, seen)
        assert not _stored(app, name), view
    with endings(app) as seen:
        assert web.get("/_test/read_then_refused").status_code == 403
    assert "commit" not in seen and not _stored(app, "RHI_TEST_REFUSED")
    with app.app_context():
        db.session.add(Setting(name="RHI_TEST_KEPT", value="as it was"))
        db.session.commit()
    with endings(app) as seen:
        assert web.get("/_test/changed_then_refused").status_code == 403
    assert "commit" not in seen
    with app.app_context():
        assert db.session.get(Setting, "RHI_TEST_KEPT").value == "as it was"


def test_a_page_takes_one_connection_and_still_sees_a_changed_setting(app, web: Web, world):
    """The administrator's overrides (rhi/settings.py) are read with the request's own session
    once the table has been found: a page used to take a second connection for them, whose
    ROLLBACK made psycopg forget what it had prepared there."""
    web.sign_in(world.emails["worker_a"])
    assert web.get("/returns").status_code == 200  # the settings table found
    checkouts: list[object] = []
    with app.app_context():
        engine = db.engine

    def checkout(*_args) -> None:
        checkouts.append(1)

    event.listen(engine, "checkout", checkout)
    try:
        page = web.get("/returns")
    finally:
        event.remove(engine, "checkout", checkout)
    assert page.status_code == 200 and len(checkouts) == 1
    # An override stored since is read by the next request.
    with app.app_context():
        db.session.add(Setting(name="RHI_DEADLINE_HOURS", value="48"))
        db.session.commit()
    assert "within 48 hours" in web.get("/returns").get_data(as_text=True)
