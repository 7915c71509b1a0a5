"""The Returns page refreshes itself every minute, so "hours left" stays true on a tablet left
open. A probe found it swapping the list under someone working in it: a keyboard or
screen-reader user on a card's link was thrown back to the top of the page every minute. The
list waits while focus is in it (at most five minutes, then refreshes with the focus put back
on the same card), and refreshes at the next minute after they move on."""

from __future__ import annotations

import pytest

from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser


def test_the_returns_list_waits_while_focus_is_in_it(page, new_return):
    new_return("Focusa")
    page.clock.install()  # the page's timers on a clock the test moves on
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    refreshes: list[str] = []
    page.on(
        "request",
        lambda r: refreshes.append(r.url) if r.headers.get("hx-request") == "true" else None,
    )
    link = page.locator("#returns .card-title a").first
    link.focus()
    page.clock.run_for(61_000)
    page.wait_for_timeout(300)
    assert refreshes == []
    assert page.evaluate("document.activeElement.closest('#returns') !== null")

    # Put off at most five minutes (focus left on a card opened in another tab): then it
    # refreshes, and the focus is on the same card again.
    focused = link.get_attribute("id")
    link.evaluate("a => { a.dataset.before = '1'; }")  # the card as it was before the refresh
    # A list that changed meanwhile: one unchanged is no longer redrawn at all
    # (tests/browser/test_returns_polling_browser.py).
    new_return("Focusb")
    page.clock.run_for(5 * 60_000)
    page.wait_for_function(
        "(id) => document.activeElement && document.activeElement.id === id"
        " && !document.activeElement.dataset.before",
        arg=focused,
    )
    assert len(refreshes) == 1

    page.evaluate("document.activeElement.blur()")
    page.clock.run_for(61_000)
    page.wait_for_timeout(500)
    assert len(refreshes) == 2 and all("/returns" in url for url in refreshes)
