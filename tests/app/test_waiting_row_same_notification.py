"""A notification that waits for a person because its date of birth is a day, a month or a year
from the child's rhi holds (rhi/children/matching.py NEAR_BIRTH) is the same notification when
it comes again: a retry still waits, and its found notification adds the found time to what
waits (a probe: both were refused as "this row names another child", so the found time was
lost). A row with that reference naming another child is still refused. Through the API and
the CSV import alike. The clock stands at 2026-11-23 12:00 UTC (tests/app/conftest.py); rhi
holds Ada Alpha, born 01/05/2011, in RHI A."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from rhi.episodes import imports_apply
from rhi.extensions import db
from rhi.models import Episode, WaitingRow
from tests.app.test_import_api import make_token, send
from tests.app.test_import_notifications import csv_bytes, import_file, messages, outcomes
from tests.conftest import Web

# Ada Alpha, born a day after the Ada rhi holds: waits for a person (NEAR_BIRTH).
MISSING = {
    "police_reference": "NEAR-1",
    "first_name": "Ada",
    "last_name": "Alpha",
    "date_of_birth": "2011-05-02",
    "reported_missing": "2026-11-22 08:00",
}
FOUND = {**MISSING, "reported_missing": "", "returned": "2026-11-22 11:30"}
# Another child under the same reference: another name, and a birth date that is no slip.
ANOTHER = {
    **MISSING,
    "first_name": "Rosa",
    "last_name": "Green",
    "date_of_birth": "2012-04-03",
}

NEAR = "NEAR-2,,Ada,Alpha,02/05/2011,22/11/2026 08:00,,Medium"
NEAR_FOUND = "NEAR-2,,Ada,Alpha,02/05/2011,,22/11/2026 11:30,"
NEAR_ANOTHER = "NEAR-2,,Rosa,Green,03/04/2012,22/11/2026 08:00,,Medium"


@pytest.fixture
def token(web: Web, world) -> str:
    return make_token(web, world)


@pytest.fixture
def manager(web: Web, world) -> Web:
    web.sign_in(world.emails["manager_a"])
    return web


def _waiting(app, reference: str) -> dict[str, str]:
    with app.app_context():
        (waiting,) = db.session.scalars(
            select(WaitingRow).where(WaitingRow.police_reference == reference)
        ).all()
        assert waiting.resolved_at is None
        assert waiting.reason.startswith("Same or similar name; date of birth")
        return dict(waiting.values)


def _no_episode(app, reference: str) -> None:
    with app.app_context():
        found = db.session.scalar(select(Episode.id).where(Episode.police_reference == reference))
        assert found is None


def test_an_api_retry_of_a_notification_waiting_on_a_near_birth_date_still_waits(
    app, client, world, token
):
    first = send(client, token, {"notifications": [MISSING]}).get_json()
    assert first["results"][0]["outcome"] == "waiting"
    again = send(client, token, {"notifications": [MISSING]}).get_json()
    (result,) = again["results"]
    assert result["outcome"] == "waiting", result
    assert result["code"] == imports_apply.NEEDS_PERSON
    assert _waiting(app, "NEAR-1")["date_of_birth"] == "2011-05-02"
    _no_episode(app, "NEAR-1")


def test_an_api_found_notification_adds_its_time_to_the_one_waiting_on_a_near_birth_date(
    app, client, world, token
):
    send(client, token, {"notifications": [MISSING]})
    found = send(client, token, {"notifications": [FOUND]}).get_json()
    (result,) = found["results"]
    assert result["outcome"] == "waiting", result
    values = _waiting(app, "NEAR-1")
    assert values["returned"] == "2026-11-22 11:30"
    assert values["reported_missing"] == "2026-11-22 08:00"  # kept: the found row says nothing


def test_an_api_row_naming_another_child_under_a_waiting_reference_is_still_refused(
    app, client, world, token
):
    send(client, token, {"notifications": [MISSING]})
    other = send(client, token, {"notifications": [ANOTHER]}).get_json()
    (result,) = other["results"]
    assert result["outcome"] == "refused"
    assert result["code"] == imports_apply.WAITING_CONFLICT
    values = _waiting(app, "NEAR-1")
    assert (values["first_name"], values["date_of_birth"]) == ("Ada", "2011-05-02")


def test_a_csv_row_sent_again_and_its_found_row_join_the_one_waiting_on_a_near_birth_date(
    app, manager
):
    first = import_file(manager, csv_bytes(NEAR))
    assert outcomes(app, first) == {"NEAR-2": "waiting"}
    again = import_file(manager, csv_bytes(NEAR))
    assert outcomes(app, again) == {"NEAR-2": "waiting"}
    assert messages(app, again)[2] == "Still waits for a person to confirm the child."
    found = import_file(manager, csv_bytes(NEAR_FOUND))
    assert outcomes(app, found) == {"NEAR-2": "waiting"}
    assert messages(app, found)[2] == (
        "Found: added to the notification that waits for a person to confirm the child."
    )
    values = _waiting(app, "NEAR-2")
    assert values["returned"] == "22/11/2026 11:30"
    assert values["reported_missing"] == "22/11/2026 08:00"
    _no_episode(app, "NEAR-2")


def test_a_csv_row_naming_another_child_under_a_waiting_reference_is_still_refused(app, manager):
    import_file(manager, csv_bytes(NEAR))
    other = import_file(manager, csv_bytes(NEAR_ANOTHER))
    assert outcomes(app, other) == {"NEAR-2": "problem"}
    assert "this row names another child" in messages(app, other)[2]
    assert _waiting(app, "NEAR-2")["first_name"] == "Ada"


def _same_child(web: Web, app, reference: str) -> int:
    """A person says the waiting notification is the child rhi holds: its episode's id."""
    with app.app_context():
        waiting = db.session.scalar(
            select(WaitingRow.id).where(WaitingRow.police_reference == reference)
        )
    decided = web.post(f"/imports/waiting/{waiting}", {f"w{waiting}-decision": "same_child"})
    assert decided.status_code == 302
    with app.app_context():
        episode = db.session.scalar(select(Episode).where(Episode.police_reference == reference))
        assert episode is not None and episode.returned_at is None
        return episode.id


