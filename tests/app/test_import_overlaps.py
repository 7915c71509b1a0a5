"""Police notifications, by file, API or command line, held to the rules of the hand forms
(a probe of the import and the notifications API):

1. a correction of an episode by its police reference may not make one time away count twice;
2. no second episode while the child is held as missing and not yet back;
3. the API tells the police's system only what it sent and rhi's outcome, never rhi's record;
4. every audit row of an update says where it came from, as a new episode's does;
5. the preview and the dry run say a found time after the interview's offer is refused.

The clock stands at 2026-11-23 12:00 UTC (tests/app/conftest.py); the zone is UTC."""

from __future__ import annotations

import html
import json
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from rhi.episodes import api
from rhi.episodes import imports_apply as apply
from rhi.extensions import db
from rhi.models import AuditEvent, Child, Episode, ServiceToken, Team
from tests.app.test_import_api import make_token, send
from tests.app.test_import_notifications import (
    batch_id,
    episodes_with,
    import_file,
    messages,
    offered_after_import,
    outcomes,
    save_columns,
    upload,
)
from tests.app.test_import_same_child_same_time import add_child
from tests.conftest import Web

HEADER = "Police Ref,Forename,Surname,DOB,Reported Missing,Returned/Found,Risk Grade"


def csv_bytes(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def preview(web: Web, data: bytes) -> tuple[int, str]:
    batch = batch_id(upload(web, data))
    save_columns(web, batch)
    return batch, html.unescape(web.get(f"/imports/{batch}").get_data(as_text=True))


def item(reference: str, missing: str, returned: str = "", **more: str) -> dict[str, str]:
    """Amara Okoye's notification, as the police's system sends it."""
    sent = {
        "police_reference": reference,
        "first_name": "Amara",
        "last_name": "Okoye",
        "date_of_birth": "2010-03-14",
        "reported_missing": missing,
        "returned": returned,
        "risk_grade": "Medium",
    }
    return {**sent, **more}


@pytest.fixture
def manager(web: Web, world) -> Web:
    web.sign_in(world.emails["manager_a"])
    return web


@pytest.fixture
def token(app, world) -> str:
    return make_token(Web(app.test_client()), world)


@pytest.fixture
def amara(app, world) -> int:
    """Three times away, each back: 18/11 16:12-19/11 01:12, 20/11 08:00-20:00, 21/11
    10:00-22/11 22:12."""
    return add_child(
        app,
        "Amara",
        "Okoye",
        date(2010, 3, 14),
        ("WY-OKO-03", datetime(2026, 11, 18, 16, 12), datetime(2026, 11, 19, 1, 12)),
        ("WY-OKO-01", datetime(2026, 11, 20, 8, 0), datetime(2026, 11, 20, 20, 0)),
        ("WY-OKO-02", datetime(2026, 11, 21, 10, 0), datetime(2026, 11, 22, 22, 12)),
    )


def times(app, reference: str) -> tuple[datetime, datetime | None]:
    (episode,) = episodes_with(app, reference)
    return episode.started_at, episode.returned_at


FALLS_INSIDE = (
    "This missing time falls inside Amara Okoye's time away from 18 Nov 2026 16:12 until they "
    "came back 19 Nov 2026 01:12 (police reference WY-OKO-03), which rhi already holds: check "
    "the times. If it is the same time away, nothing needs adding."
)


# 1. A correction by police reference --------------------------------------------------------


def test_a_correction_making_one_time_away_count_twice_is_refused_as_a_new_row_is(
    app, manager, amara
):
    """The probe: WY-OKO-02's missing time moved to 18/11 20:00 was "updated", and then held
    two other times away of the same child. The hand form refuses it; so does the import."""
    moved = "WY-OKO-02,Amara,Okoye,14/03/2010,18/11/2026 20:00,,Medium"
    inside = "WY-OKO-01,Amara,Okoye,14/03/2010,18/11/2026 20:00,,Medium"
    found_late = "WY-OKO-03,Amara,Okoye,14/03/2010,,20/11/2026 09:00,Medium"
    new_row = "WY-OKO-9,Amara,Okoye,14/03/2010,18/11/2026 20:00,,Medium"
    batch, page = preview(manager, csv_bytes(moved, inside, found_late, new_row))
    assert "0 new, 0 to update, 0 unchanged, 0 waiting for a person, 4 with a problem" in page
    manager.post(f"/imports/{batch}/apply", page=f"/imports/{batch}")
    assert set(outcomes(app, batch).values()) == {"problem"}
    said = messages(app, batch)
    assert said[2] == (
        "This time away, until 22 Nov 2026 22:12, holds Amara Okoye's time away from "
        "20 Nov 2026 08:00 (police reference WY-OKO-01), which rhi already holds: check the "
        "times. If it is the same time away, nothing needs adding."
    )
    # The same words as a new row with that missing time: one rule, said once.
    assert said[3] == said[5] == FALLS_INSIDE
    # A found time moving a return past the next time away's start is caught too.
    assert said[4].startswith(
        "This time away, until 20 Nov 2026 09:00, holds Amara Okoye's time away from "
        "20 Nov 2026 08:00 (police reference WY-OKO-01)"
    )
    assert times(app, "WY-OKO-02") == (datetime(2026, 11, 21, 10), datetime(2026, 11, 22, 22, 12))
    assert times(app, "WY-OKO-01") == (datetime(2026, 11, 20, 8), datetime(2026, 11, 20, 20))
    assert times(app, "WY-OKO-03")[1] == datetime(2026, 11, 19, 1, 12)
    assert not episodes_with(app, "WY-OKO-9")
    # A correction that counts nothing twice still goes in, and one not moving a time at all.
    fine = "WY-OKO-02,Amara,Okoye,14/03/2010,21/11/2026 08:00,,High"
    graded = "WY-OKO-03,Amara,Okoye,14/03/2010,18/11/2026 16:12,,High"
    batch = import_file(manager, csv_bytes(fine, graded))
    assert outcomes(app, batch) == {"WY-OKO-02": "update", "WY-OKO-03": "update"}
    assert times(app, "WY-OKO-02")[0] == datetime(2026, 11, 21, 8)


def test_an_api_correction_making_one_time_away_count_twice_is_refused(app, amara, token):
    body = send(
        app.test_client(), token, {"notifications": [item("WY-OKO-02", "2026-11-18 20:00")]}
    )
    (result,) = body.get_json()["results"]
    assert (result["outcome"], result["code"]) == ("refused", "times_conflict")
    assert times(app, "WY-OKO-02")[0] == datetime(2026, 11, 21, 10)


# 2. A second episode while the child is still missing ---------------------------------------


def test_two_references_for_one_new_child_at_the_same_time_make_one_episode(app, manager):
    """Case A of the probe: both rows became open episodes for one child."""
    first = "T1-010,Hal,Dup,01/01/2012,22/11/2026 11:00,,Low"
    second = "T1-011,Hal,Dup,01/01/2012,22/11/2026 11:00,,Low"
    batch, page = preview(manager, csv_bytes(first, second))
    assert "1 new, 0 to update, 0 unchanged, 0 waiting for a person, 1 with a problem" in page
    assert (
        "Hal Dup is held as missing since 22 Nov 2026 11:00 (police reference T1-010), "
        "which this file also holds, and not yet back" in page
    )
    manager.post(f"/imports/{batch}/apply", page=f"/imports/{batch}")
    assert outcomes(app, batch) == {"T1-010": "new", "T1-011": "problem"}
    assert messages(app, batch)[3] == (
        "Hal Dup is held as missing since 22 Nov 2026 11:00 (police reference T1-010), which "
        "rhi already holds, and not yet back: this time away, from 22 Nov 2026 11:00, would "
        "count it twice. If it is the same time away, nothing needs adding; if not, check the "
        "times."
    )
    assert episodes_with(app, "T1-010") and not episodes_with(app, "T1-011")


def test_a_new_reference_begun_before_a_time_away_held_as_open_is_refused(app, manager, token):
    """Case B of the probe: a reference beginning 42 minutes before rhi's open one was made,
    with no note at all (one time away counted twice). Refused now, by file and API; one
    beginning after it is still made, with its note (a found notification often never comes,
    and a child missing now must be in rhi); a time away over before the open one began is
    taken, and so is one whose open one the same file says is over."""
    riley = add_child(
        app,
        "Riley",
        "Evans",
        date(2011, 6, 6),
        ("WY-EVA-02", datetime(2026, 11, 22, 1, 12), None),
    )
    before = "NEW-EVA,Riley,Evans,06/06/2011,22/11/2026 00:30,,Low"
    batch = import_file(manager, csv_bytes(before))
    assert outcomes(app, batch) == {"NEW-EVA": "problem"}
    assert messages(app, batch)[2].startswith(
        "Riley Evans is held as missing since 22 Nov 2026 01:12 "
        "(police reference WY-EVA-02), which rhi already holds, and not yet back: this time "
        "away, from 22 Nov 2026 00:30, would count it twice."
    )
    sent = {
        "police_reference": "NEW-EVA",
        "first_name": "Riley",
        "last_name": "Evans",
        "date_of_birth": "2011-06-06",
        "reported_missing": "2026-11-22 00:30",
    }
    (result,) = send(app.test_client(), token, {"notifications": [sent]}).get_json()["results"]
    assert (result["outcome"], result["code"]) == ("refused", "times_conflict"), result
    with app.app_context():
        # The council's one record of it: which item, from which token, and why (a review: it
        # said "line 1", and not why).
        token_id = db.session.scalar(select(ServiceToken.id))
        refused = db.session.scalars(
            select(AuditEvent.detail)
            .where(AuditEvent.action == "import.refused")
            .order_by(AuditEvent.id)  # the latest last: PostgreSQL keeps no order of its own
        ).all()
        assert refused[-1] == f"item 1 refused (token {token_id}): times_conflict"
    later = {**sent, "police_reference": "NEW-EVA3", "reported_missing": "2026-11-22 09:30"}
    (result,) = send(app.test_client(), token, {"notifications": [later]}).get_json()["results"]
    assert (result["outcome"], result["code"]) == ("created", None), result
    earlier = "OLD-EVA,Riley,Evans,06/06/2011,20/11/2026 10:00,20/11/2026 18:00,Low"
    after = "NEW-EVA2,Riley,Evans,06/06/2011,22/11/2026 10:30,,Low"
    found = "WY-EVA-02,Riley,Evans,06/06/2011,,22/11/2026 08:00,Low"
    batch = import_file(manager, csv_bytes(earlier, after, found))
    assert outcomes(app, batch)["OLD-EVA"] == "new"
    assert outcomes(app, batch)["WY-EVA-02"] == "update"
    with app.app_context():
        held = db.session.scalars(select(Episode).where(Episode.child_id == riley))
        assert "OLD-EVA" in {e.police_reference for e in held}


def test_a_reference_not_yet_back_begun_before_a_time_away_held_back_is_noted_or_refused(
    app, manager, amara, token
):
    """A probe (intake, finding 3): the sample file's late missing notification, dated before
    a later time away rhi holds with its return, was made with no word, and the child showed
    as still missing for hundreds of hours while known to be back since. Made now with a note
    to record when they came back (its found notification may simply not have come), as the
    other way round; the hand form refuses it. A correction making an open one begin before
    such a time away is refused, by file and API; sent with its found time, it goes in."""
    late = "NEW-OKO,Amara,Okoye,14/03/2010,19/11/2026 10:00,,Medium"
    batch, page = preview(manager, csv_bytes(late))
    noted = (
        "Amara Okoye was recorded back since (missing 20 Nov 2026 08:00, back 20 Nov 2026 "
        "20:00, police reference WY-OKO-01), which rhi already holds: record when they came "
        "back from this time away too."
    )
    assert noted in page
    manager.post(f"/imports/{batch}/apply", page=f"/imports/{batch}")
    assert outcomes(app, batch) == {"NEW-OKO": "new"}
    assert messages(app, batch)[2] == (
        f"New episode for Amara Okoye. {noted} No found time in this row: listed as still missing."
    )
    # On the Returns page she is not shown as missing for days: known to be back.
    returns = " ".join(manager.get("/returns").get_data(as_text=True).split())
    missing = returns[returns.index("Still missing") : returns.index("Waiting to be allocated")]
    assert (
        "Known to be back: a later time away began 20 Nov 2026 08:00 and has its return. "
        "Record when they came back from this one." in missing
    )
    # Its missing time corrected still earlier, and still not back: refused, kept as it was.
    moved = "NEW-OKO,Amara,Okoye,14/03/2010,18/11/2026 10:00,,Medium"
    batch = import_file(manager, csv_bytes(moved))
    assert outcomes(app, batch) == {"NEW-OKO": "problem"}
    assert messages(app, batch)[2] == (
        "Amara Okoye was recorded back since (missing 18 Nov 2026 16:12, back 19 Nov 2026 "
        "01:12, police reference WY-OKO-03), which rhi already holds: this time away, from "
        "18 Nov 2026 10:00 and not yet back, would hold it. Check the missing time, or add the "
        "found time."
    )
    sent = item("NEW-OKO", "2026-11-18 10:00")
    (result,) = send(app.test_client(), token, {"notifications": [sent]}).get_json()["results"]
    assert (result["outcome"], result["code"]) == ("refused", "times_conflict"), result
    assert times(app, "NEW-OKO") == (datetime(2026, 11, 19, 10), None)
    # With the found time that was missing, the correction fits between the two.
    found = item("NEW-OKO", "2026-11-19 09:00", "2026-11-19 21:00")
    (result,) = send(app.test_client(), token, {"notifications": [found]}).get_json()["results"]
    assert result["outcome"] == "updated", result
    assert times(app, "NEW-OKO") == (datetime(2026, 11, 19, 9), datetime(2026, 11, 19, 21))


# 3. What the API answers ---------------------------------------------------------------------


def test_api_answers_never_hold_what_only_rhi_holds(app, manager, amara, token):
    """The probe: a dry run answered "Possibly Jay Campbell" (the child's preferred name) and
    another time away's reference and times. The council's own pages keep the full words."""
    with app.app_context():
        team_a = db.session.scalar(select(Team.id).where(Team.name == "RHI A"))
        db.session.add(
            Child(
                first_name="Jayden",
                preferred_name="Jay",
                last_name="Campbell",
                date_of_birth=date(2011, 1, 22),
                team_id=team_a,
            )
        )
        db.session.commit()
    jaden = {
        "police_reference": "PROBE-9",
        "first_name": "Jaden",
        "last_name": "Campbell",
        "date_of_birth": "2011-01-22",
        "reported_missing": "2026-11-22 10:00",
    }
    inside = item("PROBE-10", "2026-11-18 20:00")
    for dry_run in (True, False):
        response = send(
            app.test_client(), token, {"dry_run": dry_run, "notifications": [jaden, inside]}
        )
        answer = json.dumps(response.get_json())
        for rhis in ("Jay", "WY-OKO", "16:12", "18 Nov", "Okoye", "Amara"):
            assert rhis not in answer, (rhis, answer)
        waiting, refused = response.get_json()["results"]
        assert waiting == {
            "index": 0,
            "police_reference": "PROBE-9",
            "outcome": "waiting",
            "code": "needs_person",
            "message": "Waits for a person at the council to confirm which child it is.",
            "notes": [],
            "episode_id": None,
        }
        assert (refused["outcome"], refused["code"]) == ("refused", "times_conflict")
        assert refused["message"] == api.WHY[apply.TIMES_CONFLICT]
    # What was sent, refused as it stands, is said in its own words: they hold nothing else.
    bad = send(app.test_client(), token, {"notifications": [{**jaden, "date_of_birth": "x"}]})
    (result,) = bad.get_json()["results"]
    assert result["code"] == "invalid" and "Date of birth “x”" in result["message"]
    # The coordinator's preview of the same rows still names the child and the time away.
    _, page = preview(
        manager,
        csv_bytes(
            "PROBE-11,Jaden,Campbell,22/01/2011,22/11/2026 10:00,,Low",
            "PROBE-12,Amara,Okoye,14/03/2010,18/11/2026 20:00,,Medium",
        ),
    )
    assert "Possibly Jay Campbell" in page and FALLS_INSIDE in page


def test_the_documented_codes_are_the_codes_answered():
    spec = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
    schemas = yaml.safe_load(spec.read_text(encoding="utf-8"))["components"]["schemas"]
    result = schemas["NotificationResults"]["properties"]["results"]["items"]["properties"]
    assert set(result["code"]["enum"]) == {apply.INVALID, None, *api.WHY}


# 4. Who an update came from, in the audit trail ----------------------------------------------


ACTIONS = ("episode.create", "episode.update", "episode.return", "episode.return.update")
ACTIONS += ("interview.due",)


def changes_since(app, last: int) -> dict[str, list[AuditEvent]]:
    with app.app_context():
        rows = db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.id > last,
                AuditEvent.action.in_(ACTIONS),
            )
        )
        found: dict[str, list[AuditEvent]] = {}
        for row in rows:
            db.session.expunge(row)
            found.setdefault(row.action, []).append(row)
        return found


