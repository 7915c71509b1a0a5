"""The service page (issue 15 item 1, first part): figures for a period over the returns a
manager or coordinator may see, counted in SQL, each linked to the records behind it, and as
CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlalchemy import select

from rhi.extensions import db
from rhi.models import AuditEvent, Child, Episode, Interview, Team, User
from tests.app.helpers import ADMIN_SETTINGS, figure_beside, page_text, service_history
from tests.conftest import Web
from tests.world import password_hash


def test_the_managers_figures_count_their_teams_returns_and_link_to_them(app, world_i):
    service_history(app, world_i)
    manager = Web(app.test_client())
    manager.sign_in(world_i.emails["manager_a"])
    html = manager.get("/service").get_data(as_text=True)
    assert figure_beside(html, "Returns (episodes that ended in the period)") == "2"
    assert figure_beside(html, "Children who came back") == "1"
    assert figure_beside(html, "Returns of looked-after children") == "2"
    assert figure_beside(html, "Returns offered an interview") == "2"
    assert figure_beside(html, "Returns where the child said yes") == "1"
    assert figure_beside(html, "Returns where the child said no") == "1"
    assert figure_beside(html, "Offered, no answer recorded") == "0"  # 2 offered: 1 yes, 1 no
    assert figure_beside(html, "Returns with an interview held") == "1"
    assert figure_beside(html, "Held within 72 hours") == "1"
    assert "Held within 72 hours, of those held: 100%" in page_text(html)
    assert "To the interview 5 hours 5 hours 1" in page_text(html)
    assert "To the offer of an interview 1 hour 3 hours 2" in page_text(html)
    # Waiting now: nothing of team A's is open (Ada's is held, the earlier one declined).
    assert "Past the 72 hours 0 Due within 24 hours 0 Due later 0" in page_text(html)
    records = manager.get("/service/records?figure=declined&period=this_month")
    page = page_text(records.get_data(as_text=True))
    assert "Ada Alpha" in page and "Child said no" in page and "Ben Beta" not in page
    with app.app_context():
        assert (
            db.session.scalar(
                select(AuditEvent.detail).where(AuditEvent.action == "service.records")
            )
            == "declined this_month"
        )
    # The children's link lists their returns, and says so (2 rows for 1 child).
    children = page_text(manager.get("/service/records?figure=children").get_data(as_text=True))
    assert "listed once for each return" in children
    # Another team's manager counts their own team's returns only.
    other = Web(app.test_client())
    other.sign_in(world_i.emails["manager_b"])
    theirs = other.get("/service").get_data(as_text=True)
    assert figure_beside(theirs, "Returns (episodes that ended in the period)") == "1"
    assert figure_beside(theirs, "Returns with an interview held") == "0"
    # Ben's offer has no answer yet: what was offered adds up (yes + no + no answer yet).
    assert figure_beside(theirs, "Returns offered an interview") == "1"
    assert figure_beside(theirs, "Offered, no answer recorded") == "1"
    # Ben's return (80 hours ago, offered, not held) is past the 72 hours.
    assert "Past the 72 hours 1" in page_text(theirs)
    assert "To the interview none yet none yet 0" in page_text(theirs)
    assert "Ada" not in other.get("/service/records?figure=returns").get_data(as_text=True)


def test_periods_and_the_csv(app, world_i):
    service_history(app, world_i)
    manager = Web(app.test_client())
    manager.sign_in(world_i.emails["manager_a"])
    last_month = manager.get("/service?period=last_month").get_data(as_text=True)
    assert figure_beside(last_month, "Returns (episodes that ended in the period)") == "0"
    assert "1 Oct 2026 to 31 Oct 2026" in last_month
    # The pages it links to open on the same period, and come back to it.
    for linked in ("/service/repeats", "/service/disparities"):
        assert f'href="{linked}?period=last_month"' in last_month, linked
    custom_back = manager.get("/service/disparities?period=custom&start=2026-11-17&end=2026-11-19")
    assert 'href="/service?period=custom&amp;start=2026-11-17&amp;end=2026-11-19"' in (
        custom_back.get_data(as_text=True)
    )
    # Dates chosen: only the earlier return (about five days before the test's 23 November).
    custom = manager.get("/service?period=custom&start=2026-11-17&end=2026-11-19")
    assert figure_beside(custom.get_data(as_text=True), "Returns where the child said no") == "1"
    assert figure_beside(custom.get_data(as_text=True), "Returns with an interview held") == "0"
    # Dates that end before they start are refused next to the dates, which keep what was typed.
    backwards = manager.get("/service?period=custom&start=2026-11-19&end=2026-11-17")
    assert backwards.status_code == 400
    said = backwards.get_data(as_text=True)
    assert "The period ends before it starts" in said and 'value="2026-11-19"' in said
    assert "Returns with an interview held" not in said  # no figures for a period nobody asked for
    response = manager.get("/service.csv?period=collection_year")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["Figure", "Number", "From", "To"]
    assert ["Returns with an interview held", "1", "2026-04-01", "2026-11-23"] in rows
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"service.view", "service.csv"} <= actions


def test_a_coordinator_sees_the_figures_and_a_worker_does_not(app, world_i):
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == "RHI A"))
        db.session.add(
            User(
                email="coordinator@test.example.org",
                name="Coordinator",
                role="coordinator",
                team=team,
                password_hash=password_hash(),
            )
        )
        db.session.commit()
    coordinator = Web(app.test_client())
    coordinator.sign_in("coordinator@test.example.org")
    html = coordinator.get("/service").get_data(as_text=True)
    assert figure_beside(html, "Returns (episodes that ended in the period)") == "1"
    assert "The service" in html
    worker = Web(app.test_client())
    worker.sign_in(world_i.emails["worker_a"])
    assert worker.get("/service").status_code == 403
    assert worker.get("/service/records?figure=returns").status_code == 403
    assert "The service" not in worker.get("/returns").get_data(as_text=True)
    with app.app_context():
        refused = db.session.scalar(
            select(AuditEvent)
            .where(AuditEvent.action == "service.view", AuditEvent.outcome == "refused")
            .order_by(AuditEvent.id)
        )
        assert refused.user_id == world_i.users["worker_a"]
        assert db.session.scalar(select(Child.id).where(Child.first_name == "Ada")) is not None


def test_held_at_the_deadline_itself_is_late_as_the_clock_and_the_exports_say(app, world_i):
    """One rule for the 72 hours (rhi.deadlines.Clock): at exactly the deadline the interview is
    already late, on the service page as on the Returns clock and in the inspectors' list."""
    service_history(app, world_i)
    with app.app_context():
        interview = db.session.scalar(
            select(Interview).where(Interview.uuid == world_i.interviews["a"])
        )
        interview.held_at = interview.due_at  # 72:00 after the return
        db.session.commit()
    manager = Web(app.test_client())
    manager.sign_in(world_i.emails["manager_a"])
    html = manager.get("/service").get_data(as_text=True)
    assert figure_beside(html, "Returns with an interview held") == "1"
    assert figure_beside(html, "Held within 72 hours") == "0"
    with app.app_context():
        interview = db.session.scalar(
            select(Interview).where(Interview.uuid == world_i.interviews["a"])
        )
        interview.held_at = interview.due_at - timedelta(minutes=1)  # 71:59
        db.session.commit()
    html = manager.get("/service").get_data(as_text=True)
    assert figure_beside(html, "Held within 72 hours") == "1"


