"""A police notification imported by one team for a child another team keeps is not made a
second record of that child (a coordinator's probe: team North's file made a second Maya, and
her repeat episodes went uncounted). It waits on the keeping team's list for a person who can
see the child; the importing team is told which team it went to, never who the child is. The
police's later notifications of it go on to that team's record (a probe: the found time was
refused, and the child stayed missing).

In the test world Ada Alpha (born 1 May 2011) is kept by the Care team (her social worker's),
which has a manager; RHI B's manager cannot see her. Ben Beta's social worker is in no team:
RHI B, which holds his latest time away, keeps him."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from rhi.extensions import db
from rhi.models import AuditEvent, Child, Episode, Interview, PolicePerson, Team, WaitingRow
from rhi.models.base import utcnow
from tests.app.helpers import page_text
from tests.app.test_import_api import make_token, send
from tests.app.test_import_notifications import (
    batch_id,
    csv_bytes,
    episodes_with,
    import_file,
    save_columns,
    upload,
)
from tests.conftest import Web

# Ada Alpha by another team's file: her very name and date of birth, then a slip of a name.
ADA_FROM_B = "NB-1,,Ada,Alpha,01/05/2011,15/11/2026 08:00,,Medium"
ADAH_FROM_B = "NB-2,,Adah,Alpha,01/05/2011,15/11/2026 08:00,,Medium"
ADA_FOUND = "NB-1,,Ada,Alpha,01/05/2011,,15/11/2026 20:00,Medium"


def _signed_in(app, world, key: str) -> Web:
    web = Web(app.test_client())
    web.sign_in(world.emails[key])
    return web


@pytest.fixture
def north(app, world) -> Web:
    return _signed_in(app, world, "manager_b")


@pytest.fixture
def keeper(app, world) -> Web:
    return _signed_in(app, world, "manager_care")


def _text(web: Web, url: str) -> str:
    return html.unescape(page_text(web.get(url).get_data(as_text=True)))


def _adas(app) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(Child).where(Child.first_name.in_(["Ada", "Adah"]))
        )


def _waiting(app) -> list[WaitingRow]:
    with app.app_context():
        rows = list(db.session.scalars(select(WaitingRow).order_by(WaitingRow.id)))
        db.session.expunge_all()
        return rows


def _team_id(app, name: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Team.id).where(Team.name == name))


@pytest.mark.parametrize("row", [ADA_FROM_B, ADAH_FROM_B], ids=["same", "similar"])
def test_another_teams_child_waits_for_the_team_that_keeps_them(app, world, north, keeper, row):
    batch = import_file(north, csv_bytes(row))
    said = _text(north, f"/imports/{batch}")
    assert "Possibly a child whose record Care team keeps: sent to Care team to confirm" in said
    assert "1 May 2011" not in said  # never who the child is
    assert _adas(app) == 1  # no second record of Ada
    assert "Nothing is waiting." in _text(north, "/imports/waiting")
    (waiting,) = _waiting(app)
    assert waiting.team_id == _team_id(app, "Care team")
    assert waiting.from_team_id == _team_id(app, "RHI B")
    assert waiting.candidate_child_id == world.children["a"]
    # Nothing waits on RHI B's own list, nor was anything new: neither is offered.
    raw = north.get(f"/imports/{batch}").get_data(as_text=True)
    assert 'href="/imports/waiting"' not in raw and "New episodes wait" not in raw
    page = _text(keeper, "/imports/waiting")
    assert "Sent by RHI B's import: your team keeps the record of the child it may be" in page
    assert "Ada Alpha" in page
    assert "No, a different child: send it back to RHI B" in page


def test_the_keeping_team_says_same_child_and_the_episode_is_hers(app, world, north, keeper):
    import_file(north, csv_bytes(ADA_FROM_B))
    (waiting,) = _waiting(app)
    url = f"/imports/waiting/{waiting.id}"
    assert keeper.post(url, {f"w{waiting.id}-decision": "same_child"}).status_code == 302
    (episode,) = episodes_with(app, "NB-1")
    assert episode.child_id == world.children["a"]
    assert _adas(app) == 1
    assert "Added: Ada Alpha's episode waits to be allocated." in _text(keeper, "/imports/waiting")
    # Kept by the Care team; RHI B, who imported it, does not see Ada's record.
    assert north.get(f"/episodes/{episode.id}").status_code == 404


def test_a_different_child_goes_back_to_the_team_that_sent_it(app, world, north, keeper):
    import_file(north, csv_bytes(ADAH_FROM_B))
    (waiting,) = _waiting(app)
    url = f"/imports/waiting/{waiting.id}"
    assert keeper.post(url, {f"w{waiting.id}-decision": "new_child"}).status_code == 302
    said = _text(keeper, "/imports/waiting")
    assert "Sent back to RHI B: the episode waits to be allocated by that team" in said
    (episode,) = episodes_with(app, "NB-2")
    assert episode.child_id != world.children["a"]
    with app.app_context():
        child = db.session.get(Child, episode.child_id)
        assert child.team_id == _team_id(app, "RHI B") and child.first_name == "Adah"
        resolved = db.session.get(WaitingRow, waiting.id)
        assert resolved.resolution == "new_child" and resolved.resolved_at is not None
    assert north.get(f"/episodes/{episode.id}").status_code == 200
    assert "Adah Alpha" in _text(north, "/returns")  # waiting to be allocated by RHI B
    assert keeper.get(f"/episodes/{episode.id}").status_code == 404


def test_the_found_notification_and_the_same_file_again_meet_it_where_it_waits(
    app, world, north, keeper
):
    import_file(north, csv_bytes(ADA_FROM_B))
    import_file(north, csv_bytes(ADA_FROM_B))  # the same file again: not sent twice
    batch = import_file(north, csv_bytes(ADA_FOUND))
    said = _text(north, f"/imports/{batch}")
    assert "Found: added to the notification that waits for Care team to confirm" in said
    assert "Ada Alpha" not in said.split("Found: added")[1][:200]
    (waiting,) = _waiting(app)
    assert waiting.values["returned"] == "15/11/2026 20:00"
    assert episodes_with(app, "NB-1") == []
    # The keeping team decides on the latest details: the return goes in with the episode.
    url = f"/imports/waiting/{waiting.id}"
    assert keeper.post(url, {f"w{waiting.id}-decision": "same_child"}).status_code == 302
    (episode,) = episodes_with(app, "NB-1")
    assert episode.returned_at is not None


def test_a_row_naming_another_child_for_that_reference_does_not_name_the_kept_child(
    app, world, north
):
    import_file(north, csv_bytes(ADA_FROM_B))
    other = "NB-1,,Rosa,Green,03/04/2012,15/11/2026 08:00,,Medium"
    batch = import_file(north, csv_bytes(other))
    said = _text(north, f"/imports/{batch}")
    assert "waits for Care team to confirm whether it is a child they keep" in said


def test_the_team_that_sees_the_child_still_joins_them_as_before(app, world):
    """RHI A holds Ada's episode, so sees her: its file's row is hers, as always."""
    manager_a = _signed_in(app, world, "manager_a")
    import_file(manager_a, csv_bytes(ADA_FROM_B))
    (episode,) = episodes_with(app, "NB-1")
    assert episode.child_id == world.children["a"]
    assert _waiting(app) == []


def test_the_team_holding_the_childs_latest_time_away_keeps_them(app, world, north):
    """Ben's social worker is in no team and his record names none (a council's social work
    teams often have no one who allocates): RHI B, which holds his latest time away, decides
    on the Care team's file (a probe: in the demo no child counted as kept elsewhere)."""
    care = _signed_in(app, world, "manager_care")
    import_file(care, csv_bytes("NB-3,,Ben,Beta,03/02/2009,15/11/2026 08:00,,Low"))
    (waiting,) = _waiting(app)
    assert waiting.team_id == _team_id(app, "RHI B") and waiting.from_team_id is not None
    assert episodes_with(app, "NB-3") == []
    assert "Ben Beta" in _text(north, "/imports/waiting")