def last_audit(app) -> int:
    with app.app_context():
        return db.session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))


def test_updates_from_the_api_and_the_command_line_say_where_they_came_from(app, world_i):
    """The probe: episode.update, episode.return and interview.due rows written for the API and
    the command line had no person and named no token, where a new episode's said "imported
    (token 1)"."""
    token = make_token(Web(app.test_client()), world_i)
    with app.app_context():
        token_id = db.session.scalar(select(ServiceToken.id))
    client = app.test_client()
    open_one = {
        "police_reference": "AUD-1",
        "first_name": "Ada",
        "last_name": "Alpha",
        "date_of_birth": "2011-05-01",
        "reported_missing": "2026-11-20 10:00",
    }
    last = last_audit(app)
    assert send(client, token, {"notifications": [open_one]}).get_json()["counts"]["created"] == 1
    found = {**open_one, "returned": "2026-11-20 22:00"}
    # REF-A: Ada's episode in the world (22/11 06:00 to 23/11 02:00), its interview under way.
    corrected = {**open_one, "police_reference": "REF-A", "risk_grade": "High"}
    corrected.update(reported_missing="2026-11-22 05:00", returned="2026-11-23 03:00")
    answer = send(client, token, {"notifications": [found, corrected]}).get_json()
    assert answer["counts"]["updated"] == 2, answer
    by_token = f"(token {token_id})"
    rows = changes_since(app, last)
    assert [r.detail for r in rows["episode.create"]] == [
        f"imported {by_token}; grade Not graded by police"
    ]
    for action in ("episode.update", "episode.return", "episode.return.update", "interview.due"):
        assert rows[action], action
        for row in rows[action]:
            assert row.user_id is None and row.detail.endswith(
                f"; from a police notification {by_token}"
            ), (action, row.detail)
    # The command line, the same.
    path = app.instance_path + "/daily.csv"
    with open(path, "wb") as out:
        out.write(csv_bytes("REF-A,Ada,Alpha,01/05/2011,22/11/2026 04:00,23/11/2026 04:00,Low"))
    last = last_audit(app)
    result = app.test_cli_runner().invoke(
        args=["rhi", "import-notifications", path, "--team", "RHI A"]
    )
    assert result.exit_code == 0, result.output
    rows = changes_since(app, last)
    for action in ("episode.update", "episode.return.update", "interview.due"):
        assert [
            r.detail.endswith("; from a police notification (command line)") for r in rows[action]
        ] == [True], action


