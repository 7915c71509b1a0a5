"""Words the server refused stay in the box, and the box says so ("your words are still in the
box"): leaving the page then asks first. A probe: after a clash with another tab, or words too
long to save, a tap on the interview's menu took the words with it, without a word, and the
versions page had nothing to choose. Once saved, leaving asks nothing.

Real Chromium, a real server.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import open_new_interview

pytestmark = pytest.mark.browser


def _asked(page) -> list[str]:
    asked: list[str] = []

    def answer(dialog) -> None:
        asked.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    return asked


def test_words_too_long_to_save_are_not_left_behind_without_asking(page, new_return):
    new_return("Perpetua")
    open_new_interview(page, "Perpetua Testchild")
    page.locator(".interview-nav").get_by_role("link", name="While away").click()
    box = page.get_by_label("What Perpetua said")
    box.click()
    words = "She stayed at the station. " + "x" * 50_000
    box.fill(words)
    page.locator("#meta-sections-away-text").get_by_text("This is too long to save").wait_for()
    asked = _asked(page)

    page.locator(".interview-nav").get_by_role("link", name="How you feel now").click()
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    assert page.url.endswith("/away")
    expect(box).to_have_value(words)

    box.fill("She stayed at the station.")
    page.locator("#meta-sections-away-text .save-saved").wait_for()
    page.locator(".interview-nav").get_by_role("link", name="How you feel now").click()
    page.wait_for_url("**/after")
    assert asked == ["beforeunload"]  # not asked again: nothing was left unsaved


def test_words_that_met_another_tabs_are_not_left_behind_without_asking(page, new_return):
    new_return("Leontyne")
    open_new_interview(page, "Leontyne Testchild")
    page.locator(".interview-nav").get_by_role("link", name="While away").click()
    other = page.context.new_page()
    other.goto(page.url)
    other.get_by_label("What Leontyne said").fill("Leontyne stayed with her cousin.")
    other.locator("#meta-sections-away-text .save-saved").wait_for()
    other.close()

    mine = page.get_by_label("What Leontyne said")
    mine.click()
    mine.fill("She slept at the bus station.")
    meta = page.locator("#meta-sections-away-text")
    meta.get_by_text("Not saved: this changed somewhere else").wait_for()
    asked = _asked(page)
    page.locator(".interview-nav").get_by_role("link", name="How you feel now").click()
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    assert page.url.endswith("/away")
    expect(mine).to_have_value("She slept at the bus station.")
