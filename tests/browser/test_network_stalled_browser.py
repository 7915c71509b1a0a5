"""A network that takes connections and answers nothing (one bar of signal, Wi-Fi with no
internet): the browser believes it is online, so no request fails, it only waits. A tablet probe
opened Returns on such a network and had a blank screen after 90 seconds; the page the tablet
keeps never came. The service worker now gives a page a few seconds (sw.js PAGE_WAIT_MS) and
then opens the kept frame, as with no network at all; from a kept frame a tap stays on the
tablet's pages unless the server answers (router.js), so the PIN is asked once, not per tap.
(Filling a page from the tablet on such a network is still slower than with none.)"""

from __future__ import annotations

import pytest

from tests.browser.helpers import PIN, filled, tablet_ready

pytestmark = pytest.mark.browser


def test_a_network_that_answers_nothing_opens_the_kept_page_in_seconds(page, relay):
    tablet_ready(page)
    relay.stall()
    try:
        tablet = page.context.new_page()
        # Before, the page never came: goto waited past its 30 seconds on a blank screen.
        tablet.goto("/returns", timeout=30_000)
        # The kept frame, asking for the PIN to open what the tablet keeps.
        tablet.get_by_text("No connection:").first.wait_for(timeout=20_000)
        tablet.get_by_label("PIN", exact=True).wait_for(timeout=20_000)
    finally:
        reached = relay.restore()
    assert reached == [], (
        f"requests reached the server while the network answered nothing: {reached}"
    )


def test_on_such_a_network_a_tap_stays_on_the_tablet_and_asks_no_pin_again(page, relay, new_return):
    """Before, each tap loaded a page: the kept frame came after the service worker's wait, and
    asked for the PIN again, as a page load forgets the store's key."""
    new_return("Stella")
    tablet_ready(page)
    relay.stall()
    try:
        tablet = page.context.new_page()
        tablet.goto("/returns", timeout=30_000)
        tablet.get_by_label("PIN", exact=True).fill(PIN)
        tablet.get_by_role("button", name="Continue").click()
        filled(tablet)
        tablet.get_by_role("link", name="Stella Testchild").click()
        tablet.wait_for_url("**/episodes/*", timeout=15_000)
        tablet.get_by_role("heading", level=1, name="Stella Testchild").wait_for(timeout=15_000)
        filled(tablet)
        assert not tablet.get_by_label("PIN", exact=True).filter(visible=True).count()
        assert tablet.evaluate("performance.getEntriesByType('navigation').length") == 1
    finally:
        reached = relay.restore()
    assert reached == [], (
        f"requests reached the server while the network answered nothing: {reached}"
    )