# 5. A found time after the interview's offer, in the preview ----------------------------------


def test_the_preview_and_the_dry_run_say_a_found_time_after_the_offer_is_refused(app, world, token):
    """The probe: the dry run answered "updated", and the import then refused it."""
    ada = "IMP-1,Ada,Alpha,01/05/2011,20/11/2026 10:00,21/11/2026 09:00,High"
    manager, episode_id = offered_after_import(app, world, csv_bytes(ada))
    later = ada.replace("21/11/2026 09:00", "21/11/2026 11:00")
    batch, page = preview(manager, csv_bytes(later))
    assert "0 new, 0 to update, 0 unchanged, 0 waiting for a person, 1 with a problem" in page
    assert "was offered on 21 Nov 2026 10:00, before this time" in page
    sent = {
        "police_reference": "IMP-1",
        "first_name": "Ada",
        "last_name": "Alpha",
        "date_of_birth": "2011-05-01",
        "returned": "2026-11-21 11:00",
    }
    dry = send(app.test_client(), token, {"dry_run": True, "notifications": [sent]}).get_json()
    (result,) = dry["results"]
    assert (result["outcome"], result["code"]) == ("refused", "times_conflict"), result
    assert "10:00" not in result["message"]  # the offer's time is the council's
    manager.post(f"/imports/{batch}/apply", page=f"/imports/{batch}")
    assert outcomes(app, batch) == {"IMP-1": "problem"}
    assert messages(app, batch)[2].startswith("The return home interview was offered on 21 Nov")
    with app.app_context():
        assert db.session.get(Episode, episode_id).returned_at == datetime(2026, 11, 21, 9, 0)
