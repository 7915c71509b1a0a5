"""GET /sync/v1/copies: what a tablet keeps so the worker can carry on with no signal."""

from __future__ import annotations

import html
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import event, select

from rhi import deadlines
from rhi.episodes import service
from rhi.extensions import db
from rhi.interviews import content as c
from rhi.models import AuditEvent, Child, Episode, Interview, User
from rhi.models.base import utcnow
from rhi.prompts import age_band_for
from rhi.timefmt import format_datetime, to_local
from tests.conftest import Web
from tests.world import World, build_world

URL = "/sync/v1/copies"
SECRET = "Mum shouted and I ran to Jay's flat."


@pytest.fixture
def world_i(app) -> World:
    """The test world with interviews in progress for episodes a and b, and a second return for
    child a (team A) with no interview yet."""
    with app.app_context():
        world = build_world(with_interviews=True)
        interview = db.session.scalar(
            select(Interview).where(Interview.uuid == world.interviews["a"])
        )
        interview.content = c.set_field(c.empty_content(), "sections.before.text", SECRET)
        team_id = db.session.get(User, world.users["worker_a"]).team_id
        now = utcnow()
        episode = Episode(
            child_id=world.children["a"],
            risk_grade="Low",
            dfe_type="M",
            started_at=now - timedelta(hours=8),
            returned_at=now - timedelta(hours=3),
            assigned_team_id=team_id,
        )
        db.session.add(episode)
        db.session.commit()
        return World(
            world.users,
            world.emails,
            world.children,
            {**world.episodes, "a2": episode.id},
            world.interviews,
        )


def get_copies(web: Web, who: str, world: World) -> list[dict[str, Any]]:
    web.sign_in(world.emails[who])
    response = web.get(URL)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["server_time"].endswith("Z")
    return body["copies"]


def test_worker_gets_their_teams_interview_and_waiting_return(app, web, world_i):
    copies = get_copies(web, "worker_a", world_i)
    assert [e["uuid"] for e in copies] == [world_i.interviews["a"], None]  # by due_at
    interview, waiting = copies
    assert interview["status"] == "in_progress"
    assert interview["version"] >= 1
    assert interview["episode_ids"] == [world_i.episodes["a"]]
    assert interview["content"]["sections"]["before"]["text"] == SECRET
    assert interview["content"] == c.normalise(interview["content"])
    assert interview["police_risk_grade"] == "Medium"
    assert interview["due_at"].endswith("Z")
    with app.app_context():
        age = db.session.get(Episode, world_i.episodes["a"]).child.age_on(to_local(utcnow()).date())
    assert interview["child"] == {
        "display_name": "Ada Alpha",
        "first_name": "Ada",
        "age": age,
        "age_band": age_band_for(age),
        "own_social_worker": True,  # Ada's social worker works here
    }
    assert waiting["episode_ids"] == [world_i.episodes["a2"]]
    assert waiting["child"]["first_name"] == "Ada"
    assert waiting["police_risk_grade"] == "Low"
    assert "content" not in waiting
    assert interview["due_at"] <= waiting["due_at"]


def test_another_teams_interview_is_absent(web, world_i):
    uuids = {e["uuid"] for e in get_copies(web, "worker_a", world_i)}
    assert world_i.interviews["b"] not in uuids
    web.sign_out()
    assert {e["uuid"] for e in get_copies(web, "worker_b", world_i)} == {world_i.interviews["b"]}


def test_a_return_without_an_interview_is_listed_without_uuid(web, world):
    (entry,) = get_copies(web, "worker_solo", world)
    assert entry["uuid"] is None
    assert entry["episode_ids"] == [world.episodes["solo"]]
    assert entry["child"]["first_name"] == "Ben"


def test_finished_interviews_are_absent(app, web, world_i):
    with app.app_context():
        for interview in db.session.scalars(select(Interview)):
            interview.status = "finished"
        db.session.commit()
    copies = get_copies(web, "worker_a", world_i)
    assert [(e["uuid"], e["episode_ids"]) for e in copies] == [(None, [world_i.episodes["a2"]])]


