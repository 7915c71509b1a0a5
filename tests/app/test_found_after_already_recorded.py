"""A police reference a person settled as "already recorded" names a time away rhi holds: its
later found notification is that time away's return. Recorded on the episode it names, where
the child is still held as missing (the 72-hour clock starts from it), by a file and by the
API alike; it was answered "unchanged" and the return was lost (a session's note). The clock
stands at 2026-11-23 12:00 UTC (tests/app/conftest.py), GMT in November."""

from __future__ import annotations

import html
from datetime import datetime

from sqlalchemy import select

from rhi.extensions import db
from rhi.models import AuditEvent, WaitingRow
from tests.app.helpers import page_text
from tests.app.test_import_api import make_token, send
from tests.app.test_import_notifications import csv_bytes, episodes_with, import_file, outcomes
from tests.conftest import Web

OPEN = "IMP-5,,Ada,Alpha,01/05/2011,23/11/2026 06:00,,High"  # Ada, missing since 06:00
# The same time away under the police's second reference, a close spelling: it waits.
SECOND = "IMP-7,,Adah,Alpha,01/05/2011,23/11/2026 05:00,,Medium"
SECOND_FOUND = "IMP-7,,Adah,Alpha,01/05/2011,23/11/2026 05:00,23/11/2026 10:00,Medium"
BACK = datetime(2026, 11, 23, 10, 0)


def _settle_as_already_recorded(app, web: Web) -> int:
    """Ada held as missing since 06:00 (IMP-5); IMP-7 waits as possibly her and a person says
    it is that time away, already recorded. The episode's id."""
    import_file(web, csv_bytes(OPEN))
    import_file(web, csv_bytes(SECOND))
    with app.app_context():
        waiting = db.session.scalar(select(WaitingRow.id))
    url = f"/imports/waiting/{waiting}"
    assert web.post(url, {f"w{waiting}-decision": "already_recorded"}).status_code == 302
    said = html.unescape(page_text(web.get("/imports/waiting").get_data(as_text=True)))
    assert "Settled: this time away of Ada Alpha's is already recorded" in said
    (episode,) = episodes_with(app, "IMP-5")
    assert episode.returned_at is None
    return episode.id


def _return_audited(app, episode_id: int) -> str:
    with app.app_context():
        return db.session.scalar(
            select(AuditEvent.detail).where(
                AuditEvent.action == "episode.return", AuditEvent.object_id == str(episode_id)
            )
        )


def test_a_found_file_row_records_the_return_on_the_episode_settled_as_recorded(app, web, world):
    web.sign_in(world.emails["manager_a"])
    episode_id = _settle_as_already_recorded(app, web)
    batch = import_file(web, csv_bytes(SECOND_FOUND))
    assert outcomes(app, batch) == {"IMP-7": "update"}
    page = html.unescape(page_text(web.get(f"/imports/{batch}").get_data(as_text=True)))
    assert "A person said this police reference is a time away rhi already holds" in page
    assert "Changes returned." in page
    (episode,) = episodes_with(app, "IMP-5")
    assert episode.id == episode_id and episode.returned_at == BACK  # the clock starts from it
    assert "from a police notification" in _return_audited(app, episode_id)
    assert episodes_with(app, "IMP-7") == []  # still one time away, counted once
    again = import_file(web, csv_bytes(SECOND_FOUND))  # the police send it again
    assert outcomes(app, again) == {"IMP-7": "unchanged"}


def test_a_found_notification_by_the_api_records_the_return_on_the_settled_episode(
    app, web, client, world
):
    token = make_token(web, world)  # RHI A's
    web.sign_out()
    web.sign_in(world.emails["manager_a"])
    episode_id = _settle_as_already_recorded(app, web)
    found = {
        "police_reference": "IMP-7",
        "first_name": "Adah",
        "last_name": "Alpha",
        "date_of_birth": "2011-05-01",
        "returned": "2026-11-23T10:00:00Z",
    }
    body = send(client, token, {"notifications": [found]}).get_json()
    (result,) = body["results"]
    assert result["outcome"] == "updated" and result["episode_id"] == episode_id
    (episode,) = episodes_with(app, "IMP-5")
    assert episode.returned_at == BACK
    assert "from a police notification" in _return_audited(app, episode_id)
    again = send(client, token, {"notifications": [found]}).get_json()
    assert again["results"][0]["outcome"] == "unchanged"


def test_a_settled_reference_never_moves_a_return_rhi_already_holds(app, web, world):
    """Back already (by the episode's own reference, or a person): the settled reference's
    found time, for part of that time away or minutes off, is not put over it."""
    web.sign_in(world.emails["manager_a"])
    _settle_as_already_recorded(app, web)
    import_file(
        web, csv_bytes("IMP-5,,Ada,Alpha,01/05/2011,23/11/2026 06:00,23/11/2026 09:50,High")
    )
    batch = import_file(web, csv_bytes(SECOND_FOUND))
    assert outcomes(app, batch) == {"IMP-7": "unchanged"}
    (episode,) = episodes_with(app, "IMP-5")
    assert episode.returned_at == datetime(2026, 11, 23, 9, 50)


def test_a_found_row_for_a_settled_reference_naming_another_child_is_refused(app, web, world):
    web.sign_in(world.emails["manager_a"])
    _settle_as_already_recorded(app, web)
    other = SECOND_FOUND.replace("Adah,Alpha,01/05/2011", "Rosa,Green,03/04/2012")
    batch = import_file(web, csv_bytes(other))
    assert outcomes(app, batch) == {"IMP-7": "problem"}
    page = html.unescape(page_text(web.get(f"/imports/{batch}").get_data(as_text=True)))
    assert "this row names another child. Nothing was changed: check the reference." in page
    (episode,) = episodes_with(app, "IMP-5")
    assert episode.returned_at is None
