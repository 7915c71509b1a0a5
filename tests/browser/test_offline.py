"""Writing with no signal: changes are kept on the tablet, encrypted, and sent later.

Real Chromium, a real server on localhost, `context.set_offline(True)` cutting the page off.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    DUMP_INDEXEDDB,
    PIN,
    STORE,
    open_interview_of,
    open_new_interview,
    send_from_returns,
    set_up_pin,
    sign_in,
)

pytestmark = pytest.mark.browser

WORDS = "We slept in a car park in Hull. \u201cIt was freezing,\u201d he said. 😶 شكرا"


def test_words_written_offline_survive_closing_the_page_and_are_sent_once(page):
    open_new_interview(page, "Dylan McCarthy")
    set_up_pin(page)
    page.locator(".interview-nav").get_by_role("link", name="While away").click()
    interview_url = page.url

    page.context.set_offline(True)
    page.get_by_label("What Dylan said").fill(WORDS)
    page.locator("#meta-sections-away-text").get_by_text("Kept on this tablet").wait_for()
    bar = page.locator("#tablet-bar")
    bar.get_by_text("1 interview on this tablet waiting to send").wait_for()
    expect(bar.get_by_text("Offline: no connection")).to_be_visible()

    stored = page.evaluate(DUMP_INDEXEDDB)
    assert "sections.away.text" in stored  # the change is there...
    for fragment in ("car park", "Hull", "freezing", "شكرا"):
        assert fragment not in stored  # ...but none of the child's words in plain text

    # The tab is closed; later, with signal, the worker opens rhi again.
    context = page.context
    page.close()
    context.set_offline(False)
    again = context.new_page()
    send_from_returns(again)
    expect(again.locator("#tablet-bar").get_by_text("Nothing waiting to send")).to_be_visible()

    again.goto(interview_url)
    assert again.get_by_label("What Dylan said").input_value() == WORDS
    again.wait_for_load_state("networkidle")
    # Online with nothing waiting and a PIN set: the bar keeps quiet.
    assert again.locator("#tablet-bar").is_hidden()
    expect(again.get_by_role("button", name="Send now")).not_to_be_visible()
    assert "sections.away.text" not in again.evaluate(DUMP_INDEXEDDB)  # let go once sent


def test_a_wrong_pin_says_how_many_tries_are_left(page):
    open_new_interview(page, "Mohamed Abdi")
    set_up_pin(page)
    page.locator(".interview-nav").get_by_role("link", name="How you feel now").click()
    page.context.set_offline(True)
    page.get_by_label("What Mohamed said").fill("Tired.")
    page.locator("#meta-sections-after-text").get_by_text("Kept on this tablet").wait_for()
    page.context.set_offline(False)
    page.reload()
    page.locator("#tablet-bar").get_by_role("button", name="Send now").click()
    page.get_by_label("PIN", exact=True).fill("111111")
    page.get_by_role("button", name="Continue").click()
    page.get_by_text(re.compile(r"That PIN is not right\. 4 tries left")).wait_for(timeout=20_000)
    # Tied to the field, as every error is (an accessibility probe): marked invalid, and the
    # message is its description; typing again clears the mark.
    field = page.get_by_label("PIN", exact=True)
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(re.compile(r"^That PIN is not right\."))
    field.fill("2")
    expect(field).not_to_have_attribute("aria-invalid", "true")
    page.get_by_label("PIN", exact=True).fill(PIN)
    page.get_by_role("button", name="Continue").click()
    # Sent: the page reloads from the server, which now has the words.
    page.wait_for_function(
        "() => document.querySelector('#in-sections-after-text').value === 'Tired.'", timeout=20_000
    )


def _kept_change_meets_a_newer_save(page, browser, live_server, new_return, name: str):
    """A child's "What would help" written offline on the tablet ("More time with my aunt.")
    while the worker, online on another device, saves the same box ("She would like a mentor
    at school."); back online, sent, and the panel to choose opened. Returns the panel, and
    the other device's page (its context still open: close it after). A return of its own
    (`new_return`): the server lives all session, and a child's interview starts once."""
    open_interview_of(page, new_return(name))
    set_up_pin(page)
    page.locator(".interview-nav").get_by_role("link", name="What would help").click()
    url = page.url
    page.context.set_offline(True)
    page.get_by_label(f"What {name} said").fill("More time with my aunt.")
    page.locator("#meta-sections-help-text").get_by_text("Kept on this tablet").wait_for()

    other = browser.new_context(base_url=live_server)
    phone = other.new_page()
    sign_in(phone, "worker@example.org")
    phone.wait_for_url("**/returns")
    phone.goto(urlsplit(url).path)  # the same page, from another device on its own network
    phone.get_by_label(f"What {name} said").fill("She would like a mentor at school.")
    phone.locator("#meta-sections-help-text").get_by_text(re.compile(r"^Saved")).wait_for()

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
    return choice, phone


def test_a_kept_change_that_meets_a_newer_save_is_shown_and_chosen(
    page, browser, live_server, new_return
):
    choice, phone = _kept_change_meets_a_newer_save(
        page, browser, live_server, new_return, "Cosima"
    )
    phone.context.close()
    assert "More time with my aunt." in choice.inner_text()
    box = page.get_by_label("What Cosima said")
    assert box.input_value() == "She would like a mentor at school."  # nothing was overwritten
    choice.get_by_role("button", name="Use the words kept on this tablet").click()
    page.locator("#meta-sections-help-text").get_by_text(re.compile(r"^Saved")).wait_for()
    page.reload()
    assert page.get_by_label("What Cosima said").input_value() == "More time with my aunt."


def test_a_tablets_clash_over_words_can_keep_both_and_says_only_what_it_offers(
    page, browser, live_server, new_return
):
    """The panel's note was the page's clash box's paragraph, which (since "Keep both" came to
    that box) told the worker to press a button the panel did not have, and said "your words
    are still in the box" of a box holding the other version; each of its two buttons threw
    one account away (a review, rev38). It says what it holds and offers "Keep both" for words:
    what is saved, then the tablet's words, saved together."""
    choice, phone = _kept_change_meets_a_newer_save(
        page, browser, live_server, new_return, "Damaris"
    )
    expect(choice).not_to_contain_text("Your words are still in the box")
    expect(choice).to_contain_text("What is saved now is in the box above.")
    choice.get_by_role("button", name="Keep both").click()
    both = "She would like a mentor at school.\n\nMore time with my aunt."
    expect(page.get_by_label("What Damaris said")).to_have_value(both)
    status = page.locator("#meta-sections-help-text .save-status")
    status.get_by_text(re.compile(r"^Saved")).wait_for()
    phone.reload()
    expect(phone.get_by_label("What Damaris said")).to_have_value(both)
    phone.context.close()


def test_words_kept_after_the_interview_was_finished_become_a_correction(
    page, browser, live_server
):
    open_new_interview(page, "Zain Hussain")
    set_up_pin(page)
    page.locator(".interview-nav").get_by_role("link", name="How you feel now").click()
    review = urlsplit(page.url).path.rsplit("/", 1)[0] + "/review"
    page.context.set_offline(True)
    page.get_by_label("What Zain said").fill("Better now I've slept.")
    page.locator("#meta-sections-after-text").get_by_text("Kept on this tablet").wait_for()

    # Meanwhile the manager finishes the interview.
    other = browser.new_context(base_url=live_server)
    manager = other.new_page()
    sign_in(manager, "manager@example.org")
    manager.wait_for_url("**/returns")
    manager.goto(review)
    manager.get_by_role("button", name="Finish the interview").click()
    manager.get_by_text("Interview finished.").wait_for()
    other.close()

    page.context.set_offline(False)
    page.goto(review)
    bar = page.locator("#tablet-bar")
    bar.get_by_role("button", name="Send now").click()
    page.get_by_label("PIN", exact=True).fill(PIN)
    page.get_by_role("button", name="Continue").click()
    bar.get_by_role("button", name="Show what needs your choice").click()
    page.get_by_role("button", name="Add these words as a correction").click()
    page.get_by_text("Addendum added.").wait_for()
    addenda = page.locator("section[aria-labelledby=addenda-heading]").inner_text()
    assert (
        "Written on a tablet while offline (sections.after.text): Better now I've slept." in addenda
    )


def test_offline_after_closing_everything_the_worker_unlocks_and_carries_on(page):
    # Online: a PIN, then the Returns page keeps sealed copies of the worker's interviews.
    open_new_interview(page, "Jay Campbell")
    set_up_pin(page)
    context = page.context
    page.goto("/returns")
    page.wait_for_selector("body[data-copies-kept]", state="attached", timeout=20_000)
    stored = page.evaluate(DUMP_INDEXEDDB)
    assert "Campbell" not in stored and "Jayden" not in stored  # copies are sealed too

    # Everything closed; later, with no signal, rhi is opened again: the same Returns page,
    # filled from the tablet once the PIN is given.
    page.close()
    context.set_offline(True)
    tablet = context.new_page()
    tablet.goto("/returns")
    tablet.get_by_label("PIN", exact=True).fill(PIN)
    tablet.get_by_role("button", name="Continue").click()
    tablet.get_by_role("heading", name="Returns waiting for an interview").wait_for()
    tablet.get_by_text("No connection: this is what is kept on this tablet").wait_for()
    # Moving around what is kept needs the PIN once, not on every page.
    tablet.get_by_role("link", name="Jay Campbell").click()
    tablet.get_by_role("button", name="Continue the interview").click()
    tablet.get_by_role("heading", name="Talking with Jay").wait_for()
    tablet.locator(".interview-nav").get_by_role("link", name="While away").click()
    tablet.get_by_role("heading", name="While you were away").wait_for()
    assert "Show large" in tablet.locator(".prompts").inner_text()
    box = tablet.get_by_label("What Jay said")
    box.fill("A man drove me to Doncaster and kept my phone.")
    tablet.locator("#meta-sections-away-text").get_by_text("Kept on this tablet").wait_for()
    assert "Doncaster" not in tablet.evaluate(DUMP_INDEXEDDB)

    # The store locks (as it does after 15 idle minutes); an unlocked page coming back online
    # would send on its own, which is right but would race this test.
    tablet.evaluate(f"async () => {STORE}.lock()")
    # Back online: sent once, and the server has every word.
    context.set_offline(False)
    send_from_returns(tablet)
    tablet.get_by_role("link", name="Jay Campbell").click()
    tablet.get_by_role("link", name="Continue the interview").click()
    tablet.locator(".interview-nav").get_by_role("link", name="While away").click()
    assert (
        tablet.get_by_label("What Jay said").input_value()
        == "A man drove me to Doncaster and kept my phone."
    )


def test_a_pin_box_is_marked_only_while_what_is_said_is_about_it(page, new_return):
    """A review: after "The two PINs are different", the second box stayed marked invalid once
    they matched, and was then described by a message about the connection."""
    new_return("Lowenna")
    open_new_interview(page, "Lowenna Testchild")
    page.locator("#tablet-bar").get_by_role(
        "button", name="Set a PIN to keep notes safe offline"
    ).click()
    first, again = page.get_by_label("PIN", exact=True), page.get_by_label("PIN again")
    first.fill("123456")
    again.fill("654321")
    page.get_by_role("button", name="Continue").click()
    page.get_by_text("The two PINs are different. Type them again.").wait_for()
    expect(again).to_have_attribute("aria-invalid", "true")
    first.fill("654321")  # put right in the other box
    page.context.set_offline(True)
    page.get_by_role("button", name="Continue").click()
    page.get_by_text("rhi needs a connection to check the PIN").wait_for(timeout=20_000)
    expect(again).not_to_have_attribute("aria-invalid", "true")
    expect(first).not_to_have_attribute("aria-invalid", "true")
    page.context.set_offline(False)
