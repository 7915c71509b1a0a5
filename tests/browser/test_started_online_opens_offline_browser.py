"""An interview started online on a tablet that keeps copies (a PIN set) opens with no signal
straight away, before anything in it is saved: the worker starts at the door and goes inside.

Before (a probe, tab35 item 1): the tablet kept its copy of an interview only 2 s after a save
answered. With the signal gone before the first save, the next part said "Not on this tablet",
and the return's page on the tablet said "Not yet offered" and offered "Start the interview now"
again: starting again made a second, empty interview to reconcile once back online.

Real Chromium and a real server; `context.set_offline(True)` cuts the relay to the server.
"""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import PIN, STORE, filled, start_online, tablet_ready

pytestmark = pytest.mark.browser


def open_with_no_signal(context, path: str):
    """A new tab on `path` with no signal, unlocked with the PIN."""
    tablet = context.new_page()
    tablet.goto(path)
    tablet.get_by_label("PIN", exact=True).fill(PIN)
    tablet.get_by_role("button", name="Continue").click()
    return tablet


def test_an_interview_started_online_opens_with_no_signal_before_any_save(
    page, live_app, new_return
):
    episode_id = new_return("Odessa")
    tablet_ready(page)
    start_online(page, episode_id)
    page.get_by_role("heading", name="Talking with Odessa").wait_for()
    uuid = page.url.split("/interviews/")[1].split("/")[0]

    # The few seconds it takes to walk inside: nothing typed, nothing saved. (What the tablet
    # keeps is looked at only to end the wait early; the test asserts what the worker sees.)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not page.evaluate(
        f"async () => (await {STORE}.ids()).some(({{ id }}) => id === 'copy:{uuid}')"
    ):
        page.wait_for_timeout(200)
    page.context.set_offline(True)

    # The next part, in a new tab (as after a reload, or a tab the browser let go of).
    part = open_with_no_signal(page.context, f"/interviews/{uuid}/away")
    # 20 s: the tablet fills the page once the PIN opens it (before: "Not on this tablet").
    expect(part.get_by_role("heading", name="Talking with Odessa")).to_be_visible(timeout=20_000)
    filled(part)
    expect(part.get_by_role("heading", name="Not on this tablet")).to_have_count(0)
    expect(part.get_by_label("What Odessa said")).to_be_visible()

    # The return's page knows the interview is started: no second start is offered.
    part.get_by_role("link", name="Back to Odessa Testchild's episode").click()
    part.get_by_role("heading", name="Odessa Testchild").wait_for()
    filled(part)
    expect(part.get_by_role("button", name="Continue the interview")).to_be_visible()
    expect(part.get_by_role("button", name="Start the interview now")).to_have_count(0)
    expect(part.get_by_text("Not yet offered")).to_have_count(0)
