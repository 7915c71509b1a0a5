"""A notification that gives no names and no date of birth, only its police reference and a
police person id (a probe: refused with "First name is empty. Last name is empty. Date of birth
is empty." although the id was linked to the child, and although docs/openapi.yaml says a new
reference is matched "by police_person_id (once linked)").

It is matched to the child its police person id is linked to, where the importing team holds
that child. Where the id is not linked, or is linked to a child the team does not hold, it is
refused in the same words either way (another team's child is never revealed), saying what to
add. A found notification for a reference rhi holds no episode for is answered, with or
without names, with the words the README and docs/openapi.yaml promise.

Through the real API (a service token for team RHI A) and a file imported by RHI A's manager.
The clock stands at 2026-11-23 12:00 UTC (tests/app/conftest.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from rhi.extensions import db
from rhi.models import Episode, PolicePerson
from tests.app.test_import_api import make_token, send
from tests.app.test_import_notifications import (
    batch_id,
    csv_bytes,
    import_file,
    messages,
    outcomes,
    save_columns,
    upload,
)
from tests.conftest import Web

# Ada Alpha is RHI A's child; Ben Beta is RHI B's (tests/world.py).
ADA_NAMED = {
    "police_reference": "PID-1",
    "police_person_id": "P-ADA",
    "first_name": "Ada",
    "last_name": "Alpha",
    "date_of_birth": "2011-05-01",
    "reported_missing": "2026-11-10 10:00",
    "returned": "2026-11-11 09:00",
    "risk_grade": "Medium",
}
ID_ONLY = {
    "police_reference": "PID-2",
    "police_person_id": "P-ADA",
    "reported_missing": "2026-11-15 18:00",
    "risk_grade": "High",
}
NAMES_NEEDED = (
    "First name, Last name and Date of birth are empty. Add the child's names and date of "
    "birth: without them rhi matches a notification only by a police person id already "
    "linked to a child your team holds."
)
NO_EPISODE = "rhi holds no episode with this police reference for this found notification"


@pytest.fixture
def token(web: Web, world) -> str:
    return make_token(web, world)  # for team RHI A


@pytest.fixture
def ben_linked(app, world) -> None:
    """P-BEN was linked to Ben Beta by team RHI B's notifications, out of RHI A's sight."""
    with app.app_context():
        db.session.add(PolicePerson(police_person_id="P-BEN", child_id=world.children["b"]))
        db.session.commit()


def episode(app, reference: str) -> Episode | None:
    with app.app_context():
        found = db.session.scalar(select(Episode).where(Episode.police_reference == reference))
        if found is not None:
            db.session.expunge(found)
        return found


def test_api_a_linked_person_id_alone_is_matched_to_the_child(app, client, world, token):
    first = send(client, token, {"notifications": [ADA_NAMED]}).get_json()
    assert [r["outcome"] for r in first["results"]] == ["created"]  # P-ADA now linked to Ada

    answer = send(client, token, {"notifications": [ID_ONLY]}).get_json()
    (result,) = answer["results"]
    assert result["outcome"] == "created", result
    assert result["message"] == "Recorded: a new episode, waiting to be allocated."
    made = episode(app, "PID-2")
    assert made is not None and made.child_id == world.children["a"]
    assert made.risk_grade == "High" and made.returned_at is None

    # Its found notification, again by the id alone, updates that episode.
    found = {
        "police_reference": "PID-2",
        "police_person_id": "P-ADA",
        "returned": "2026-11-16 07:30",
        "found_where": "Bus station",
    }
    answer = send(client, token, {"notifications": [found]}).get_json()
    assert answer["results"][0]["outcome"] == "updated", answer
    made = episode(app, "PID-2")
    assert made.returned_at is not None and made.found_where == "Bus station"


def test_api_an_id_not_linked_or_another_teams_is_refused_saying_what_to_add(
    app, client, world, token, ben_linked
):
    unlinked = {**ID_ONLY, "police_reference": "PID-3", "police_person_id": "P-NEW"}
    bens = {**ID_ONLY, "police_reference": "PID-4", "police_person_id": "P-BEN"}
    no_id = {k: v for k, v in ID_ONLY.items() if k != "police_person_id"}
    no_id["police_reference"] = "PID-5"
    for dry_run in (True, False):
        answer = send(
            client, token, {"dry_run": dry_run, "notifications": [unlinked, bens, no_id]}
        ).get_json()
        assert answer["counts"]["refused"] == 3, answer
        for result in answer["results"]:
            assert (result["outcome"], result["code"]) == ("refused", "invalid"), result
            # The same words whether the id is unknown or Ben's: nothing of team B's child.
            assert result["message"] == NAMES_NEEDED
    for reference in ("PID-3", "PID-4", "PID-5"):
        assert episode(app, reference) is None


def test_api_a_found_notification_without_names_for_an_unknown_reference(app, client, world, token):
    found = {"police_reference": "PID-9", "returned": "2026-11-20 07:00", "found_where": "Home"}
    with_id = {**found, "police_reference": "PID-10", "police_person_id": "P-ADA"}
    answer = send(client, token, {"notifications": [found, with_id]}).get_json()
    for result in answer["results"]:
        assert (result["outcome"], result["code"]) == ("refused", "found_without_missing")
        assert result["message"].startswith(NO_EPISODE), result


def test_api_a_held_reference_without_names_or_its_childs_id_is_refused(app, client, world, token):
    """A found notification naming no child, for a reference rhi holds: the reference alone
    could be mistyped, so the child's names or its linked id are needed to update it."""
    send(client, token, {"notifications": [ADA_NAMED]})
    found = {"police_reference": "PID-1", "returned": "2026-11-11 10:00"}
    (result,) = send(client, token, {"notifications": [found]}).get_json()["results"]
    assert (result["outcome"], result["message"]) == ("refused", NAMES_NEEDED)
    assert episode(app, "PID-1").returned_at.hour == 9  # unchanged


