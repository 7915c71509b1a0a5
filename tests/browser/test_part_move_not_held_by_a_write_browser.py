"""A move to another part is never held by a write that does not settle.

With no signal, the router keeps the open part's last words before it shows the next part
(router.js show, shell-interview.js keepOpenPage). A keystroke's record goes to the service
worker, which answers when it is written (store.js toWorker); an answer that never came (the
service worker stopped in the middle of a write) held the worker on the part, the part tapped
never coming, and the words waited on it for good. Here the service worker is never given the
keystrokes' writes (the page's own postMessage drops them), so none is ever answered: the tap
still moves, once the page has kept the words itself (the service worker not having answered
in store.js WORKER_WAIT_MS, 10 s), and the part opened again shows them."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import STORE, go_to, kept, offline_on_the_return, start_interview, until

pytestmark = pytest.mark.browser

CHILD = "Tamsin"

# From now on, a keystroke's write posted to the service worker is dropped: never answered.
DROP_WRITES = """() => {
  const post = ServiceWorker.prototype.postMessage;
  ServiceWorker.prototype.postMessage = function (message, ...rest) {
    if (message && message.type === "rhi-write" && "text" in message) return;
    return post.call(this, message, ...rest);
  };
}"""


def test_a_write_never_answered_does_not_keep_the_worker_on_the_part(page, new_return):
    new_return(CHILD)
    tablet = offline_on_the_return(page, CHILD)
    start_interview(tablet, CHILD)
    go_to(tablet, "While away")
    said = tablet.get_by_label(f"What {CHILD} said")
    said.fill("We went to the park.")
    kept(tablet, "#meta-sections-away-text")
    tablet.evaluate(DROP_WRITES)
    said.press_sequentially(" Then the bus.")
    tablet.locator(".interview-nav").get_by_role("link", name="In your own words").click()
    expect(tablet.locator(".interview-nav [aria-current=step]")).to_have_text(
        "In your own words", timeout=30_000
    )
    expect(tablet).to_have_url(re.compile(r"/own_words$"))
    # The words typed are on the tablet, kept by the page itself.
    uuid = tablet.url.split("/interviews/")[1].split("/")[0]
    until(
        tablet,
        f"""async () => {{
          const draft = await {STORE}.get("draft:{uuid}");
          return JSON.stringify(draft || {{}}).includes("We went to the park. Then the bus.");
        }}""",
        seconds=30,
    )
    go_to(tablet, "While away")
    expect(said).to_have_value("We went to the park. Then the bus.")