@pytest.mark.parametrize("who", ["social_worker", "admin"])
def test_roles_that_do_not_record_interviews_get_nothing(web, world_i, who):
    assert get_copies(web, who, world_i) == []


def test_signed_out_is_401_json(client, world):
    response = client.get(URL)
    assert response.status_code == 401
    assert response.get_json()["error"] == "signed_out"


def test_one_audit_event_for_the_copy_and_one_for_each_child_without_note_text(app, web, world_i):
    """A probe: the copy's one audit row named no child, so a child's record trail never said
    their interview went to a tablet. Each child in the copy has its own row."""
    copies = get_copies(web, "worker_a", world_i)
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "device.copy").order_by(AuditEvent.id)
        ).all()
        worker = world_i.users["worker_a"]
        assert [(e.user_id, e.object_type, e.object_id, e.child_id, e.detail) for e in events][
            0
        ] == (worker, "user", str(worker), None, "1 interviews, 1 returns")
        kept = {(e.object_type, e.object_id, e.child_id) for e in events[1:]}
        interview = next(c for c in copies if c["uuid"])
        a_return = next(c for c in copies if not c["uuid"])
        episode = db.session.get(Episode, a_return["episode_ids"][0])
        held = db.session.scalar(select(Interview).where(Interview.uuid == interview["uuid"]))
        assert kept == {
            ("interview", interview["uuid"], held.child_id),
            ("episode", str(episode.id), episode.child_id),
        }
        assert {e.user_id for e in events} == {worker}
        for row in db.session.scalars(select(AuditEvent)):
            assert SECRET not in (row.detail or "")


def test_few_queries(app, web, world_i):
    web.sign_in(world_i.emails["worker_a"])
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def count(*_: Any) -> None:
        statements.append("q")

    event.listen(engine, "before_cursor_execute", count)
    try:
        assert web.get(URL).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) <= 15, len(statements)


def test_uploads_are_rate_limited_per_user(backend, tmp_path, request):
    from tests.conftest import Web, database_url, make_test_app
    from tests.world import build_world

    app = make_test_app(
        database_url(backend, tmp_path, request), tmp_path, RHI_UPLOAD_RATE_LIMIT="2 per minute"
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
        world = build_world()
    web = Web(app.test_client())
    web.sign_in(world.emails["worker_a"])
    token = web.get("/sync/v1/session").get_json()["csrf_token"]
    statuses = [
        web.client.post(
            "/sync/v1/interviews",
            json={"items": []},
            headers={"X-CSRFToken": token, "Idempotency-Key": f"key-{i:04d}"},
        ).status_code
        for i in range(3)
    ]
    assert statuses[:2] == [400, 400]  # an empty batch is refused, but counted
    assert statuses[2] == 429
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


# "Keep on this tablet": one child's return, on request.


def test_one_return_is_kept_on_request_with_its_interview(app, web, world_i):
    web.sign_in(world_i.emails["worker_a"])
    body = web.get(f"{URL}?episode_id={world_i.episodes['a']}").get_json()
    [entry] = body["copies"]
    assert entry["uuid"] == world_i.interviews["a"]
    assert entry["content"]["sections"]["before"]["text"] == SECRET
    [waiting] = web.get(f"{URL}?episode_id={world_i.episodes['a2']}").get_json()["copies"]
    assert waiting["uuid"] is None and waiting["episode_ids"] == [world_i.episodes["a2"]]
    assert waiting["returned_at"].endswith("Z")
    with app.app_context():
        details = db.session.scalars(
            select(AuditEvent.detail).where(
                AuditEvent.action == "device.copy", AuditEvent.object_type == "episode"
            )
        ).all()
        assert details == ["1 kept on request", "1 kept on request"]


def test_another_teams_return_is_not_kept_and_the_refusal_is_recorded(app, web, world_i):
    web.sign_in(world_i.emails["worker_a"])
    response = web.get(f"{URL}?episode_id={world_i.episodes['b']}")
    assert response.status_code == 404
    assert response.get_json()["error"]
    assert SECRET not in response.get_data(as_text=True)
    with app.app_context():
        assert (
            db.session.scalar(
                select(AuditEvent.outcome).where(
                    AuditEvent.action == "access.refused",
                    AuditEvent.object_type == "episode",
                    AuditEvent.object_id == str(world_i.episodes["b"]),
                )
            )
            == "refused"
        )


def test_a_finished_interview_or_a_reading_role_keeps_nothing(app, web, world_i):
    with app.app_context():
        interview = db.session.scalar(
            select(Interview).where(Interview.uuid == world_i.interviews["a"])
        )
        interview.status = "finished"
        db.session.commit()
    web.sign_in(world_i.emails["worker_a"])
    assert web.get(f"{URL}?episode_id={world_i.episodes['a']}").get_json()["copies"] == []
    web.sign_out()
    web.sign_in(world_i.emails["social_worker"])
    assert web.get(f"{URL}?episode_id={world_i.episodes['a']}").get_json()["copies"] == []


# What the pages show of a return, worked out by the server for the tablet (issue 10).


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text.removesuffix("Z"))


