"""Ending sessions (issue 16 item 7): an administrator signs someone out everywhere; a person
signs out their own other devices; a session ended while a request runs is not remade."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from rhi.extensions import db
from rhi.models import AuditEvent, UserSession
from rhi.sessions import DatabaseSessionInterface, ServerSession
from tests.conftest import Web


def _sessions_of(app, user_id: int) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(UserSession).where(UserSession.user_id == user_id)
        )


def _audit(app, action: str) -> list[tuple[int | None, str | None, str | None]]:
    with app.app_context():
        return list(
            db.session.execute(
                select(AuditEvent.user_id, AuditEvent.object_id, AuditEvent.detail)
                .where(AuditEvent.action == action)
                .order_by(AuditEvent.id)
            )
        )


def test_an_administrator_ends_all_of_someones_sessions(app, world):
    worker_id = world.users["worker_a"]
    tablet, laptop = Web(app.test_client()), Web(app.test_client())
    tablet.sign_in(world.emails["worker_a"])
    laptop.sign_in(world.emails["worker_a"])
    admin = Web(app.test_client())
    admin.sign_in(world.emails["admin"])
    page = admin.get("/admin/users").get_data(as_text=True)
    row = re.search(rf'<tr id="user-{worker_id}">.*?</tr>', page, re.S).group(0)
    assert "Signed in on 2 devices." in row
    assert "End their sessions" in row
    # What it cannot do is said where it is chosen: a tablet with no signal keeps its copies.
    assert "wipe it through device management too" in row

    url = f"/admin/users/{worker_id}/end-sessions"
    assert admin.client.post(url).status_code == 400  # no CSRF token: nothing ends
    assert _sessions_of(app, worker_id) == 2
    done = admin.post(url, page="/admin/users", follow=True)
    assert "Worker A is signed out everywhere (2 sessions ended)." in done.get_data(as_text=True)
    for device in (tablet, laptop):
        after = device.get("/returns")
        assert after.status_code == 302 and "/sign-in" in after.headers["Location"]
    assert _sessions_of(app, worker_id) == 0
    assert admin.get("/admin/users").status_code == 200  # the administrator is still in
    assert _audit(app, "sessions.ended_by_admin") == [
        (world.users["admin"], str(worker_id), "2 sessions")
    ]


def test_only_an_administrator_ends_someone_elses_sessions(app, world):
    worker = Web(app.test_client())
    worker.sign_in(world.emails["worker_a"])
    manager = Web(app.test_client())
    manager.sign_in(world.emails["manager_a"])
    refused = manager.post(f"/admin/users/{world.users['worker_a']}/end-sessions", page="/returns")
    assert refused.status_code == 403
    assert worker.get("/returns").status_code == 200
    assert _audit(app, "sessions.ended_by_admin") == []


def test_a_person_signs_out_their_other_devices_from_their_account(app, world):
    here, there = Web(app.test_client()), Web(app.test_client())
    here.sign_in(world.emails["social_worker"])
    there.sign_in(world.emails["social_worker"])
    other = Web(app.test_client())
    other.sign_in(world.emails["worker_a"])
    account = here.get("/account").get_data(as_text=True)
    assert account.count("(this device)") == 1
    assert "Sign out on every other device" in account

    done = here.post("/account/sessions/end-others", page="/account", follow=True)
    assert "Signed out on 1 other device." in done.get_data(as_text=True)
    assert here.get("/account").status_code == 200
    assert there.get("/account").status_code == 302
    assert other.get("/returns").status_code == 200  # someone else's sessions are theirs
    assert _sessions_of(app, world.users["social_worker"]) == 1
    assert _audit(app, "sessions.ended_by_user") == [
        (world.users["social_worker"], str(world.users["social_worker"]), "1 sessions")
    ]
    alone = here.get("/account").get_data(as_text=True)
    assert "Sign out on every other device" not in alone


def test_a_session_ended_during_a_request_is_not_made_again(app, world):
    web = Web(app.test_client())
    web.sign_in(world.emails["worker_a"])
    token = web.client.get_cookie("rhi_session").value
    with app.app_context():
        db.session.execute(db.delete(UserSession))  # an administrator, mid-request
        db.session.commit()
    interface = DatabaseSessionInterface()
    with app.test_request_context("/returns", headers={"Cookie": f"rhi_session={token}"}):
        ended = ServerSession({"_user_id": str(world.users["worker_a"])}, token=token)
        ended.modified = True  # the view wrote to the session before the row went
        response = app.response_class("")
        interface.save_session(app, ended, response)
        assert "rhi_session=;" in response.headers.get("Set-Cookie", "")
    assert _sessions_of(app, world.users["worker_a"]) == 0
