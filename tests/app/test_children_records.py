"""Children made and kept in rhi (issue 13): the coordinator role, adding and editing a child,
"possibly the same child", the standing profile with its history, and its PDF for police."""

from __future__ import annotations

import html
import io
import re
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from rhi.children import matching
from rhi.extensions import db
from rhi.models import AuditEvent, Child, Team, User
from rhi.models.children import ProfileChange
from tests.app.helpers import audit_actions, lend_a_return, page_text, prepared_file
from tests.conftest import Web

COORDINATOR = "coordinator_a"


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def add_coordinator(app, world, key: str = COORDINATOR, team: str | None = "RHI A") -> None:
    """A coordinator (tests/world.py has none), added to the world's users."""
    from tests.world import add_user

    with app.app_context():
        found = db.session.scalar(select(Team).where(Team.name == team)) if team else None
        user = add_user(key, "coordinator", found)
        db.session.commit()
        world.users[key] = user.id
        world.emails[key] = user.email


@pytest.fixture
def coordinator(app, world, web) -> Web:
    add_coordinator(app, world)
    web.sign_in(world.emails[COORDINATOR])
    return web


def signed_in(app, world, key: str) -> Web:
    other = Web(app.test_client())
    other.sign_in(world.emails[key])
    return other


def details(**changes: str) -> dict[str, str]:
    form = {
        "first_name": "Maya",
        "last_name": "Thompson",
        "preferred_name": "May",
        "date_of_birth": "14/03/2012",
        "sex": "Female",
        "gender": "Girl",
        "pronouns": "she/her",
        "ethnicity": "mixed_white_black_caribbean",
        "first_language": "English",
        "interpreter_needed": "y",
        "legal_status": "looked_after",
        "home_authority": "Westshire Council",
        "placing_authority": "Eastshire Council",
        "placement_type": "foster",
        "school": "Hillside Academy",
        "social_worker_id": "",
    }
    form.update(changes)
    return form


def ada(**changes: str) -> dict[str, str]:
    """Ada's details as her edit form sends them (the world's child a), with `changes`."""
    return {
        "first_name": "Ada",
        "last_name": "Alpha",
        "date_of_birth": "01/05/2011",
        "ethnicity": "black_caribbean",
        "legal_status": "looked_after",
        **changes,
    }


def child_named(app, first: str) -> Child | None:
    with app.app_context():
        child = db.session.scalar(select(Child).where(Child.first_name == first))
        if child is not None:
            db.session.expunge(child)
        return child


def count_children(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Child))


