"""Giving the tablet back from the child's view never wipes what the tablet keeps (a probe).

The child's view asks for the tablet's PIN to go back to the worker's view, and the one holding
the tablet then is most likely the child. Five wrong PINs there wiped the store, and with it the
child's own words typed with no signal, never sent. Now wrong PINs there make the next try wait,
longer each time, and nothing is wiped; the right PIN, once the wait is over, brings the worker
back to the words as they were.

Real Chromium, a real server on localhost, `context.set_offline(True)` cutting the network.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    PIN,
    STORE,
    go_to,
    kept,
    offline_on_the_return,
    start_interview,
)

pytestmark = pytest.mark.browser

CHILD = "Eluned"  # a first name no other test uses
SAID = "I stayed at my cousin's flat in Leeds."
WRONG = "135799"

# As if the wait had passed: the time the store keeps for the next try moved to the past.
WAIT_OVER = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("rhi-device");
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const tx = open.result.transaction("keys", "readwrite");
    const keys = tx.objectStore("keys");
    const get = keys.get("device");
    get.onsuccess = () => keys.put({ ...get.result, heldUntil: Date.now() - 1 }, "device");
    tx.oncomplete = () => { open.result.close(); resolve(true); };
    tx.onerror = () => reject(tx.error);
  };
})"""


def _unsent(tablet) -> list[str]:
    ids = tablet.evaluate(f"async () => (await {STORE}.ids()).map((r) => r.id)")
    return [i for i in ids if i.startswith("draft:")]


def _try(tablet, pin: str) -> None:
    # What the last try said taken away first, so a wait for what this one says cannot be met
    # by the last (two tries in a row can say the same: a CI run).
    tablet.locator("#pin-dialog [data-error]").evaluate("(e) => { e.textContent = ''; }")
    tablet.get_by_label("PIN", exact=True).fill(pin)
    tablet.get_by_role("button", name="Continue").click()


def test_wrong_pins_in_the_childs_view_make_the_next_try_wait_and_never_wipe(page, new_return):
    new_return(CHILD)
    tablet = offline_on_the_return(page, CHILD)
    start_interview(tablet, CHILD)
    go_to(tablet, "While away")
    tablet.get_by_label(f"What {CHILD} said").fill(SAID)
    kept(tablet, "#meta-sections-away-text")
    assert len(_unsent(tablet)) == 1
    tablet.get_by_role("button", name=f"Turn the tablet towards {CHILD}").click()
    expect(tablet.locator(".interview-nav")).not_to_be_visible()

    tablet.get_by_role("button", name="Give the tablet back").click()
    dialog = tablet.locator("#pin-dialog")
    error = dialog.locator("[data-error]")
    for _ in range(2):
        _try(tablet, WRONG)
        expect(error).to_have_text("That PIN is not right. Try again.")
    _try(tablet, WRONG)
    expect(error).to_have_text(
        "That PIN is not right. Wait 30 seconds, then try again. "
        "Nothing on this tablet is wiped from here."
    )
    expect(tablet.get_by_label("PIN", exact=True)).to_have_attribute("aria-invalid", "true")
    # Before the wait is over even the right PIN is not tried, and nothing says it was wrong.
    _try(tablet, PIN)
    expect(error).to_contain_text("Several wrong PINs were typed here. Wait ")
    expect(tablet.locator(".interview-nav")).not_to_be_visible()

    # Past the number of wrong PINs that wipes the store anywhere else (5): still kept.
    for wait in ("60 seconds", "2 minutes", "4 minutes", "5 minutes", "5 minutes"):  # 5 at most
        tablet.evaluate(WAIT_OVER)
        _try(tablet, WRONG)
        expect(error).to_have_text(
            f"That PIN is not right. Wait {wait}, then try again. "
            "Nothing on this tablet is wiped from here."
        )
    assert tablet.evaluate(f"async () => {STORE}.state()") != "empty"
    assert len(_unsent(tablet)) == 1
    assert "wiped" not in dialog.inner_text().replace("is wiped from here", "")

    # The worker, once the wait is over: back to the words as they were.
    tablet.evaluate(WAIT_OVER)
    _try(tablet, PIN)
    tablet.locator(".interview-nav").wait_for(state="visible")
    assert tablet.get_by_label(f"What {CHILD} said").input_value() == SAID
    # The right PIN starts the count again: one wrong PIN later does not wait.
    assert tablet.evaluate(f"async () => {STORE}.attemptsLeft()") == 5
