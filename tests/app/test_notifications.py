"""Missing and found notifications recorded by managers and coordinators (issue 13 item 2): the
form and its bad input, the "Still missing" list with hours, the long-episode mark, the return
starting the 72-hour clock, and who may do it.

The app tests' clock stands at 2026-11-23 12:00 UTC (tests/app/conftest.py); London is on UTC
in November, so the times typed here are UTC too."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from rhi.extensions import db
from rhi.models import (
    AuditEvent,
    Child,
    ContactAttempt,
    Episode,
    Interview,
    Team,
    WaitingRow,
)
from rhi.models.base import utcnow
from tests.conftest import Web

COORDINATOR = "coordinator_a"

MISSING = {
    "started_at": "2026-11-22T21:30",
    "reported_at": "2026-11-22T23:00",
    "reported_by": "carer",
    "reported_to_police": "yes",
    "police_reference": "WY-2211",
    "missing_from": "Oak House children's home",
    "risk_grade": "Medium",
    "dfe_type": "M",
}
BACK = {
    "returned_at": "2026-11-23T08:00",
    "return_method": "police",
    "found_where": "Leeds bus station",
    "found_by": "PC Shah",
    "safe_and_well_by": "PC Shah",
    "safe_and_well_at": "2026-11-23T09:00",
    "safe_and_well_notes": "Cold and hungry; had a new phone.",
    "safe_and_well_new": "Said an older man drove her to Leeds.",
}


def add_coordinator(world) -> None:
    from tests.world import add_user

    team = db.session.scalar(select(Team).where(Team.name == "RHI A"))
    user = add_user(COORDINATOR, "coordinator", team)
    db.session.commit()
    world.users[COORDINATOR] = user.id
    world.emails[COORDINATOR] = user.email


@pytest.fixture
def world(app):
    from tests.world import build_world

    with app.app_context():
        built = build_world()
        add_coordinator(built)
        # Ada's return in the shared world (back ten hours ago) would hold the time away these
        # tests record (from 22 Nov 21:30): it is an earlier one here, back days before.
        earlier = db.session.get(Episode, built.episodes["a"])
        earlier.started_at -= timedelta(days=5)
        earlier.returned_at -= timedelta(days=5)
        db.session.commit()
        return built


def signed_in(app, world, key: str) -> Web:
    web = Web(app.test_client())
    web.sign_in(world.emails[key])
    return web


def record_missing(web: Web, child_id: int, **changes: str):
    page = f"/children/{child_id}/episodes/new"
    return web.post(page, {**MISSING, **changes}, page=page)


def newest_episode(app) -> Episode:
    with app.app_context():
        episode = db.session.scalar(select(Episode).order_by(Episode.id.desc()))
        db.session.expunge(episode)
        return episode


def actions(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        ).all()
        for event in events:
            db.session.expunge(event)
        return list(events)


def test_a_coordinator_records_a_missing_episode_from_the_childs_page(app, world):
    web = signed_in(app, world, COORDINATOR)
    child = world.children["a"]
    page = web.get(f"/children/{child}").get_data(as_text=True)
    assert f'href="/children/{child}/episodes/new"' in page
    assert "Record a missing episode" in page
    form = web.get(f"/children/{child}/episodes/new").get_data(as_text=True)
    for grade in ("No apparent risk", "Low", "Medium", "High", "Not graded by police"):
        assert f'value="{grade}"' in form
    assert "Away from placement without authorisation" in form
    assert "bsent" not in form  # never "absent"

    response = record_missing(web, child)
    assert response.status_code == 302
    episode = newest_episode(app)
    assert response.headers["Location"] == f"/episodes/{episode.id}"
    assert (episode.child_id, episode.returned_at) == (child, None)
    assert episode.started_at == datetime(2026, 11, 22, 21, 30)
    assert episode.reported_at == datetime(2026, 11, 22, 23, 0)
    assert (episode.reported_by, episode.reported_to_police) == ("carer", True)
    assert (episode.police_reference, episode.missing_from) == ("WY-2211", MISSING["missing_from"])
    assert (episode.risk_grade, episode.dfe_type) == ("Medium", "M")
    assert (episode.assigned_worker_id, episode.assigned_team_id) == (None, None)
    assert episode.recorded_by_id == world.users[COORDINATOR]
    (event,) = actions(app, "episode.create")
    assert (event.user_id, event.object_id, event.child_id) == (
        world.users[COORDINATOR],
        str(episode.id),
        child,
    )
    assert "Oak House" not in (event.detail or "")

    shown = web.get(f"/episodes/{episode.id}").get_data(as_text=True)
    assert "Still missing" in shown and "14 hours so far" in shown
    assert "Oak House children&#39;s home" in shown
    assert "Record the return" in shown and "Not allocated yet" in shown


def test_the_still_missing_list_shows_hours_and_marks_long_episodes(app, world):
    manager = signed_in(app, world, "manager_a")
    with app.app_context():  # a second child the team keeps (one child is missing once at a time)
        cara = Child(
            first_name="Cara",
            last_name="Gamma",
            date_of_birth=datetime(2010, 3, 4).date(),
            ethnicity="not_known",
            legal_status="none",
            team_id=db.session.scalar(select(Team.id).where(Team.name == "RHI A")),
        )
        db.session.add(cara)
        db.session.commit()
        cara_id = cara.id
    record_missing(manager, world.children["a"])  # 14 hours ago
    record_missing(
        manager,
        cara_id,
        started_at="2026-11-20T12:00",
        reported_at="",
        police_reference="WY-2012",
    )
    html = manager.get("/returns").get_data(as_text=True)
    section = html[html.index("Still missing") : html.index("Waiting to be allocated")]
    assert "14 hours" in section and "72 hours" in section
    assert section.count("Missing more than 48 hours") == 1
    assert section.index("72 hours") < section.index("14 hours")  # longest missing first
    long_one = newest_episode(app)
    page = manager.get(f"/episodes/{long_one.id}").get_data(as_text=True)
    assert "Missing more than 48 hours" in page
    # The htmx refresh carries the same lists.
    fragment = manager.get("/returns", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Missing more than 48 hours" in fragment and "<html" not in fragment
    # A worker has no such list, and sees no unallocated episode.
    worker = signed_in(app, world, "worker_a").get("/returns").get_data(as_text=True)
    assert "Still missing" not in worker and "Missing more than" not in worker


def test_a_returned_episode_longer_than_the_setting_is_marked_on_its_card(app, world):
    app.config["RHI_LONG_EPISODE_HOURS"] = 12
    worker = signed_in(app, world, "worker_a")
    html = worker.get("/returns").get_data(as_text=True)  # episode a: 20 hours missing
    assert "Missing more than 12 hours" in html
    page = worker.get(f"/episodes/{world.episodes['a']}").get_data(as_text=True)
    assert "Missing more than 12 hours" in page
    app.config["RHI_LONG_EPISODE_HOURS"] = 48
    assert "Missing more than" not in worker.get("/returns").get_data(as_text=True)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"started_at": "2026-11-24T09:00"}, "started_at", "can&#39;t be in the future"),
        ({"started_at": ""}, "started_at", "Enter the date and time."),
        ({"started_at": "yesterday"}, "started_at", "Enter a date and time in this form"),
        ({"reported_at": "2026-11-25T09:00"}, "reported_at", "can&#39;t be in the future"),
        ({"reported_at": "2026-11-22T20:00"}, "reported_at", "before the time the child went"),
        ({"reported_by": ""}, "reported_by", "Choose who reported it."),
        ({"reported_by": "neighbour"}, "reported_by", "One of: carer, parent, school"),
        ({"reported_to_police": ""}, "reported_to_police", "Choose whether it was reported"),
        ({"missing_from": " "}, "missing_from", "Write where the child went missing from."),
        ({"risk_grade": ""}, "risk_grade", "Choose the police risk grade."),
        ({"risk_grade": "Absent"}, "risk_grade", "One of: No apparent risk, Low, Medium, High"),
        ({"dfe_type": "X"}, "dfe_type", "Not a valid choice"),
        ({"police_reference": "R" * 61}, "police_reference", "the most is 60 characters"),
    ],
)
def test_a_bad_notification_is_refused_next_to_the_field_keeping_what_was_typed(
    app, world, changes, field, message
):
    web = signed_in(app, world, COORDINATOR)
    response = record_missing(web, world.children["a"], **changes)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error = html[html.index(f'id="{field}-error"') :][:400]
    assert message in error, error
    assert 'value="Oak House children&#39;s home"' in html or field == "missing_from"
    for name, value in changes.items():
        if value.strip() and name not in ("reported_by", "risk_grade", "dfe_type"):
            assert f'value="{value}"' in html
    with app.app_context():
        assert (
            db.session.scalar(select(Episode).where(Episode.police_reference == "WY-2211")) is None
        )


def test_an_htmx_post_gets_the_form_back_with_its_errors(app, world):
    web = signed_in(app, world, COORDINATOR)
    page = f"/children/{world.children['a']}/episodes/new"
    response = web.post(
        page,
        {**MISSING, "started_at": "2026-12-01T09:00"},
        page=page,
        headers={"HX-Request": "true"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" not in html and 'id="notification-form"' in html
    ok = web.post(page, MISSING, page=page, headers={"HX-Request": "true"})
    assert ok.status_code == 200 and ok.headers["HX-Redirect"].startswith("/episodes/")


def record_back(web: Web, episode_id: int, **changes: str):
    page = f"/episodes/{episode_id}/return"
    return web.post(page, {**BACK, **changes}, page=page)


def test_recording_the_return_starts_the_72_hour_clock(app, world):
    coordinator = signed_in(app, world, COORDINATOR)
    record_missing(coordinator, world.children["a"])
    episode = newest_episode(app)
    form = coordinator.get(f"/episodes/{episode.id}/return").get_data(as_text=True)
    assert "Anything new the child told us" in form
    response = record_back(coordinator, episode.id)
    assert response.status_code == 302
    said = coordinator.get(response.headers["Location"]).get_data(as_text=True)
    assert re.search(r"within 72 hours of their return: 6[78] hours left\.", said)
    back = newest_episode(app)
    assert back.returned_at == datetime(2026, 11, 23, 8, 0)
    assert (back.return_method, back.found_where, back.found_by) == (
        "police",
        "Leeds bus station",
        "PC Shah",
    )
    assert back.safe_and_well_at == datetime(2026, 11, 23, 9, 0)
    assert back.safe_and_well_new == BACK["safe_and_well_new"]
    (event,) = actions(app, "episode.return")
    assert event.object_id == str(episode.id) and "older man" not in (event.detail or "")
    # The clock: due 72 hours from the return (08:00), now 12:00: 68 hours left.
    html = coordinator.get("/returns").get_data(as_text=True)
    waiting = html[html.index("Waiting to be allocated") : html.index("Allocated returns")]
    assert "Ada Alpha" in waiting and "(due 26 Nov 2026 08:00)" in waiting
    assert "67 hours left" in waiting  # the test clock ticks on from 12:00
    page = coordinator.get(f"/episodes/{episode.id}").get_data(as_text=True)
    assert "Brought back by police" in page and "Said an older man drove her" in page
    assert "Change the return" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"returned_at": "2026-11-22T20:00"}, "returned_at", "before the child went missing"),
        ({"returned_at": "2026-11-23T18:00"}, "returned_at", "can&#39;t be in the future"),
        ({"returned_at": ""}, "returned_at", "Enter the date and time."),
        ({"return_method": ""}, "return_method", "Choose how."),
        ({"safe_and_well_at": "2026-11-24T09:00"}, "safe_and_well_at", "in the future"),
        ({"safe_and_well_at": "2026-11-23T07:00"}, "safe_and_well_at", "after the child is back"),
    ],
)
def test_a_bad_return_is_refused_next_to_the_field(app, world, changes, field, message):
    coordinator = signed_in(app, world, COORDINATOR)
    record_missing(coordinator, world.children["a"])
    episode = newest_episode(app)
    response = record_back(coordinator, episode.id, **changes)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error = html[html.index(f'id="{field}-error"') :][:300]
    assert message in error, error
    assert "Said an older man drove her to Leeds." in html  # what was typed is kept
    assert newest_episode(app).returned_at is None


def test_a_start_moved_after_the_return_is_refused(app, world):
    manager = signed_in(app, world, "manager_a")
    page = f"/episodes/{world.episodes['a']}/notification"  # returned 10 hours ago
    form = manager.get(page).get_data(as_text=True)
    assert 'value="Medium" selected' in form or 'selected value="Medium"' in form
    moved = {**MISSING, "started_at": "2026-11-23T11:00", "reported_at": ""}
    response = manager.post(page, moved, page=page)
    assert response.status_code == 422
    assert "after the child came back" in response.get_data(as_text=True)


def test_correcting_the_notification_audits_the_names_of_what_changed(app, world):
    coordinator = signed_in(app, world, COORDINATOR)
    record_missing(coordinator, world.children["a"])
    episode = newest_episode(app)
    page = f"/episodes/{episode.id}/notification"
    form = coordinator.get(page).get_data(as_text=True)
    assert 'value="2026-11-22 21:30"' in form and "WY-2211" in form
    changed = {**MISSING, "risk_grade": "High", "missing_from": "School"}
    assert coordinator.post(page, changed, page=page).status_code == 302
    assert newest_episode(app).risk_grade == "High"
    (event,) = actions(app, "episode.update")
    assert event.detail == "changed: missing_from, risk_grade"
    assert coordinator.post(page, changed, page=page).status_code == 302
    assert len(actions(app, "episode.update")) == 1  # nothing changed, nothing recorded


def test_correcting_the_return_time_moves_an_open_interviews_deadline(app, world):
    with app.app_context():
        episode = db.session.get(Episode, world.episodes["a"])
        interview = Interview(status="offered", due_at=episode.returned_at + timedelta(hours=72))
        interview.episodes.append(episode)
        db.session.add(interview)
        db.session.commit()
        uuid = interview.uuid
    manager = signed_in(app, world, "manager_a")
    response = record_back(manager, world.episodes["a"], returned_at="2026-11-23T06:00")
    assert response.status_code == 302
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        assert interview.due_at == datetime(2026, 11, 26, 6, 0)
    assert [e.action for e in actions(app, "episode.return.update")] == ["episode.return.update"]


@pytest.mark.parametrize("role", ["worker_a", "social_worker"])
def test_workers_and_social_workers_do_not_record_notifications(app, world, role):
    web = signed_in(app, world, role)
    child, episode = world.children["a"], world.episodes["a"]
    assert "Record a missing episode" not in web.get(f"/children/{child}").get_data(as_text=True)
    assert web.get(f"/children/{child}/episodes/new").status_code == 403
    assert record_missing(web, child).status_code == 403
    assert web.get(f"/episodes/{episode}/return").status_code == 403
    assert record_back(web, episode).status_code == 403
    assert web.get(f"/episodes/{episode}/notification").status_code == 403
    page = web.get(f"/episodes/{episode}").get_data(as_text=True)
    assert "Change the missing notification" not in page
    refused = actions(app, "change.refused")
    # Five: the three forms opened and the two posted.
    assert len(refused) == 5 and {e.user_id for e in refused} == {world.users[role]}
    with app.app_context():
        assert (
            db.session.scalar(select(Episode).where(Episode.police_reference == "WY-2211")) is None
        )


def test_another_teams_coordinator_cannot_see_or_record(app, world):
    with app.app_context():
        from tests.world import add_user

        team_b = db.session.scalar(select(Team).where(Team.name == "RHI B"))
        add_user("coordinator_b", "coordinator", team_b)
        db.session.commit()
    web = Web(app.test_client())
    web.sign_in("coordinator_b@test.example.org")
    assert web.get(f"/children/{world.children['a']}/episodes/new").status_code == 404
    assert record_missing(web, world.children["a"]).status_code == 404
    assert record_back(web, world.episodes["a"]).status_code == 404
    refused = actions(app, "access.refused")
    assert {e.child_id for e in refused} == {world.children["a"]}


def test_the_coordinator_sees_statuses_never_interview_content_on_the_episode_page(app, world):
    with app.app_context():
        episode = db.session.get(Episode, world.episodes["a"])
        interview = Interview(
            status="declined",
            due_at=episode.returned_at + timedelta(hours=72),
            offered_at=utcnow(),
            declined_at=utcnow(),
            decline_reason="I just want to sleep.",
        )
        interview.episodes.append(episode)
        interview.contact_attempts.append(
            ContactAttempt(
                attempted_at=utcnow() - timedelta(hours=1),
                method="phone",
                outcome="spoke",
                note="Carer said she is frightened of a man called J.",
            )
        )
        db.session.add(interview)
        db.session.commit()
    coordinator = signed_in(app, world, COORDINATOR)
    assert coordinator.get("/").headers["Location"] == "/returns"
    assert coordinator.get("/returns").status_code == 200
    page = coordinator.get(f"/episodes/{world.episodes['a']}").get_data(as_text=True)
    # The coordinator sees the status and what happened at each attempt, not the words.
    assert "<strong>Child said no</strong>" in page
    assert "<td>Spoke with the child</td>" in page
    assert "I just want to sleep." not in page
    assert "frightened" not in page
    assert "Read the interview" not in page and "/interviews/" not in page
    manager = signed_in(app, world, "manager_a")
    page = manager.get(f"/episodes/{world.episodes['a']}").get_data(as_text=True)
    assert "I just want to sleep." in page and "frightened" in page


def test_a_police_reference_another_episode_holds_is_refused_by_its_box(app, world):
    """Each episode has its own reference: a second one made every later import of it refused,
    with no way out."""
    web = signed_in(app, world, COORDINATOR)
    child = world.children["a"]
    assert record_missing(web, child).status_code == 302
    first = newest_episode(app)
    again = record_missing(web, child, police_reference="wy-2211 ", started_at="2026-11-22T22:00")
    assert again.status_code == 422
    html = again.get_data(as_text=True)
    assert "rhi already holds another episode with this police reference." in html
    assert 'value="wy-2211 "' in html  # what was typed stays
    assert newest_episode(app).id == first.id
    # Its own episode keeps its reference when its notification is corrected.
    page = f"/episodes/{first.id}/notification"
    saved = web.post(page, {**MISSING, "risk_grade": "High"}, page=page)
    assert saved.status_code == 302


def test_a_police_reference_waiting_for_a_person_is_refused_by_its_box(app, world):
    """A police notification with the reference waits for someone to confirm the child: the
    decision is made there, where its details (the found time among them) are."""
    with app.app_context():
        db.session.add(
            WaitingRow(
                police_reference="WY-7001",
                values={"police_reference": "WY-7001", "returned": "22/11/2026 11:30"},
                candidate_child_id=world.children["a"],
                reason="Similar name",
                team_id=None,
                source="daily.csv",
            )
        )
        db.session.commit()
    web = signed_in(app, world, COORDINATOR)
    refused = record_missing(web, world.children["a"], police_reference="wy-7001 ")
    assert refused.status_code == 422
    assert "is waiting for someone to confirm which child it is" in refused.get_data(as_text=True)


def test_a_return_recorded_late_is_said_to_be_overdue_already(app, world):
    coordinator = signed_in(app, world, COORDINATOR)
    record_missing(coordinator, world.children["a"], started_at="2026-11-18T21:30")
    episode = newest_episode(app)
    late = record_back(
        coordinator,
        episode.id,
        returned_at="2026-11-19T08:00",
        safe_and_well_at="2026-11-19T09:00",
    )
    shown = coordinator.get(late.headers["Location"]).get_data(as_text=True)
    assert "within 72 hours of their return: it is already overdue." in shown


def test_a_child_still_missing_is_not_recorded_missing_twice(app, world):
    """Recorded twice, one time away was two returns to allocate and a repeat count one too
    high, with no way to take the second back: the box names the episode to correct."""
    web = signed_in(app, world, COORDINATOR)
    assert record_missing(web, world.children["a"]).status_code == 302
    first = newest_episode(app)
    again = record_missing(
        web, world.children["a"], police_reference="WY-2301", started_at="2026-11-22T22:00"
    )
    assert again.status_code == 422
    said = " ".join(again.get_data(as_text=True).split())
    assert "Ada Alpha is already recorded as missing since 22 Nov 2026 21:30" in said
    assert newest_episode(app).id == first.id
    # Back: a new time away is recorded as its own episode.
    assert record_back(web, first.id).status_code == 302
    later = record_missing(
        web,
        world.children["a"],
        police_reference="WY-2300",
        started_at="2026-11-23T10:00",
        reported_at="",
    )
    assert later.status_code == 302 and newest_episode(app).id != first.id


def test_another_teams_open_episode_is_never_named_to_those_who_cannot_see_it(app, world):
    with app.app_context():
        db.session.add(
            Episode(
                child_id=world.children["a"],
                risk_grade="Low",
                dfe_type="M",
                started_at=datetime(2026, 11, 21, 6, 45),
                assigned_team_id=db.session.scalar(select(Team.id).where(Team.name == "RHI B")),
            )
        )
        db.session.commit()
    web = signed_in(app, world, COORDINATOR)
    response = record_missing(web, world.children["a"])
    assert "21 Nov 2026 06:45" not in response.get_data(as_text=True)
    assert response.status_code == 302


def test_a_time_away_inside_one_already_back_is_not_recorded_twice(app, world):
    """A missing time inside a time away that already has its return was a second episode for
    the same time away (two returns to allocate, a repeat count one too high), new or corrected
    into it: the box names the episode to correct instead."""
    with app.app_context():
        earlier = db.session.get(Episode, world.episodes["a"])
        earlier.started_at = datetime(2026, 11, 20, 10, 0)
        earlier.returned_at = datetime(2026, 11, 21, 18, 0)
        db.session.commit()
    web = signed_in(app, world, COORDINATOR)
    before = newest_episode(app).id
    inside = record_missing(web, world.children["a"], started_at="2026-11-21T09:00")
    assert inside.status_code == 422
    said = " ".join(inside.get_data(as_text=True).split())
    assert (
        "Ada Alpha is already recorded as missing from 20 Nov 2026 10:00 until they came back "
        "21 Nov 2026 18:00, and this falls inside it." in said
    )
    assert newest_episode(app).id == before
    # After that return, a new time away is its own episode; corrected into the earlier one,
    # it is refused the same way, and stays as it was.
    assert record_missing(web, world.children["a"]).status_code == 302
    later = newest_episode(app)
    page = f"/episodes/{later.id}/notification"
    moved = web.post(page, {**MISSING, "started_at": "2026-11-20T12:00"}, page=page)
    assert moved.status_code == 422
    assert "and this falls inside it" in moved.get_data(as_text=True)
    assert newest_episode(app).started_at == datetime(2026, 11, 22, 21, 30)
    # Its start exactly at the earlier return is a new time away.
    assert (
        web.post(page, {**MISSING, "started_at": "2026-11-21T18:00"}, page=page).status_code == 302
    )


def test_a_return_moved_after_its_interview_was_offered_is_refused_next_to_the_field(app, world):
    """A probe: a return corrected to after its interview was offered (and held) went through
    with no word, and the service page then said "under an hour" to the offer and to the
    interview, for times that were negative. Refused, saying what and when; what was typed is
    kept. A correction before the offer still goes through."""
    coordinator = signed_in(app, world, COORDINATOR)
    record_missing(coordinator, world.children["a"])
    episode = newest_episode(app)
    assert record_back(coordinator, episode.id).status_code == 302  # back at 08:00
    worker = signed_in(app, world, "worker_a")
    url = f"/episodes/{episode.id}"
    allocated = coordinator.post(
        f"{url}/allocate", {"to": f"worker:{world.users['worker_a']}"}, page=f"{url}/allocate"
    )
    assert allocated.status_code == 302
    offered = worker.post(
        url + "/offer", {"offered_at": "2026-11-23T08:15", "method": "phone"}, page=url
    )
    assert offered.status_code in (200, 302)
    response = record_back(coordinator, episode.id, returned_at="2026-11-23T08:30")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error = " ".join(html[html.index('id="returned_at-error"') :][:400].split())
    assert "was offered on 23 Nov 2026 08:15, before this time" in error, error
    assert "Said an older man drove her to Leeds." in html  # what was typed is kept
    assert newest_episode(app).returned_at == datetime(2026, 11, 23, 8, 0)
    # Earlier than the offer: a correction as any other.
    assert record_back(coordinator, episode.id, returned_at="2026-11-23T07:30").status_code == 302
    assert newest_episode(app).returned_at == datetime(2026, 11, 23, 7, 30)


def test_a_corrected_return_keeps_the_deadline_length_its_interview_was_given(app, world):
    """A review: correcting a return's time gave its interview the deadline setting of today
    (72 hours here), though it was given 48 when made: a setting changed since does not judge
    a return again, on the figures or on its interview."""
    with app.app_context():
        episode = db.session.get(Episode, world.episodes["a"])
        interview = Interview(status="offered", due_at=episode.returned_at + timedelta(hours=48))
        interview.episodes.append(episode)
        db.session.add(interview)
        db.session.commit()
        uuid = interview.uuid
    manager = signed_in(app, world, "manager_a")
    assert (
        record_back(manager, world.episodes["a"], returned_at="2026-11-23T06:00").status_code == 302
    )
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        assert interview.due_at == datetime(2026, 11, 25, 6, 0)  # 48 hours after the new time


def _finished(app, world, *, held: datetime) -> str:
    """Ada's return of 19 Nov 10:00 (away since 18 Nov), its interview finished, held `held`,
    due 72 hours after the return."""
    with app.app_context():
        episode = db.session.get(Episode, world.episodes["a"])
        episode.started_at = datetime(2026, 11, 18, 20, 0)
        episode.returned_at = datetime(2026, 11, 19, 10, 0)
        interview = Interview(
            status="finished",
            due_at=episode.returned_at + timedelta(hours=72),
            held_at=held,
            finished_at=held,
            outcome="held",
            outcome_at=held,
        )
        interview.episodes.append(episode)
        db.session.add(interview)
        db.session.commit()
        return interview.uuid


def test_a_corrected_return_moves_a_finished_interviews_deadline_too(app, world):
    """An intake probe: the police corrected a return whose interview was finished; the return
    moved and its deadline did not, so an interview held 75 hours after the return counted as
    in time against a deadline of 76 hours nobody set (the inspectors' list said so)."""
    uuid = _finished(app, world, held=datetime(2026, 11, 22, 9, 0))  # 71 hours: in time
    manager = signed_in(app, world, "manager_a")
    response = record_back(manager, world.episodes["a"], returned_at="2026-11-19T06:00")
    assert response.status_code == 302
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        assert interview.due_at == datetime(2026, 11, 22, 6, 0)  # held 75 hours after: late
    page = manager.get(f"/episodes/{world.episodes['a']}").get_data(as_text=True)
    assert "22 Nov 2026 06:00" in page
    assert [e.detail for e in actions(app, "interview.due")] == [
        "deadline moved with the corrected return time"
    ]


def test_an_interview_for_two_returns_is_timed_from_the_first_whichever_is_corrected(app, world):
    uuid = _finished(app, world, held=datetime(2026, 11, 23, 11, 0))
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        first = db.session.get(Episode, world.episodes["a"])
        later = Episode(
            child=first.child,
            risk_grade="Medium",
            started_at=datetime(2026, 11, 20, 18, 0),
            returned_at=datetime(2026, 11, 21, 8, 0),
            assigned_team_id=first.assigned_team_id,
        )
        db.session.add(later)
        interview.episodes.append(later)
        db.session.commit()
        later_id = later.id
    manager = signed_in(app, world, "manager_a")
    # The later return corrected: the interview is timed from the first, as it was.
    assert record_back(manager, later_id, returned_at="2026-11-21T09:00").status_code == 302
    # The first corrected: the deadline moves with it, keeping its 72 hours.
    assert (
        record_back(manager, world.episodes["a"], returned_at="2026-11-19T12:00").status_code == 302
    )
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        assert interview.due_at == datetime(2026, 11, 22, 12, 0)
    assert len(actions(app, "interview.due")) == 1
