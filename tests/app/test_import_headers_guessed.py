"""Import of police notifications: the columns are guessed from the headers police exports use,
and a column of dates that no detail reads is pointed out before anything is imported.

An intake probe uploaded a file whose found column was headed "Found Date/Time". rhi did not
guess it, the preview said only "New episode for Harvey Clarke", and after the import Harvey
was listed as still missing: no return and no 72-hour clock, though the file said when he was
found. "Occurrence No" and "Reporting Person" were not guessed either.

Driven through the pages, upload to apply. The clock stands at 2026-11-23 12:00 UTC
(tests/app/conftest.py), in which the app tests' local time is UTC.
"""

from __future__ import annotations

import html
import re
from datetime import datetime

import pytest

from tests.app.test_import_columns_missing import selected
from tests.app.test_import_notifications import (
    batch_id,
    csv_bytes,
    episodes_with,
    outcomes,
    save_columns,
    upload,
)
from tests.conftest import Web

# As the probe's police file (f5.csv) had it.
POLICE_HEADER = (
    "Occurrence No,Subject ID,First Name,Last Name,Date of Birth,Reported Missing,"
    "Found Date/Time,Risk,Location Missing From,Location Found,Reporting Person"
)
HARVEY = (
    "NY-0401,P-9101,Harvey,Clarke,02/02/2011,20/11/2026 20:00,21/11/2026 02:00,Low,Home,Park,Parent"
)

STILL_MISSING = "every child in this file will be recorded as still missing"


@pytest.fixture
def coordinator(web: Web, world) -> Web:
    web.sign_in(world.emails["manager_a"])
    return web


