"""A write the service worker made but whose answer came too late (after store.js
WORKER_WAIT_MS) is kept once, never made again on top of itself (rev37: a "use these words" tap
counted twice, language.replaced 2, two taps, sent so to the server). The page writes the same
record with the same revision itself; whichever write lands first keeps it. Here the page's
postMessage hands the keystroke's write to the service worker as ever, but its answer never
reaches the page (as an answer later than 10 s)."""

from __future__ import annotations

import pytest

from tests.browser.helpers import STORE, go_to, kept, offline_on_the_return, start_interview, until

pytestmark = pytest.mark.browser

CHILD = "Tamsin"

SWALLOW_ANSWERS = """() => {
  const post = ServiceWorker.prototype.postMessage;
  ServiceWorker.prototype.postMessage = function (message, transfer) {
    if (message && message.type === "rhi-write" && "text" in message) {
      const relay = new MessageChannel(); // written by the service worker; answered to no one
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


@pytest.mark.parametrize("late", [True, False], ids=["answer_late", "control_answered"])
def test_a_late_answer_does_not_keep_one_tap_twice(page, new_return, late):
    new_return(CHILD)
    tablet = offline_on_the_return(page, CHILD)
    start_interview(tablet, CHILD)
    go_to(tablet, "While away")
    said = tablet.get_by_label(f"What {CHILD} said")
    said.fill("We went to the park.")
    kept(tablet, "#meta-sections-away-text")
    uuid = tablet.url.split("/interviews/")[1].split("/")[0]
    if late:
        tablet.evaluate(SWALLOW_ANSWERS)
    tablet.evaluate(TAP)  # one "use this" tap, kept by one keystroke-style write
    # The service worker has written it (the answer went nowhere) ...
    until(
        tablet,
        f"""async () => {{
          const draft = await {STORE}.get("draft:{uuid}");
          return ((draft && draft.content && draft.content.language) || {{}}).replaced >= 1;
        }}""",
        seconds=5,
    )
    # ... and past store.js WORKER_WAIT_MS the page writes the same record itself.
    tablet.wait_for_timeout(14_000)
    language = tablet.evaluate(
        f"""async () => (await {STORE}.get("draft:{uuid}")).content.language"""
    )
    assert language["replaced"] == 1, language
    assert len(language["taps"]) == 1, language