def events(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        found = list(
            db.session.scalars(
                select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            )
        )
        for event in found:
            db.session.expunge(event)
        return found


# Adding a child -------------------------------------------------------------------------------


def test_a_coordinator_adds_a_child_with_every_detail(app, world, coordinator):
    listing = coordinator.get("/children").get_data(as_text=True)
    assert 'href="/children/new"' in listing and "Add a child" in listing
    form_page = coordinator.get("/children/new").get_data(as_text=True)
    assert "Census 2021" in form_page and '<optgroup label="White">' in form_page
    assert "Care leaver" in form_page and "None known" in form_page
    assert "Social Worker (Care team)" in form_page  # social workers to allocate
    assert "Worker A" not in form_page  # and no one else

    sw = world.users["social_worker"]
    response = coordinator.post("/children/new", details(social_worker_id=str(sw)))
    assert response.status_code == 302
    child = child_named(app, "Maya")
    assert response.headers["Location"].endswith(f"/children/{child.id}")
    assert (child.last_name, child.preferred_name, child.date_of_birth) == (
        "Thompson",
        "May",
        date(2012, 3, 14),
    )
    assert (child.sex, child.gender, child.pronouns) == ("Female", "Girl", "she/her")
    assert child.ethnicity == "mixed_white_black_caribbean" and child.dfe_ethnicity == "MWBC"
    assert (child.first_language, child.interpreter_needed) == ("English", True)
    assert (child.legal_status, child.placement_type) == ("looked_after", "foster")
    assert (child.home_authority, child.placing_authority) == (
        "Westshire Council",
        "Eastshire Council",
    )
    assert (child.school, child.social_worker_id) == ("Hillside Academy", sw)
    assert child.created_by_id == world.users[COORDINATOR]
    with app.app_context():
        assert child.team_id == db.session.scalar(select(Team.id).where(Team.name == "RHI A"))
    assert ("child.create", str(child.id), "ok") in audit_actions(app)

    page = coordinator.get(f"/children/{child.id}", follow_redirects=True)
    text = page.get_data(as_text=True)
    assert "May Thompson has been added." in text
    assert "Hillside Academy" in text and "Eastshire Council" in text
    assert f'href="/children/{child.id}/edit"' in text
    # The team that keeps the record sees the child; another team does not.
    assert signed_in(app, world, "manager_a").get(f"/children/{child.id}").status_code == 200
    assert signed_in(app, world, "manager_b").get(f"/children/{child.id}").status_code == 404
    assert signed_in(app, world, "social_worker").get(f"/children/{child.id}").status_code == 200


def test_optional_details_may_be_left_out(app, world, coordinator):
    required_only = {
        "first_name": "Zed",
        "last_name": "Zulu",
        "date_of_birth": "2010-07-01",  # as a date picker sends it
        "legal_status": "none",
    }
    assert coordinator.post("/children/new", required_only).status_code == 302
    child = child_named(app, "Zed")
    assert child.ethnicity == "not_known" and child.legal_status_label == "None known"
    assert child.social_worker_id is None and child.placement_type is None
    assert child.school is None and child.interpreter_needed is False


def _too_old() -> str:
    return (date.today() - timedelta(days=366 * 26)).strftime("%d/%m/%Y")


def _future() -> str:
    return (date.today() + timedelta(days=40)).strftime("%d/%m/%Y")


BAD_INPUT = [
    ({"first_name": "  "}, "first_name", "Enter the child&#39;s first name.", None),
    ({"last_name": ""}, "last_name", "Enter the child&#39;s last name.", None),
    ({"date_of_birth": ""}, "date_of_birth", "Enter the child&#39;s date of birth.", None),
    ({"date_of_birth": "31/02/2012"}, "date_of_birth", "as day, month and year", "31/02/2012"),
    ({"date_of_birth": "next tuesday"}, "date_of_birth", "For example 23/11/2012", "next tuesday"),
    ({"date_of_birth": _future()}, "date_of_birth", "can&#39;t be in the future", _future()),
    ({"date_of_birth": _too_old()}, "date_of_birth", "older than 25", _too_old()),
    ({"ethnicity": "martian"}, "ethnicity", "Choose the child&#39;s ethnicity", None),
    ({"legal_status": ""}, "legal_status", "Choose the child&#39;s legal status, or None", None),
    ({"legal_status": "adopted"}, "legal_status", "legal status from the list", None),
    ({"placement_type": "castle"}, "placement_type", "where the child lives from the list", None),
    ({"sex": "unknown"}, "sex", "Choose from the list.", None),
    ({"social_worker_id": "999"}, "social_worker_id", "Choose a social worker", None),
    ({"first_name": "x" * 81}, "first_name", "the most is 80 characters", None),
]


def test_bad_input_is_explained_next_to_the_field_and_kept(app, world, coordinator):
    not_a_social_worker = str(world.users["worker_a"])
    not_allocatable = ({"social_worker_id": not_a_social_worker}, "social_worker_id")
    cases = [*BAD_INPUT, (*not_allocatable, "Choose a social worker", None)]
    for changes, name, message, kept in cases:
        response = coordinator.post("/children/new", details(**changes))
        assert response.status_code == 422, changes
        page = response.get_data(as_text=True)
        error = re.search(rf'<p class="error-message" id="{name}-error">(.*?)</p>', page, re.S)
        assert error and message in error.group(1), (changes, page[-3000:])
        assert f'aria-describedby="{name}' in page or name in ("sex",)
        assert 'value="Hillside Academy"' in page  # the rest is kept as typed
        if kept:
            assert f'value="{html.escape(kept)}"' in page
    assert count_children(app) == 2
    assert not events(app, "child.create")


def test_htmx_gets_the_form_back_or_a_redirect(app, world, coordinator):
    hx = {"HX-Request": "true"}
    bad = coordinator.post("/children/new", details(first_name=""), headers=hx)
    assert bad.status_code == 422
    fragment = bad.get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="child-form">') and "<html" not in fragment
    good = coordinator.post("/children/new", details(), headers=hx)
    child = child_named(app, "Maya")
    assert good.status_code == 200 and good.headers["HX-Redirect"] == f"/children/{child.id}"


def test_someone_without_a_team_or_the_role_may_not_add_a_child(app, world, web):
    add_coordinator(app, world, "coordinator_alone", team=None)
    for key in ("coordinator_alone", "worker_a", "social_worker", "admin"):
        someone = signed_in(app, world, key)
        assert someone.get("/children/new").status_code == 403, key
        assert someone.post("/children/new", details()).status_code == 403, key
        assert 'href="/children/new"' not in someone.get("/children").get_data(as_text=True)
    assert count_children(app) == 2
    refused = [e for e in events(app, "change.refused") if e.object_id == "new"]
    assert len(refused) == 8


# Possibly the same child ----------------------------------------------------------------------


def test_possibly_the_same_child_is_shown_then_a_different_child_is_added(app, world, coordinator):
    ada = details(
        first_name="Ada", last_name="Alpha", preferred_name="", date_of_birth="01/05/2011"
    )
    first = coordinator.post("/children/new", ada)
    assert first.status_code == 409
    page = first.get_data(as_text=True)
    assert "Possibly the same child" in page
    assert f'href="/children/{world.children["a"]}"' in page
    assert "Same name and date of birth" in page
    assert "This is a different child: add the record" in page
    assert 'value="Hillside Academy"' in page  # what was typed is kept
    assert count_children(app) == 2
    assert [e.child_id for e in events(app, "child.possible_match")] == [world.children["a"]]

    checked = re.search(r'name="checked_for" type="hidden" value="([^"]*)"', page).group(1)
    # Pressing "different child" for another name than was checked checks again.
    renamed = {**ada, "first_name": "Adah", "checked_for": checked, "different_child": "yes"}
    again = coordinator.post("/children/new", renamed)
    assert again.status_code == 409
    assert "Similar name, same date of birth" in again.get_data(as_text=True)
    assert count_children(app) == 2

    confirmed = {**ada, "checked_for": checked, "different_child": "yes"}
    response = coordinator.post("/children/new", confirmed)
    assert response.status_code == 302
    assert count_children(app) == 3
    (created,) = events(app, "child.create")
    assert created.detail == "after possible matches were shown"


@pytest.mark.parametrize(
    ("first", "last", "born", "reason"),
    [
        ("Ada", "Alpha", "01/05/2011", "Same name and date of birth"),
        ("ADA", "alpha", "2011-05-01", "Same name and date of birth"),
        ("Adah", "Alpha", "01/05/2011", "Similar name, same date of birth"),
        ("Alpha", "Ada", "01/05/2011", "Same names the other way round, same date of birth"),
        ("Ada", "Alpha", "05/01/2011", "day and month of birth swapped"),
        ("Ada", "Alfa", "05/01/2011", "day and month of birth swapped"),
        # A keying slip in the date (a probe: each made a second child with none of the first
        # one's history): a day, a month or a year out, with the same or a similar name.
        ("Ada", "Alpha", "02/05/2011", "date of birth a day, a month or a year different"),
        ("Ada", "Alpha", "01/06/2011", "date of birth a day, a month or a year different"),
        ("Adah", "Alpha", "01/05/2012", "date of birth a day, a month or a year different"),
    ],
)
def test_close_matches_are_shown(app, world, coordinator, first, last, born, reason):
    response = coordinator.post(
        "/children/new", details(first_name=first, last_name=last, date_of_birth=born)
    )
    assert response.status_code == 409
    assert reason in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("first", "last", "born"),
    [
        ("Zed", "Zulu", "01/05/2011"),  # same date of birth, another name
        ("Ada", "Alpha", "03/05/2011"),  # same name, a date of birth more than a slip away
        ("Ada", "Alpha", "02/06/2011"),  # two slips: a day and a month
        ("Ava", "Alpha", "01/05/2009"),
    ],
)
def test_other_children_are_added_at_once(app, world, coordinator, first, last, born):
    response = coordinator.post(
        "/children/new", details(first_name=first, last_name=last, date_of_birth=born)
    )
    assert response.status_code == 302
    assert count_children(app) == 3


