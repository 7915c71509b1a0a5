"""The Returns list refreshes itself every minute, so "hours left" stays true on a tablet left
open. An accessibility probe (WCAG 2.2.2) found it rebuilding every card and the count line each
minute even when nothing had changed: a screen-reader user reading the cards lost their place
every minute, with no way to stop it, and the count's live region was replaced with the list,
so a changed count was not reliably announced.

Now the minute's request still goes (marked as the page's own, so it never counts as the worker
being active), but the list is put in only when what it shows has changed; the count is
announced from a live region outside the list, only when it changes; and "Pause automatic
updates" stops the requests until pressed again."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser

MINUTE = 61_000

# Every live region outside the list, kept in the page to compare with after a refresh.
KEEP_LIVE_REGIONS = """() => { window.liveBefore = [...document.querySelectorAll(
  '[aria-live], [role=status], [role=alert]')].filter((el) => !el.closest('#returns')); }"""

# The live region outside the list that says `words`, if it was there before the refresh.
SAID_BY_A_KEPT_REGION = """(words) => [...document.querySelectorAll(
  '[aria-live], [role=status], [role=alert]')]
  .filter((el) => !el.closest('#returns') && el.textContent.trim() === words)
  .some((el) => window.liveBefore.includes(el))"""


# What the region that said `words` says from now on.
LISTEN_TO_THE_COUNT = """(words) => {
  const region = [...document.querySelectorAll('[aria-live], [role=status], [role=alert]')]
    .find((el) => el.textContent.trim() === words);
  window.saidSince = [];
  new MutationObserver(() => window.saidSince.push(region.textContent))
    .observe(region, {childList: true, characterData: true, subtree: true});
}"""


def refreshes_of(page) -> list[str]:
    """The URLs of the list's own requests (htmx marks them), from now on."""
    urls: list[str] = []
    page.on(
        "request",
        lambda r: urls.append(r.url) if r.headers.get("hx-request") == "true" else None,
    )
    return urls


def open_returns(page) -> None:
    page.clock.install()  # the page's timers on a clock the test moves on
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    page.locator("#returns li.card").first.wait_for()


def a_minute_passes(page) -> None:
    """The minute's refresh: its request answered and whatever it does to the page done."""
    with page.expect_response(
        lambda r: "/returns" in r.url and r.request.headers.get("hx-request") == "true"
    ):
        page.clock.run_for(MINUTE)
    page.wait_for_timeout(300)
    page.clock.run_for(100)  # htmx's settling step, on the page's (test-moved) clock


def waiting_count(page):
    """The line "N returns waiting, M overdue." """
    return page.locator("#returns .count").filter(has_text="waiting")


def listed(page, first_name: str):
    return page.locator("#returns").get_by_role("link", name=re.compile(first_name))


def still_there(page, handle) -> bool:
    return page.evaluate("(el) => document.contains(el)", handle)


def test_the_list_is_left_as_it_is_when_nothing_changed(page, new_return):
    new_return("Pollstill")
    open_returns(page)
    refreshes = refreshes_of(page)
    card = page.locator("#returns li.card").first
    card.scroll_into_view_if_needed()  # reading it, as a screen reader's cursor would be
    card_node = card.element_handle()
    count_node = waiting_count(page).element_handle()
    page.evaluate(KEEP_LIVE_REGIONS)

    a_minute_passes(page)

    assert len(refreshes) == 1
    # Still marked as the page's own request, so it never keeps a session alive on its own.
    assert "background=1" in refreshes[0]
    assert still_there(page, card_node), "the card was replaced though nothing changed"
    assert still_there(page, count_node)


def test_a_new_return_is_shown_and_the_new_count_said_once(page, new_return):
    new_return("Pollfirst")
    open_returns(page)
    refreshes = refreshes_of(page)
    card_node = page.locator("#returns li.card").first.element_handle()
    page.evaluate(KEEP_LIVE_REGIONS)

    new_return("Pollsecond")
    a_minute_passes(page)

    assert len(refreshes) == 1
    expect(listed(page, "Pollsecond")).to_be_visible()
    assert not still_there(page, card_node)
    count_line = waiting_count(page).inner_text().strip()
    # Said by a live region that was on the page before the refresh, outside the list.
    assert page.evaluate(SAID_BY_A_KEPT_REGION, count_line)

    # Nothing changed since: the list stays, and the count is not said again.
    card_node = page.locator("#returns li.card").first.element_handle()
    page.evaluate(LISTEN_TO_THE_COUNT, count_line)
    a_minute_passes(page)
    assert still_there(page, card_node)
    assert page.evaluate("() => window.saidSince") == []


def test_pause_stops_the_updates_until_pressed_again(page, new_return):
    new_return("Pollpause")
    open_returns(page)
    refreshes = refreshes_of(page)
    pause = page.get_by_role("button", name="Pause automatic updates")
    expect(pause).to_have_attribute("aria-pressed", "false")
    pause.click()
    expect(pause).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_text("Automatic updates are paused")).to_be_visible()

    page.clock.run_for(3 * MINUTE)
    page.wait_for_timeout(500)
    assert refreshes == []

    # Pressed again: the list is brought up to date at once, then every minute again.
    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
        pause.click()
    expect(pause).to_have_attribute("aria-pressed", "false")
    expect(page.get_by_text("Automatic updates are paused")).to_be_hidden()
    a_minute_passes(page)
    assert len(refreshes) == 2 and all("background=1" in url for url in refreshes)


def test_focus_on_a_card_stays_there_and_is_not_taken_back_later(page, new_return):
    """The list still waits while focus is in it (at most five minutes). Refreshed then with
    nothing changed, the card keeps its focus, the same element; and once the worker has moved
    on, a later change to the list does not pull the focus back to that card."""
    new_return("Pollfocus")
    open_returns(page)
    refreshes = refreshes_of(page)
    link = page.locator("#returns .card-title a").first
    link.focus()
    link_node = link.element_handle()
    card_id = link.get_attribute("id")
    shown = "() => document.querySelector('[data-keeps-focus]').dataset.shown"
    shown_before = page.evaluate(shown)

    page.clock.run_for(MINUTE)
    page.wait_for_timeout(300)
    assert refreshes == []  # put off while focus is in the list
    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
        page.clock.run_for(5 * 60_000)
    page.wait_for_timeout(300)
    assert len(refreshes) == 1
    # Focus stays on the card in every case; with nothing changed it is the very element (not
    # redrawn). The server's clock is real: a card's "N hours M minutes" can turn over in the
    # seconds the test takes (one CI run), and the list is then redrawn, the card given its
    # focus again (app.js data-keeps-focus).
    assert page.evaluate("() => document.activeElement.id") == card_id
    if page.evaluate(shown) == shown_before:
        assert page.evaluate("(el) => document.activeElement === el", link_node)

    page.evaluate("document.activeElement.blur()")
    new_return("Pollfocusnew")
    a_minute_passes(page)
    assert len(refreshes) == 2
    expect(listed(page, "Pollfocusnew")).to_be_visible()
    assert page.evaluate("!document.activeElement || document.activeElement === document.body")