HEADER = "Police Ref,Person ID,Forename,Surname,DOB,Reported Missing,Returned/Found,Risk Grade"


def test_file_a_linked_person_id_alone_is_matched_and_others_are_told_what_to_add(
    app, web, world, ben_linked
):
    web.sign_in(world.emails["manager_a"])
    named = "PID-1,P-ADA,Ada,Alpha,01/05/2011,10/11/2026 10:00,11/11/2026 09:00,Medium"
    assert outcomes(app, import_file(web, csv_bytes(named))) == {"PID-1": "new"}

    rows = [
        "PID-2,P-ADA,,,,15/11/2026 18:00,,High",  # linked to Ada
        "PID-3,P-NEW,,,,15/11/2026 18:00,,High",  # linked to no child
        "PID-4,P-BEN,,,,15/11/2026 18:00,,High",  # linked to team B's child
        "PID-9,,,,,,20/11/2026 07:00,",  # found, for a reference rhi does not hold
    ]
    batch = import_file(web, csv_bytes(*rows))
    assert outcomes(app, batch) == {
        "PID-2": "new",
        "PID-3": "problem",
        "PID-4": "problem",
        "PID-9": "problem",
    }
    said = messages(app, batch)
    assert said[2].startswith("New episode for Ada Alpha (police person id).")
    assert said[3] == said[4] == NAMES_NEEDED
    assert NO_EPISODE in said[5]
    made = episode(app, "PID-2")
    assert made is not None and made.child_id == world.children["a"]
    assert episode(app, "PID-3") is None and episode(app, "PID-4") is None
    page = web.get(f"/imports/{batch}").get_data(as_text=True)
    assert "Ben" not in page and "Add the child&#39;s names and date of birth" in page


def test_file_an_id_linked_by_an_earlier_row_of_the_same_file(app, web, world):
    """Rosa is new to rhi: the first row makes her record and links P-ROSA; the next row,
    naming no child, is hers by that id (the preview says so too, before anything is saved)."""
    web.sign_in(world.emails["manager_a"])
    rows = [
        "PID-6,P-ROSA,Rosa,Green,03/04/2012,10/11/2026 18:00,11/11/2026 08:00,Low",
        "PID-7,P-ROSA,,,,18/11/2026 21:00,,High",
    ]
    uploaded = upload(web, csv_bytes(*rows))
    batch = batch_id(uploaded)
    assert save_columns(web, batch).status_code == 302
    preview = web.get(f"/imports/{batch}").get_data(as_text=True)
    assert "New episode for Rosa Green (police person id)." in preview
    assert web.post(f"/imports/{batch}/apply", page=f"/imports/{batch}").status_code == 302
    assert outcomes(app, batch) == {"PID-6": "new", "PID-7": "new"}
    assert messages(app, batch)[3].startswith("New episode for Rosa Green (police person id).")
    first, second = episode(app, "PID-6"), episode(app, "PID-7")
    assert first.child_id == second.child_id
