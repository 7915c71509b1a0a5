"""The second factor (issue 16 item 7): a code from an authenticator app after the password,
offered to everyone, required of the roles in RHI_SECOND_FACTOR_ROLES; recovery codes; an
administrator resets it for someone who lost their phone."""

from __future__ import annotations

import html
import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyotp
import pytest
import time_machine
from cryptography.fernet import Fernet
from sqlalchemy import select

from rhi.auth import second_factor
from rhi.config import ConfigError, load_settings
from rhi.extensions import db
from rhi.models import AuditEvent, SignInFailure, User, UserSession
from rhi.models.base import utcnow
from rhi.models.people import RecoveryCode
from rhi.passwords import hash_password
from tests.conftest import Web
from tests.world import PASSWORD

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _code(secret: str = SECRET, ahead: int = 0) -> str:
    """The app's code now, or `ahead` steps later (a later step is one not used yet)."""
    return pyotp.TOTP(secret).at(time.time() + 30 * ahead)


def _actions(app, action: str) -> list[tuple[int | None, str, str | None]]:
    with app.app_context():
        return list(
            db.session.execute(
                select(AuditEvent.user_id, AuditEvent.outcome, AuditEvent.detail)
                .where(AuditEvent.action == action)
                .order_by(AuditEvent.id)
            )
        )


def _switch_on(app, user_id: int) -> list[str]:
    """The second factor on with SECRET, no code used yet; the recovery codes."""
    with app.app_context():
        user = db.session.get(User, user_id)
        codes = second_factor.switch_on(user, SECRET, _code(), utcnow())
        user.totp_last_step = None  # so that the test's first code, now, is a new one
        db.session.commit()
        assert codes is not None
        return codes


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_anyone_can_switch_it_on_and_is_shown_recovery_codes_once(app, world):
    web = Web(app.test_client())
    web.sign_in(world.emails["worker_a"])
    account = _text(web.get("/account"))
    assert "Off: you sign in with your password alone." in account
    page = web.get("/account/second-factor")
    assert page.headers["Cache-Control"] == "no-store"
    body = _text(page)
    grouped = re.search(r'id="second-factor-key">([A-Z2-7 ]+)</code>', body).group(1)
    secret = grouped.replace(" ", "")
    assert len(secret) == 32 and grouped.count(" ") == 7
    # The same key as a QR code drawn into the page: an SVG, with a name for screen readers.
    assert re.search(
        r'<figure class="qr" role="img" aria-label="QR code holding the key below">'
        r'<svg width="\d+" height="\d+" class="qr-code"><path ',
        body,
    )
    uri = html.unescape(re.search(r"(otpauth://totp/[^<\s]+)", body).group(1))
    assert f"secret={secret}" in uri and "issuer=rhi" in uri
    assert "worker_a%40test.example.org" in uri
    # The same key until it is confirmed: reloading does not change what was typed into the app.
    assert grouped in _text(web.get("/account/second-factor"))

    wrong = web.post("/account/second-factor", {"code": "000000"}, page="/account/second-factor")
    assert wrong.status_code == 422
    assert "That code is not right." in _text(wrong)
    with app.app_context():
        assert db.session.get(User, world.users["worker_a"]).second_factor_on is False

    done = web.post("/account/second-factor", {"code": _code(secret)}, page="/account")
    assert done.status_code == 200
    assert done.headers["Cache-Control"] == "no-store"
    codes = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", _text(done))
    assert len(codes) == 8 and len(set(codes)) == 8
    with app.app_context():
        user = db.session.get(User, world.users["worker_a"])
        # Kept sealed: the database alone does not hold the key the app makes codes from.
        assert user.second_factor_on and secret not in user.totp_secret
        assert second_factor.unseal(user.totp_secret) == secret
        hashes = db.session.scalars(
            select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)
        ).all()
        assert sorted(hashes) == sorted(second_factor.recovery_digest(c) for c in codes)
        assert not set(codes) & set(hashes)  # only digests are kept
    account = _text(web.get("/account"))
    assert "You have 8 recovery codes left." in account
    assert not any(code in account for code in codes)  # shown once only
    assert [(o, d) for _, o, d in _actions(app, "second_factor.on")] == [
        ("refused", None),
        ("ok", "0 other sessions ended"),
    ]


