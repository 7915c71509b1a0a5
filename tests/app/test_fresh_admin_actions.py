"""Every administrator's action that gives access to children's records, or takes a protection
off them, asks "Confirm it's you" as the actions it leads to do (rhi/auth/fresh.py): a probe
(sec38, finding 1) made an administrator, promoted anyone, lifted a legal hold and made a
working service token from an administrator's session left open 15+ minutes, with no password.

The walk below takes every POST route under /admin from the app's own URL map, so a route
added later is asked about too: it asks, or it is on `TAKES_AWAY` with the reason it need not.

The clock is the app tests' (tests/app/conftest.py), moved on with `fixed_clock.shift`.
"""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from rhi.episodes.api import SCOPE
from rhi.extensions import db
from rhi.models import LegalHold, ServiceToken, Setting, Team, User
from rhi.retention import holds
from tests.conftest import Web
from tests.world import PASSWORD

STALE = timedelta(minutes=16)
ASKED = "Nothing was changed yet. Confirm it&#39;s you, then do it again."

# POST routes under /admin that do not ask, each with why it need not. Deactivating does not
# ask either (it only takes access away) but shares its route with activating, which does: the
# walk posts for a closed account, and a test below deactivates.
TAKES_AWAY = {
    "admin.end_sessions": "signs someone out: it only takes access away",
    "tokens.revoke": "stops a token working: it only takes access away",
    "retention.place_hold": "keeps a record longer: it opens nothing and destroys nothing",
    "admin.create_team": "a new team has no one in it and no records: it opens nothing",
    "jobs_admin.retry": "runs again work someone already asked for and was allowed to ask for",
}


def _sent_to_confirm(response) -> str:
    """The answer sends the browser to "Confirm it's you"; the page it comes back to."""
    assert response.status_code == 303, response.status_code
    where = urlsplit(response.headers["Location"])
    assert where.path == "/confirm"
    (back,) = parse_qs(where.query)["next"]
    return back


def _stale_admin(app, world, fixed_clock) -> Web:
    web = Web(app.test_client())
    web.sign_in(world.emails["admin"])
    web.csrf("/account")  # the token of a page open in the browser
    fixed_clock.shift(STALE)
    return web


@pytest.fixture
def things(app, world) -> dict[str, int]:
    """One of each thing the routes name: a closed account (to activate), a hold in force, a
    working token, a child."""
    with app.app_context():
        closed = db.session.get(User, world.users["worker_b"])
        closed.active = False
        admin = db.session.get(User, world.users["admin"])
        hold = holds.place(world.children["a"], "Police investigation", admin)
        team_id = db.session.scalar(select(Team.id).where(Team.name == "RHI A"))
        token = ServiceToken(name="Police feed", token_hash="0" * 64, scope=SCOPE, team_id=team_id)
        token.created_by_id = admin.id
        db.session.add(token)
        db.session.commit()
        return {
            "user_id": closed.id,
            "hold_id": hold.id,
            "token_id": token.id,
            "child_id": world.children["a"],
            "job_id": 1,
            "team_id": team_id,
        }


def _admin_posts(app) -> list[tuple[str, str]]:
    """(endpoint, rule) of every route under /admin that takes a POST."""
    return sorted(
        (rule.endpoint, rule.rule)
        for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or set()) and rule.rule.startswith("/admin")
    )


def _url(rule: str, things: dict[str, int]) -> str:
    return re.sub(r"<int:(\w+)>", lambda m: str(things[m.group(1)]), rule)


def test_every_admin_post_from_a_stale_session_asks_first(app, world, things, fixed_clock):
    routes = _admin_posts(app)
    endpoints = {endpoint for endpoint, _ in routes}
    # The walk covers the routes the probe used, and the allow-list names only real routes.
    assert {"admin.create_user", "admin.set_role", "retention.lift_hold", "tokens.create"} <= (
        endpoints
    )
    assert set(TAKES_AWAY) <= endpoints
    web = _stale_admin(app, world, fixed_clock)
    not_asked = []
    for endpoint, rule in routes:
        if endpoint in TAKES_AWAY:
            continue
        response = web.post(_url(rule, things), {})
        location = response.headers.get("Location", "")
        if response.status_code != 303 or urlsplit(location).path != "/confirm":
            not_asked.append(f"{endpoint} {rule}: {response.status_code} {location}")
    assert not_asked == []


