"""Findings of the independent security probe (issue 9): one child per interview on every path,
bad uploads answered 4xx once and for all, decisions recorded by the server, honest audit rows,
GETs that change nothing, and direction controls that cannot disguise text."""

from __future__ import annotations

import io
import json
import uuid as uuidlib
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from rhi.extensions import db
from rhi.models import (
    AuditEvent,
    Episode,
    Interview,
    SharingDecision,
    Team,
    User,
    interview_episodes,
)
from rhi.models.base import utcnow
from rhi.models.interviews import OneChildError
from tests.app.helpers import autosave, content, doc, item, one, results, send, start, with_yes
from tests.conftest import Web, csrf_from

RLO = "\u202e"


def _second_child_for_team_a(app, world) -> int:
    """An episode of child b that worker_a's team also holds: worker_a may see both children."""
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == "RHI A"))
        now = utcnow()
        episode = Episode(
            child_id=world.children["b"],
            police_reference="REF-B2",
            risk_grade="Low",
            dfe_type="M",
            started_at=now - timedelta(hours=9),
            returned_at=now - timedelta(hours=3),
            assigned_team=team,
        )
        db.session.add(episode)
        db.session.commit()
        return episode.id


def _interview_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Interview.id)))


# F2: an interview covers one child's episodes, whichever way it is made.


def test_upload_of_one_interview_for_two_children_is_refused_and_nothing_is_made(app, web, world):
    other = _second_child_for_team_a(app, world)
    web.sign_in(world.emails["worker_a"])
    result = one(
        send(web, [item([world.episodes["a"], other], doc(sections__away__text="At a friend's."))])
    )
    assert result["outcome"] == "rejected"
    assert result["drop"] is False and result["try_again"] is False  # kept, not sent again
    assert "one child" in result["messages"][0]
    assert _interview_count(app) == 0