def test_after_the_password_nothing_opens_until_the_code_is_right(app, world):
    user_id, email = world.users["manager_a"], world.emails["manager_a"]
    _switch_on(app, user_id)
    web = Web(app.test_client())
    first = web.sign_in(email)
    assert first.status_code == 302 and first.headers["Location"].endswith("/sign-in/code")
    # Half signed in: no session row, and every page sends the browser to sign in.
    for url in ("/", "/returns", "/account", "/account/second-factor", "/sync/v1/session"):
        assert web.get(url).status_code in (302, 401), url
    with app.app_context():
        assert db.session.scalar(select(UserSession.id)) is None
    assert "Type the code from your app" in _text(web.get("/sign-in/code"))

    wrong = web.post("/sign-in/code", {"code": "123 456"}, page="/sign-in/code")
    assert wrong.status_code == 401
    assert "That code is not right." in _text(wrong)
    assert web.get("/returns").status_code == 302
    right = web.post("/sign-in/code", {"code": _code()}, page="/sign-in/code")
    assert right.status_code == 302 and right.headers["Location"] == "/"
    assert web.get("/returns").status_code == 200
    assert _actions(app, "sign_in.code_failed") == [(user_id, "refused", None)]
    assert _actions(app, "sign_in") == [(user_id, "ok", "with a code from the app")]
    with app.app_context():
        assert db.session.scalar(select(SignInFailure.id)) is None  # forgiven once right

    # The same code again, in another browser: it has been used.
    again = Web(app.test_client())
    again.sign_in(email)
    replay = again.post("/sign-in/code", {"code": _code()}, page="/sign-in/code")
    assert replay.status_code == 401
    assert again.get("/returns").status_code == 302


def test_a_page_shell_fetched_while_signing_in_does_not_undo_the_password_step(app, world):
    """The tablet's service worker fetches its page shells as the sign-in page loads. One sent
    with the cookie from before the password and answered after it must not put that cookie
    back: the code step then forgot the password had been given (a CI run)."""
    _switch_on(app, world.users["manager_a"])
    web = Web(app.test_client())
    web.get("/sign-in")
    before = web.client.get_cookie("rhi_pre").value
    assert web.sign_in(world.emails["manager_a"]).headers["Location"].endswith("/sign-in/code")
    for shell in ("/shell/episode", "/shell/returns", "/shell/interviews/start"):
        late = app.test_client()
        late.set_cookie("rhi_pre", before)
        answer = late.get(shell)
        assert answer.status_code == 200, shell
        for header in answer.headers.getlist("Set-Cookie"):  # as the browser would keep it
            name, _, rest = header.partition("=")
            web.client.set_cookie(name, rest.split(";")[0])
    wrong = web.post("/sign-in/code", {"code": "123 456"}, page="/sign-in/code")
    assert wrong.status_code == 401
    assert "That code is not right." in _text(wrong)
    right = web.post("/sign-in/code", {"code": _code()}, page="/sign-in/code")
    assert right.status_code == 302 and right.headers["Location"] == "/"


def test_codes_either_side_of_now_work_and_older_ones_do_not():
    now = datetime(2026, 11, 23, 12, 0, 10, tzinfo=UTC)
    totp = pyotp.TOTP(SECRET)
    step = second_factor.step_at(now)
    at = {d: totp.at(now + timedelta(seconds=30 * d)) for d in (-2, -1, 0, 1, 2)}
    assert second_factor.matching_step(SECRET, at[0], now, None) == step
    assert second_factor.matching_step(SECRET, at[-1], now, None) == step - 1
    assert second_factor.matching_step(SECRET, at[1], now, None) == step + 1
    assert second_factor.matching_step(SECRET, at[-2], now, None) is None
    assert second_factor.matching_step(SECRET, at[2], now, None) is None
    assert second_factor.matching_step(SECRET, at[0], now, step) is None  # used
    assert second_factor.matching_step(SECRET, at[1], now, step) == step + 1
    # The app's naive UTC times give the same step as aware ones, whatever the server's zone.
    assert second_factor.step_at(now.replace(tzinfo=None)) == step
    assert second_factor.matching_step(SECRET, "12345", now, None) is None
    assert second_factor.matching_step(SECRET, "abcdef", now, None) is None


