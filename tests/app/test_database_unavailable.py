"""When the database cannot be reached (a PostgreSQL restart or failover), rhi answers 503 with
Retry-After, never 500: the page says "Not saved, retrying" and sends the same words again, the
tablet sends its upload again, and the save lands once the database is back. The outage is real:
the test database stops taking connections and every connection to it is ended."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from sqlalchemy.engine import make_url

from rhi.errors import database_unavailable
from tests.app.helpers import autosave, content, start
from tests.conftest import _pg_admin_url, _pg_connect


@contextmanager
def unreachable(app: Flask) -> Iterator[None]:
    """No new connections to the app's PostgreSQL database, and those open are ended."""
    name = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database
    admin = _pg_connect(_pg_admin_url())
    try:
        admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )
        yield
    finally:
        admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')
        admin.close()


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_a_save_while_the_database_is_away_is_answered_503_and_lands_after(app, web, world, caplog):
    uuid = start(web, world)
    # As in production: an error while the request's session is read goes to the error
    # handlers instead of up to the test.
    app.config["PROPAGATE_EXCEPTIONS"] = False
    token = web.client.get("/sync/v1/session").get_json()["csrf_token"]
    words = "She said she walked back along the canal in the morning."
    with unreachable(app):
        away = web.client.post(
            f"/interviews/{uuid}/save",
            data={"f:sections.away.text": words, "o:sections.away.text": ""},
            headers={"HX-Request": "true", "X-CSRFToken": token},
        )
        assert away.status_code == 503
        assert away.headers["Retry-After"] == "5"
        assert "cannot be reached for a moment" in away.get_data(as_text=True)
        assert "Traceback" not in away.get_data(as_text=True)
        tablet = web.get("/sync/v1/copies")
        assert tablet.status_code == 503
        assert tablet.get_json()["error"] == "unavailable"
        assert tablet.headers["Retry-After"] == "5"
    # The log says the database was away, once a request, with no traceback: an outage is not
    # a fault in rhi's code, and a page of traces per request would bury one that is.
    away_logged = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert away_logged and all(r.exc_info is None for r in away_logged), [
        (r.levelname, r.getMessage()) for r in away_logged
    ]
    assert all(r.levelno == logging.WARNING for r in away_logged)
    # Back: the page sends the same words again, and they are kept.
    again = autosave(web, uuid, "sections.away.text", words, "")
    assert again.status_code == 200
    assert content(app, uuid)[0]["sections"]["away"]["text"] == words


def test_only_the_database_being_away_is_worth_retrying():
    """Anything else (a constraint, a bug) is a fault to fix, answered 500 and logged."""
    from sqlalchemy.exc import IntegrityError, OperationalError

    assert database_unavailable(OperationalError("SELECT 1", {}, Exception("server closed")))
    assert not database_unavailable(IntegrityError("INSERT", {}, Exception("duplicate key")))
    assert not database_unavailable(ValueError("a bug"))