def test_events_only_upload_for_two_children_is_refused(app, web, world):
    other = _second_child_for_team_a(app, world)
    web.sign_in(world.emails["worker_a"])
    raw = {
        "uuid": str(uuidlib.uuid4()),
        "episode_ids": [world.episodes["a"], other],
        "base_version": None,
        "content_hash": None,
        "content": None,
        "events": [
            {
                "id": "ev-1",
                "kind": "attempt",
                "at": (utcnow() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
                "method": "phone",
                "outcome": "no_answer",
                "note": "",
            }
        ],
    }
    result = one(send(web, [raw]))
    assert result["outcome"] == "rejected", result
    assert _interview_count(app) == 0


def test_the_model_refuses_an_episode_of_another_child(app, world):
    """The pages add episodes through the same relationship: the guard holds for them too."""
    with app.app_context():
        first = db.session.get(Episode, world.episodes["a"])
        second = db.session.get(Episode, world.episodes["b"])
        interview = Interview(status="offered", due_at=utcnow(), content={})
        interview.episodes.append(first)
        assert interview.child is first.child
        with pytest.raises(OneChildError):
            interview.episodes.append(second)
        db.session.rollback()


def test_the_database_refuses_a_link_to_another_childs_episode(app, world):
    """Even written past the models, the link row cannot join two children."""
    with app.app_context():
        interview = Interview(status="offered", due_at=utcnow(), content={})
        interview.episodes.append(db.session.get(Episode, world.episodes["a"]))
        db.session.add(interview)
        db.session.commit()
        with pytest.raises(IntegrityError):
            db.session.execute(
                insert(interview_episodes).values(
                    interview_id=interview.id,
                    episode_id=world.episodes["b"],
                    child_id=world.children["a"],
                )
            )
            db.session.commit()
        db.session.rollback()
        with pytest.raises(IntegrityError):
            db.session.execute(
                insert(interview_episodes).values(
                    interview_id=interview.id,
                    episode_id=world.episodes["b"],
                    child_id=world.children["b"],
                )
            )
            db.session.commit()
        db.session.rollback()


def test_an_interview_made_on_the_episode_page_names_its_child(app, web, world):
    uuid = start(web, world)
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        assert interview.child_id == world.children["a"]
        link = db.session.execute(select(interview_episodes)).one()
        assert link.child_id == world.children["a"]


# F7 and F8: malformed uploads get a 4xx and a message, and are not "sent again" for ever.


def test_deeply_nested_json_is_a_400_not_a_500(web, world):
    web.sign_in(world.emails["worker_a"])
    for depth in (30, 5000, 200_000):
        body = ('{"items": ' + "[" * depth + "]" * depth + "}").encode()
        response = send(web, [], body=body)
        assert response.status_code == 400, depth
        assert "deep" in response.get_json()["message"]


def test_an_out_of_range_episode_id_is_refused_for_good(app, web, world):
    web.sign_in(world.emails["worker_a"])
    # 2**31: past PostgreSQL's integer, the type of every id (a 500, retried for ever, before).
    for bad in (2**70, 2**63, 2**31, 0, -1):
        result = one(send(web, [item([bad], doc(sections__away__text="x"))]))
        assert result["outcome"] == "rejected"
        assert result["drop"] is False
        assert result["messages"][0].startswith("episode_ids:")
        assert "sent again" not in " ".join(result["messages"])
    for version in (2**70, 2**31):
        big = one(send(web, [item([world.episodes["a"]], doc(), base_version=version)]))
        assert big["outcome"] == "rejected" and big["messages"][0].startswith("base_version:")
    for episode_id in (2**70, 2**31):
        assert web.get(f"/sync/v1/copies?episode_id={episode_id}").status_code == 404


# F9: a decision to share without agreement is recorded by the signed-in user, at the server's
# time, however it arrives. Since decisions name a decider who confirms them in rhi (issue 11),
# they are recorded online only: a tablet can neither add one nor drop one the server holds.


def test_a_tablet_cannot_add_or_drop_a_safeguarding_decision(app, web, world):
    web.sign_in(world.emails["worker_a"])
    document = doc(sections__away__text="At a flat.")
    document["overrides"] = [
        {
            "id": "forged",
            "recipient": "police",
            "reason": "Adults sending her to towns.",
            "decided_by": "Alex Morgan",
            "recorded_by": "Someone Else",
            "at": "2020-01-01T00:00",
        }
    ]
    sent = with_yes(item([world.episodes["a"]], document))
    result = one(send(web, [sent]))
    assert result["outcome"] == "created", result
    assert content(app, sent["uuid"])[0]["overrides"] == []
    assert web.get(f"/interviews/{sent['uuid']}/copies/police.pdf").status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count(SharingDecision.id))) == 0
        assert (
            db.session.scalar(
                select(func.count(AuditEvent.id)).where(AuditEvent.action == "sharing.override")
            )
            == 0
        )
    # A decision recorded online survives an upload from a tablet that does not hold it.
    decision = {
        "recipient": "police",
        "parts": ["away"],
        "reason": "Adults sending her to towns.",
        "decider": str(world.users["manager_a"]),
        "child_told": "told",
    }
    page = f"/interviews/{sent['uuid']}/consent"
    assert web.post(f"/interviews/{sent['uuid']}/overrides", decision, page=page).status_code == 302
    held = content(app, sent["uuid"])[0]["overrides"]
    assert len(held) == 1
    version = content(app, sent["uuid"])[1]
    again = item([world.episodes["a"]], document, uuid=sent["uuid"], base_version=version)
    assert one(send(web, [again]))["outcome"] in ("updated", "unchanged")
    assert content(app, sent["uuid"])[0]["overrides"] == held


# F10 and F14: audit rows for what happened, and none for what did not.


def test_a_reason_for_keeping_ones_words_is_audited(app, web, world):
    uuid = start(web, world)
    autosave(web, uuid, "sections.away.text", "She absconded at 9pm.", "")
    token = csrf_from(web.get(f"/interviews/{uuid}/review").get_data(as_text=True))
    for action, extra in (("dismissed", {}), ("reason", {"reason": "Quoting the police log."})):
        response = web.client.post(
            f"/interviews/{uuid}/language",
            data={
                "path": "sections.away.text",
                "rule_id": "absconding",
                "text": "absconded",
                "action": action,
                **extra,
            },
            headers={"X-CSRFToken": token},
        )
        assert response.status_code == 204
    with app.app_context():
        details = list(
            db.session.scalars(
                select(AuditEvent.detail)
                .where(AuditEvent.action == "interview.language")
                .order_by(AuditEvent.id)
            )
        )
    assert details == ["dismissed absconding", "reason absconding"]
    assert all("police log" not in d for d in details)  # no note text in the trail


