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
from playwright.sync_api import expect

from tests.browser.helpers import (
    STORE,
    filled,
    go_to,
    interview_kept_on_the_tablet,
    interviews_for,
    kept,
    module,
    offline_on_the_return,
    open_offline,
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
    note = tablet.get_by_text("returns are kept here for 7 days after your list was last brought")
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


def test_a_return_open_as_its_copy_grows_too_old_still_keeps_what_is_recorded(page, new_return):
    """A review (rev39): with the copy taken off as the page read the tablet to save, "Save
    attempt" failed with a script error and the note typed was kept nowhere. Now copies are
    taken off only as a page is shown, and a save finds the return it was drawn from."""
    new_return("Tamsin")
    tablet = offline_on_the_return(page, "Tamsin")
    errors: list[str] = []
    tablet.on("pageerror", lambda error: errors.append(str(error)))
    tablet.get_by_text("Record a contact attempt").click()
    tablet.get_by_label("How", exact=True).select_option("phone")
    tablet.get_by_label("What happened").select_option("no_answer")
    tablet.get_by_label("Note (optional)").fill("Rang her carer twice; left a message.")
    tablet.evaluate(KEPT_DAYS_AGO, [["return:"], 7.01])  # the minutes pass past the week
    tablet.get_by_role("button", name="Save attempt").click()
    until(tablet, f"async () => (await {STORE}.ids()).some(({{id}}) => id.startsWith('draft:'))")
    assert errors == []


WHERE = "Where the chat was held"


def test_an_interview_part_online_with_a_copy_too_old_keeps_a_fresh_one(page, new_return):
    """A review (rev39): online on an interview's part whose copy was a week old, the copy was
    taken off and not fetched again, so with the signal gone the words typed next were kept
    but the part said "Not on this tablet". The copy goes before the page asks for one."""
    uuid = interview_kept_on_the_tablet(page, new_return("Ulrika"))
    page.evaluate(KEPT_DAYS_AGO, [["copy:", "return:"], 8])
    page.goto(f"/interviews/{uuid}/start")  # online, no visit to Returns this week
    page.get_by_label(WHERE).wait_for()
    until(
        page,
        f"async () => (await {STORE}.ids()).some(({{id, savedAt}}) => id === 'copy:{uuid}'"
        " && Date.now() - Date.parse(savedAt) < 60000)",
    )
    context = page.context
    context.set_offline(True)
    page.get_by_label(WHERE).fill("At the bus station")
    page.locator("#meta-start-location").get_by_text("Kept on this tablet").wait_for()
    page.close()
    tablet = open_offline(context, f"/interviews/{uuid}/start")
    expect(tablet.get_by_label(WHERE)).to_have_value("At the bus station")


def test_a_tablet_set_up_before_the_rule_has_it_from_its_next_list(page, new_return):
    """A review (rev39): the rule reached a store only at set-up or an unlock online, so every
    tablet already in use kept its copies for ever. Each list of copies hands it over."""
    episode_id = new_return("Verity")
    tablet_ready(page)
    page.evaluate(
        """async () => {
        const db = await new Promise((ok, no) => { const r = indexedDB.open("rhi-device");
            r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); });
        const tx = db.transaction("keys", "readwrite");
        const entry = await new Promise((ok) => { const q = tx.objectStore("keys").get("device");
            q.onsuccess = () => ok(q.result); });
        delete entry.copiesKeptMs; tx.objectStore("keys").put(entry, "device");
        await new Promise((ok) => { tx.oncomplete = ok; }); db.close(); }"""
    )
    assert page.evaluate(f"async () => {STORE}.copiesKeptMs()") is None  # as set up before
    page.goto("/returns")  # online, the PIN never asked for
    page.wait_for_selector("body[data-copies-kept]", state="attached", timeout=20_000)
    assert page.evaluate(f"async () => {STORE}.copiesKeptMs()") == 7 * 24 * 60 * 60 * 1000
    page.evaluate(KEPT_DAYS_AGO, [["return:", "copy:"], 30])
    page.goto("/account")
    until(
        page, f"async () => !(await {STORE}.ids()).some(({{id}}) => id === 'return:{episode_id}')"
    )


COPIES = module("copies")


def test_a_copy_with_unsent_work_built_on_it_stays_and_one_without_goes(page):
    """The store's own rule, asked as the copy is dropped (store.js forgetOld): a draft, a
    refused draft, a field's change or a conflict on an interview keeps its copy."""
    tablet_ready(page)
    work = {
        "u-draft": "draft:u-draft",
        "u-held": "held:u-held",
        "u-change": "change:u-change:start.location",
        "u-conflict": "conflict:u-conflict:start.location",
    }
    ids = [f"copy:{uuid}" for uuid in [*work, "u-none"]] + list(work.values())
    page.evaluate(
        f"async (ids) => {{ for (const id of ids) await {STORE}.seal(id, {{uuid: id}}); }}", ids
    )
    page.evaluate(
        KEPT_DAYS_AGO, [["copy:u-", "draft:u-", "held:u-", "change:u-", "conflict:u-"], 8]
    )
    assert page.evaluate(f"async () => {COPIES}.forgetOldCopies()") >= 1
    held = ids_kept(page)
    assert "copy:u-none" not in held
    for uuid, work_id in work.items():
        assert f"copy:{uuid}" in held and work_id in held, uuid
    # Versions of the server's are aged as copies: one with no work on it goes too.
    assert page.evaluate(f"async () => {STORE}.copiesForgotten()") is True


def record_an_attempt(tablet, note: str) -> None:
    tablet.get_by_text("Record a contact attempt").click()
    tablet.get_by_label("How", exact=True).select_option("phone")
    tablet.get_by_label("What happened").select_option("no_answer")
    tablet.get_by_label("Note (optional)").fill(note)
    tablet.get_by_role("button", name="Save attempt").click()


def test_a_return_gone_from_the_tablet_is_not_kept_again_by_the_page_still_open(page, new_return):
    """A review (rev39b): once the bar's send heard the return had gone to someone else, its
    draft and copies were taken off, and the episode page still open kept the child's record
    again as a new draft from what it had drawn. Now it says so, writes nothing and keeps the
    words typed in the form."""
    episode_id = new_return("Wilhelmina")
    tablet = offline_on_the_return(page, "Wilhelmina")
    record_an_attempt(tablet, "Rang her carer twice.")
    until(tablet, f"async () => (await {STORE}.ids()).some(({{id}}) => id.startsWith('draft:'))")
    # As upload.js does when the server answers that the return is someone else's now.
    tablet.evaluate(
        f"""async (episode) => {{
        const store = {STORE};
        for (const {{id}} of await store.ids()) if (id.startsWith('draft:')) await store.remove(id);
        await store.forget('return:' + episode);
    }}""",
        episode_id,
    )
    record_an_attempt(tablet, "Went round; no one in.")
    tablet.get_by_text("This return is no longer kept on this tablet").wait_for()
    assert tablet.get_by_label("Note (optional)").input_value() == "Went round; no one in."
    assert not any(i.startswith(("draft:", f"return:{episode_id}")) for i in ids_kept(tablet))


def test_a_tablet_signed_out_takes_old_copies_off_on_the_sign_in_page(page, new_return):
    """A review (rev39b): a tablet found with a signal, its worker's sessions ended, only ever
    shows the sign-in page, which took nothing off: its copies stayed for ever."""
    episode_id = new_return("Xanthe")
    tablet_ready(page)
    page.evaluate(KEPT_DAYS_AGO, [["return:", "copy:"], 30])
    page.context.clear_cookies()  # as "End their sessions" leaves it
    page.goto("/returns")
    page.wait_for_url("**/sign-in**")
    until(
        page, f"async () => !(await {STORE}.ids()).some(({{id}}) => id === 'return:{episode_id}')"
    )