def test_each_copy_carries_the_clock_the_marker_and_the_dates_as_the_server_shows_them(
    app, web, world_i
):
    with app.app_context():  # a third episode in 30 days for Ada: the repeat marker shows
        now = utcnow()
        db.session.add(
            Episode(
                child_id=world_i.children["a"],
                risk_grade="Low",
                dfe_type="M",
                started_at=now - timedelta(days=12),
                returned_at=now - timedelta(days=11),
            )
        )
        db.session.commit()
    web.sign_in(world_i.emails["worker_a"])
    body = web.get(URL).get_json()
    server_time = _at(body["server_time"])
    interview, waiting = body["copies"]
    html = web.get("/returns").get_data(as_text=True)
    with app.app_context():
        found = db.session.scalar(
            select(Interview).where(Interview.uuid == world_i.interviews["a"])
        )
        due, offered = format_datetime(found.due_at), found.offered_at
    for entry in (interview, waiting):
        clock = entry["clock"]
        since = _at(clock["from"])
        assert abs(server_time - since) < timedelta(seconds=2)
        due_at = _at(entry["due_at"])
        # Each step says what the server's clock says the moment it begins, after the tag.
        for offset, words in clock["words"][:-1]:
            at = since + timedelta(milliseconds=offset)
            assert deadlines.Clock(due_at, at).after_tag == words
        for offset, tone, tag in clock["tone"]:
            shown = deadlines.Clock(due_at, since + timedelta(milliseconds=offset)).shown
            assert (tone, tag) == (shown.tone, shown.tag)
        assert clock["words"][0][0] == 0 and clock["words"][0][1] in html
        offset, beyond = clock["words"][-1]
        assert beyond.startswith("by more than ")  # after the tag "Overdue"
        assert timedelta(milliseconds=offset) >= timedelta(days=14)
        assert 100 < len(clock["words"]) < 500 and len(clock["tone"]) <= 3
        assert len(json.dumps(clock, separators=(",", ":"))) < 20_000  # small: 14 days
        repeat = entry["repeat"]["words"]
        assert repeat[0] == [0, "3 episodes in the last 30 days"]
        # The marker says the count, so the card's facts do not say it again (prepare.py).
        assert entry["prepare"]["prepare_repeat"] == ""
        assert repeat[-1][1] is None  # once the oldest episode leaves the window
        assert entry["shown"]["due_at"] in html and entry["shown"]["returned_at"] in html
    assert interview["shown"]["due_at"] == due
    assert interview["offer_recorded"] is (offered is not None)
    rules = body["rules"]
    assert rules["status_after"] == service.transitions()
    assert rules["status_after"]["before_offer"]["in_progress"]["offer"]["status"] == "in_progress"
    assert rules["status_labels"][""] == "Not yet offered"
    assert rules["status_labels"]["in_progress"] == "In progress"
    one = web.get(f"{URL}?episode_id={world_i.episodes['a2']}").get_json()
    assert one["rules"] == rules
    assert [step[1] for step in one["copies"][0]["repeat"]["words"]] == [
        step[1] for step in waiting["repeat"]["words"]
    ]


