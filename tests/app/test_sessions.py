"""Server-side sessions: no row before sign-in (issue 9, F11), an idle timeout never early (F18)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from rhi.config import load_settings
from rhi.extensions import db
from rhi.models import UserSession
from tests.conftest import Web, csrf_from


def _rows(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(UserSession))


def _pass_time(app, seconds: int) -> None:
    """As if `seconds` went by: every session was last seen that much earlier."""
    with app.app_context():
        for row in db.session.scalars(select(UserSession)):
            row.last_seen_at -= timedelta(seconds=seconds)
            row.created_at -= timedelta(seconds=seconds)
        db.session.commit()


def test_visitors_who_are_not_signed_in_write_no_session_rows(app, world):
    for _ in range(50):
        response = app.test_client().get("/sign-in")  # a new client each time: no cookies
        assert response.status_code == 200
    assert _rows(app) == 0

    web = Web(app.test_client())
    assert web.sign_in(world.emails["worker_a"]).status_code == 302
    assert web.get("/returns").status_code == 200
    assert _rows(app) == 1


def test_before_sign_in_the_session_is_a_signed_cookie_with_safe_flags(app, world):
    response = app.test_client().get("/sign-in")
    cookies = response.headers.getlist("Set-Cookie")
    assert not any(c.startswith("rhi_session=") for c in cookies)
    pre = next(c for c in cookies if c.startswith("rhi_pre="))
    assert "HttpOnly" in pre and "SameSite=Lax" in pre and "Path=/" in pre


def test_every_message_for_someone_signed_out_is_kept_until_shown(app, world):
    """Two messages before the next page: both are shown (a review: the second was appended to
    the list the cookie was read into, looked unchanged, and was never written)."""
    client = app.test_client()
    client.get("/sign-in")
    assert client.get("/returns").status_code == 302  # "Please sign in to continue."
    assert client.get("/sign-in/code").status_code == 302  # "Sign in again with ..."
    page = client.get("/sign-in").get_data(as_text=True)
    assert "Please sign in to continue." in page
    assert "Sign in again with your email address and password." in page


def test_production_names_the_pre_session_cookie_with_the_host_prefix(tmp_path):
    settings = load_settings(
        tmp_path,
        {"RHI_ENV": "production", "RHI_SECRET_KEY": "5c1e9a7f3b2d8e4a6f0c9b1d7e3a5f2c8b4d6e0a"},
    )
    assert settings["RHI_PRE_SESSION_COOKIE_NAME"] == "__Host-rhi-pre"
    assert settings["SESSION_COOKIE_SECURE"] is True


def test_a_tampered_pre_session_cookie_is_not_believed(app, world):
    client = app.test_client()
    token = csrf_from(client.get("/sign-in").text)
    value = client.get_cookie("rhi_pre").value
    client.set_cookie("rhi_pre", value[:-2] + ("AA" if not value.endswith("AA") else "BB"))
    response = client.post(
        "/sign-in",
        data={
            "csrf_token": token,
            "email": world.emails["worker_a"],
            "password": "correct horse battery staple",
        },
    )
    assert response.status_code == 400  # the form's token no longer matches: nothing signed in
    assert client.get("/returns").status_code == 302


def test_sign_in_moves_to_a_row_with_a_new_csrf_token_and_drops_the_cookie(app, world):
    web = Web(app.test_client())
    before = csrf_from(web.get("/sign-in").text)
    response = web.sign_in(world.emails["worker_a"])
    assert any(c.startswith("rhi_pre=;") for c in response.headers.getlist("Set-Cookie"))
    assert web.client.get_cookie("rhi_pre") is None
    assert csrf_from(web.get("/returns").text) != before  # a planted token is useless


def test_sign_out_says_so_and_leaves_no_row(app, world):
    web = Web(app.test_client())
    web.sign_in(world.emails["worker_a"])
    response = web.sign_out()
    assert web.client.get_cookie("rhi_session") is None
    assert _rows(app) == 0
    page = web.get(response.headers["Location"])
    assert "You have signed out." in page.text
    assert _rows(app) == 0


def test_the_idle_timeout_never_ends_a_session_early(app, world):
    app.config["RHI_IDLE_TIMEOUT_MINUTES"] = 1
    web = Web(app.test_client())
    web.sign_in(world.emails["worker_a"])
    for _ in range(10):  # used every 50 seconds for over 8 minutes
        _pass_time(app, 50)
        assert web.get("/returns").status_code == 200
    _pass_time(app, 59)  # just under the timeout
    assert web.get("/returns").status_code == 200
    result = app.test_cli_runner().invoke(args=["rhi", "purge"])
    assert "Removed 0 ended sessions" in result.output  # purge keeps to the same rule

    _pass_time(app, 70)  # idle past the timeout (and the few seconds it may be late)
    assert web.get("/returns").status_code == 302
    assert _rows(app) == 0


def test_purge_forgets_old_sign_in_failures(app, world):
    from rhi.models import SignInFailure

    client = app.test_client()
    for _ in range(2):
        token = csrf_from(client.get("/sign-in").text)
        client.post(
            "/sign-in",
            data={"csrf_token": token, "email": "x@test.example.org", "password": "wrong"},
        )
    with app.app_context():
        first = db.session.scalars(select(SignInFailure).order_by(SignInFailure.id)).first()
        first.at -= timedelta(hours=1)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["rhi", "purge"])
    assert result.exit_code == 0, result.output
    assert "Forgot 1 old sign-in failures" in result.output


def test_production_cookies_are_secure_when_set_and_when_deleted(app, world):
    app.config.update(
        SESSION_COOKIE_NAME="__Host-rhi",
        SESSION_COOKIE_SECURE=True,
        RHI_PRE_SESSION_COOKIE_NAME="__Host-rhi-pre",
    )
    client = app.test_client()
    https = {
        "base_url": "https://localhost",  # a browser sends a same-origin Referer
        "headers": {"Referer": "https://localhost/sign-in"},
    }
    page = client.get("/sign-in", **https)
    (pre,) = [c for c in page.headers.getlist("Set-Cookie") if c.startswith("__Host-rhi-pre=")]
    assert "Secure" in pre and "HttpOnly" in pre and "Path=/" in pre and "Domain" not in pre

    signed_in = client.post(
        "/sign-in",
        data={
            "csrf_token": csrf_from(page.text),
            "email": world.emails["worker_a"],
            "password": "correct horse battery staple",
        },
        **https,
    )
    assert signed_in.status_code == 302
    (gone,) = [
        c for c in signed_in.headers.getlist("Set-Cookie") if c.startswith("__Host-rhi-pre=")
    ]
    assert "Secure" in gone and "Max-Age=0" in gone  # browsers ignore it without Secure

    token = csrf_from(client.get("/returns", **https).text)
    out = client.post("/sign-out", data={"csrf_token": token}, **https)
    cookies = out.headers.getlist("Set-Cookie")
    (ended,) = [c for c in cookies if c.startswith("__Host-rhi=")]
    assert "Secure" in ended and "Max-Age=0" in ended
    assert any(c.startswith("__Host-rhi-pre=") and "Max-Age=0" not in c for c in cookies)
    assert _rows(app) == 0
