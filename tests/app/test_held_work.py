"""Work a tablet sends after its return was reallocated is never destroyed (issue 12 item 2): the
server holds it whole, tells the tablet by the child's name that it may let go, and a manager
who may see the child adds it to the record (events as the sender's, notes as a version beside
the interview) or passes it on. Someone who never had the child learns nothing."""

from __future__ import annotations

import html
import re
import uuid as uuidlib
from datetime import timedelta

from sqlalchemy import func, select

from rhi.extensions import db
from rhi.models import (
    Child,
    ContactAttempt,
    Episode,
    HeldWork,
    Interview,
    SyncConflict,
    Team,
    User,
)
from rhi.models.base import utcnow
from rhi.timefmt import to_local
from tests.app.helpers import (
    audit_actions,
    autosave,
    count,
    doc,
    item,
    one,
    send,
    start,
    stored,
    token,
    with_yes,
)
from tests.conftest import Web, csrf_from


def _ago(app, hours: float) -> str:
    with app.app_context():
        return to_local(utcnow() - timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M")


def _reallocate_to_team_b(app, world) -> None:
    """As the manager's allocation does: the move is kept in the return's history."""
    from rhi.episodes.allocation import allocate

    with app.app_context():
        episode = db.session.get(Episode, world.episodes["a"])
        team_b = db.session.scalar(select(Team).where(Team.name == "RHI B"))
        manager = db.session.get(User, world.users["manager_a"])
        allocate(episode, manager, team=team_b, reason="Team A is full this week.")
        db.session.commit()


def _visit_after_reallocation(app, web, world) -> tuple[dict, dict]:
    """Worker A sends an interview, the return moves to team B, and the tablet sends more."""
    web.sign_in(world.emails["worker_a"])
    first = with_yes(item([world.episodes["a"]], doc(sections__before__text="First.")))
    assert one(send(web, [first]))["outcome"] == "created"
    _reallocate_to_team_b(app, world)
    later = item(
        [world.episodes["a"]],
        doc(sections__before__text="First.", sections__away__text="HELDWORDS at a flat"),
        uuid=first["uuid"],
        base_version=1,
    )
    later["events"] = [
        {
            "id": str(uuidlib.uuid4()),
            "kind": "attempt",
            "at": _ago(app, 1),
            "method": "visit",
            "outcome": "not_in",
            "note": "",
        }
    ]
    return first, later


def test_work_for_a_reallocated_return_is_held_and_the_worker_told_by_name(app, web, world):
    first, later = _visit_after_reallocation(app, web, world)
    result = one(send(web, [later]))
    assert result["outcome"] == "held" and result["drop"] is True
    assert "Your notes about Ada A. were kept for your manager" in result["messages"][0]
    # Nothing applied as the worker's own, everything kept.
    assert stored(app, first["uuid"]).content["sections"]["away"]["text"] == ""
    assert count(app, ContactAttempt) == 0
    with app.app_context():
        (held,) = db.session.scalars(select(HeldWork)).all()
        assert held.payload == later and held.child_id == world.children["a"]
        assert held.sent_by_id == world.users["worker_a"]
    assert ("sync.held", first["uuid"], "ok") in audit_actions(app)
    # Sent again (a retry, another key): held once.
    assert one(send(web, [later]))["outcome"] == "held"
    assert count(app, HeldWork) == 1


def test_the_new_teams_manager_adds_it_to_the_record_without_replacing_anything(app, web, world):
    first, later = _visit_after_reallocation(app, web, world)
    one(send(web, [later]))
    held_id = _held_id(app)
    manager = Web(app.test_client())
    manager.sign_in(world.emails["manager_b"])
    listing = manager.get("/held").get_data(as_text=True)
    assert "Ada Alpha" in listing and "Worker A" in listing
    assert 'Held work <span class="count">(1)</span>' in listing
    page = manager.get(f"/held/{held_id}").get_data(as_text=True)
    assert "HELDWORDS at a flat" in page and "Contact attempt" in page
    response = manager.post(f"/held/{held_id}/attach", page=f"/held/{held_id}")
    assert response.status_code == 302
    assert f"/interviews/{first['uuid']}/versions" in response.headers["Location"]
    with app.app_context():
        (attempt,) = db.session.scalars(select(ContactAttempt)).all()
        assert attempt.recorded_by_id == world.users["worker_a"]  # the visit was theirs
        (version,) = db.session.scalars(select(SyncConflict)).all()
        assert version.content["sections"]["away"]["text"] == "HELDWORDS at a flat"
        assert version.user_id == world.users["worker_a"]
        assert db.session.get(HeldWork, held_id).state == "attached"
    assert stored(app, first["uuid"]).content["sections"]["before"]["text"] == "First."
    assert ("sync.held.attach", first["uuid"], "ok") in audit_actions(app)
    assert "Nothing is held." in manager.get("/held").get_data(as_text=True)
    # Done once: a second press changes nothing.
    again = manager.post(f"/held/{held_id}/attach", page=f"/held/{held_id}")
    assert again.status_code == 409
    assert count(app, SyncConflict) == 1


def test_held_work_whose_start_the_record_no_longer_allows_is_still_added(app, web, world):
    """A probe: offer and yes sent from the tablet, the return moved to team B, the tablet's
    start and notes held; team B's worker then recorded the child's no. Adding the held work
    was a 500 for ever (the start refused), so the notes never reached the record."""
    web.sign_in(world.emails["worker_a"])
    uuid = str(uuidlib.uuid4())
    answers = {
        "uuid": uuid,
        "episode_ids": [world.episodes["a"]],
        "base_version": None,
        "content_hash": None,
        "content": None,
        "events": [
            {"id": str(uuidlib.uuid4()), "kind": "offer", "at": _ago(app, 3), "method": "visit"},
            {"id": str(uuidlib.uuid4()), "kind": "accept", "at": _ago(app, 3)},
        ],
    }
    sent = one(send(web, [answers]))
    assert sent["outcome"] == "created", sent
    _reallocate_to_team_b(app, world)
    begun = item(
        [world.episodes["a"]], doc(sections__before__text="BEGUNWORDS"), uuid=uuid,
        base_version=sent["version"],
    )  # fmt: skip
    begun["events"] = [{"id": str(uuidlib.uuid4()), "kind": "start", "at": _ago(app, 1)}]
    assert one(send(web, [begun]))["outcome"] == "held"
    worker_b = Web(app.test_client())
    worker_b.sign_in(world.emails["worker_b"])
    url = f"/episodes/{world.episodes['a']}"
    no = {
        "declined_at": _ago(app, 0.5).replace(" ", "T"),
        "reason": "Not today.",
        "offer_again": "yes",
    }
    assert worker_b.post(url + "/decline", no, page=url).status_code == 302
    manager = Web(app.test_client())
    manager.sign_in(world.emails["manager_b"])
    held_id = _held_id(app)
    response = manager.post(f"/held/{held_id}/attach", page=f"/held/{held_id}")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    with app.app_context():
        assert db.session.get(HeldWork, held_id).state == "attached"
        (version,) = db.session.scalars(select(SyncConflict)).all()
        assert version.content["sections"]["before"]["text"] == "BEGUNWORDS"
    assert stored(app, uuid).status == "declined"  # not begun over the child's no


def test_a_worker_who_moved_team_takes_no_child_to_the_new_teams_manager(app, web, world):
    """A probe: worker A moved to team B, the return stayed with team A; the tablet's next
    upload was held as sent from team B, and team B's manager, who may not see Ada, read it."""
    web.sign_in(world.emails["worker_a"])
    first = with_yes(item([world.episodes["a"]], doc(sections__before__text="First.")))
    assert one(send(web, [first]))["outcome"] == "created"
    with app.app_context():
        worker = db.session.get(User, world.users["worker_a"])
        worker.team = db.session.scalar(select(Team).where(Team.name == "RHI B"))
        db.session.commit()
    later = item(
        [world.episodes["a"]],
        doc(sections__before__text="First.", sections__away__text="MOVEDWORDS"),
        uuid=first["uuid"],
        base_version=1,
    )
    assert one(send(web, [later]))["outcome"] == "held"
    held_id = _held_id(app)
    team_b = Web(app.test_client())
    team_b.sign_in(world.emails["manager_b"])
    assert team_b.get(f"/episodes/{world.episodes['a']}").status_code == 404
    assert "Ada Alpha" not in team_b.get("/held").get_data(as_text=True)
    assert team_b.get(f"/held/{held_id}").status_code == 404
    # Team A's manager, whose return it still is, has it.
    team_a = Web(app.test_client())
    team_a.sign_in(world.emails["manager_a"])
    assert "MOVEDWORDS" in team_a.get(f"/held/{held_id}").get_data(as_text=True)


def _held_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(HeldWork.id))


