"""A police notification whose child could not be matched with certainty waits for a person to
say who the child is (rhi/episodes/imports_apply.py `waiting_scope`, /imports/waiting). Until
then there is no episode, so Returns said nothing of it: a child the police graded High risk
and reported missing was on no list, and "Still missing" even said "No child you can see is
missing now" (probe coord35, item 2).

Returns now says, to those who may settle such notifications (the waiting page's own check:
a team's managers and coordinators), how many wait, and for each still missing its police risk
grade and when it was reported missing, linking to it on the waiting page. Another team's are
never counted or shown; a worker sees nothing new. The clock stands at 2026-11-23 12:00 UTC
(tests/app/conftest.py); rhi holds Ada Alpha, born 01/05/2011 (RHI A), and Ben Beta, born
03/02/2009 (RHI B), neither missing now."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from rhi.extensions import db
from rhi.models import Team, WaitingRow
from tests.app.helpers import page_text, statements
from tests.app.test_import_notifications import csv_bytes, import_file, outcomes
from tests.conftest import Web
from tests.world import add_user

# "Adah Alpha": possibly Ada, so it waits for a person. Reported missing this morning, High
# risk, no found time: still missing.
STILL_MISSING = "WAIT-1,,Adah,Alpha,01/05/2011,23/11/2026 05:00,,High"
# Possibly Ada again, but found since: waits too, and is not still missing.
FOUND = "WAIT-2,,Adah,Alpha,01/05/2011,22/11/2026 08:00,22/11/2026 10:00,Medium"
# Possibly Ben, RHI B's child: RHI B's to settle.
OTHER_TEAM = "WAIT-B,,Benn,Beta,03/02/2009,23/11/2026 06:00,,High"

HEADING = "Police notifications waiting for a person to say who the child is"
NOBODY_MISSING = "No child you can see is missing now"


def _text(response) -> str:
    assert response.status_code == 200
    return html.unescape(page_text(response.get_data(as_text=True)))


def _import_as(web: Web, world, who: str, *rows: str) -> int:
    web.sign_out()
    web.sign_in(world.emails[who])
    return import_file(web, csv_bytes(*rows), columns=f"Columns of {who}")


def _waiting_id(app, reference: str) -> int:
    with app.app_context():
        found = db.session.scalar(
            select(WaitingRow.id).where(WaitingRow.police_reference == reference)
        )
        assert found is not None
        return found


def test_a_manager_sees_on_returns_the_child_reported_missing_whose_notification_waits(
    app, web: Web, world
):
    batch = _import_as(web, world, "manager_a", STILL_MISSING)
    assert outcomes(app, batch) == {"WAIT-1": "waiting"}
    response = web.get("/returns")
    text = _text(response)
    assert NOBODY_MISSING not in text
    assert (
        "No missing episode in rhi is open for a child you can see. But 1 police notification "
        "waits to be matched to a child, and it is about a child still missing: see below."
    ) in text
    assert f"{HEADING}: 1" in text
    row = re.search(r"WAIT-1.*?</tr>", response.get_data(as_text=True), flags=re.S)
    assert row is not None
    cells = html.unescape(page_text(row.group(0)))
    assert "23 Nov 2026 05:00" in cells
    assert "High" in cells
    assert "7 hours" in cells
    shown = response.get_data(as_text=True)
    assert f'href="/imports/waiting#w{_waiting_id(app, "WAIT-1")}-heading"' in shown
    assert 'href="/imports/waiting"' in shown


def test_a_coordinator_sees_them_too_and_a_found_one_is_counted_but_not_listed_missing(
    app, web: Web, world
):
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == "RHI A"))
        add_user("coordinator_a", "coordinator", team)
        db.session.commit()
    batch = _import_as(web, world, "manager_a", STILL_MISSING, FOUND)
    assert outcomes(app, batch) == {"WAIT-1": "waiting", "WAIT-2": "waiting"}
    web.sign_out()
    web.sign_in("coordinator_a@test.example.org")
    response = web.get("/returns")
    text = _text(response)
    assert f"{HEADING}: 2" in text
    assert (
        "But 2 police notifications wait to be matched to a child, and 1 of them is about a "
        "child still missing: see below."
    ) in text
    assert "WAIT-1" in text
    assert "WAIT-2" not in text  # found: nobody is missing under it


def test_only_found_ones_waiting_are_said_without_saying_a_child_is_missing(app, web: Web, world):
    _import_as(web, world, "manager_a", FOUND)
    text = _text(web.get("/returns"))
    assert NOBODY_MISSING not in text
    assert "But 1 police notification waits to be matched to a child: see below." in text
    assert f"{HEADING}: 1" in text
    assert "None of them says the child is still missing." in text


def test_another_teams_waiting_notifications_are_never_counted_or_shown(app, web: Web, world):
    batch = _import_as(web, world, "manager_b", OTHER_TEAM)
    assert outcomes(app, batch) == {"WAIT-B": "waiting"}
    # RHI B's own manager is told of it.
    assert f"{HEADING}: 1" in _text(web.get("/returns"))
    # RHI A's manager, with nothing of their own waiting: nothing said of RHI B's.
    web.sign_out()
    web.sign_in(world.emails["manager_a"])
    text = _text(web.get("/returns"))
    assert HEADING not in text
    assert "WAIT-B" not in text
    assert NOBODY_MISSING in text
    # And with one of their own waiting: only theirs is counted.
    import_file(web, csv_bytes(STILL_MISSING), columns="Columns of manager_a")
    text = _text(web.get("/returns"))
    assert f"{HEADING}: 1" in text
    assert "WAIT-1" in text
    assert "WAIT-B" not in text


def test_a_worker_sees_nothing_new(app, web: Web, world):
    _import_as(web, world, "manager_a", STILL_MISSING)
    assert f"{HEADING}: 1" in _text(web.get("/returns"))
    web.sign_out()
    web.sign_in(world.emails["worker_a"])
    text = _text(web.get("/returns"))
    assert HEADING not in text
    assert "WAIT-1" not in text
    assert "wait to be matched" not in text and "waits to be matched" not in text


def test_the_minutes_refresh_says_it_too(app, web: Web, world):
    _import_as(web, world, "manager_a", STILL_MISSING)
    fragment = web.get("/returns", headers={"HX-Request": "true"})
    text = _text(fragment)
    assert "<html" not in fragment.get_data(as_text=True)
    assert f"{HEADING}: 1" in text
    assert NOBODY_MISSING not in text


def _wait(app, world, how_many: int, start: int) -> None:
    """`how_many` more of RHI A's notifications waiting (half still missing), and as many
    settled long ago, written as the import writes them."""
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == "RHI A"))
        for n in range(start, start + how_many):
            values = {
                "police_reference": f"MANY-{n}",
                "first_name": "Adah",
                "last_name": "Alpha",
                "date_of_birth": "01/05/2011",
                "reported_missing": "23/11/2026 05:00",
                "returned": "" if n % 2 else "23/11/2026 09:00",
                "risk_grade": "High",
            }
            for settled in (False, True):
                db.session.add(
                    WaitingRow(
                        police_reference=values["police_reference"] + ("-S" if settled else ""),
                        values=values,
                        candidate_child_id=world.children["a"],
                        reason="Same or similar name",
                        team_id=team.id,
                        source="test",
                        resolved_at=db.func.now() if settled else None,
                        resolution="new_child" if settled else None,
                    )
                )
        db.session.commit()


def test_counted_in_sql_the_page_costs_the_same_however_many_wait(app, web: Web, world):
    web.sign_in(world.emails["manager_a"])
    _wait(app, world, 2, 0)
    web.get("/returns")  # warm
    with statements(app) as few:
        text = _text(web.get("/returns"))
    assert f"{HEADING}: 2" in text
    _wait(app, world, 60, 2)
    with statements(app) as many:
        text = _text(web.get("/returns"))
    assert f"{HEADING}: 62" in text
    assert "31 of them say the child is still missing" in text
    assert len(many) == len(few)


def test_the_repeat_episodes_page_says_the_waiting_ones_are_not_counted_yet(app, web: Web, world):
    """A notification no one has matched to a child is no child's time away: the repeat
    episodes page says how many wait, so a manager reading a child's count knows it may be
    more (a probe: the page left them out without a word). Another team's are not counted."""
    web.sign_out()
    web.sign_in(world.emails["manager_a"])
    assert "for a person to say who the child is" not in _text(web.get("/service/repeats"))
    _import_as(web, world, "manager_b", OTHER_TEAM)
    _import_as(web, world, "manager_a", STILL_MISSING, FOUND)
    text = _text(web.get("/service/repeats"))
    assert (
        "2 police notifications wait for a person to say who the child is. They are not counted "
        "here until then: a child's times away may be more than this page shows. "
        "Say who the child is"
    ) in text
    web.sign_out()
    web.sign_in(world.emails["manager_b"])
    assert "1 police notification waits for a person" in _text(web.get("/service/repeats"))


def test_each_waiting_notifications_table_is_named_for_its_reference(app, web: Web, world):
    """With several waiting, each scrolling table is told from the others by its name, and no
    column heading is empty (a11y37: all were "The notification beside the child rhi knows",
    over an empty first heading)."""
    _import_as(web, world, "manager_a", STILL_MISSING, FOUND)
    page = web.get("/imports/waiting").get_data(as_text=True)
    captions = re.findall(r"<caption[^>]*>([^<]*)</caption>", page)
    assert sorted(captions) == [
        "Notification WAIT-1 beside the child rhi knows",
        "Notification WAIT-2 beside the child rhi knows",
    ]
    assert '<th scope="col"></th>' not in page