def test_the_latest_time_away_decides_however_many_came_before(app, world, north):
    """Ben went missing again, this time met by RHI A: his latest time away is theirs, so RHI A
    decides, not RHI B, which held an earlier one."""
    with app.app_context():
        ben = db.session.scalar(select(Child).where(Child.first_name == "Ben"))
        db.session.add(
            Episode(
                child=ben,
                police_reference="REF-LATER",
                risk_grade="Low",
                dfe_type="M",
                started_at=utcnow() - timedelta(hours=1),
                assigned_team=db.session.get(Team, _team_id(app, "RHI A")),
            )
        )
        db.session.commit()
    care = _signed_in(app, world, "manager_care")
    import_file(care, csv_bytes("NB-5,,Ben,Beta,03/02/2009,15/11/2026 08:00,,Low"))
    (waiting,) = _waiting(app)
    assert waiting.team_id == _team_id(app, "RHI A")


def test_a_child_no_team_that_could_decide_sees_is_new_as_before(app, world, north):
    """Nobody could decide: a child new to rhi, as before."""
    _add_child(app, "Cara", "Gamma", team=None)
    import_file(north, csv_bytes("NB-4,,Cara,Gamma,01/05/2011,15/11/2026 08:00,,Low"))
    assert _waiting(app) == []
    (episode,) = episodes_with(app, "NB-4")
    assert _children_named(app, "Cara") == 2