def test_the_senders_manager_sees_it_and_passes_it_on_to_the_colleague_now_responsible(
    app, web, world
):
    _, later = _visit_after_reallocation(app, web, world)
    one(send(web, [later]))
    held_id = _held_id(app)
    own_manager = Web(app.test_client())
    own_manager.sign_in(world.emails["manager_a"])
    page = own_manager.get(f"/held/{held_id}").get_data(as_text=True)
    assert "HELDWORDS" in page
    assert "Add to the child" not in page  # the return is no longer theirs to record
    assert own_manager.post(f"/held/{held_id}/attach", page="/").status_code == 409
    # Worker B may not see it until it is passed to them.
    worker_b = Web(app.test_client())
    worker_b.sign_in(world.emails["worker_b"])
    assert worker_b.get(f"/held/{held_id}").status_code == 404
    new_manager = Web(app.test_client())
    new_manager.sign_in(world.emails["manager_b"])
    note = "Ada's visit last night: she wants to see the same worker & no one else."
    refused = new_manager.post(
        f"/held/{held_id}/pass", {"to": "", "note": note}, page=f"/held/{held_id}"
    )
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "Choose who will take this on." in text
    assert (
        "Ada&#39;s visit last night: she wants to see the same worker &amp; no one else.</textarea>"
        in text
    )
    assert "<title>Error: " in text
    wrong = new_manager.post(
        f"/held/{held_id}/pass",
        {"to": str(world.users["worker_a"]), "note": note},
        page=f"/held/{held_id}",
    )
    assert wrong.status_code == 422
    assert "same worker &amp; no one else.</textarea>" in wrong.get_data(as_text=True)
    # Longer than a note may be: said by the box, nothing cut without a word.
    too_long = new_manager.post(
        f"/held/{held_id}/pass",
        {"to": str(world.users["worker_b"]), "note": "x" * 2001},
        page=f"/held/{held_id}",
    )
    assert too_long.status_code == 422
    assert "This is too long: the most is 2,000 characters." in too_long.get_data(as_text=True)
    chosen = f'<option value="{world.users["worker_b"]}" selected>'
    assert chosen in too_long.get_data(as_text=True)
    passed = new_manager.post(
        f"/held/{held_id}/pass",
        {"to": str(world.users["worker_b"]), "note": "Ada's visit last night."},
        page=f"/held/{held_id}",
    )
    assert passed.status_code == 302
    page = worker_b.get(f"/held/{held_id}").get_data(as_text=True)
    assert "Passed on to Worker B" in page and "visit last night" in page
    assert worker_b.post(f"/held/{held_id}/attach", page=f"/held/{held_id}").status_code == 302
    assert count(app, ContactAttempt) == 1