def test_a_child_another_team_keeps_is_said_by_team_never_shown(app, world, web):
    """Ada is not team B's to open: her record is never shown nor linked, but team B is told
    which team keeps a record like the child's, to ask before making a second record of one
    child (a coordinator's probe: a second record split a child's history and repeat count)."""
    manager_b = signed_in(app, world, "manager_b")
    ada = details(first_name="Ada", last_name="Alpha", date_of_birth="01/05/2011")
    first = manager_b.post("/children/new", ada)
    assert first.status_code == 409
    page = first.get_data(as_text=True)
    said = " ".join(html.unescape(page_text(page)).split())
    assert "Possibly a child another team keeps" in said
    assert "Care team keeps the record of a child with the same or a similar name" in said
    assert f'href="/children/{world.children["a"]}"' not in page
    assert "1 May 2011" not in said and "Same name and date of birth" not in said
    assert count_children(app) == 2
    (read,) = events(app, "child.possible_match")
    assert read.child_id is None and read.detail == "kept by another team (1)"
    # A different child after all (a twin, say): added once confirmed.
    checked = re.search(r'name="checked_for" type="hidden" value="([^"]*)"', page).group(1)
    confirmed = {**ada, "checked_for": checked, "different_child": "yes"}
    assert manager_b.post("/children/new", confirmed).status_code == 302
    assert count_children(app) == 3


