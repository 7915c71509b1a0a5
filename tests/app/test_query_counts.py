"""Pages whose cost must not grow with the rows they show (review findings): the held-work count
in the menu and the held-work list, who held work can be passed on to, who may decide to share
an interview, and the decisions waiting for a decider. Each page is asked once with one more row
and once with ten more: it sends the same number of SQL statements, and shows every row."""

from __future__ import annotations

import re
import uuid as uuidlib
from datetime import date, timedelta

from flask import Flask
from sqlalchemy import select

from rhi.extensions import db
from rhi.models import (
    Child,
    Episode,
    FollowedAction,
    HeldWork,
    Interview,
    SharingDecision,
    Team,
    User,
)
from rhi.models.base import utcnow
from rhi.models.episodes import Notice
from tests.app.helpers import statements
from tests.conftest import Web
from tests.world import World, add_user


def _asked(app: Flask, web: Web, url: str) -> tuple[int, str]:
    """How many statements one request for `url` sends, and the page (asked once before, so
    nothing a first visit does only once is counted)."""
    assert web.get(url).status_code == 200
    with statements(app) as sent:
        response = web.get(url)
    assert response.status_code == 200
    return len(sent), response.get_data(as_text=True)


def _team(name: str) -> Team:
    team = db.session.scalar(select(Team).where(Team.name == name))
    assert team is not None
    return team


def _held(app: Flask, world: World, how_many: int) -> None:
    """Work worker A's tablet sent for Ada's return, held for their team's manager."""
    with app.app_context():
        team_a = _team("RHI A")
        for _ in range(how_many):
            db.session.add(
                HeldWork(
                    item_uuid=str(uuidlib.uuid4()),
                    payload_hash=uuidlib.uuid4().hex,
                    payload={"content": {}, "events": []},
                    child_id=world.children["a"],
                    episode_ids=[world.episodes["a"]],
                    sent_by_id=world.users["worker_a"],
                    sent_by_team_id=team_a.id,
                )
            )
        db.session.commit()


def _menu_count(html: str) -> str:
    match = re.search(r'Held work <span class="count">\((\d+)\)</span>', html)
    assert match, "no held work in the menu"
    return match.group(1)


def test_the_held_work_count_and_list_cost_the_same_for_one_or_ten_more(app, web, world):
    web.sign_in(world.emails["manager_a"])
    _held(app, world, 1)
    one_more, page = _asked(app, web, "/held")
    assert _menu_count(page) == "1" and page.count(">Ada Alpha</a>") == 1
    _held(app, world, 9)
    ten_more, page = _asked(app, web, "/held")
    assert _menu_count(page) == "10" and page.count(">Ada Alpha</a>") == 10
    assert ten_more == one_more
    # The count on every other page is a count too: the Returns page costs the same, and the
    # menu's count loads none of the held work itself.
    on_returns, _ = _asked(app, web, "/returns")
    _held(app, world, 10)
    again, page = _asked(app, web, "/returns")
    assert again == on_returns and _menu_count(page) == "20"
    with statements(app) as sent:
        web.get("/returns")
    assert not any("held_work.payload" in statement for statement in sent)


def _staff(app: Flask, role: str, team_name: str, names: range) -> None:
    with app.app_context():
        team = _team(team_name)
        for n in names:
            add_user(f"extra_{role}_{n}", role, team)
        db.session.commit()


def test_who_held_work_can_go_to_costs_the_same_for_one_or_ten_more_workers(app, web, world):
    with app.app_context():  # Ada's return moved to team B after worker A's tablet sent work
        db.session.get(Episode, world.episodes["a"]).assigned_team = _team("RHI B")
        db.session.commit()
    _held(app, world, 1)
    with app.app_context():
        held_id = db.session.scalar(select(HeldWork.id))
    web.sign_in(world.emails["manager_b"])
    url = f"/held/{held_id}"
    _staff(app, "worker", "RHI B", range(1))
    one_more, page = _asked(app, web, url)
    assert "Extra Worker 0 (return home interview worker)" in page
    _staff(app, "worker", "RHI B", range(1, 10))
    ten_more, page = _asked(app, web, url)
    assert ten_more == one_more
    for n in range(10):
        assert f"Extra Worker {n} (return home interview worker)" in page
    # Still only those on the return's interviewer side (its team and their manager): never
    # the sender, a worker of another team, nor the manager of Ada's social worker (who reads
    # only the social worker's copy of an interview, and so never held work).
    assert "Worker B (return home interview worker)" in page and "Manager B (manager)" in page
    assert "Manager Care (manager)" not in page
    assert "Worker A (" not in page and "Worker Solo" not in page and "Manager A (" not in page


