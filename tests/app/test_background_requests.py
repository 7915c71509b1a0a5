"""A request a page sends by itself (`?background=1`: the Returns list's refresh each minute, a
download's or a PDF's state) does not count as the person being there (security probe, finding
3: a session left on Returns never reached the idle timeout)."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import select

from rhi.extensions import db
from rhi.models import UserSession
from tests.conftest import Web
from tests.world import World


def _age_sessions(app: Flask, minutes: int) -> None:
    with app.app_context():
        for row in db.session.scalars(select(UserSession)):
            row.last_seen_at -= timedelta(minutes=minutes)
        db.session.commit()


def _last_seen(app: Flask):
    with app.app_context():
        return db.session.scalar(select(UserSession.last_seen_at))


def test_a_background_request_leaves_the_session_as_it_was(app: Flask, world: World) -> None:
    web = Web(app.test_client())
    web.sign_in(world.emails["worker_a"])
    page = web.get("/returns").get_data(as_text=True)
    assert 'hx-get="/returns?background=1"' in page
    assert 'data-idle-background-param="background"' in page
    _age_sessions(app, 10)
    before = _last_seen(app)
    assert web.get("/returns?background=1", headers={"HX-Request": "true"}).status_code == 200
    assert _last_seen(app) == before
    assert web.get("/returns").status_code == 200  # the worker: seen
    assert _last_seen(app) > before


def test_a_background_request_after_the_session_ended_is_refused_plainly(
    app: Flask, world: World
) -> None:
    web = Web(app.test_client())
    web.sign_in(world.emails["worker_a"])
    _age_sessions(app, app.config["RHI_IDLE_TIMEOUT_MINUTES"] + 5)
    refused = web.get("/returns?background=1", headers={"HX-Request": "true"})
    assert refused.status_code == 401 and refused.get_data() == b""
    # A page asked for by the person still leads to signing in.
    page = web.get("/returns")
    assert page.status_code == 302 and page.headers["Location"].startswith("/sign-in")


def test_only_htmxs_own_read_is_background(app: Flask, world: World) -> None:
    """A review: any request with the mark, a change or a page asked for, went unseen."""
    web = Web(app.test_client())
    web.sign_in(world.emails["worker_a"])
    _age_sessions(app, 10)
    before = _last_seen(app)
    assert web.get("/returns?background=1").status_code == 200  # a page the person asked for
    assert _last_seen(app) > before
