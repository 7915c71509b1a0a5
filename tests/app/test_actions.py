"""Actions that are followed (issue 11 item 7), through the test client: each action agreed in an
interview has an owner (a user, or an agency with a named contact), a due date and a status;
owners see theirs; overdue actions show on the worker's and manager's pages; a strategy meeting
request tells the child's social worker and their manager and is followed to held or declined."""

from __future__ import annotations

import io
import re
from datetime import date, datetime

from pypdf import PdfReader
from sqlalchemy import select

from rhi.extensions import db
from rhi.interviews import content as c
from rhi.models import AuditEvent, FollowedAction, Interview
from rhi.models.episodes import Notice
from tests.app.helpers import autosave, lend_a_return, start
from tests.conftest import Web

# The clock is 2026-11-23 12:00 UTC (tests/app/conftest.py): today is Monday 23 November.
YESTERDAY, NEXT_WEEK = "2026-11-22", "30/11/2026"


def _add_action(web: Web, uuid: str, **fields: str) -> str:
    page = f"/interviews/{uuid}/analysis"
    response = web.post(f"/interviews/{uuid}/items/actions", page=page)
    assert response.status_code == 302
    item_id = c.normalise(_interview(web, uuid).content)["actions"][-1]["id"]
    for name, value in fields.items():
        response = autosave(web, uuid, f"actions.{item_id}.{name}", value, None)
        assert response.status_code == 200, (name, response.get_data(as_text=True))
    return item_id


def _interview(web: Web, uuid: str) -> Interview:
    app = web.client.application
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        db.session.expunge(interview)
        return interview


def _finish(web: Web, uuid: str) -> None:
    response = web.post(f"/interviews/{uuid}/finish", page=f"/interviews/{uuid}/review")
    assert response.status_code == 302


def _actions(app) -> list[FollowedAction]:
    with app.app_context():
        rows = list(db.session.scalars(select(FollowedAction).order_by(FollowedAction.id)))
        for row in rows:
            db.session.expunge(row)
        return rows


def _as(app, world, key: str) -> Web:
    other = Web(app.test_client())
    other.sign_in(world.emails[key])
    return other


def _agreed(web: Web, world) -> str:
    """An interview with a referral to the exploitation team (an agency), a safety plan the
    worker will do by next week, and a strategy meeting request for the social worker, due
    yesterday: finished."""
    uuid = start(web, world)
    _add_action(
        web,
        uuid,
        kind="exploitation_team",
        owner_kind="other_agency",
        owner="Sam Ahmed, exploitation team",
        due=NEXT_WEEK,
    )
    _add_action(web, uuid, kind="safety_plan", owner_kind="worker", due=NEXT_WEEK)
    _add_action(
        web,
        uuid,
        kind="strategy_meeting",
        owner_kind="social_worker",
        due=YESTERDAY,
        note="MEETINGNOTE adults are exploiting her",
    )
    autosave(web, uuid, "consent.social_worker.answer", "yes", None)
    _finish(web, uuid)
    return uuid


def test_the_interview_asks_who_and_a_date(app, web, world):
    uuid = start(web, world)
    _add_action(web, uuid, kind="school")
    html = web.get(f"/interviews/{uuid}/analysis").get_data(as_text=True)
    assert "Who will do it" in html
    for words in ("Me (the worker)", "The child&#39;s social worker", "Another agency"):
        assert words in html
    assert re.search(r'<input type="date"[^>]*name="f:actions\.[0-9a-f]+\.due"', html)


def test_a_due_date_is_kept_as_a_date_and_words_are_refused(app, web, world):
    uuid = start(web, world)
    item = _add_action(web, uuid, due="30/11/2026")
    assert c.normalise(_interview(web, uuid).content)["actions"][0]["due"] == "2026-11-30"
    response = autosave(web, uuid, f"actions.{item}.due", "Friday", "2026-11-30")
    assert "Enter a date like 30/11/2026." in response.get_data(as_text=True)
    assert c.normalise(_interview(web, uuid).content)["actions"][0]["due"] == "2026-11-30"
    far = autosave(web, uuid, f"actions.{item}.due", "9999-12-31", "2026-11-30")
    assert "Check the year: 9999 is not one rhi keeps (2000 to 2100)." in far.get_data(as_text=True)


