"""Import of police notifications: what a file says is read as it was meant, or refused saying
why, never taken another way without a word.

- One file column chosen for two details ("Reported Missing" for Returned or found as well)
  recorded every child still missing as back the minute they went missing: refused beside
  each detail, naming the other, and a set of columns saved so before is asked for again.
- A row pasted in from a Windows-1252 file into a UTF-8 one ("Chloé" among "Zoë") is read
  with both names whole; a byte neither can read refuses its row, never "Chlo\ufffd".
- A file whose dates are written month first (11/25/2026) is refused whole: its other dates
  (12/01/2026) were read day first, 1 December taken as 12 January.
- A quote never closed is reported on the line it opens, not the file's last line.
- The hour the clocks go back happens twice: read as the first, as the hand forms read it,
  and the preview says so, with how to write the second.

Driven through the pages. The clock stands at 2026-11-23 12:00 UTC (tests/app/conftest.py);
local time is Europe/London.
"""

from __future__ import annotations

from datetime import datetime

import markupsafe
import pytest
from sqlalchemy import func, select

from rhi.episodes.imports_csv import guess_columns
from rhi.extensions import db
from rhi.models import Child, ImportBatch, ImportMapping, Team, User
from tests.app.test_import_notifications import (
    batch_id,
    episodes_with,
    import_file,
    outcomes,
    save_columns,
    upload,
)
from tests.conftest import Web

HEADER = "Police Ref,Forename,Surname,DOB,Reported Missing,Returned"