def test_someone_who_never_had_the_child_learns_nothing_and_nothing_is_held(app, web, world):
    web.sign_in(world.emails["worker_a"])
    theirs = one(send(web, [item([world.episodes["b"]], doc(sections__before__text="X."))]))
    unknown = one(send(web, [item([999_999], doc())]))
    assert theirs["outcome"] == unknown["outcome"] == "rejected"
    assert theirs["messages"] == unknown["messages"] and theirs["drop"] is True
    assert "Ben" not in " ".join(theirs["messages"])
    assert count(app, HeldWork) == 0


def test_a_field_saved_after_the_return_moved_is_held_and_the_page_names_the_child(app, web, world):
    """An open page's autosave (or a field a tablet kept while it could not reach the server)
    that arrives after the return moved to someone else: held, never refused and lost."""
    uuid = start(web, world)
    autosave(web, uuid, "sections.before.text", "Before it moved.", "")
    token = csrf_from(web.get(f"/interviews/{uuid}/start").get_data(as_text=True))
    _reallocate_to_team_b(app, world)
    response = web.client.post(
        f"/interviews/{uuid}/save",
        data={"f:sections.away.text": "LATEWORDS at the park", "o:sections.away.text": ""},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
    assert response.status_code == 202
    said = response.get_data(as_text=True)
    assert "the return for Ada A. is now with someone else" in said
    assert "Your words were kept for your manager" in said
    # The words are the box's next starting point (its next save follows on from them), and
    # nowhere else in the answer.
    assert said.count("LATEWORDS") == 1 and 'value="LATEWORDS at the park"' in said
    assert stored(app, uuid).content["sections"]["away"]["text"] == ""
    with app.app_context():
        (kept,) = db.session.scalars(select(HeldWork)).all()
        assert kept.child_id == world.children["a"] and kept.sent_by_id == world.users["worker_a"]
        assert kept.payload["changed_paths"] == ["sections.away.text"]
        # Only what this worker saved: none of the interview's other notes travel with it.
        assert kept.payload["content"]["sections"]["before"]["text"] == ""
    assert ("sync.held", uuid, "ok") in audit_actions(app)
    manager = Web(app.test_client())
    manager.sign_in(world.emails["manager_b"])
    held_id = _held_id(app)
    assert "LATEWORDS at the park" in manager.get(f"/held/{held_id}").get_data(as_text=True)
    assert manager.post(f"/held/{held_id}/attach", page=f"/held/{held_id}").status_code == 302
    with app.app_context():
        (version,) = db.session.scalars(select(SyncConflict)).all()
        assert version.content["sections"]["away"]["text"] == "LATEWORDS at the park"
        assert version.changed_paths == ["sections.away.text"]


def test_a_field_save_from_someone_who_never_had_the_child_is_refused_and_nothing_held(
    app, web, world
):
    uuid = start(web, world)
    other = Web(app.test_client())
    other.sign_in(world.emails["worker_b"])
    token = csrf_from(other.get("/returns").get_data(as_text=True))
    response = other.client.post(
        f"/interviews/{uuid}/save",
        data={"f:sections.away.text": "X"},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
    assert response.status_code == 404
    assert count(app, HeldWork) == 0
    assert ("access.refused", uuid, "refused") in audit_actions(app)


def _moving(web: Web, uuids: list[str], episodes: object = None):
    body: dict = {"uuids": uuids}
    if episodes is not None:
        body["episodes"] = episodes
    return web.client.post(
        "/sync/v1/moving",
        json=body,
        headers={"X-CSRFToken": token(web)},
    )


def test_before_sending_the_tablet_is_told_by_name_which_work_will_go_to_the_managers(
    app, web, world
):
    first, _later = _visit_after_reallocation(app, web, world)
    theirs = Web(app.test_client())
    theirs.sign_in(world.emails["worker_b"])
    ben = one(send(theirs, [item([world.episodes["b"]], doc(sections__before__text="B."))]))
    unknown = str(uuidlib.uuid4())
    response = _moving(web, [first["uuid"], ben["uuid"], unknown])
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    (said,) = response.get_json()["moving"]  # Ben was never theirs; the unknown is nobody's
    assert said["uuid"] == first["uuid"]
    assert said["message"].startswith("Your notes about Ada A. will be passed to your manager")
    assert ("sync.moving", first["uuid"], "ok") in audit_actions(app)
    # Their own interview is not moving.
    assert _moving(theirs, [ben["uuid"]]).get_json() == {"moving": []}
    assert _moving(web, "not a list").status_code == 400  # type: ignore[arg-type]
    assert _moving(web, [unknown] * 201).status_code == 400


def test_an_interview_begun_on_the_tablet_is_named_before_sending_by_its_return(app, web, world):
    """The server has never seen an interview started offline: the tablet names its return, and
    the worker is told by name before sending when that return has moved (issue 12 item 2)."""
    web.sign_in(world.emails["worker_a"])
    assert web.get(f"/episodes/{world.episodes['a']}").status_code == 200  # they had the child
    begun = str(uuidlib.uuid4())
    assert _moving(web, [begun], {begun: [world.episodes["a"]]}).get_json() == {"moving": []}

    _reallocate_to_team_b(app, world)
    (said,) = _moving(web, [begun], {begun: [world.episodes["a"]]}).get_json()["moving"]
    assert said["uuid"] == begun
    assert said["message"].startswith("Your notes about Ada A. will be passed to your manager")
    assert ("sync.moving", begun, "ok") in audit_actions(app)
    # Without the return named (the store was locked) the server cannot know it.
    assert _moving(web, [begun]).get_json() == {"moving": []}
    # Malformed parts are ignored, not refused; a UUID not asked about is not answered.
    other = str(uuidlib.uuid4())
    assert _moving(web, [begun], {begun: ["1"], other: [world.episodes["a"]]}).get_json() == {
        "moving": []
    }
    assert _moving(web, [begun], "not a mapping").get_json() == {"moving": []}

    # Sent as it was said: held for the managers, not refused.
    sent = item([world.episodes["a"]], doc(sections__away__text="BEGUNHERE"), uuid=begun)
    assert one(send(web, [sent]))["outcome"] == "held"


def test_someone_who_never_had_the_child_is_told_nothing_of_a_return_they_name(app, web, world):
    web.sign_in(world.emails["worker_b"])
    begun = str(uuidlib.uuid4())
    response = _moving(web, [begun], {begun: [world.episodes["a"]]})
    assert response.get_json() == {"moving": []}
    assert ("sync.moving", begun, "ok") not in audit_actions(app)


def test_the_social_workers_manager_never_sees_held_work(app, web, world):
    """Held work is an interview's notes whole: the manager of the child's social worker sees
    the child's returns, but reads only the social worker's copy of an interview, so never
    held work (a review found them reading it, kept-back words and all)."""
    _first, later = _visit_after_reallocation(app, web, world)
    assert one(send(web, [later]))["outcome"] == "held"
    held_id = _held_id(app)
    care = Web(app.test_client())
    care.sign_in(world.emails["manager_care"])
    assert f"/held/{held_id}" not in care.get("/held").get_data(as_text=True)
    assert care.get(f"/held/{held_id}").status_code == 404
    new_team = Web(app.test_client())
    new_team.sign_in(world.emails["manager_b"])  # the team now holding the return
    assert "HELDWORDS" in new_team.get(f"/held/{held_id}").get_data(as_text=True)


def test_a_manager_whose_team_held_another_return_long_ago_never_sees_held_work(app, web, world):
    """Held work is about its own returns: the manager of a team that held one of the child's
    returns months ago is not on the side of this one, and never reads it."""
    from datetime import datetime

    from tests.world import add_user

    with app.app_context():
        old_team = Team(name="RHI D")
        db.session.add(old_team)
        db.session.flush()
        manager_d = add_user("manager_d", "manager", old_team)
        db.session.add(
            Episode(
                child_id=world.children["a"],
                risk_grade="Low",
                dfe_type="M",
                started_at=datetime(2026, 5, 1, 9, 0),
                returned_at=datetime(2026, 5, 2, 9, 0),
                assigned_team_id=old_team.id,
            )
        )
        db.session.commit()
        email = manager_d.email
    _first, later = _visit_after_reallocation(app, web, world)
    assert one(send(web, [later]))["outcome"] == "held"
    held_id = _held_id(app)
    old = Web(app.test_client())
    old.sign_in(email)
    assert f"/held/{held_id}" not in old.get("/held").get_data(as_text=True)
    assert old.get(f"/held/{held_id}").status_code == 404


def test_a_managers_work_after_the_return_moved_is_held_though_they_still_see_it(app, web, world):
    """Manager A records Ada's interview; her team keeps Ada's record, so when the return
    moves to team B she still sees the interview, but may no longer change it: her next save
    and her tablet's upload are held for the managers, never refused and lost."""
    from tests.app.helpers import autosave, start

    with app.app_context():
        team_a = db.session.scalar(select(Team).where(Team.name == "RHI A"))
        db.session.get(Child, world.children["a"]).team_id = team_a.id
        db.session.commit()
    uuid = start(web, world, worker="manager_a")
    assert autosave(web, uuid, "sections.before.text", "One.", "").status_code == 200
    _reallocate_to_team_b(app, world)
    saved = autosave(web, uuid, "sections.away.text", "MGRWORDS at a flat", "")
    assert saved.status_code == 202, saved.get_data(as_text=True)[:300]
    with app.app_context():
        version = db.session.scalar(select(Interview.version).where(Interview.uuid == uuid))
    later = item([world.episodes["a"]], doc(sections__after__text="TABLETWORDS"), uuid=uuid)
    later["base_version"] = version
    assert one(send(web, [later]))["outcome"] == "held"
    with app.app_context():
        assert db.session.scalar(select(func.count(HeldWork.id))) == 2
    # Someone who only ever read it (the social worker's manager) is refused, as before.
    care = Web(app.test_client())
    care.sign_in(world.emails["manager_care"])
    care.get(f"/interviews/{uuid}/review")
    assert autosave(care, uuid, "sections.away.text", "x", "").status_code == 403


def _page_open_as_the_return_moves(app, web, world) -> tuple[str, str]:
    """Worker A's interview page is open (its uuid and form token) when the return moves to
    team B: its saves from now on are held."""
    uuid = start(web, world)
    token = csrf_from(web.get(f"/interviews/{uuid}/start").get_data(as_text=True))
    _reallocate_to_team_b(app, world)
    return uuid, token


def _held_rows(app, world, team_name: str, episode_id: int, how_many: int, hours_ago: float):
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == team_name))
        sender = db.session.scalar(
            select(User).where(User.team_id == team.id, User.role == "worker")
        )
        for n in range(how_many):
            db.session.add(
                HeldWork(
                    item_uuid=str(uuidlib.uuid4()),
                    payload_hash=uuidlib.uuid4().hex,
                    payload={"content": {}, "events": []},
                    child_id=world.children["a"],
                    episode_ids=[episode_id],
                    sent_by_id=sender.id,
                    sent_by_team_id=team.id,
                    received_at=utcnow() - timedelta(hours=hours_ago, seconds=n),
                )
            )
        db.session.commit()