def test_finishing_makes_each_action_followed_with_its_owner(app, web, world):
    _agreed(web, world)
    rows = _actions(app)
    assert [r.kind for r in rows] == ["exploitation_team", "safety_plan", "strategy_meeting"]
    agency, plan, meeting = rows
    assert agency.owner_id is None and agency.contact == "Sam Ahmed, exploitation team"
    assert plan.owner_id == world.users["worker_a"]
    assert meeting.owner_id == world.users["social_worker"]
    assert [r.due_on for r in rows] == [date(2026, 11, 30), date(2026, 11, 30), date(2026, 11, 22)]
    assert {r.status for r in rows} == {"open"}

    html = web.get("/actions").get_data(as_text=True)
    assert "Exploitation team" in html and "Another agency: Sam Ahmed, exploitation team" in html
    # "Me" read as the manager or social worker looking at the list (a probe).
    assert "The return home interview worker (Worker A)" in html
    assert "Me (the worker)" not in html
    assert "1 day overdue (due 22 Nov 2026)" in html


def test_the_social_worker_and_their_manager_are_told_of_a_strategy_meeting(app, web, world):
    _agreed(web, world)
    with app.app_context():
        told = set(
            db.session.scalars(select(Notice.user_id).where(Notice.kind == "strategy_meeting"))
        )
    assert told == {world.users["social_worker"], world.users["manager_care"]}

    social_worker = _as(app, world, "social_worker")
    home = social_worker.get("/", follow_redirects=True).get_data(as_text=True)
    assert "Strategy meetings asked for" in home
    assert "A strategy meeting for Ada Alpha" in home
    # Theirs to follow: the meeting, not the worker's safety plan or the agency's referral.
    listing = social_worker.get("/actions").get_data(as_text=True)
    assert "Strategy meeting request" in listing
    assert "Safety plan" not in listing and "Exploitation team" not in listing

    manager = _as(app, world, "manager_care")
    assert "A strategy meeting for Ada Alpha" in manager.get("/actions").get_data(as_text=True) or (
        "Strategy meeting request" in manager.get("/actions").get_data(as_text=True)
    )


def test_a_strategy_meeting_is_followed_to_held_or_declined(app, web, world):
    _agreed(web, world)
    meeting = _actions(app)[2]
    social_worker = _as(app, world, "social_worker")
    page = f"/actions/{meeting.id}"
    html = social_worker.get(page).get_data(as_text=True)
    assert "Asked for, not yet held" in html and "MEETINGNOTE" in html

    refused = social_worker.post(
        page,
        {"status": "declined", "on": "2026-11-23", "note": "", "version": meeting.version},
        page=page,
    )
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "Say why it was declined." in text
    assert re.search(r'<input checked[^>]*value="declined"', text)  # the choice is kept

    unsaid = social_worker.post(
        page,
        {"status": "held", "on": "2026-11-23", "note": "", "version": meeting.version},
        page=page,
    )
    assert "Say what was decided at the meeting." in unsaid.get_data(as_text=True)
    future = social_worker.post(
        page,
        {"status": "held", "on": "2026-11-25", "note": "Met.", "version": meeting.version},
        page=page,
    )
    assert "This can&#39;t be in the future." in future.get_data(as_text=True)
    ancient = social_worker.post(
        page,
        {"status": "held", "on": "0026-11-23", "note": "Met.", "version": meeting.version},
        page=page,
    )
    assert ancient.status_code == 422  # a year typed as 26, not 2026
    assert "This is before the action was agreed, on" in ancient.get_data(as_text=True)

    done = social_worker.post(
        page,
        {"status": "held", "on": "2026-11-23", "note": "Police and school attended.", "version": 1},
        page=page,
        follow=True,
    )
    shown = done.get_data(as_text=True)
    assert "Saved." in shown and "Held, 23 Nov 2026" in shown
    assert _actions(app)[2].status == "held"
    # The worker sees where it got to; it is no longer overdue anywhere.
    assert "past its date" not in web.get("/returns").get_data(as_text=True)


