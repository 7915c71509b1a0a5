"""Fresh sign-in for sensitive actions (rhi/auth/fresh.py): setting up the second factor, a
password link, resetting someone's second factor, the retention run and schedule, and a subject
access export need the password (and the code, where there is one) given within the last 15
minutes in this session. Otherwise "Confirm it's you" asks for it and sends the person back.

The clock is the app tests' (tests/app/conftest.py), moved on with `fixed_clock.shift`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest
from sqlalchemy import func, select

from rhi.auth import fresh, second_factor
from rhi.extensions import db
from rhi.models import AuditEvent, Child, DestroyedChild, Disclosure, PasswordReset, User
from rhi.models.base import utcnow
from tests.conftest import Web
from tests.world import PASSWORD

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
STALE = timedelta(minutes=16)
ASKS = "Enter your password to carry on. We ask again after 15 minutes for changes like this."


def _code(secret: str = SECRET) -> str:
    return pyotp.TOTP(secret).at(time.time())


def _switch_on(app, user_id: int) -> None:
    with app.app_context():
        user = db.session.get(User, user_id)
        assert second_factor.switch_on(user, SECRET, _code(), utcnow()) is not None
        user.totp_last_step = None
        db.session.commit()


def _count(app, model: type, *where: Any) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _audits(app, action: str) -> list[tuple[int | None, str, str | None]]:
    with app.app_context():
        return list(
            db.session.execute(
                select(AuditEvent.user_id, AuditEvent.outcome, AuditEvent.detail)
                .where(AuditEvent.action == action)
                .order_by(AuditEvent.id)
            )
        )


def _text(response) -> str:
    return response.get_data(as_text=True)


def _sent_to_confirm(response, back: str) -> None:
    """The answer sends the browser to "Confirm it's you", to come back to `back`."""
    assert response.status_code in (302, 303), response.status_code
    where = urlsplit(response.headers["Location"])
    assert where.path == "/confirm"
    assert parse_qs(where.query)["next"] == [back]


def _confirm(web: Web, back: str, password: str = PASSWORD):
    """Confirm it's you, from the page a stale request was sent to."""
    page = web.get(f"/confirm?next={back.replace('#', '%23')}")
    assert page.status_code == 200
    return web.post("/confirm", {"password": password, "next": back})


# ---- each sensitive action ------------------------------------------------------------------


@dataclass
class Action:
    """A sensitive action: who does it, its form page (None: a button on the users page, which
    is not itself sensitive), the POST that does it, and how to tell it was done."""

    who: str
    page: Callable[[Any], str | None]
    post: Callable[[Any], str]
    back: Callable[[Any], str]
    done: Callable[[Any, Any], bool]
    data: Callable[[Web, Any], Callable[[], dict[str, str]]] = lambda web, world: dict


def _set_up_data(web: Web, world) -> Callable[[], dict[str, str]]:
    """The set-up page's key, read while fresh: the code typed is the app's when sent."""
    page = _text(web.get("/account/second-factor"))
    key = re.search(r'id="second-factor-key">([A-Z2-7 ]+)</code>', page)
    assert key
    secret = key.group(1).replace(" ", "")
    return lambda: {"code": _code(secret)}


def _second_factor_on(app, user_id: int) -> bool:
    with app.app_context():
        return db.session.get(User, user_id).second_factor_on


def _due_child(app, world) -> int:
    """Ada, made due for destruction (born in 1940), her returns given their outcome: a return
    still open keeps a due record back (rhi/retention/destroy.py open_work)."""
    from tests.app.test_retention import close_returns

    with app.app_context():
        child = db.session.get(Child, world.children["a"])
        child.date_of_birth = date(1940, 5, 1)
        db.session.commit()
        child_id = child.id
    close_returns(app, child_id)
    return child_id


ACTIONS = {
    "set up the second factor": Action(
        who="worker_a",
        page=lambda w: "/account/second-factor",
        post=lambda w: "/account/second-factor",
        back=lambda w: "/account/second-factor",
        done=lambda app, w: _second_factor_on(app, w.users["worker_a"]),
        data=_set_up_data,
    ),
    "make a password link": Action(
        who="admin",
        page=lambda w: None,
        post=lambda w: f"/admin/users/{w.users['worker_a']}/reset-link",
        back=lambda w: f"/admin/users#user-{w.users['worker_a']}",
        done=lambda app, w: bool(_count(app, PasswordReset)),
    ),
    "reset someone's second factor": Action(
        who="admin",
        page=lambda w: None,
        post=lambda w: f"/admin/users/{w.users['manager_b']}/second-factor/reset",
        back=lambda w: f"/admin/users#user-{w.users['manager_b']}",
        done=lambda app, w: not _second_factor_on(app, w.users["manager_b"]),
    ),
    "run the retention schedule": Action(
        who="admin",
        page=lambda w: "/admin/retention",
        post=lambda w: "/admin/retention/run",
        back=lambda w: "/admin/retention",
        done=lambda app, w: bool(_count(app, DestroyedChild)),
        data=lambda web, w: lambda: {"child_ids": str(w.children["a"]), "confirm": "y"},
    ),
    "change the retention schedule": Action(
        who="admin",
        page=lambda w: "/admin/retention",
        post=lambda w: "/admin/retention/schedule",
        back=lambda w: "/admin/retention",
        done=lambda app, w: bool(_audits(app, "setting.change")),
        data=lambda web, w: lambda: {"looked_after_age": "75", "other_age": "26"},
    ),
    "make a subject access export": Action(
        who="admin",
        page=lambda w: f"/subject-access/children/{w.children['a']}",
        post=lambda w: f"/subject-access/children/{w.children['a']}/export",
        back=lambda w: f"/subject-access/children/{w.children['a']}",
        done=lambda app, w: (
            bool(_count(app, Disclosure)) or bool(_audits(app, "subject_access.request"))
        ),
        data=lambda web, w: (
            lambda: {
                "requested_by": "Ada Alpha, the child",
                "reference": "SAR/2026/41",
                "received_on": "2026-11-20",
            }
        ),
    ),
}


