"""A "no" recorded offline keeps what the carer said, as the episode page does online: the
tablet's decline event carries `carer_said`, and the episode page shows the carer's words to the
worker and their manager. An older tablet that sends no `carer_said` is still accepted."""

from __future__ import annotations

import uuid as uuidlib
from datetime import timedelta
from typing import Any

from rhi.models.base import utcnow
from rhi.timefmt import to_local
from tests.app.helpers import one, send, stored

CHILD = "I just want to sleep in my own bed."
CARER = "Her nan says she came home hungry and slept all afternoon."


def ago(app, **delta: float) -> str:
    """A local wall-clock time, as a tablet sends it."""
    with app.app_context():
        return to_local(utcnow() - timedelta(**delta)).strftime("%Y-%m-%d %H:%M")


def event(kind: str, at: str, **fields: Any) -> dict[str, Any]:
    return {"id": str(uuidlib.uuid4()), "kind": kind, "at": at, **fields}


def events_only(episode_ids: list[int], events: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "uuid": str(uuidlib.uuid4()),
        "episode_ids": episode_ids,
        "base_version": None,
        "content_hash": None,
        "content": None,
        "events": events,
    }


def declined(app, world, **decline: Any) -> dict[str, Any]:
    return events_only(
        [world.episodes["a"]],
        [
            event("offer", ago(app, minutes=40), method="visit"),
            event("decline", ago(app, minutes=30), reason=CHILD, offer_again=True, **decline),
        ],
    )


def test_the_carers_words_sent_offline_are_on_the_episode_page(app, web, world):
    web.sign_in(world.emails["worker_a"])
    upload = declined(app, world, carer_information=True, carer_said=f"  {CARER}  ")
    result = one(send(web, [upload]))
    assert result["outcome"] == "created", result
    interview = stored(app, upload["uuid"])
    assert interview.status == "declined"
    assert interview.carer_said == CARER  # trimmed, as the online form's words are
    assert interview.content["carer_information_offered"] is True

    url = f"/episodes/{world.episodes['a']}"
    page = web.get(url).get_data(as_text=True)
    assert "What the carer said" in page and CARER in page
    web.sign_out()
    web.sign_in(world.emails["manager_a"])
    page = web.get(url).get_data(as_text=True)
    assert "What the carer said" in page and CARER in page


def test_an_older_tablet_without_the_carers_words_is_still_accepted(app, web, world):
    web.sign_in(world.emails["worker_a"])
    upload = declined(app, world, carer_information=True)
    assert one(send(web, [upload]))["outcome"] == "created"
    interview = stored(app, upload["uuid"])
    assert interview.status == "declined" and interview.decline_reason == CHILD
    assert interview.carer_said is None
    assert interview.content["carer_information_offered"] is True


def test_the_carers_words_are_kept_only_when_the_carer_was_offered_the_chance(app, web, world):
    """As online (`record_decline`): words with the box unticked are not kept."""
    web.sign_in(world.emails["worker_a"])
    upload = declined(app, world, carer_information=False, carer_said=CARER)
    assert one(send(web, [upload]))["outcome"] == "created"
    assert stored(app, upload["uuid"]).carer_said is None


def test_the_carers_words_have_the_online_forms_limit(app, web, world):
    web.sign_in(world.emails["worker_a"])
    upload = declined(app, world, carer_information=True, carer_said="x" * 2001)
    result = one(send(web, [upload]))
    assert result["outcome"] == "rejected" and result["drop"] is False
    assert any(
        "events[1].carer_said" in m and "the most is 2,000" in m for m in result["messages"]
    ), result["messages"]
    assert stored(app, upload["uuid"]) is None


def test_the_carers_words_must_be_text(app, web, world):
    web.sign_in(world.emails["worker_a"])
    upload = declined(app, world, carer_information=True, carer_said=["not", "text"])
    result = one(send(web, [upload]))
    assert result["outcome"] == "rejected"
    assert any("events[1].carer_said: should be text." in m for m in result["messages"])