def test_overdue_actions_show_on_the_workers_and_managers_pages(app, web, world):
    _agreed(web, world)
    worker_home = web.get("/returns").get_data(as_text=True)
    assert "1 action past its date" in worker_home
    assert "Strategy meeting request for Ada Alpha" in worker_home
    manager = _as(app, world, "manager_a")
    assert "1 action past its date" in manager.get("/returns").get_data(as_text=True)
    overdue = manager.get("/actions?show=overdue").get_data(as_text=True)
    assert "Strategy meeting request" in overdue and "Safety plan" not in overdue
    # Its social worker leaves (their account closed): the list says so beside their name.
    meeting = _actions(app)[2]
    with app.app_context():
        owner = db.session.get(FollowedAction, meeting.id).owner
        name = owner.name
        assert "account closed" not in overdue and f"({name})" in overdue
        owner.active = False
        db.session.commit()
    overdue = manager.get("/actions?show=overdue").get_data(as_text=True)
    assert f"({name}, account closed)" in overdue
    # Another team's worker and manager see nothing of it.
    for key in ("worker_b", "manager_b"):
        other = _as(app, world, key)
        assert "past its date" not in other.get("/returns").get_data(as_text=True)
        assert "Ada Alpha" not in other.get("/actions").get_data(as_text=True)


def test_done_and_not_done_need_a_date_and_not_done_a_reason(app, web, world):
    _agreed(web, world)
    plan = _actions(app)[1]
    page = f"/actions/{plan.id}"
    no_reason = web.post(page, {"status": "not_done", "on": "2026-11-23", "version": 1}, page=page)
    assert no_reason.status_code == 422
    assert "Say why it was not done." in no_reason.get_data(as_text=True)
    no_date = web.post(page, {"status": "done", "on": "", "version": 1}, page=page)
    assert "Enter the date, like 30/11/2026." in no_date.get_data(as_text=True)
    bad_date = web.post(page, {"status": "done", "on": "31/02/2026", "version": 1}, page=page)
    assert "Enter a date like 30/11/2026." in bad_date.get_data(as_text=True)
    not_a_status = web.post(page, {"status": "lost", "on": "", "version": 1}, page=page)
    assert not_a_status.status_code == 422
    assert _actions(app)[1].status == "open"

    saved = web.post(
        page,
        {"status": "not_done", "on": "23/11/2026", "note": "Amara asked to wait.", "version": 1},
        page=page,
        follow=True,
    )
    assert "Not done, 23 Nov 2026" in saved.get_data(as_text=True)
    assert "Amara asked to wait." in saved.get_data(as_text=True)


def test_a_change_from_an_older_page_is_refused_and_the_action_shown_as_it_is(app, web, world):
    _agreed(web, world)
    plan = _actions(app)[1]
    page = f"/actions/{plan.id}"
    manager = _as(app, world, "manager_a")
    first = manager.post(page, {"status": "done", "on": "2026-11-23", "version": 1}, page=page)
    assert first.status_code == 302
    stale = web.post(
        page,
        {
            "status": "not_done",
            "on": "2026-11-23",
            "note": "Mum asked to wait & see.",
            "version": 1,
        },
        page=page,
    )
    assert stale.status_code == 409
    text = stale.get_data(as_text=True)
    assert "Someone else changed this action while you had it open" in text
    assert "Done, 23 Nov 2026" in text
    assert _actions(app)[1].status == "done"
    # What was typed is still in its box, and the page says what to look at first.
    assert "Mum asked to wait &amp; see.</textarea>" in text
    assert "<title>Error: " in text and 'class="error-summary"' in text