def test_held_work_a_manager_may_not_see_never_takes_the_places_on_their_list(app, web, world):
    """Older held work of another team, about another return of a child this team holds now,
    comes before theirs in time: the list still shows theirs, as the menu counts it."""
    with app.app_context():
        team_b = db.session.scalar(select(Team).where(Team.name == "RHI B"))
        other = Episode(
            child_id=world.children["a"],
            risk_grade="Low",
            dfe_type="M",
            started_at=utcnow() - timedelta(days=40),
            returned_at=utcnow() - timedelta(days=39),
            assigned_team_id=team_b.id,
        )
        db.session.add(other)
        db.session.commit()
        other_id = other.id
    _held_rows(app, world, "RHI B", other_id, 201, hours_ago=30)
    _held_rows(app, world, "RHI A", world.episodes["a"], 1, hours_ago=1)
    web.sign_in(world.emails["manager_a"])
    page = web.get("/held").get_data(as_text=True)
    assert 'Held work <span class="count">(1)</span>' in page
    assert "Nothing is held" not in page
    assert page.count(">Ada Alpha</a>") == 1
    assert "The oldest" not in page


def test_more_held_work_than_a_page_holds_says_how_much_more(app, web, world):
    _held_rows(app, world, "RHI A", world.episodes["a"], 201, hours_ago=2)
    web.sign_in(world.emails["manager_a"])
    page = web.get("/held").get_data(as_text=True)
    assert page.count(">Ada Alpha</a>") == 200
    assert "The oldest 200 of 201 are shown." in page


