"""Asking whether another team keeps a child, where nothing else is recorded, is limited and
on the child's trail (rhi/children/kept_elsewhere.py `Asking`).

A security probe (sec37) learnt Ada Alpha's date of birth as RHI B, which does not see her: a
dry run through the import API, a file's preview or adding a child by hand answered differently
for a name and a date of birth like those of a child another team keeps, so trying each day of
a year gave the one (365 dry runs, 8 seconds), and nothing was on Ada's audit trail. Now each
person (or each token's team) may ask about so many children a day; past that, every such
answer is the same whoever other teams keep, and every child found has it on their trail,
naming the team that asked. A real import is not limited. Ada Alpha, born 01/05/2011, is kept
by the Care team (tests/world.py)."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select

from rhi.episodes.imports_apply import NOT_CHECKED_ELSEWHERE
from rhi.extensions import db
from rhi.models import Child, Team, WaitingRow
from tests.app.asking import LIMIT, adas_trail, api_item, csv_row, preview, signed_in
from tests.app.helpers import page_text
from tests.app.test_children_records import details
from tests.app.test_import_api import make_token, send
from tests.app.test_import_notifications import (
    csv_bytes,
    import_file,
)
from tests.conftest import Web
from tests.world import add_user

KEPT_BY_CARE = "Care team keeps the record of a child with the same or a similar name"
pytestmark = pytest.mark.usefixtures("small_asking_limit")


def test_a_preview_says_which_team_keeps_a_child_until_the_days_checks_are_used(app, world):
    manager_b = signed_in(app, world, "manager_b")
    assert "Possibly a child whose record Care team keeps" in preview(
        manager_b, csv_row("P-1", "01/05/2011")
    )
    # Two more children asked about: the day's three are used.
    preview(manager_b, csv_row("P-2", "01/05/2012"), csv_row("P-3", "01/05/2013", first="Eve"))
    # Ada again, by the same name and date: not a new child asked about, so still told.
    assert "Care team keeps" in preview(manager_b, csv_row("P-4", "01/05/2011"))
    # A fourth child: the same words whether another team keeps a child like them or not.
    near = preview(manager_b, csv_row("P-5", "02/05/2011"))
    nobody = preview(manager_b, csv_row("P-6", "01/05/2014", first="Zed"))
    for text in (near, nobody):
        assert NOT_CHECKED_ELSEWHERE in text
        assert "Care team" not in text
    # Another person in the team has their own day's checks.
    with app.app_context():
        rhi_b = db.session.scalar(select(Team).where(Team.name == "RHI B"))
        add_user("manager_b2", "manager", rhi_b)
        db.session.commit()
    other = Web(app.test_client())
    other.sign_in("manager_b2@test.example.org")
    assert "Possibly a child whose record Care team keeps" in preview(
        other, csv_row("P-7", "02/05/2011")
    )


def test_each_time_a_child_is_found_is_on_their_trail_naming_the_team(app, world):
    manager_b = signed_in(app, world, "manager_b")
    preview(manager_b, csv_row("T-1", "01/05/2011"))
    assert adas_trail(app, world) == ["a preview of a file by RHI B: may be this child"]
    care = signed_in(app, world, "manager_care")
    trail = html.unescape(
        page_text(care.get(f"/children/{world.children['a']}/audit").get_data(as_text=True))
    )
    assert "Found when another team checked whether it keeps this child" in trail
    assert "a preview of a file by RHI B: may be this child" in trail


def test_the_apis_dry_run_answers_alike_once_its_teams_checks_are_used(app, world):
    token = make_token(Web(app.test_client()), world, team="RHI B")

    def dry_run(reference: str, born: str, first: str = "Ada") -> dict:
        item = api_item(reference, born, first)
        answer = send(app.test_client(), token, {"dry_run": True, "notifications": [item]})
        assert answer.status_code == 200
        (result,) = answer.get_json()["results"]
        return result

    assert dry_run("D-1", "01/05/2011")["code"] == "needs_person"
    for n, born in enumerate(("01/05/2012", "01/05/2013")):
        dry_run(f"D-{n + 2}", born, first="Eve")
    near, nobody = dry_run("D-5", "02/05/2011"), dry_run("D-6", "01/05/2014", first="Zed")
    # The API's answers are its fixed words: the same for both, but for the item's own details.
    assert near["outcome"] == nobody["outcome"] == "created"
    assert {k: v for k, v in near.items() if k != "police_reference"} == {
        k: v for k, v in nobody.items() if k != "police_reference"
    }
    assert any("dry run" in detail and "RHI B" in detail for detail in adas_trail(app, world))


def test_adding_a_child_by_hand_stops_when_the_days_checks_are_used(app, world):
    manager_b = signed_in(app, world, "manager_b")

    def add(born: str, first: str = "Ada", last: str = "Alpha"):
        return manager_b.post(
            "/children/new",
            details(first_name=first, last_name=last, date_of_birth=born),
        )

    assert KEPT_BY_CARE in add("01/05/2011").get_data(as_text=True)
    assert add("01/05/2012", first="Eve", last="Ames").status_code == 302
    assert add("01/07/2013", first="Kit", last="Bell").status_code == 302
    for born, first in (("02/05/2011", "Ada"), ("01/05/2014", "Zed")):
        refused = add(born, first)
        assert refused.status_code == 429
        text = html.unescape(page_text(refused.get_data(as_text=True)))
        assert "Not added yet: other teams' records could not be checked" in text
        assert "You have asked it to check for 3 children today" in text
        assert KEPT_BY_CARE not in text
        assert "Possibly a child another team keeps" not in text
        # What was typed stays in the form, and no "different child" way round the check.
        assert re.search(rf'name="first_name"[^>]*value="{first}"', refused.get_data(as_text=True))
        assert "This is a different child" not in text
    # From the page itself (htmx): the form's part, with the same words, swapped in place.
    fragment = manager_b.post(
        "/children/new",
        details(first_name="Zed", last_name="Alpha", date_of_birth="01/05/2014"),
        headers={"HX-Request": "true"},
    )
    assert fragment.status_code == 422
    assert "<html" not in fragment.get_data(as_text=True)
    assert "other teams' records could not be checked" in html.unescape(
        page_text(fragment.get_data(as_text=True))
    )
    with app.app_context():
        named = select(func.count()).select_from(Child).where(Child.first_name.in_(["Zed"]))
        assert db.session.scalar(named) == 0


def test_a_real_import_is_not_limited(app, world):
    """What an import finds is recorded where the keeping team sees it: it always asks."""
    manager_b = signed_in(app, world, "manager_b")
    for n in range(LIMIT):
        preview(manager_b, csv_row(f"U-{n}", f"01/05/201{n + 2}", first="Eve"))
    import_file(manager_b, csv_bytes(csv_row("R-1", "01/05/2011")))
    with app.app_context():
        waiting = db.session.scalars(
            select(WaitingRow).where(WaitingRow.police_reference == "R-1")
        ).all()
        assert [w.candidate_child_id for w in waiting] == [world.children["a"]]


def test_the_api_answers_too_many_requests_from_one_token_in_json(app, world):
    """Past the token's rate, the police system is told in its own terms when to send again;
    another token is counted apart."""
    app.config["RHI_API_RATE_LIMIT"] = "2 per minute"
    first = make_token(Web(app.test_client()), world, team="RHI B")
    second = make_token(Web(app.test_client()), world, team="RHI A")
    body = {"dry_run": True, "notifications": []}
    answers = [send(app.test_client(), first, body).status_code for _ in range(3)]
    assert answers == [200, 200, 429]
    # The same token written another way is the same token (rev37: each spelling had its own).
    again = app.test_client().post(
        "/api/v1/notifications", json=body, headers={"Authorization": f"bearer   {first} "}
    )
    assert again.status_code == 429
    refused = send(app.test_client(), first, body)
    assert refused.status_code == 429
    assert refused.get_json() == {
        "error": "too_many_requests",
        "message": "Too many requests from this token: send again in a minute.",
    }
    assert refused.headers["Retry-After"] == "60"
    assert send(app.test_client(), second, body).status_code != 429
