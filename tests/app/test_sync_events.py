"""Offline events through the upload API: contact attempts, the offer, the child's yes or no,
each applied once, with the same rules and access checks as the episode page."""

from __future__ import annotations

import uuid as uuidlib
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from rhi.extensions import db
from rhi.models import Addendum, AuditEvent, ContactAttempt, Interview, SyncConflict, SyncEvent
from rhi.models.base import utcnow
from rhi.timefmt import from_local, to_local
from tests.app.helpers import audit_actions, count, doc, item, one, results, send, stored

WORDS = "I just want to sleep in my own bed."


def ago(app, **delta: float) -> str:
    """A local wall-clock time, as a tablet sends it."""
    with app.app_context():
        return to_local(utcnow() - timedelta(**delta)).strftime("%Y-%m-%d %H:%M")


def as_utc(app, local: str) -> datetime:
    with app.app_context():
        return from_local(datetime.strptime(local, "%Y-%m-%d %H:%M"))


def event(kind: str, at: str, **fields: Any) -> dict[str, Any]:
    return {"id": str(uuidlib.uuid4()), "kind": kind, "at": at, **fields}


def events_only(
    episode_ids: list[int], events: list[dict[str, Any]], *, uuid: str | None = None
) -> dict[str, Any]:
    return {
        "uuid": uuid or str(uuidlib.uuid4()),
        "episode_ids": episode_ids,
        "base_version": None,
        "content_hash": None,
        "content": None,
        "events": events,
    }


def with_events(upload: dict[str, Any], events: list[dict[str, Any]]) -> dict[str, Any]:
    return {**upload, "events": events}


def attempts(app) -> list[ContactAttempt]:
    with app.app_context():
        rows = db.session.scalars(select(ContactAttempt).order_by(ContactAttempt.id)).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def status_changes(app) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "interview.status")
        )


def test_attempt_offline_is_one_contact_attempt_even_when_sent_twice(app, web, world):
    web.sign_in(world.emails["worker_a"])
    at = ago(app, hours=3)
    upload = events_only(
        [world.episodes["a"]],
        [event("attempt", at, method="visit", outcome="not_in", note="Left a card with Mum.")],
    )
    result = one(send(web, [upload]))
    assert result["outcome"] == "created" and result["messages"] == []
    (attempt,) = attempts(app)
    assert attempt.attempted_at == as_utc(app, at)
    assert (attempt.method, attempt.outcome) == ("visit", "not_in")
    assert attempt.note == "Left a card with Mum."
    assert attempt.client_id == upload["events"][0]["id"]
    assert attempt.recorded_by_id == world.users["worker_a"]
    interview = stored(app, upload["uuid"])  # made with the tablet's UUID, as the page would
    assert interview.status == "unable_to_contact"
    assert interview.worker_id == world.users["worker_a"]
    assert ("sync.event", upload["uuid"], "ok") in audit_actions(app)
    with app.app_context():
        details = [
            e.detail or ""
            for e in db.session.scalars(select(AuditEvent).where(AuditEvent.action == "sync.event"))
        ]
    assert details and all("tab-1" in d for d in details)  # the device is named
    with app.app_context():
        every_detail = [e.detail or "" for e in db.session.scalars(select(AuditEvent))]
    assert not any("card" in d for d in every_detail)  # never the note

    again = one(send(web, [upload]))  # a new Idempotency-Key: the same item, sent twice
    assert again["outcome"] == "unchanged" and again["version"] == result["version"]
    assert len(attempts(app)) == 1
    assert count(app, Interview) == 1


def test_offer_accept_and_content_make_an_interview_in_progress(app, web, world):
    web.sign_in(world.emails["worker_a"])
    offered, accepted = ago(app, hours=5), ago(app, hours=4)
    upload = with_events(
        item([world.episodes["a"]], doc(sections__before__text="Ok.")),
        [
            event("accept", accepted),  # sent out of order: applied in time order
            event("offer", offered, method="phone"),
        ],
    )
    result = one(send(web, [upload]))
    assert result["outcome"] == "created", result
    interview = stored(app, upload["uuid"])
    assert interview.status == "in_progress"
    assert interview.offered_at == as_utc(app, offered)
    assert interview.offer_method == "phone"
    assert interview.accepted_at == as_utc(app, accepted)
    assert interview.content["sections"]["before"]["text"] == "Ok."
    assert result["version"] == interview.version
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SyncEvent)) == 2

    again = one(send(web, [upload]))
    assert again["outcome"] == "unchanged" and again["version"] == interview.version
    assert stored(app, upload["uuid"]).version == interview.version


