"""Giving the tablet back from the child's view on a busy tablet, where the browser's Back takes
over a second to land (a traversal is asynchronous; it normally lands in milliseconds).

child-view.js leaves the child's view's own history entry with Back before the page is the
worker's again. It used to show the worker's view after 1 second whether or not Back had
landed: a tap on another part then pushed its entry first, Back landed after it, and the router
showed the part the worker had left (router.js restore), so the tap seemed to do nothing. CI
saw it as a 60-second wait for a part that never came (a probe, flake37, found why). Only
history.back is slowed here, by 1.3 seconds; nothing else changes."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import PIN, go_to, offline_on_the_return, start_interview

pytestmark = pytest.mark.browser

# Back, 1.3 seconds late; `__backLanded` says whether the last one has landed.
SLOW_BACK = """(() => {
  const back = History.prototype.back;
  History.prototype.back = function () {
    window.__backLanded = false;
    setTimeout(() => {
      window.addEventListener("popstate", () => { window.__backLanded = true; }, { once: true });
      back.call(this);
    }, 1300);
  };
})();"""

CHILD = "Morwenna"


def test_the_worker_gets_the_tablet_back_only_once_back_has_landed(page, new_return):
    page.context.add_init_script(SLOW_BACK)
    new_return(CHILD)
    tablet = offline_on_the_return(page, CHILD)
    start_interview(tablet, CHILD)
    go_to(tablet, "In your own words")
    tablet.get_by_role("button", name=f"Turn the tablet towards {CHILD}").click()
    expect(tablet.locator(".interview-nav")).not_to_be_visible()
    tablet.go_back()  # the child's view keeps Back: it asks for the PIN
    tablet.locator("#pin-dialog").get_by_role("button", name="Not now").click()
    tablet.get_by_role("button", name="Give the tablet back").click()
    tablet.get_by_label("PIN", exact=True).fill(PIN)
    tablet.get_by_role("button", name="Continue").click()
    tablet.locator(".interview-nav").wait_for(state="visible")
    # The worker's parts are there to tap only once Back has landed.
    assert tablet.evaluate("window.__backLanded") is True
    tablet.locator(".interview-nav").get_by_role("link", name="While away").click()
    current = tablet.locator(".interview-nav [aria-current=step]")
    expect(current).to_have_text("While away")
    expect(tablet).to_have_url(re.compile(r"/away$"))