@pytest.fixture
def ready(app, world):
    """The world with a second factor to reset (Manager B's) and a record due (Ada's)."""
    _switch_on(app, world.users["manager_b"])
    _due_child(app, world)
    return world


def _signed_in(app, world, who: str) -> Web:
    web = Web(app.test_client())
    web.sign_in(world.emails[who])
    web.csrf("/account")  # the token of a page open in the browser
    return web


@pytest.mark.parametrize("name", ACTIONS)
def test_a_fresh_session_goes_straight_through(app, ready, fixed_clock, name):
    action, world = ACTIONS[name], ready
    web = _signed_in(app, world, action.who)
    data = action.data(web, world)
    fixed_clock.shift(timedelta(minutes=14))  # signing in counts: still within 15 minutes
    page = action.page(world)
    if page is not None:
        assert web.get(page).status_code == 200
    done = web.post(action.post(world), data())
    assert done.status_code in (200, 302, 303)
    assert "/confirm" not in done.headers.get("Location", "")
    assert action.done(app, world)


@pytest.mark.parametrize("name", ACTIONS)
def test_a_stale_session_confirms_first_and_nothing_is_done_until_it_has(
    app, ready, fixed_clock, name
):
    action, world = ACTIONS[name], ready
    web = _signed_in(app, world, action.who)
    data = action.data(web, world)
    fixed_clock.shift(STALE)
    page = action.page(world)
    if page is not None:
        _sent_to_confirm(web.get(page), page)

    # The form sent from the stale session: not done, not half done; the person is asked.
    refused = web.post(action.post(world), data())
    _sent_to_confirm(refused, action.back(world))
    assert refused.status_code == 303
    assert not action.done(app, world)
    asked = _text(web.get(refused.headers["Location"]))
    assert "<h1>Confirm it's you</h1>" in asked and ASKS in asked
    assert "Nothing was changed yet. Confirm it&#39;s you, then do it again." in asked

    # The password: back where they were, and it works.
    confirmed = _confirm(web, action.back(world))
    assert confirmed.status_code == 302 and confirmed.headers["Location"] == action.back(world)
    if page is not None:
        assert web.get(page).status_code == 200
    web.post(action.post(world), data())
    assert action.done(app, world)


def test_the_confirm_page_is_a_form_anyone_can_use(app, world, fixed_clock):
    web = _signed_in(app, world, "admin")
    fixed_clock.shift(STALE)
    page = _text(web.get("/admin/retention", follow_redirects=True))
    assert "<title>Confirm it's you – rhi</title>" in page
    assert '<label for="password">Your password</label>' in page
    assert 'autocomplete="current-password"' in page
    assert (
        'name="csrf_token"' in page and 'name="next" type="hidden" value="/admin/retention"' in page
    )
    assert 'class="button"' in page  # 48 px high (app.css)
    assert "autofocus" not in page  # the page is read from its top until something is wrong
    no_token = web.client.post("/confirm", data={"password": PASSWORD, "next": "/"})
    assert no_token.status_code == 400
    assert web.get("/admin/retention").status_code == 302  # still asked


def test_a_wrong_password_is_refused_beside_the_field_and_audited(app, world, fixed_clock):
    web = _signed_in(app, world, "admin")
    fixed_clock.shift(STALE)
    wrong = _confirm(web, "/admin/retention", password="not my password at all")
    assert wrong.status_code == 401
    page = _text(wrong)
    assert "<title>Error: Confirm it's you – rhi</title>" in page
    field = re.search(r"<input[^>]*id=\"password\"[^>]*>", page).group(0)
    assert 'aria-invalid="true"' in field and "autofocus" in field
    assert 'aria-describedby="password-error"' in field
    assert (
        '<p class="error-message" id="password-error"><span class="visually-hidden">Error:</span> '
        "That is not your password. Check it and try again.</p>"
    ) in page
    assert "error-summary" not in page  # the focus stays in the field, not on a summary
    _sent_to_confirm(web.get("/admin/retention"), "/admin/retention")  # still not confirmed
    assert _audits(app, "sign_in.confirm_failed") == [(world.users["admin"], "refused", "password")]
    assert _audits(app, "sign_in.confirmed") == []