# Before Ada's time away the world holds: "same child" would otherwise be refused as overlapping.
EARLIER = {"reported_missing": "2026-11-05 08:00", "returned": "2026-11-05 11:30"}


def test_an_api_found_notification_after_a_person_confirmed_the_child_updates_the_episode(
    app, client, web, world, token
):
    send(client, token, {"notifications": [{**MISSING, "reported_missing": "2026-11-05 08:00"}]})
    web.sign_out()  # the administrator made the token; a manager of its team decides
    web.sign_in(world.emails["manager_a"])
    episode = _same_child(web, app, "NEAR-1")
    found = send(client, token, {"notifications": [{**FOUND, **EARLIER, "reported_missing": ""}]})
    (result,) = found.get_json()["results"]
    assert result["outcome"] == "updated", result
    other = send(client, token, {"notifications": [{**ANOTHER, **EARLIER}]}).get_json()
    assert other["results"][0]["code"] == imports_apply.REFERENCE_CONFLICT
    with app.app_context():
        saved = db.session.get(Episode, episode)
        assert saved.child_id == world.children["a"]
        assert saved.returned_at is not None


def test_a_csv_found_row_after_a_person_confirmed_the_child_updates_the_episode(
    app, manager, world
):
    import_file(manager, csv_bytes(NEAR.replace("22/11/2026", "05/11/2026")))
    episode = _same_child(manager, app, "NEAR-2")
    found = import_file(manager, csv_bytes(NEAR_FOUND.replace("22/11/2026", "05/11/2026")))
    assert outcomes(app, found) == {"NEAR-2": "update"}
    other = import_file(manager, csv_bytes(NEAR_ANOTHER.replace("22/11/2026", "05/11/2026")))
    assert outcomes(app, other) == {"NEAR-2": "problem"}
    assert "for a child with another name or date of birth" in messages(app, other)[2]
    with app.app_context():
        saved = db.session.get(Episode, episode)
        assert saved.child_id == world.children["a"]
        assert saved.returned_at is not None
