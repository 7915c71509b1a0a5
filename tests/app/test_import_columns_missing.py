"""Import of police notifications: nothing in a file is dropped or misread without a word.

- A saved set of columns whose column is not in today's file (the police renamed "Returned/
  Found" to "Date Found") sends the coordinator back to the columns, naming it: otherwise the
  found times were dropped and the child still showed as missing, with no 72-hour clock.
- A row with more cells than the file has columns (a comma in an address not in quotes) is
  refused, with why: otherwise every cell after the comma was read one column along.

Driven through the pages, upload to apply. The clock stands at 2026-11-23 12:00 UTC
(tests/app/conftest.py), in which the app tests' local time is UTC.
"""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlalchemy import select

from rhi.extensions import db
from rhi.models import ImportMapping
from tests.app.test_import_notifications import (
    batch_id,
    csv_bytes,
    episodes_with,
    import_file,
    messages,
    outcomes,
    save_columns,
    upload,
)
from tests.conftest import Web

YESTERDAY = "Police Ref,Forename,Surname,DOB,Reported Missing,Returned/Found,Found Where,Found By"
TODAY = YESTERDAY.replace("Returned/Found", "Date Found")  # the police renamed one column
MISSING = "WY-T-1,Tyler,Brooks,02/07/2009,20/11/2026 18:00,,,"
FOUND = "WY-T-1,Tyler,Brooks,02/07/2009,20/11/2026 18:00,21/11/2026 09:30,Bus station,PC Shaw"


@pytest.fixture
def manager(web: Web, world) -> Web:
    web.sign_in(world.emails["manager_a"])
    return web


def selected(page: str, field: str) -> str | None:
    """The option chosen in the page's select for `field`."""
    select_html = re.search(rf'<select[^>]*name="col_{field}".*?</select>', page, re.S)
    assert select_html is not None, field
    chosen = re.search(r'<option selected value="([^"]*)"', select_html.group(0)) or re.search(
        r'<option value="([^"]*)" selected', select_html.group(0)
    )
    return chosen.group(1) if chosen else None


def saved_columns(app) -> tuple[int, dict[str, str]]:
    with app.app_context():
        mapping = db.session.scalar(select(ImportMapping))
        return mapping.id, dict(mapping.columns)


def yesterdays_episode(app, manager: Web) -> int:
    """Yesterday's file imported, its columns saved (returned: "Returned/Found"); the mapping."""
    batch = import_file(manager, csv_bytes(MISSING, header=YESTERDAY))
    assert outcomes(app, batch) == {"WY-T-1": "new"}
    mapping_id, columns = saved_columns(app)
    assert columns["returned"] == "Returned/Found"
    return mapping_id


# A saved column not in today's file -------------------------------------------------------------


def test_a_saved_column_not_in_todays_file_is_asked_for_by_name(app, manager):
    mapping_id = yesterdays_episode(app, manager)
    response = upload(manager, csv_bytes(FOUND, header=TODAY), mapping_id=mapping_id)
    # Not straight to the preview: the found times would have been dropped without a word.
    assert response.headers["Location"].endswith("/columns")
    batch = batch_id(response)

    page = manager.get(f"/imports/{batch}/columns").get_data(as_text=True)
    assert "not in this file" in page
    assert "“Returned/Found”" in page and "Returned or found" in page
    assert 'id="col_returned-error"' in page  # said at the choice to make again, too
    # What the coordinator chose before, and this file still has, is kept.
    assert selected(page, "first_name") == "Forename"
    assert selected(page, "found_where") == "Found Where"

    # Looked at before the columns are put right, the file takes nothing in.
    preview = manager.get(f"/imports/{batch}").get_data(as_text=True)
    assert "0 to update" in preview and "1 with a problem" in preview
    assert "The file has no Returned or found column." in preview

    assert save_columns(manager, batch, returned="Date Found").status_code == 302
    preview = manager.get(f"/imports/{batch}").get_data(as_text=True)
    assert "1 to update" in preview and "0 with a problem" in preview
    manager.post(f"/imports/{batch}/apply", page=f"/imports/{batch}")
    assert outcomes(app, batch) == {"WY-T-1": "update"}
    (episode,) = episodes_with(app, "WY-T-1")
    assert episode.returned_at == datetime(2026, 11, 21, 9, 30)  # back: the 72-hour clock runs
    assert (episode.found_where, episode.found_by) == ("Bus station", "PC Shaw")

    # The saved columns now read today's file; the rest of what was chosen is as it was.
    _, columns = saved_columns(app)
    assert columns["returned"] == "Date Found" and columns["first_name"] == "Forename"
    again = upload(manager, csv_bytes(FOUND, header=TODAY), mapping_id=mapping_id)
    assert re.search(r"/imports/\d+$", again.headers["Location"])  # straight to the preview


