"""One interview about two times away: a child who went missing again before the interview for
their last return was held (../shared/domain/practice.md: "One interview may cover several
episodes"). Only the tablet's upload could make one; the episode page offered a second
interview for the later return and nothing else (coordinator probe, session 29)."""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import select

from rhi.episodes import service
from rhi.extensions import db
from rhi.models import AuditEvent, Episode, Interview, Team
from rhi.models.base import utcnow
from rhi.models.episodes import Notice
from tests.app.helpers import OFFER_AND_YES
from tests.app.test_concurrent_saves import in_thread, until_waiting_on_a_lock
from tests.conftest import Web

OFFER = "Talk about both times away in one interview?"


def _as(app, world, key: str) -> Web:
    web = Web(app.test_client())
    web.sign_in(world.emails[key])
    return web


def _later_return(app, world, *, started_hours_ago: int = 8, child: str = "a") -> int:
    """Ada went missing again after her last return (10 hours ago), and came back 2 hours ago."""
    with app.app_context():
        now = utcnow()
        episode = Episode(
            child_id=world.children[child],
            police_reference=f"REF-{child.upper()}2",
            risk_grade="Medium",
            dfe_type="M",
            started_at=now - timedelta(hours=started_hours_ago),
            returned_at=now - timedelta(hours=2),
            assigned_team=db.session.scalar(select(Team).where(Team.name == "RHI A")),
        )
        db.session.add(episode)
        db.session.commit()
        return episode.id


def _text(response) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


def _covered(app, uuid: str) -> list[int]:
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        return sorted(e.id for e in interview.episodes)


def test_a_later_return_joins_the_interview_still_to_be_held_and_says_both_deadlines(app, world_i):
    later = _later_return(app, world_i)
    worker = _as(app, world_i, "worker_a")
    page = _text(worker.get(f"/episodes/{later}"))
    assert OFFER in page
    # The clock is 23 Nov 12:00 (GMT): Ada's first return 02:00, this one 10:00.
    assert "interview for their return on 23 Nov 2026 02:00 is not held yet (In progress)" in page
    assert "It stays due by 26 Nov 2026 02:00." in page
    assert "For this return, it is in time if held by 26 Nov 2026 10:00." in page

    uuid = world_i.interviews["a"]
    response = worker.post(
        f"/episodes/{later}/join", {"interview": uuid}, page=f"/episodes/{later}"
    )
    assert response.status_code == 302
    assert _covered(app, uuid) == sorted([world_i.episodes["a"], later])
    page = _text(worker.get(f"/episodes/{later}"))
    assert "the interview for Ada Alpha's return on 23 Nov 2026 02:00 now covers this return" in (
        page
    )
    assert OFFER not in page
    assert "Status In progress" in page and "Continue the interview" in page
    interview_page = _text(worker.get(f"/interviews/{uuid}", follow_redirects=True))
    assert (
        "About 2 times away: the returns on 23 Nov 2026 02:00 and 23 Nov 2026 10:00."
        in interview_page
    )
    with app.app_context():
        rows = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "interview.cover")
        ).all()
        assert [(r.object_id, r.detail, r.user_id) for r in rows] == [
            (uuid, f"episode {later}", world_i.users["worker_a"])
        ]


def test_no_offer_for_an_interview_the_child_said_no_to_or_one_that_overlaps(app, world_i):
    worker = _as(app, world_i, "worker_a")
    # Away again before the last return came back (an overlapping report): not a later return.
    overlapping = _later_return(app, world_i, started_hours_ago=20)
    assert OFFER not in _text(worker.get(f"/episodes/{overlapping}"))

    later = _later_return(app, world_i)
    assert OFFER in _text(worker.get(f"/episodes/{later}"))
    with app.app_context():
        interview = db.session.scalar(
            select(Interview).where(Interview.uuid == world_i.interviews["a"])
        )
        interview.status = "declined"  # the child said no while the page was open
        db.session.commit()
    assert OFFER not in _text(worker.get(f"/episodes/{later}"))
    response = worker.post(
        f"/episodes/{later}/join", {"interview": world_i.interviews["a"]}, page="/"
    )
    assert response.status_code == 302
    assert "Nothing was changed: that interview can no longer cover this return" in _text(
        worker.get(f"/episodes/{later}")
    )
    assert _covered(app, world_i.interviews["a"]) == [world_i.episodes["a"]]