def test_accept_then_content_for_an_offered_interview_starts_it(app, web, world):
    web.sign_in(world.emails["worker_a"])
    first = events_only([world.episodes["a"]], [event("offer", ago(app, hours=6), method="visit")])
    created = one(send(web, [first]))
    assert created["outcome"] == "created"
    assert stored(app, first["uuid"]).status == "offered"
    later = with_events(
        item(
            [world.episodes["a"]],
            doc(sections__away__text="At Jo's."),
            uuid=first["uuid"],
            base_version=created["version"],
        ),
        [event("accept", ago(app, hours=1))],
    )
    result = one(send(web, [later]))
    assert result["outcome"] == "updated", result
    interview = stored(app, first["uuid"])
    assert interview.status == "in_progress"
    assert interview.accepted_at == as_utc(app, later["events"][0]["at"])
    assert result["version"] == interview.version
    assert one(send(web, [later]))["outcome"] == "unchanged"


def test_decline_keeps_the_childs_words_and_whether_to_offer_again(app, web, world):
    web.sign_in(world.emails["worker_a"])
    at = ago(app, minutes=30)
    upload = events_only(
        [world.episodes["a"]],
        [
            event("offer", ago(app, minutes=40), method="visit"),
            event("decline", at, reason=f"  {WORDS}  ", offer_again=False, carer_information=True),
        ],
    )
    assert one(send(web, [upload]))["outcome"] == "created"
    interview = stored(app, upload["uuid"])
    assert interview.status == "declined"
    assert interview.decline_reason == WORDS
    assert interview.offer_again is False
    assert interview.declined_at == as_utc(app, at)
    assert interview.content["carer_information_offered"] is True
    changes = status_changes(app)
    assert one(send(web, [upload]))["outcome"] == "unchanged"
    assert status_changes(app) == changes  # no second status change
    with app.app_context():
        details = [e.detail or "" for e in db.session.scalars(select(AuditEvent))]
    assert not any("sleep" in d for d in details)


def test_events_for_a_return_with_an_open_interview_go_to_that_interview(app, web, world_i):
    web.sign_in(world_i.emails["worker_a"])
    server_uuid = world_i.interviews["a"]
    upload = events_only(
        [world_i.episodes["a"]],
        [
            event("attempt", ago(app, hours=2), method="phone", outcome="spoke", note=None),
            event("accept", ago(app, hours=1)),
        ],
    )
    result = one(send(web, [upload]))
    assert result["outcome"] == "updated"
    assert result["server_uuid"] == server_uuid
    assert "already had an interview" in result["messages"][0]
    assert count(app, Interview) == 2  # the world's two; none made for the tablet's UUID
    assert stored(app, upload["uuid"]) is None
    (attempt,) = attempts(app)
    with app.app_context():
        assert db.session.get(Interview, attempt.interview_id).uuid == server_uuid
    interview = stored(app, server_uuid)
    assert interview.status == "in_progress"  # a yes noted later does not undo the start
    assert interview.accepted_at == as_utc(app, upload["events"][1]["at"])
    assert result["version"] == interview.version

    again = one(send(web, [upload]))
    assert again["outcome"] == "unchanged" and again["server_uuid"] == server_uuid
    assert len(attempts(app)) == 1
    # Re-keyed to the server's UUID, the same events are still known.
    rekeyed = events_only([world_i.episodes["a"]], upload["events"], uuid=server_uuid)
    assert one(send(web, [rekeyed]))["outcome"] == "unchanged"
    assert len(attempts(app)) == 1


def test_content_conflict_still_applies_the_events(app, web, world_i):
    web.sign_in(world_i.emails["worker_a"])
    upload = with_events(
        item([world_i.episodes["a"]], doc(sections__help__text="Help.")),
        [event("attempt", ago(app, hours=2), method="text", outcome="message_left")],
    )
    result = one(send(web, [upload]))
    assert result["outcome"] == "conflict"
    assert result["server"]["uuid"] == world_i.interviews["a"]
    assert count(app, SyncConflict) == 1
    (attempt,) = attempts(app)
    assert attempt.outcome == "message_left"
    assert one(send(web, [upload]))["outcome"] == "conflict"
    assert len(attempts(app)) == 1 and count(app, SyncConflict) == 1


