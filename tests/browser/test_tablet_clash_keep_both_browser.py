"""A change kept on the tablet offline that meets another device's save is chosen in a panel
(static/js/choices.js). Its note was the page's clash box's paragraph, which (since "Keep both"
came to that box) told the worker to press a button the panel did not have and said "your words
are still in the box" of a box holding the other version; each of its two buttons threw one
account away (a review, rev38). The panel now says what it holds and offers "Keep both" for
words: what is saved, then the tablet's words, saved together."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import PIN, open_new_interview, set_up_pin, sign_in

pytestmark = pytest.mark.browser
SAVED = re.compile(r"^Saved")


def test_a_tablets_clash_over_words_can_keep_both_and_says_only_what_it_offers(
    page, browser, live_server
):
    open_new_interview(page, "Amara Okoye")
    set_up_pin(page)
    page.locator(".interview-nav").get_by_role("link", name="What would help").click()
    url = page.url
    page.context.set_offline(True)
    page.get_by_label("What Amara said").fill("More time with my aunt.")
    page.locator("#meta-sections-help-text").get_by_text("Kept on this tablet").wait_for()

    other = browser.new_context(base_url=live_server)
    manager = other.new_page()
    sign_in(manager, "manager@example.org")
    manager.wait_for_url("**/returns")
    manager.goto(urlsplit(url).path)
    manager.get_by_label("What Amara said").fill("Amara would like a mentor at school.")
    manager.locator("#meta-sections-help-text").get_by_text(SAVED).wait_for()

    page.context.set_offline(False)
    page.reload()
    bar = page.locator("#tablet-bar")
    bar.get_by_role("button", name="Send now").click()
    page.get_by_label("PIN", exact=True).fill(PIN)
    page.get_by_role("button", name="Continue").click()
    bar.get_by_text("Open the interview to choose what to keep").wait_for(timeout=20_000)
    bar.get_by_role("button", name="Show what needs your choice").click()
    choice = page.locator(".kept-choice")
    choice.wait_for()
    expect(choice).not_to_contain_text("Your words are still in the box")
    expect(choice).to_contain_text("What is saved now is in the box above.")
    choice.get_by_role("button", name="Keep both").click()
    both = "Amara would like a mentor at school.\n\nMore time with my aunt."
    box = page.get_by_label("What Amara said")
    expect(box).to_have_value(both)
    page.locator("#meta-sections-help-text .save-status").get_by_text(SAVED).wait_for()
    manager.reload()
    expect(manager.get_by_label("What Amara said")).to_have_value(both)
    other.close()