def test_an_open_pages_saves_after_the_return_moved_are_held_as_one_piece(app, web, world):
    """Each pause in typing saves: four saves of one growing sentence were four pieces of held
    work, each a shorter copy of the next and each a version to choose between. They are one,
    with the latest words of each field."""
    uuid, token = _page_open_as_the_return_moves(app, web, world)

    starts: dict[str, str] = {}  # each tab's starting value for each field, as its page holds

    def save(path: str, words: str, tab: str = "one") -> None:
        # As the page sends it: the value it started from, then the words its held save took
        # (the held answer puts them in the page as the next starting value).
        original = starts.get(f"{tab}:{path}", "")
        response = web.client.post(
            f"/interviews/{uuid}/save",
            data={f"f:{path}": words, f"o:{path}": original},
            headers={"HX-Request": "true", "X-CSRFToken": token},
        )
        assert response.status_code == 202
        held_value = re.search(
            rf'name="o:{re.escape(path)}" value="([^"]*)"', response.get_data(as_text=True)
        )
        assert held_value and html.unescape(held_value.group(1)) == words
        starts[f"{tab}:{path}"] = words

    sentence = "She stayed at a flat above the takeaway"
    for end in (10, 20, 30, len(sentence)):
        save("sections.away.text", sentence[:end])
    save("sections.after.text", "Tired but glad to be home.")
    with app.app_context():
        (kept,) = db.session.scalars(select(HeldWork)).all()
        content = kept.payload["content"]["sections"]
        assert content["away"]["text"] == sentence
        assert content["after"]["text"] == "Tired but glad to be home."
        assert kept.payload["changed_paths"] == ["sections.after.text", "sections.away.text"]
    # Another tab, opened before the return moved, saves its own words for the same field:
    # a version of its own; and the first tab saving again goes on in its own piece, never
    # into the other tab's.
    save("sections.away.text", "Another tab's words.", tab="two")
    save("sections.away.text", sentence + ".")
    assert count(app, HeldWork) == 2
    with app.app_context():
        first, second = db.session.scalars(select(HeldWork).order_by(HeldWork.id)).all()
        assert first.payload["content"]["sections"]["away"]["text"] == sentence + "."
        assert second.payload["content"]["sections"]["away"]["text"] == "Another tab's words."
        db.session.delete(second)
        db.session.commit()
    sentence += "."
    # Once passed on, more saves are a new piece: the colleague reads it as it was passed.
    with app.app_context():
        kept_id = db.session.scalar(select(HeldWork.id))
        db.session.get(HeldWork, kept_id).state = "passed_on"
        db.session.commit()
    save("sections.away.text", sentence + ", with two older boys.")
    assert count(app, HeldWork) == 2
    # Taken whole, the piece still adds to the record as before.
    manager_b = Web(app.test_client())
    manager_b.sign_in(world.emails["manager_b"])
    page = manager_b.get(f"/held/{kept_id}").get_data(as_text=True)
    assert "above the takeaway" in page


