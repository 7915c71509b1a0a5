"""What the worker types is kept, once, and the tablet never held, when the service worker does
not answer its writes.

With no signal, each keystroke's record goes to the service worker, which writes it and answers
(store.js toWorker). One that answered late or never (stopped in the middle of a write, or a
tablet too busy) held the worker on the part, the part tapped never coming (a probe, flake37);
then, when the page gave up waiting, a late answer made a change again on top of itself, and
words typed just before a move were missing when the part was opened again (reviews, rev37 and
rev37b). Now the page writes the record itself past store.js WORKER_WAIT_MS (10 s), the same
record with the same revision, counts it kept when what is kept was built on it (store.js
`holds`), and from then on writes its records itself; a move waits longer than that (router.js
FLUSH_WAIT_MS, 15 s). Each test stubs the page's `ServiceWorker.prototype.postMessage`."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import STORE, go_to, kept, offline_on_the_return, start_interview, until

pytestmark = pytest.mark.browser

CHILD = "Tamsin"

# A keystroke's write posted to the service worker is dropped: never written, never answered.
DROP_WRITES = """() => {
  const post = ServiceWorker.prototype.postMessage;
  ServiceWorker.prototype.postMessage = function (message, ...rest) {
    if (message && message.type === "rhi-write" && "text" in message) return;
    return post.call(this, message, ...rest);
  };
}"""

# A keystroke's write is written by the service worker, its answer sent to no one (as an answer
# later than 10 s); `only_first`: the first such write's alone.
SWALLOW_ANSWERS = """(onlyFirst) => {
  const post = ServiceWorker.prototype.postMessage;
  let swallowed = false;
  ServiceWorker.prototype.postMessage = function (message, transfer) {
    if (message && message.type === "rhi-write" && "text" in message
        && !(onlyFirst && swallowed)) {
      swallowed = true;
      return post.call(this, message, [new MessageChannel().port2]);
    }
    return post.call(this, message, transfer);
  };
}"""

# A service worker whose writes are stuck: it answers none, a keystroke's or a whole record's.
STUCK_WORKER = """() => {
  const post = ServiceWorker.prototype.postMessage;
  window.__rowsPosted = 0;
  ServiceWorker.prototype.postMessage = function (message, ...rest) {
    if (message && message.type === "rhi-write" && ("text" in message || "row" in message)) {
      if ("row" in message) window.__rowsPosted += 1;
      return;
    }
    return post.call(this, message, ...rest);
  };
}"""

# One "use these words" tap of the writing check, kept by one keystroke's write.
TAP = """() => {
  const box = document.querySelector("#f-sections-away-text, [name='f:sections.away.text']");
  box.dispatchEvent(new CustomEvent("rhi:language", { bubbles: true, detail: {
    path: "sections.away.text", rule_id: "absconding", text: "absconded",
    action: "replaced", reason: "" } }));
}"""


def _writing_offline(page, new_return):
    """With no signal, on "While away" with words kept: the tablet, the box, the interview."""
    new_return(CHILD)
    tablet = offline_on_the_return(page, CHILD)
    start_interview(tablet, CHILD)
    go_to(tablet, "While away")
    said = tablet.get_by_label(f"What {CHILD} said")
    said.fill("We went to the park.")
    kept(tablet, "#meta-sections-away-text")
    return tablet, said, tablet.url.split("/interviews/")[1].split("/")[0]


def _draft(tablet, uuid: str) -> dict:
    return tablet.evaluate(f"""async () => (await {STORE}.get("draft:{uuid}")).content""")


def _tap_kept(tablet, uuid: str) -> None:
    """The tap is in the draft as the tablet holds it (the service worker wrote it)."""
    until(
        tablet,
        f"""async () => {{
          const draft = await {STORE}.get("draft:{uuid}");
          return ((draft && draft.content && draft.content.language) || {{}}).replaced >= 1;
        }}""",
        seconds=5,
    )


def test_a_write_never_answered_does_not_keep_the_worker_on_the_part(page, new_return):
    tablet, said, uuid = _writing_offline(page, new_return)
    tablet.evaluate(DROP_WRITES)
    said.press_sequentially(" Then the bus.")
    tablet.locator(".interview-nav").get_by_role("link", name="In your own words").click()
    expect(tablet.locator(".interview-nav [aria-current=step]")).to_have_text(
        "In your own words", timeout=30_000
    )
    expect(tablet).to_have_url(re.compile(r"/own_words$"))
    assert _draft(tablet, uuid)["sections"]["away"]["text"] == "We went to the park. Then the bus."
    go_to(tablet, "While away")
    expect(said).to_have_value("We went to the park. Then the bus.")


def test_words_typed_before_a_move_and_after_coming_back_are_both_kept(page, new_return):
    tablet, said, uuid = _writing_offline(page, new_return)
    tablet.evaluate(DROP_WRITES)
    said.press_sequentially(" Then the bus.")
    go_to(tablet, "In your own words")  # once the page has kept the words itself
    go_to(tablet, "While away")
    shown_on_return = said.input_value()
    said.press_sequentially(" Then home.")
    tablet.wait_for_timeout(30_000)  # every late write has long settled
    kept_words = _draft(tablet, uuid)["sections"]["away"]["text"]
    assert shown_on_return == "We went to the park. Then the bus."
    assert kept_words == said.input_value() == "We went to the park. Then the bus. Then home."


@pytest.mark.parametrize("late", [True, False], ids=["answer_late", "control_answered"])
def test_a_late_answer_does_not_keep_one_tap_twice(page, new_return, late):
    tablet, _, uuid = _writing_offline(page, new_return)
    if late:
        tablet.evaluate(SWALLOW_ANSWERS, False)
    tablet.evaluate(TAP)
    _tap_kept(tablet, uuid)
    tablet.wait_for_timeout(14_000)  # past WORKER_WAIT_MS: the page writes it itself
    language = _draft(tablet, uuid)["language"]
    assert language["replaced"] == 1, language
    assert len(language["taps"]) == 1, language


def test_a_tap_kept_by_a_silent_worker_under_a_later_write_counts_once(page, new_return):
    """The tap's write (r1 over r0) is written but not answered; the next keystroke's (r2 over
    r1) is written and answered: the page's own write of r1 finds r2, built on r1, so kept."""
    tablet, said, uuid = _writing_offline(page, new_return)
    tablet.evaluate(SWALLOW_ANSWERS, True)
    tablet.evaluate(TAP)
    _tap_kept(tablet, uuid)
    said.press_sequentially(" X")
    tablet.wait_for_timeout(16_000)
    language = _draft(tablet, uuid)["language"]
    assert language["replaced"] == 1, language
    assert len(language["taps"]) == 1, language


def test_a_stuck_workers_writes_are_kept_by_the_page(page, new_return):
    """Never handed to the same worker again: the page writes them itself."""
    tablet, said, uuid = _writing_offline(page, new_return)
    tablet.evaluate(STUCK_WORKER)
    said.press_sequentially(" Bus.")
    tablet.wait_for_timeout(13_000)  # past WORKER_WAIT_MS
    text = _draft(tablet, uuid)["sections"]["away"]["text"]
    rows = tablet.evaluate("() => window.__rowsPosted")
    assert (text, rows) == ("We went to the park. Bus.", 0), {"kept": text, "rows_to_worker": rows}