def _add_child(app, first: str, last: str, *, team: str | None) -> int:
    with app.app_context():
        child = Child(
            first_name=first,
            last_name=last,
            date_of_birth=date(2011, 5, 1),
            team_id=_team_id(app, team) if team else None,
        )
        db.session.add(child)
        db.session.commit()
        return child.id


def _children_named(app, first: str) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(Child).where(Child.first_name == first)
        )


def _decide(web: Web, waiting: WaitingRow, decision: str) -> str:
    url = f"/imports/waiting/{waiting.id}"
    assert web.post(url, {f"w{waiting.id}-decision": decision}).status_code == 302
    return _text(web, "/imports/waiting")


def test_the_found_notification_goes_on_to_the_keeping_teams_episode(app, world, north, keeper):
    import_file(north, csv_bytes(ADA_FROM_B))
    (waiting,) = _waiting(app)
    _decide(keeper, waiting, "same_child")
    batch = import_file(north, csv_bytes(ADA_FOUND))
    said = _text(north, f"/imports/{batch}")
    assert "Passed on to Care team, who keep the child's record: changes returned." in said
    (episode,) = episodes_with(app, "NB-1")
    assert episode.child_id == world.children["a"] and episode.returned_at is not None
    # Sent again: the same, said so.
    batch = import_file(north, csv_bytes(ADA_FOUND))
    assert "Already passed on to Care team" in _text(north, f"/imports/{batch}")


def test_already_recorded_by_the_keeping_team_sticks_when_sent_again(app, world, north, keeper):
    """Inside Ada's time away Care team holds: settled as already recorded, a resend is not
    put before them again (a probe: a new row waited on every daily file)."""
    inside = "NB-5,,Ada,Alpha,01/05/2011,22/11/2026 08:00,,Medium"
    import_file(north, csv_bytes(inside))
    (waiting,) = _waiting(app)
    assert "Settled" in _decide(keeper, waiting, "already_recorded")
    batch = import_file(north, csv_bytes(inside))
    said = _text(north, f"/imports/{batch}")
    assert "Care team, who keep the child's record, said this is a time away they already" in said
    assert "Ada Alpha" not in said.split("Care team, who keep")[1][:200]
    assert len(_waiting(app)) == 1  # not asked again


def test_a_police_person_id_of_another_teams_child_waits_for_that_team(app, world, north):
    with app.app_context():
        db.session.add(PolicePerson(police_person_id="P-ADA", child_id=world.children["a"]))
        db.session.commit()
    batch = import_file(north, csv_bytes("NB-6,P-ADA,Ada,Alpha,01/05/2011,15/11/2026 08:00,,Low"))
    assert "sent to Care team to confirm" in _text(north, f"/imports/{batch}")
    (waiting,) = _waiting(app)
    assert waiting.reason == "Same police person id"
    assert waiting.candidate_child_id == world.children["a"]


def test_a_different_child_than_the_teams_own_is_asked_of_the_keeping_team(
    app, world, north, keeper
):
    """RHI B holds an Adah Alpha: its file's Ada Alpha waits for RHI B's person, who says it is
    not her. Then it is sent to the Care team, who keep Ada, not made a second Ada (a probe);
    and said not to be Ada either, it is a child new to rhi kept by RHI B."""
    adah = _add_child(app, "Adah", "Alpha", team="RHI B")
    import_file(north, csv_bytes(ADA_FROM_B))
    (own,) = _waiting(app)
    assert own.team_id == _team_id(app, "RHI B") and own.candidate_child_id == adah
    said = _decide(north, own, "new_child")
    assert "Sent to Care team: it may be a child they keep" in said
    sent = _waiting(app)[1]
    assert sent.team_id == _team_id(app, "Care team")
    assert sent.candidate_child_id == world.children["a"]
    assert episodes_with(app, "NB-1") == []
    said = _decide(keeper, sent, "new_child")  # not Ada, nor (said before) Adah
    assert "Sent back to RHI B: the episode waits to be allocated by that team" in said
    (episode,) = episodes_with(app, "NB-1")
    assert episode.child_id not in (adah, world.children["a"])
    assert _adas(app) == 3  # Ada, Adah and the new Ada of RHI B's


