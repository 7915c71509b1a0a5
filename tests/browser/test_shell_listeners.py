"""Moving between interview parts with no signal loads no page (shell.js swaps the content and
keeps the key in memory): the listeners that keep the last words when the tab closes or the
tablet sleeps are added once, not once more for every part opened.

Real Chromium, a real server on localhost, `context.set_offline(True)` cutting the page off.
"""

from __future__ import annotations

import pytest

from tests.browser.helpers import STORE, go_to, kept, offline_on_the_return, start_interview, until

pytestmark = pytest.mark.browser

# Counts every listener added for the two events, by where it was added; before any script runs.
COUNT_LISTENERS = """(() => {
    const counts = {};
    const add = EventTarget.prototype.addEventListener;
    EventTarget.prototype.addEventListener = function (type, ...rest) {
        if (type === "pagehide" || type === "visibilitychange") {
            const where = this === window ? "window" : this === document ? "document" : "other";
            counts[`${where} ${type}`] = (counts[`${where} ${type}`] || 0) + 1;
        }
        return add.call(this, type, ...rest);
    };
    window.__listenerCounts = counts;
})();"""

PARTS = [
    "While away",
    "How you feel now",
    "What would help",
    "What we found",
    "Analysis and actions",
    "Before you left",
]


def counts(page) -> dict[str, int]:
    return page.evaluate("() => ({ ...window.__listenerCounts })")


def test_moving_between_parts_offline_adds_the_closing_listeners_once(page, new_return):
    new_return("Wren")
    page.context.add_init_script(COUNT_LISTENERS)
    tablet = offline_on_the_return(page, "Wren")
    start_interview(tablet, "Wren")
    first = counts(tablet)
    # The shell's, and autosave.js's (an online page's last words sent as it goes): once each.
    assert first.get("window pagehide") == 2
    for part in PARTS:
        go_to(tablet, part)
    assert counts(tablet) == first  # the same listeners, however many parts were opened

    # And they still keep what was typed on the part open now, when the tab is hidden.
    tablet.get_by_label("What Wren said").fill("I was at the park.")
    tablet.evaluate("() => window.dispatchEvent(new Event('pagehide'))")
    until(
        tablet,
        f"""async () => (await {STORE}.all()).records.some((r) =>
        r.id.startsWith("draft:") && r.record.content
        && r.record.content.sections.before.text === "I was at the park.")""",
    )
    kept(tablet, "#meta-sections-before-text")
