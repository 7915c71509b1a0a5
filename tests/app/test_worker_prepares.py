"""The worker prepares (issue 13 item 5): the episode page and the Returns cards show how to talk
with the child (first language, an interpreter), their legal status and placement, who placed
them here when another council did, how often they were reported missing lately, and the places
and people named in their earlier interviews, read by the same rules as those interviews. The
Returns list sorts by deadline, police risk grade or that count, kept in the address, and costs
the same number of statements however many cards it shows."""

from __future__ import annotations

import re
from datetime import date, timedelta

from flask import Flask
from sqlalchemy import select

from rhi.extensions import db
from rhi.interviews import content as c
from rhi.models import Child, Episode, Interview, SharingDecision, Team
from rhi.models.base import utcnow
from tests.app.helpers import statements
from tests.conftest import Web
from tests.world import World, add_user

PLACES = [
    {"id": "p1", "name": "Skate park", "area": "Eastfield", "private": False},
    {"id": "p2", "name": "Flat above the chip shop", "area": "", "private": True},
]
PEOPLE = [
    {"id": "q1", "name": "Kay", "age": "25", "private": False},
    {"id": "q2", "name": "Jordan", "age": "", "private": True},
]


def _team(name: str) -> Team:
    team = db.session.scalar(select(Team).where(Team.name == name))
    assert team is not None
    return team


def _history(
    child: Child, team: Team, *, risk: str, back_hours: float, places=PLACES, people=PEOPLE
) -> Episode:
    """A return waiting for its interview, after an earlier episode whose interview is finished
    and named places and people (the child agreed to share with their social worker)."""
    now = utcnow()
    earlier = Episode(
        child=child,
        risk_grade="Medium",
        started_at=now - timedelta(days=10),
        returned_at=now - timedelta(days=9),
        assigned_team=team,
    )
    document = c.normalise({"places": places, "people": people})
    document["consent"]["social_worker"]["answer"] = "yes"
    interview = Interview(
        status="finished",
        due_at=now - timedelta(days=6),
        content=document,
        created_at=now - timedelta(days=9),
    )
    interview.episodes.append(earlier)
    waiting = Episode(
        child=child,
        risk_grade=risk,
        started_at=now - timedelta(hours=back_hours + 5),
        returned_at=now - timedelta(hours=back_hours),
        assigned_team=team,
    )
    db.session.add_all([earlier, interview, waiting])
    return waiting


def _ada_again(app: Flask, world: World) -> int:
    """Ada, placed here by another council, with an interpreter, back again; her interview for
    episode a is finished and named places and people. Returns her waiting episode's id."""
    with app.app_context():
        ada = db.session.get(Child, world.children["a"])
        ada.first_language = "Polish"
        ada.interpreter_needed = True
        ada.placement_type = "foster"
        ada.home_authority = "Westshire Council"
        ada.placing_authority = "Northshire Council"
        interview = db.session.scalar(
            select(Interview).where(Interview.uuid == world.interviews["a"])
        )
        document = c.normalise({"places": PLACES, "people": PEOPLE})
        document["consent"]["social_worker"]["answer"] = "yes"
        interview.content = document
        interview.status = "finished"
        interview.created_at = utcnow() - timedelta(hours=9)
        now = utcnow()
        episode = Episode(
            child=ada,
            risk_grade="Low",
            started_at=now - timedelta(hours=6),
            returned_at=now - timedelta(hours=1),
            assigned_team=_team("RHI A"),
        )
        db.session.add(episode)
        db.session.commit()
        return episode.id