def file_of(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def text_of(response) -> str:
    return markupsafe.Markup(response.get_data(as_text=True)).unescape()


@pytest.fixture
def manager(web: Web, world) -> Web:
    web.sign_in(world.emails["manager_a"])
    return web


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


# One column, one detail ----------------------------------------------------------------------


def test_a_column_chosen_for_two_details_is_refused_beside_each_naming_the_other(app, manager):
    response = upload(manager, file_of("SAMECOL-1,Wes,Same,01/01/2012,05/11/2026 10:00,"))
    batch = batch_id(response)
    assert response.headers["Location"].endswith("/columns")
    refused = save_columns(manager, batch, returned="Reported Missing")
    assert refused.status_code == 422
    page = text_of(refused)
    # Beside each of the two details, naming the other.
    assert "“Reported Missing” is chosen for Returned or found too." in page
    assert "“Reported Missing” is chosen for Reported missing too." in page
    assert count(app, ImportMapping) == 0  # nothing saved to be used again on later files
    # Chosen once each, the row goes in as a child still missing.
    assert save_columns(manager, batch).status_code == 302
    manager.post(f"/imports/{batch}/apply", page=f"/imports/{batch}")
    assert outcomes(app, batch) == {"SAMECOL-1": "new"}
    (episode,) = episodes_with(app, "SAMECOL-1")
    assert episode.returned_at is None


def test_columns_saved_with_one_column_for_two_details_are_asked_for_again(app, manager, world):
    with app.app_context():
        team = db.session.scalar(
            select(User.team_id).where(User.email == world.emails["manager_a"])
        )
        columns = {
            "police_reference": "Police Ref",
            "first_name": "Forename",
            "last_name": "Surname",
            "date_of_birth": "DOB",
            "reported_missing": "Reported Missing",
            "returned": "Reported Missing",
        }
        mapping = ImportMapping(name="Saved before", team_id=team, columns=columns)
        db.session.add(mapping)
        db.session.commit()
        mapping_id = mapping.id
    data = file_of("SAMECOL-2,Wes,Same,01/01/2012,05/11/2026 10:00,")
    response = upload(manager, data, mapping_id=mapping_id)
    # Not straight to the preview: every child still missing would be recorded as back.
    assert response.headers["Location"].endswith("/columns")
    page = text_of(manager.get(response.headers["Location"]))
    assert "“Reported Missing” is chosen for Returned or found too." in page


# Letters saved two ways ------------------------------------------------------------------------


def test_a_row_saved_as_windows_1252_in_a_utf8_file_keeps_both_names(app, manager):
    data = (
        HEADER + "\nENC-1,Zoë,Brontë,01/01/2012,20/11/2026 10:00,\n"
    ).encode() + "ENC-2,Chloé,Dubois,02/02/2012,20/11/2026 11:00,\n".encode("cp1252")
    response = upload(manager, data)
    batch = batch_id(response)
    save_columns(manager, batch)
    preview = text_of(manager.get(f"/imports/{batch}"))
    assert "Chloé Dubois" in preview and "Zoë Brontë" in preview
    assert "\ufffd" not in preview
    manager.post(f"/imports/{batch}/apply", page=f"/imports/{batch}")
    assert outcomes(app, batch) == {"ENC-1": "new", "ENC-2": "new"}
    with app.app_context():
        names = {(c.first_name, c.last_name) for c in db.session.scalars(select(Child))}
    assert {("Zoë", "Brontë"), ("Chloé", "Dubois")} <= names


def test_a_name_with_a_byte_no_encoding_reads_is_refused_naming_the_column(app, manager):
    # 0x81 is neither UTF-8 nor a letter of Windows-1252.
    data = file_of("ENC-3,Ann,Lee,01/01/2012,20/11/2026 10:00,")
    data += b"ENC-4,Chlo\x81,Dubois,02/02/2012,20/11/2026 11:00,\n"
    batch = import_file(manager, data)
    assert outcomes(app, batch) == {"ENC-3": "new", "ENC-4": "problem"}
    with app.app_context():
        result = next(r for r in db.session.get(ImportBatch, batch).results if r["line"] == 3)
        assert db.session.scalar(select(Child).where(Child.last_name == "Dubois")) is None
    assert result["message"] == (
        "First name “Chlo\ufffd” holds a letter rhi cannot read (shown as “\ufffd”): it was "
        "saved in a form of text rhi does not know. Correct it in the file, save the file as "
        "CSV UTF-8, and send the row again."
    )


# Dates written month first -----------------------------------------------------------------


def test_a_file_with_dates_written_month_first_is_refused_whole(app, manager):
    data = file_of(
        "US-1,Ann,Lee,04/23/2012,11/20/2026 10:00,11/21/2026 09:00",
        "US-2,Ben,Lee,03/04/2011,11/01/2026 10:00,11/02/2026 09:00",
    )
    response = upload(manager, data)
    assert response.status_code == 422
    page = text_of(response)
    assert (
        "The dates in this file are written month first: “04/23/2012” (the column “DOB”, "
        "line 2) can only be month 4, day 23." in page
    )
    assert "Save the file with its dates day first (23/11/2026) or as 2026-11-23" in page
    # Nothing kept to be imported: US-2's 11/01 would have been read as 11 January.
    assert count(app, ImportBatch) == 0
    assert episodes_with(app, "US-2") == []


def test_a_day_first_file_with_days_after_the_12th_is_read(app, manager):
    batch = import_file(manager, file_of("UK-1,Ann,Lee,23/04/2012,20/11/2026 10:00,"))
    assert outcomes(app, batch) == {"UK-1": "new"}


# A quote never closed --------------------------------------------------------------------------


def test_a_quote_never_closed_is_reported_on_the_line_it_opens(app, manager):
    rows = ['Q-1,Ann,"Unclosed,01/01/2012,20/11/2026 10:00,']
    rows += [f"Q-{n},Ann,Lee,01/01/2012,20/11/2026 10:00," for n in range(2, 1000)]
    response = upload(manager, file_of(*rows))
    assert response.status_code == 422
    page = text_of(response)
    assert 'the row on line 2 has a quote mark (") that opens a cell and is never closed' in page
    assert "line 1000" not in page


def test_a_cell_too_long_with_no_quote_mark_is_said_to_be_too_long(app, manager):
    """A probe: a 140,000-character cell with no quote mark anywhere was refused as "a quote
    mark ... is never closed", sending the coordinator looking for what was not there."""
    rows = ["L-1,Ann,Lee,01/01/2012,20/11/2026 10:00,ok"]
    rows += ["L-2,Ann,Lee,01/01/2012,20/11/2026 10:00," + "x" * 140_000]
    response = upload(manager, file_of(*rows))
    assert response.status_code == 422
    page = text_of(response)
    assert "a cell on line 3 is longer than 131,072 characters" in page
    assert "is never closed" not in page


# The hour the clocks go back ---------------------------------------------------------------


def test_the_hour_the_clocks_go_back_is_read_as_the_first_and_the_preview_says_so(app, manager):
    data = file_of("FOLD-1,Ann,Lee,01/01/2012,25/10/2026 01:30,25/10/2026 09:00")
    response = upload(manager, data)
    batch = batch_id(response)
    save_columns(manager, batch)
    preview = text_of(manager.get(f"/imports/{batch}"))
    assert (
        "Reported missing “25/10/2026 01:30”: the clocks went back that night, so 01:30 "
        "happened twice. Taken as the first (00:30 UTC). If it was the second (01:30 UTC), "
        "write it with its offset: 2026-10-25T01:30+00:00." in preview
    )
    manager.post(f"/imports/{batch}/apply", page=f"/imports/{batch}")
    (episode,) = episodes_with(app, "FOLD-1")
    # As the hand forms read it (tests/app/test_clock_change.py): the first, British Summer Time.
    assert episode.started_at == datetime(2026, 10, 25, 0, 30)


def test_a_time_written_with_its_offset_in_that_hour_is_taken_as_written(app, manager):
    data = file_of("FOLD-2,Ann,Lee,01/01/2012,2026-10-25T01:30+00:00,25/10/2026 09:00")
    batch = import_file(manager, data)
    assert outcomes(app, batch) == {"FOLD-2": "new"}
    (episode,) = episodes_with(app, "FOLD-2")
    assert episode.started_at == datetime(2026, 10, 25, 1, 30)
    with app.app_context():
        (result,) = db.session.get(ImportBatch, batch).results
    assert "happened twice" not in result["message"]


def test_the_command_line_refuses_saved_columns_reading_one_column_twice(app, manager):
    """Columns saved before the page refused it: the command line, with no one to ask, imports
    nothing and says which."""
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == "RHI A"))
        doubled = {**guess_columns(HEADER.split(",")), "returned": "Reported Missing"}
        db.session.add(ImportMapping(name="Doubled", team_id=team.id, columns=doubled))
        db.session.commit()
    path = app.instance_path + "/doubled.csv"
    with open(path, "wb") as out:
        out.write(file_of("DBL-1,Ann,Lee,23/04/2012,20/11/2026 10:00,"))
    result = app.test_cli_runner().invoke(
        args=["rhi", "import-notifications", path, "--mapping", "Doubled"]
    )
    assert result.exit_code == 1
    assert "for Reported missing and for Returned or found" in result.output
    assert episodes_with(app, "DBL-1") == []