def test_only_someone_who_records_both_returns_is_offered_it_or_may_do_it(app, world_i):
    # Ben's return held by a worker of his own (ep "solo") came after his return held by team
    # RHI B, whose interview is in progress: worker_solo may not write RHI B's interview.
    solo = _as(app, world_i, "worker_solo")
    url = f"/episodes/{world_i.episodes['solo']}"
    assert solo.get(url).status_code == 200
    assert OFFER not in _text(solo.get(url))
    response = solo.post(url + "/join", {"interview": world_i.interviews["b"]}, page=url)
    assert response.status_code == 403
    assert _covered(app, world_i.interviews["b"]) == [world_i.episodes["b"]]
    # The child's social worker reads the return and does not do its work.
    later = _later_return(app, world_i)
    social = _as(app, world_i, "social_worker")
    assert OFFER not in _text(social.get(f"/episodes/{later}"))
    response = social.post(
        f"/episodes/{later}/join", {"interview": world_i.interviews["a"]}, page="/"
    )
    assert response.status_code in (403, 404)
    assert _covered(app, world_i.interviews["a"]) == [world_i.episodes["a"]]


def test_an_interview_already_held_takes_no_later_return(app, world_i):
    """A security probe: the interview for Ada's first return was held before she went missing
    again; the later return's page still offered to join it ("not held yet"), and joined, the
    later return read "held in time" and left the list of returns waiting, its time away never
    talked about."""
    later = _later_return(app, world_i)
    worker = _as(app, world_i, "worker_a")
    with app.app_context():
        interview = db.session.scalar(
            select(Interview).where(Interview.uuid == world_i.interviews["a"])
        )
        interview.held_at = utcnow() - timedelta(hours=9)  # before she went missing again
        db.session.commit()
    assert OFFER not in _text(worker.get(f"/episodes/{later}"))
    response = worker.post(
        f"/episodes/{later}/join", {"interview": world_i.interviews["a"]}, page="/"
    )
    assert response.status_code == 302
    assert "Nothing was changed" in _text(worker.get(f"/episodes/{later}"))
    assert _covered(app, world_i.interviews["a"]) == [world_i.episodes["a"]]
    with app.app_context():  # the refusal is on the trail
        (row,) = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "interview.cover")
        ).all()
        assert (row.outcome, row.object_id) == ("refused", str(later))


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_an_offer_and_a_join_at_once_give_the_return_one_interview(app, world_i, monkeypatch):
    """A probe pressed "talk about both times away" as the offer was recorded: both found no
    interview for the return, and it was covered by two."""
    later = _later_return(app, world_i)
    offering, joining = _as(app, world_i, "worker_a"), _as(app, world_i, "worker_a")
    url = f"/episodes/{later}"
    join_token = joining.csrf(url)
    offer_token = offering.csrf(url)
    inside, go_on = threading.Event(), threading.Event()
    real_lock = service.lock_for_interview

    def offer_holds_the_lock(episode):
        real_lock(episode)
        if not inside.is_set():  # the first (the offer) stops here, holding the return's row
            inside.set()
            assert go_on.wait(60)

    monkeypatch.setattr(service, "lock_for_interview", offer_holds_the_lock)
    offer, offer_out = in_thread(
        lambda: offering.client.post(
            url + "/interview",
            # After this return (10:00), or the offer is refused before it is recorded.
            data={**OFFER_AND_YES, "offered_at": "2026-11-23T11:30", "csrf_token": offer_token},
        )
    )
    assert inside.wait(60)
    join, join_out = in_thread(
        lambda: joining.client.post(
            url + "/join", data={"interview": world_i.interviews["a"], "csrf_token": join_token}
        )
    )
    until_waiting_on_a_lock(app, "the join (for the offer's hold on the return)")
    go_on.set()
    offer.join(60)
    join.join(60)
    assert [r.status_code for r in offer_out + join_out] == [302, 302]
    assert _covered(app, world_i.interviews["a"]) == [world_i.episodes["a"]]
    with app.app_context():
        episode = db.session.get(Episode, later)
        assert len(episode.interviews) == 1
    assert "Nothing was changed" in _text(joining.get(url))