def _text(html: str) -> str:
    """The page's words, as a reader meets them."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&#8217;", "'").split())


def _page(web: Web, url: str) -> str:
    response = web.get(url)
    assert response.status_code == 200
    return _text(response.get_data(as_text=True))


def test_the_card_and_the_episode_page_show_what_the_worker_prepares_with(app, web, world_i):
    episode_id = _ada_again(app, world_i)
    web.sign_in(world_i.emails["worker_a"])
    for page in (_page(web, "/returns"), _page(web, f"/episodes/{episode_id}")):
        assert "First language Polish; would like an interpreter" in page
        assert "Legal status Looked after; Foster care" in page
        assert "Placed here by Northshire Council" in page
        # Episode a (30 hours ago) and this one.
        assert "Reported missing in the last 30 days 2 times" in page
        assert "Named in earlier interviews" in page
        assert "Places: Skate park (Eastfield); Flat above the chip shop" in page
        assert "People: Kay (age: 25); Jordan" in page
        # The interviewer's side reads all of it, and is told what the child kept back.
        assert "chip shop (kept back at the child's request)" in page
        assert "Jordan (kept back at the child's request)" in page
    # Their manager reads the team's interviews whole too.
    manager_a = Web(app.test_client())
    manager_a.sign_in(world_i.emails["manager_a"])
    page = _page(manager_a, f"/episodes/{episode_id}")
    assert "chip shop (kept back at the child's request)" in page
    # Episode a's interview is finished: off the list; only Ada's new return waits.
    returns = _page(web, "/returns")
    assert returns.count("Ada Alpha") == 1 and "1 return waiting" in returns


def test_a_child_placed_by_their_home_council_shows_no_placing_authority(app, web, world):
    with app.app_context():
        ada = db.session.get(Child, world.children["a"])
        ada.home_authority = ada.placing_authority = "Westshire Council"
        db.session.commit()
    web.sign_in(world.emails["worker_a"])
    page = _page(web, "/returns")
    assert "Placed here by" not in page and "Westshire" not in page
    assert "First language Not recorded" in page and "interpreter" not in page
    assert "Reported missing in the last 30 days Once" in page
    assert "Named in earlier interviews" not in page


def test_places_and_people_follow_the_rules_for_reading_the_interview(app, web, world_i):
    episode_id = _ada_again(app, world_i)
    # Ada's new return is with team B: worker B may not read episode a's interview.
    with app.app_context():
        db.session.get(Episode, episode_id).assigned_team = _team("RHI B")
        db.session.commit()
    worker_b = Web(app.test_client())
    worker_b.sign_in(world_i.emails["worker_b"])
    for page in (_page(worker_b, "/returns"), _page(worker_b, f"/episodes/{episode_id}")):
        assert "Polish; would like an interpreter" in page
        assert "Skate park" not in page and "Kay" not in page and "chip shop" not in page
    # Her social worker reads what their copy holds: what Ada agreed to share, not what she
    # kept back.
    social_worker = Web(app.test_client())
    social_worker.sign_in(world_i.emails["social_worker"])
    page = _page(social_worker, f"/episodes/{episode_id}")
    assert "Places: Skate park (Eastfield)" in page and "People: Kay (age: 25)" in page
    assert "chip shop" not in page and "Jordan" not in page
    # A coordinator sees the child's facts and none of the interview.
    with app.app_context():
        add_user("coordinator_b", "coordinator", _team("RHI B"))
        db.session.commit()
    coordinator = Web(app.test_client())
    coordinator.sign_in("coordinator_b@test.example.org")
    for page in (_page(coordinator, "/returns"), _page(coordinator, f"/episodes/{episode_id}")):
        assert "Polish; would like an interpreter" in page
        assert "Skate park" not in page and "Named in earlier interviews" not in page


def test_a_kept_back_place_reaches_the_social_workers_copy_only_by_a_decision_in_force(
    app, web, world_i
):
    episode_id = _ada_again(app, world_i)
    social_worker = Web(app.test_client())
    social_worker.sign_in(world_i.emails["social_worker"])
    url = f"/episodes/{episode_id}"
    assert "chip shop" not in _page(social_worker, url)
    with app.app_context():
        interview = db.session.scalar(
            select(Interview).where(Interview.uuid == world_i.interviews["a"])
        )
        document = c.normalise(interview.content)
        document["overrides"] = [
            {
                "id": "d1",
                "recipient": "social_worker",
                "parts": [],
                "releases": ["places.p2"],
                "reason": "Adults are exploiting her there",
            }
        ]
        interview.content = document
        db.session.add(
            SharingDecision(
                decision_id="d1",
                interview=interview,
                recipient="social_worker",
                decider_id=world_i.users["manager_a"],
            )
        )
        db.session.commit()
    # Recorded, not confirmed: nothing is released yet.
    assert "chip shop" not in _page(social_worker, url)
    with app.app_context():
        row = db.session.scalar(select(SharingDecision).where(SharingDecision.decision_id == "d1"))
        row.confirmed_at = utcnow()
        db.session.commit()
    assert "Flat above the chip shop" in _page(social_worker, url)
    assert "Jordan" not in _page(social_worker, url)


def _three_returns(app: Flask, world: World) -> None:
    """Three of team A's children back, besides Ada (whose episode a is due in 62 hours):
    Cara (High, due in 52 hours), Dev (not graded, due in 12 hours, reported missing twice
    lately) and Eli (Low, due in 71 hours)."""
    with app.app_context():
        team = _team("RHI A")
        for name, risk, back in (
            ("Cara", "High", 20),
            ("Dev", "Not graded by police", 60),
            ("Eli", "Low", 1),
        ):
            child = Child(first_name=name, last_name="Test", date_of_birth=date(2010, 1, 1))
            if name == "Dev":
                _history(child, team, risk=risk, back_hours=back)
            else:
                db.session.add(
                    Episode(
                        child=child,
                        risk_grade=risk,
                        started_at=utcnow() - timedelta(hours=back + 3),
                        returned_at=utcnow() - timedelta(hours=back),
                        assigned_team=team,
                    )
                )
        db.session.commit()


def _order(page: str) -> list[str]:
    return [
        name
        for _, name in sorted(
            (page.index(f"{name} "), name)
            for name in ("Ada Alpha", "Cara Test", "Dev Test", "Eli Test")
        )
    ]


def test_returns_sort_by_deadline_risk_grade_or_times_reported_missing(app, web, world):
    _three_returns(app, world)
    web.sign_in(world.emails["worker_a"])
    default = _page(web, "/returns")
    assert _order(default) == ["Dev Test", "Cara Test", "Ada Alpha", "Eli Test"]
    assert "soonest deadline first" in default
    # Highest grade first, in the configured order; a return the police did not grade last.
    risk = _page(web, "/returns?sort=risk")
    assert _order(risk) == ["Cara Test", "Ada Alpha", "Eli Test", "Dev Test"]
    assert "highest police risk grade first" in risk
    # Most often reported missing first; then soonest deadline.
    repeat = _page(web, "/returns?sort=repeat")
    assert _order(repeat) == ["Dev Test", "Cara Test", "Ada Alpha", "Eli Test"]
    assert "most often reported missing first" in repeat
    assert "Reported missing in the last 30 days 2 times" in repeat
    # Anything else is the default order.
    assert _order(_page(web, "/returns?sort=name")) == _order(default)


def test_the_sort_control_says_which_order_is_shown_and_keeps_it_when_refreshed(web, world):
    web.sign_in(world.emails["worker_a"])
    html = web.get("/returns?sort=risk").get_data(as_text=True)
    assert 'aria-labelledby="sort-label"' in html and "Sort the returns by" in html
    current = re.findall(r'<a class="button"[^>]*aria-current="true">([^<]+)</a>', html)
    assert current == ["Highest police risk grade"]
    assert 'href="/returns?sort=repeat"' in html and 'href="/returns"' in html
    # The minute's refresh keeps the order.
    assert 'hx-get="/returns?sort=risk&amp;background=1"' in html
    fragment = web.get("/returns?sort=risk", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.get_data(as_text=True)


def _more_returns(app: Flask, how_many: int, start: int) -> None:
    """More of team A's children back, each with an earlier interview naming places and people,
    and one more waiting to be allocated."""
    with app.app_context():
        team = _team("RHI A")
        for n in range(start, start + how_many):
            child = Child(
                first_name=f"Child{n}",
                last_name="Test",
                date_of_birth=date(2010, 1, 1),
                first_language="Urdu",
                interpreter_needed=True,
                placing_authority="Northshire Council",
            )
            _history(child, team, risk="High", back_hours=2 + n)
            unallocated = _history(child, team, risk="Low", back_hours=3 + n)
            unallocated.assigned_team = None
        db.session.commit()


def test_the_returns_page_costs_the_same_for_one_or_ten_more_cards(app, web, world):
    for who in ("worker_a", "manager_a"):
        client = Web(app.test_client())
        client.sign_in(world.emails[who])
        _more_returns(app, 1, 100 if who == "worker_a" else 200)
        client.get("/returns")
        with statements(app) as sent:
            one_more = _page(client, "/returns")
        counted = len(sent)
        _more_returns(app, 9, 101 if who == "worker_a" else 201)
        client.get("/returns")
        with statements(app) as sent:
            ten_more = _page(client, "/returns?sort=risk")
        assert len(sent) == counted, who
        assert one_more.count("Skate park (Eastfield)") >= 1
        assert ten_more.count("Placed here by Northshire Council") >= 10


def test_the_offline_returns_shell_has_blanks_for_the_facts_and_no_childs_data(app, client, world):
    """The shell card is the same for every child: labels and blanks the tablet fills from its
    copy, which words them as the server does (rhi/episodes/prepare.py)."""
    html = client.get("/shell/returns").get_data(as_text=True)
    assert "Named in earlier interviews" not in html
    assert '<dt>First language</dt><dd data-fill="prepare_language"></dd>' in html
    assert "Ada" not in html and "Alpha" not in html


def test_a_new_return_with_no_earlier_interview_says_so_on_the_episode_page(app, web, world):
    web.sign_in(world.emails["worker_a"])
    page = _page(web, f"/episodes/{world.episodes['a']}")
    assert "Before you meet Ada" in page
    assert "No places or people are named in earlier interviews you may read." in page


def test_the_tablets_copy_words_the_facts_as_the_card_does(app, web, world_i):
    episode_id = _ada_again(app, world_i)
    web.sign_in(world_i.emails["worker_a"])
    copies = web.get("/sync/v1/copies").get_json()["copies"]
    ada = next(c for c in copies if episode_id in c["episode_ids"])
    assert ada["prepare"] == {
        "prepare_language": "Polish; would like an interpreter",
        "prepare_legal": "Looked after; Foster care",
        "prepare_placed_by": "Northshire Council",
        "prepare_repeat": "2 times",
    }
    card = _page(web, "/returns")
    for words in ada["prepare"].values():
        assert words in card


def test_an_earlier_interview_stored_without_places_or_people_leaves_the_others_names(
    app, web, world_i
):
    """The cards read only the places and people of earlier interviews; an older document
    stored without those parts (or with them null or empty) is read and names no one, for the
    interviewer's side and in the social worker's copy alike, and the rest still show."""
    from rhi.episodes.queries import named_before
    from rhi.models import User

    episode_id = _ada_again(app, world_i)
    shared = {"consent": {"social_worker": {"answer": "yes"}}}
    kinds = ({"sections": {}}, {**shared, "places": None, "people": []}, None)
    with app.app_context():
        ada = db.session.get(Child, world_i.children["a"])
        for n, content in enumerate(kinds):
            older = Episode(
                child=ada,
                risk_grade="Low",
                started_at=utcnow() - timedelta(days=40 + n),
                returned_at=utcnow() - timedelta(days=39 + n),
                assigned_team=_team("RHI A"),
            )
            interview = Interview(
                status="finished",
                due_at=utcnow() - timedelta(days=36 + n),
                content=content,
                created_at=utcnow() - timedelta(days=39 + n),
            )
            interview.episodes.append(older)
            db.session.add_all([older, interview])
        db.session.commit()
        for reader in ("worker_a", "social_worker"):
            user = db.session.get(User, world_i.users[reader])
            reads = named_before(user, [ada.id])[ada.id]
            assert len(reads) == 4, reader
            assert [(r.places, r.people) for r in reads[:3]] == [([], [])] * 3, reader
            assert [p["name"] for p in reads[3].places][:1] == ["Skate park"], reader
    web.sign_in(world_i.emails["worker_a"])
    for page in (_page(web, "/returns"), _page(web, f"/episodes/{episode_id}")):
        assert "Places: Skate park (Eastfield); Flat above the chip shop" in page
        assert "People: Kay (age: 25); Jordan" in page
    social_worker = Web(app.test_client())
    social_worker.sign_in(world_i.emails["social_worker"])
    page = _page(social_worker, f"/episodes/{episode_id}")
    assert "Skate park" in page and "Jordan" not in page


def test_an_interview_not_finished_names_nobody_to_the_social_worker(app, web, world_i):
    """Ada said yes to her social worker, then stopped partway through (ended unfinished):
    what she said was never read back nor agreed, so her later return's page names none of
    its places or people to the social worker, as the interview's own page shows none."""
    episode_id = _ada_again(app, world_i)
    with app.app_context():
        interview = db.session.scalar(
            select(Interview).where(Interview.uuid == world_i.interviews["a"])
        )
        interview.status, interview.outcome = "in_progress", "declined"
        db.session.commit()
    social_worker = Web(app.test_client())
    social_worker.sign_in(world_i.emails["social_worker"])
    page = _page(social_worker, f"/episodes/{episode_id}")
    assert "Skate park" not in page and "Kay" not in page
    worker = Web(app.test_client())
    worker.sign_in(world_i.emails["worker_a"])
    assert "Places: Skate park (Eastfield)" in _page(worker, f"/episodes/{episode_id}")
