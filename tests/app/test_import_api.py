"""POST /api/v1/notifications for a police or case system, and the administrator's service
tokens: shown once, stored hashed, scoped to notifications, revocable, every use audited."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import func, select

from rhi.extensions import db
from rhi.models import AuditEvent, Child, Episode, ServiceToken, Team, WaitingRow
from tests.conftest import Web

URL = "/api/v1/notifications"
ADA = {
    "police_reference": "API-1",
    "police_person_id": "P-1",
    "first_name": "Ada",
    "last_name": "Alpha",
    "date_of_birth": "2011-05-01",
    "reported_missing": "2026-11-20T10:00:00Z",
    "returned": "2026-11-21 09:00",
    "risk_grade": "high",
    "missing_from": "Home",
}
NEW = {
    "police_reference": "API-2",
    "first_name": "Rosa",
    "last_name": "Green",
    "date_of_birth": "03/04/2012",
    "reported_missing": "21/11/2026 18:00",
}


def make_token(web: Web, world, team: str = "RHI A") -> str:
    web.sign_in(world.emails["admin"])
    page = web.get("/admin/tokens").get_data(as_text=True)
    team_id = re.search(rf'<option value="(\d+)">{team}</option>', page).group(1)
    made = web.post(
        "/admin/tokens", {"name": "Case system", "team_id": team_id}, page="/admin/tokens"
    )
    assert made.status_code == 201
    return re.search(r'id="token-value"[^>]*value="([^"]+)"', made.get_data(as_text=True)).group(1)


def send(client, token: str | None, body: object, **headers: str):
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return client.post(URL, json=body, headers=headers)


@pytest.fixture
def token(web, world) -> str:
    return make_token(web, world)


def test_a_token_is_shown_once_and_stored_hashed(app, web, world, token):
    with app.app_context():
        stored = db.session.scalar(select(ServiceToken))
        assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert token not in stored.token_hash and stored.scope == "notifications"
        actions = set(db.session.scalars(select(AuditEvent.action)))
        assert {"token.create", "token.list"} <= actions
    assert token not in web.get("/admin/tokens").get_data(as_text=True)


def test_notifications_arrive_by_the_same_rules_as_a_file(app, client, world, token):
    weak = {**NEW, "police_reference": "API-3", "first_name": "Adah", "last_name": "Alpha"}
    weak["date_of_birth"] = "2011-05-01"
    bad = {**NEW, "police_reference": "API-4", "risk_grade": "Very high"}
    response = send(client, token, {"notifications": [ADA, NEW, weak, bad]})  # no CSRF token
    assert response.status_code == 200
    body = response.get_json()
    assert body["counts"] == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "waiting": 1,
        "refused": 1,
    }
    assert [r["outcome"] for r in body["results"]] == ["created", "created", "waiting", "refused"]
    assert "Risk grade “Very high” is not one" in body["results"][3]["message"]
    with app.app_context():
        ada = db.session.scalar(select(Episode).where(Episode.police_reference == "API-1"))
        assert ada.child_id == world.children["a"] and not ada.allocated
        assert ada.risk_grade == "High" and ada.recorded_by_id is None
        assert ada.started_at.hour == 10  # given in UTC, kept in UTC
        rosa = db.session.scalar(select(Child).where(Child.first_name == "Rosa"))
        assert rosa.team_id == db.session.scalar(select(Team.id).where(Team.name == "RHI A"))
        assert db.session.scalar(select(func.count(WaitingRow.id))) == 1
        used = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "api.notifications"))
        assert used.detail.startswith("2 created") and used.object_type == "service_token"
        assert db.session.scalar(select(ServiceToken.last_used_at)) is not None
    again = send(client, token, {"notifications": [ADA, NEW]}).get_json()
    assert again["counts"]["unchanged"] == 2
    corrected = send(client, token, {"notifications": [{**ADA, "risk_grade": "Low"}]}).get_json()
    assert corrected["counts"]["updated"] == 1


def test_a_dry_run_changes_nothing(app, client, world, token):
    body = send(client, token, {"notifications": [ADA], "dry_run": True}).get_json()
    assert body["dry_run"] is True and body["counts"]["created"] == 1
    with app.app_context():
        assert not db.session.scalar(select(Episode.id).where(Episode.police_reference == "API-1"))
    # "false" in quotes is not false: refused, never taken for a dry run that saves nothing.
    for unclear in ("false", "no", 0, None):
        refused = send(client, token, {"notifications": [ADA], "dry_run": unclear})
        assert refused.status_code == 422, unclear
        assert refused.get_json()["message"] == '"dry_run" is true or false, without quotes.'
    with app.app_context():  # every refusal is audited (docs/openapi.yaml)
        details = db.session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "api.refused")
        ).all()
        assert sum("dry_run not true or false" in (d or "") for d in details) == 4
    saved = send(client, token, {"notifications": [ADA], "dry_run": False}).get_json()
    assert saved["dry_run"] is False and saved["counts"]["created"] == 1


def test_no_token_a_wrong_one_or_a_revoked_one_is_refused_and_audited(app, web, client, world):
    token = make_token(web, world)
    assert send(client, None, {"notifications": [ADA]}).status_code == 401
    assert send(client, token + "x", {"notifications": [ADA]}).status_code == 401
    assert send(client, token, {"notifications": []}).status_code == 200
    with app.app_context():
        token_id = db.session.scalar(select(ServiceToken.id))
    assert web.post(f"/admin/tokens/{token_id}/revoke", page="/admin/tokens").status_code == 302
    refused = send(client, token, {"notifications": [ADA]})
    assert refused.status_code == 401 and refused.get_json()["error"] == "unauthorised"
    with app.app_context():
        refusals = db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "api.refused")
        )
        assert refusals == 3
        assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "token.revoke"))
        assert not db.session.scalar(select(Episode.id).where(Episode.police_reference == "API-1"))


def test_a_session_does_not_stand_in_for_a_token(app, web, world):
    web.sign_in(world.emails["manager_a"])
    assert send(web.client, None, {"notifications": [ADA]}).status_code == 401


def test_bad_bodies_and_big_ones_are_refused(app, client, world, token):
    assert send(client, token, {"rows": []}).status_code == 422
    assert send(client, token, [ADA]).status_code == 422
    too_many = {"notifications": [NEW] * 1001}
    assert send(client, token, too_many).status_code == 422
    app.config["RHI_IMPORT_MAX_BYTES"] = 100
    big = send(client, token, {"notifications": [ADA, NEW]})
    assert big.status_code == 413 and "larger than 100 bytes" in big.get_json()["message"]
    # Odd values are refused per item, never crash the request.
    odd = send(client, token, {"notifications": [None, {"police_reference": {"x": 1}}]})
    app.config["RHI_IMPORT_MAX_BYTES"] = 2_000_000
    odd = send(client, token, {"notifications": [None, {"police_reference": {"x": 1}}]})
    assert odd.status_code == 200 and odd.get_json()["counts"]["refused"] == 2


@pytest.mark.parametrize("role", ["worker_a", "manager_a", "social_worker"])
def test_tokens_are_for_administrators_only(web, world, role):
    web.sign_in(world.emails[role])
    assert web.get("/admin/tokens").status_code == 403
    assert web.post("/admin/tokens", {"name": "x", "team_id": "1"}).status_code == 403
    assert web.post("/admin/tokens/1/revoke").status_code == 403


def test_a_request_with_dates_written_month_first_is_refused_whole(app, client, world, token):
    """As a file is: a case system writing 11/25/2026 writes 12/01/2026 for 1 December, which
    read day first is 12 January (intake probe: the one was refused as "not a real date", the
    other taken as 12 January without a word)."""
    us = [
        {**NEW, "police_reference": "US-1", "reported_missing": "12/01/2026 10:00"},
        {**NEW, "police_reference": "US-2", "reported_missing": "11/25/2026 10:00"},
    ]
    for dry_run in (True, False):
        response = send(client, token, {"dry_run": dry_run, "notifications": us})
        assert response.status_code == 422
        assert response.get_json() == {
            "error": "month_first",
            "message": "The dates in this request are written month first: “11/25/2026 10:00” "
            "(reported_missing, item 2) can only be month 11, day 25. rhi reads dates day "
            "first, as 23/11/2026, so a date such as 12/01/2026 in this request would be read "
            "as 12 January, not 1 December. Nothing was saved. Send dates day first "
            "(23/11/2026) or as 2026-11-23.",
        }
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count(Episode.id)).where(Episode.police_reference.like("US-%"))
            )
            == 0
        )
        refused = db.session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "api.refused")
        ).all()
        assert refused[-1].endswith("dates month first")
    # Day first, the same request is taken.
    us[1]["reported_missing"] = "25/11/2026 10:00"
    assert send(client, token, {"notifications": us}).status_code == 200


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (
            {"first_name": "Ros\u0000a"},
            "First name holds a control character (an invisible one, such as NUL) that is not "
            "text. Remove it and send the row again.",
        ),
        (
            {"date_of_birth": "0001-01-01"},
            "Date of birth “0001-01-01” would make the child older than 25. Check the year.",
        ),
        (
            {"date_of_birth": "03/04/1912"},
            "Date of birth “03/04/1912” would make the child older than 25. Check the year.",
        ),
    ],
)
def test_an_item_that_cannot_be_a_childs_is_refused_in_words_on_every_database(
    app, client, world, token, change, said
):
    """An intake probe: a NUL in a name was kept on SQLite and, on PostgreSQL, answered "send
    it again later", which could never work; a date of birth of 0001-01-01 made a new child of
    2,025 with a return 2,000 years overdue."""
    response = send(client, token, {"notifications": [{**NEW, **change}]})
    (result,) = response.get_json()["results"]
    assert (result["outcome"], result["code"]) == ("refused", "invalid")
    assert said in result["message"]
    with app.app_context():
        assert not db.session.scalar(
            select(func.count(Episode.id)).where(Episode.police_reference == "API-2")
        )


@pytest.mark.parametrize("written", ["21/11/2026 18:00:00.000", "21/11/2026 18.00"])
def test_times_with_milliseconds_or_a_dot_are_read(app, client, world, token, written):
    response = send(client, token, {"notifications": [{**NEW, "reported_missing": written}]})
    (result,) = response.get_json()["results"]
    assert result["outcome"] == "created", result
    with app.app_context():
        episode = db.session.scalar(select(Episode).where(Episode.police_reference == "API-2"))
        assert episode.started_at.strftime("%d/%m/%Y %H:%M") == "21/11/2026 18:00"