def test_what_the_probe_did_is_not_done_and_the_administrator_comes_back_to_the_form(
    app, world, things, fixed_clock
):
    web = _stale_admin(app, world, fixed_clock)
    made = web.post(
        "/admin/users",
        {
            "name": "New Admin",
            "email": "new.admin@test.example.org",
            "role": "admin",
            "team_id": "0",
            "password": "a long chosen password 2026",
        },
    )
    assert _sent_to_confirm(made) == "/admin/users#new-user-heading"
    promoted = web.post(
        f"/admin/users/{world.users['worker_a']}/role",
        {f"u{world.users['worker_a']}-role": "admin", f"u{world.users['worker_a']}-team_id": "0"},
    )
    assert _sent_to_confirm(promoted) == f"/admin/users#user-{world.users['worker_a']}"
    activated = web.post(f"/admin/users/{things['user_id']}/active")
    assert _sent_to_confirm(activated) == f"/admin/users#user-{things['user_id']}"
    hold_id = things["hold_id"]
    lifted = web.post(f"/admin/retention/holds/{hold_id}/lift", {f"lift{hold_id}-reason": "Done"})
    assert _sent_to_confirm(lifted) == f"/admin/retention/children/{things['child_id']}"
    token = web.post("/admin/tokens", {"name": "Feed", "team_id": str(things["team_id"])})
    assert _sent_to_confirm(token) == "/admin/tokens"
    saved = web.post("/admin/settings", {"duty_inbox": world.emails["social_worker"]})
    assert _sent_to_confirm(saved) == "/admin/settings"
    assert ASKED in web.get("/confirm?next=/admin/settings").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(User.email.like("new.admin%"))) == 0
        assert db.session.get(User, world.users["worker_a"]).role == "worker"
        assert db.session.get(User, things["user_id"]).active is False
        assert db.session.get(LegalHold, hold_id).in_force
        assert db.session.scalar(select(func.count()).select_from(ServiceToken)) == 1
        assert db.session.get(Setting, "RHI_DUTY_INBOX") is None

    # With the password given again, the same forms work.
    web.post("/confirm", {"password": PASSWORD, "next": "/admin/users"})
    again = web.post(f"/admin/users/{things['user_id']}/active", follow=True)
    assert "Worker B is active again." in again.get_data(as_text=True)
    lifted = web.post(
        f"/admin/retention/holds/{hold_id}/lift", {f"lift{hold_id}-reason": "Done"}, follow=True
    )
    assert "Legal hold lifted." in lifted.get_data(as_text=True)


def test_deactivating_does_not_ask_it_only_takes_access_away(app, world, fixed_clock):
    web = _stale_admin(app, world, fixed_clock)
    closed = web.post(f"/admin/users/{world.users['worker_a']}/active", follow=True)
    assert "Worker A is deactivated." in closed.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, world.users["worker_a"]).active is False


@pytest.mark.parametrize("page", ["/admin/users", "/admin/tokens", "/admin/settings"])
def test_a_page_whose_forms_ask_asks_on_opening_so_nothing_typed_is_lost(
    app, world, fixed_clock, page
):
    """Its forms ask for the password when sent: an administrator 15 minutes on who typed a
    whole new user first came back from "Confirm it's you" to an empty form (rev38b). The page
    asks on opening, as the retention report does, and comes back to itself."""
    web = _stale_admin(app, world, fixed_clock)
    opened = web.get(page)
    assert opened.status_code == 302
    assert parse_qs(urlsplit(opened.headers["Location"]).query)["next"] == [page]
    web.post("/confirm", {"password": PASSWORD, "next": page})
    assert web.get(page).status_code == 200