def test_the_team_holding_the_childs_latest_time_away_is_the_one_to_ask(app, world, web):
    """Ben's record names no team and his social worker is in none: RHI B, which holds his
    latest time away, is named (a probe: with every social worker in a team with no one who
    allocates, no child was ever said to be kept elsewhere)."""
    manager_care = signed_in(app, world, "manager_care")
    ben = details(first_name="Ben", last_name="Beta", date_of_birth="03/02/2009")
    said = html.unescape(page_text(manager_care.post("/children/new", ben).get_data(as_text=True)))
    assert "RHI B keeps the record of a child with the same or a similar name" in said


def test_a_child_no_team_that_could_decide_sees_is_added_at_once(app, world, web):
    with app.app_context():
        db.session.add(Child(first_name="Cara", last_name="Gamma", date_of_birth=date(2010, 1, 9)))
        db.session.commit()
    manager_b = signed_in(app, world, "manager_b")
    cara = details(first_name="Cara", last_name="Gamma", date_of_birth="09/01/2010")
    assert manager_b.post("/children/new", cara).status_code == 302
    assert not events(app, "child.possible_match")


def test_matching_rules():
    assert matching.normalise("  Zoë  O'Neil-Smith ") == "zoe o neil smith"
    assert matching.swapped(date(2011, 5, 1)) == date(2011, 1, 5)
    assert matching.swapped(date(2011, 5, 5)) is None
    assert matching.swapped(date(2011, 5, 13)) is None
    # The date itself, then the dates one slip away (no swapped one: there is no 13th month).
    assert matching.birth_dates_to_check(date(2011, 5, 13)) == [date(2011, 5, 13)]
    assert matching.birth_dates_to_check(date(2011, 5, 13), near_births=True) == [
        date(2011, 5, 13),
        date(2011, 5, 12),
        date(2011, 5, 14),
        date(2011, 4, 13),
        date(2010, 5, 13),
        date(2011, 6, 13),
        date(2012, 5, 13),
    ]
    # A slip that gives no real date is not a date to look at.
    assert matching.near(date(2012, 2, 29)) == [
        date(2012, 2, 28),
        date(2012, 3, 1),
        date(2012, 1, 29),
        date(2012, 3, 29),
    ]
    assert matching.near(date(2011, 1, 31))[:3] == [
        date(2011, 1, 30),
        date(2011, 2, 1),
        date(2010, 12, 31),
    ]

    class Known:
        def __init__(self, id, first, last, dob, preferred=None):
            self.id, self.first_name, self.last_name = id, first, last
            self.date_of_birth, self.preferred_name = dob, preferred

    dob = date(2010, 3, 4)
    known = [
        Known(1, "Thomas", "Brooks", dob, preferred="Tom"),
        Known(2, "Mohammed", "Khan", dob),
        Known(3, "Amy", "Jones", dob),
        Known(4, "Tom", "Brooks", date(2010, 4, 3)),
    ]
    found = matching.possible_matches("Tom", "Brooks", dob, known)
    assert [(m.child_id, m.reason) for m in found] == [
        (1, matching.SAME),  # by preferred name
        (4, matching.SWAPPED),
    ]
    assert [m.child_id for m in matching.possible_matches("Muhammad", "Khan", dob, known)] == [2]
    assert matching.possible_matches("Ava", "Jones", dob, known) == []  # twins are not alike
    # The same words in another order are the same child only when a person says so.
    (khan,) = matching.possible_matches("Khan", "Mohammed", dob, known)
    assert (khan.child_id, khan.reason) == (2, matching.OTHER_WAY_ROUND)
    assert matching.possible_matches("Thomas", "brooks", dob, known)[0].reason == matching.SAME
    # Born a day, a month or a year away: possibly the same child, never SAME.
    # Only where a person is asked: never where the answer decides alone (`may_be`).
    for slip in (date(2010, 3, 5), date(2010, 2, 4), date(2011, 3, 4)):
        found = matching.possible_matches("Mohamed", "Khan", slip, known, near_births=True)
        assert [(m.child_id, m.reason) for m in found] == [(2, matching.NEAR_BIRTH)], slip
        assert matching.possible_matches("Mohamed", "Khan", slip, known) == []
        assert not matching.may_be("Mohamed", "Khan", slip, known[1])
    assert (
        matching.possible_matches("Ava", "Jones", date(2010, 3, 5), known, near_births=True) == []
    )


