"""Redis down (issue 16 item 6): the rate limits are counted in Redis when several processes
serve rhi, but a Redis that does not answer must not stop anyone signing in. The documented
choice (docs/deploy.md): while Redis is away each process counts in its own memory, so the
limits still hold, only per process, and come back to one count when Redis does."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from rhi.extensions import db
from tests.conftest import Web, make_test_app
from tests.world import World, build_world


def _nothing_listening() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"  # the port is free again: nothing answers there


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    application = make_test_app(
        f"sqlite:///{tmp_path / 'rhi-test.sqlite3'}",
        tmp_path,
        RATELIMIT_STORAGE_URI=_nothing_listening(),
        RHI_SIGN_IN_RATE_LIMIT="3 per minute",
    )
    with application.app_context():
        db.create_all()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def world(app: Flask) -> World:
    with app.app_context():
        built = build_world()
        db.session.commit()
        return built


def test_with_redis_down_sign_in_still_works_and_the_limit_still_holds(app, world):
    web = Web(app.test_client())
    signed_in = web.sign_in(world.emails["worker_a"])
    assert signed_in.status_code == 302
    assert web.get("/returns").status_code == 200

    visitor = Web(app.test_client())
    answers = [
        visitor.sign_in(f"nobody{n}@example.org", "wrong password").status_code for n in range(3)
    ]
    assert answers[:2] == [401, 401]  # the first of the three was the worker's sign-in
    assert answers[2] == 429
