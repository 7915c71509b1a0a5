"""A return moved on while its interview is open: the interview's interviewer is whoever holds
it now (readers probe, finding 3). Moved to another team and finished there, the summary named
the first worker, who could no longer open the interview, as the interviewer to contact; "Me
(the worker)" and "the team manager" actions went to them and their manager."""

from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy import select

from rhi.extensions import db
from rhi.models import Interview, Summary, Team
from tests.app.helpers import autosave, start
from tests.conftest import Web
from tests.world import add_user


def _interviewer(app, uuid: str) -> int | None:
    with app.app_context():
        return db.session.scalar(select(Interview.worker_id).where(Interview.uuid == uuid))


def _move(app, world, to: str) -> None:
    manager = Web(app.test_client())
    manager.sign_in(world.emails["manager_a"])
    page = f"/episodes/{world.episodes['a']}/allocate"
    moved = manager.post(page, {"to": to, "reason": "Team B can see her this week"}, page=page)
    assert moved.status_code == 302, moved.get_data(as_text=True)[-2000:]


def test_moved_to_another_team_the_one_who_finishes_it_is_its_interviewer(app, world):
    worker_a = Web(app.test_client())
    uuid = start(worker_a, world)
    for path, value in (
        ("sections.away.text", "AWAYX she stayed with Kay"),
        ("consent.social_worker.answer", "yes"),
    ):
        assert autosave(worker_a, uuid, path, value, None).status_code == 200
    assert _interviewer(app, uuid) == world.users["worker_a"]
    with app.app_context():
        rhi_b = db.session.scalar(select(Team.id).where(Team.name == "RHI B"))
    _move(app, world, f"team:{rhi_b}")
    assert _interviewer(app, uuid) is None  # the team holds it: no one yet

    worker_b = Web(app.test_client())
    worker_b.sign_in(world.emails["worker_b"])
    review = f"/interviews/{uuid}/review"
    finished = worker_b.post(f"/interviews/{uuid}/finish", page=review)
    assert finished.status_code in (302, 303), finished.get_data(as_text=True)[-2000:]
    assert _interviewer(app, uuid) == world.users["worker_b"]
    with app.app_context():
        pdf = db.session.scalar(select(Summary.pdf).where(Summary.recipient == "social_worker"))
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Worker B" in text and "Worker A" not in text


def test_moved_to_another_worker_they_are_its_interviewer(app, world):
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == "RHI A"))
        other = add_user("worker_a2", "worker", team)
        db.session.commit()
        other_id = other.id
    worker_a = Web(app.test_client())
    uuid = start(worker_a, world)
    _move(app, world, f"worker:{other_id}")
    assert _interviewer(app, uuid) == other_id
