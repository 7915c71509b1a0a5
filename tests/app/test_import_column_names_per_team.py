"""Saved columns are named within a team: two teams may both keep a "Police daily export"
(mgr36: the second was told "another team uses this name", which said that team and its
columns existed). The command line, given a name two teams use, asks for the team."""

from __future__ import annotations

import html

from sqlalchemy import select

from rhi.extensions import db
from rhi.models import ImportMapping, Team
from tests.app.helpers import page_text
from tests.app.test_import_notifications import ADA, HEADER, csv_bytes, import_file, upload
from tests.conftest import Web

NAME = "Police daily export"


def _signed_in(app, world, key: str) -> Web:
    web = Web(app.test_client())
    web.sign_in(world.emails[key])
    return web


def _mappings(app) -> list[tuple[str, str]]:
    with app.app_context():
        rows = db.session.execute(
            select(Team.name, ImportMapping.name)
            .join(Team, ImportMapping.team_id == Team.id)
            .order_by(Team.name)
        )
        return [tuple(row) for row in rows]


def test_two_teams_keep_columns_of_the_same_name(app, world):
    import_file(_signed_in(app, world, "manager_a"), csv_bytes(ADA), columns=NAME)
    north = _signed_in(app, world, "manager_b")
    import_file(north, csv_bytes(ADA.replace("IMP-1", "IMP-B")), columns=NAME)
    assert _mappings(app) == [("RHI A", NAME), ("RHI B", NAME)]
    page = north.get("/imports").get_data(as_text=True)
    assert page.count(f">{NAME}</option>") == 1  # its own, once


def test_the_command_line_asks_for_the_team_when_two_use_the_name(app, world):
    for team in ("RHI A", "RHI B"):
        with app.app_context():
            team_id = db.session.scalar(select(Team.id).where(Team.name == team))
            columns = {"police_reference": "Police Ref", "first_name": "Forename"}
            db.session.add(ImportMapping(name=NAME, team_id=team_id, columns=columns))
            db.session.commit()
    path = app.instance_path + "/daily.csv"
    with open(path, "wb") as out:
        out.write(csv_bytes(ADA, header=HEADER))
    runner = app.test_cli_runner()
    args = ["rhi", "import-notifications", path, "--mapping", NAME, "--dry-run"]
    asked = runner.invoke(args=args)
    assert asked.exit_code == 2
    assert "more than one team has saved columns with this name" in asked.output
    chosen = runner.invoke(args=[*args, "--team", "RHI B"])
    assert "more than one team" not in chosen.output
    assert "Would import" in chosen.output


def test_a_file_the_saved_columns_fit_goes_straight_to_its_preview(app, world):
    """The police's daily export, the same each day: "Guess from the headers" uses the team's
    saved columns when the file fits them, saying so (coord35: chosen by hand every day)."""
    web = _signed_in(app, world, "manager_a")
    import_file(web, csv_bytes(ADA), columns=NAME)  # the first day: the columns are saved
    response = upload(web, csv_bytes(ADA.replace("IMP-1", "IMP-9")))
    assert response.status_code == 302
    assert not response.headers["Location"].endswith("/columns")
    said = page_text(web.get(response.headers["Location"]).get_data(as_text=True))
    assert f"Read with your saved columns “{NAME}”" in html.unescape(said)


def test_another_teams_saved_columns_are_never_used(app, world):
    import_file(_signed_in(app, world, "manager_a"), csv_bytes(ADA), columns=NAME)
    north = _signed_in(app, world, "manager_b")
    response = upload(north, csv_bytes(ADA.replace("IMP-1", "IMP-9")))
    assert response.headers["Location"].endswith("/columns")
