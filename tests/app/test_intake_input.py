"""What a coordinator (a police file) and an integrator (POST /api/v1/notifications) are told
of input as it comes in the real world: a misnamed API field, a row sent twice, a file opening
with a blank line, dates as databases and other systems write them. The clock stands at
2026-11-23 12:00 UTC (tests/app/conftest.py)."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime

import pytest
from sqlalchemy import select

from rhi.extensions import db
from rhi.models import Child, Episode, ImportBatch
from tests.app.test_import_api import make_token, send
from tests.app.test_import_notifications import (
    HEADER,
    csv_bytes,
    import_file,
    messages,
    outcomes,
    upload,
)
from tests.conftest import Web

SAM = {
    "police_reference": "G-1",
    "first_name": "Sam",
    "last_name": "Lee",
    "date_of_birth": "2012-04-03",
    "reported_missing": "2026-11-21 18:00",
    "risk_grade": "Low",
}
ROW = "H-5,,Ed,Fo,03/04/2012,20/11/2026 18:00,,Low"


@pytest.fixture
def manager(web: Web, world) -> Web:
    web.sign_in(world.emails["manager_a"])
    return web


@pytest.fixture
def token(web, world) -> str:
    return make_token(web, world)


def episode(app, reference: str) -> Episode | None:
    with app.app_context():
        found = db.session.scalar(select(Episode).where(Episode.police_reference == reference))
        if found is not None:
            db.session.expunge(found)
        return found


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


# F3: the API refuses what it would otherwise drop -------------------------------------------


def test_a_misnamed_api_field_is_refused_naming_the_field_meant(app, client, world, token):
    misnamed = {**SAM, "returned_at": "2026-11-22 01:00"}
    found_only = {
        "police_reference": "REF-A",
        "first_name": "Ada",
        "last_name": "Alpha",
        "date_of_birth": "2011-05-01",
        "found": "2026-11-23 03:00",
    }
    listed = {**SAM, "police_reference": "G-2", "found_where": ["Station"]}
    response = send(client, token, {"notifications": [misnamed, found_only, listed]})
    assert response.status_code == 200
    body = response.get_json()
    assert body["counts"]["refused"] == 3 and body["counts"]["created"] == 0
    said = [r["message"] for r in body["results"]]
    assert [r["outcome"] for r in body["results"]] == ["refused"] * 3
    assert said[0] == "returned_at: not a field; did you mean returned?"
    assert said[1].startswith("found: not a field; did you mean returned?")
    assert said[2] == "found_where: a list, not text. Send it as text, in quotes."
    assert [r["index"] for r in body["results"]] == [0, 1, 2]  # the documented shape, kept
    # Nothing half taken in: no episode shows Sam missing without the found time sent.
    assert episode(app, "G-1") is None and episode(app, "G-2") is None
    # Sent with the field's own name, it goes in, found time and all.
    fixed = {**SAM, "returned": "2026-11-22 01:00", "police_person_id": 4521}
    body = send(client, token, {"notifications": [fixed]}).get_json()
    assert body["results"][0]["outcome"] == "created", body
    made = episode(app, "G-1")
    assert made.returned_at == datetime(2026, 11, 22, 1, 0)


def test_a_police_systems_own_key_is_left_out_with_a_note(app, client, world, token):
    """A review: refusing an item for a key of the sender's own ("force") would keep every
    notification of that system out of rhi."""
    body = send(client, token, {"notifications": [{**SAM, "force": "West Yorkshire"}]}).get_json()
    (result,) = body["results"]
    assert result["outcome"] == "created", result
    assert "Not fields of a notification, so not kept: force." in result["notes"]
    assert episode(app, "G-1") is not None


# F4: a repeat is counted once; the API names items from 1 ---------------------------------


def test_a_row_sent_twice_in_a_file_is_counted_once_not_refused(app, manager):
    refused_twice = "H-6,,Ed,Fo,31/02/2012,20/11/2026 18:00,,Low"
    batch = import_file(manager, csv_bytes(ROW, ROW, refused_twice, refused_twice))
    said = messages(app, batch)
    assert said[2].startswith("New episode")
    assert said[3] == "The same as line 2: a repeat, counted once."
    with app.app_context():
        results = db.session.get(ImportBatch, batch).results
    assert [r["outcome"] for r in results] == ["new", "unchanged", "problem", "problem"]
    assert said[5] == (
        "The same as line 4, which was not imported: "
        "Date of birth “31/02/2012” is not a real date. Check the day and the month."
    )
    page = text_of(manager.get(f"/imports/{batch}"))
    assert "The same as line 2: a repeat, counted once." in page
    refused = manager.get(f"/imports/{batch}/refused.csv").get_data().decode("utf-8-sig")
    lines = [row[0] for row in csv.reader(io.StringIO(refused))][1:]
    assert lines == ["4", "5"]  # line 3 is not sent back to be sent again
    assert outcomes(app, batch)["H-5"] in ("new", "unchanged")


def test_api_messages_name_items_from_1(app, client, world, token):
    other = {**SAM, "police_reference": "G-3", "risk_grade": "High"}
    found = {**SAM, "returned": "2026-11-22 01:00"}
    body = send(
        client,
        token,
        {"notifications": [SAM, SAM, {**other, "risk_grade": "Low"}, other, found]},
    ).get_json()
    said = [r["message"] for r in body["results"]]
    assert [r["outcome"] for r in body["results"]] == [
        "unchanged",
        "unchanged",
        "refused",
        "refused",
        "created",
    ]
    assert said[0] == "Read together with item 5: the same episode."
    assert said[1] == "The same as item 1: a repeat, counted once."
    assert "Police reference G-3 is on items 3 and 4 with different details" in said[2]
    assert "line" not in " ".join(said)


# F5: a file's real-world shapes -----------------------------------------------------------


def test_a_file_opening_with_a_blank_line_is_read(app, manager):
    data = ("\r\n" + HEADER + "\r\n" + ROW + "\r\n").encode()
    response = upload(manager, data)
    assert response.status_code == 302, text_of(response)
    assert "This file is empty" not in text_of(manager.get(response.headers["Location"]))
    batch = import_file(manager, data)
    assert outcomes(app, batch) == {"H-5": "new"}
    assert list(messages(app, batch)) == [3]  # the line an editor shows


def test_dates_as_other_systems_write_them(app, manager):
    batch = import_file(
        manager,
        csv_bytes(
            "H-2,,Kim,Ray,2012-04-03 00:00:00,21/11/2026 18:00,,Low",
            "H-3,,Al,Bo,03/04/2012,2026/11/21 18:00,,Low",
            "H-4,,Cy,Do,03/04/2012,20/11/2026 18:00,20/11/2026 24:00,Low",
        ),
    )
    said = messages(app, batch)
    assert outcomes(app, batch) == {"H-2": "new", "H-3": "problem", "H-4": "new"}
    assert said[3] == (
        "Reported missing “2026/11/21 18:00” is not a date we can read. Write the date as "
        "23/11/2026, 23-11-2026, 23.11.2026 or 2026-11-23, then the time on the 24-hour "
        "clock: 23/11/2026 14:30."
    )
    # 24:00 is taken as midnight at the end of the day, and the coordinator is told so.
    assert said[4].endswith(
        "Returned or found “20/11/2026 24:00”: 24:00 is midnight at the end of the day, "
        "taken as 21/11/2026 00:00."
    )
    assert episode(app, "H-4").returned_at == datetime(2026, 11, 21, 0, 0)  # GMT: UTC
    with app.app_context():
        kim = db.session.get(Child, episode(app, "H-2").child_id)
        assert kim.date_of_birth == date(2012, 4, 3)