def test_actions_are_refused_to_those_who_may_not_see_them_and_every_read_is_audited(
    app, web, world
):
    _agreed(web, world)
    plan = _actions(app)[1]
    for key in ("worker_b", "manager_b", "social_worker_other"):
        other = _as(app, world, key)
        assert other.get(f"/actions/{plan.id}").status_code == 404
        changed = other.post(
            f"/actions/{plan.id}", {"status": "done", "on": "2026-11-23", "version": 1}, page="/"
        )
        assert changed.status_code == 404
    # The child's social worker follows the meeting, not the worker's own safety plan.
    assert _as(app, world, "social_worker").get(f"/actions/{plan.id}").status_code == 404
    assert _as(app, world, "admin").get("/actions").status_code == 403
    assert _actions(app)[1].status == "open"

    web.get(f"/actions/{plan.id}")
    with app.app_context():
        actions = [e.action for e in db.session.scalars(select(AuditEvent))]
        refusals = db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.outcome == "refused", AuditEvent.object_type == "action"
            )
        ).all()
    assert "action.create" in actions and "action.view" in actions
    assert len(refusals) >= 6


def test_a_strategy_meeting_is_read_by_its_side_not_by_everyone_who_sees_the_child(app, world):
    """Team B's worker asks for a meeting about Ben from the return team B holds. It is read
    and followed by them and their manager, and by Ben's social worker; a worker lent another
    return of Ben's read it (what was seen, and what the meeting decided) and could change it."""
    child, episode = world.children["b"], world.episodes["b"]
    asked = _as(app, world, "worker_b").post(
        f"/children/{child}/strategy-meeting",
        {"came_from": "episode", "episode_id": str(episode), "note": "Seen with an older man"},
        page=f"/episodes/{episode}",
    )
    assert asked.status_code == 302
    (meeting,) = _actions(app)
    url = f"/actions/{meeting.id}"
    for key in ("worker_b", "manager_b", "social_worker_other"):
        assert "Seen with an older man" in _as(app, world, key).get(url).get_data(as_text=True)
    lent = _as(app, world, "worker_solo")
    assert lent.get(f"/episodes/{world.episodes['solo']}").status_code == 200  # sees Ben
    assert lent.get(url).status_code == 404
    assert "Seen with an older man" not in lent.get("/actions").get_data(as_text=True)
    changed = lent.post(url, {"status": "not_needed", "note": "x", "version": 1}, page="/")
    assert changed.status_code == 404
    assert _actions(app)[0].status == "open"


def test_a_meetings_decision_is_not_shown_beside_a_lent_return_or_on_the_repeats_page(app, world):
    """Team A is lent a return of Ben's after team B's meeting about him was held: team A's
    manager sees that a meeting was held (so none is asked for twice), not what it decided,
    and no link to a page that is not theirs."""

    child, episode = world.children["b"], world.episodes["b"]
    _as(app, world, "worker_b").post(
        f"/children/{child}/strategy-meeting",
        {"came_from": "episode", "episode_id": str(episode), "note": "Seen with an older man"},
        page=f"/episodes/{episode}",
    )
    (meeting,) = _actions(app)
    url = f"/actions/{meeting.id}"
    held = {"status": "held", "on": "2026-11-23", "note": "Referral to the CSE team.", "version": 1}
    assert _as(app, world, "manager_b").post(url, held, page=url).status_code == 302
    lent_id = lend_a_return(app, child, "RHI A")
    app.config["RHI_REPEAT_EPISODES"] = 1  # Ben is on the repeats page
    manager_a = _as(app, world, "manager_a")
    page = manager_a.get(f"/episodes/{lent_id}").get_data(as_text=True)
    block = page.split('id="meeting-heading"')[1].split("</p>")[0]
    assert "Held" in block and url not in block
    repeats = manager_a.get("/service/repeats").get_data(as_text=True)
    assert "Ben Beta" in repeats and "Strategy meeting asked for" in repeats
    assert "CSE team" not in repeats and url not in repeats
    # Team B's manager, who follows it, reads what was decided there.
    theirs = _as(app, world, "manager_b").get("/service/repeats").get_data(as_text=True)
    assert "What was decided: Referral to the CSE team." in theirs


