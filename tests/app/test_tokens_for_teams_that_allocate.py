"""A service token records for a team, and what it sends new waits for that team's managers and
missing coordinators, the only ones who see a return nobody holds yet (rhi/access.py). A probe
made a token for a social-work team (no manager, no coordinator): a high-risk return sent with
it was answered "created" and then seen by no one. So a token is made only for a team with
someone to allocate, the tokens list says when a team has lost its last one, and the API
refuses what would be new for such a team, saving nothing (`no_one_to_allocate`)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from rhi.episodes.api import SCOPE, token_hash
from rhi.extensions import db
from rhi.models import AuditEvent, Child, Episode, ServiceToken, Team, User, WaitingRow
from tests.app.test_import_api import ADA, make_token, send
from tests.conftest import Web
from tests.world import add_user

CARE = "Children in Care Team A"
NOAH = {
    "police_reference": "CIC-1",
    "first_name": "Noah",
    "last_name": "Fields",
    "date_of_birth": "2011-06-01",
    "reported_missing": "2026-11-20 21:00",
    "returned": "2026-11-21 07:00",
    "risk_grade": "High",
    "missing_from": "Foster home",
}
NO_ONE = (
    "No one at the council would see this notification: the team this token records for has "
    "no manager or missing coordinator to allocate it. Nothing was saved: ask the council's rhi "
    "administrator to add one to the team, or for a token for another team."
)


@pytest.fixture
def teams(app, world) -> dict[str, int]:
    """Beside the world's teams (each with a manager): a social-work team with social workers
    only, one whose manager has left (deactivated), and one with a missing coordinator only."""
    with app.app_context():
        care, left, coordinated = Team(name=CARE), Team(name="Left team"), Team(name="Coord team")
        db.session.add_all([care, left, coordinated])
        add_user("cic_social_worker", "social_worker", care)
        add_user("left_manager", "manager", left).active = False
        add_user("coord_only", "coordinator", coordinated)
        db.session.commit()
        return {team.name: team.id for team in (care, left, coordinated)}


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def offered(web: Web) -> list[str]:
    page = web.get("/admin/tokens").get_data(as_text=True)
    return re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', page)


def token_for(app, team_id: int, raw: str = "care-token") -> str:
    """A token as one made before this fix, or before its team lost its last manager."""
    with app.app_context():
        admin = db.session.scalar(select(User.id).where(User.role == "admin"))
        db.session.add(
            ServiceToken(
                name="CiC police feed",
                token_hash=token_hash(raw),
                scope=SCOPE,
                team_id=team_id,
                created_by_id=admin,
            )
        )
        db.session.commit()
    return raw


def _token_id() -> int:
    return db.session.scalar(select(ServiceToken.id))


def leaves(app, key: str) -> None:
    with app.app_context():
        db.session.scalar(
            select(User).where(User.email == f"{key}@test.example.org")
        ).active = False
        db.session.commit()


# The tokens page ----------------------------------------------------------------------------


def test_only_teams_with_someone_to_allocate_are_offered(web, world, teams):
    web.sign_in(world.emails["admin"])
    assert offered(web) == ["Care team", "Coord team", "RHI A", "RHI B"]
    page = text_of(web.get("/admin/tokens"))
    assert "Only teams with a manager or missing coordinator are offered" in page


def test_choosing_a_team_with_no_one_to_allocate_says_why_next_to_it(app, web, world, teams):
    web.sign_in(world.emails["admin"])
    made = web.post(
        "/admin/tokens",
        {"name": "CiC police feed", "team_id": str(teams[CARE])},
        page="/admin/tokens",
    )
    assert made.status_code == 422
    html = made.get_data(as_text=True)
    error = re.search(r'<p class="error-message" id="team_id-error">(.*?)</p>', html, re.S)
    assert error is not None
    assert (
        f"No one in {CARE} can allocate what a token for it would send: add a manager or "
        "missing coordinator to the team first, or choose another team."
    ) in error.group(1)
    assert 'value="CiC police feed"' in html  # what was typed is kept
    assert re.search(rf'<option selected value="{teams[CARE]}">{CARE}</option>', html)
    with app.app_context():
        assert db.session.scalar(select(func.count(ServiceToken.id))) == 0


def test_a_team_with_a_coordinator_only_can_have_a_token(web, world, teams):
    assert make_token(web, world, team="Coord team")  # made: 201, its value shown once


def test_the_list_marks_a_token_whose_team_lost_its_last_manager(app, web, world, teams):
    make_token(web, world, team="RHI A")
    make_token(web, world, team="RHI B")
    page = text_of(web.get("/admin/tokens"))
    assert "can allocate what this token sends" not in page
    leaves(app, "manager_a")
    page = text_of(web.get("/admin/tokens"))
    assert (
        "No one in RHI A can allocate what this token sends: add a manager or coordinator to "
        "the team, or make a new token."
    ) in page
    assert "No one in RHI B" not in page
    assert "RHI A" not in offered(web)


# The API --------------------------------------------------------------------------------------


def test_a_new_notification_no_one_would_see_is_refused_and_not_recorded(app, client, teams):
    token = token_for(app, teams[CARE])
    response = send(client, token, {"notifications": [NOAH]})
    assert response.status_code == 200
    body = response.get_json()
    assert body["counts"]["created"] == 0 and body["counts"]["refused"] == 1
    [result] = body["results"]
    assert result["outcome"] == "refused" and result["code"] == "no_one_to_allocate"
    assert result["message"] == NO_ONE and result["episode_id"] is None
    with app.app_context():
        assert not db.session.scalar(select(Child.id).where(Child.last_name == "Fields"))
        assert not db.session.scalar(select(Episode.id).where(Episode.police_reference == "CIC-1"))
        refused = db.session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "import.refused")
        ).all()
        assert refused == [f"item 1 refused (token {_token_id()}): no_one_to_allocate"]
        used = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "api.notifications"))
        assert used.detail.startswith("0 created") and used.detail.endswith(", 1 refused")


def test_a_dry_run_says_the_same_and_audits_no_row(app, client, teams):
    token = token_for(app, teams[CARE])
    body = send(client, token, {"notifications": [NOAH], "dry_run": True}).get_json()
    assert body["results"][0]["code"] == "no_one_to_allocate"
    with app.app_context():
        assert not db.session.scalar(
            select(AuditEvent.id).where(AuditEvent.action == "import.refused")
        )


def test_updates_go_on_when_the_last_manager_leaves_and_only_the_new_is_refused(
    app, web, client, world, teams
):
    token = make_token(web, world, team="RHI A")
    assert send(client, token, {"notifications": [ADA]}).get_json()["counts"]["created"] == 1
    leaves(app, "manager_a")
    weak = {**NOAH, "police_reference": "API-3", "first_name": "Adah", "last_name": "Alpha"}
    weak["date_of_birth"] = "2011-05-01"  # waits for a person, who no one in RHI A is now
    missing = {k: v for k, v in NOAH.items() if k != "returned"}  # read with item 5, its found
    body = send(
        client,
        token,
        {"notifications": [{**ADA, "risk_grade": "Low"}, weak, missing, missing, NOAH]},
    ).get_json()
    results = body["results"]
    assert [r["outcome"] for r in results] == ["updated", *["refused"] * 4]
    assert [r["code"] for r in results] == [None, *["no_one_to_allocate"] * 4]
    assert [r["message"] for r in results][1:] == [
        NO_ONE,
        "Read together with item 5, which was refused: see that item's answer.",
        "The same as item 3, which was refused: see that item's answer.",
        NO_ONE,
    ]
    with app.app_context():
        ada = db.session.scalar(select(Episode).where(Episode.police_reference == "API-1"))
        assert ada.risk_grade == "Low"
        assert not db.session.scalar(select(Episode.id).where(Episode.police_reference == "CIC-1"))
        assert not db.session.scalar(select(func.count(WaitingRow.id)))
        assert not db.session.scalar(select(Child.id).where(Child.last_name == "Fields"))