def test_a_different_child_for_the_keeping_team_is_the_senders_own_child(app, world, north, keeper):
    """Sent on to the Care team as possibly Ada; meanwhile RHI B added its Adah Alpha by hand.
    Care team says it is not Ada: it is RHI B's Adah, by the same name and date of birth, as
    RHI B's own import would have found, not a second Adah (a probe)."""
    import_file(north, csv_bytes(ADAH_FROM_B))
    (sent,) = _waiting(app)
    adah = _add_child(app, "Adah", "Alpha", team="RHI B")
    _decide(keeper, sent, "new_child")
    (episode,) = episodes_with(app, "NB-2")
    assert episode.child_id == adah
    assert _children_named(app, "Adah") == 1


def test_the_api_says_it_waits_for_a_person_and_names_no_one(app, client, web, world):
    token = make_token(web, world, team="RHI B")
    body = {
        "police_reference": "NB-API",
        "first_name": "Ada",
        "last_name": "Alpha",
        "date_of_birth": "2011-05-01",
        "reported_missing": "2026-11-15T08:00:00Z",
    }
    answer = send(client, token, {"notifications": [body]}).get_json()
    (result,) = answer["results"]
    assert result["outcome"] == "waiting" and result["code"] == "needs_person"
    assert "Care team" not in str(answer) and result["episode_id"] is None
    (waiting,) = _waiting(app)
    assert waiting.team_id == _team_id(app, "Care team")
    with app.app_context():
        detail = db.session.scalar(
            select(AuditEvent.detail).where(AuditEvent.action == "import.waiting")
        )
    assert re.match(r"possible match waits for a person in the team keeping the child", detail)


# A review of the above (rev36): nothing of the kept child reaches the importing team --------


def _preview(web: Web, row: str) -> str:
    """What the preview of a file of `row` says: nothing is applied."""
    response = upload(web, csv_bytes(row))
    batch = batch_id(response)
    if response.headers["Location"].endswith("/columns"):
        save_columns(web, batch)
    return _text(web, f"/imports/{batch}")


def test_the_preview_never_tests_the_kept_childs_date_of_birth(app, world, north):
    """RHI B's notification said 02/05/2011, a slip from Ada's 01/05/2011. Found rows of other
    dates are compared with what RHI B sent, never with Ada: the preview, which writes
    nothing, would otherwise tell her date of birth."""
    import_file(north, csv_bytes("NB-9,,Ada,Alpha,02/05/2011,15/11/2026 08:00,,Medium"))
    fits = {
        dob: "names another child"
        not in _preview(north, f"NB-9,,Ada,Alpha,{dob},,15/11/2026 20:00,Low")
        for dob in ("01/05/2011", "05/01/2011", "03/05/2011", "02/05/2011")
    }
    # Only the date RHI B sent fits: Ada's own (01/05) is answered as any other date is.
    assert fits == {
        "01/05/2011": False,
        "05/01/2011": False,
        "03/05/2011": False,
        "02/05/2011": True,
    }


def test_no_page_or_answer_gives_the_keeping_teams_episode(app, client, web, world, keeper):
    token = make_token(web, world, team="RHI B")
    missing = {
        "police_reference": "NB-API",
        "first_name": "Ada",
        "last_name": "Alpha",
        "date_of_birth": "2011-05-01",
        "reported_missing": "2026-11-15T08:00:00Z",
    }
    send(client, token, {"notifications": [missing]})
    (waiting,) = _waiting(app)
    _decide(keeper, waiting, "same_child")
    found = {**missing, "reported_missing": "", "returned": "2026-11-15T20:00:00Z"}
    (result,) = send(client, token, {"notifications": [found]}).get_json()["results"]
    assert result["outcome"] == "updated" and result["episode_id"] is None
    (episode,) = episodes_with(app, "NB-API")
    assert episode.returned_at is not None
    north = _signed_in(app, world, "manager_b")
    batch = import_file(north, csv_bytes("NB-API,,Ada,Alpha,01/05/2011,,15/11/2026 21:00,Low"))
    raw = north.get(f"/imports/{batch}").get_data(as_text=True)
    assert f"/episodes/{episode.id}" not in raw