def test_wrong_passwords_pause_confirming_as_they_pause_signing_in(app, world, fixed_clock):
    web = _signed_in(app, world, "admin")
    fixed_clock.shift(STALE)
    for _ in range(app.config["RHI_LOCKOUT_ATTEMPTS"]):
        assert _confirm(web, "/admin/retention", password="a wrong guess").status_code == 401
    paused = _confirm(web, "/admin/retention")  # even the right one, while paused
    assert paused.status_code == 401
    assert "Too many attempts from here. Try again after" in _text(paused)
    _sent_to_confirm(web.get("/admin/retention"), "/admin/retention")
    assert _audits(app, "sign_in.paused") == [
        (world.users["admin"], "refused", "confirming it's them")
    ]


def test_confirming_is_audited(app, world, fixed_clock):
    web = _signed_in(app, world, "admin")
    fixed_clock.shift(STALE)
    _confirm(web, "/admin/retention")
    assert _audits(app, "sign_in.confirmed") == [(world.users["admin"], "ok", "with the password")]


@pytest.mark.parametrize(
    "elsewhere",
    [
        "https://elsewhere.example/admin/retention",
        "//elsewhere.example/admin/retention",
        "/\\elsewhere.example/admin/retention",
        "javascript:alert(1)",
        "admin/retention",
        "/confirm?next=/admin/retention",
    ],
)
def test_the_way_back_is_only_to_a_page_of_rhi(app, world, fixed_clock, elsewhere):
    web = _signed_in(app, world, "admin")
    fixed_clock.shift(STALE)
    page = _text(web.get("/confirm", query_string={"next": elsewhere}))
    assert 'name="next" type="hidden" value="/"' in page
    # A form changed in the browser to name another site goes home instead.
    back = web.post("/confirm", {"password": PASSWORD, "next": elsewhere})
    assert back.status_code == 302 and back.headers["Location"] == "/"
    assert fresh.local_path(elsewhere) is None or elsewhere.startswith("/confirm")
    assert fresh.local_path("/admin/users?x=1#user-3") == "/admin/users?x=1#user-3"


def test_with_a_second_factor_the_code_is_asked_after_the_password(app, world, fixed_clock):
    admin_id = world.users["admin"]
    _switch_on(app, admin_id)
    web = Web(app.test_client())
    web.sign_in(world.emails["admin"])
    web.post("/sign-in/code", {"code": _code()}, page="/sign-in/code")
    page = f"/subject-access/children/{world.children['a']}"
    assert web.get(page).status_code == 200  # signing in with the code counts
    fixed_clock.shift(STALE)
    _sent_to_confirm(web.get(page), page)
    # The code step is not reached without the password.
    skipped = web.get(f"/confirm/code?next={page}")
    _sent_to_confirm(skipped, page)

    password = _confirm(web, page)
    assert password.status_code == 302
    where = urlsplit(password.headers["Location"])
    assert (where.path, parse_qs(where.query)["next"]) == ("/confirm/code", [page])
    asked = _text(web.get(password.headers["Location"]))
    assert "Your password was right. Now type the code your authenticator app shows" in asked
    _sent_to_confirm(web.get(page), page)  # the password alone is not enough

    wrong = web.post("/confirm/code", {"code": "000000", "next": page})
    assert wrong.status_code == 401
    assert 'id="code-error"' in _text(wrong) and "That code is not right." in _text(wrong)
    right = web.post("/confirm/code", {"code": _code(), "next": page})
    assert right.status_code == 302 and right.headers["Location"] == page
    assert web.get(page).status_code == 200
    assert [a for a, _, _ in _audits(app, "sign_in.confirm_code_asked")] == [admin_id]
    assert _audits(app, "sign_in.confirm_failed") == [(admin_id, "refused", "code")]
    assert _audits(app, "sign_in.confirmed") == [
        (admin_id, "ok", "with the password and a code from the app")
    ]


def test_a_role_that_must_set_it_up_confirms_first_and_is_not_sent_round_in_circles(
    app, world, fixed_clock
):
    app.config["RHI_SECOND_FACTOR_ROLES"] = ("admin",)
    web = _signed_in(app, world, "admin")
    fixed_clock.shift(STALE)
    gate = web.get("/admin/users")
    assert gate.headers["Location"] == "/account/second-factor"
    _sent_to_confirm(web.get("/account/second-factor"), "/account/second-factor")
    back = _confirm(web, "/account/second-factor")
    assert back.headers["Location"] == "/account/second-factor"
    assert "Set up a second factor" in _text(web.get("/account/second-factor"))