def test_words_that_could_not_be_kept_are_never_said_to_be_held(app, web, world):
    uuid, token = _page_open_as_the_return_moves(app, web, world)
    response = web.client.post(
        f"/interviews/{uuid}/save",
        data={
            "f:sections.away.text": "At a friend's.",
            "o:sections.away.text": "",
            "f:sections.after.text": "x" * 50_001,
            "o:sections.after.text": "",
        },
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
    assert response.status_code == 202
    said = " ".join(response.get_data(as_text=True).split())
    after = said[said.index('id="meta-sections-after-text"') :]
    assert "This is too long to save" in after[:600]
    assert "Your words were kept" not in after[:600]
    away = said[said.index('id="meta-sections-away-text"') :]
    assert "Your words were kept for your manager" in away[:600]
    with app.app_context():
        (kept,) = db.session.scalars(select(HeldWork)).all()
        assert kept.payload["changed_paths"] == ["sections.away.text"]


def test_a_save_whose_only_words_could_not_be_kept_is_not_answered_as_held(app, web, world):
    """A 202 tells a tablet the server has the words and it may let go of its copy: for words
    refused (too long) the answer is 422, with why beside the field, and the copy stays."""
    uuid, token = _page_open_as_the_return_moves(app, web, world)
    response = web.client.post(
        f"/interviews/{uuid}/save",
        data={"f:sections.after.text": "x" * 50_001, "o:sections.after.text": ""},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
    assert response.status_code == 422
    assert "This is too long to save" in response.get_data(as_text=True)
    assert count(app, HeldWork) == 0


def test_without_javascript_words_that_could_not_be_kept_are_not_said_to_be_kept(app, web, world):
    uuid, token = _page_open_as_the_return_moves(app, web, world)
    page = web.client.post(
        f"/interviews/{uuid}/save",
        data={
            "csrf_token": token,
            "page": "away",
            "f:sections.after.text": "x" * 50_001,
            "o:sections.after.text": "",
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Not kept: This is too long to save" in page
    assert "Your words were kept" not in page
    assert count(app, HeldWork) == 0
