"""Small accessibility fixes from the a11y probe (/tmp/probe/a11y/report.md, findings 5 and 6),
as the page's HTML says them.

Before: a wrong code on the sign-in code page drew a summary that nothing focused, and left the
code field neither marked in error nor linked to what was wrong; the administrator's settings and
retention pages, sent back with an error, showed two summaries with the same words, both
role="alert" (their own, and base.html's), so a screen reader said the problem twice."""

from __future__ import annotations

import re
import time

import pyotp

from rhi.auth import second_factor
from rhi.extensions import db
from rhi.models import User
from rhi.models.base import utcnow
from tests.app.helpers import ADMIN_SETTINGS
from tests.conftest import Web

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _summaries(html: str) -> list[str]:
    """Each error summary drawn: its opening tag."""
    return re.findall(r'<div class="error-summary"[^>]*>', html)


def _code_input(html: str) -> str:
    return re.search(r'<input[^>]*\bid="code"[^>]*>', html).group(0)


def _halfway_signed_in(app, web: Web, email: str, user_id: int) -> None:
    """The second factor on for the user, and the right password given: the code page next."""
    with app.app_context():
        user = db.session.get(User, user_id)
        assert second_factor.switch_on(user, SECRET, pyotp.TOTP(SECRET).now(), utcnow())
        user.totp_last_step = None
        db.session.commit()
    assert web.sign_in(email).headers["Location"].endswith("/sign-in/code")


def test_a_wrong_code_is_said_at_the_top_focused_and_beside_the_field(app, web, world):
    _halfway_signed_in(app, web, world.emails["manager_a"], world.users["manager_a"])
    wrong = web.post("/sign-in/code", {"code": "123 456"}, page="/sign-in/code")
    html = wrong.get_data(as_text=True)
    assert wrong.status_code == 401
    assert "<title>Error: Sign in: your code – rhi</title>" in html
    # One summary, focused when the page loads (static/js/app.js), its line a link to the field.
    summaries = _summaries(html)
    assert len(summaries) == 1 and "data-focus-on-load" in summaries[0]
    assert re.search(r'<a href="#code">Code: That code is not right\.', html)
    # The field is in error, and its error is read out with it.
    code = _code_input(html)
    assert 'aria-invalid="true"' in code
    described = re.search(r'aria-describedby="([^"]+)"', code).group(1).split()
    assert "code-error" in described
    error = re.search(r'<p class="error-message" id="code-error">(.*?)</p>', html, re.S).group(1)
    assert "That code is not right." in error
    # Typed again, right: signed in.
    right = web.post("/sign-in/code", {"code": pyotp.TOTP(SECRET).at(time.time() + 30)})
    assert right.status_code == 302 and right.headers["Location"] == "/"


def test_a_paused_sign_in_at_the_code_is_said_at_the_top_and_focused(app, web, world):
    _halfway_signed_in(app, web, world.emails["worker_a"], world.users["worker_a"])
    for _ in range(app.config["RHI_LOCKOUT_ATTEMPTS"]):
        web.post("/sign-in/code", {"code": "999999"}, page="/sign-in/code")
    paused = web.post("/sign-in/code", {"code": pyotp.TOTP(SECRET).now()})
    html = paused.get_data(as_text=True)
    assert paused.status_code == 401
    assert "<title>Error: Sign in: your code – rhi</title>" in html
    summaries = _summaries(html)
    assert len(summaries) == 1 and "data-focus-on-load" in summaries[0]
    assert "Too many attempts to sign in from here." in html
    # The code typed was not what was wrong: the field is not marked so.
    assert 'aria-invalid="true"' not in _code_input(html)


def test_the_settings_page_sent_back_says_its_problem_once(app, web, world):
    web.sign_in(world.emails["admin"])
    response = web.post(
        "/admin/settings", {**ADMIN_SETTINGS, "deadline_hours": "-5abc"}, page="/admin/settings"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    summaries = _summaries(html)
    assert len(summaries) == 1 and "data-focus-on-load" in summaries[0]
    assert html.count('role="alert"') == 1
    assert re.search(r'<a href="#deadline_hours">[^<]*Enter a whole number of hours', html)
    assert html.count("<title>Error: ") == 1


def test_the_retention_schedule_sent_back_says_its_problem_once(app, web, world):
    web.sign_in(world.emails["admin"])
    response = web.post(
        "/admin/retention/schedule",
        {"looked_after_age": "abc", "other_age": "26"},
        page="/admin/retention",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    summaries = _summaries(html)
    assert len(summaries) == 1 and "data-focus-on-load" in summaries[0]
    assert html.count('role="alert"') == 1
    assert re.search(r'<a href="#looked_after_age">[^<]*Enter an age in whole years', html)
    assert html.count("<title>Error: ") == 1


def test_the_security_marking_is_in_the_banner_and_said_as_one(app, web, world):
    """A screen reader moving by landmarks skipped the marking, outside all of them, and the
    paragraph's aria-label ("Security marking") was not read: it is the banner's first line."""
    web.sign_in(world.emails["worker_a"])
    page = web.get("/returns").get_data(as_text=True)
    banner = re.search(r'<header class="site-header"[^>]*>(.*?)</header>', page, re.S).group(1)
    marking = re.search(r'<p class="marking">(.*?)</p>', banner, re.S)
    assert marking, "the marking is not inside the banner"
    said = re.sub(r"<[^>]+>", "", marking.group(1))
    assert said == "Security marking: OFFICIAL-SENSITIVE"
