"""A review of the header guessing (rhi/episodes/imports_csv.py guess_columns): a bare "ID" or
"No." was guessed as the police reference (a file's row numbers, or a person's id, matched to
other episodes), and an unused "Missing From Date/Time" was asked about as when the child was
found (rhi/episodes/import_views.py)."""

from __future__ import annotations

from rhi.episodes.import_views import _likely_details
from rhi.episodes.imports_csv import DatedColumn, guess_columns


def test_a_record_s_or_a_person_s_number_is_never_the_police_reference():
    assert guess_columns(["ID", "Occurrence Number", "Forename"])["police_reference"] == (
        "Occurrence Number"
    )
    assert guess_columns(["No.", "Occurrence No", "Forename"])["police_reference"] == (
        "Occurrence No"
    )
    for alone in (["ID", "Forename"], ["No.", "Forename"], ["Number", "Forename"]):
        assert "police_reference" not in guess_columns(alone), alone
    assert "police_reference" not in guess_columns(["Missing Person ID", "Forename"])
    # As written, a reference is still one, with its number or the police's own id.
    for header in ("Ref", "Ref No", "Reference Number", "Incident ID", "Occurrence ID"):
        assert guess_columns([header, "Forename"])["police_reference"] == header
    assert guess_columns(["Person Ref", "Occurrence Ref"]) == {
        "police_reference": "Occurrence Ref",
        "police_person_id": "Person Ref",
    }


def test_a_column_of_dates_is_asked_about_as_the_detail_its_header_names():
    missing = DatedColumn("Missing From Date/Time", with_times=True)
    assert _likely_details([missing])[0] == "reported_missing"
    found = DatedColumn("Date/Time Located", with_times=True)
    assert _likely_details([found])[0] == "returned"
    for end in ("Missing To Date/Time", "Missing End Date"):  # the end of the time away
        assert _likely_details([DatedColumn(end, with_times=True)])[0] == "returned"
    # A header that says neither: when the child was found first (no return: no clock).
    other = DatedColumn("Event Date", with_times=False)
    assert _likely_details([other]) == ["returned", "reported_missing"]
