"""Keyboard focus after a page changes itself, and pages on a 320 px screen (WCAG 2.2: 2.4.3
focus order, 1.4.10 reflow), in Chromium.

Before: adding a place (or removing one) left focus on the page itself, so the next Tab
skipped the new entry's boxes; the Returns list's refresh every minute threw focus back to the
top of the page; at 320 px the Returns page was 360 px wide and an interview part with
suggested questions up to 466 px."""

from __future__ import annotations

import pytest

from tests.browser.helpers import set_up_pin, sign_in, start_online, to_part, until

pytestmark = pytest.mark.browser

WIDER_THAN_THE_SCREEN = "() => document.documentElement.scrollWidth - window.innerWidth"
FOCUSED = """() => {
  const e = document.activeElement;
  return {tag: e.tagName, id: e.id, inEntry: Boolean(e.closest('fieldset.item')),
          adds: e.hasAttribute('data-add-entry')};
}"""


def test_adding_and_removing_a_place_by_keyboard_keeps_focus_where_the_work_is(page, new_return):
    episode_id = new_return("Keyla")
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    start_online(page, episode_id)
    to_part(page, "What we found")
    add = page.get_by_role("button", name="Add a place")
    add.focus()
    page.keyboard.press("Enter")
    page.locator("#list-places fieldset.item").first.wait_for()
    until(page, "() => document.activeElement.closest('fieldset.item') !== null")
    assert page.evaluate(FOCUSED)["inEntry"]  # on the new place's first box, not the page
    page.keyboard.type("Beeston Park")
    page.get_by_role("button", name="Remove place 1").focus()
    page.keyboard.press("Enter")
    until(page, "() => document.querySelector('#list-places fieldset.item') === null")
    until(page, "() => document.activeElement.hasAttribute('data-add-entry')")
    assert page.evaluate(FOCUSED)["adds"]


def test_the_returns_list_refreshing_itself_leaves_focus_on_the_card(page, new_return):
    new_return("Refresha")
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    link = page.locator("ul.cards .card-title a").first
    link.focus()
    focused = page.evaluate(FOCUSED)["id"]
    assert focused.startswith("card-")
    # The minute's refresh, as its trigger makes it (hx-get on #returns, inner HTML swapped).
    page.evaluate(
        """() => new Promise((done) => {
             document.body.addEventListener('htmx:afterSettle', () => done(), {once: true});
             const el = document.getElementById('returns');
             htmx.ajax('GET', el.getAttribute('hx-get'), {target: el, swap: 'innerHTML'});
           })"""
    )
    assert page.evaluate(FOCUSED)["id"] == focused


@pytest.mark.parametrize("part", ["Before you left", "In your own words"])
def test_a_320_pixel_screen_never_scrolls_sideways(page, new_return, part):
    episode_id = new_return(f"Narrow{part.split()[0]}")
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    assert page.evaluate(WIDER_THAN_THE_SCREEN) <= 0
    start_online(page, episode_id)
    to_part(page, part)
    assert page.evaluate(WIDER_THAN_THE_SCREEN) <= 0


def test_an_empty_outcome_focuses_the_summary_led_by_the_first_choice_in_error(page, new_return):
    episode_id = new_return("Emptia")
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    page.goto(f"/episodes/{episode_id}")
    page.get_by_text("Record the outcome", exact=True).click()
    page.get_by_role("button", name="Save the outcome").click()
    until(page, "() => document.querySelector('.field-error') !== null")
    # "There is a problem" at the top of the panel takes the focus; its first line is the
    # choice of outcome (a group of radios), the first field in error on the page.
    until(page, "() => document.activeElement.classList.contains('error-summary')")
    first = page.locator("#interview-panel .error-summary a").first
    assert first.get_attribute("href") == "#return_outcome"


def test_a_start_refused_for_a_missing_answer_says_so_at_the_top_and_focuses_there(
    page, new_return
):
    episode_id = new_return("Startia")
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    page.goto(f"/episodes/{episode_id}")
    page.get_by_label("How you offered it").select_option("visit")
    page.get_by_role("button", name="Start the interview now").click()  # no answer chosen
    summary = page.locator(".error-summary")
    summary.wait_for()
    assert page.title().startswith("Error: ")
    until(page, "() => document.activeElement.classList.contains('error-summary')")
    link = summary.get_by_role("link").first
    assert "answer" in link.inner_text().lower()
    link.click()  # to the field in error
    target = link.get_attribute("href")
    assert page.locator(target).count() == 1


def test_after_setting_a_pin_focus_is_on_what_the_bar_says(page):
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    set_up_pin(page)
    until(page, "() => document.activeElement.hasAttribute('data-message')")
    said = page.evaluate("() => document.activeElement.textContent")
    assert "This tablet now keeps your notes safe" in said
