"""Only the interviewer's side (the worker or team holding the return, and their manager)
records an interview. Anyone else who may open it (the manager of the child's social worker,
here) reads what the social worker's copy holds, and nothing they send can get them more:
every change is refused before a page could be sent back with the whole interview on it, the
tablet's copies hold none of it, and an upload of it is refused (a review found each of these
giving the whole interview back: the change routes checked the role alone)."""

from __future__ import annotations

import pytest

from rhi.extensions import db
from rhi.models import Episode, Interview
from tests.app.helpers import OFFER_AND_YES, doc, item, one, send, start, store
from tests.conftest import Web

KEPT = "KEPTBACKWORDS she was given a phone by a man"
PRIVATE = "PRIVATEWORDS the flat on Leeds Road"


@pytest.fixture
def interview(app, web, world) -> str:
    uuid = start(web, world)
    document = doc(
        sections__away__text=PRIVATE,
        sections__away__private=True,
        sections__after__kept_back=KEPT,
        consent__social_worker__answer="no",
    )
    store(app, uuid, document)
    return uuid


def social_workers_manager(app, world) -> Web:
    web = Web(app.test_client())
    web.sign_in(world.emails["manager_care"])
    return web


def never_whole(response) -> None:
    text = response.get_data(as_text=True)
    assert KEPT.split()[0] not in text and PRIVATE.split()[0] not in text


def test_the_social_workers_manager_reads_the_copy_and_changes_nothing(app, world, interview):
    manager = social_workers_manager(app, world)
    base = f"/interviews/{interview}"
    never_whole(manager.get(f"{base}/review"))
    sent = {
        "/addenda": {"text": ""},
        "/save": {"f:sections.after.text": "words", "o:sections.after.text": "", "page": "away"},
        "/overrides": {"recipient": "social_worker", "reason": ""},
        "/read-back": {},
        "/items/places": {},
    }
    for path, data in sent.items():
        response = manager.post(base + path, data, page=f"{base}/review")
        assert response.status_code == 403, path
        never_whole(response)
    assert manager.get(f"{base}/versions").status_code == 403
    with app.app_context():
        stored = db.session.scalar(db.select(Interview).where(Interview.uuid == interview))
        assert stored.content["sections"]["after"].get("text", "") == ""
        assert not stored.content.get("overrides")


def test_the_tablet_copies_hold_only_the_interviewer_sides_interviews(app, web, world, interview):
    manager = social_workers_manager(app, world)
    for url in ("/sync/v1/copies", f"/sync/v1/copies?episode_id={world.episodes['a']}"):
        response = manager.get(url)
        assert response.status_code == 200
        never_whole(response)
        assert interview not in response.get_data(as_text=True)
    # The worker holding the return still has it, whole, to take on a visit.
    assert KEPT in web.get("/sync/v1/copies").get_data(as_text=True)


def test_an_upload_from_anyone_else_is_refused_and_gives_nothing_back(app, world, interview):
    manager = social_workers_manager(app, world)
    with app.app_context():
        version = db.session.scalar(db.select(Interview.version).where(Interview.uuid == interview))
    stale = item([world.episodes["a"]], doc(sections__before__text="mine"), uuid=interview)
    stale["base_version"] = max(0, (version or 1) - 1)
    result = one(send(manager, [stale]))
    assert result["outcome"] == "rejected"
    assert "holding this child's return" in result["messages"][0]
    assert KEPT.split()[0] not in str(result)
    new = item([world.episodes["a"]], doc(sections__before__text="mine"))
    assert one(send(manager, [new]))["outcome"] == "rejected"


def test_the_social_workers_manager_does_not_do_the_returns_work(app, world):
    """They see the return; they do not offer, attempt, start or close it: that is the
    interviewer's side's (a review found them starting team A's interview and closing the
    return as 'not interviewed')."""
    manager = social_workers_manager(app, world)
    url = f"/episodes/{world.episodes['a']}"
    page = manager.get(url).get_data(as_text=True)
    assert "Start the interview now" not in page and "Record a contact attempt" not in page
    tries = {
        "/interview": OFFER_AND_YES,
        "/attempts": {"attempted_at": "2026-11-23T10:00", "method": "visit", "outcome": "not_in"},
        "/outcome": {"outcome": "not_interviewed", "reason": "Moved away"},
    }
    for path, data in tries.items():
        assert manager.post(url + path, data, page=url).status_code == 403, path
    with app.app_context():
        episode = db.session.get(Episode, world.episodes["a"])
        assert episode.closed_at is None and not episode.interviews
