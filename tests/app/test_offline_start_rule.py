"""Starting an interview with no signal follows the server's rule (issue 13, item 6): the tablet is
handed `may_start` with its status table, and an upload that starts an interview before its offer
and the child's "yes" are recorded is refused, in words, with nothing lost from the tablet."""

from __future__ import annotations

import itertools
import uuid as uuidlib
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from rhi.extensions import db
from rhi.models import AuditEvent, Episode, Interview, SyncEvent, User
from rhi.models.base import utcnow
from rhi.timefmt import from_local, to_local
from tests.app.helpers import doc, item, one, send, stored

COPIES = "/sync/v1/copies"
WORDS = "We went to the park and I felt safe there."


def ago(app, **delta: float) -> str:
    """A local wall-clock time, as a tablet sends it."""
    with app.app_context():
        return to_local(utcnow() - timedelta(**delta)).strftime("%Y-%m-%d %H:%M")


def as_utc(app, local: str) -> datetime:
    with app.app_context():
        return from_local(datetime.strptime(local, "%Y-%m-%d %H:%M"))


def event(kind: str, at: str, **fields: Any) -> dict[str, Any]:
    return {"id": str(uuidlib.uuid4()), "kind": kind, "at": at, **fields}


def held_and_started(app, world, uuid: str, events: list[dict[str, Any]], **kw: Any):
    """An item as the tablet sends it once the interview was begun: its document and events."""
    return {**item([world.episodes["a"]], doc(sections__before__text=WORDS), uuid=uuid, **kw),
            "events": events}  # fmt: skip


def test_the_tablet_is_handed_may_start_for_every_state_the_service_can_leave(app, web, world):
    """Each state an interview reaches through the episode page's acts: the table the tablet is
    given says starting is allowed exactly when `may_start` says so for the real interview."""
    from rhi.episodes import service
    from rhi.interviews import service as interviews

    web.sign_in(world.emails["worker_a"])
    table = web.get(COPIES).get_json()["rules"]["status_after"]
    assert table == service.transitions()
    assert table["before_offer"][""]["start"]["allowed"] is False  # nothing recorded yet
    assert table["after_offer"]["offered"]["start"]["allowed"] is False  # no "yes" yet
    assert table["after_offer"]["declined"]["start"]["allowed"] is False
    assert table["after_offer"]["accepted"]["start"]["allowed"] is True
    assert table["before_offer"]["in_progress"]["start"]["allowed"] is True  # carrying on

    when = utcnow() - timedelta(hours=1)
    acts = ("offer", "accept", "decline", "attempt:no_answer", "attempt:spoke", "start")
    seen: set[tuple[str, bool]] = set()
    with app.test_request_context(), app.app_context():
        user = db.session.get(User, world.users["worker_a"])
        for length in (1, 2, 3):
            for steps in itertools.product(acts, repeat=length):
                episode = db.session.get(Episode, world.episodes["a"])
                interview = service.interview_for(episode, user)
                for act in steps:
                    if act == "offer":
                        service.record_offer(episode, user, at=when, method="visit")
                    elif act == "accept":
                        service.record_accept(episode, user, at=when)
                    elif act == "decline":
                        service.record_decline(
                            episode,
                            user,
                            at=when,
                            reason="Not now.",
                            offer_again=True,
                            carer_information=False,
                        )
                    elif act == "start":
                        if service.may_start(interview):
                            interviews.start(interview, user)
                    else:
                        service.record_attempt(
                            episode,
                            user,
                            at=when,
                            method="phone",
                            outcome=act.removeprefix("attempt:"),
                            note=None,
                        )
                recorded = interview.offered_at is not None
                key = "after_offer" if recorded else "before_offer"
                cell = table[key][interview.status]["start"]
                assert cell["allowed"] is service.may_start(interview), steps
                seen.add((interview.status, recorded))
                db.session.rollback()
    # Every open status a tablet may hold was reached, with and without the offer.
    assert {"offered", "accepted", "declined", "unable_to_contact", "in_progress"} <= {
        status for status, _ in seen
    }


def test_an_upload_that_starts_before_the_offer_is_refused_and_keeps_nothing(app, web, world):
    web.sign_in(world.emails["worker_a"])
    upload = held_and_started(
        app, world, str(uuidlib.uuid4()), [event("start", ago(app, minutes=20))]
    )
    response = send(web, [upload])
    assert response.status_code == 200
    result = one(response)
    assert result["outcome"] == "rejected"
    assert result["drop"] is False  # the tablet keeps the item, and the child's words in it
    (message,) = result["messages"]
    assert "begun on this tablet" in message
    assert "before the offer and the child's answer were recorded" in message
    assert "record when the interview was offered and the child's yes" in message
    assert stored(app, upload["uuid"]) is None  # nothing of the item was kept on the server
    with app.app_context():
        assert db.session.scalar(select(SyncEvent.id)) is None