# Editing a child ------------------------------------------------------------------------------


def test_a_manager_edits_a_child(app, world, web):
    manager = signed_in(app, world, "manager_a")
    child_id = world.children["a"]
    form_page = manager.get(f"/children/{child_id}/edit").get_data(as_text=True)
    assert 'value="01/05/2011"' in form_page and 'value="Ada"' in form_page
    assert '<option selected value="looked_after">' in form_page
    # Ada's social worker is the care team's to change (it keeps her): shown, not offered.
    assert 'name="social_worker_id"' not in form_page
    assert "<strong>Allocated social worker:</strong> Social Worker" in form_page
    changed = {
        "first_name": "Ada",
        "last_name": "Alpha",
        "date_of_birth": "01/05/2011",
        "ethnicity": "black_caribbean",
        "legal_status": "care_leaver",
        "placing_authority": "Northshire Council",
        "school": "Riverside College",
        "social_worker_id": str(world.users["social_worker"]),
    }
    response = manager.post(f"/children/{child_id}/edit", changed)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/children/{child_id}")
    with app.app_context():
        child = db.session.get(Child, child_id)
        assert (child.legal_status, child.placing_authority, child.school) == (
            "care_leaver",
            "Northshire Council",
            "Riverside College",
        )
        assert child.team_id is None  # as before: an edit does not choose who keeps the record
    (update,) = events(app, "child.update")
    assert update.detail == "changed: legal_status, placing_authority, school"
    assert update.child_id == child_id
    page = manager.get(f"/children/{child_id}").get_data(as_text=True)
    assert "Care leaver" in page and "Riverside College" in page
    # The episodes' first column holds when the child went missing ("Missing from" read as a
    # place, which the episode's own "missing from" is).
    assert '<th scope="col">Went missing</th>' in page and "Missing from</th>" not in page

    bad = manager.post(f"/children/{child_id}/edit", {**changed, "date_of_birth": _future()})
    assert bad.status_code == 422
    assert "can&#39;t be in the future" in bad.get_data(as_text=True)
    assert manager.post(f"/children/{child_id}/edit", changed).status_code == 302
    assert len(events(app, "child.update")) == 1  # nothing changed: nothing recorded


def test_editing_a_child_gives_the_editors_team_nothing_more_of_the_childs_record(app, world, web):
    """Team B is lent one return of Ada's; its manager corrects her pronouns. Ada's return
    with team A stays team A's: the edit made team B keeper of her record once."""
    from tests.app.helpers import start

    lend_a_return(app, world.children["a"], "RHI B")
    uuid = start(Web(app.test_client()), world)
    manager_b = signed_in(app, world, "manager_b")
    assert manager_b.get(f"/episodes/{world.episodes['a']}").status_code == 404
    page = manager_b.get(f"/children/{world.children['a']}/edit").get_data(as_text=True)
    assert 'value="Ada"' in page
    edited = ada(pronouns="she/her", social_worker_id=str(world.users["social_worker"]))
    assert manager_b.post(f"/children/{world.children['a']}/edit", edited).status_code == 302
    assert manager_b.get(f"/episodes/{world.episodes['a']}").status_code == 404
    assert manager_b.get(f"/interviews/{uuid}/start").status_code == 404
    (update,) = events(app, "child.update")
    assert update.detail == "changed: pronouns"