def test_returns_sharing_an_interview_move_to_another_team_together(app, world_i):
    """A security probe moved one of two returns joined in one interview to another team: the
    interview went with it while the other return stayed, and both teams read and wrote the
    interview, what the child kept back included. The returns it covers move together."""
    from tests.app.test_allocation import allocate, held, team_id

    later = _later_return(app, world_i)
    uuid = world_i.interviews["a"]
    worker = _as(app, world_i, "worker_a")
    assert worker.post(f"/episodes/{later}/join", {"interview": uuid}, page="/").status_code == 302
    assert worker.get(f"/interviews/{uuid}", follow_redirects=True).status_code == 200

    manager = _as(app, world_i, "manager_a")
    allocate_page = _text(manager.get(f"/episodes/{later}/allocate"))
    assert (
        "One interview covers this return and the return on 23 Nov 2026 02:00: they move "
        "together." in allocate_page
    )
    assert "other returns still open" not in allocate_page  # said once, as moving with it
    rhi_b = team_id(app, "RHI B")
    response = allocate(manager, later, f"team:{rhi_b}", reason="Moved nearer her placement")
    assert response.status_code == 302
    assert held(app, later) == (None, rhi_b)
    assert held(app, world_i.episodes["a"]) == (None, rhi_b)
    page = _text(manager.get("/returns"))
    assert "So is the return on 23 Nov 2026 02:00: one interview covers both." in page
    # Now RHI B's alone: RHI A's worker no longer opens the interview, or either return.
    assert worker.get(f"/interviews/{uuid}", follow_redirects=True).status_code == 404
    assert worker.get(f"/episodes/{world_i.episodes['a']}").status_code == 404
    with app.app_context():
        moved = db.session.scalars(
            select(AuditEvent.object_id).where(AuditEvent.action == "episode.reallocate")
        ).all()
        assert sorted(moved) == sorted([str(later), str(world_i.episodes["a"])])


def test_a_return_moving_with_another_needs_the_why_and_its_worker_is_told_once(app, world_i):
    """A probe: a team's return, passed to a worker of the team (which needs no reason), took
    with it the return sharing its interview from the worker who held that one, with no reason
    given; and a worker holding both was told twice of one move."""
    from tests.app.test_allocation import allocate, held, team_id
    from tests.world import add_user

    with app.app_context():
        first = db.session.get(Episode, world_i.episodes["a"])
        first.assigned_worker_id, first.assigned_team_id = world_i.users["worker_a"], None
        team_a = db.session.scalar(select(Team).where(Team.name == "RHI A"))
        second_worker = add_user("worker_a2", "worker", team_a)
        db.session.commit()
        second_worker_id = second_worker.id
    later = _later_return(app, world_i)
    uuid = world_i.interviews["a"]
    worker = _as(app, world_i, "worker_a")
    assert worker.post(f"/episodes/{later}/join", {"interview": uuid}, page="/").status_code == 302
    # Joined, the team's return went to Worker A, who holds the interview.
    assert "This return is now with Worker A, who holds the interview." in _text(
        worker.get(f"/episodes/{later}")
    )
    assert held(app, later) == (world_i.users["worker_a"], None)
    # So the team's other worker reads the interview through neither return.
    other = Web(app.test_client())
    other.sign_in("worker_a2@test.example.org")
    assert other.get(f"/interviews/{uuid}", follow_redirects=True).status_code == 404
    with app.app_context():  # as a return joined before that was done
        db.session.get(Episode, later).assigned_worker_id = None
        db.session.get(Episode, later).assigned_team_id = team_id(app, "RHI A")
        db.session.commit()

    manager = _as(app, world_i, "manager_a")
    refused = allocate(manager, later, f"worker:{second_worker_id}")
    assert refused.status_code == 422
    assert (
        "Write why the return on 23 Nov 2026 02:00 is moving from Worker A: they will read it."
        in _text(refused)
    )
    assert held(app, later) == (None, team_id(app, "RHI A"))

    moved = allocate(manager, later, f"worker:{second_worker_id}", "Worker A is away")
    assert moved.status_code == 302
    assert held(app, later) == held(app, world_i.episodes["a"]) == (second_worker_id, None)
    rhi_b = team_id(app, "RHI B")
    assert allocate(manager, later, f"team:{rhi_b}", "Nearer home").status_code == 302
    assert held(app, later) == held(app, world_i.episodes["a"]) == (None, rhi_b)
    with app.app_context():
        told = db.session.scalars(
            select(Notice.user_id).where(Notice.kind == "moved_away").order_by(Notice.id)
        ).all()
    assert told == [world_i.users["worker_a"], second_worker_id]  # once each, for two returns


def _joined_by_worker_a(app, world_i) -> int:
    """Ada's first return held by Worker A, a later one joined to its interview (and so Worker
    A's too). The later return's id."""
    with app.app_context():
        first = db.session.get(Episode, world_i.episodes["a"])
        first.assigned_worker_id, first.assigned_team_id = world_i.users["worker_a"], None
        db.session.commit()
    later = _later_return(app, world_i)
    worker = _as(app, world_i, "worker_a")
    joined = worker.post(
        f"/episodes/{later}/join", {"interview": world_i.interviews["a"]}, page="/"
    )
    assert joined.status_code == 302
    return later


