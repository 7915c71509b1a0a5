"""A tablet passed to a colleague while it keeps a worker's unsent work: the colleague, signed
in, is told the work is another worker's, for them to open and send, and is never asked for a
PIN (a probe: the first worker's own PIN, typed by the colleague, was "not right" and counted
towards wiping the child's words, since the colleague's session gives their own secret). The
first worker, signed in again, sends it as usual.

Real Chromium, a real server on localhost; `context.clear_cookies()` ends each session.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from rhi.demo import DEMO_PASSWORD
from rhi.extensions import db
from rhi.models import Episode, User
from tests.browser.helpers import STORE, interviews_for, send_from_returns, written_offline

pytestmark = pytest.mark.browser

OTHER_WORKERS = "What is kept on this tablet is another worker's, locked with their PIN."


def _sign_in(tablet, email: str) -> None:
    tablet.context.clear_cookies()
    tablet.goto("/sign-in")
    tablet.get_by_label("Email address").fill(email)
    tablet.get_by_label("Password").fill(DEMO_PASSWORD)
    tablet.get_by_role("button", name="Sign in").click()
    tablet.wait_for_url("**/returns")


def test_a_colleague_is_told_the_work_is_not_theirs_and_never_asked_for_a_pin(
    page, live_app, new_return
):
    episode_id = new_return("Perpetua")
    tablet, uuid = written_offline(page, "Perpetua")
    tries = tablet.evaluate(f"async () => {STORE}.attemptsLeft()")
    _sign_in(tablet, "worker.north2@example.org")
    bar = tablet.locator("#tablet-bar")
    # Said to be another worker's, not "waiting to send" as though it were theirs.
    bar.get_by_text(
        "1 interview on this tablet is another worker's, waiting for them to sign in here and "
        "send it"
    ).wait_for(timeout=30_000)
    # Not theirs to send: no "Send now" offered for it (bar.js).
    expect(bar.get_by_role("button", name="Send now")).to_be_hidden()
    assert not tablet.locator("#pin-dialog").is_visible()
    assert tablet.evaluate(f"async () => {STORE}.attemptsLeft()") == tries
    assert interviews_for(live_app, episode_id) == []

    # Keeping a return of their own here is refused with the reason, not "try again".
    theirs = new_return("Philippa")
    with live_app.app_context():
        colleague = db.session.scalar(select(User).where(User.email == "worker.north2@example.org"))
        db.session.get(Episode, theirs).assigned_worker = colleague
        db.session.commit()
    tablet.goto(f"/episodes/{theirs}")
    tablet.get_by_role("button", name="Keep on this tablet").click()
    said = tablet.locator("[data-keep-status]")
    said.get_by_text("Not kept: this tablet keeps one worker's work at a time.").wait_for()
    assert OTHER_WORKERS in said.inner_text()
    assert not tablet.locator("#pin-dialog").is_visible()

    _sign_in(tablet, "worker@example.org")
    send_from_returns(tablet)
    [interview] = interviews_for(live_app, episode_id)
    assert interview.uuid == uuid
    assert interview.content["sections"]["away"]["text"] == "I stayed with a friend in Hull."
