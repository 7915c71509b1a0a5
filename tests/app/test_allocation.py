"""Allocating returns (issue 13 item 4): new returns arrive unallocated on the coordinator's and
manager's list; they allocate each to a worker or a team, seeing each worker's open returns and
nearest deadline; reallocation needs a reason; the workers concerned are told on their Returns
page until they dismiss the notice."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from rhi.extensions import db
from rhi.models import AuditEvent, Child, Episode, Interview, Team, User
from rhi.models.base import utcnow
from rhi.models.episodes import Allocation, Notice
from tests.conftest import Web

COORDINATOR = "coordinator_a"


@pytest.fixture
def world(app):
    """The shared world, a coordinator and a second worker in RHI A, and a new return for Ada
    that nobody holds yet."""
    from tests.world import add_user, build_world

    with app.app_context():
        built = build_world()
        team = db.session.scalar(select(Team).where(Team.name == "RHI A"))
        for key, role in ((COORDINATOR, "coordinator"), ("worker_a2", "worker")):
            user = add_user(key, role, team)
            db.session.flush()
            built.users[key] = user.id
            built.emails[key] = user.email
        now = utcnow()
        episode = Episode(
            child_id=built.children["a"],
            risk_grade="High",
            dfe_type="M",
            started_at=now - timedelta(hours=12),
            returned_at=now - timedelta(hours=4),
            missing_from="Home",
            reported_by="parent",
        )
        db.session.add(episode)
        db.session.commit()
        built.episodes["new"] = episode.id
        return built


def signed_in(app, world, key: str) -> Web:
    web = Web(app.test_client())
    web.sign_in(world.emails[key])
    return web


def allocate(web: Web, episode_id: int, to: str, reason: str | None = None):
    page = f"/episodes/{episode_id}/allocate"
    data = {"to": to} | ({"reason": reason} if reason is not None else {})
    return web.post(page, data, page=page)


def held(app, episode_id: int) -> tuple[int | None, int | None]:
    with app.app_context():
        episode = db.session.get(Episode, episode_id)
        return episode.assigned_worker_id, episode.assigned_team_id


def team_id(app, name: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Team.id).where(Team.name == name))


def events(app, action: str) -> list[tuple[int | None, str | None, str | None]]:
    with app.app_context():
        return [
            (e.user_id, e.object_id, e.detail)
            for e in db.session.scalars(
                select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            )
        ]


@pytest.mark.parametrize("role", [COORDINATOR, "manager_a"])
def test_a_new_return_waits_to_be_allocated_on_the_teams_list(app, world, role):
    web = signed_in(app, world, role)
    html = web.get("/returns").get_data(as_text=True)
    waiting = html[html.index("Waiting to be allocated") : html.index("Allocated returns")]
    assert f"/episodes/{world.episodes['new']}/allocate" in waiting
    assert "1 return not yet with a worker or a team." in waiting
    allocated = html[html.index("Allocated returns") :]
    assert f"/episodes/{world.episodes['a']}" in allocated
    assert f'/episodes/{world.episodes["new"]}"' not in allocated
    # Each child's card is a heading under its section's (h2), not beside it.
    assert '<h3 class="card-title">' in waiting and '<h3 class="card-title">' in allocated
    assert '<h2 class="card-title">' not in html
    # A worker's list has no sections: the cards are under the page's h1.
    mine = signed_in(app, world, "worker_a").get("/returns").get_data(as_text=True)
    assert '<h2 class="card-title">' in mine and '<h3 class="card-title">' not in mine


@pytest.mark.parametrize("role", ["worker_a", "worker_a2", "manager_b", "worker_b"])
def test_nobody_else_sees_an_unallocated_return(app, world, role):
    web = signed_in(app, world, role)
    assert f"/episodes/{world.episodes['new']}" not in web.get("/returns").get_data(as_text=True)
    assert web.get(f"/episodes/{world.episodes['new']}").status_code == 404


def test_the_allocation_page_shows_each_workers_open_returns_and_nearest_deadline(app, world):
    with app.app_context():  # worker_a2 holds one return, due in 50 hours
        now = utcnow()
        db.session.add(
            Episode(
                child_id=world.children["a"],
                risk_grade="Low",
                dfe_type="M",
                started_at=now - timedelta(hours=30),
                returned_at=now - timedelta(hours=22),
                assigned_worker_id=world.users["worker_a2"],
            )
        )
        # A return of theirs closed as not reached after attempts: no one's work now.
        closed = Episode(
            child_id=world.children["a"],
            risk_grade="Low",
            dfe_type="M",
            started_at=now - timedelta(hours=90),
            returned_at=now - timedelta(hours=80),
            assigned_worker_id=world.users["worker_a2"],
        )
        db.session.add(closed)
        db.session.flush()
        not_reached = Interview(
            status="unable_to_contact",
            due_at=now - timedelta(hours=8),
            outcome="not_reached",
            outcome_at=now - timedelta(hours=2),
        )
        not_reached.episodes.append(closed)
        db.session.add(not_reached)
        # One of worker A's, held in time and being written up: past its deadline now, but it
        # waits for no interview (its Returns card says "held in time").
        written_up = Episode(
            child_id=world.children["a"],
            risk_grade="Low",
            dfe_type="M",
            started_at=now - timedelta(hours=90),
            returned_at=now - timedelta(hours=80),
            assigned_worker_id=world.users["worker_a"],
        )
        db.session.add(written_up)
        db.session.flush()
        held = Interview(
            status="in_progress",
            due_at=now - timedelta(hours=8),
            held_at=now - timedelta(hours=20),
            content={},
        )
        held.episodes.append(written_up)
        db.session.add(held)
        db.session.commit()
        assert closed.closed_at is not None
    web = signed_in(app, world, COORDINATOR)
    html = web.get(f"/episodes/{world.episodes['new']}/allocate").get_data(as_text=True)
    table = html[html.index("Workers' open returns") : html.index("</table>")]
    row = table[table.index("Worker A2") :]
    assert "<td>1</td>" in row[:40] and "49 hours left" in row
    row = table[table.index("Worker A<") :]
    assert "<td>0</td>" in row[:40] and "None" in row
    assert 'value="team:' in html and "RHI A (the whole team)" in html
    assert events(app, "episode.view")[-1] == (
        world.users[COORDINATOR],
        str(world.episodes["new"]),
        "allocation",
    )


def test_a_team_with_no_workers_is_never_offered_its_own_team(app, world):
    """The care team's manager records a return: allocating it to their own team (no return
    home interview workers) would leave it seen by no interviewer while its clock ran."""
    care = signed_in(app, world, "manager_care")
    html = care.get(f"/episodes/{world.episodes['new']}/allocate").get_data(as_text=True)
    assert "Care team (the whole team)" not in html
    assert "RHI A (the whole team)" in html
    with app.app_context():
        care_team = db.session.scalar(select(Team.id).where(Team.name == "Care team"))
    refused = allocate(care, world.episodes["new"], f"team:{care_team}")
    assert refused.status_code == 422
    with app.app_context():
        assert db.session.get(Episode, world.episodes["new"]).assigned_team_id is None


def test_allocating_to_a_worker_tells_them_on_their_returns_page(app, world):
    coordinator = signed_in(app, world, COORDINATOR)
    response = allocate(coordinator, world.episodes["new"], f"worker:{world.users['worker_a']}")
    assert response.status_code == 302
    assert held(app, world.episodes["new"]) == (world.users["worker_a"], None)
    assert events(app, "episode.allocate") == [
        (
            world.users[COORDINATOR],
            str(world.episodes["new"]),
            f"to worker {world.users['worker_a']}",
        )
    ]
    worker = signed_in(app, world, "worker_a")
    html = worker.get("/returns").get_data(as_text=True)
    assert "Ada Alpha's return</a> was allocated to you by Coordinator A." in html
    assert f'href="/episodes/{world.episodes["new"]}"' in html
    # Its button says which notice it dismisses (each notice's button did the same).
    assert (
        'Dismiss<span class="visually-hidden"> the notice about Ada Alpha\'s return</span>' in html
    )
    # The coordinator's list has nothing waiting any more.
    after = coordinator.get("/returns").get_data(as_text=True)
    assert "Every return is allocated." in after
    # Dismissed, the notice is gone, and the dismissal is audited.
    with app.app_context():
        notice_id = db.session.scalar(select(Notice.id))
    assert worker.post(f"/notices/{notice_id}/dismiss", page="/returns").status_code == 302
    assert "allocated to you" not in worker.get("/returns").get_data(as_text=True)
    assert events(app, "notice.dismiss") == [(world.users["worker_a"], str(notice_id), None)]


def test_reallocating_needs_a_reason_and_tells_both_workers(app, world):
    coordinator = signed_in(app, world, COORDINATOR)
    episode = world.episodes["new"]
    allocate(coordinator, episode, f"worker:{world.users['worker_a']}")
    html = coordinator.get(f"/episodes/{episode}/allocate").get_data(as_text=True)
    assert "Now with <strong>Worker A</strong>" in html and "Reason for the change" in html
    refused = allocate(coordinator, episode, f"worker:{world.users['worker_a2']}", reason=" ")
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "Write why the return is moving from Worker A" in page[page.index('id="reason-error"') :]
    assert held(app, episode) == (world.users["worker_a"], None)
    same = allocate(coordinator, episode, f"worker:{world.users['worker_a']}", reason="x")
    assert "already allocated to Worker A" in same.get_data(as_text=True)

    reason = "Worker A is on leave until Monday."
    moved = allocate(coordinator, episode, f"worker:{world.users['worker_a2']}", reason=reason)
    assert moved.status_code == 302
    assert held(app, episode) == (world.users["worker_a2"], None)
    with app.app_context():
        history = db.session.scalars(select(Allocation).order_by(Allocation.id)).all()
        assert [(a.worker_id, a.from_worker_id, a.reason) for a in history] == [
            (world.users["worker_a"], None, None),
            (world.users["worker_a2"], world.users["worker_a"], reason),
        ]
    assert [d for _, _, d in events(app, "episode.reallocate")] == [
        f"to worker {world.users['worker_a2']} with a reason"
    ]
    new_worker = signed_in(app, world, "worker_a2").get("/returns").get_data(as_text=True)
    assert "was allocated to you by Coordinator A (it was with Worker A)." in new_worker
    assert reason in new_worker
    old_worker = signed_in(app, world, "worker_a").get("/returns").get_data(as_text=True)
    assert "Ada Alpha's return was moved from you to Worker A2 by Coordinator A." in old_worker
    assert reason in old_worker
    assert f'href="/episodes/{episode}"' not in old_worker
    # The episode page keeps the history for those who allocate.
    page = coordinator.get(f"/episodes/{episode}").get_data(as_text=True)
    assert "Allocations (2)" in page and reason in page


def test_allocating_to_a_team_puts_it_on_every_team_workers_list(app, world):
    manager = signed_in(app, world, "manager_a")
    rhi_a = team_id(app, "RHI A")
    assert allocate(manager, world.episodes["new"], f"team:{rhi_a}").status_code == 302
    assert held(app, world.episodes["new"]) == (None, rhi_a)
    for key in ("worker_a", "worker_a2"):
        html = signed_in(app, world, key).get("/returns").get_data(as_text=True)
        assert f"/episodes/{world.episodes['new']}" in html
    with app.app_context():
        assert db.session.scalar(select(Notice.id)) is None  # a team is not sent notices
    # Then to one of the team's own workers: it moves from no one, so no reason is asked for.
    taken = allocate(manager, world.episodes["new"], f"worker:{world.users['worker_a2']}")
    assert taken.status_code == 302
    assert held(app, world.episodes["new"]) == (world.users["worker_a2"], None)


def test_handing_a_return_to_another_team(app, world):
    manager = signed_in(app, world, "manager_a")
    rhi_b = team_id(app, "RHI B")
    response = allocate(manager, world.episodes["new"], f"team:{rhi_b}")
    assert response.status_code == 302
    # Ada is kept by no team and her social worker is in the care team: once RHI B holds the
    # return, RHI A's manager no longer sees it, and is sent back to the Returns list.
    assert response.headers["Location"] == "/returns"
    assert manager.get(f"/episodes/{world.episodes['new']}").status_code == 404
    worker_b = signed_in(app, world, "worker_b").get("/returns").get_data(as_text=True)
    assert f"/episodes/{world.episodes['new']}" in worker_b


def test_bad_allocations_are_refused_next_to_the_field(app, world):
    coordinator = signed_in(app, world, COORDINATOR)
    episode = world.episodes["new"]
    for to in ("", f"worker:{world.users['worker_b']}", "worker:999", "nobody"):
        response = allocate(coordinator, episode, to)
        assert response.status_code == 422, to
        assert 'id="to-error"' in response.get_data(as_text=True)
    assert held(app, episode) == (None, None)


def test_who_may_allocate(app, world):
    # Another team's manager cannot see the return at all.
    other = signed_in(app, world, "manager_b")
    assert other.get(f"/episodes/{world.episodes['new']}/allocate").status_code == 404
    assert allocate(other, world.episodes["new"], "team:1").status_code == 404
    # The care team's manager sees Ada's returns (her social worker is theirs): they may
    # allocate one nobody holds, never one RHI A holds.
    care = signed_in(app, world, "manager_care")
    assert care.get(f"/episodes/{world.episodes['new']}/allocate").status_code == 200
    assert care.get(f"/episodes/{world.episodes['a']}").status_code == 200
    assert care.get(f"/episodes/{world.episodes['a']}/allocate").status_code == 403
    assert allocate(care, world.episodes["a"], "team:1", reason="x").status_code == 403
    # Workers and social workers do not allocate.
    for key in ("worker_a", "social_worker"):
        web = signed_in(app, world, key)
        assert web.get(f"/episodes/{world.episodes['a']}/allocate").status_code == 403
        assert allocate(web, world.episodes["a"], "team:1", reason="x").status_code == 403
    assert held(app, world.episodes["a"]) == (None, team_id(app, "RHI A"))
    with app.app_context():
        refused = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.outcome == "refused")
        ).all()
        assert set(refused) == {"access.refused", "change.refused"}
        assert refused.count("change.refused") >= 6


def test_a_notice_is_dismissed_only_by_its_reader(app, world):
    coordinator = signed_in(app, world, COORDINATOR)
    allocate(coordinator, world.episodes["new"], f"worker:{world.users['worker_a']}")
    with app.app_context():
        notice_id = db.session.scalar(select(Notice.id))
    other = signed_in(app, world, "worker_a2")
    assert other.post(f"/notices/{notice_id}/dismiss", page="/returns").status_code == 404
    with app.app_context():
        assert db.session.get(Notice, notice_id).dismissed_at is None
        refused = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "access.refused"))
        assert (refused.user_id, refused.object_type) == (world.users["worker_a2"], "notice")


def test_a_manager_sees_an_unallocated_return_of_a_child_their_team_has_held_before(app, world):
    """Ben is kept by no team; RHI B held his earlier return, so his new one, unallocated, is
    RHI B's manager's to allocate (and not RHI A's)."""
    with app.app_context():
        ben = db.session.get(Child, world.children["b"])
        now = utcnow()
        episode = Episode(
            child=ben,
            risk_grade="Low",
            dfe_type="M",
            started_at=now - timedelta(hours=5),
            returned_at=now - timedelta(hours=1),
        )
        db.session.add(episode)
        db.session.commit()
        ben_new = episode.id
    manager_b = signed_in(app, world, "manager_b")
    assert f"/episodes/{ben_new}/allocate" in manager_b.get("/returns").get_data(as_text=True)
    assert manager_b.get(f"/episodes/{ben_new}/allocate").status_code == 200
    assert signed_in(app, world, "manager_a").get(f"/episodes/{ben_new}").status_code == 404


def test_a_deactivated_worker_is_not_offered(app, world):
    with app.app_context():
        db.session.get(User, world.users["worker_a2"]).active = False
        db.session.commit()
    html = signed_in(app, world, COORDINATOR).get(f"/episodes/{world.episodes['new']}/allocate")
    assert "Worker A2" not in html.get_data(as_text=True)


def test_a_manager_allocates_a_return_before_its_interview_is_started(app, world):
    """Only the interviewer's side writes an interview: started on a return nobody holds, it
    could be written, finished or closed by no one (a review found it stuck)."""
    manager = signed_in(app, world, "manager_a")
    url = f"/episodes/{world.episodes['new']}"
    page = manager.get(url).get_data(as_text=True)
    assert "Start the interview now" not in page and "Record a contact attempt" in page
    offer = {"offered_at": "2026-11-23T09:30", "method": "visit", "answer": "yes"}
    assert manager.post(url + "/interview", offer, page=url).status_code == 403
    with app.app_context():
        assert not db.session.get(Episode, world.episodes["new"]).interviews
    rhi_a = team_id(app, "RHI A")
    assert allocate(manager, world.episodes["new"], f"team:{rhi_a}").status_code == 302
    assert "Start the interview now" in manager.get(url).get_data(as_text=True)


@pytest.mark.parametrize("leaves", ["no team", "another team", "not a worker", "deactivated"])
def test_a_worker_who_leaves_the_team_gives_their_open_returns_back_to_it(app, world, leaves):
    """A probe: a worker moved out of their team (or closed) kept their open returns, which
    then fell off every list that could act on them: the team's manager saw them no more and
    could not move them, while the 72-hour clock ran. They go back to the team to allocate
    now, with why, kept and audited as any move; a closed return stays as it was."""
    coordinator = signed_in(app, world, COORDINATOR)
    episode = world.episodes["new"]
    worker = world.users["worker_a"]
    assert allocate(coordinator, episode, f"worker:{worker}").status_code == 302
    assert held(app, world.episodes["a"]) == (None, team_id(app, "RHI A"))  # the world's own
    with app.app_context():
        db.session.get(Episode, world.episodes["a"]).assigned_worker_id = worker
        db.session.get(Episode, world.episodes["a"]).closed_at = utcnow()
        db.session.commit()

    admin = signed_in(app, world, "admin")
    if leaves == "deactivated":
        response = admin.post(f"/admin/users/{worker}/active", page="/admin/users")
    else:
        role, team = {
            "no team": ("worker", "0"),
            "another team": ("worker", str(team_id(app, "RHI B"))),
            "not a worker": ("manager", str(team_id(app, "RHI A"))),
        }[leaves]
        response = admin.post(
            f"/admin/users/{worker}/role",
            {f"u{worker}-role": role, f"u{worker}-team_id": team},
            page="/admin/users",
        )
    assert response.status_code == 302
    flashed = admin.get("/admin/users").get_data(as_text=True)
    assert "1 open return they held goes back to their team to allocate" in flashed

    assert held(app, episode) == (None, team_id(app, "RHI A"))
    assert held(app, world.episodes["a"])[0] == worker  # closed: left as it was
    with app.app_context():
        moved = db.session.scalars(select(Allocation).order_by(Allocation.id.desc())).first()
        assert moved.from_worker_id == worker and moved.team_id == team_id(app, "RHI A")
        assert "Worker A" in moved.reason
    # The team's manager finds it on their list and can allocate it again.
    manager = signed_in(app, world, "manager_a")
    assert f'href="/episodes/{episode}"' in manager.get("/returns").get_data(as_text=True)
    assert manager.get(f"/episodes/{episode}/allocate").status_code == 200
    again = allocate(manager, episode, f"worker:{world.users['worker_a2']}")
    assert again.status_code == 302
    assert held(app, episode) == (world.users["worker_a2"], None)


def test_a_return_stays_with_the_team_that_held_it_when_its_worker_moves(app, world):
    """A probe: a manager saw a return through the team its worker is in now. A worker moved
    from RHI A to RHI B took their closed returns with them: RHI A's manager got "not found"
    for a return their team held (and lost it from their figures), and RHI B's manager could
    open it, and the interview, though their team never had the child. The return keeps the
    team that held it."""
    coordinator = signed_in(app, world, COORDINATOR)
    episode = world.episodes["new"]
    worker = world.users["worker_a"]
    assert allocate(coordinator, episode, f"worker:{worker}").status_code == 302
    with app.app_context():
        db.session.get(Episode, episode).closed_at = utcnow()  # its interview held and finished
        db.session.commit()
    admin = signed_in(app, world, "admin")
    moved = admin.post(
        f"/admin/users/{worker}/role",
        {f"u{worker}-role": "worker", f"u{worker}-team_id": str(team_id(app, "RHI B"))},
        page="/admin/users",
    )
    assert moved.status_code == 302
    assert held(app, episode) == (worker, None)  # closed: left with the worker who held it

    assert signed_in(app, world, "manager_a").get(f"/episodes/{episode}").status_code == 200
    assert signed_in(app, world, "manager_b").get(f"/episodes/{episode}").status_code == 404


def test_the_team_that_held_a_return_reallocates_it_after_its_worker_moved(app, world):
    """A review: who may move a return was still decided by its worker's team now, so after a
    worker moved, the team that held the return could open it but not reallocate it, and
    their new team was offered to and then could not open it."""
    coordinator = signed_in(app, world, COORDINATOR)
    episode = world.episodes["new"]
    worker = world.users["worker_a"]
    assert allocate(coordinator, episode, f"worker:{worker}").status_code == 302
    with app.app_context():
        db.session.get(Episode, episode).closed_at = utcnow()
        db.session.commit()
    signed_in(app, world, "admin").post(
        f"/admin/users/{worker}/role",
        {f"u{worker}-role": "worker", f"u{worker}-team_id": str(team_id(app, "RHI B"))},
        page="/admin/users",
    )
    manager_a = signed_in(app, world, "manager_a")
    assert manager_a.get(f"/episodes/{episode}/allocate").status_code == 200
    assert (
        signed_in(app, world, "manager_b").get(f"/episodes/{episode}/allocate").status_code == 404
    )


def test_a_worker_with_no_team_put_in_one_brings_their_returns_to_it(app, world):
    """A review: a worker with no team holds returns no team holds; put in a team, that team's
    manager saw them through the worker before, and must still (the app's own advice, "give
    them a team first", goes through this)."""
    solo = world.episodes["solo"]  # held by worker_solo, who has no team
    manager = signed_in(app, world, "manager_a")
    assert manager.get(f"/episodes/{solo}").status_code == 404
    worker = world.users["worker_solo"]
    moved = signed_in(app, world, "admin").post(
        f"/admin/users/{worker}/role",
        {f"u{worker}-role": "worker", f"u{worker}-team_id": str(team_id(app, "RHI A"))},
        page="/admin/users",
    )
    assert moved.status_code == 302
    assert manager.get(f"/episodes/{solo}").status_code == 200
    assert manager.get(f"/episodes/{solo}/allocate").status_code == 200


def test_saving_a_workers_role_and_team_unchanged_moves_nothing(app, world):
    coordinator = signed_in(app, world, COORDINATOR)
    worker = world.users["worker_a"]
    allocate(coordinator, world.episodes["new"], f"worker:{worker}")
    admin = signed_in(app, world, "admin")
    admin.post(
        f"/admin/users/{worker}/role",
        {f"u{worker}-role": "worker", f"u{worker}-team_id": str(team_id(app, "RHI A"))},
        page="/admin/users",
    )
    assert held(app, world.episodes["new"]) == (worker, None)


def test_a_worker_with_no_team_and_open_returns_is_not_deactivated_until_given_one(app, world):
    """Their returns go back to their team when they leave: with no team, to no one who could
    see them. The administrator is told to give them a team first."""
    coordinator = signed_in(app, world, COORDINATOR)
    worker = world.users["worker_a"]
    allocate(coordinator, world.episodes["new"], f"worker:{worker}")
    with app.app_context():
        db.session.get(User, worker).team_id = None
        db.session.commit()
    admin = signed_in(app, world, "admin")
    admin.post(f"/admin/users/{worker}/active", page="/admin/users")
    page = admin.get("/admin/users").get_data(as_text=True)
    assert "holds 1 open return and has no team to give them back to" in page
    with app.app_context():
        assert db.session.get(User, worker).active
    assert held(app, world.episodes["new"]) == (worker, None)


def test_a_return_whose_interview_is_finished_is_not_moved(app, world):
    """A probe: a coordinator moved a finished return to another team, whose worker and
    manager then read the whole interview (what the child kept back included) while the
    interviewer and their manager could not open it. A closed return stays where it is."""
    coordinator = signed_in(app, world, COORDINATOR)
    episode_id = world.episodes["new"]
    worker = world.users["worker_a"]
    assert allocate(coordinator, episode_id, f"worker:{worker}").status_code == 302
    with app.app_context():
        episode = db.session.get(Episode, episode_id)
        held_at = utcnow() - timedelta(hours=1)
        interview = Interview(
            status="finished",
            due_at=episode.returned_at + timedelta(hours=72),
            held_at=held_at,
            finished_at=held_at,
            outcome="held",
            outcome_at=held_at,
            worker_id=worker,
            content={},
        )
        interview.episodes.append(episode)
        db.session.add(interview)
        db.session.commit()
    page = coordinator.get(f"/episodes/{episode_id}").get_data(as_text=True)
    assert f"/episodes/{episode_id}/allocate" not in page  # no "Reallocate"
    form = coordinator.get(f"/episodes/{episode_id}/allocate").get_data(as_text=True)
    assert "This return is closed: its interview has its outcome." in form
    refused = allocate(coordinator, episode_id, f"team:{team_id(app, 'RHI B')}", "Moved area")
    assert refused.status_code == 422
    assert "It is not moved, so the interview stays with the worker" in refused.get_data(
        as_text=True
    )
    assert held(app, episode_id) == (worker, None)
    assert signed_in(app, world, "worker_b").get(f"/episodes/{episode_id}").status_code == 404


def test_the_allocate_page_lists_the_childs_other_open_returns_and_who_holds_them(app, world):
    """An intake probe: a child back three times in a day; allocating the last return said
    nothing of the other two, held by a team, so each could go to another worker."""
    coordinator = signed_in(app, world, COORDINATOR)
    page = coordinator.get(f"/episodes/{world.episodes['new']}/allocate").get_data(as_text=True)
    words = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "Ada's other returns still open" in words
    assert "Returned 23 Nov 2026 02:00 : with RHI A" in words
    assert f'href="/episodes/{world.episodes["a"]}"' in page
    # Ben's (another child's) returns are not Ada's.
    assert f'href="/episodes/{world.episodes["b"]}"' not in page
    # A return with nothing else open for the child says nothing of others.
    page = coordinator.get(f"/episodes/{world.episodes['a']}/allocate").get_data(as_text=True)
    assert "other returns still open" in page  # the new one is open too
    with app.app_context():
        db.session.get(Episode, world.episodes["new"]).closed_at = utcnow()
        db.session.commit()
    page = coordinator.get(f"/episodes/{world.episodes['a']}/allocate").get_data(as_text=True)
    assert "other returns still open" not in page
