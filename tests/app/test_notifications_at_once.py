"""The same police notification applied several times at once (a police system retrying after
a timeout; two people importing the same daily file) makes one child and one episode: applying
notifications is serialised, so each apply after the first sees the first's rows and is
"unchanged". The police's later found notification for the reference then updates that one
episode.

Each request or job runs in its own thread (with its own test client, application context,
session and database connection), as gunicorn's threads would, on a SQLite file and on
PostgreSQL.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from types import SimpleNamespace
from typing import TypeVar

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from rhi.episodes import imports_apply as apply
from rhi.episodes import imports_job
from rhi.episodes.imports_csv import guess_columns
from rhi.extensions import db
from rhi.models import Child, Episode, ImportBatch, User
from tests.app.test_import_api import make_token, send

T = TypeVar("T")
AT_ONCE = 4
SOLO = {
    "police_reference": "SOLO-1",
    "first_name": "Solo",
    "last_name": "Zebedee",
    "date_of_birth": "03/03/2012",
    "reported_missing": "20/11/2026 10:00",
}
FOUND = {**SOLO, "returned": "21/11/2026 09:00"}
# How long a request that has read what rhi holds waits for the others to have read it too.
# Serialised, the others cannot read until it is done: the wait runs out once, then no one
# waits. Well under SQLite's busy timeout (rhi/__init__.py), which the others wait within.
MEET_SECONDS = 2.0


def meet_after_reading(monkeypatch: pytest.MonkeyPatch, parties: int) -> None:
    """Each apply, having read what rhi holds (the real `Known.load`), waits (a while, at most)
    until `parties` applies have read it too: the window widened, not made. Unserialised, all
    read "not in rhi" before any writes, every time (without this wait they met in 16 runs of
    16 on one machine; with it, on any). Serialised, only one can have read: the wait runs out
    once, and then no one waits."""
    all_read = threading.Barrier(parties, timeout=MEET_SECONDS)
    real_load = apply.Known.load

    def load_then_meet(actor: apply.Actor, notices: list) -> apply.Known:
        known = real_load(actor, notices)
        with contextlib.suppress(threading.BrokenBarrierError):  # the others wait their turn
            all_read.wait()
        return known

    monkeypatch.setattr(apply.Known, "load", staticmethod(load_then_meet))


def at_once(calls: list[Callable[[], T]]) -> list[T]:
    """Each call in its own thread, started together; what each returned."""
    start_together = threading.Barrier(len(calls))
    out: list[T] = []

    def run(call: Callable[[], T]) -> None:
        start_together.wait(60)
        out.append(call())

    threads = [threading.Thread(target=run, args=(call,), daemon=True) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert len(out) == len(calls), "a request never answered"
    return out


def held(app, reference: str) -> tuple[int, int]:
    """How many episodes carry `reference`, and how many children are called Zebedee."""
    with app.app_context():
        episodes = db.session.scalar(
            select(func.count(Episode.id)).where(Episode.police_reference == reference)
        )
        children = db.session.scalar(
            select(func.count(Child.id)).where(Child.last_name == "Zebedee")
        )
        return episodes or 0, children or 0


def test_the_same_notification_sent_at_once_is_one_child_and_one_episode(
    app, web, world, monkeypatch
):
    token = make_token(web, world)
    clients = [app.test_client() for _ in range(AT_ONCE)]
    meet_after_reading(monkeypatch, AT_ONCE)

    def post(client: FlaskClient) -> tuple[int, dict]:
        response = send(client, token, {"notifications": [SOLO]})
        return response.status_code, response.get_json() or {}

    answers = at_once([lambda c=c: post(c) for c in clients])

    assert [status for status, _ in answers] == [200] * AT_ONCE  # never a 500
    outcomes = sorted(body["results"][0]["outcome"] for _, body in answers)
    assert outcomes == ["created"] + ["unchanged"] * (AT_ONCE - 1)
    assert len({body["results"][0]["episode_id"] for _, body in answers}) == 1  # the same one
    assert held(app, "SOLO-1") == (1, 1)

    monkeypatch.undo()
    found = send(app.test_client(), token, {"notifications": [FOUND]})
    assert found.status_code == 200
    result = found.get_json()["results"][0]
    assert result["outcome"] == "updated", result["message"]
    with app.app_context():
        episode = db.session.scalar(select(Episode).where(Episode.police_reference == "SOLO-1"))
        assert episode is not None and episode.returned_at is not None


def test_two_people_importing_the_same_file_at_once_make_one_child_and_one_episode(
    app, world, monkeypatch
):
    """Two coordinators upload the same daily file and press "Import" together: two jobs
    (rhi/episodes/imports_job.py), each with its own file, run at once."""
    header = "Police reference,First name,Last name,Date of birth,Reported missing"
    row = "SOLO-2,Solo,Zebedee,03/03/2012,20/11/2026 10:00"
    with app.app_context():
        manager = db.session.get(User, world.users["manager_a"])
        assert manager is not None
        batches = [
            ImportBatch(
                filename="daily.csv",
                content=f"{header}\n{row}\n",
                columns=guess_columns(header.split(",")),
                team_id=manager.team_id,
                uploaded_by_id=manager.id,
            )
            for _ in range(2)
        ]
        db.session.add_all(batches)
        db.session.commit()
        jobs = [
            SimpleNamespace(id=n, arguments={"batch_id": b.id, "user_id": manager.id})
            for n, b in enumerate(batches, 1)
        ]
    meet_after_reading(monkeypatch, len(jobs))

    def run_job(job: SimpleNamespace) -> dict:
        with app.app_context():
            done = imports_job.apply_batch(job)  # type: ignore[arg-type]
            db.session.commit()  # as the job runner does
            return done["counts"]

    tallies = at_once([lambda j=j: run_job(j) for j in jobs])

    assert sorted(t[apply.NEW] for t in tallies) == [0, 1]
    assert sorted(t[apply.UNCHANGED] for t in tallies) == [0, 1]
    assert held(app, "SOLO-2") == (1, 1)