def test_a_batch_reading_one_column_twice_is_never_previewed_or_applied(app, manager):
    """A review: with such saved columns the upload went to the columns page, but the preview's
    address still planned the batch and Apply imported it, the child still missing recorded as
    back. Both send the coordinator to choose the columns again."""
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == "RHI A"))
        doubled = {**guess_columns(HEADER.split(",")), "returned": "Reported Missing"}
        mapping = ImportMapping(name="Saved before", team_id=team.id, columns=doubled)
        db.session.add(mapping)
        db.session.commit()
        mapping_id = mapping.id
    sent = upload(
        manager, file_of("DBL-2,Wes,Same,01/01/2012,05/11/2026 10:00,"), mapping_id=mapping_id
    )
    batch = batch_id(sent)
    columns = f"/imports/{batch}/columns"
    assert sent.headers["Location"].endswith(columns)
    preview = manager.get(f"/imports/{batch}")
    assert preview.status_code == 302 and preview.headers["Location"].endswith(columns)
    applied = manager.post(f"/imports/{batch}/apply", page=columns)
    assert applied.status_code == 302 and applied.headers["Location"].endswith(columns)
    assert episodes_with(app, "DBL-2") == []
    page = text_of(manager.get(columns))
    assert "is chosen for Returned or found too" in page