def test_a_finished_interview_takes_attempts_but_is_not_reopened(app, web, world_i):
    uuid = world_i.interviews["a"]
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        interview.status = "finished"
        db.session.commit()
    web.sign_in(world_i.emails["worker_a"])
    upload = events_only(
        [world_i.episodes["a"]],
        [
            event("attempt", ago(app, hours=3), method="visit", outcome="spoke"),
            event("decline", ago(app, hours=2), reason=WORDS, offer_again=True),
        ],
        uuid=uuid,
    )
    result = one(send(web, [upload]))
    assert result["outcome"] == "updated"
    assert any("not applied" in m and "already finished" in m for m in result["messages"])
    interview = stored(app, uuid)
    assert interview.status == "finished" and interview.decline_reason is None
    assert len(attempts(app)) == 1
    again = one(send(web, [upload]))
    assert again["outcome"] == "unchanged" and again["messages"] == []


def test_events_for_a_child_the_worker_cannot_see_are_refused_and_dropped(app, web, world):
    web.sign_in(world.emails["worker_a"])
    upload = events_only(
        [world.episodes["b"]],
        [event("attempt", ago(app, hours=1), method="visit", outcome="not_in")],
    )
    result = one(send(web, [upload]))
    assert result["outcome"] == "rejected" and result["drop"] is True
    assert ("access.refused", upload["uuid"], "refused") in audit_actions(app)
    assert count(app, Interview) == 0 and attempts(app) == []


def test_events_on_another_teams_interview_are_refused_and_dropped(app, web, world_i):
    web.sign_in(world_i.emails["worker_a"])
    upload = events_only(
        [world_i.episodes["a"]], [event("accept", ago(app, hours=1))], uuid=world_i.interviews["b"]
    )
    result = one(send(web, [upload]))
    assert result["outcome"] == "rejected" and result["drop"] is True
    assert stored(app, world_i.interviews["b"]).accepted_at is None
    assert count(app, SyncEvent) == 0


def test_a_social_worker_cannot_send_events(app, web, world):
    web.sign_in(world.emails["social_worker"])
    upload = events_only([world.episodes["a"]], [event("accept", ago(app, hours=1))])
    result = one(send(web, [upload]))
    assert result["outcome"] == "rejected" and result["drop"] is False
    assert "holding this child's return" in result["messages"][0]
    assert count(app, Interview) == 0


BAD_EVENTS = [
    (lambda at: {"kind": "visit", "at": at}, "events[0].kind"),
    (lambda at: {"kind": ["attempt"], "at": at}, "events[0].kind"),
    (lambda at: {"kind": "offer", "at": at, "method": {"visit": 1}}, "events[0].method"),
    (
        lambda at: {"kind": "attempt", "at": at, "method": "pigeon", "outcome": "spoke"},
        "events[0].method: Choose how you tried. One of: visit",
    ),
    (lambda at: {"kind": "attempt", "at": at, "method": "visit"}, "events[0].outcome"),
    (lambda at: {"kind": "offer", "at": at}, "events[0].method"),
    (lambda at: {"kind": "decline", "at": at, "offer_again": True}, "events[0].reason"),
    (
        lambda at: {"kind": "decline", "at": at, "reason": "   ", "offer_again": True},
        "events[0].reason: Write what the child said",
    ),
    (
        lambda at: {"kind": "decline", "at": at, "reason": "x" * 2001, "offer_again": True},
        "the most is 2,000",
    ),
    (
        lambda at: {"kind": "decline", "at": at, "reason": "No.", "offer_again": "no"},
        "events[0].offer_again: should be true or false.",
    ),
    (
        lambda at: {
            "kind": "decline",
            "at": at,
            "reason": "No.",
            "offer_again": False,
            "carer_information": 1,
        },
        "events[0].carer_information",
    ),
    (
        lambda at: {
            "kind": "attempt",
            "at": at,
            "method": "visit",
            "outcome": "spoke",
            "note": "x" * 2001,
        },
        "events[0].note",
    ),
    (lambda at: {"kind": "accept", "at": at, "note": "Yes!"}, "events[0].note"),
    (lambda at: {"kind": "accept", "at": "yesterday"}, "events[0].at: Enter a date and time"),
    (lambda at: {"kind": "accept"}, "events[0].at"),
    (lambda at: {"kind": "accept", "at": at, "id": "not-a-uuid"}, "events[0].id"),
    (lambda at: "accept", "events[0]: should be a group of fields"),
]