def test_only_the_team_keeping_a_child_changes_their_social_worker(app, world, web):
    """Who the social worker is decides which team reads the child's whole record. Team B is
    lent one return of Ada's: its manager is not offered her social worker, and a crafted change
    to one of team B's own is refused (it gave team B every return of hers, and took her from
    her social worker). The care team, her social worker's, moves her to another."""
    from tests.world import add_user

    with app.app_context():
        team_b = db.session.scalar(select(Team).where(Team.name == "RHI B"))
        sw_b = add_user("social_worker_b", "social_worker", team_b)
        db.session.commit()
        sw_b_id = sw_b.id
    lend_a_return(app, world.children["a"], "RHI B")
    edited = ada()
    child_url = f"/children/{world.children['a']}/edit"
    manager_b = signed_in(app, world, "manager_b")
    page = manager_b.get(child_url).get_data(as_text=True)
    assert 'value="Ada"' in page and 'name="social_worker_id"' not in page
    assert "<strong>Allocated social worker:</strong> Social Worker" in page
    crafted = manager_b.post(child_url, {**edited, "social_worker_id": str(sw_b_id)})
    assert crafted.status_code == 403
    assert manager_b.get(f"/episodes/{world.episodes['a']}").status_code == 404
    # What the form sends them (no social worker) changes the rest, and not who it is.
    assert manager_b.post(child_url, {**edited, "pronouns": "she/her"}).status_code == 302
    with app.app_context():
        child = db.session.get(Child, world.children["a"])
        assert (child.social_worker_id, child.pronouns) == (world.users["social_worker"], "she/her")
    refused = [e for e in events(app, "change.refused") if e.object_type == "child_social_worker"]
    assert [(e.user_id, e.child_id) for e in refused] == [
        (world.users["manager_b"], world.children["a"])
    ]

    manager_care = signed_in(app, world, "manager_care")
    assert 'name="social_worker_id"' in manager_care.get(child_url).get_data(as_text=True)
    other = str(world.users["social_worker_other"])
    moved = manager_care.post(child_url, {**edited, "social_worker_id": other})
    assert moved.status_code == 302
    with app.app_context():
        assert db.session.get(Child, world.children["a"]).social_worker_id == int(other)


def test_the_social_workers_own_team_moves_a_child_another_team_keeps(app, world):
    """Ada's record is kept by RHI A (it added her); her social worker is in the care team,
    whose manager moves her to another of its social workers. A third team may not."""
    from tests.world import add_user

    with app.app_context():
        care = db.session.scalar(select(Team).where(Team.name == "Care team"))
        other = add_user("social_worker_care_2", "social_worker", care)
        db.session.get(Child, world.children["a"]).team_id = db.session.scalar(
            select(Team.id).where(Team.name == "RHI A")
        )
        db.session.commit()
        other_id = other.id
    edited = ada(social_worker_id=str(other_id))
    url = f"/children/{world.children['a']}/edit"
    assert signed_in(app, world, "manager_care").post(url, edited).status_code == 302
    with app.app_context():
        assert db.session.get(Child, world.children["a"]).social_worker_id == other_id
    # The keeping team may too; a team with neither may not (it does not see her here).
    back = {**edited, "social_worker_id": str(world.users["social_worker"])}
    assert signed_in(app, world, "manager_a").post(url, back).status_code == 302


def test_only_managers_and_coordinators_edit_a_childs_details(app, world, web):
    for key in ("worker_a", "social_worker"):
        someone = signed_in(app, world, key)
        page = someone.get(f"/children/{world.children['a']}").get_data(as_text=True)
        assert f'href="/children/{world.children["a"]}/edit"' not in page
        assert someone.get(f"/children/{world.children['a']}/edit").status_code == 403
    refused = [e for e in events(app, "change.refused") if e.object_type == "child"]
    assert [e.child_id for e in refused] == [world.children["a"]] * 2


# The standing profile -------------------------------------------------------------------------


def _profile(web: Web, child_id: int, **fields: str):
    page = web.get(f"/children/{child_id}/profile").get_data(as_text=True)
    base = re.search(r'name="base_change" type="hidden" value="(\d+)"', page).group(1)
    return web.post(f"/children/{child_id}/profile", {"base_change": base, **fields})


