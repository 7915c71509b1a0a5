"""The offline upload API: outcomes per item, idempotency, access, CSRF, and nothing dropped."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy import select

from rhi.extensions import db
from rhi.interviews import content as c
from rhi.models import (
    Addendum,
    AuditEvent,
    Episode,
    HeldWork,
    Interview,
    SyncConflict,
    SyncRequest,
    Team,
    User,
)
from rhi.sync.protocol import content_hash
from tests.app.helpers import (
    URL,
    audit_actions,
    count,
    doc,
    item,
    one,
    results,
    send,
    stored,
    with_yes,
)

SECRET = "Mum shouted and I ran to Jay's flat."


def test_session_gives_a_token_and_the_user_and_is_not_cached(web, world):
    web.sign_in(world.emails["worker_a"])
    response = web.get("/sync/v1/session")
    data = response.get_json()
    assert response.headers["Cache-Control"] == "no-store"
    assert data["csrf_token"]
    assert data["user"] == {"id": world.users["worker_a"], "name": "Worker A", "role": "worker"}
    assert data["server_time"].endswith("Z")
    assert data["limits"]["max_items"] == 50
    # How the tablet answers wrong PINs (store.js keeps it): five in a row wipe it; in the
    # child's view three tries are free, then each waits 30 s, doubling, five minutes at most.
    assert data["limits"]["pin_attempts"] == 5
    assert data["limits"]["pin_waits_seconds"] == [0, 0, 30, 60, 120, 240, 300]
    # How long a copy stays on the tablet after it was last fetched (rhi/sync/kept_offline.py).
    assert data["limits"]["copies_kept_seconds"] == 7 * 24 * 60 * 60


def test_created_then_sent_again_is_unchanged(app, web, world):
    web.sign_in(world.emails["worker_a"])
    upload = with_yes(item([world.episodes["a"]], doc(sections__before__text=SECRET)))
    result = one(send(web, [upload]))
    assert result == {
        "uuid": upload["uuid"],
        "outcome": "created",
        "messages": [],
        "version": 2,  # made, then its offer and yes recorded
        "status": "in_progress",
        "offer_recorded": True,
        "offer_on_record": True,  # with how it was made: the start form asks the answer only
        "keep_copy": True,
    }
    interview = stored(app, upload["uuid"])
    assert interview.content["sections"]["before"]["text"] == SECRET
    assert interview.status == "in_progress"
    assert interview.worker_id == world.users["worker_a"]
    assert interview.held_at is not None
    assert ("sync.create", upload["uuid"], "ok") in audit_actions(app)
    with app.app_context():
        details = [e.detail or "" for e in db.session.scalars(select(AuditEvent))]
    assert not any("Jay" in d for d in details)
    assert any("tab-1" in d for d in details)  # the device's id is in the audit trail

    again = one(send(web, [upload]))  # a new key: the same item, sent twice
    assert again["outcome"] == "unchanged" and again["version"] == 2
    assert stored(app, upload["uuid"]).version == 2
    assert count(app, Interview) == 1


def test_retry_with_the_same_key_gets_the_same_bytes_and_changes_nothing(app, web, world):
    web.sign_in(world.emails["worker_a"])
    upload = with_yes(item([world.episodes["a"]], doc(sections__away__text="At a friend's.")))
    body = json.dumps({"items": [upload]}).encode()
    first = send(web, [], key="retry-key-1", body=body)
    assert one(first)["outcome"] == "created"
    rows = (count(app, Interview), count(app, AuditEvent), count(app, SyncRequest))
    retry = send(web, [], key="retry-key-1", body=body)
    assert retry.status_code == 200
    assert retry.get_data() == first.get_data()
    assert (count(app, Interview), count(app, AuditEvent), count(app, SyncRequest)) == rows


def test_same_key_with_a_different_body_is_refused(web, world):
    web.sign_in(world.emails["worker_a"])
    send(web, [item([world.episodes["a"]], doc())], key="reused-key-1")
    response = send(web, [item([world.episodes["a"]], doc(risk_view="low"))], key="reused-key-1")
    assert response.status_code == 422
    assert response.get_json()["error"] == "idempotency_key_reused"


def test_update_with_the_current_version(app, web, world_i):
    web.sign_in(world_i.emails["worker_a"])
    uuid = world_i.interviews["a"]
    result = one(
        send(
            web,
            [
                item(
                    [world_i.episodes["a"]],
                    doc(sections__after__text="Better."),
                    uuid=uuid,
                    base_version=1,
                )
            ],
        )
    )
    assert result["outcome"] == "updated" and result["version"] == 2
    interview = stored(app, uuid)
    assert interview.version == 2
    assert interview.content["sections"]["after"]["text"] == "Better."
    assert ("sync.update", uuid, "ok") in audit_actions(app)


def test_stale_version_is_a_conflict_and_both_texts_are_kept(app, web, world_i):
    web.sign_in(world_i.emails["worker_a"])
    uuid, episode = world_i.interviews["a"], world_i.episodes["a"]
    one(
        send(
            web,
            [item([episode], doc(sections__away__text="Server words."), uuid=uuid, base_version=1)],
        )
    )
    # A second tablet still had version 1.
    stale = item([episode], doc(sections__away__text="Tablet words."), uuid=uuid, base_version=1)
    result = one(send(web, [stale], device="tab-2"))
    assert result["outcome"] == "conflict"
    assert result["server"]["version"] == 2
    assert result["server"]["content"]["sections"]["away"]["text"] == "Server words."
    assert stored(app, uuid).content["sections"]["away"]["text"] == "Server words."
    with app.app_context():
        kept = db.session.scalars(select(SyncConflict)).all()
        assert len(kept) == 1
        assert kept[0].content["sections"]["away"]["text"] == "Tablet words."
        assert kept[0].base_version == 1 and kept[0].resolved_at is None
    assert ("sync.conflict", uuid, "ok") in audit_actions(app)
    # Sent again, the same device copy is kept once.
    assert one(send(web, [stale], device="tab-2"))["outcome"] == "conflict"
    assert count(app, SyncConflict) == 1


def test_a_second_open_interview_for_the_episode_is_a_conflict(app, web, world_i):
    web.sign_in(world_i.emails["worker_a"])
    result = one(send(web, [item([world_i.episodes["a"]], doc(sections__help__text="Help."))]))
    assert result["outcome"] == "conflict"
    assert result["server"]["uuid"] == world_i.interviews["a"]
    assert count(app, Interview) == 2  # the world's two; no third
    assert count(app, SyncConflict) == 1


def test_a_version_from_the_future_is_rejected(app, web, world_i):
    web.sign_in(world_i.emails["worker_a"])
    result = one(
        send(
            web,
            [
                item(
                    [world_i.episodes["a"]],
                    doc(risk_view="high"),
                    uuid=world_i.interviews["a"],
                    base_version=9,
                )
            ],
        )
    )
    assert result["outcome"] == "rejected" and not result["drop"]
    assert "newer" in result["messages"][0]


def test_bad_hash_is_rejected(app, web, world):
    web.sign_in(world.emails["worker_a"])
    upload = item([world.episodes["a"]], doc(sections__before__text=SECRET), digest="0" * 64)
    result = one(send(web, [upload]))
    assert result["outcome"] == "rejected" and result["drop"] is False
    assert "content_hash" in result["messages"][0]
    assert count(app, Interview) == 0


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda d: d["sections"]["before"].update(colour="red"), "sections.before.colour"),
        (lambda d: d.update(risk_view="catastrophic"), "risk_view"),
        (lambda d: d["consent"]["police"].update(answer="maybe"), "consent.police.answer"),
        (lambda d: d["start"].update(explained_voluntary="yes"), "start.explained_voluntary"),
        (lambda d: d.update(mood="sad"), "mood"),
        (lambda d: d["sections"].update(before="text"), "sections.before"),
        (lambda d: d.update(places=[{"id": "a.b", "name": "x"}]), "places[0]"),
        (lambda d: d.update(sections="x"), "sections"),
        (lambda d: d["start"].update(held_on="2999-01-01 10:00"), "start.held_on"),
    ],
)
def test_invalid_content_is_rejected_naming_the_field(app, web, world, change, named):
    web.sign_in(world.emails["worker_a"])
    document = doc()
    change(document)
    result = one(send(web, [item([world.episodes["a"]], document)]))
    assert result["outcome"] == "rejected"
    # A value a page would refuse is listed by its field (test below); the rest by its path.
    said = result["messages"] + [problem["path"] for problem in result.get("fields", [])]
    assert any(named in m for m in said), result
    assert count(app, Interview) == 0


def test_a_value_a_page_would_refuse_is_named_as_the_page_names_it_and_listed_by_field(
    app, web, world
):
    """Before: "start.held_on: This can't be in the future", the tablet's bar giving the worker
    a path to find. Now the field's label and part, and each field listed (path, part,
    message) for the tablet to say what is wrong beside it."""
    web.sign_in(world.emails["worker_a"])
    document = doc()
    document["start"]["held_on"] = "2999-01-01 10:00"
    document["risk_view"] = "catastrophic"
    document["start"]["explained_voluntary"] = "yes"  # not a value any page sends: by path
    result = one(send(web, [item([world.episodes["a"]], document)]))
    assert result["outcome"] == "rejected" and result["drop"] is False
    future = "This can't be in the future. Check the date and time."
    options = "Choose one of the options given."
    assert sorted(result["messages"]) == sorted(
        [
            f"When the chat started (Before we start): {future}",
            f"Your view of the risk of harm the child faces (Analysis and actions): {options}",
            "start.explained_voluntary: should be true or false.",
        ]
    )
    assert sorted(result["fields"], key=lambda f: f["path"]) == [
        {
            "path": "risk_view",
            "page": "analysis",
            "label": "Your view of the risk of harm the child faces",
            "message": options,
        },
        {
            "path": "start.held_on",
            "page": "start",
            "label": "When the chat started",
            "message": future,
        },
    ]
    assert count(app, Interview) == 0


def test_lists_and_findings_round_trip(app, web, world):
    web.sign_in(world.emails["worker_a"])
    document = doc(
        push__bullying__on=True,
        push__bullying__note="At school.",
        start__held_on="2026-11-23 03:30",  # Ada came back at 02:00
    )
    document["people"] = [
        {
            "id": "p1",
            "name": "Jay",
            "age": "19",
            "relationship": "friend",
            "phone": "",
            "vehicle": "",
            "concern": "older",
            "private": True,
        }
    ]
    upload = with_yes(item([world.episodes["a"]], document))
    assert one(send(web, [upload]))["outcome"] == "created"
    saved = stored(app, upload["uuid"]).content
    assert saved["people"][0]["name"] == "Jay" and saved["people"][0]["private"] is True
    assert saved["push"]["bullying"] == {"on": True, "note": "At school.", "private": False}
    # When the visit was, not the upload (London is on UTC in November).
    assert stored(app, upload["uuid"]).held_at == datetime(2026, 11, 23, 3, 30)


def test_other_teams_episode_is_refused_and_dropped(app, web, world):
    web.sign_in(world.emails["worker_a"])
    upload = item([world.episodes["b"]], doc(sections__before__text=SECRET))
    result = one(send(web, [upload]))
    assert result["outcome"] == "rejected" and result["drop"] is True
    assert ("access.refused", upload["uuid"], "refused") in audit_actions(app)
    assert count(app, Interview) == 0
    # An unknown episode gets exactly the same answer: nothing is given away.
    ghost = one(send(web, [item([999_999], doc(), uuid=upload["uuid"])]))
    assert {k: v for k, v in ghost.items()} == result


@pytest.mark.parametrize("unseen", ["other_team", "unknown"])
def test_an_upload_covering_a_return_the_worker_cannot_see_is_kept_on_the_tablet(
    app, web, world, unseen
):
    """A probe: one of the worker's own returns with another team's (or an id that names
    none) was held for a manager, who could neither add it nor pass it on (no one sees both),
    and the tablet was told to let go of its only copy."""
    web.sign_in(world.emails["worker_a"])
    other = world.episodes["b"] if unseen == "other_team" else 999_999
    upload = item([world.episodes["a"], other], doc(sections__before__text=SECRET))
    result = one(send(web, [upload]))
    assert result["outcome"] == "rejected" and result["drop"] is False
    assert result["messages"] == [
        "This interview covers a return you cannot see, so it was not saved. It is kept on "
        "this tablet: ask your manager."
    ]
    assert count(app, Interview) == 0 and count(app, HeldWork) == 0
    assert ("access.refused", upload["uuid"], "refused") in audit_actions(app)


def test_after_moving_team_the_next_upload_is_held_not_applied(app, web, world):
    # Held whole for a manager since issue 12 item 2 (was: refused and dropped, and lost);
    # tests/app/test_held_work.py follows it to the child's record.
    web.sign_in(world.emails["worker_a"])
    upload = with_yes(item([world.episodes["a"]], doc(sections__before__text="First.")))
    assert one(send(web, [upload]))["outcome"] == "created"
    with app.app_context():
        user = db.session.get(User, world.users["worker_a"])
        user.team = db.session.scalar(select(Team).where(Team.name == "RHI B"))
        db.session.commit()
    later = item(
        [world.episodes["a"]],
        doc(sections__before__text="Second."),
        uuid=upload["uuid"],
        base_version=1,
    )
    result = one(send(web, [later]))
    assert result["outcome"] == "held" and result["drop"] is True
    assert "server" not in result
    assert stored(app, upload["uuid"]).content["sections"]["before"]["text"] == "First."
    assert ("sync.held", upload["uuid"], "ok") in audit_actions(app)


def test_finished_interview_takes_changes_as_one_addendum(app, web, world_i):
    uuid, episode = world_i.interviews["a"], world_i.episodes["a"]
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        interview.content = doc(sections__before__text="Finished words.")
        interview.status = "finished"
        db.session.commit()
        version = interview.version
    web.sign_in(world_i.emails["worker_a"])
    upload = item(
        [episode],
        doc(
            sections__before__text="Finished words.",
            sections__after__text="Added later.",
            risk_view="medium",
        ),
        uuid=uuid,
        base_version=version,
    )
    result = one(send(web, [upload]))
    assert result["outcome"] == "updated"
    assert "added as an addendum" in result["messages"][0]
    interview = stored(app, uuid)
    assert interview.content["sections"]["before"]["text"] == "Finished words."
    assert interview.content["sections"]["after"]["text"] == ""
    assert interview.version == version
    with app.app_context():
        (addendum,) = db.session.scalars(select(Addendum)).all()
    assert (
        "Changed on a tablet after finishing \u2014 sections.after.text: Added later."
        in addendum.text
    )
    assert "risk_view: medium" in addendum.text
    # Sent again after a lost answer: no second addendum.
    assert one(send(web, [upload]))["outcome"] == "unchanged"
    assert count(app, Addendum) == 1


def test_one_bad_item_does_not_stop_the_good_one(app, web, world):
    web.sign_in(world.emails["worker_a"])
    bad_document = doc()
    bad_document["risk_view"] = "catastrophic"
    bad = item([world.episodes["a"]], bad_document)
    good = with_yes(item([world.episodes["a"]], doc(sections__before__text="Fine.")))
    out = results(send(web, [bad, "not an item", good]))
    assert [r["outcome"] for r in out] == ["rejected", "rejected", "created"]
    assert [r["uuid"] for r in out] == [bad["uuid"], "", good["uuid"]]
    assert stored(app, bad["uuid"]) is None
    assert stored(app, good["uuid"]) is not None


def test_missing_idempotency_key_is_400(web, world):
    web.sign_in(world.emails["worker_a"])
    response = send(web, [item([world.episodes["a"]], doc())], key="")
    assert response.status_code == 400
    assert response.get_json()["error"] == "idempotency_key"
    assert send(web, [item([world.episodes["a"]], doc())], key="short").status_code == 400


def test_missing_csrf_header_is_400_json(app, web, world):
    web.sign_in(world.emails["worker_a"])
    response = send(web, [item([world.episodes["a"]], doc())], csrf=False)
    assert response.status_code == 400
    assert response.get_json()["error"] == "csrf"
    assert count(app, Interview) == 0


@pytest.mark.parametrize("body", [b"not json", b'{"items": "x"}', b'{"items": []}', b"[1]"])
def test_a_body_that_is_not_an_upload_is_400(app, web, world, body):
    web.sign_in(world.emails["worker_a"])
    response = send(web, [], body=body)
    assert response.status_code == 400
    assert response.get_json()["error"] in ("bad_json", "bad_body")
    assert count(app, SyncRequest) == 0


def test_too_large_body_is_413_json(app, web, world):
    web.sign_in(world.emails["worker_a"])
    app.config["MAX_CONTENT_LENGTH"] = 2000
    response = send(web, [item([world.episodes["a"]], doc(sections__before__text="x" * 5000))])
    assert response.status_code == 413
    assert response.get_json()["error"] == "too_large"


def test_social_worker_cannot_upload(app, web, world):
    web.sign_in(world.emails["social_worker"])  # sees child a's episodes, changes nothing
    upload = item([world.episodes["a"]], doc(sections__before__text=SECRET))
    result = one(send(web, [upload]))
    assert result["outcome"] == "rejected" and result["drop"] is False
    assert "holding this child's return" in result["messages"][0]
    assert ("change.refused", upload["uuid"], "refused") in audit_actions(app)
    assert count(app, Interview) == 0


def test_signed_out_is_401_json_not_a_redirect(web, world):
    response = web.get("/sync/v1/session")
    assert response.status_code == 401
    assert response.get_json()["error"] == "signed_out"
    posted = web.client.post(URL, json={"items": []}, headers={"Idempotency-Key": "k" * 10})
    assert posted.status_code == 401
    assert posted.get_json()["error"] == "signed_out"


def test_content_hash_is_canonical_json_of_the_normalised_document():
    document = {"risk_view": "low", "sections": {"before": {"text": "Café", "private": False}}}
    canonical = json.dumps(
        c.normalise(document), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")
    import hashlib

    assert content_hash(document) == hashlib.sha256(canonical).hexdigest()
    assert content_hash({}) == content_hash(c.empty_content())


def test_a_document_from_before_a_field_was_added_still_goes_through(web, world_i):
    """A tablet hashes what it holds; the server may since have added a field it fills in."""
    import hashlib
    import json

    web.sign_in(world_i.emails["worker_a"])
    document = c.empty_content()
    document = c.set_field(document, "sections.away.text", "Kept for a week on the tablet.")
    del document["findings_other"]  # not yet in the blank document when the tablet copied it
    as_sent = hashlib.sha256(
        json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    ).hexdigest()
    raw = item([world_i.episodes["a"]], document, uuid=world_i.interviews["a"], base_version=1)
    raw["content_hash"] = as_sent
    assert one(send(web, [raw]))["outcome"] == "updated"


def test_a_passing_server_failure_is_not_remembered_so_the_retry_is_applied(
    web, world_i, monkeypatch
):
    from rhi.sync import apply as sync_apply

    web.sign_in(world_i.emails["worker_a"])
    raw = item(
        [world_i.episodes["a"]],
        doc(sections__away__text="Sent during a blip."),
        uuid=world_i.interviews["a"],
        base_version=1,
    )
    real_apply = sync_apply._apply

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away for a moment")

    monkeypatch.setattr(sync_apply, "_apply", broken)
    first = one(send(web, [raw], key="same-key-123"))
    assert first["outcome"] == "rejected"
    assert "could not save this just now" in first["messages"][0]
    assert first["try_again"] is True  # the tablet sends it again; a refused item says False
    monkeypatch.setattr(sync_apply, "_apply", real_apply)
    assert one(send(web, [raw], key="same-key-123"))["outcome"] == "updated"


def test_a_tablets_interview_over_a_return_finished_meanwhile_leaves_it_closed(app, web, world):
    """The tablet took its copy; meanwhile Ada's first return had its interview finished on the
    web. The tablet's interview over both returns covers only the one still open: the finished
    one stays closed with its own (made over it, it reopened the closed return)."""
    from datetime import timedelta

    from tests.app.helpers import start

    with app.app_context():
        first = db.session.get(Episode, world.episodes["a"])
        second = Episode(
            child_id=first.child_id,
            risk_grade="High",
            dfe_type="M",
            started_at=first.returned_at + timedelta(hours=1),
            returned_at=first.returned_at + timedelta(hours=5),
            assigned_team_id=first.assigned_team_id,
        )
        db.session.add(second)
        db.session.commit()
        ids = [first.id, second.id]
    uuid = start(web, world)
    finished = web.post(f"/interviews/{uuid}/finish", page=f"/interviews/{uuid}/review")
    assert finished.status_code in (302, 303)
    with app.app_context():
        assert db.session.get(Episode, ids[0]).closed_at is not None
    upload = with_yes(item(ids, doc(sections__before__text="Typed on the tablet.")))
    assert one(send(web, [upload]))["outcome"] == "created"
    with app.app_context():
        assert db.session.get(Episode, ids[0]).closed_at is not None  # still closed
        made = db.session.scalar(select(Interview).where(Interview.uuid == upload["uuid"]))
        assert [e.id for e in made.episodes] == [ids[1]]


def test_the_same_tablet_after_its_own_answer_was_lost_carries_on_without_a_clash(
    app, web, world_i
):
    """A probe: an upload reached the server (version 2) and its answer was lost on a poor
    signal; the worker typed more, and the tablet, still on version 1, sent again. It was shown
    "changed somewhere else too" of its own words. The same device, on the same base, with the
    document still as it wrote it, carries on; anyone else's change since is still a clash."""
    web.sign_in(world_i.emails["worker_a"])
    uuid, episode = world_i.interviews["a"], world_i.episodes["a"]
    first = item([episode], doc(sections__away__text="At a flat."), uuid=uuid, base_version=1)
    assert one(send(web, [first]))["version"] == 2  # the answer the tablet never read
    more = doc(sections__away__text="At a flat. With older boys.")
    result = one(send(web, [item([episode], more, uuid=uuid, base_version=1)]))
    assert (result["outcome"], result["version"]) == ("updated", 3)
    assert stored(app, uuid).content["sections"]["away"]["text"] == "At a flat. With older boys."
    assert count(app, SyncConflict) == 0
    # Another tablet on version 1 meets a clash, as before.
    other = item([episode], doc(sections__away__text="Elsewhere."), uuid=uuid, base_version=1)
    assert one(send(web, [other], device="tab-2"))["outcome"] == "conflict"
    # And once the page has changed the document, so does the first tablet.
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        interview.content = c.set_field(interview.content, "sections.after.text", "Page words.")
        db.session.commit()
    late = doc(sections__away__text="At a flat. With older boys. Scared.")
    assert one(send(web, [item([episode], late, uuid=uuid, base_version=1)]))["outcome"] == (
        "conflict"
    )
