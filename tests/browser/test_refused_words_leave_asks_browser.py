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
    new_return("Berenike")
    open_new_interview(page, "Berenike Testchild")
    page.locator(".interview-nav").get_by_role("link", name="While away").click()
    box = page.get_by_label("What Berenike said")
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


def test_a_choice_settled_after_a_clash_leaves_without_asking(page, new_return):
    """A review: the refused radio button stayed "at risk" after "Use the other version" saved
    another one of the same choice, and every later tap asked."""
    new_return("Hypatia")
    open_new_interview(page, "Hypatia Testchild")
    page.locator(".interview-nav").get_by_role("link", name="Analysis and actions").click()
    page.wait_for_url("**/analysis")
    other = page.context.new_page()
    other.goto(page.url)
    other.get_by_label("Low risk of harm").check()
    other.locator("#meta-risk_view .save-saved").wait_for()
    other.close()
    page.get_by_label("High risk of harm").check()
    meta = page.locator("#meta-risk_view")
    meta.get_by_text("Not saved: this changed somewhere else").wait_for()
    meta.get_by_role("button", name="Use the other version").click()
    meta.locator(".save-saved").wait_for()
    asked = _asked(page)
    page.locator(".interview-nav").get_by_role("link", name="While away").click()
    page.wait_for_url("**/away")
    assert asked == []


def test_a_page_sent_back_refused_asks_before_leaving_and_its_form_sends_without_asking(
    page, live_app, new_return
):
    """A review: the read-back's changes box met another tab's words; "Save what they said"
    brought the page back refused, the words in the box, and a menu tap then left without
    asking (the refusal was drawn by the server, not seen by the page's script). Pressing the
    button itself, which sends the words, never asks."""
    from tests.browser.test_child_view_browser import started

    new_return("Marcheline")
    _, uuid = started(page, live_app, "Marcheline")
    page.goto(f"/interviews/{uuid}/read_back")
    other = page.context.new_page()
    other.goto(page.url)
    other.get_by_label("The changes Marcheline asked for, in their words").fill(
        "Another tab's words."
    )
    other.locator("#meta-read_back-changes .save-saved").wait_for()
    other.close()
    asked = _asked(page)
    page.get_by_label("I want changes").check()
    box = page.get_by_label("The changes Marcheline asked for, in their words")
    box.click()
    box.fill("Take out the bit about my mum.")
    page.get_by_role("button", name="Save what Marcheline said").click()
    page.wait_for_load_state("load")
    expect(page.get_by_label("The changes Marcheline asked for, in their words")).to_have_value(
        "Take out the bit about my mum."
    )
    assert asked == []  # sending the form asked nothing
    page.get_by_label("The changes Marcheline asked for, in their words").click()
    page.locator(".interview-nav").get_by_role("link", name="Review and finish").click()
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