def test_the_profile_is_edited_and_every_change_kept(app, world, web):
    child_id = world.children["a"]
    social_worker = signed_in(app, world, "social_worker")
    response = _profile(
        social_worker,
        child_id,
        description="Small, curly black hair, green coat.",
        places_known="Central bus station.",
    )
    assert response.status_code == 302
    manager = signed_in(app, world, "manager_a")
    page = manager.get(f"/children/{child_id}/profile").get_data(as_text=True)
    assert "Small, curly black hair, green coat." in page
    response = _profile(
        manager,
        child_id,
        description="Small, curly black hair, red coat.",
        places_known="Central bus station.",
        medical_needs="Asthma: carries an inhaler.",
    )
    assert response.status_code == 302
    page = manager.get(response.headers["Location"]).get_data(as_text=True)
    assert "Saved the profile." in page

    with app.app_context():
        rows = [
            (r.field, r.old_value, r.new_value, r.changed_by_id)
            for r in db.session.scalars(select(ProfileChange).order_by(ProfileChange.id))
        ]
    sw, mgr = world.users["social_worker"], world.users["manager_a"]
    assert rows == [
        ("description", None, "Small, curly black hair, green coat.", sw),
        ("places_known", None, "Central bus station.", sw),
        (
            "description",
            "Small, curly black hair, green coat.",
            "Small, curly black hair, red coat.",
            mgr,
        ),  # fmt: skip
        ("medical_needs", None, "Asthma: carries an inhaler.", mgr),
    ]
    history = page[page.index('id="history-heading"') :]
    assert history.index("red coat") < history.index("Social Worker")  # newest first
    assert "Manager A" in history and "(empty)" in history

    child_page = manager.get(f"/children/{child_id}").get_data(as_text=True)
    assert "Changes to the profile (4)" in child_page and "Asthma" in child_page
    updates = events(app, "child.profile.update")
    assert [e.detail for e in updates] == [
        "changed: description, places_known",
        "changed: description, medical_needs",
    ]
    assert all("coat" not in (e.detail or "") for e in events(app, "child.profile.update"))
    assert len(events(app, "child.profile.view")) == 4

    # Saving what is already there changes nothing and records nothing.
    same = _profile(
        manager,
        child_id,
        description="Small, curly black hair, red coat.",
        places_known="Central bus station.",
        medical_needs="Asthma: carries an inhaler.",
    )
    assert same.status_code == 302
    assert len(events(app, "child.profile.update")) == 2


def test_a_change_made_meanwhile_is_not_overwritten_unseen(app, world, web):
    child_id = world.children["a"]
    worker, coordinator = signed_in(app, world, "worker_a"), None
    add_coordinator(app, world)
    coordinator = signed_in(app, world, COORDINATOR)
    page = coordinator.get(f"/children/{child_id}/profile").get_data(as_text=True)
    base = re.search(r'name="base_change" type="hidden" value="(\d+)"', page).group(1)
    assert _profile(worker, child_id, transport="Cycles everywhere.").status_code == 302
    clash = coordinator.post(
        f"/children/{child_id}/profile", {"base_change": base, "transport": "Takes the 42 bus."}
    )
    assert clash.status_code == 409
    text = clash.get_data(as_text=True)
    assert "Someone else changed this while you were writing." in text
    assert "Takes the 42 bus." in text and "Cycles everywhere." in text
    newer = re.search(r'name="base_change" type="hidden" value="(\d+)"', text).group(1)
    again = coordinator.post(
        f"/children/{child_id}/profile", {"base_change": newer, "transport": "Takes the 42 bus."}
    )
    assert again.status_code == 302
    with app.app_context():
        assert db.session.get(Child, child_id).transport == "Takes the 42 bus."
        assert db.session.scalar(select(func.count()).select_from(ProfileChange)) == 2


def test_bad_profile_input_is_explained_and_kept(app, world, web):
    manager = signed_in(app, world, "manager_a")
    long_text = "word " * 801
    response = _profile(manager, world.children["a"], description=long_text, transport="Bus")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="description-error"' in page and "the most is 4,000 characters" in page
    assert "Bus</textarea>" in page and long_text.strip() in page
    hx = manager.post(
        f"/children/{world.children['a']}/profile",
        {"base_change": "0", "transport": "Bus"},
        headers={"HX-Request": "true"},
    )
    assert hx.status_code == 200
    fragment = hx.get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="profile-panel">')
    assert "Saved the profile." in fragment and "Bus" in fragment


