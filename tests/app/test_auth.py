"""Sign-in, sign-out, lockout, server-side sessions and CSRF."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import argon2
import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from rhi import passwords
from rhi.auth import throttle
from rhi.extensions import db
from rhi.models import AuditEvent, SignInFailure, User, UserSession
from tests.app.helpers import statements
from tests.conftest import csrf_from
from tests.world import PASSWORD

HOME = "192.0.2.10"  # where worker_a signs in
ATTACKER = "10.0.0.9"
PAUSED_RE = re.compile(r"Too many attempts to sign in from here\. Try again after (\d\d:\d\d)")


def attempt(client: FlaskClient, email: str, password: str = PASSWORD, address: str = "127.0.0.1"):
    """A sign-in from an address, as a browser would: the page first, then the form."""
    env = {"REMOTE_ADDR": address}
    token = csrf_from(client.get("/sign-in", environ_base=env).text)
    return client.post(
        "/sign-in",
        data={"csrf_token": token, "email": email, "password": password},
        environ_base=env,
    )


def age_failures(app, minutes: int) -> None:
    """Move every remembered sign-in failure into the past."""
    with app.app_context():
        for failure in db.session.scalars(select(SignInFailure)):
            failure.at -= timedelta(minutes=minutes)
        db.session.commit()


def without_token(html: str) -> str:
    return "\n".join(line for line in html.splitlines() if "csrf" not in line)


def test_sign_in_takes_each_role_home(web, world):
    homes = {
        "worker_a": "/returns",
        "social_worker": "/children",
        "manager_a": "/returns",
        "admin": "/admin/users",
    }
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
        page = response.get_data(as_text=True)
        assert "The email address or password is not right" in page
        # Said in the title and focused on load, as an empty form's errors are (a probe).
        assert "<title>Error: Sign in – rhi</title>" in page
        assert 'class="error-summary" role="alert" tabindex="-1" data-focus-on-load' in page


def test_bad_input_keeps_what_was_typed_and_says_what_is_wrong(web, world):
    response = web.post("/sign-in", {"email": "not-an-email", "password": ""}, page="/sign-in")
    html = response.get_data(as_text=True)
    assert 'value="not-an-email"' in html
    assert "Enter an email address like name@example.org." in html
    assert "Enter your password." in html


def test_five_failures_pause_only_that_address_and_say_until_when(app, web, world):
    # Before issue 9 (F4) five failures locked the account everywhere, so anyone could lock a
    # worker out; now they pause that email from that address only.
    email = world.emails["worker_a"]
    for _ in range(5):
        assert "is not right" in attempt(web.client, email, "wrong password").text
    response = attempt(web.client, email)  # right password, but paused here
    assert response.status_code == 401
    assert PAUSED_RE.search(response.text), response.text
    assert "this account" not in response.text
    assert web.get("/returns").status_code == 302  # still not signed in

    elsewhere = app.test_client()
    assert attempt(elsewhere, email, address="192.0.2.7").status_code == 302

    # After the pause, the right password works again from the first address.
    age_failures(app, minutes=16)
    assert attempt(web.client, email).status_code == 302


def test_an_attacker_elsewhere_cannot_lock_the_worker_out(app, world):
    email = world.emails["worker_a"]
    home = app.test_client()
    assert attempt(home, email, address=HOME).status_code == 302  # the worker's own address
    home.post("/sign-out", data={"csrf_token": csrf_from(home.get("/returns").text)})

    # An attacker fails again and again from other addresses, well past every limit.
    attacker = app.test_client()
    answers = [
        attempt(attacker, email, "guess", address=f"10.0.0.{n}").text
        for n in range(1, 7)
        for _ in range(3)
    ]
    wrong = [a for a in answers if "is not right" in a]
    paused = [a for a in answers if PAUSED_RE.search(a)]
    # Cyber Essentials: no more than 10 guesses in 5 minutes, however many addresses.
    assert len(wrong) == 10 and len(paused) == 8
    assert attempt(attacker, email, address="203.0.113.5").status_code == 401  # new address

    # The worker, at their own address, still signs in with the right password.
    assert attempt(home, email, address=HOME).status_code == 302

    # When the 5 minutes have passed, new addresses get through again.
    age_failures(app, minutes=6)
    assert attempt(app.test_client(), email, address="203.0.113.5").status_code == 302


def test_a_password_spray_from_one_address_is_paused(app, world):
    app.config["RHI_ADDRESS_ATTEMPTS"] = 8  # below the per-minute limit, to see this rule
    office = app.test_client()
    assert attempt(office, world.emails["worker_a"], address=ATTACKER).status_code == 302
    office.post("/sign-out", data={"csrf_token": csrf_from(office.get("/returns").text)})

    sprayer = app.test_client()
    emails = [world.emails[k] for k in ("worker_b", "manager_a", "admin", "social_worker")]
    emails += [f"guess{n}@test.example.org" for n in range(4)]
    for email in emails:  # one password tried at many accounts
        assert "is not right" in attempt(sprayer, email, "Summer2026!", address=ATTACKER).text
    # Now this address is paused for every email that has not signed in from it...
    for email in (world.emails["manager_b"], "guess9@test.example.org"):
        assert PAUSED_RE.search(attempt(sprayer, email, address=ATTACKER).text)
    # ...but a worker who signs in from here still can.
    assert attempt(office, world.emails["worker_a"], address=ATTACKER).status_code == 302


def test_the_per_minute_limit_stops_a_fast_spray(app, world):
    sprayer = app.test_client()
    codes = [
        attempt(sprayer, f"guess{n}@test.example.org", "x", address=ATTACKER).status_code
        for n in range(21)
    ]
    assert codes[:20] == [401] * 20 and codes[20] == 429


def test_unknown_and_existing_emails_are_paused_alike(app, world):
    def sixth(email: str, password: str) -> str:
        client = app.test_client()
        for _ in range(5):
            attempt(client, email, "wrong password")
        html = attempt(client, email, password).text.replace(email, "EMAIL")
        return PAUSED_RE.sub("TIME", html)

    existing = sixth(world.emails["worker_a"], PASSWORD)
    unknown = sixth("nobody@test.example.org", PASSWORD)
    assert "TIME" in existing
    assert without_token(existing) == without_token(unknown)


@pytest.mark.full_strength_passwords
def test_every_way_through_sign_in_does_the_same_work(app, world, monkeypatch):
    """A known or unknown email, a wrong password, a paused address with the right password:
    each is answered after the same reads and exactly one argon2 verification at the real cost
    (against a dummy hash when there is no one to check), so the time taken tells nothing. The
    times themselves are measured in bench/sign_in_timing.py: a timing in the suite failed
    whenever the machine was busy."""
    app.config["RHI_SIGN_IN_RATE_LIMIT"] = "10000 per minute"
    client = app.test_client()
    token = csrf_from(client.get("/sign-in").text)
    steps: list[object]  # the statements sent and the verifications, in order (below)

    class Watched(passwords.PasswordHasher):
        def verify(self, digest: str | bytes, password: str | bytes) -> bool:
            steps.append(argon2.extract_parameters(str(digest)))
            return super().verify(digest, password)

    real = passwords._strong
    full_cost = argon2.extract_parameters(real.hash("x"))
    monkeypatch.setattr(
        passwords,
        "_strong",
        Watched(real.time_cost, real.memory_cost, real.parallelism, real.hash_len, real.salt_len),
    )

    def work(email: str, password: str, address: str) -> tuple[list[object], int]:
        steps.clear()
        data = {"csrf_token": token, "email": email, "password": password}
        response = client.post("/sign-in", data=data, environ_base={"REMOTE_ADDR": address})
        assert response.status_code == 401
        checks = [s for s in steps if isinstance(s, argon2.Parameters)]
        assert checks == [full_cost], "one check at full cost"
        before = steps[: steps.index(checks[0])]
        return [str(sql).split()[0] for sql in before], len(steps)

    with statements(app) as steps:  # the SQL sent; Watched adds each verification
        existing = work(world.emails["worker_a"], "wrong password", "10.1.0.1")
        unknown = work("nobody@test.example.org", "wrong password", "10.1.0.2")
        for _ in range(5):
            work(world.emails["worker_a"], "wrong password", ATTACKER)
        paused = work(world.emails["worker_a"], PASSWORD, ATTACKER)
        free = work(world.emails["worker_b"], "wrong password", "10.1.0.3")
    reads = existing[0]
    assert reads and all(step == "SELECT" for step in reads)
    assert unknown[0] == paused[0] == free[0] == reads
    # Afterwards the rows each writes: a failure and an audit row, or (paused) the audit row.
    assert existing[1] == unknown[1] == free[1] == paused[1] + 1


def test_throttle_rules_pure():
    t0 = datetime(2026, 11, 20, 9, 0)
    minute = timedelta(minutes=1)
    limits = throttle.Limits()
    # Five in fifteen minutes pause fifteen minutes from the fifth; spread out, they do not.
    five = [t0 + n * minute for n in range(5)]
    assert throttle.paused_until(five[:4], 5, 15 * minute, t0 + 4 * minute) is None
    assert throttle.paused_until(five, 5, 15 * minute, t0 + 5 * minute) == t0 + 19 * minute
    assert throttle.paused_until(five, 5, 15 * minute, t0 + 19 * minute) is None
    hourly = [t0 + n * 60 * minute for n in range(10)]
    assert throttle.paused_until(hourly, 5, 15 * minute, t0 + 9 * 60 * minute) is None
    # Ten failures at an account from anywhere pause new addresses, not known ones.
    ten = [t0 + n * 10 * timedelta(seconds=1) for n in range(10)]
    now = t0 + 2 * minute
    assert (
        throttle.decide(now, pair=[], account=ten, address=[], known_address=False, limits=limits)
        == ten[-1] + 5 * minute
    )
    assert (
        throttle.decide(now, pair=[], account=ten, address=[], known_address=True, limits=limits)
        is None
    )
    assert (
        throttle.decide(
            now, pair=ten[:5], account=ten, address=[], known_address=True, limits=limits
        )
        == ten[4] + 15 * minute
    )
    # An IPv6 /64 counts as one address (one home or phone holds a whole /64).
    assert throttle.address_key("2001:db8:1:2::5") == throttle.address_key("2001:db8:1:2:ff::9")
    assert throttle.address_key("2001:db8:1:2::5") == "2001:db8:1:2::/64"
    assert throttle.address_key("2001:db8:1:3::5") != throttle.address_key("2001:db8:1:2::5")
    assert throttle.address_key("::ffff:192.0.2.1") == "192.0.2.1"
    assert throttle.address_key("192.0.2.1") == "192.0.2.1"
    assert throttle.address_key(None) == "unknown"
    # The email key ignores case and spaces, and depends on the secret.
    assert throttle.email_key(" A@B.org ", "s") == throttle.email_key("a@b.org", "s")
    assert throttle.email_key("a@b.org", "s") != throttle.email_key("a@b.org", "t")


def test_session_id_changes_at_sign_in_and_copied_cookie_dies_at_sign_out(app, web, world):
    web.get("/sign-in")
    assert web.client.get_cookie("rhi_session") is None  # no row before sign-in (F11)
    web.client.set_cookie("rhi_session", "planted-by-someone-else")
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
        assert (
            db.session.scalar(
                select(UserSession).where(UserSession.user_id == world.users["worker_a"])
            )
            is None
        )


def test_idle_timeout_ends_the_session(app, web, world):
    web.sign_in(world.emails["worker_a"])
    assert web.get("/returns").status_code == 200
    with app.app_context():
        for row in db.session.scalars(select(UserSession)):
            row.last_seen_at -= timedelta(minutes=32)  # ends 30 to 31 minutes idle
        db.session.commit()
    assert web.get("/returns").status_code == 302


def test_deactivating_a_user_ends_their_session_at_once(app, world):
    from tests.conftest import Web

    worker, admin = Web(app.test_client()), Web(app.test_client())
    worker.sign_in(world.emails["worker_a"])
    admin.sign_in(world.emails["admin"])
    assert worker.get("/returns").status_code == 200
    response = admin.post(
        f"/admin/users/{world.users['worker_a']}/active", page="/admin/users", follow=True
    )
    assert "is deactivated" in response.get_data(as_text=True)
    assert worker.get("/returns").status_code == 302
    assert worker.sign_in(world.emails["worker_a"]).status_code == 401


def test_a_user_made_inactive_elsewhere_is_signed_out_though_this_process_holds_them(app, world):
    """The user comes with the session's row, read afresh on every request: a user made
    inactive by another connection (straight in the database, their session row untouched) is
    signed out at their next request, even where this process's database session already holds
    them as active (one application context across the requests)."""
    from tests.conftest import Web

    worker = Web(app.test_client())
    worker.sign_in(world.emails["worker_a"])
    with app.app_context():
        held = db.session.get(User, world.users["worker_a"])
        assert held is not None and held.active
        assert worker.get("/returns").status_code == 200
        with db.engine.begin() as conn:
            conn.execute(update(User).where(User.id == held.id).values(active=False))
        assert db.session.scalar(select(func.count()).select_from(UserSession)) >= 1
        response = worker.get("/returns")
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
        assert held.active is False  # read again, over the copy held


def test_post_without_csrf_token_is_refused(web, world):
    web.sign_in(world.emails["worker_a"])
    response = web.client.post(
        f"/episodes/{world.episodes['a']}/offer",
        data={"offered_at": "2026-11-23T10:00", "method": "phone"},
    )
    assert response.status_code == 400
    assert "The page had expired" in response.get_data(as_text=True)


def test_htmx_post_with_token_header_is_accepted(web, world):
    web.sign_in(world.emails["worker_a"])
    from tests.conftest import csrf_from

    token = csrf_from(web.get("/returns").get_data(as_text=True))
    response = web.client.post(
        f"/episodes/{world.episodes['a']}/offer",
        data={"offered_at": "2026-11-23T09:00", "method": "phone"},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
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
        actions = db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.user_id == world.users["worker_a"])
            .order_by(AuditEvent.id)
        ).all()
    assert actions[:2] == ["sign_in.failed", "sign_in"]


@pytest.mark.full_strength_passwords
def test_password_is_stored_as_argon2id(app, world):
    with app.app_context():
        user = db.session.get(User, world.users["worker_a"])
        # argon2-cffi's defaults (RFC 9106's second choice): 64 MiB, 3 passes, 4 lanes.
        assert user.password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
        assert PASSWORD not in user.password_hash


def test_fast_password_hashing_is_refused_in_production(tmp_path):
    from rhi.config import ConfigError, load_settings

    env = {
        "RHI_ENV": "production",
        "RHI_SECRET_KEY": "5c1e9a7f3b2d8e4a6f0c9b1d7e3a5f2c8b4d6e0a",
        "RHI_FAST_PASSWORD_HASHING": "1",
    }
    with pytest.raises(ConfigError, match="tests only"):
        load_settings(tmp_path, env)


def test_sign_out_clears_the_browsers_copies(web, world):
    web.sign_in(world.emails["worker_a"])
    response = web.sign_out()
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'


def test_sign_out_forgets_who_was_signed_in_on_the_tablet(web, world):
    """The tablet's note of who was last signed in (set by pin-dialog.js) went on holding the
    worker's id after they signed out, for days on a tablet (security probe)."""
    from pathlib import Path

    from rhi.auth.views import SIGNED_IN_COOKIE

    script = Path("rhi/static/js/pin-dialog.js").read_text(encoding="utf-8")
    assert f'const SIGNED_IN = "{SIGNED_IN_COOKIE}";' in script  # one name, two languages
    web.sign_in(world.emails["worker_a"])
    web.client.set_cookie(SIGNED_IN_COOKIE, "7", path="/")
    for keep in ("1", ""):  # unsent work kept on the tablet or not
        response = web.post("/sign-out", {"keep_device": keep})
        gone = [c for c in response.headers.getlist("Set-Cookie") if c.startswith(SIGNED_IN_COOKIE)]
        assert gone and "Max-Age=0" in gone[0] and "Path=/" in gone[0]
        assert web.client.get_cookie(SIGNED_IN_COOKIE) is None
        web.sign_in(world.emails["worker_a"])
        web.client.set_cookie(SIGNED_IN_COOKIE, "7", path="/")


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
        for row in db.session.scalars(
            select(UserSession).where(UserSession.user_id == world.users["worker_b"])
        ):
            row.last_seen_at -= timedelta(hours=2)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["rhi", "purge"])
    assert result.exit_code == 0, result.output
    assert "Removed 1 ended sessions" in result.output
    assert active.get("/returns").status_code == 200


def test_only_answers_to_someone_signed_in_carry_the_mark_that_keeps_them_off_the_tablet(
    web, world
):
    """X-RHI-Personal-Data: the service worker keeps no answer carrying it. Signed out (the
    sign-in page, the answer to signing out) there is none; signed in, every page has it."""
    mark = "X-RHI-Personal-Data"
    assert mark not in web.get("/sign-in").headers
    web.sign_in(world.emails["worker_a"])
    assert web.get("/returns").headers[mark] == "1"
    out = web.sign_out()
    assert mark not in out.headers
    assert mark not in web.get("/sign-in").headers