def test_a_held_interview_s_copy_says_held_as_the_returns_card_does(app, web, world_i):
    with app.app_context():
        found = db.session.scalar(
            select(Interview).where(Interview.uuid == world_i.interviews["a"])
        )
        found.due_at = utcnow() - timedelta(hours=30)  # and the deadline long gone
        found.held_at = found.due_at - timedelta(hours=2)
        db.session.commit()
    web.sign_in(world_i.emails["worker_a"])
    (copy,) = [e for e in web.get(URL).get_json()["copies"] if e.get("uuid")]
    assert copy["clock"]["words"] == [[0, "in time, being written up"]]
    assert copy["clock"]["tone"] == [[0, "held", "Held"]]
    returns = " ".join(web.get("/returns").get_data(as_text=True).split())
    assert ">Held</strong> in time, being written up" in returns


def test_every_key_of_the_answer_and_of_a_copy_is_documented(web, world_i):
    spec = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
    documented = yaml.safe_load(spec.read_text(encoding="utf-8"))["components"]["schemas"]
    web.sign_in(world_i.emails["worker_a"])
    body = web.get(URL).get_json()
    assert set(body) <= set(documented["Copies"]["properties"])
    assert set(documented["Copies"]["required"]) <= set(body)
    for entry in body["copies"]:
        assert set(entry) <= set(documented["Copy"]["properties"])
        assert set(documented["Copy"]["required"]) <= set(entry)
    assert set(body["rules"]) == set(documented["StatusRules"]["properties"])


def test_a_managers_copy_is_filled_with_their_own_sides_returns_first(app, web, world, monkeypatch):
    """A probe: the copy took the first 200 of all the returns a manager sees (their social
    workers' children's, held by other teams) and then kept those on their side: with enough
    of the others, their own team's return was not on the tablet. Only their side is read."""
    from rhi.models import Team
    from rhi.sync import copies as device_copies

    monkeypatch.setattr(device_copies, "LIMIT", 2)
    now = utcnow()
    with app.app_context():
        rhi_a = db.session.scalar(select(Team).where(Team.name == "RHI A"))
        care = db.session.scalar(select(Team).where(Team.name == "Care team"))
        for hours, child, team in ((20, "a", rhi_a), (21, "a", rhi_a), (1, "b", care)):
            db.session.add(
                Episode(
                    child_id=world.children[child],
                    risk_grade="Low",
                    dfe_type="M",
                    started_at=now - timedelta(hours=hours + 5),
                    returned_at=now - timedelta(hours=hours),
                    assigned_team_id=team.id,
                )
            )
        db.session.commit()
        ours = db.session.scalar(
            select(Episode.id).where(
                Episode.assigned_team_id == care.id, Episode.child_id == world.children["b"]
            )
        )
    held = get_copies(web, "manager_care", world)
    assert [e["episode_ids"] for e in held] == [[ours]]


def test_a_copy_says_whether_the_child_has_a_social_worker_of_their_own(app, web, world_i):
    """The offline pages say "my social worker" to the child only when they have one who still
    works here (the read-back's rule): the copy says which, for each child."""
    copies = get_copies(web, "worker_a", world_i)
    assert [e["child"]["own_social_worker"] for e in copies] == [True, True]
    with app.app_context():
        # Ada's social worker leaves: her two entries no longer name one.
        db.session.get(User, world_i.users["social_worker"]).active = False
        db.session.commit()
    copies = get_copies(web, "worker_a", world_i)
    assert [e["child"]["own_social_worker"] for e in copies] == [False, False]
    with app.app_context():
        # Back, but Ada is no longer allocated to anyone: still none of her own.
        db.session.get(User, world_i.users["social_worker"]).active = True
        db.session.get(Child, world_i.children["a"]).social_worker = None
        db.session.commit()
    assert [e["child"]["own_social_worker"] for e in get_copies(web, "worker_a", world_i)] == [
        False,
        False,
    ]
    # A return kept on request says the same.
    [waiting] = web.get(f"{URL}?episode_id={world_i.episodes['a2']}").get_json()["copies"]
    assert waiting["child"]["own_social_worker"] is False


