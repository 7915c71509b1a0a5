"""The offline pages read as the pages online do (a tablet probe):

- A name filled in on the tablet keeps the space beside it in links and buttons drawn as flex
  boxes (the breadcrumb read "Back toZain"), and those links stay a finger's size.
- The "No connection" note says when the signal is back, with a way to load the page from the
  server, and says "No connection" again when it goes.
- The bar's "Not sent (<child's name>): ..." goes when the tablet locks, and comes back with
  the PIN: no child's name on a locked tablet.
- A time recorded on the tablet is written as every page writes one ("6 Nov 2026 18:06"), not
  "06/11/2026 18:06".

Real Chromium, a real server on localhost, `context.set_offline(True)` cutting the network.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from rhi import timefmt
from tests.browser.helpers import (
    PIN,
    STORE,
    filled,
    offline_on_the_return,
    open_offline,
    send_with_pin,
    start_interview,
    tablet_ready,
    until,
    written_offline,
)

pytestmark = pytest.mark.browser

# Each link and button drawn as a flex box that holds a filled-in blank, shown: the words as
# they read on the screen (innerText, where a break between flex items is a new line, and a
# space dropped at one's edge is gone), and as they are written (textContent).
FILLED_LINKS = """() => [...document.querySelectorAll('#main a, #main button')]
    .filter((el) => el.querySelector('[data-fill]') && el.getClientRects().length
        && getComputedStyle(el).display.includes('flex'))
    .map((el) => ({ shown: el.innerText.replace(/\\n/g, ''),
        written: el.textContent.replace(/\\s+/g, ' ').trim(),
        height: el.getBoundingClientRect().height }))"""


def _names_read_as_written(tablet) -> list[str]:
    links = tablet.evaluate(FILLED_LINKS)
    assert links, "no link or button with a filled-in name on this page"
    for link in links:
        assert link["shown"] == link["written"]
        assert link["height"] >= 44
    return [link["shown"] for link in links]


def test_a_name_filled_in_offline_keeps_its_spaces_in_links_and_buttons(page, new_return):
    new_return("Zain")
    tablet_ready(page)
    context = page.context
    page.close()
    context.set_offline(True)
    tablet = open_offline(context)
    assert "Zain Testchild" in _names_read_as_written(tablet)  # the Returns list's card

    tablet.get_by_role("link", name="Zain Testchild").click()
    tablet.get_by_role("heading", name="Zain Testchild").wait_for()
    filled(tablet)
    start_interview(tablet, "Zain")
    crumb = tablet.locator(".breadcrumb a")
    assert crumb.inner_text() == "Back to Zain Testchild's episode"
    # Its name as a screen reader says it too ("Zain Testchild 's" with a blank drawn as
    # display: contents).
    expect(
        tablet.get_by_role("link", name="Back to Zain Testchild's episode", exact=True)
    ).to_be_visible()
    assert "Back to Zain Testchild's episode" in _names_read_as_written(tablet)


def _note_says(tablet, words: str) -> None:
    expect(tablet.locator("[data-shell-note]")).to_contain_text(words)


def test_the_page_says_when_the_signal_is_back_and_offers_to_load_it(page, new_return):
    new_return("Yara")
    tablet = offline_on_the_return(page, "Yara")
    context = tablet.context
    main = tablet.locator("#main")
    _note_says(tablet, "No connection")

    context.set_offline(False)
    _note_says(tablet, "Back online")
    assert "No connection" not in main.inner_text()
    expect(main.get_by_role("link", name="Load this page again")).to_be_visible()

    # Gone again: it says so again.
    context.set_offline(True)
    _note_says(tablet, "No connection")
    expect(main.get_by_role("link", name="Load this page again")).to_have_count(0)

    # Locked, the page says so in place of the page, and keeps its way back when the signal
    # comes: words typed before the lock wait in this page's memory for the PIN, and a load
    # of the page would lose them (a review: "Back online" had taken the button's place).
    tablet.evaluate(f"async () => {STORE}.lock()")
    expect(main.get_by_text("What is kept on this tablet is locked with your PIN.")).to_be_visible()
    context.set_offline(False)
    until(tablet, "() => navigator.onLine")  # and its "online" event heard, at once
    expect(main.get_by_role("button", name="Open what is kept on this tablet")).to_be_visible()
    expect(main.get_by_role("link", name="Load this page again")).to_have_count(0)
    context.set_offline(True)
    main.get_by_role("button", name="Open what is kept on this tablet").click()
    tablet.get_by_label("PIN", exact=True).fill(PIN)
    tablet.get_by_role("button", name="Continue").click()
    filled(tablet)
    _note_says(tablet, "No connection")

    # Back online, the link loads the page from the server: no note, the page as online.
    path = tablet.evaluate("() => location.pathname")
    context.set_offline(False)
    _note_says(tablet, "Back online")
    main.get_by_role("link", name="Load this page again").click()
    expect(tablet.locator("[data-shell-note]")).to_have_count(0)
    expect(tablet.get_by_role("heading", level=1)).to_contain_text("Yara Testchild")
    expect(tablet.get_by_text("Missing since")).to_be_visible()  # only online
    assert tablet.evaluate("() => location.pathname") == path


UPLOADS = "/sync/v1/interviews"
REFUSED = "An interview can only be recorded once the child is back."


def _refuse(route) -> None:
    """The upload API's answer for an item refused as it stands (rhi/sync: kept, not sent
    again until changed)."""
    [item] = json.loads(route.request.post_data or "{}")["items"]
    result = {"uuid": item["uuid"], "outcome": "rejected", "drop": False, "messages": [REFUSED]}
    route.fulfill(
        status=200, content_type="application/json", body=json.dumps({"results": [result]})
    )


def test_the_bar_stops_naming_the_child_when_the_tablet_locks(page, new_return):
    new_return("Zora")
    tablet, _ = written_offline(page, "Zora")
    tablet.route(f"**{UPLOADS}", _refuse)
    bar = send_with_pin(tablet)
    said = f"Not sent (Zora Testchild): {REFUSED}"
    expect(bar.get_by_text(said)).to_be_visible(timeout=30_000)

    # Left alone: as after RHI_DEVICE_IDLE_MINUTES, here 1.2 seconds.
    tablet.evaluate(f"async () => {STORE}.setIdleLock(0.02)")
    until(tablet, f"async () => (await {STORE}.state()) === 'locked'")
    tablet.evaluate(f"async () => {STORE}.setIdleLock(15)")  # not idle again once open
    expect(bar).not_to_contain_text("Zora")
    expect(bar.get_by_text("1 interview on this tablet waiting to send")).to_be_visible()

    # The PIN, asked for as the bar asks for it: the line is back.
    tablet.evaluate("() => { import('/static/js/pin-dialog.js').then((m) => m.askPin('unlock')); }")
    tablet.get_by_label("PIN", exact=True).fill(PIN)
    tablet.get_by_role("button", name="Continue").click()
    expect(bar.get_by_text(said)).to_be_visible()


def test_a_time_recorded_offline_is_written_as_the_pages_write_it(page, live_app, new_return):
    new_return("Wren")  # back 4 hours ago: an attempt an hour ago comes after it
    with live_app.app_context():
        typed = timefmt.to_local(datetime.now(UTC).replace(tzinfo=None) - timedelta(hours=1))
        typed = typed.replace(tzinfo=None, second=0, microsecond=0)
        online = timefmt.format_datetime(timefmt.from_local(typed))
    tablet = offline_on_the_return(page, "Wren")
    tablet.get_by_text("Record a contact attempt").click()
    attempt = tablet.locator("form[action$='/attempts']")
    attempt.get_by_label("When").fill(typed.strftime("%Y-%m-%dT%H:%M"))
    attempt.get_by_label("How", exact=True).select_option("phone")
    attempt.get_by_label("What happened").select_option("no_answer")
    attempt.get_by_role("button", name="Save attempt").click()
    tablet.get_by_text("Contact attempt: kept on this tablet").wait_for()

    assert online == f"{typed.day} {typed:%b %Y %H:%M}"
    kept_list = tablet.locator("[data-shell-events]")
    expect(kept_list.get_by_role("listitem")).to_have_text([f"Contact attempt, {online}"])


def test_the_bar_says_when_it_last_sent_as_the_pages_write_a_time(page, new_return):
    """The bar's "Last sent" read "6 Dec 2026, 18:06" (the browser's way) beside pages that
    write "6 Dec 2026 18:06": the pattern is handed to every page (base.html)."""
    import re

    new_return("Rosalind")
    tablet, _ = written_offline(page, "Rosalind")
    bar = send_with_pin(tablet)
    expect(bar.get_by_text("Nothing waiting to send")).to_be_visible(timeout=30_000)
    last = bar.locator("[data-last]")
    expect(last).to_have_text(re.compile(r"^Last sent \d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d$"))