def said(page: str) -> str:
    """The page's words, as a person reads them: tags gone, spaces as one."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def hint_of(page: str, field: str) -> str:
    """The words shown beside the choice for `field` ("" where there are none)."""
    hint = re.search(rf'<p class="hint" id="col_{field}-hint">(.*?)</p>', page, re.S)
    return said(hint.group(1)) if hint else ""


def columns_page(web: Web, data: bytes) -> tuple[int, str]:
    response = upload(web, data)
    assert response.headers["Location"].endswith("/columns")  # no saved columns yet
    batch = batch_id(response)
    return batch, web.get(f"/imports/{batch}/columns").get_data(as_text=True)


def still_missing(web: Web) -> str:
    page = web.get("/returns").get_data(as_text=True)
    section = re.search(r'id="missing-heading".*?</section>', page, re.S)
    assert section is not None
    return said(section.group(0))


# The probe's file, as it came ---------------------------------------------------------------


def test_the_police_files_found_date_time_is_read_and_the_child_is_back(app, coordinator):
    batch, page = columns_page(coordinator, csv_bytes(HARVEY, header=POLICE_HEADER))
    assert selected(page, "returned") == "Found Date/Time"
    assert selected(page, "police_reference") == "Occurrence No"
    assert selected(page, "reported_by") == "Reporting Person"
    # Every column of the file is read, so there is nothing to point out.
    assert "is not used" not in said(page)

    assert save_columns(coordinator, batch).status_code == 302
    preview = said(coordinator.get(f"/imports/{batch}").get_data(as_text=True))
    assert "1 new" in preview and STILL_MISSING not in preview
    coordinator.post(f"/imports/{batch}/apply", page=f"/imports/{batch}")
    assert outcomes(app, batch) == {"NY-0401": "new"}
    (episode,) = episodes_with(app, "NY-0401")
    assert episode.returned_at == datetime(2026, 11, 21, 2, 0)  # back: the 72-hour clock runs
    assert episode.reported_by == "parent"
    assert "Harvey Clarke" not in still_missing(coordinator)


# Other spellings of the same headers ----------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "header"),
    [
        ("returned", "Found Date/Time"),
        ("returned", "Date/Time Found"),
        ("returned", "Found Date & Time"),
        ("returned", "found_datetime"),
        ("returned", "FOUND_DATE_TIME"),
        ("returned", "FoundDateTime"),
        ("returned", "Time Found"),
        ("returned", "Date Located"),
        ("returned", "Returned Date/Time"),
        ("returned", "Date/Time Returned or Found"),
        ("police_reference", "Occurrence No"),
        ("police_reference", "Occurrence No."),
        ("police_reference", "OCCURRENCE_NUMBER"),
        ("police_reference", "Incident No"),
        ("police_reference", "Crime Number"),
        ("police_reference", "Log Ref"),
        ("reported_by", "Reporting Person"),
        ("reported_by", "Person Reporting"),
        ("reported_missing", "Reported Missing Date/Time"),
        ("reported_missing", "Date & Time Reported"),
        ("date_of_birth", "DateOfBirth"),
    ],
)
def test_common_police_headers_are_guessed(coordinator, field, header):
    others = {
        "police_reference": "Police Ref",
        "first_name": "Forename",
        "last_name": "Surname",
        "date_of_birth": "DOB",
        "reported_missing": "Reported Missing",
        "returned": "Returned",
        "reported_by": "Reported By",
    }
    others[field] = header
    values = {
        "police_reference": "NY-1",
        "first_name": "Harvey",
        "last_name": "Clarke",
        "date_of_birth": "02/02/2011",
        "reported_missing": "20/11/2026 20:00",
        "returned": "21/11/2026 02:00",
        "reported_by": "Parent",
    }
    row = ",".join(values[name] for name in others)
    _, page = columns_page(coordinator, csv_bytes(row, header=",".join(others.values())))
    for name, column in others.items():
        assert html.unescape(selected(page, name) or "") == column, name


def test_a_header_naming_a_date_is_not_guessed_for_a_place(coordinator):
    """ "Missing From Date/Time" is when, not where: never read as the place they went missing
    from (nor "Last Seen Date/Time" as the place last seen)."""
    header = "Police Ref,Forename,Surname,DOB,Missing From Date/Time,Last Seen Date/Time,Found"
    row = "NY-1,Harvey,Clarke,02/02/2011,20/11/2026 20:00,20/11/2026 19:00,21/11/2026 02:00"
    _, page = columns_page(coordinator, csv_bytes(row, header=header))
    assert selected(page, "missing_from") in (None, "")
    assert selected(page, "returned") == "Found"


# A column of dates that no detail reads -------------------------------------------------------

NOT_GUESSED = "Police Ref,Forename,Surname,DOB,Reported Missing,Back Home"
BACK = "NY-2,Harvey,Clarke,02/02/2011,20/11/2026 20:00,21/11/2026 02:00"


def test_a_column_of_date_times_not_used_is_pointed_out_beside_returned(coordinator):
    batch, page = columns_page(coordinator, csv_bytes(BACK, header=NOT_GUESSED))
    assert selected(page, "returned") in (None, "")
    assert hint_of(page, "returned") == (
        "The column “Back Home” holds dates and times and is not used: is it when the child "
        "was found? If so, choose it here."
    )
    assert 'aria-describedby="col_returned-hint"' in page  # read out with the choice

    # Saved as it is: the preview says what that means, above the rows.
    assert save_columns(coordinator, batch).status_code == 302
    preview = said(coordinator.get(f"/imports/{batch}").get_data(as_text=True))
    assert (
        "No column is chosen for Returned or found, so every child in this file will be "
        "recorded as still missing, with no return and no 72-hour clock for an interview."
    ) in preview
    assert "The column “Back Home” holds dates and times and is not used" in preview

    # Chosen: the warnings go, and the child is back.
    assert save_columns(coordinator, batch, returned="Back Home").status_code == 302
    preview = said(coordinator.get(f"/imports/{batch}").get_data(as_text=True))
    assert STILL_MISSING not in preview and "is not used" not in preview
    coordinator.post(f"/imports/{batch}/apply", page=f"/imports/{batch}")
    (episode,) = episodes_with(app_of(coordinator), "NY-2")
    assert episode.returned_at == datetime(2026, 11, 21, 2, 0)


def app_of(web: Web):
    return web.client.application


def test_a_file_with_no_found_column_says_every_child_stays_missing(coordinator):
    header = "Police Ref,Forename,Surname,DOB,Reported Missing,Notes"
    row = "NY-3,Harvey,Clarke,02/02/2011,20/11/2026 20:00,seen near the park"
    batch, page = columns_page(coordinator, csv_bytes(row, header=header))
    assert "is not used" not in said(page)  # the notes are not dates
    assert hint_of(page, "returned") == (
        "If this file has no such column, every child in it will be recorded as still missing."
    )
    assert save_columns(coordinator, batch).status_code == 302
    preview = said(coordinator.get(f"/imports/{batch}").get_data(as_text=True))
    assert STILL_MISSING in preview
    assert "is not used" not in preview


def test_an_unused_date_column_beside_a_chosen_found_column_is_pointed_out(coordinator):
    header = "Police Ref,Forename,Surname,DOB,Reported Missing,Returned,Date Closed"
    row = "NY-4,Harvey,Clarke,02/02/2011,20/11/2026 20:00,21/11/2026 02:00,22/11/2026"
    batch, page = columns_page(coordinator, csv_bytes(row, header=header))
    assert selected(page, "returned") == "Returned"
    assert hint_of(page, "returned") == (
        "The column “Date Closed” holds dates and is not used. Check that “Returned” is the "
        "column with when the child was found."
    )
    assert save_columns(coordinator, batch).status_code == 302
    preview = said(coordinator.get(f"/imports/{batch}").get_data(as_text=True))
    assert "The column “Date Closed” holds dates and is not used." in preview
    assert STILL_MISSING not in preview


def test_an_unused_column_of_date_times_is_asked_about_beside_reported_missing(coordinator):
    """Found is chosen, and nothing reads when the child was reported missing."""
    header = "Police Ref,Forename,Surname,DOB,Time Gone,Found"
    row = "NY-5,Harvey,Clarke,02/02/2011,20/11/2026 20:00,21/11/2026 02:00"
    _, page = columns_page(coordinator, csv_bytes(row, header=header))
    assert hint_of(page, "reported_missing") == (
        "The column “Time Gone” holds dates and times and is not used: is it when the child "
        "was reported missing? If so, choose it here."
    )
    assert hint_of(page, "returned") == ""