def test_a_start_after_the_offer_but_before_the_yes_is_refused_until_the_yes_comes(app, web, world):
    web.sign_in(world.emails["worker_a"])
    offered = ago(app, hours=2)
    first = {
        "uuid": str(uuidlib.uuid4()),
        "episode_ids": [world.episodes["a"]],
        "base_version": None,
        "content_hash": None,
        "content": None,
        "events": [event("offer", offered, method="visit")],
    }
    created = one(send(web, [first]))
    assert created["outcome"] == "created"
    assert stored(app, first["uuid"]).status == "offered"

    start = event("start", ago(app, minutes=30))
    upload = held_and_started(app, world, first["uuid"], [start], base_version=created["version"])
    refused = one(send(web, [upload]))
    assert refused["outcome"] == "rejected" and refused["drop"] is False
    assert "before the offer and the child's answer were recorded" in refused["messages"][0]
    interview = stored(app, first["uuid"])
    assert interview.status == "offered"  # never silently a "yes"
    assert interview.accepted_at is None
    assert interview.content.get("sections", {}).get("before", {}).get("text") in (None, "")

    # The worker records the child's yes, at the time it happened: the same item goes through.
    yes = event("accept", ago(app, minutes=40))
    result = one(send(web, [{**upload, "events": [yes, start]}]))
    assert result["outcome"] == "updated", result
    interview = stored(app, first["uuid"])
    assert interview.status == "in_progress"
    assert interview.offered_at == as_utc(app, offered)
    assert interview.accepted_at == as_utc(app, yes["at"])
    assert interview.content["sections"]["before"]["text"] == WORDS


def test_the_tablets_one_step_offer_yes_and_start_arrive_together(app, web, world):
    """A kept return with no interview: the offer and yes of the start form, then the start."""
    web.sign_in(world.emails["worker_a"])
    at = ago(app, hours=1)
    events = [
        event("offer", at, method="visit"),
        event("accept", at),
        event("start", ago(app, minutes=50)),
    ]
    upload = held_and_started(app, world, str(uuidlib.uuid4()), events)
    result = one(send(web, [upload]))
    assert result["outcome"] == "created", result
    interview = stored(app, upload["uuid"])
    assert interview.status == "in_progress"
    assert (interview.offered_at, interview.offer_method) == (as_utc(app, at), "visit")
    assert interview.accepted_at == as_utc(app, at)
    assert interview.content["sections"]["before"]["text"] == WORDS
    with app.app_context():
        kinds = set(db.session.scalars(select(SyncEvent.kind)))
    assert kinds == {"offer", "accept", "start"}
    assert one(send(web, [upload]))["outcome"] == "unchanged"  # sent again: nothing twice
    with app.app_context():
        assert len(db.session.scalars(select(Interview)).all()) == 1


def test_a_new_return_started_after_the_offer_without_a_yes_is_refused(app, web, world):
    """A return with no interview on the server: the interview the tablet's words make is not
    taken as a "yes" (rhi/sync/apply.py `_new`), so a start with no yes before it is refused."""
    web.sign_in(world.emails["worker_a"])
    events = [
        event("offer", ago(app, hours=1), method="visit"),
        event("start", ago(app, minutes=50)),
    ]
    upload = held_and_started(app, world, str(uuidlib.uuid4()), events)
    result = one(send(web, [upload]))
    assert result["outcome"] == "rejected" and result["drop"] is False
    assert "before the offer and the child's answer were recorded" in result["messages"][0]
    assert stored(app, upload["uuid"]) is None


def test_a_yes_after_the_childs_final_no_is_told_not_retried_for_ever(app, web, world):
    """A probe: a tablet's no, not to be offered again (the return's outcome), then a yes, in
    the same upload or a later one, was answered "try again" on every sync (a LockedError
    caught as a fault), so the item's words never arrived."""
    web.sign_in(world.emails["worker_a"])
    uuid = str(uuidlib.uuid4())
    no = event("decline", ago(app, hours=3), reason="No thanks.", offer_again=False,
               carer_information=False)  # fmt: skip
    together = {
        **held_and_started(app, world, uuid, [event("offer", ago(app, hours=4), method="visit"),
                                              no, event("accept", ago(app, hours=2))]),
        "base_version": None,
    }  # fmt: skip
    result = one(send(web, [together]))
    assert result["outcome"] == "created", result
    assert not result.get("try_again")
    assert any(
        "was not applied: the child\u2019s no, not to be offered again, is recorded as the "
        "return\u2019s outcome" in m
        for m in result["messages"]
    ), result["messages"]
    interview = stored(app, uuid)
    assert (interview.status, interview.outcome) == ("declined", "declined")
    assert interview.content["sections"]["before"]["text"] == WORDS  # the words arrived
    # A yes sent later, on its own: told the same, once, not refused to be retried.
    later = {
        **together,
        "base_version": result["version"],
        "events": [event("accept", ago(app, hours=1))],
    }
    again = one(send(web, [later]))
    assert again["outcome"] == "updated" and not again.get("try_again"), again
    assert any("was not applied: the child\u2019s no" in m for m in again["messages"]), again
    with app.app_context():
        details = db.session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "sync.event")
        ).all()
    assert sum("accept" in d and "not applied: outcome recorded" in d for d in details) == 2
    assert stored(app, uuid).status == "declined"
