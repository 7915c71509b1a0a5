"""A return time may not come after what was done once the child was back (a probe of the
police notifications API, api34 item 2): WY-5001, closed "decided not to interview" at 05:00,
took a found time of 05:03; WY-1003, closed "not reached" after visits at 21:00 and 01:00, took
02:00. Each route that sets a return time (the return's form, the notification's form, the
API, a CSV import) refuses one after a contact attempt or after the return's outcome, saying
what is in the way, as it refuses one after the interview's offer.

The clock stands at 2026-11-23 12:00 UTC (tests/app/conftest.py); the zone is UTC."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from rhi.extensions import db
from rhi.models import ContactAttempt, Episode, Interview
from tests.app import test_notifications
from tests.app.test_import_api import make_token, send
from tests.app.test_import_notifications import import_file, messages, outcomes
from tests.app.test_notifications import (
    COORDINATOR,
    MISSING,
    newest_episode,
    record_back,
    record_missing,
    signed_in,
)
from tests.conftest import Web

# Ada's time away as the hand forms record it (test_notifications): 22/11 21:30, back 23/11
# 08:00, police reference WY-2211.
BACK_AT = datetime(2026, 11, 23, 8, 0)
# The police's safe and well check, later than any return time typed here (the form refuses a
# check before the return).
CHECKED_LATER = {"safe_and_well_at": "2026-11-23T11:45"}
# test_notifications' world: Ada's shared return moved days earlier, and a coordinator.
world = test_notifications.world
HEADER = "Police Ref,Forename,Surname,DOB,Reported Missing,Returned/Found,Risk Grade"


@pytest.fixture
def episode_id(app, world) -> int:
    """Ada's return, back at 08:00, allocated to worker A."""
    coordinator = signed_in(app, world, COORDINATOR)
    record_missing(coordinator, world.children["a"])
    episode = newest_episode(app)
    assert record_back(coordinator, episode.id).status_code == 302
    url = f"/episodes/{episode.id}"
    allocated = coordinator.post(
        f"{url}/allocate", {"to": f"worker:{world.users['worker_a']}"}, page=f"{url}/allocate"
    )
    assert allocated.status_code == 302
    return episode.id


def attempt(worker: Web, episode_id: int, at: str, method: str = "visit") -> None:
    url = f"/episodes/{episode_id}"
    done = worker.post(
        f"{url}/attempts",
        {"attempted_at": at, "method": method, "outcome": "not_in", "note": ""},
        page=url,
    )
    assert done.status_code == 302, done.get_data(as_text=True)


def close(worker: Web, episode_id: int, outcome: str, at: str) -> None:
    url = f"/episodes/{episode_id}"
    done = worker.post(
        f"{url}/outcome",
        {
            "outcome": outcome,
            "outcome_at": at,
            "reason": "Two visits; nobody at home.",
            "decided_by": "Sam Team, team manager",
        },
        page=url,
    )
    assert done.status_code == 302, done.get_data(as_text=True)


def returned_at(app, episode_id: int) -> datetime | None:
    with app.app_context():
        return db.session.get(Episode, episode_id).returned_at


def field_error(response, field: str) -> str:
    html = response.get_data(as_text=True)
    return " ".join(html[html.index(f'id="{field}-error"') :][:500].split())


def found(returned: str) -> dict[str, str]:
    """The police's found notification for Ada's return."""
    return {
        "police_reference": "WY-2211",
        "first_name": "Ada",
        "last_name": "Alpha",
        "date_of_birth": "2011-05-01",
        "returned": returned,
    }


def test_a_return_moved_after_a_contact_attempt_is_refused_on_both_forms(app, world, episode_id):
    """Case B of the probe, by hand: attempts at 09:00 and 10:00, closed "not reached" at
    10:30. A return moved to after the first attempt is refused, naming it; what was typed is
    kept; a correction before it goes through."""
    worker = signed_in(app, world, "worker_a")
    attempt(worker, episode_id, "2026-11-23T09:00")
    attempt(worker, episode_id, "2026-11-23T10:00", method="phone")
    close(worker, episode_id, "not_reached", "2026-11-23T10:30")
    coordinator = signed_in(app, world, COORDINATOR)
    response = record_back(coordinator, episode_id, returned_at="2026-11-23T09:30", **CHECKED_LATER)
    assert response.status_code == 422
    error = field_error(response, "returned_at")
    assert "A contact attempt (visit) was made on 23 Nov 2026 09:00, before this time" in error
    assert "Check the date and time" in error
    assert "Said an older man drove her to Leeds." in response.get_data(as_text=True)
    # The notification's form moves the return too: the same refusal, by its box.
    page = f"/episodes/{episode_id}/notification"
    form = coordinator.get(page).get_data(as_text=True)
    assert "came_back_at" in form
    moved = coordinator.post(
        page,
        {**MISSING, "came_back_at": "2026-11-23T11:00", "came_back_how": "police"},
        page=page,
    )
    assert moved.status_code == 422
    assert "was made on 23 Nov 2026 09:00, before this time" in field_error(moved, "came_back_at")
    assert returned_at(app, episode_id) == BACK_AT
    # Earlier than the first attempt: a correction as any other.
    assert record_back(coordinator, episode_id, returned_at="2026-11-23T08:30").status_code == 302
    assert returned_at(app, episode_id) == datetime(2026, 11, 23, 8, 30)