def test_a_worker_holding_joined_returns_leaves_and_both_go_back_to_the_team(app, world_i):
    """A review: closing the account of a worker holding two returns one interview covers
    answered 500: the first return's move took the second with it, and the second's own move
    was then refused as "already allocated"."""
    from tests.app.test_allocation import held, team_id

    later = _joined_by_worker_a(app, world_i)
    worker = world_i.users["worker_a"]
    admin = _as(app, world_i, "admin")
    moved = admin.post(
        f"/admin/users/{worker}/role",
        {f"u{worker}-role": "worker", f"u{worker}-team_id": str(team_id(app, "RHI B"))},
        page="/admin/users",
    )
    assert moved.status_code == 302
    rhi_a = team_id(app, "RHI A")
    assert held(app, later) == held(app, world_i.episodes["a"]) == (None, rhi_a)


def test_the_joining_worker_is_not_told_their_own_return_moved_from_them(app, world_i):
    """A review: Worker A, holding the later return, joined it to the interview their team
    holds, and was told the return "moved away" from them by their own act."""
    from tests.app.test_allocation import held, team_id

    later = _later_return(app, world_i)  # the team's
    with app.app_context():
        db.session.get(Episode, later).assigned_worker_id = world_i.users["worker_a"]
        db.session.get(Episode, later).assigned_team_id = None
        db.session.commit()
    worker = _as(app, world_i, "worker_a")
    uuid = world_i.interviews["a"]
    assert worker.post(f"/episodes/{later}/join", {"interview": uuid}, page="/").status_code == 302
    assert held(app, later) == (None, team_id(app, "RHI A"))  # with the interview's holder
    with app.app_context():
        assert not db.session.scalars(select(Notice).where(Notice.kind == "moved_away")).all()


def test_another_teams_return_sharing_the_interview_is_not_moved_with_ones_own(app, world_i):
    """A review: returns joined before joined returns went to one holder may be two teams';
    moving one's own return took the other team's with it, and the interview."""
    from tests.app.test_allocation import allocate, held, team_id

    later = _joined_by_worker_a(app, world_i)
    rhi_b = team_id(app, "RHI B")
    with app.app_context():  # as joined before: the first return still RHI B's
        first = db.session.get(Episode, world_i.episodes["a"])
        first.assigned_worker_id, first.assigned_team_id = None, rhi_b
        db.session.commit()
    manager = _as(app, world_i, "manager_a")
    refused = allocate(manager, later, f"team:{team_id(app, 'RHI A')}", "Back to the team")
    assert refused.status_code == 422
    assert "held by RHI B: they move together, and that one is not yours to move" in _text(refused)
    assert held(app, world_i.episodes["a"]) == (None, rhi_b)
    assert held(app, later) == (world_i.users["worker_a"], None)


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_a_join_while_the_interviews_return_moves_waits_and_sees_it(app, world_i, monkeypatch):
    """A review: a manager moving Ada's first return to RHI B as Worker A joined a later one
    to its interview left the interview with two holders (the move did not see the join; the
    join gave the later return to the first one's old holder). The join now waits for the
    move, on the interview's row, and sees it."""
    from rhi.episodes import allocation
    from tests.app.test_allocation import held, team_id

    later = _later_return(app, world_i)
    rhi_b = team_id(app, "RHI B")
    manager, worker = _as(app, world_i, "manager_a"), _as(app, world_i, "worker_a")
    move_url, join_url = f"/episodes/{world_i.episodes['a']}/allocate", f"/episodes/{later}/join"
    move_token, join_token = manager.csrf(move_url), worker.csrf(f"/episodes/{later}")
    inside, go_on = threading.Event(), threading.Event()
    real_lock = allocation.lock_interview_of

    def move_holds_the_lock(episode):
        real_lock(episode)
        if not inside.is_set():
            inside.set()
            assert go_on.wait(60)

    monkeypatch.setattr(allocation, "lock_interview_of", move_holds_the_lock)
    move, move_out = in_thread(
        lambda: manager.client.post(
            move_url,
            data={"to": f"team:{rhi_b}", "reason": "Nearer home", "csrf_token": move_token},
        )
    )
    assert inside.wait(60)
    join, join_out = in_thread(
        lambda: worker.client.post(
            join_url, data={"interview": world_i.interviews["a"], "csrf_token": join_token}
        )
    )
    until_waiting_on_a_lock(app, "the join (for the move)")
    go_on.set()
    move.join(60)
    join.join(60)
    # The interview is RHI B's now: not Worker A's to write, so not theirs to join (refused,
    # audited); never an interview that two teams hold.
    assert [r.status_code for r in move_out + join_out] == [302, 403]
    assert _covered(app, world_i.interviews["a"]) == [world_i.episodes["a"]]
    assert held(app, world_i.episodes["a"]) == (None, rhi_b)
    assert held(app, later) == (None, team_id(app, "RHI A"))