def test_the_profile_prints_for_police_on_one_page(app, world, web):
    child_id = world.children["a"]
    manager = signed_in(app, world, "manager_a")
    _profile(
        manager,
        child_id,
        description="Small, curly black hair, red coat.",
        friends_and_associates='An adult known as "Jay", about 25, may be exploiting her.',
        phones_and_social_media='07700 900123; <img src="file:///etc/passwd">',
        medical_needs="Asthma: carries an inhaler.",
    )
    response = prepared_file(manager, f"/children/{child_id}/profile.pdf", f"/children/{child_id}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "Ada" not in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1
    text = pdf_text(response.data)
    for expected in (
        "OFFICIAL-SENSITIVE",
        "Missing person profile: Ada Alpha",
        "1 May 2011",
        "Small, curly black hair, red coat.",
        "may be exploiting her",
        "Asthma: carries an inhaler.",
        '<img src="file:///etc/passwd">',  # printed as text, never fetched
        "No photo is held",
        "Previous missing episodes",
        "Printed by Manager A",
    ):
        assert expected in text, expected
    # Never "associates" (a policing word that puts the action on the child: language.md).
    label = "Friends, and people in contact with them (including adults who may be exploiting them)"
    assert label in " ".join(text.split())
    assert "associates" not in text.lower()
    (printed,) = events(app, "child.profile.pdf")
    assert (printed.child_id, printed.user_id) == (child_id, world.users["manager_a"])


def test_other_teams_and_admins_get_nothing_of_the_profile(app, world, web):
    child_id = world.children["a"]
    for key in ("manager_b", "worker_b", "social_worker_other", "admin"):
        someone = signed_in(app, world, key)
        for url in ("/profile", "/edit"):
            assert someone.get(f"/children/{child_id}{url}").status_code == 404, (key, url)
        asked = someone.post(f"/children/{child_id}/profile.pdf", page="/")
        assert asked.status_code == 404, key
        response = someone.post(f"/children/{child_id}/profile", {"description": "x"})
        assert response.status_code == 404
    with app.app_context():
        assert db.session.get(Child, child_id).description is None
    refused = events(app, "access.refused")
    assert len(refused) == 16 and {e.child_id for e in refused} == {child_id}


# The coordinator role -------------------------------------------------------------------------


def test_an_admin_makes_a_coordinator(app, world, web):
    web.sign_in(world.emails["admin"])
    page = web.get("/admin/users").get_data(as_text=True)
    assert '<option value="coordinator">Missing coordinator</option>' in page
    with app.app_context():
        team_a = db.session.scalar(select(Team.id).where(Team.name == "RHI A"))
    response = web.post(
        "/admin/users",
        {
            "name": "Dee Coordinator",
            "email": "dee@test.example.org",
            "role": "coordinator",
            "team_id": str(team_a),
            "password": "a long first password",
        },
        page="/admin/users",
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "dee@test.example.org"))
        assert (user.role, user.team_id, user.role_enum.label) == (
            "coordinator",
            team_a,
            "Missing coordinator",
        )
    coordinator = Web(app.test_client())
    coordinator.sign_in("dee@test.example.org", "a long first password")
    home = coordinator.get("/", follow_redirects=True).get_data(as_text=True)
    assert "(Missing coordinator)" in home and "Ada Alpha" in home and "Ben Beta" not in home
    assert 'href="/children/new"' in home
    assert ">Wording<" not in home and ">Inbox<" not in home


def test_reading_a_list_of_children_or_summaries_is_on_the_audit_trail(app, world):
    """Who read a page of children's names, and a social worker's inbox of summaries, is
    recorded as every other list of records is (actions, held work, decisions)."""
    manager = signed_in(app, world, "manager_a")
    assert "Ada" in manager.get("/children").get_data(as_text=True)
    manager.get("/children?from=B")
    social_worker = signed_in(app, world, "social_worker")
    assert social_worker.get("/inbox").status_code == 200
    with app.app_context():
        rows = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action.in_(["children.list", "summaries.list"]))
            .order_by(AuditEvent.id)
        ).all()
        assert [(e.action, e.user_id, e.detail) for e in rows] == [
            ("children.list", world.users["manager_a"], "1 shown"),
            ("children.list", world.users["manager_a"], "0 shown from B"),
            ("summaries.list", world.users["social_worker"], "0 shown"),
        ]


def test_the_teams_own_match_and_another_teams_are_both_said(app, world, web):
    """RHI B holds an Adah Alpha; Care team keeps Ada Alpha. Adding Ada, RHI B is shown its
    Adah and told Care team keeps a record like hers too (rev36: shown only its own, a second
    record of Care team's Ada was made)."""
    with app.app_context():
        team = db.session.scalar(select(Team.id).where(Team.name == "RHI B"))
        adah = Child(first_name="Adah", last_name="Alpha", date_of_birth=date(2011, 5, 1))
        adah.team_id = team
        db.session.add(adah)
        db.session.commit()
        adah_id = adah.id
    manager_b = signed_in(app, world, "manager_b")
    ada = details(first_name="Ada", last_name="Alpha", date_of_birth="01/05/2011")
    page = manager_b.post("/children/new", ada).get_data(as_text=True)
    said = " ".join(html.unescape(page_text(page)).split())
    assert f'href="/children/{adah_id}"' in page  # its own, to open
    assert "Care team keeps the record of a child with the same or a similar name" in said
    assert f'href="/children/{world.children["a"]}"' not in page