@pytest.mark.parametrize(("make", "named"), BAD_EVENTS)
def test_a_malformed_event_rejects_its_item_and_the_rest_are_applied(app, web, world, make, named):
    web.sign_in(world.emails["worker_a"])
    raw = make(ago(app, hours=1))
    bad_event = {"id": str(uuidlib.uuid4()), **raw} if isinstance(raw, dict) else raw
    good_first = events_only(
        [world.episodes["a"]],
        [event("attempt", ago(app, hours=2), method="visit", outcome="not_in")],
    )
    bad = events_only([world.episodes["a"]], [bad_event])
    good = events_only([world.episodes["a"]], [event("accept", ago(app, hours=1))])
    out = results(send(web, [good_first, bad, good]))
    assert [r["outcome"] for r in out] == ["created", "rejected", "updated"]
    assert stored(app, good_first["uuid"]).status == "accepted"
    assert out[1]["drop"] is False
    assert any(named in m for m in out[1]["messages"]), out[1]["messages"]
    assert stored(app, bad["uuid"]) is None
    assert len(attempts(app)) == 1


def test_one_bad_event_rejects_the_whole_item(app, web, world):
    web.sign_in(world.emails["worker_a"])
    upload = events_only(
        [world.episodes["a"]],
        [
            event("attempt", ago(app, hours=2), method="visit", outcome="not_in"),
            event("offer", ago(app, hours=1), method="carrier pigeon"),
        ],
    )
    result = one(send(web, [upload]))
    assert result["outcome"] == "rejected"
    assert result["messages"][0].startswith("events[1].method")
    assert count(app, Interview) == 0 and attempts(app) == []


@pytest.mark.parametrize(
    ("delta", "message"),
    [
        (timedelta(hours=-2), "can't be in the future"),
        (timedelta(days=400), "more than a year ago"),
    ],
)
def test_a_time_in_the_future_or_long_ago_is_rejected(app, web, world, delta, message):
    web.sign_in(world.emails["worker_a"])
    with app.app_context():
        at = to_local(utcnow() - delta).strftime("%Y-%m-%d %H:%M")
    result = one(send(web, [events_only([world.episodes["a"]], [event("accept", at)])]))
    assert result["outcome"] == "rejected"
    assert result["messages"][0].startswith("events[0].at: ")
    assert message in result["messages"][0]
    assert count(app, Interview) == 0


def test_a_tablet_clock_a_little_ahead_is_accepted(app, web, world):
    web.sign_in(world.emails["worker_a"])
    at = ago(app, minutes=-3)
    assert (
        one(send(web, [events_only([world.episodes["a"]], [event("accept", at)])]))["outcome"]
        == "created"
    )


def test_the_same_event_in_two_items_is_applied_once(app, web, world):
    web.sign_in(world.emails["worker_a"])
    attempt = event("attempt", ago(app, hours=1), method="phone", outcome="no_answer")
    first = events_only([world.episodes["a"]], [attempt])
    second = events_only([world.episodes["a"]], [attempt])
    out = results(send(web, [first, second]))
    assert out[0]["outcome"] == "created"
    assert out[1]["outcome"] == "unchanged" and out[1]["server_uuid"] == first["uuid"]
    assert len(attempts(app)) == 1


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda i: i.update(content_hash="0" * 64), "content_hash: should be null"),
        (lambda i: i.update(events=[]), "nothing to save"),
        (lambda i: i.pop("content"), "content: should be the interview document"),
        (lambda i: i.update(events="attempt"), "events: should be a list"),
        (lambda i: i.update(events=[i["events"][0]] * 51), "the most in one item is 50"),
        (lambda i: i.update(events=[i["events"][0]] * 2), "events[1].id: is used by another"),
    ],
)
def test_an_item_shape_problem_is_named(app, web, world, change, named):
    web.sign_in(world.emails["worker_a"])
    upload = events_only([world.episodes["a"]], [event("accept", ago(app, hours=1))])
    change(upload)
    result = one(send(web, [upload]))
    assert result["outcome"] == "rejected"
    assert any(named in m for m in result["messages"]), result["messages"]
    assert count(app, Interview) == 0