def test_applying_before_the_columns_are_put_right_drops_no_found_time(app, manager):
    mapping_id = yesterdays_episode(app, manager)
    batch = batch_id(upload(manager, csv_bytes(FOUND, header=TODAY), mapping_id=mapping_id))
    manager.post(f"/imports/{batch}/apply", page=f"/imports/{batch}")
    assert outcomes(app, batch) == {"WY-T-1": "problem"}
    assert "The file has no Returned or found column." in messages(app, batch)[2]
    (episode,) = episodes_with(app, "WY-T-1")
    assert episode.found_where is None  # nothing of the row was taken in without its found time


def test_saying_the_file_has_no_such_column_is_kept(app, manager):
    mapping_id = yesterdays_episode(app, manager)
    header = YESTERDAY.replace(",Returned/Found", "")  # a file of missing notifications only
    row = "WY-T-2,Ann,Lee,03/04/2012,22/11/2026 08:00,,"
    response = upload(manager, csv_bytes(row, header=header), mapping_id=mapping_id)
    assert response.headers["Location"].endswith("/columns")
    batch = batch_id(response)
    page = manager.get(f"/imports/{batch}/columns").get_data(as_text=True)
    assert "“Returned/Found”" in page and selected(page, "returned") in (None, "")
    assert save_columns(manager, batch, returned="").status_code == 302
    manager.post(f"/imports/{batch}/apply", page=f"/imports/{batch}")
    assert outcomes(app, batch) == {"WY-T-2": "new"}
    _, columns = saved_columns(app)
    assert "returned" not in columns and columns["first_name"] == "Forename"


# A row with more cells than the file has columns ------------------------------------------------

WIDE = "Police Ref,Forename,Surname,DOB,Reported Missing,Returned/Found,Missing From,"
WIDE += "Found Where,Found By,Reported By"
COMMA = "WY-T-5,Sam,Cole,02/07/2009,20/11/2026 18:00,21/11/2026 09:30,12 Elm Road, Leeds,"
COMMA += "Bus station,PC Shaw,Carer"  # the address's comma, not in quotes: one cell too many
QUOTED = 'WY-T-6,Jo,Dee,05/06/2010,20/11/2026 19:00,21/11/2026 10:00,"3 Oak Lane, Leeds",'
QUOTED += "Park,PC Shaw,Parent,,"  # in quotes, and Excel's empty cells at the end: fine
SHORT = "WY-T-7,Kim,Ray"  # stops short: its date of birth is empty, not another column's
MORE_CELLS = "This row has more cells than the file has columns"


def test_a_row_with_more_cells_than_columns_is_refused_not_read_shifted(app, manager):
    response = upload(manager, csv_bytes(COMMA, QUOTED, SHORT, header=WIDE))
    batch = batch_id(response)
    assert save_columns(manager, batch).status_code == 302
    preview = manager.get(f"/imports/{batch}").get_data(as_text=True)
    assert "1 new" in preview and "2 with a problem" in preview
    assert MORE_CELLS in preview and "nothing in it was taken in" in preview

    manager.post(f"/imports/{batch}/apply", page=f"/imports/{batch}")
    assert outcomes(app, batch) == {"WY-T-5": "problem", "WY-T-6": "new", "WY-T-7": "problem"}
    said = messages(app, batch)
    assert MORE_CELLS in said[2]
    assert "Date of birth is empty." in said[4] and MORE_CELLS not in said[4]
    assert not episodes_with(app, "WY-T-5")  # not taken in shifted: "Leeds" as found where
    (quoted,) = episodes_with(app, "WY-T-6")
    assert (quoted.missing_from, quoted.found_where) == ("3 Oak Lane, Leeds", "Park")
    assert (quoted.found_by, quoted.reported_by) == ("PC Shaw", "parent")

    page = manager.get(f"/imports/{batch}").get_data(as_text=True)  # what the import did
    assert MORE_CELLS in page
    refused = manager.get(f"/imports/{batch}/refused.csv").get_data(as_text=True)
    assert MORE_CELLS in refused and "12 Elm Road" in refused  # the row as it came, to put right
