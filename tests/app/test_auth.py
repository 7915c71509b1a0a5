"""Sign-in, sign-out, lockout, server-side sessions and CSRF."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from rhi.extensions import db
from rhi.models import AuditEvent, User, UserSession
from tests.world import PASSWORD


def test_sign_in_takes_each_role_home(web, world):
    homes = {"worker_a": "/returns", "social_worker": "/children", "manager_a": "/returns",
             "admin": "/admin/users"}
    for key, home in homes.items():
        web.client.cookie_jar.clear() if hasattr(web.client, "cookie_jar") else None
        web.client._cookies.clear()
        response = web.sign_in(world.emails[key])
        assert response.status_code == 302
        page = web.get("/", follow_redirects=True)
        assert page.request.path == home
        web.sign_out()


def test_wrong_password_and_unknown_email_get_the_same_message(web, world):
    wrong = web.sign_in(world.emails["worker_a"], "not the password")
    unknown = web.sign_in("nobody@test.example.org", "not the password")
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert "The email address or password is not right" in response.get_data(as_text=True)


def test_bad_input_keeps_what_was_typed_and_says_what_is_wrong(web, world):
    response = web.post("/sign-in", {"email": "not-an-email", "password": ""}, page="/sign-in")
    html = response.get_data(as_text=True)
    assert 'value="not-an-email"' in html
    assert "Enter an email address like name@example.org." in html
    assert "Enter your password." in html


def test_five_failures_pause_the_account_and_say_until_when(app, web, world):
    for _ in range(5):
        web.sign_in(world.emails["worker_a"], "wrong password")
    response = web.sign_in(world.emails["worker_a"])  # right password, but paused
    html = response.get_data(as_text=True)
    assert "this account is paused until" in html
    assert web.get("/returns").status_code == 302  # still not signed in
    with app.app_context():
        user = db.session.get(User, world.users["worker_a"])
        # After the pause, the right password works again.
        user.locked_until = user.locked_until - timedelta(minutes=16)
        db.session.commit()
    assert web.sign_in(world.emails["worker_a"]).status_code == 302


def test_session_id_changes_at_sign_in_and_copied_cookie_dies_at_sign_out(app, web, world):
    web.get("/sign-in")
    before = web.client.get_cookie("rhi_session").value
    web.sign_in(world.emails["worker_a"])
    after = web.client.get_cookie("rhi_session").value
    assert before != after

    copy = app.test_client()
    copy.set_cookie("rhi_session", after)
    assert copy.get("/returns").status_code == 200  # the copy works while signed in

    web.sign_out()
    assert copy.get("/returns").status_code == 302  # and not after sign-out
    with app.app_context():
        assert db.session.scalar(select(UserSession).where(
            UserSession.user_id == world.users["worker_a"])) is None


def test_idle_timeout_ends_the_session(app, web, world):
    web.sign_in(world.emails["worker_a"])
    assert web.get("/returns").status_code == 200
    with app.app_context():
        for row in db.session.scalars(select(UserSession)):
            row.last_seen_at -= timedelta(minutes=31)
        db.session.commit()
    assert web.get("/returns").status_code == 302


def test_deactivating_a_user_ends_their_session_at_once(app, world):
    from tests.conftest import Web

    worker, admin = Web(app.test_client()), Web(app.test_client())
    worker.sign_in(world.emails["worker_a"])
    admin.sign_in(world.emails["admin"])
    assert worker.get("/returns").status_code == 200
    response = admin.post(f"/admin/users/{world.users['worker_a']}/active", page="/admin/users",
                          follow=True)
    assert "is deactivated" in response.get_data(as_text=True)
    assert worker.get("/returns").status_code == 302
    assert worker.sign_in(world.emails["worker_a"]).status_code == 401


def test_post_without_csrf_token_is_refused(web, world):
    web.sign_in(world.emails["worker_a"])
    response = web.client.post(f"/episodes/{world.episodes['a']}/offer",
                               data={"offered_at": "2026-11-23T10:00", "method": "phone"})
    assert response.status_code == 400
    assert "The page had expired" in response.get_data(as_text=True)


def test_htmx_post_with_token_header_is_accepted(web, world):
    web.sign_in(world.emails["worker_a"])
    from tests.conftest import csrf_from

    token = csrf_from(web.get("/returns").get_data(as_text=True))
    response = web.client.post(f"/episodes/{world.episodes['a']}/offer",
                               data={"offered_at": "2026-11-23T09:00", "method": "phone"},
                               headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 200
    assert "Offer saved." in response.get_data(as_text=True)
    assert "<html" not in response.get_data(as_text=True)  # only the fragment


def test_session_cookie_is_httponly_and_samesite_lax(web, world):
    response = web.sign_in(world.emails["worker_a"])
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if "rhi_session" in h)
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_sign_in_success_and_failure_are_audited(app, web, world):
    web.sign_in(world.emails["worker_a"], "wrong")
    web.sign_in(world.emails["worker_a"])
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.user_id == world.users["worker_a"]).order_by(AuditEvent.id)).all()
    assert actions[:2] == ["sign_in.failed", "sign_in"]


def test_password_is_stored_as_argon2id(app, world):
    with app.app_context():
        user = db.session.get(User, world.users["worker_a"])
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash


def test_sign_out_clears_the_browsers_copies(web, world):
    web.sign_in(world.emails["worker_a"])
    response = web.sign_out()
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'


def test_device_secret_is_per_user_stable_and_only_for_the_signed_in(app, world):
    from tests.conftest import Web

    first, second = Web(app.test_client()), Web(app.test_client())
    first.sign_in(world.emails["worker_a"])
    second.sign_in(world.emails["worker_b"])
    a1 = first.get("/sync/v1/session").get_json()["device_secret"]
    a2 = first.get("/sync/v1/session").get_json()["device_secret"]
    b = second.get("/sync/v1/session").get_json()["device_secret"]
    assert len(a1) == 64 and a1 == a2 and a1 != b
    assert app.test_client().get("/sync/v1/session").status_code == 401


def test_purge_removes_only_ended_sessions(app, world):
    from tests.conftest import Web

    active, idle = Web(app.test_client()), Web(app.test_client())
    active.sign_in(world.emails["worker_a"])
    idle.sign_in(world.emails["worker_b"])
    with app.app_context():
        for row in db.session.scalars(select(UserSession).where(
                UserSession.user_id == world.users["worker_b"])):
            row.last_seen_at -= timedelta(hours=2)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["rhi", "purge"])
    assert result.exit_code == 0, result.output
    assert "Removed 1 ended sessions" in result.output
    assert active.get("/returns").status_code == 200