def test_a_child_who_stops_part_way_declines_and_the_notes_are_kept(app, web, world):
    web.sign_in(world.emails["worker_a"])
    upload = with_events(
        item([world.episodes["a"]], doc(sections__before__text="Hi.")),
        [
            event("offer", ago(app, hours=2), method="visit"),
            event(
                "decline", ago(app, hours=1), reason=WORDS, offer_again=True, carer_information=True
            ),
        ],
    )
    result = one(send(web, [upload]))
    assert result["outcome"] == "created", result
    interview = stored(app, upload["uuid"])
    assert interview.status == "declined" and interview.decline_reason == WORDS
    assert interview.content["sections"]["before"]["text"] == "Hi."
    assert interview.content["carer_information_offered"] is True
    assert result["version"] == interview.version
    again = one(send(web, [upload]))
    assert again["outcome"] == "unchanged" and again["version"] == interview.version


def test_notes_and_a_no_for_an_interview_in_progress(app, web, world_i):
    web.sign_in(world_i.emails["worker_a"])
    uuid = world_i.interviews["a"]
    upload = with_events(
        item([world_i.episodes["a"]], doc(sections__away__text="Town."), uuid=uuid, base_version=1),
        [event("decline", ago(app, hours=1), reason=WORDS, offer_again=False)],
    )
    result = one(send(web, [upload]))
    assert result["outcome"] == "updated", result
    interview = stored(app, uuid)
    assert interview.status == "declined" and interview.offer_again is False
    assert interview.content["sections"]["away"]["text"] == "Town."
    assert interview.content["carer_information_offered"] is False
    assert one(send(web, [upload]))["outcome"] == "unchanged"
    assert stored(app, uuid).version == interview.version


def test_an_offer_recorded_on_the_page_after_starting_keeps_it_in_progress(app, web, world_i):
    web.sign_in(world_i.emails["worker_a"])
    url = f"/episodes/{world_i.episodes['a']}"
    web.post(url + "/offer", {"offered_at": ago(app, hours=1), "method": "phone"}, page=url)
    interview = stored(app, world_i.interviews["a"])
    assert interview.status == "in_progress" and interview.offer_method == "phone"


def _accepted_then_closed_by_manager(app, web, world, outcome: str) -> tuple[str, int]:
    """Worker A records the offer and the child's yes; the tablet takes its copy; meanwhile
    their manager records the return's outcome. The interview's uuid and version."""
    from rhi.episodes import service as episode_service
    from rhi.models import Episode, User

    web.sign_in(world.emails["worker_a"])
    answered = events_only(
        [world.episodes["a"]],
        [event("offer", ago(app, hours=2), method="visit"), event("accept", ago(app, hours=2))],
    )
    assert one(send(web, [answered]))["outcome"] == "created"
    uuid = answered["uuid"]  # offered, and the child said yes: not begun
    with app.app_context():
        episode = db.session.get(Episode, world.episodes["a"])
        manager = db.session.get(User, world.users["manager_a"])
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        episode_service.record_outcome(
            episode,
            manager,
            outcome=outcome,
            at=utcnow(),
            reason="The family moved out of the area.",
            decided_by="Team manager",
            interview=interview,
        )
        db.session.commit()
        return uuid, interview.version


@pytest.mark.parametrize("begun_on_the_tablet", [True, False])
def test_a_tablets_words_over_an_outcome_recorded_meanwhile_are_kept_and_it_stands(
    app, web, world, begun_on_the_tablet
):
    """The manager closed the return ("not interviewed") while the worker, offline, began the
    interview on the tablet. The upload was refused as "begun before the offer" (the start
    could not apply), or, its start sent already, started the interview again over the
    outcome. Now the outcome stands, the tablet is told why, and its words are an addendum."""
    uuid, version = _accepted_then_closed_by_manager(app, web, world, "not_interviewed")
    upload = item(
        [world.episodes["a"]],
        doc(sections__before__text="Things at home were hard."),
        uuid=uuid,
        base_version=version,
    )
    if begun_on_the_tablet:
        upload = with_events(upload, [event("start", ago(app, minutes=30))])
    result = one(send(web, [upload]))
    assert result["outcome"] == "updated", result
    said = " ".join(result["messages"])
    assert "outcome was recorded meanwhile" in said and "Decided not to interview" in said
    interview = stored(app, uuid)
    assert interview.outcome == "not_interviewed" and interview.status == "accepted"
    assert "Things at home" not in str(interview.content)
    with app.app_context():
        (addendum,) = db.session.scalars(select(Addendum)).all()
    assert "Things at home were hard." in addendum.text
    assert "after the return\u2019s outcome was recorded" in addendum.text
    # Sent again after a lost answer: nothing twice.
    assert one(send(web, [upload]))["outcome"] in ("unchanged", "updated")
    with app.app_context():
        assert db.session.scalar(select(func.count(Addendum.id))) == 1


