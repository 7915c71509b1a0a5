"""A missing notification typed by hand takes its turn with every other notification, typed or
imported (rhi/episodes/imports_apply.py `serialise`): two coordinators typing the police's
notification for the same child at once each read "not in rhi" and each made an episode, the
same time away counted twice (a review of the intake: imports were serialised, hand entry was
not). Each request in its own thread, with its own client, as gunicorn's threads would be, on
a SQLite file and on PostgreSQL."""

from __future__ import annotations

import contextlib
import threading

from sqlalchemy import func, select

from rhi.episodes import views
from rhi.extensions import db
from rhi.models import Episode
from tests.app.test_access_matrix import NEW_MISSING
from tests.app.test_notifications_at_once import MEET_SECONDS, at_once
from tests.conftest import Web

TYPED = {**NEW_MISSING, "police_reference": "HAND-1"}


def test_the_same_notification_typed_twice_at_once_is_one_episode(app, world, monkeypatch):
    coordinators = []
    for key in ("manager_a", "manager_a"):
        person = Web(app.test_client())
        person.sign_in(world.emails[key])
        coordinators.append(person)
    url = f"/children/{world.children['a']}/episodes/new"
    # Each, having read what rhi holds, waits (a while, at most) for the other to have read it
    # too: the window widened, not made. Serialised, only one can have read.
    both_read = threading.Barrier(2, timeout=MEET_SECONDS)
    real = views._missing_already

    def read_then_meet(form, child):  # type: ignore[no-untyped-def]
        found = real(form, child)
        with contextlib.suppress(threading.BrokenBarrierError):
            both_read.wait()
        return found

    monkeypatch.setattr(views, "_missing_already", read_then_meet)
    statuses = at_once([lambda c=c: c.post(url, TYPED, page=url).status_code for c in coordinators])

    assert sorted(statuses) == [302, 422]  # the second is told rhi holds it already
    with app.app_context():
        held = db.session.scalar(
            select(func.count(Episode.id)).where(Episode.police_reference == "HAND-1")
        )
    assert held == 1