def test_a_return_decided_against_is_no_longer_waiting(app, world_i):
    """ "Record the outcome: decided not to interview" leaves the interview offered but closes
    the return: the service page no longer counts it as past the 72 hours."""
    from rhi.episodes import service as episode_service
    from rhi.models.base import utcnow

    service_history(app, world_i)
    other = Web(app.test_client())
    other.sign_in(world_i.emails["manager_b"])
    assert "Past the 72 hours 1" in page_text(other.get("/service").get_data(as_text=True))
    with app.app_context():
        episode = db.session.get(Episode, world_i.episodes["b"])
        manager = db.session.get(User, world_i.users["manager_b"])
        for begun in episode.interviews:  # offered, not begun: as the page counts it
            begun.status = "offered"
        interview = episode_service.record_outcome(
            episode,
            manager,
            outcome="not_interviewed",
            at=utcnow(),
            reason="Ben is settled at home and the strategy meeting agreed.",
            decided_by="Manager B",
        )
        db.session.commit()
        assert interview.status == "offered" and interview.outcome == "not_interviewed"
    text = page_text(other.get("/service").get_data(as_text=True))
    assert "Past the 72 hours 0 Due within 24 hours 0 Due later 0" in text


def test_the_figures_name_the_services_own_deadline(app, world_i):
    service_history(app, world_i)
    admin = Web(app.test_client())
    admin.sign_in(world_i.emails["admin"])
    settings = {**ADMIN_SETTINGS, "deadline_hours": "48"}
    assert admin.post("/admin/settings", settings, page="/admin/settings").status_code == 302
    # Interviews made under the 48 hours are given 48 (rhi/episodes/service.py): the figures
    # name the deadline their returns were given, never the setting for returns given another
    # (tests/app/test_deadline_changed.py).
    with app.app_context():
        for interview in db.session.scalars(select(Interview)):
            first = min(e.returned_at for e in interview.episodes)
            interview.due_at = first + timedelta(hours=48)
        db.session.commit()
    manager = Web(app.test_client())
    manager.sign_in(world_i.emails["manager_a"])
    page = page_text(manager.get("/service").get_data(as_text=True))
    for words in ("Held within 48 hours", "Past the 48 hours"):
        assert words in page, words
    assert "72 hours" not in page
    csv_text = manager.get("/service.csv").get_data(as_text=True)
    assert "Held within 48 hours" in csv_text and "72 hours" not in csv_text
    disparities = page_text(manager.get("/service/disparities").get_data(as_text=True))
    assert "Held within 48 hours" in disparities
    listing = manager.get(
        "/service/exports/download?export=episodes&start=2026-11-01&end=2026-11-30&anyway=1"
    ).get_data(as_text=True)
    assert listing.splitlines()[0].endswith("Held within 48 hours")


