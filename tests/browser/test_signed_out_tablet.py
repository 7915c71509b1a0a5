"""A tablet whose session has gone (the browser restarted, the cookie with it) says so: the bar
asks the worker to sign in, everything stays on the tablet, nothing is tried again on a timer,
and once signed in it is sent as usual.

Real Chromium, a real server on localhost, `context.clear_cookies()` ending the session.
"""

from __future__ import annotations

import pytest

from rhi.demo import DEMO_PASSWORD
from tests.browser.helpers import (
    BAR,
    PIN,
    STORE,
    interviews_for,
    send_from_returns,
    until,
    written_offline,
)

pytestmark = pytest.mark.browser

SIGN_IN = "Sign in to send what is kept on this tablet"


def test_a_signed_out_tablet_asks_to_sign_in_keeps_everything_and_sends_after(
    page, live_app, new_return
):
    episode_id = new_return("Ottilie")
    tablet, uuid = written_offline(page, "Ottilie")
    tablet.context.clear_cookies()  # as after the browser restarted: the session is gone
    tries: list[str] = []
    tablet.on("request", lambda r: tries.append(r.url) if "/sync/v1/" in r.url else None)

    bar = tablet.locator("#tablet-bar")
    bar.get_by_role("button", name="Send now").click()
    tablet.get_by_label("PIN", exact=True).fill(PIN)
    tablet.get_by_role("button", name="Continue").click()
    bar.get_by_text(SIGN_IN).wait_for(timeout=30_000)
    link = bar.get_by_role("link", name="Sign in")
    assert link.get_attribute("href") == "/sign-in"
    assert "Could not send" not in bar.inner_text()
    assert tries, "the tablet asked the server"
    assert interviews_for(live_app, episode_id) == []
    until(tablet, f"async () => (await {STORE}.ids()).some((r) => r.id === 'draft:{uuid}')")

    # No retry on a timer while signed out, nor from what the minute's timer and the signal
    # coming back call.
    before = len(tries)
    tablet.evaluate(f"async () => {BAR}.sendNow(false)")
    tablet.evaluate("() => window.dispatchEvent(new Event('online'))")
    tablet.wait_for_timeout(5_000)
    assert tries[before:] == []
    bar.get_by_text(SIGN_IN).wait_for()

    # Signing in from the bar; the next page load sends as usual.
    link.click()
    tablet.wait_for_url("**/sign-in*")
    tablet.get_by_label("Email address").fill("worker@example.org")
    tablet.get_by_label("Password").fill(DEMO_PASSWORD)
    tablet.get_by_role("button", name="Sign in").click()
    tablet.wait_for_url("**/returns")
    send_from_returns(tablet)
    [interview] = interviews_for(live_app, episode_id)
    assert interview.uuid == uuid
    assert interview.content["sections"]["away"]["text"] == "I stayed with a friend in Hull."