def test_a_found_row_naming_no_child_goes_on_by_the_person_id_sent(app, world, north, keeper):
    import_file(north, csv_bytes("NB-7,P-ADA7,Ada,Alpha,01/05/2011,15/11/2026 08:00,,Medium"))
    (waiting,) = _waiting(app)
    _decide(keeper, waiting, "same_child")
    batch = import_file(north, csv_bytes("NB-7,P-ADA7,,,,,15/11/2026 20:00,Medium"))
    assert "Passed on to Care team" in _text(north, f"/imports/{batch}")
    (episode,) = episodes_with(app, "NB-7")
    assert episode.returned_at is not None
    # Another person id is not this child's: refused, in words that name no one.
    batch = import_file(north, csv_bytes("NB-7,P-OTHER,,,,,15/11/2026 21:00,Medium"))
    assert "Add the child's names and date of birth" in _text(north, f"/imports/{batch}")


def test_the_sending_teams_child_is_not_named_to_the_keeping_team(app, world, north, keeper):
    import_file(north, csv_bytes(ADAH_FROM_B))
    (sent,) = _waiting(app)
    adah = _add_child(app, "Adah", "Alpha", team="RHI B")
    with app.app_context():
        db.session.get(Child, adah).preferred_name = "Dee"
        db.session.commit()
    said = _decide(keeper, sent, "new_child")
    assert "Sent back to RHI B: the episode waits" in said and "Dee" not in said


def test_what_is_passed_on_says_nothing_of_the_childs_interview(app, world, north, keeper):
    import_file(north, csv_bytes(ADA_FROM_B))
    (waiting,) = _waiting(app)
    _decide(keeper, waiting, "same_child")
    import_file(north, csv_bytes(ADA_FOUND))
    (episode,) = episodes_with(app, "NB-1")
    with app.app_context():
        interview = Interview(
            status="finished",
            due_at=episode.returned_at + timedelta(hours=72),
            content={},
            finished_at=episode.returned_at + timedelta(hours=30),
        )
        interview.episodes.append(db.session.get(Episode, episode.id))
        db.session.add(interview)
        db.session.commit()
    said = _preview(north, ADA_FOUND.replace("15/11/2026 20:00", "15/11/2026 19:00"))
    assert "Passed on to Care team, who keep the child's record: changes returned." in said
    assert "finished" not in said.split("Passed on to Care team")[1][:300]


def test_a_notification_no_one_can_decide_on_now_is_sent_again(app, world, north, keeper):
    """Sent to Care team, then Ada's record moved to RHI A: Care team no longer sees her, so
    nobody's list showed the notification (rev36). RHI B, who sent it, is shown it (what it
    sent, never Ada) and sends it again: it now waits for RHI A, who keep her."""
    import_file(north, csv_bytes(ADA_FROM_B))
    (sent,) = _waiting(app)
    with app.app_context():
        ada = db.session.get(Child, world.children["a"])
        ada.social_worker_id = None
        ada.team_id = _team_id(app, "RHI A")
        db.session.commit()
    assert "Nothing is waiting." in _text(keeper, "/imports/waiting")
    page = _text(north, "/imports/waiting")
    assert "No one there can decide on it now" in page and "Send it again" in page
    assert "1 May 2011" not in page  # what RHI B sent is shown, not Ada's record
    sent_again = north.post(f"/imports/waiting/{sent.id}/send-again", page="/imports/waiting")
    assert sent_again.status_code == 302
    assert "Sent to RHI A: it may be a child they keep" in _text(north, "/imports/waiting")
    first, again = _waiting(app)
    assert first.resolution == "sent_again"
    assert again.team_id == _team_id(app, "RHI A") and again.from_team_id is not None
    manager_a = _signed_in(app, world, "manager_a")
    assert "Sent by RHI B's import" in _text(manager_a, "/imports/waiting")
    # Another team cannot send RHI B's notification again.
    assert (
        keeper.post(f"/imports/waiting/{first.id}/send-again", page="/imports/waiting").status_code
        == 404
    )
