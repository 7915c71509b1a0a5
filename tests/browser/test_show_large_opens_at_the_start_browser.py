""" "Show large" on a small screen, or with large text, is taller than the screen: it opened
scrolled to its Close button at the bottom (the browser focuses the first thing that takes
focus), so the child began reading halfway through the question (an accessibility probe: up to
1,127 px above the screen at 200% text). It opens at the question's first word, and the
question, not the button, has focus."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import sign_in, start_online, to_part

pytestmark = pytest.mark.browser

# A small phone: shorter than a question shown large.
SHORT = {"width": 320, "height": 480}


def test_show_large_opens_at_the_first_word_of_the_question(page, new_return):
    episode_id = new_return("Oriel")
    page.set_viewport_size(SHORT)
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    start_online(page, episode_id)
    to_part(page, "While away")
    page.get_by_role("button", name="Show large").first.click()
    dialog = page.locator("#prompt-dialog")
    expect(dialog).to_be_visible()
    shown = page.evaluate(
        """() => {
            const dialog = document.getElementById("prompt-dialog");
            const text = document.getElementById("prompt-dialog-text");
            return {
                taller: dialog.scrollHeight > dialog.clientHeight,
                scrolled: dialog.scrollTop,
                top: text.getBoundingClientRect().top,
                dialogTop: dialog.getBoundingClientRect().top,
                focused: document.activeElement?.id ?? null,
            };
        }"""
    )
    assert shown["taller"], shown  # the case the probe found: more than one screen
    assert shown["scrolled"] == 0 and shown["top"] >= shown["dialogTop"] >= 0, shown
    assert shown["focused"] == "prompt-dialog-text", shown
    # Closed with Escape: the worker is back on the button that opened it.
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
