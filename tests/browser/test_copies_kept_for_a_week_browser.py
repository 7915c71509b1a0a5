"""A tablet lost with no signal must not hold children's records for ever: "End their sessions"
cannot reach it (a security review, sec38). Each copy of the server's is taken off the tablet
once it has not been brought up to date for the server's rule (rhi/sync/kept_offline.py, 7 days,
handed to the tablet with the PIN's rules); what the worker wrote and has not sent stays, and
is sent when the signal is back.

Real Chromium, a real server on localhost, `context.set_offline(True)` cutting the page off. The
time a copy was kept is in clear beside it (store.js: ids and times need no PIN), so the test
moves it back, as the days passing would.
"""

from __future__ import annotations

import pytest

from tests.browser.helpers import (
    STORE,
    filled,
    go_to,
    interviews_for,
    kept,
    offline_on_the_return,
    send_from_returns,
    start_interview,
    tablet_ready,
    until,
)

pytestmark = pytest.mark.browser

WORDS = "I stayed at my aunt's in Bradford."

# Move the time each of these records was kept back by `days` (the store's "records" in
# IndexedDB, as store.js writes them: savedAt is an ISO time in clear).
KEPT_DAYS_AGO = """async ([ids, days]) => {
    const DAY_MS = 24 * 60 * 60 * 1000;
    const db = await new Promise((ok, no) => {
        const r = indexedDB.open("rhi-device"); r.onsuccess = () => ok(r.result);
        r.onerror = () => no(r.error);
    });
    const tx = db.transaction("records", "readwrite");
    const all = await new Promise((ok) => {
        const q = tx.objectStore("records").getAll(); q.onsuccess = () => ok(q.result);
    });
    for (const row of all) {
        if (!ids.some((prefix) => row.id.startsWith(prefix))) continue;
        row.savedAt = new Date(Date.now() - days * DAY_MS).toISOString();
        tx.objectStore("records").put(row);
    }
    await new Promise((ok) => { tx.oncomplete = ok; });
    db.close();
}"""


def ids_kept(tablet) -> set[str]:
    return {row["id"] for row in tablet.evaluate(f"async () => {STORE}.ids()")}


def to_returns(tablet) -> None:
    """The header's "On this tablet", with no signal: the router shows the kept list, read again."""
    tablet.locator(".site-header").get_by_role("link", name="On this tablet", exact=True).click()
    tablet.locator("[data-shell-page=returns][data-filled]").wait_for(state="attached")


def test_a_copy_not_brought_up_to_date_for_a_week_leaves_the_tablet(page, live_app, new_return):
    kept_only = new_return("Philippa")  # a return the tablet only keeps a copy of
    worked_on = new_return("Quentina")  # one the worker starts with no signal
    tablet = offline_on_the_return(page, "Quentina")
    start_interview(tablet, "Quentina")
    go_to(tablet, "While away")
    tablet.get_by_label("What Quentina said").fill(WORDS)
    kept(tablet, "#meta-sections-away-text")
    uuid = tablet.url.split("/interviews/")[1].split("/")[0]
    assert f"return:{kept_only}" in ids_kept(tablet)

    # Six days on, the copies stay: the list shows both, and says nothing was taken off.
    tablet.evaluate(KEPT_DAYS_AGO, [["return:", "copy:", "draft:"], 6])
    to_returns(tablet)
    cards = tablet.locator("[data-shell-list]")
    cards.get_by_role("link", name="Philippa Testchild").wait_for()
    note = tablet.get_by_text("Copies are kept for 7 days from when they were last brought up")
    assert note.is_visible()
    assert tablet.locator("[data-shell-forgotten]").is_hidden()

    # Eight days on, the copy of Philippa's return is taken off as the list reads the tablet,
    # and the page says so; Quentina's interview, not yet sent, stays whole.
    tablet.evaluate(KEPT_DAYS_AGO, [["return:", "copy:", "draft:"], 8])
    tablet.locator("[data-shell-list]").get_by_role("link", name="Quentina Testchild").click()
    tablet.get_by_role("heading", name="Quentina Testchild").wait_for()
    filled(tablet)
    to_returns(tablet)
    forgotten = tablet.locator("[data-shell-forgotten]")
    forgotten.get_by_text("Anything you wrote and have not sent is still here.").wait_for()
    assert "7 days" in forgotten.inner_text()
    assert cards.get_by_role("link", name="Philippa Testchild").count() == 0
    cards.get_by_role("link", name="Quentina Testchild").wait_for()
    held = ids_kept(tablet)
    assert f"return:{kept_only}" not in held
    assert f"draft:{uuid}" in held

    # Back online, the words reach the server, once.
    tablet.evaluate(f"async () => {STORE}.lock()")
    tablet.context.set_offline(False)
    send_from_returns(tablet)
    (interview,) = interviews_for(live_app, worked_on)
    assert interview.content["sections"]["away"]["text"] == WORDS
    assert interviews_for(live_app, kept_only) == []


def test_a_page_online_takes_old_copies_off_and_returns_keeps_them_again(page, new_return):
    """Online, any worker's page takes copies past the rule off (not only a page read with no
    signal); the Returns page then keeps the worker's list again, fresh."""
    episode_id = new_return("Rosalind")
    tablet_ready(page)
    assert f"return:{episode_id}" in ids_kept(page)
    page.evaluate(KEPT_DAYS_AGO, [["return:", "copy:"], 8])
    page.goto("/account")  # a page of the worker's that keeps nothing itself
    until(
        page, f"async () => !(await {STORE}.ids()).some(({{id}}) => id === 'return:{episode_id}')"
    )
    assert page.evaluate(f"async () => {STORE}.copiesForgotten()") is True
    page.goto("/returns")
    page.wait_for_selector("body[data-copies-kept]", state="attached", timeout=20_000)
    assert f"return:{episode_id}" in ids_kept(page)
    assert page.evaluate(f"async () => {STORE}.copiesForgotten()") is False  # whole again
