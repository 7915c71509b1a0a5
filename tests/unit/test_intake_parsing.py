"""Reading police notifications, no database: the real-world shapes of a file and of a date, a
row repeated word for word, and the API's field names (docs/openapi.yaml names them as rhi
reads them)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
import yaml

from rhi.episodes import imports
from rhi.episodes.imports_csv import COLUMNS, Row, mark_duplicates, parse, read_row

NOW = datetime(2026, 11, 23, 12, 0)
SPEC = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
CELLS = {
    "police_reference": "H-1",
    "first_name": "Sam",
    "last_name": "Lee",
    "date_of_birth": "03/04/2012",
    "reported_missing": "20/11/2026 18:00",
}


def read(line: int = 2, **cells: str) -> Row:
    return read_row(line, {**CELLS, **cells}, grades=["Low", "High"], now=NOW, to_utc=lambda d: d)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("\r\nPolice Ref,Forename\r\nR1,Ann\r\n", 3),
        ("\n\n  \nPolice Ref,Forename\nR1,Ann\n", 5),
        (",,\nPolice Ref,Forename\nR1,Ann\n", 3),  # Excel's empty row, its separators alone
        ("\rPolice Ref,Forename\rR1,Ann\r", 3),  # lines ending in a lone CR
    ],
)
def test_blank_lines_before_the_header_row_are_skipped(text, line):
    table = parse(text)
    assert table.headers == ["Police Ref", "Forename"]
    # The line is the one an editor shows, the blank lines counted.
    assert table.rows == [(line, ["R1", "Ann"])]


def test_blank_lines_before_a_semicolon_header_still_find_the_separator():
    table = parse("\n\nPolice Ref;Forename\nR1;Ann\n")
    assert table.headers == ["Police Ref", "Forename"] and table.rows == [(4, ["R1", "Ann"])]


def test_a_file_of_blank_lines_is_still_empty():
    with pytest.raises(ValueError, match="This file is empty: it has no header row."):
        parse("\r\n\r\n")


@pytest.mark.parametrize("written", ["2012-04-03 00:00:00", "03/04/2012 00:00", "2012-04-03T00:00"])
def test_a_date_of_birth_with_a_midnight_time_is_read(written):
    row = read(date_of_birth=written)
    assert row.problems == [] and row.notice.date_of_birth == date(2012, 4, 3)


def test_a_date_of_birth_with_another_time_is_refused_saying_so():
    row = read(date_of_birth="2012-04-03 14:00")
    assert row.problems == [
        "Date of birth “2012-04-03 14:00” has a time: a date of birth is the date alone, "
        "like 23/11/2026."
    ]


def test_a_date_in_a_form_not_read_names_the_forms_that_are():
    row = read(reported_missing="2026/11/21 18:00")
    assert row.problems == [
        "Reported missing “2026/11/21 18:00” is not a date we can read. Write the date as "
        "23/11/2026, 23-11-2026, 23.11.2026 or 2026-11-23, then the time on the 24-hour "
        "clock: 23/11/2026 14:30."
    ]
    assert "not a real date" not in " ".join(row.problems)
    # A date in a form rhi reads that is not on the calendar is still said to be not real.
    assert read(reported_missing="31/02/2026 18:00").problems == [
        "Reported missing “31/02/2026 18:00” is not a real date. Check the day and the month."
    ]
    assert "2026-11-23" in read(date_of_birth="2012/04/03").problems[0]


def test_24_00_is_midnight_at_the_end_of_the_day_taken_as_00_00_the_next_day():
    """Judgement: 24:00 (ISO 8601's end of the day, which some police systems write) is not
    refused; it is taken as 00:00 on the next day, and a note says so."""
    row = read(returned="20/11/2026 24:00")
    assert row.problems == []
    assert row.notice.returned_at == datetime(2026, 11, 21, 0, 0)
    assert row.notes == [
        "Returned or found “20/11/2026 24:00”: 24:00 is midnight at the end of the day, "
        "taken as 21/11/2026 00:00."
    ]
    # Past 24:00 is no time on the clock.
    assert read(returned="20/11/2026 24:30").problems == [
        "Returned or found “20/11/2026 24:30”: the time “24:30” is not one we can read. "
        "Write it on the 24-hour clock, from 00:00 to 23:59, like 21:15."
    ]


def test_a_row_repeated_word_for_word_is_not_refused():
    rows = [read(2), read(3)]
    mark_duplicates(rows, lambda line, cells: read(line, **cells))
    assert rows[0].notice is not None and rows[0].problems == []
    assert rows[1].problems == [] and rows[1].notice is None
    assert (rows[1].same_as, rows[1].taken_with) == (2, 2)


def test_messages_about_api_items_call_them_items():
    rows = [read(1, risk_grade="Low"), read(2, risk_grade="High")]
    mark_duplicates(rows, lambda line, cells: read(line, **cells), unit="item")
    assert rows[1].problems == [
        "Police reference H-1 is on items 1 and 2 with different details: correct them and "
        "send them again."
    ]


@pytest.mark.parametrize(
    ("key", "said"),
    [
        ("returned_at", "returned_at: not a field; did you mean returned?"),
        ("found", "found: not a field; did you mean returned?"),
        ("dob", "dob: not a field; did you mean date_of_birth?"),
        ("first_nmae", "first_nmae: not a field; did you mean first_name?"),
    ],
)
def test_a_key_that_is_not_a_field_is_named_with_the_field_it_likely_meant(key, said):
    cells, problems, ignored = imports.item_cells({**CELLS, key: "x"})
    assert problems == [said] and cells == CELLS and ignored == []


@pytest.mark.parametrize("key", ["force", "officer", "colour", "source_system"])
def test_a_police_systems_own_key_is_left_out_not_refused(key):
    """Refusing every notification of a system that sends one key of its own would keep them
    all out of rhi, where nobody sees a refused item (a review)."""
    cells, problems, ignored = imports.item_cells({**CELLS, key: "West Yorkshire"})
    assert problems == [] and cells == CELLS and ignored == [key]


def test_values_that_are_not_text_are_refused_by_name_and_a_whole_number_is_read():
    cells, problems, _ = imports.item_cells(
        {**CELLS, "police_person_id": 4521, "found_where": ["a"], "risk_grade": None}
    )
    assert cells["police_person_id"] == "4521" and "risk_grade" not in cells
    assert problems == ["found_where: a list, not text. Send it as text, in quotes."]
    assert imports.item_cells({**CELLS, "missing_from": True})[1] == [
        "missing_from: true or false, not text. Send it as text, in quotes."
    ]


def test_the_documented_notification_fields_are_the_fields_read():
    schema = yaml.safe_load(SPEC.read_text(encoding="utf-8"))["components"]["schemas"]
    notification = schema["Notification"]
    assert list(notification["properties"]) == list(COLUMNS)
    # Other keys are left out with a note, not refused: a police system's own are common.
    assert notification.get("additionalProperties", True) is not False
    assert "returned_at" not in yaml.safe_dump(notification)


@pytest.mark.parametrize("key", ["recovered_at", "returned_datetime", "date_located"])
def test_a_time_under_a_name_of_the_senders_own_is_refused_not_dropped(key):
    """A review: left out with a note, a found time under another name left the child shown
    as missing."""
    cells, problems, ignored = imports.item_cells({**CELLS, key: "2026-11-22 01:00"})
    assert ignored == [] and len(problems) == 1
    assert problems[0].startswith(f"{key}: not a field. If it is when the child came back")