def test_a_manager_told_of_a_meeting_for_a_child_with_no_social_worker_follows_it(app, world):
    """With no social worker to tell, the asker's team's managers are told: they must be able
    to open it (they were told of a meeting they could not see)."""
    from rhi.models import Child
    from tests.app.test_children_records import COORDINATOR, add_coordinator

    with app.app_context():
        ben = db.session.get(Child, world.children["b"])
        ben.social_worker_id = None
        db.session.commit()
    add_coordinator(app, world, team="RHI B")
    coordinator = _as(app, world, COORDINATOR)
    asked = coordinator.post(
        f"/children/{world.children['b']}/strategy-meeting",
        {"came_from": "repeats"},
        page="/service/repeats",
    )
    assert asked.status_code == 302
    (meeting,) = _actions(app)
    with app.app_context():
        told = db.session.scalars(select(Notice.user_id).where(Notice.action_id == meeting.id))
        assert set(told) == {world.users["manager_b"]}
    manager_b = _as(app, world, "manager_b")
    assert manager_b.get(f"/actions/{meeting.id}").status_code == 200
    assert f"/actions/{meeting.id}" in manager_b.get("/returns").get_data(as_text=True)


def test_csrf_is_needed_to_change_an_action(app, web, world):
    _agreed(web, world)
    plan = _actions(app)[1]
    response = web.client.post(
        f"/actions/{plan.id}", data={"status": "done", "on": "2026-11-23", "version": "1"}
    )
    assert response.status_code == 400
    assert _actions(app)[1].status == "open"


def test_the_copy_says_who_will_do_each_action_and_by_when(app, web, world):
    uuid = _agreed(web, world)
    response = web.get(f"/interviews/{uuid}/copies/social_worker.pdf")
    assert response.status_code == 200
    text = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(response.data)).pages
    )
    assert "Strategy meeting request: The child's social worker, by 22 November 2026" in text
    assert "Another agency: Sam Ahmed, exploitation team, by 30 November 2026" in text


