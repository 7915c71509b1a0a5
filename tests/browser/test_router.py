"""With no signal, rhi's pages move in-page (rhi/static/js/router.js): no page loads, so the key
that opens the tablet's store stays in memory. Back and Forward move through the pages visited,
each showing its own content again, and the same address is never pushed twice in a row (which
once trapped the worker: every Back pushed the page again).

Real Chromium, a real server on localhost, `context.set_offline(True)` cutting the page off.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import filled, open_offline, tablet_ready

pytestmark = pytest.mark.browser

RETURNS = "Returns waiting for an interview"


def shows(tablet, path: str, heading: str) -> None:
    """The address is `path` and the page shown is that page, filled from the tablet."""
    expect(tablet).to_have_url(re.compile(re.escape(path) + "$"))
    expect(tablet.locator("main h1")).to_contain_text(heading)
    filled(tablet)


def entries(tablet) -> int:
    return tablet.evaluate("() => history.length")


def test_back_and_forward_move_through_the_offline_pages_visited(page, new_return):
    rosalind = new_return("Rosalind")
    philippa = new_return("Philippa")
    tablet_ready(page)
    context = page.context
    page.close()
    context.set_offline(True)
    tablet = open_offline(context)  # the Returns list, loaded from the shell cache, unlocked
    shows(tablet, "/returns", RETURNS)
    # A page load would lose this (and ask for the PIN again).
    tablet.evaluate("() => { window.sameDocument = true; }")
    first = entries(tablet)

    # Three pages visited, each from a link: one history entry each.
    tablet.get_by_role("link", name="Rosalind Testchild").click()
    shows(tablet, f"/episodes/{rosalind}", "Rosalind Testchild")
    tablet.get_by_role("navigation", name="Main").get_by_role("link", name="On this tablet").click()
    shows(tablet, "/returns", RETURNS)
    tablet.get_by_role("link", name="Philippa Testchild").click()
    shows(tablet, f"/episodes/{philippa}", "Philippa Testchild")
    assert entries(tablet) == first + 3

    # Back twice and Forward once: each entry shows its own page again.
    tablet.go_back()
    shows(tablet, "/returns", RETURNS)
    tablet.go_back()
    shows(tablet, f"/episodes/{rosalind}", "Rosalind Testchild")
    expect(tablet.locator("main h1")).not_to_contain_text("Philippa")
    tablet.go_forward()
    shows(tablet, "/returns", RETURNS)
    assert entries(tablet) == first + 3  # moving through history added nothing to it
    assert tablet.evaluate("() => window.sameDocument") is True  # and loaded no page

    # A link to the page shown adds no entry: Back goes to the page before, not to this again.
    tablet.get_by_role("navigation", name="Main").get_by_role("link", name="On this tablet").click()
    tablet.go_back()
    shows(tablet, f"/episodes/{rosalind}", "Rosalind Testchild")
    tablet.go_forward()
    shows(tablet, "/returns", RETURNS)
    tablet.go_forward()
    shows(tablet, f"/episodes/{philippa}", "Philippa Testchild")
    assert entries(tablet) == first + 3
    assert tablet.evaluate("() => window.sameDocument") is True
