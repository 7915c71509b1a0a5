"""When the service worker does not answer a write in time (store.js WORKER_WAIT_MS), the page
keeps the record itself, once (a review, rev37b, found two ways it did not):

1. The tap's write (r1 over r0) is written by the service worker but its answer is lost; the
   next keystroke's (r2 over r1) is written and answered. The page's own write of r1 then finds
   r2: it must count r1 as written, since r2 was built on it (store.js `holds`), not make the
   tap again on top of r2 (counted twice).
2. The service worker answers no write at all (its write chain stuck): the page's own write
   must not be handed to it again, but written by the page.
"""

from __future__ import annotations

import pytest

from tests.browser.helpers import STORE, go_to, kept, offline_on_the_return, start_interview, until

pytestmark = pytest.mark.browser

CHILD = "Tamsin"

SWALLOW_FIRST_ANSWER = """() => {
  const post = ServiceWorker.prototype.postMessage;
  let swallowed = false;
  ServiceWorker.prototype.postMessage = function (message, transfer) {
    if (!swallowed && message && message.type === "rhi-write" && "text" in message) {
      swallowed = true;
      const relay = new MessageChannel();
      relay.port1.onmessage = ({ data }) => {
        window.__late = (window.__late || []).concat([data]);
      };
      return post.call(this, message, [relay.port2]);
    }
    return post.call(this, message, transfer);
  };
}"""

TAP = """() => {
  const box = document.querySelector("#f-sections-away-text, [name='f:sections.away.text']");
  box.dispatchEvent(new CustomEvent("rhi:language", { bubbles: true, detail: {
    path: "sections.away.text", rule_id: "absconding", text: "absconded",
    action: "replaced", reason: "" } }));
}"""

STUCK_WORKER = """() => {
  const post = ServiceWorker.prototype.postMessage;
  window.__rowsPosted = 0;
  ServiceWorker.prototype.postMessage = function (message, ...rest) {
    if (message && message.type === "rhi-write" && ("text" in message || "row" in message)) {
      if ("row" in message) window.__rowsPosted += 1;
      return; // a worker whose write chain is stuck: never answers
    }
    return post.call(this, message, ...rest);
  };
}"""


def test_a_tap_kept_by_a_silent_worker_under_a_later_write_counts_once(page, new_return):
    new_return(CHILD)
    tablet = offline_on_the_return(page, CHILD)
    start_interview(tablet, CHILD)
    go_to(tablet, "While away")
    said = tablet.get_by_label(f"What {CHILD} said")
    said.fill("We went to the park.")
    kept(tablet, "#meta-sections-away-text")
    uuid = tablet.url.split("/interviews/")[1].split("/")[0]
    tablet.evaluate(SWALLOW_FIRST_ANSWER)
    tablet.evaluate(TAP)
    until(
        tablet,
        f"""async () => {{
          const draft = await {STORE}.get("draft:{uuid}");
          return ((draft && draft.content && draft.content.language) || {{}}).replaced >= 1;
        }}""",
        seconds=5,
    )
    said.press_sequentially(" X")  # a later keystroke, written and answered
    tablet.wait_for_timeout(16_000)
    language = tablet.evaluate(
        f"""async () => (await {STORE}.get("draft:{uuid}")).content.language"""
    )
    assert language["replaced"] == 1, language
    assert len(language["taps"]) == 1, language


def test_a_stuck_workers_writes_are_kept_by_the_page(page, new_return):
    new_return(CHILD)
    tablet = offline_on_the_return(page, CHILD)
    start_interview(tablet, CHILD)
    go_to(tablet, "While away")
    said = tablet.get_by_label(f"What {CHILD} said")
    said.fill("We went to the park.")
    kept(tablet, "#meta-sections-away-text")
    uuid = tablet.url.split("/interviews/")[1].split("/")[0]
    tablet.evaluate(STUCK_WORKER)
    said.press_sequentially(" Bus.")
    tablet.wait_for_timeout(13_000)  # past WORKER_WAIT_MS: the page has kept it itself
    text = tablet.evaluate(
        f"""async () => (await {STORE}.get("draft:{uuid}")).content.sections.away.text"""
    )
    rows = tablet.evaluate("() => window.__rowsPosted")
    assert (text, rows) == ("We went to the park. Bus.", 0), {"kept": text, "rows_to_worker": rows}
