"""A police notification imported by one team for a child another team keeps is not made a
second record of that child (a coordinator's probe: team North's file made a second Maya, and
her repeat episodes went uncounted). It waits on the keeping team's list for a person who can
see the child; the importing team is told only that it went to another team to confirm.

In the test world Ada Alpha (born 1 May 2011) is kept by the Care team (her social worker's),
which has a manager; RHI B's manager cannot see her."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select

from rhi.extensions import db
from rhi.models import AuditEvent, Child, Team, WaitingRow
from tests.app.helpers import page_text
from tests.app.test_import_api import make_token, send
from tests.app.test_import_notifications import csv_bytes, episodes_with, import_file
from tests.conftest import Web

# Ada Alpha by another team's file: her very name and date of birth, then a slip of a name.
ADA_FROM_B = "NB-1,,Ada,Alpha,01/05/2011,15/11/2026 08:00,,Medium"
ADAH_FROM_B = "NB-2,,Adah,Alpha,01/05/2011,15/11/2026 08:00,,Medium"
ADA_FOUND = "NB-1,,Ada,Alpha,01/05/2011,,15/11/2026 20:00,Medium"


def _signed_in(app, world, key: str) -> Web:
    web = Web(app.test_client())
    web.sign_in(world.emails[key])
    return web


@pytest.fixture
def north(app, world) -> Web:
    return _signed_in(app, world, "manager_b")


@pytest.fixture
def keeper(app, world) -> Web:
    return _signed_in(app, world, "manager_care")


def _text(web: Web, url: str) -> str:
    return html.unescape(page_text(web.get(url).get_data(as_text=True)))


def _adas(app) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(Child).where(Child.first_name.in_(["Ada", "Adah"]))
        )


def _waiting(app) -> list[WaitingRow]:
    with app.app_context():
        rows = list(db.session.scalars(select(WaitingRow).order_by(WaitingRow.id)))
        db.session.expunge_all()
        return rows


def _team_id(app, name: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Team.id).where(Team.name == name))


@pytest.mark.parametrize("row", [ADA_FROM_B, ADAH_FROM_B], ids=["same", "similar"])
def test_another_teams_child_waits_for_the_team_that_keeps_them(app, world, north, keeper, row):
    batch = import_file(north, csv_bytes(row))
    said = _text(north, f"/imports/{batch}")
    assert "Possibly a child whose record another team keeps" in said
    assert "sent to that team to confirm" in said
    assert "Care team" not in said  # never which team, nor who the child is
    assert _adas(app) == 1  # no second record of Ada
    assert "Nothing is waiting." in _text(north, "/imports/waiting")
    (waiting,) = _waiting(app)
    assert waiting.team_id == _team_id(app, "Care team")
    assert waiting.from_team_id == _team_id(app, "RHI B")
    assert waiting.candidate_child_id == world.children["a"]
    page = _text(keeper, "/imports/waiting")
    assert "Sent by RHI B's import: your team keeps the record of the child it may be" in page
    assert "Ada Alpha" in page


def test_the_keeping_team_says_same_child_and_the_episode_is_hers(app, world, north, keeper):
    import_file(north, csv_bytes(ADA_FROM_B))
    (waiting,) = _waiting(app)
    url = f"/imports/waiting/{waiting.id}"
    assert keeper.post(url, {f"w{waiting.id}-decision": "same_child"}).status_code == 302
    (episode,) = episodes_with(app, "NB-1")
    assert episode.child_id == world.children["a"]
    assert _adas(app) == 1
    assert "Added: Ada Alpha's episode waits to be allocated." in _text(keeper, "/imports/waiting")
    # Kept by the Care team; RHI B, who imported it, does not see Ada's record.
    assert north.get(f"/episodes/{episode.id}").status_code == 404


def test_a_different_child_goes_back_to_the_team_that_sent_it(app, world, north, keeper):
    import_file(north, csv_bytes(ADAH_FROM_B))
    (waiting,) = _waiting(app)
    url = f"/imports/waiting/{waiting.id}"
    assert keeper.post(url, {f"w{waiting.id}-decision": "new_child"}).status_code == 302
    said = _text(keeper, "/imports/waiting")
    assert "Sent back to RHI B: Adah Alpha is a child new to rhi there" in said
    (episode,) = episodes_with(app, "NB-2")
    assert episode.child_id != world.children["a"]
    with app.app_context():
        child = db.session.get(Child, episode.child_id)
        assert child.team_id == _team_id(app, "RHI B") and child.first_name == "Adah"
        resolved = db.session.get(WaitingRow, waiting.id)
        assert resolved.resolution == "new_child" and resolved.resolved_at is not None
    assert north.get(f"/episodes/{episode.id}").status_code == 200
    assert "Adah Alpha" in _text(north, "/returns")  # waiting to be allocated by RHI B
    assert keeper.get(f"/episodes/{episode.id}").status_code == 404


def test_the_found_notification_and_the_same_file_again_meet_it_where_it_waits(
    app, world, north, keeper
):
    import_file(north, csv_bytes(ADA_FROM_B))
    import_file(north, csv_bytes(ADA_FROM_B))  # the same file again: not sent twice
    batch = import_file(north, csv_bytes(ADA_FOUND))
    said = _text(north, f"/imports/{batch}")
    assert "Found: added to the notification that waits for another team to confirm" in said
    assert "Ada Alpha" not in said.split("Found: added")[1][:200]
    (waiting,) = _waiting(app)
    assert waiting.values["returned"] == "15/11/2026 20:00"
    assert episodes_with(app, "NB-1") == []
    # The keeping team decides on the latest details: the return goes in with the episode.
    url = f"/imports/waiting/{waiting.id}"
    assert keeper.post(url, {f"w{waiting.id}-decision": "same_child"}).status_code == 302
    (episode,) = episodes_with(app, "NB-1")
    assert episode.returned_at is not None


def test_a_row_naming_another_child_for_that_reference_does_not_name_the_kept_child(
    app, world, north
):
    import_file(north, csv_bytes(ADA_FROM_B))
    other = "NB-1,,Rosa,Green,03/04/2012,15/11/2026 08:00,,Medium"
    batch = import_file(north, csv_bytes(other))
    said = _text(north, f"/imports/{batch}")
    assert "waits for another team to confirm whether it is a child they keep" in said


def test_the_team_that_sees_the_child_still_joins_them_as_before(app, world):
    """RHI A holds Ada's episode, so sees her: its file's row is hers, as always."""
    manager_a = _signed_in(app, world, "manager_a")
    import_file(manager_a, csv_bytes(ADA_FROM_B))
    (episode,) = episodes_with(app, "NB-1")
    assert episode.child_id == world.children["a"]
    assert _waiting(app) == []


def test_a_child_no_team_keeps_with_someone_to_decide_is_new_as_before(app, world, north):
    """Ben Beta's social worker is in no team and his record names none: there is no one to
    send the row to, so a file from RHI B (which sees Ben) is his, and a file from another
    team with no sight of him makes a child new to rhi, as before."""
    care = _signed_in(app, world, "manager_care")
    import_file(care, csv_bytes("NB-3,,Ben,Beta,03/02/2009,15/11/2026 08:00,,Low"))
    assert _waiting(app) == []
    (episode,) = episodes_with(app, "NB-3")
    assert episode.child_id != world.children["b"]


def test_the_api_says_it_waits_for_a_person_and_names_no_one(app, client, web, world):
    token = make_token(web, world, team="RHI B")
    body = {
        "police_reference": "NB-API",
        "first_name": "Ada",
        "last_name": "Alpha",
        "date_of_birth": "2011-05-01",
        "reported_missing": "2026-11-15T08:00:00Z",
    }
    answer = send(client, token, {"notifications": [body]}).get_json()
    (result,) = answer["results"]
    assert result["outcome"] == "waiting" and result["code"] == "needs_person"
    assert "Care team" not in str(answer) and result["episode_id"] is None
    (waiting,) = _waiting(app)
    assert waiting.team_id == _team_id(app, "Care team")
    with app.app_context():
        detail = db.session.scalar(
            select(AuditEvent.detail).where(AuditEvent.action == "import.waiting")
        )
    assert re.match(r"possible match waits for a person in the team keeping the child", detail)