def test_removing_a_place_that_is_not_there_writes_no_removal(app, web, world):
    uuid = start(web, world)
    token = csrf_from(web.get(f"/interviews/{uuid}/findings").get_data(as_text=True))
    web.client.post(
        f"/interviews/{uuid}/items/places",
        data={"csrf_token": token},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
    place = content(app, uuid)[0]["places"][0]["id"]
    for item_id in ("not-a-place", place, place):  # the last is a second tap
        response = web.client.post(
            f"/interviews/{uuid}/items/places/{item_id}/remove",
            data={"csrf_token": token},
            headers={"HX-Request": "true", "X-CSRFToken": token},
        )
        assert response.status_code == 200
    with app.app_context():
        removals = db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "interview.remove_item")
        )
    assert removals == 1
    assert content(app, uuid)[0]["places"] == []


# F12: GET /sync/v1/session reads; the device secret is made with the user.


def test_session_get_changes_nothing(app, world):
    with app.app_context():
        secrets_before = dict(db.session.execute(select(User.id, User.device_secret)).all())
    assert all(s and len(s) == 64 for s in secrets_before.values())
    web = Web(app.test_client())
    web.sign_in(world.emails["worker_a"])
    with app.app_context():
        audit_before = db.session.scalar(select(func.count(AuditEvent.id)))
    answer = web.get("/sync/v1/session").get_json()
    assert answer["device_secret"] == secrets_before[world.users["worker_a"]]
    with app.app_context():
        assert dict(db.session.execute(select(User.id, User.device_secret)).all()) == secrets_before
        assert db.session.scalar(select(func.count(AuditEvent.id))) == audit_before


# F16: a right-to-left override cannot make typed text read as something else.


def test_direction_overrides_are_removed_from_saved_and_shown_text(app, web, world):
    uuid = start(web, world)
    typed = f"Sent a file called {RLO}gnp.exe to her phone. سارة said hello."
    assert autosave(web, uuid, "sections.away.text", typed, "").status_code == 200
    saved = content(app, uuid)[0]["sections"]["away"]["text"]
    assert RLO not in saved
    assert saved == typed.replace(RLO, "")
    # Saving again from the screen that still holds the override is not a conflict.
    assert autosave(web, uuid, "sections.away.text", saved + " More.", typed).status_code == 200
    # Text saved before this rule (written straight to the database) is shown without it too.
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        document = json.loads(json.dumps(interview.content))
        document["sections"]["away"]["text"] = typed
        document["consent"]["police"]["answer"] = "yes"
        interview.content = document
        db.session.commit()
    page = web.get(f"/interviews/{uuid}/away").get_data(as_text=True)
    assert "gnp.exe" in page and RLO not in page
    review = web.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    assert "gnp.exe" in review and RLO not in review
    pdf = web.get(f"/interviews/{uuid}/copies/police.pdf?draft=1")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "gnp.exe" in text and RLO not in text


def test_direction_overrides_are_removed_from_uploaded_text(app, web, world):
    web.sign_in(world.emails["worker_a"])
    sent = with_yes(item([world.episodes["a"]], doc(sections__away__text=f"a {RLO}cba")))
    assert one(send(web, [sent]))["outcome"] == "created"
    assert content(app, sent["uuid"])[0]["sections"]["away"]["text"] == "a cba"


def test_children_of_two_uploads_are_kept_apart(app, web, world):
    """Two items in one batch, one per child: each is made, each with its own child."""
    other = _second_child_for_team_a(app, world)
    web.sign_in(world.emails["worker_a"])
    first = with_yes(item([world.episodes["a"]], doc()))
    second = with_yes(item([other], doc()))
    outcomes = [r["outcome"] for r in results(send(web, [first, second]))]
    assert outcomes == ["created", "created"]
    with app.app_context():
        children = dict(db.session.execute(select(Interview.uuid, Interview.child_id)).all())
        assert children == {first["uuid"]: world.children["a"], second["uuid"]: world.children["b"]}
