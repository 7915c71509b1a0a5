"""With no tablet PIN set, nothing of a child's is kept in the browser (it would be unencrypted):
words typed with no signal are only in the box until the network is back. A probe (worker38,
finding 3): the bar said "Nothing waiting to send" meanwhile, and a tap on the next part brought
the browser's own "Leave site?", whose "Leave" lost them. Now the bar says the words are not saved
yet, and a tap on another part keeps the worker on the page, saying why; back online the words
save as ever.

Real Chromium, a real server, the network really cut (tests/browser/relay.py): coming back
online fails the test if anything reached the server while it was cut.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import interviews_for, open_new_interview

pytestmark = pytest.mark.browser

SAVED = re.compile(r"^Saved")
NOT_SAVED = "Words on this page are not saved yet: stay on this page until you are back online."
STAYED = (
    "You are still on this page: words on it are not saved yet."
    " Stay on this page until you are back online."
)


def _leaves_when_asked(page) -> list[str]:
    """The worker taps "Leave" on any prompt the browser shows: what was shown."""
    asked: list[str] = []

    def answer(dialog) -> None:
        asked.append(dialog.type)
        dialog.accept()

    page.on("dialog", answer)
    return asked


def _on_what_would_help(page, first_name: str):
    episode_id = page.new_return(first_name)
    open_new_interview(page, f"{first_name} Testchild")
    page.locator(".interview-nav").get_by_role("link", name="What would help").click()
    page.wait_for_url("**/help")
    return episode_id, page.get_by_label(f"What {first_name} said")


@pytest.fixture
def tablet(page, new_return):
    """The test's page, signed in on a tablet with no PIN set (the PIN is optional)."""
    page.new_return = new_return
    return page


def test_words_typed_offline_without_a_pin_keep_the_worker_on_the_page(tablet, live_app):
    page = tablet
    episode_id, box = _on_what_would_help(page, "Philippa")
    bar = page.locator("#tablet-bar")
    expect(bar.get_by_role("button", name="Set a PIN to keep notes safe offline")).to_be_visible()
    box.click()
    box.press_sequentially("Philippa would like to see her nan more. ", delay=5)
    status = page.locator("#meta-sections-help-text .save-status")
    status.get_by_text(SAVED).wait_for()
    asked = _leaves_when_asked(page)

    page.context.set_offline(True)
    box.press_sequentially("She wants to live with her in Wrexham.", delay=5)
    words = "Philippa would like to see her nan more. She wants to live with her in Wrexham."
    expect(bar).to_contain_text(NOT_SAVED)
    expect(bar).not_to_contain_text("Nothing waiting to send")
    page.locator("#meta-sections-help-text").get_by_text("Not saved, retrying").wait_for()

    page.locator(".interview-nav").get_by_role("link", name="In your own words").click()
    message = bar.locator("[data-message]")
    expect(message).to_have_text(STAYED)
    expect(message).to_have_attribute("role", "status")
    expect(message).to_be_focused()
    page.wait_for_timeout(1000)  # time for any page load the tap began
    assert page.url.endswith("/help")
    assert asked == []  # held by the page, with its reason: not the browser's "Leave site?"
    expect(box).to_have_value(words)

    page.context.set_offline(False)  # and nothing reached the server while it was cut
    status.get_by_text(SAVED).wait_for(timeout=20_000)
    expect(bar).not_to_contain_text("not saved yet")
    expect(message).to_have_text("")
    [interview] = interviews_for(live_app, episode_id)
    assert interview.content["sections"]["help"]["text"] == words

    # Saved, the parts menu works as ever.
    page.locator(".interview-nav").get_by_role("link", name="In your own words").click()
    page.wait_for_url("**/own_words")
    assert asked == []
    page.go_back()
    expect(page.get_by_label("What Philippa said")).to_have_value(words)


def test_a_tap_away_straight_after_typing_offline_also_stays(tablet, live_app):
    """The first words typed with no signal are at risk at once: before the box's save (800 ms
    after the typing stops) has failed and said so, a tap left with them."""
    page = tablet
    episode_id, box = _on_what_would_help(page, "Gwenllian")
    box.click()
    box.press_sequentially("Gwenllian would like a mentor. ", delay=5)
    page.locator("#meta-sections-help-text .save-status").get_by_text(SAVED).wait_for()
    asked = _leaves_when_asked(page)

    page.context.set_offline(True)
    box.press_sequentially("At school.", delay=5)
    page.locator(".interview-nav").get_by_role("link", name="In your own words").click()
    bar = page.locator("#tablet-bar")
    expect(bar.locator("[data-message]")).to_have_text(STAYED)
    page.wait_for_timeout(1000)
    assert page.url.endswith("/help")
    assert asked == []
    expect(box).to_have_value("Gwenllian would like a mentor. At school.")

    page.context.set_offline(False)
    page.locator("#meta-sections-help-text .save-status").get_by_text(SAVED).wait_for(
        timeout=20_000
    )
    [interview] = interviews_for(live_app, episode_id)
    assert interview.content["sections"]["help"]["text"] == (
        "Gwenllian would like a mentor. At school."
    )