def test_a_found_time_after_a_contact_attempt_is_refused_by_the_api(app, world, episode_id):
    """Case B of the probe, by the API: "updated" before; now times_conflict, and kept."""
    worker = signed_in(app, world, "worker_a")
    attempt(worker, episode_id, "2026-11-23T09:00")
    close(worker, episode_id, "not_reached", "2026-11-23T10:30")
    token = make_token(Web(app.test_client()), world)
    answer = send(app.test_client(), token, {"notifications": [found("2026-11-23 09:30")]})
    (result,) = answer.get_json()["results"]
    assert (result["outcome"], result["code"]) == ("refused", "times_conflict"), result
    assert returned_at(app, episode_id) == BACK_AT
    # Before the attempt it is taken.
    answer = send(app.test_client(), token, {"notifications": [found("2026-11-23 08:45")]})
    (result,) = answer.get_json()["results"]
    assert result["outcome"] == "updated", result
    assert returned_at(app, episode_id) == datetime(2026, 11, 23, 8, 45)


def test_a_found_time_after_the_returns_outcome_is_refused(app, world, episode_id):
    """Case A of the probe: closed "decided not to interview" at 09:00, with no attempt and
    no offer. A found time after it is refused by the API, a CSV import and the return's form,
    naming the outcome and when it was recorded."""
    worker = signed_in(app, world, "worker_a")
    close(worker, episode_id, "not_interviewed", "2026-11-23T09:00")
    token = make_token(Web(app.test_client()), world)
    dry = send(
        app.test_client(),
        token,
        {"dry_run": True, "notifications": [found("2026-11-23 09:03")]},
    )
    (result,) = dry.get_json()["results"]
    assert (result["outcome"], result["code"]) == ("refused", "times_conflict"), result
    answer = send(app.test_client(), token, {"notifications": [found("2026-11-23 09:03")]})
    (result,) = answer.get_json()["results"]
    assert (result["outcome"], result["code"]) == ("refused", "times_conflict"), result
    assert returned_at(app, episode_id) == BACK_AT

    manager = signed_in(app, world, "manager_a")
    row = "WY-2211,Ada,Alpha,01/05/2011,22/11/2026 21:30,23/11/2026 09:03,Medium"
    batch = import_file(manager, f"{HEADER}\n{row}\n".encode())
    assert outcomes(app, batch) == {"WY-2211": "problem"}
    said = messages(app, batch)[2]
    assert said.startswith(
        "The return's outcome, \u201cDecided not to interview\u201d, was recorded for "
        "23 Nov 2026 09:00, before this time."
    ), said
    assert returned_at(app, episode_id) == BACK_AT

    coordinator = signed_in(app, world, COORDINATOR)
    response = record_back(coordinator, episode_id, returned_at="2026-11-23T09:03", **CHECKED_LATER)
    assert response.status_code == 422
    assert "Decided not to interview" in field_error(response, "returned_at")
    assert returned_at(app, episode_id) == BACK_AT


def test_a_return_that_does_not_move_is_saved_whatever_was_recorded_before_it(
    app, world, episode_id
):
    """A return whose time stays as it is makes nothing newly wrong: a correction of where the
    child was found is saved, though an attempt already on record is before the return (the
    attempt form does not check its time against the return)."""
    worker = signed_in(app, world, "worker_a")
    attempt(worker, episode_id, "2026-11-23T09:00")
    with app.app_context():
        interview = db.session.scalar(select(Interview))
        early = db.session.scalar(
            select(ContactAttempt).where(ContactAttempt.interview_id == interview.id)
        )
        early.attempted_at = datetime(2026, 11, 23, 7, 0)  # before the return at 08:00
        db.session.commit()
    coordinator = signed_in(app, world, COORDINATOR)
    response = record_back(coordinator, episode_id, found_where="Leeds railway station")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Episode, episode_id).found_where == "Leeds railway station"
    # Moved, it is refused: the attempt is in the way.
    response = record_back(coordinator, episode_id, returned_at="2026-11-23T07:30")
    assert response.status_code == 422
    assert "was made on 23 Nov 2026 07:00" in field_error(response, "returned_at")