def test_a_recovery_code_signs_in_once(app, world):
    codes = _switch_on(app, world.users["worker_b"])
    web = Web(app.test_client())
    web.sign_in(world.emails["worker_b"])
    typed = codes[3].upper().replace("-", " ")  # as copied by hand from paper
    done = web.post("/sign-in/code", {"code": typed}, page="/sign-in/code", follow=True)
    assert "You used a recovery code: 7 left." in _text(done)
    assert web.get("/returns").status_code == 200
    assert _actions(app, "sign_in")[-1][2] == "with a recovery code"
    other = Web(app.test_client())
    other.sign_in(world.emails["worker_b"])
    assert other.post("/sign-in/code", {"code": codes[3]}, page="/sign-in/code").status_code == 401


def test_wrong_codes_pause_sign_in_like_wrong_passwords(app, world):
    _switch_on(app, world.users["worker_a"])
    web = Web(app.test_client())
    web.sign_in(world.emails["worker_a"])
    for _ in range(app.config["RHI_LOCKOUT_ATTEMPTS"]):
        assert (
            web.post("/sign-in/code", {"code": "999999"}, page="/sign-in/code").status_code == 401
        )
    paused = web.post("/sign-in/code", {"code": _code()}, page="/sign-in/code")
    assert paused.status_code == 401
    assert "Too many attempts to sign in from here." in _text(paused)
    assert web.get("/returns").status_code == 302
    # Typing the password again does not clear the count of wrong codes.
    web.sign_in(world.emails["worker_a"])
    assert "Too many attempts" in _text(
        web.post("/sign-in/code", {"code": _code()}, page="/sign-in/code")
    )
    assert len(_actions(app, "sign_in.code_failed")) == 5
    paused_rows = _actions(app, "sign_in.paused")
    assert len(paused_rows) >= 2 and {o for _, o, _ in paused_rows} == {"refused"}


def test_the_code_step_lapses_and_cannot_be_reached_without_the_password(app, world):
    _switch_on(app, world.users["worker_a"])
    stranger = Web(app.test_client())
    gone = stranger.get("/sign-in/code")
    assert gone.status_code == 302 and gone.headers["Location"].endswith("/sign-in")
    web = Web(app.test_client())
    web.sign_in(world.emails["worker_a"])
    assert web.get("/sign-in/code").status_code == 200
    with time_machine.travel(utcnow().replace(tzinfo=UTC) + timedelta(minutes=6)):
        late = web.get("/sign-in/code", follow_redirects=True)
        assert "Sign in again with your email address and password." in _text(late)


def test_a_password_changed_meanwhile_ends_the_waiting_sign_in(app, world):
    _switch_on(app, world.users["worker_a"])
    web = Web(app.test_client())
    web.sign_in(world.emails["worker_a"])
    with app.app_context():
        user = db.session.get(User, world.users["worker_a"])
        user.password_hash = hash_password("a kettle, two owls and a lighthouse")
        db.session.commit()
    late = web.post("/sign-in/code", {"code": _code()}, page="/sign-in", follow=True)
    assert "Sign in again with your email address and password." in _text(late)
    assert web.get("/returns").status_code == 302