def test_an_interview_the_child_stopped_and_said_no_to_is_a_no_not_held(app, world_i):
    """Begun, then the child stopped and asked not to be asked again (the return's outcome:
    declined): counted once, as a no, never as held or as a yes (a probe found it counted as
    held in time, completed and accepted, and the offers adding up to more than were made)."""
    service_history(app, world_i)
    manager = Web(app.test_client())
    manager.sign_in(world_i.emails["manager_a"])
    before = manager.get("/service").get_data(as_text=True)
    assert figure_beside(before, "Returns with an interview held") == "1"
    said_no = int(figure_beside(before, "Returns where the child said no"))
    with app.app_context():
        interview = db.session.scalar(
            select(Interview).where(Interview.uuid == world_i.interviews["a"])
        )
        assert interview.held_at is not None and interview.accepted_at is not None
        interview.status, interview.outcome = "declined", "declined"
        interview.outcome_at = interview.held_at + timedelta(minutes=20)
        db.session.commit()
    html = manager.get("/service").get_data(as_text=True)
    assert figure_beside(html, "Returns with an interview held") == "0"
    assert figure_beside(html, "Held within 72 hours") == "0"
    assert figure_beside(html, "Returns where the child said yes") == "0"
    assert figure_beside(html, "Returns where the child said no") == str(said_no + 1)
    survey = manager.get("/service/survey.csv").get_data(as_text=True)
    assert "Returns with a return interview completed,0" in survey.replace('"', "")


def test_when_the_chat_started_corrected_on_the_page_is_when_it_was_held(app, web, world):
    """Met in time, typed up later: the worker corrects "When the chat started", and the
    figures follow it, as they do for a tablet's upload (a probe found the web kept the moment
    Start was pressed, so the visit counted late)."""
    from datetime import datetime

    from tests.app.helpers import autosave, start

    uuid = start(web, world)
    # Ada came back at 02:00; met at 03:15, typed up at noon.
    assert autosave(web, uuid, "start.held_on", "2026-11-23 03:15", None).status_code == 200
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        assert interview.held_at == datetime(2026, 11, 23, 3, 15)  # London is on UTC in November


def test_one_interview_for_two_returns_is_judged_against_each_returns_own_deadline(app, web, world):
    """Ada came back 100 hours ago and again 30 hours ago; one interview for both was held 20
    hours ago: late for the first return, in time for the second, as the inspectors' list says
    (the page judged both by the earlier deadline)."""
    from datetime import datetime

    from tests.app.helpers import doc, item, one, send, with_yes

    now = datetime(2026, 11, 23, 12, 0)
    with app.app_context():
        team_a = db.session.scalar(select(Team).where(Team.name == "RHI A"))
        first = db.session.get(Episode, world.episodes["a"])
        first.started_at, first.returned_at = now - timedelta(hours=110), now - timedelta(hours=100)
        second = Episode(
            child_id=first.child_id,
            risk_grade="High",
            dfe_type="M",
            started_at=now - timedelta(hours=50),
            returned_at=now - timedelta(hours=30),
            assigned_team=team_a,
        )
        db.session.add(second)
        db.session.commit()
        ids = [first.id, second.id]
    web.sign_in(world.emails["worker_a"])
    held = (now - timedelta(hours=20)).strftime("%Y-%m-%d %H:%M")
    sent = with_yes(item(ids, doc(start__held_on=held)))
    assert one(send(web, [sent]))["outcome"] == "created"
    manager = Web(app.test_client())
    manager.sign_in(world.emails["manager_a"])
    html = manager.get("/service").get_data(as_text=True)
    assert figure_beside(html, "Returns with an interview held") == "2"
    assert figure_beside(html, "Held within 72 hours") == "1"