def test_an_actions_note_follows_what_the_child_agreed_to_share_with_their_social_worker(
    app, web, world
):
    """The child said no to sharing with their social worker: the social worker (who owns the
    meeting and the referral) and their manager follow the actions, never the notes about them;
    the interviewer's side reads the notes in the interview."""
    uuid = start(web, world)
    _add_action(
        web,
        uuid,
        kind="strategy_meeting",
        owner_kind="social_worker",
        note="MEETNOTE Kay at Elm St",
    )
    _add_action(web, uuid, kind="camhs", owner_kind="social_worker", note="CAMHSNOTE")
    # Another agency's, with a named contact the worker wrote: followed by its owner's words.
    _add_action(web, uuid, kind="exploitation_team", owner_kind="police", owner="CONTACTX DC Reed")
    autosave(web, uuid, "consent.social_worker.answer", "no", None)
    _finish(web, uuid)
    assert [a.note for a in _actions(app)] == ["", "", ""]
    assert [a.contact for a in _actions(app)] == ["", "", ""]
    social_worker = _as(app, world, "social_worker")
    manager = _as(app, world, "manager_care")
    for page in ["/actions", "/", *(f"/actions/{a.id}" for a in _actions(app))]:
        for reader in (social_worker, manager):
            html = reader.get(page).get_data(as_text=True)
            for words in ("MEETNOTE", "CAMHSNOTE", "CONTACTX"):
                assert words not in html, (page, words)
    # The worker still reads them, in the interview, and on each action's page (read from the
    # interview: the rows keep none).
    assert "MEETNOTE Kay at Elm St" in web.get(f"/interviews/{uuid}/analysis").get_data(
        as_text=True
    )
    meeting_page, _, agency_page = (f"/actions/{a.id}" for a in _actions(app))
    assert "MEETNOTE Kay at Elm St" in web.get(meeting_page).get_data(as_text=True)
    assert "CONTACTX DC Reed" in web.get(agency_page).get_data(as_text=True)
    assert "Police: CONTACTX DC Reed" in web.get("/actions").get_data(as_text=True)
    # A row recorded before the note followed the answer (it holds the note): still not shown
    # to the social worker, shown to the worker.
    meeting = _actions(app)[0]
    with app.app_context():
        db.session.get(FollowedAction, meeting.id).note = "OLDNOTE Kay at Elm St"
        db.session.commit()
    page = f"/actions/{meeting.id}"
    assert "OLDNOTE" not in social_worker.get(page).get_data(as_text=True)
    assert "MEETNOTE Kay at Elm St" in web.get(page).get_data(as_text=True)  # as written now
    # A row recorded before the contact followed the answer (a meeting the police were to
    # arrange, which the social worker follows): not shown on its page or a list.
    with app.app_context():
        row = db.session.get(FollowedAction, meeting.id)
        row.owner_kind, row.owner_id, row.contact = "police", None, "OLDCONTACT DC Reed"
        db.session.commit()
    for reader in (social_worker, manager):
        for page in (f"/actions/{meeting.id}", "/actions"):
            assert "OLDCONTACT" not in reader.get(page).get_data(as_text=True), page
    assert "Police: OLDCONTACT" not in web.get("/actions").get_data(as_text=True)


def test_a_decision_confirmed_after_finishing_gives_the_actions_their_notes(app, web, world):
    """The child said no to sharing with their social worker, and a decision to share the
    actions with them all the same was confirmed after the interview was finished: the new
    summary holds the notes, and so do the actions the social worker follows (before, the rows
    made on finishing kept none, and the action pages showed none)."""
    uuid = start(web, world)
    _add_action(
        web,
        uuid,
        kind="strategy_meeting",
        owner_kind="social_worker",
        note="MEETNOTE Kay at Elm St",
    )
    _add_action(web, uuid, kind="exploitation_team", owner_kind="police", owner="CONTACTX DC Reed")
    autosave(web, uuid, "consent.social_worker.answer", "no", None)
    decision = {
        "recipient": "social_worker",
        "parts": ["actions"],
        "reason": "Adults are exploiting her and the meeting needs the address",
        "decider": str(world.users["manager_a"]),
        "child_told": "told",
        "child_told_how": "In person, at the end of the chat",
        "child_said": "She did not want it shared",
    }
    recorded = web.post(
        f"/interviews/{uuid}/overrides", decision, page=f"/interviews/{uuid}/consent"
    )
    assert recorded.status_code == 302
    _finish(web, uuid)
    assert [a.note for a in _actions(app)] == ["", ""]  # not in force yet
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        (entry,) = c.normalise(interview.content)["overrides"]
    confirmed = _as(app, world, "manager_a").post(
        f"/decisions/{entry['id']}/confirm", page=f"/decisions/{entry['id']}", follow=True
    )
    assert "Confirmed." in confirmed.get_data(as_text=True)

    meeting, agency = _actions(app)
    assert meeting.note == "MEETNOTE Kay at Elm St"
    assert agency.contact == "CONTACTX DC Reed"
    social_worker = _as(app, world, "social_worker")
    assert "MEETNOTE Kay at Elm St" in social_worker.get(f"/actions/{meeting.id}").get_data(
        as_text=True
    )
    with app.app_context():
        changed = db.session.scalars(
            select(AuditEvent.detail).where(
                AuditEvent.action == "action.change", AuditEvent.object_id == str(meeting.id)
            )
        ).all()
    assert changed == ["the note, shared by a decision"]