def test_who_may_decide_costs_the_same_for_one_or_ten_more_managers(app, web, world_i):
    web.sign_in(world_i.emails["worker_a"])
    url = f"/interviews/{world_i.interviews['a']}/consent"
    _staff(app, "manager", "RHI A", range(1))
    one_more, page = _asked(app, web, url)
    assert "Extra Manager 0 (manager)" in page
    _staff(app, "manager", "RHI A", range(1, 10))
    ten_more, page = _asked(app, web, url)
    assert ten_more == one_more
    for n in range(10):
        assert f"Extra Manager {n} (manager)" in page
    # Managers who may see Ada (her return's team, her social worker's team) and her social
    # worker; not a manager of a team that does not work with her.
    assert "Manager A (manager)" in page and "Manager Care (manager)" in page
    assert "Social Worker (social worker)" in page
    assert "Manager B (manager)" not in page


def _decisions(app: Flask, world: World, key: str, how_many: int) -> None:
    """Decisions on the interview `key` naming Ada's social worker as the decider."""
    with app.app_context():
        interview_id = db.session.scalar(
            select(Interview.id).where(Interview.uuid == world.interviews[key])
        )
        decider = db.session.get(User, world.users["social_worker"])
        for _ in range(how_many):
            db.session.add(
                SharingDecision(
                    decision_id=uuidlib.uuid4().hex,
                    interview_id=interview_id,
                    recipient="police",
                    decider_id=decider.id,
                    recorded_by_id=world.users["worker_a"],
                )
            )
        db.session.commit()


def test_the_decisions_waiting_cost_the_same_for_one_or_ten_more(app, web, world_i):
    web.sign_in(world_i.emails["social_worker"])
    _decisions(app, world_i, "b", 1)  # Ben is not theirs: never listed
    _decisions(app, world_i, "a", 1)
    one_more, page = _asked(app, web, "/decisions")
    assert page.count(">Ada Alpha</a>") == 1
    _decisions(app, world_i, "a", 9)
    ten_more, page = _asked(app, web, "/decisions")
    assert ten_more == one_more
    assert page.count(">Ada Alpha</a>") == 10 and "Ben Beta" not in page


def _meetings_past_their_date(app: Flask, world: World, names: range) -> None:
    """Strategy meetings past their date, each for a child of its own whose social worker is in
    the care team (its manager is told of each), owned by someone else; the even ones agreed in
    an interview with its own worker, the odd ones asked for by someone from a page."""
    with app.app_context():
        team = _team("Care team")
        for n in names:
            child = Child(
                first_name="Child",
                last_name=f"Number{n}",
                date_of_birth=date(2011, 5, 1),
                social_worker_id=world.users["social_worker"],
            )
            owner = add_user(f"owner_{n}", "social_worker", team)
            db.session.add(child)
            interview = None
            if n % 2 == 0:
                interview = Interview(
                    child=child,
                    worker=add_user(f"interviewer_{n}", "worker", team),
                    status="finished",
                    due_at=utcnow(),
                    content={},
                )
                db.session.add(interview)
            asker = None if interview else add_user(f"asker_{n}", "worker", team)
            db.session.flush()
            action = FollowedAction(
                child_id=child.id,
                interview_id=interview.id if interview else None,
                requested_by_id=asker.id if asker else None,
                item_id=f"meeting-{n}",
                kind="strategy_meeting",
                owner_kind="social_worker",
                owner_id=owner.id,
                due_on=date.today() - timedelta(days=3 + n),
            )
            db.session.add(action)
            db.session.flush()
            db.session.add(
                Notice(
                    user_id=world.users["manager_care"],
                    kind="strategy_meeting",
                    action_id=action.id,
                )
            )
        db.session.commit()


def _meeting_said(page: str, n: int) -> bool:
    """The box names meeting n's child, and who asked: the interview's worker, or the asker."""
    who = f"in their return home interview by Interviewer {n}" if n % 2 == 0 else (f"by Asker {n}")
    return f"A strategy meeting for Child Number{n}</a> was asked for {who}" in page


