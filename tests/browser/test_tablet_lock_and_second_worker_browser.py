"""A tablet left alone, and a tablet passed to a colleague, with no signal (a probe, "tablet").

- When the tablet's store locks (after RHI_DEVICE_IDLE_MINUTES with no one using it, or at once),
  the open offline page stops showing the child's words, the words the child asked to keep
  between them too: it says it is locked, and the words come back only with the PIN.
  Words typed just as it locks are kept first, never lost.
- A second worker signed in on a tablet that keeps the first worker's unsent interview is told,
  with no signal too, that it is another worker's and not theirs to unlock: no PIN is asked, so
  no wrong PIN counts towards wiping the first worker's work. Online, the bar says so too.

Real Chromium, a real server on localhost, `context.set_offline(True)` cutting the network.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from rhi.demo import DEMO_PASSWORD
from tests.browser.helpers import (
    PIN,
    STORE,
    filled,
    go_to,
    interviews_for,
    kept,
    offline_on_the_return,
    send_from_returns,
    start_interview,
    until,
    written_offline,
)

pytestmark = pytest.mark.browser

SAID = "I slept at the skate park with Jordan."
KEPT_BACK = "Jordan's brother keeps a knife in the shed."
LAST = "and I was cold."

# What every field of the page holds, and what it says in words, as one text.
SHOWN = """() => [...document.querySelectorAll('#main input, #main textarea')]
    .map((e) => e.value).join(' ') + ' ' + document.getElementById('main').innerText"""


def _while_away(page, first_name: str):
    tablet = offline_on_the_return(page, first_name)
    start_interview(tablet, first_name)
    go_to(tablet, "While away")
    tablet.get_by_label(f"What {first_name} said").fill(SAID)
    kept(tablet, "#meta-sections-away-text")
    tablet.get_by_label(f"Anything {first_name} told you but asked you not to pass on").fill(
        KEPT_BACK
    )
    kept(tablet, "#meta-sections-away-kept_back")
    return tablet


def _locked_with_nothing_shown(tablet) -> None:
    main = tablet.locator("#main")
    expect(main.get_by_text("What is kept on this tablet is locked with your PIN.")).to_be_visible(
        timeout=20_000
    )
    shown = tablet.evaluate(SHOWN)
    for words in (SAID, KEPT_BACK, LAST, "skate park", "knife", "Talking with"):
        assert words not in shown
    assert tablet.evaluate(f"async () => {STORE}.state()") == "locked"


def _unlock(tablet) -> None:
    tablet.get_by_role("button", name="Open what is kept on this tablet").click()
    expect(tablet.get_by_role("heading", name="Enter your tablet PIN")).to_be_visible()
    tablet.get_by_label("PIN", exact=True).fill(PIN)
    tablet.get_by_role("button", name="Continue").click()
    filled(tablet)


def test_the_idle_lock_hides_the_childs_words_until_the_pin_opens_them_again(page, new_return):
    new_return("Imogen")
    tablet = _while_away(page, "Imogen")

    # Left alone: as after RHI_DEVICE_IDLE_MINUTES, here 1.2 seconds.
    tablet.evaluate(f"async () => {STORE}.setIdleLock(0.02)")
    _locked_with_nothing_shown(tablet)

    # "Not now" in the PIN dialog: still locked, still nothing of the child's on the page.
    tablet.get_by_role("button", name="Open what is kept on this tablet").click()
    tablet.get_by_role("button", name="Not now").click()
    _locked_with_nothing_shown(tablet)
    tablet.evaluate(f"async () => {STORE}.setIdleLock(15)")  # not idle again once open
    _unlock(tablet)
    assert tablet.get_by_label("What Imogen said").input_value() == SAID
    said = "Anything Imogen told you but asked you not to pass on"
    assert tablet.get_by_label(said).input_value() == KEPT_BACK


def test_words_typed_as_the_tablet_locks_are_kept_before_the_page_is_emptied(page, new_return):
    new_return("Ines")
    tablet = _while_away(page, "Ines")
    box = tablet.get_by_label("What Ines said")

    # Typed in the very moment the idle clock runs out (30 ms after it is set), not yet kept.
    box.evaluate(
        f"""async (box, last) => {{
            const store = {STORE};
            store.setIdleLock(0.0005);
            box.value = box.value + " " + last;
            box.dispatchEvent(new Event("input", {{ bubbles: true }}));
        }}""",
        LAST,
    )
    _locked_with_nothing_shown(tablet)
    tablet.evaluate(f"async () => {STORE}.setIdleLock(15)")  # not idle again once open
    _unlock(tablet)
    assert tablet.get_by_label("What Ines said").input_value() == f"{SAID} {LAST}"

    # Locked outright (not idle) as a word is typed: kept too, and shown after the PIN.
    tablet.get_by_label("What Ines said").evaluate(
        f"""async (box) => {{
            const store = {STORE};
            box.value = box.value + " Then home.";
            box.dispatchEvent(new Event("input", {{ bubbles: true }}));
            store.lock();
        }}"""
    )
    _locked_with_nothing_shown(tablet)
    _unlock(tablet)
    assert tablet.get_by_label("What Ines said").input_value() == f"{SAID} {LAST} Then home."
    whole = json.dumps(f"{SAID} {LAST} Then home.")
    until(
        tablet,
        f"""async () => (await {STORE}.all()).records.some((r) => r.id.startsWith("draft:")
            && r.record.content && r.record.content.sections.away.text === {whole})""",
    )


OTHER_WORKER = "holds another worker's work that is not sent yet"


def _sign_in(tablet, email: str) -> None:
    tablet.context.clear_cookies()
    tablet.goto("/sign-in")
    tablet.get_by_label("Email address").fill(email)
    tablet.get_by_label("Password").fill(DEMO_PASSWORD)
    tablet.get_by_role("button", name="Sign in").click()
    tablet.wait_for_url("**/returns")
    tablet.wait_for_load_state("networkidle")  # the page knows who is signed in on it


def _unsent(tablet) -> list[str]:
    return tablet.evaluate(
        f"async () => (await {STORE}.ids()).map((r) => r.id)"
        ".filter((id) => id.startsWith('draft:'))"
    )


def test_with_no_signal_a_colleague_is_told_it_is_another_workers_and_cannot_wipe_it(
    page, live_app, new_return
):
    episode_id = new_return("Saffron")
    tablet, uuid = written_offline(page, "Saffron")
    tries = tablet.evaluate(f"async () => {STORE}.attemptsLeft()")
    _sign_in(tablet, "worker.north2@example.org")

    context = tablet.context
    context.set_offline(True)
    offline = context.new_page()
    offline.goto("/returns")
    dialog = offline.locator("#pin-dialog")
    expect(dialog.get_by_text(OTHER_WORKER)).to_be_visible(timeout=20_000)
    said = dialog.inner_text()
    assert "not yours to unlock" in said
    assert "until that worker signs in on this tablet" in said
    assert "Enter your tablet PIN" not in said
    expect(offline.get_by_label("PIN", exact=True)).to_be_disabled()
    expect(dialog.get_by_role("button", name="Continue")).to_be_hidden()
    dialog.get_by_role("button", name="Close").click()
    main = offline.locator("#main")
    expect(main.get_by_text("another worker's")).to_be_visible()
    assert "your PIN" not in main.inner_text()
    assert offline.evaluate(f"async () => {STORE}.attemptsLeft()") == tries
    assert _unsent(offline) == [f"draft:{uuid}"]
    offline.close()

    # Its worker, signed in again, sends it: every word arrives.
    context.set_offline(False)
    _sign_in(tablet, "worker@example.org")
    send_from_returns(tablet)
    [interview] = interviews_for(live_app, episode_id)
    assert interview.content["sections"]["away"]["text"] == "I stayed with a friend in Hull."


def test_online_the_bar_says_the_interview_waiting_is_another_workers(page, new_return):
    new_return("Sorcha")
    tablet, _ = written_offline(page, "Sorcha")
    _sign_in(tablet, "worker.north2@example.org")
    bar = tablet.locator("#tablet-bar")
    expect(bar.get_by_text("another worker's")).to_be_visible(timeout=30_000)
    assert "1 interview on this tablet waiting to send" not in bar.inner_text()


def test_words_in_a_form_not_yet_sent_come_back_with_the_pin_and_not_before(page, new_return):
    new_return("Isla")
    tablet = offline_on_the_return(page, "Isla")
    tablet.get_by_text("Record a contact attempt").click()
    note = "Rang her aunt, who said Isla is at the skate park."
    tablet.get_by_label("Note (optional)").fill(note)
    tablet.evaluate(f"async () => {STORE}.lock()")
    main = tablet.locator("#main")
    expect(main.get_by_text("What is kept on this tablet is locked with your PIN.")).to_be_visible()
    assert "Isla" not in tablet.evaluate(SHOWN) and "skate park" not in tablet.evaluate(SHOWN)
    _unlock(tablet)
    assert tablet.get_by_label("Note (optional)").input_value() == note