def test_not_reached_is_the_returns_outcome_not_an_attempt_that_failed(app, world_i):
    """A return still being tried is not "not reached after attempts": that is the return's
    outcome (a probe found a failed attempt on an open return counted so)."""
    service_history(app, world_i)
    manager = Web(app.test_client())
    manager.sign_in(world_i.emails["manager_a"])
    before = manager.get("/service").get_data(as_text=True)
    no_answer = int(figure_beside(before, "Offered, no answer recorded"))
    not_reached = int(figure_beside(before, "Not reached after attempts"))
    with app.app_context():
        interview = db.session.scalar(
            select(Interview).where(Interview.uuid == world_i.interviews["a"])
        )
        interview.status, interview.accepted_at, interview.held_at = "unable_to_contact", None, None
        db.session.commit()
    trying = manager.get("/service").get_data(as_text=True)
    assert figure_beside(trying, "Offered, no answer recorded") == str(no_answer + 1)
    assert figure_beside(trying, "Not reached after attempts") == str(not_reached)
    with app.app_context():
        interview = db.session.scalar(
            select(Interview).where(Interview.uuid == world_i.interviews["a"])
        )
        interview.outcome, interview.outcome_at = "not_reached", interview.created_at
        db.session.commit()
    closed = manager.get("/service").get_data(as_text=True)
    # Still an offer with no answer (the three answers add up to the offers), and not reached.
    assert figure_beside(closed, "Offered, no answer recorded") == str(no_answer + 1)
    assert figure_beside(closed, "Not reached after attempts") == str(not_reached + 1)


def test_a_no_with_the_offer_kept_open_after_starting_is_not_held(app, web, world):
    """The child stopped and said no, the offer kept open: no outcome yet, and still not an
    interview held (a review found it counted held, held in time and more held than yes)."""
    from tests.app.helpers import start

    start(web, world)
    url = f"/episodes/{world.episodes['a']}"
    no = web.post(
        url + "/decline",
        {"declined_at": "2026-11-23T11:50", "reason": "Tired today.", "offer_again": "yes"},
        page=url,
    )
    assert no.status_code in (302, 303), no.get_data(as_text=True)[:500]
    manager = Web(app.test_client())
    manager.sign_in(world.emails["manager_a"])
    html = manager.get("/service").get_data(as_text=True)
    assert figure_beside(html, "Returns with an interview held") == "0"
    assert figure_beside(html, "Returns where the child said no") == "1"


def test_a_tablets_when_the_chat_started_moves_an_interview_the_server_holds(app, web, world):
    from datetime import datetime

    from tests.app.helpers import doc, item, one, send, start

    uuid = start(web, world)
    with app.app_context():
        version = db.session.scalar(select(Interview.version).where(Interview.uuid == uuid))
    typed_up = item(
        [world.episodes["a"]],
        doc(start__held_on="2026-11-23 02:40"),
        uuid=uuid,
        base_version=version,
    )
    assert one(send(web, [typed_up]))["outcome"] == "updated"
    with app.app_context():
        held = db.session.scalar(select(Interview.held_at).where(Interview.uuid == uuid))
        assert held == datetime(2026, 11, 23, 2, 40)


def test_a_chat_start_before_the_child_came_back_is_not_taken_as_when_it_was_held(app, web, world):
    from tests.app.helpers import autosave, start

    uuid = start(web, world)
    with app.app_context():
        begun = db.session.scalar(select(Interview.held_at).where(Interview.uuid == uuid))
    with app.app_context():
        held_on = db.session.scalar(select(Interview).where(Interview.uuid == uuid)).content[
            "start"
        ]["held_on"]
    slip = autosave(web, uuid, "start.held_on", "2025-11-22 09:15", held_on)
    # A slip of the year: refused next to the field, saying why (a probe: it was "Saved", and
    # the record and the copies then gave different dates), never counted as in time.
    assert slip.status_code == 422
    said = page_text(slip.get_data(as_text=True))
    assert "When the chat started (22 Nov 2025 09:15) is before Ada came back" in said
    assert "Check the date and time." in said
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        assert interview.held_at == begun
        assert interview.content["start"]["held_on"] == held_on
    # Arrived whole from a tablet, it is kept as written and the review page says so.
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        interview.content = {
            **interview.content,
            "start": {**interview.content["start"], "held_on": "2025-11-22 09:15"},
        }
        db.session.commit()
    review = page_text(web.get(f"/interviews/{uuid}/review").get_data(as_text=True))
    assert "When the chat started (22 Nov 2025 09:15) is before Ada came back" in review
    assert "The copies and the figures give" in review