def test_a_required_role_sets_it_up_before_anything_else(app, world):
    app.config["RHI_SECOND_FACTOR_ROLES"] = ("manager", "admin")
    manager = Web(app.test_client())
    manager.sign_in(world.emails["manager_a"])
    for url in ("/", "/returns", "/account", "/admin/users"):
        blocked = manager.get(url)
        assert blocked.status_code == 302, url
        assert blocked.headers["Location"] == "/account/second-factor", url
    page = _text(manager.get("/account/second-factor"))
    assert "Your role needs a code from an app as well as your password" in page
    secret = re.search(r'id="second-factor-key">([A-Z2-7 ]+)</code>', page).group(1)
    refused = manager.post("/account/sessions/end-others", page="/account/second-factor")
    assert refused.status_code == 403
    # A worker's role does not need it: nothing changes for them.
    worker = Web(app.test_client())
    worker.sign_in(world.emails["worker_a"])
    assert worker.get("/returns").status_code == 200

    code = _code(secret.replace(" ", ""))
    manager.post("/account/second-factor", {"code": code}, page="/account/second-factor")
    assert manager.get("/returns").status_code == 200
    # Next time, the password alone is not enough.
    later = Web(app.test_client())
    assert later.sign_in(world.emails["manager_a"]).headers["Location"].endswith("/sign-in/code")


def test_a_required_user_can_still_sign_out(app, world):
    app.config["RHI_SECOND_FACTOR_ROLES"] = ("admin",)
    admin = Web(app.test_client())
    admin.sign_in(world.emails["admin"])
    out = admin.post("/sign-out", page="/account/second-factor", follow=True)
    assert "You have signed out." in _text(out)


def test_switching_it_off_needs_the_password_and_a_code(app, world):
    _switch_on(app, world.users["worker_a"])
    web = Web(app.test_client())
    web.sign_in(world.emails["worker_a"])
    web.post("/sign-in/code", {"code": _code()}, page="/sign-in/code")
    url = "/account/second-factor/off"
    bad_password = web.post(
        url, {"password": "not my password", "code": _code(ahead=1)}, page="/account"
    )
    assert bad_password.status_code == 422
    assert "That is not your password." in _text(bad_password)
    bad_code = web.post(url, {"password": PASSWORD, "code": "111111"}, page="/account")
    assert "That code is not right." in _text(bad_code)
    with app.app_context():
        assert db.session.get(User, world.users["worker_a"]).second_factor_on
    done = web.post(
        url, {"password": PASSWORD, "code": _code(ahead=1)}, page="/account", follow=True
    )
    assert "The second factor is off." in _text(done)
    with app.app_context():
        user = db.session.get(User, world.users["worker_a"])
        assert not user.second_factor_on and user.totp_secret is None
        assert db.session.scalar(select(RecoveryCode.id)) is None
    assert [o for _, o, _ in _actions(app, "second_factor.off")] == ["refused", "refused", "ok"]
    assert Web(app.test_client()).sign_in(world.emails["worker_a"]).headers["Location"] == "/"


def test_an_administrator_resets_it_for_someone_who_lost_their_phone(app, world):
    _switch_on(app, world.users["manager_b"])
    admin = Web(app.test_client())
    admin.sign_in(world.emails["admin"])
    page = _text(admin.get("/admin/users"))
    assert "Second factor: on." in page
    assert 'Reset their second factor<span class="visually-hidden"> for Manager B' in page
    target = f"/admin/users/{world.users['manager_b']}/second-factor/reset"
    no_token = admin.client.post(target)
    assert no_token.status_code == 400
    done = admin.post(target, page="/admin/users", follow=True)
    assert "Manager B&#39;s second factor is reset." in _text(done)
    with app.app_context():
        assert not db.session.get(User, world.users["manager_b"]).second_factor_on
        assert db.session.scalar(select(RecoveryCode.id)) is None
    assert _actions(app, "second_factor.reset_by_admin") == [(world.users["admin"], "ok", None)]
    other = Web(app.test_client())
    other.sign_in(world.emails["manager_a"])
    refused = other.post(target, page="/returns")
    assert refused.status_code == 403