def test_the_for_you_box_costs_the_same_however_many_meetings_it_shows(app, web, world):
    """The box on a home page (rhi/templates/actions/_for_you.html): the meetings asked for and
    the actions past their date, each with its child, who asked (or the interview's worker) and
    who owns it: two or four cost the same statements. The count of those past their date is
    asked for only when the box cannot show them all (it shows five): one statement more."""
    web.sign_in(world.emails["manager_care"])
    _meetings_past_their_date(app, world, range(2))
    two, page = _asked(app, web, "/returns")
    assert "2 actions past their date" in page
    assert all(_meeting_said(page, n) and f"Owner {n}" in page for n in range(2))
    _meetings_past_their_date(app, world, range(2, 4))
    four, page = _asked(app, web, "/returns")
    assert "4 actions past their date" in page
    assert all(_meeting_said(page, n) and f"Owner {n}" in page for n in range(4))
    assert four == two
    _meetings_past_their_date(app, world, range(4, 9))
    nine, page = _asked(app, web, "/returns")
    assert "All 9 actions past their date" in page  # five shown, the rest a link away
    assert all(_meeting_said(page, n) for n in range(9))
    for n in range(4, 9):  # the five most overdue, with their children and owners
        assert f"Strategy meeting request for Child Number{n}" in page and f"Owner {n}" in page
    assert nine == four + 1


def _returns_of_new_children(app: Flask, world: World, numbers: range) -> None:
    """Returns this month in team RHI A, each of a child of its own, each with an interview."""
    with app.app_context():
        team_a = _team("RHI A")
        now = utcnow()
        for n in numbers:
            child = Child(
                first_name=f"Number{n}", last_name="Child", date_of_birth=date(2012, 1, 1)
            )
            db.session.add(child)
            db.session.flush()
            episode = Episode(
                child_id=child.id,
                risk_grade="Low",
                dfe_type="M",
                started_at=now - timedelta(hours=30),
                returned_at=now - timedelta(hours=20),
                assigned_team_id=team_a.id,
            )
            db.session.add(episode)
            db.session.flush()
            interview = Interview(status="offered", due_at=now + timedelta(hours=52))
            interview.episodes.append(episode)
            db.session.add(interview)
        db.session.commit()


def test_the_records_behind_a_figure_cost_the_same_for_one_or_ten_more(app, web, world):
    """A probe: each row read its child and interviews again after the commit (2-3 statements a
    row). Asked with one more return and with ten more: the same statements, every child."""
    web.sign_in(world.emails["manager_a"])
    url = "/service/records?figure=returns&period=this_month"
    _returns_of_new_children(app, world, range(1))
    one_more, page = _asked(app, web, url)
    assert "Number0 Child" in page
    _returns_of_new_children(app, world, range(1, 11))
    ten_more, page = _asked(app, web, url)
    assert all(f"Number{n} Child" in page for n in range(11))
    assert ten_more == one_more


def test_the_notifications_waiting_cost_the_same_for_one_or_ten_more(app, web, world):
    """A probe: each waiting row was read again, and its candidate child, after the commit."""
    from rhi.models import WaitingRow

    web.sign_in(world.emails["manager_a"])

    def waiting(numbers: range) -> None:
        with app.app_context():
            team_a = _team("RHI A")
            for n in numbers:
                db.session.add(
                    WaitingRow(
                        police_reference=f"WAIT-{n}",
                        values={"first_name": "Adah", "last_name": "Alpha"},
                        candidate_child_id=world.children["a"],
                        reason="same name",
                        source="file",
                        team_id=team_a.id,
                    )
                )
            db.session.commit()

    def asked() -> tuple[list[str], str]:
        """The statements but the audit trail's (each row's read is recorded, by design: one
        INSERT a row, or one for all, as the driver batches them)."""
        assert web.get("/imports/waiting").status_code == 200
        with statements(app) as sent:
            page = web.get("/imports/waiting").get_data(as_text=True)
        return [s for s in sent if not s.lstrip().upper().startswith("INSERT INTO AUDIT")], page

    waiting(range(1))
    one_more, page = asked()
    assert "WAIT-0" in page
    waiting(range(1, 11))
    ten_more, page = asked()
    assert all(f"WAIT-{n}" in page for n in range(11))
    assert len(ten_more) == len(one_more)