def test_copies_for_another_workers_store_are_refused_with_nothing_sent(app, web, world_i):
    """The tablet names whose store the copies would go into (`store_of`): on a shared tablet
    keeping another worker's work, nothing is sent and no copy is recorded, in one request
    (it asked who was signed in first, a second request on every refresh, and between the two
    another sign-in could come)."""
    web.sign_in(world_i.emails["worker_a"])
    own, other = world_i.users["worker_a"], world_i.users["manager_a"]
    for query in (f"?store_of={other}", f"?store_of={other}&episode_id={world_i.episodes['a']}"):
        refused = web.get(URL + query)
        assert refused.status_code == 409, query
        assert refused.get_json()["error"] == "another_workers_store"
        assert "copies" not in refused.get_json() and SECRET not in refused.get_data(as_text=True)
    with app.app_context():
        recorded = select(AuditEvent).where(AuditEvent.action == "device.copy")
        assert db.session.scalars(recorded).all() == []
    mine = web.get(f"{URL}?store_of={own}")
    assert mine.status_code == 200
    assert world_i.interviews["a"] in [entry["uuid"] for entry in mine.get_json()["copies"]]


def test_a_copy_says_the_offer_and_the_childs_answer_as_the_episode_page_does(app, web, world_i):
    """The episode page offline shows the offer's lines from the copy (a tablet probe: it
    showed none): each as the page online prints it."""
    now = utcnow()
    with app.app_context():
        found = db.session.scalar(
            select(Interview).where(Interview.uuid == world_i.interviews["a"])
        )
        found.status = "declined"
        found.offered_at = now - timedelta(hours=3)
        found.offer_method = "phone"
        found.declined_at = now - timedelta(hours=2)
        found.decline_reason = "Not today, I'm tired."
        found.offer_again = True
        found.reoffer_at = now + timedelta(days=3)
        found.carer_said = "She slept all day."
        db.session.commit()
    web.sign_in(world_i.emails["worker_a"])
    episode = world_i.episodes["a"]
    [copy] = web.get(f"{URL}?episode_id={episode}").get_json()["copies"]
    offer = copy["shown"]["offer"]
    page = web.get(f"/episodes/{episode}").get_data(as_text=True)
    assert f"{offer['offered_at']} ({offer['offer_method']})" in page
    assert offer["offer_method"] == "Phone call"
    assert f"{offer['declined_at']}. Offer kept open." in page and offer["offer_again"] == "yes"
    for line in ("decline_reason", "reoffer_at", "carer_said"):
        assert offer[line] and offer[line] in html.unescape(page), line
    assert offer["accepted_at"] == "" and "Child said yes" not in page

    # A later yes: the page no longer shows the no (its words stay on record), nor does the copy.
    with app.app_context():
        found = db.session.scalar(
            select(Interview).where(Interview.uuid == world_i.interviews["a"])
        )
        found.status = "accepted"
        found.accepted_at = now - timedelta(hours=1)
        found.declined_at = None
        db.session.commit()
    [copy] = web.get(f"{URL}?episode_id={episode}").get_json()["copies"]
    offer = copy["shown"]["offer"]
    page = html.unescape(web.get(f"/episodes/{episode}").get_data(as_text=True))
    assert offer["accepted_at"] and offer["accepted_at"] in page
    assert (offer["declined_at"], offer["decline_reason"], offer["reoffer_at"]) == ("", "", "")
    assert "Not today" not in page
    assert offer["carer_said"] == "She slept all day." and offer["carer_said"] in page
    # A return with no interview yet has no offer to say.
    [waiting] = web.get(f"{URL}?episode_id={world_i.episodes['a2']}").get_json()["copies"]
    assert waiting["shown"]["offer"] == {}