def test_the_setting_names_roles_and_defaults_by_environment(tmp_path: Path):
    assert load_settings(tmp_path, {})["RHI_SECOND_FACTOR_ROLES"] == ()
    production = {
        "RHI_ENV": "production",
        "RHI_SECRET_KEY": "5c1e9a7f3b2d8e4a6f0c9b1d7e3a5f2c8b4d6e0a",
    }
    assert load_settings(tmp_path, production)["RHI_SECOND_FACTOR_ROLES"] == ("manager", "admin")
    chosen = load_settings(tmp_path, {**production, "RHI_SECOND_FACTOR_ROLES": " Admin , worker"})
    assert chosen["RHI_SECOND_FACTOR_ROLES"] == ("admin", "worker")
    assert (
        load_settings(tmp_path, {**production, "RHI_SECOND_FACTOR_ROLES": ""})[
            "RHI_SECOND_FACTOR_ROLES"
        ]
        == ()
    )
    with pytest.raises(ConfigError, match="'managers' is not a role"):
        load_settings(tmp_path, {"RHI_SECOND_FACTOR_ROLES": "managers"})


def test_a_key_no_longer_in_use_refuses_the_app_code_and_recovery_codes_still_work(app, world):
    """Sealed with one data key; a new key put first with the old one kept: codes work, and the
    sign-in seals the key again with the new one, so the old can go. Then a key that never
    sealed it: the app's codes are refused (never let through), and a recovery code still signs
    in, so the person can set the app up again."""
    user_id, email = world.users["manager_a"], world.emails["manager_a"]
    old, new, other = (Fernet.generate_key().decode() for _ in range(3))
    app.config["RHI_DATA_KEYS"] = old
    codes = _switch_on(app, user_id)

    def sign_in(keys: str, later: int, code: str | None = None) -> Web:
        app.config["RHI_DATA_KEYS"] = keys
        web = Web(app.test_client())
        web.sign_in(email)
        with time_machine.travel(datetime.now(UTC) + timedelta(seconds=later), tick=False):
            web.post("/sign-in/code", {"code": code or _code()}, page="/sign-in/code")
        return web

    assert sign_in(f"{new},{old}", 0).get("/returns").status_code == 200
    assert sign_in(new, 60).get("/returns").status_code == 200  # resealed: the old key can go
    refused = sign_in(other, 120)
    assert refused.get("/returns").status_code == 302
    recovered = refused.post("/sign-in/code", {"code": codes[0]}, page="/sign-in/code")
    assert recovered.status_code == 302 and refused.get("/returns").status_code == 200


def test_data_keys_must_be_keys(tmp_path: Path):
    key = Fernet.generate_key().decode()
    assert load_settings(tmp_path, {"RHI_DATA_KEYS": f" {key} "})["RHI_DATA_KEYS"] == key
    assert load_settings(tmp_path, {})["RHI_DATA_KEYS"] == ""
    with pytest.raises(ConfigError, match="RHI_DATA_KEYS: key 2 is not a key"):
        load_settings(tmp_path, {"RHI_DATA_KEYS": f"{key},not-a-key"})


def test_setting_a_data_key_on_an_install_that_began_without_one_stops_no_codes(app, world):
    """A probe: an install that followed the README (no RHI_DATA_KEYS) set one, as
    docs/deploy.md asks, and every app code was refused: the derived key that sealed them
    was given nowhere to keep. It still opens, and the sign-in seals again with the new key."""
    user_id, email = world.users["manager_a"], world.emails["manager_a"]
    app.config["RHI_DATA_KEYS"] = ""
    _switch_on(app, user_id)
    new = Fernet.generate_key().decode()
    app.config["RHI_DATA_KEYS"] = new
    web = Web(app.test_client())
    web.sign_in(email)
    signed_in = web.post("/sign-in/code", {"code": _code()}, page="/sign-in/code")
    assert signed_in.status_code == 302 and web.get("/returns").status_code == 200
    with app.app_context():
        sealed = db.session.get(User, user_id).totp_secret
    assert Fernet(new.encode()).decrypt(sealed.encode()).decode() == SECRET  # sealed anew