def test_notes_after_the_tablets_own_no_follow_it_without_starting_the_interview(app, web, world):
    """The child said no on the tablet and it was sent; the worker then wrote down more of
    what the child said, sent later with no events (those went with the first upload). The
    later notes were taken as the interview starting: the no was overwritten as "in
    progress"."""
    web.sign_in(world.emails["worker_a"])
    first = with_events(
        item([world.episodes["a"]], doc(sections__before__text="Hi.")),
        [
            event("offer", ago(app, hours=2), method="visit"),
            event("decline", ago(app, hours=1), reason=WORDS, offer_again=False),
        ],
    )
    assert one(send(web, [first]))["outcome"] == "created"
    version = stored(app, first["uuid"]).version
    later = item(
        [world.episodes["a"]],
        doc(sections__before__text="Hi. They did not want to talk about school."),
        uuid=first["uuid"],
        base_version=version,
    )
    result = one(send(web, [later]))
    assert result["outcome"] == "updated", result
    interview = stored(app, first["uuid"])
    assert interview.status == "declined" and interview.outcome == "declined"
    assert interview.content["sections"]["before"]["text"].endswith("about school.")


def test_notes_after_a_no_with_the_offer_kept_open_do_not_start_the_interview(app, web, world):
    """The same, with the offer kept open (no outcome yet): the later notes started the
    interview over the child's no."""
    web.sign_in(world.emails["worker_a"])
    first = with_events(
        item([world.episodes["a"]], doc(sections__before__text="Hi.")),
        [
            event("offer", ago(app, hours=2), method="visit"),
            event("decline", ago(app, hours=1), reason=WORDS, offer_again=True),
        ],
    )
    assert one(send(web, [first]))["outcome"] == "created"
    later = item(
        [world.episodes["a"]],
        doc(sections__before__text="Hi. Maybe next week."),
        uuid=first["uuid"],
        base_version=stored(app, first["uuid"]).version,
    )
    assert one(send(web, [later]))["outcome"] == "updated"
    interview = stored(app, first["uuid"])
    assert interview.status == "declined" and interview.outcome is None
    assert interview.content["sections"]["before"]["text"] == "Hi. Maybe next week."


def test_the_senders_own_not_reached_stands_as_the_pages_keep_it(app, web, world):
    """Not reached, recorded on the page by the worker themselves, ends the interview there
    (nothing more is written in it): their tablet's later words go to an addendum too."""
    from rhi.episodes import service as episode_service
    from rhi.models import Episode, User

    web.sign_in(world.emails["worker_a"])
    answered = events_only(
        [world.episodes["a"]], [event("offer", ago(app, hours=2), method="visit")]
    )
    assert one(send(web, [answered]))["outcome"] == "created"
    with app.app_context():
        episode = db.session.get(Episode, world.episodes["a"])
        worker = db.session.get(User, world.users["worker_a"])
        interview = db.session.scalar(select(Interview).where(Interview.uuid == answered["uuid"]))
        episode_service.record_attempt(
            episode,
            worker,
            at=utcnow(),
            method="phone",
            outcome="no_answer",
            note="",
            interview=interview,
        )
        episode_service.record_outcome(
            episode,
            worker,
            outcome="not_reached",
            at=utcnow(),
            reason="Three calls, no answer.",
            interview=interview,
        )
        db.session.commit()
        version = interview.version
    upload = item(
        [world.episodes["a"]],
        doc(sections__before__text="Words from the tablet."),
        uuid=answered["uuid"],
        base_version=version,
    )
    result = one(send(web, [upload]))
    assert result["outcome"] == "updated" and "outcome stands" in result["messages"][0]
    interview = stored(app, answered["uuid"])
    assert interview.outcome == "not_reached" and interview.status != "in_progress"
    with app.app_context():
        (addendum,) = db.session.scalars(select(Addendum)).all()
    assert "Words from the tablet." in addendum.text
