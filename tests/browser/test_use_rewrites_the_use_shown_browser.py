""" "Use <better words>" rewrites the use of a phrase that was shown (a probe: with the first
use kept as a quote and the same words written again, the tap rewrote the kept first use and
left the one asked about as it was, and the review counted it as changed to suggested wording).
The kept use stays exactly as the worker wrote it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import sign_in, start_online, to_part

pytestmark = pytest.mark.browser

PHRASE = "was putting herself at risk"
FIRST = f"FIRST: mum says she {PHRASE}."
AGAIN = FIRST + f" SECOND: on Sunday she {PHRASE} again."
BETTER = "was being exposed to risk by [person or place]"
REWRITTEN = FIRST + f" SECOND: on Sunday she {BETTER} again."
SAVED = re.compile(r"^Saved")
ONE_KEPT_ONE_CHANGED = (
    "0 flagged phrases left as written; 1 kept by the worker with \u201cKeep my words\u201d "
    "(0 with a reason given); 1 changed to suggested wording."
)


@pytest.mark.parametrize("where", ["beside the page", "on the page's own thread"])
def test_use_rewrites_the_use_shown_not_the_one_kept(page, new_return, where):
    if where == "on the page's own thread":
        # A browser where the worker cannot run: the page checks and rewrites by itself.
        page.add_init_script("delete window.Worker")
    episode_id = new_return("Philippa")
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    start_online(page, episode_id)
    to_part(page, "While away")
    box = page.get_by_label("What Philippa said")
    flags = page.locator("#in-sections-away-text-flags")

    # The first use kept (it is mum's words), then the same words written again.
    box.fill(FIRST)
    flags.get_by_text("1 wording suggestion").wait_for()
    flags.get_by_role("button", name="Keep my words").click()
    page.get_by_label("Kept your words. Why? (optional)").wait_for()
    page.wait_for_timeout(600)  # the check has run again on the words as they are
    assert "wording suggestion" not in flags.inner_text()
    box.focus()
    box.press("End")
    box.press_sequentially(AGAIN[len(FIRST) :], delay=5)
    flags.get_by_text("1 wording suggestion").wait_for()

    # The one suggestion shown is for the second use: the tap rewrites that one.
    flags.get_by_role("button", name=f"Use \u201c{BETTER}\u201d").click()
    expect(box).to_have_value(REWRITTEN)
    page.wait_for_timeout(600)
    assert "wording suggestion" not in flags.inner_text()
    page.locator("#meta-sections-away-text .save-status").get_by_text(SAVED).wait_for()

    page.reload()
    assert page.get_by_label("What Philippa said").input_value() == REWRITTEN
    to_part(page, "Review and finish")
    said = " ".join(page.locator("main").inner_text().split())
    assert f"Writing check: {ONE_KEPT_ONE_CHANGED}" in said