def test_the_child_is_told_what_became_of_an_action_and_it_is_followed_until_they_are(
    app, web, world
):
    """A probe: once an action agreed with the child was done, nothing asked that they be told
    what became of it. "To tell the child" lists the closed ones until someone records that
    they were told, when and how."""
    _agreed(web, world)
    plan = _actions(app)[1]
    page = f"/actions/{plan.id}"
    # Open: nothing to tell yet, and a telling sent all the same is refused.
    assert "Telling Ada what became of it" not in web.get(page).get_data(as_text=True)
    early = web.post(f"{page}/child-told", {"on": "2026-11-23", "how": "In person"}, page=page)
    assert early.status_code == 422
    assert "Record where it has got to first: it is still open." in early.get_data(as_text=True)

    assert web.post(page, {"status": "done", "on": "2026-11-23", "version": 1}, page=page)
    html = web.get(page).get_data(as_text=True)
    assert "Ada has not been told yet." in html
    untold = web.get("/actions?show=untold").get_data(as_text=True)
    assert f'href="/actions/{plan.id}"' in untold

    no_how = web.post(f"{page}/child-told", {"on": "2026-11-23", "how": " "}, page=page)
    assert no_how.status_code == 422
    assert "Say how they were told, and by whom." in no_how.get_data(as_text=True)
    ahead = web.post(f"{page}/child-told", {"on": "2026-11-30", "how": "By phone"}, page=page)
    assert "This can&#39;t be in the future. Check the date." in ahead.get_data(as_text=True)
    assert web.client.post(f"{page}/child-told", data={"on": "2026-11-23"}).status_code == 400

    told = web.post(
        f"{page}/child-told",
        {"on": "23/11/2026", "how": "In person, by me at her aunt's"},
        page=page,
        follow=True,
    ).get_data(as_text=True)
    assert "Saved: Ada Alpha was told what became of it." in told
    assert 'Told 23 Nov 2026: <span class="prose">In person, by me at her aunt&#39;s</span>' in told
    assert f'href="/actions/{plan.id}"' not in web.get("/actions?show=untold").get_data(
        as_text=True
    )
    with app.app_context():
        audited = db.session.scalars(
            select(AuditEvent.object_id).where(AuditEvent.action == "action.child_told")
        ).all()
    assert audited == [str(plan.id)]
    # Before it was agreed: refused.
    early = web.post(f"{page}/child-told", {"on": "2020-01-01", "how": "x"}, page=page)
    assert "This is before the action was agreed, on 23 Nov 2026. Check the date." in (
        early.get_data(as_text=True)
    )
    # Agreed in an interview held two days before it was written up (a probe): told the day
    # after it was held is a real day, not "before it was agreed".
    with app.app_context():
        db.session.get(FollowedAction, plan.id).interview.held_at = datetime(2026, 11, 21, 10, 0)
        db.session.commit()
    later = web.post(f"{page}/child-told", {"on": "22/11/2026", "how": "By phone"}, page=page)
    assert later.status_code == 302, later.get_data(as_text=True)
    # What became of it changed: the child is to hear again.
    changed = web.post(
        page,
        {"status": "not_done", "on": "2026-11-23", "note": "The plan fell through", "version": 2},
        page=page,
    )
    assert changed.status_code == 302, changed.get_data(as_text=True)
    assert f'href="/actions/{plan.id}"' in web.get("/actions?show=untold").get_data(as_text=True)
    # Someone who may not see the child cannot record it.
    other = _as(app, world, "manager_b")
    refused = other.post(f"{page}/child-told", {"on": "2026-11-23", "how": "x"}, page="/")
    assert refused.status_code == 404
