"""Reaching rhi's browser modules from a test.

rhi's browser code is ES modules with no globals (rhi/static/js). A test reaches a module the way
the modules reach each other, by importing it: in the page, `import("/static/js/store.js")` goes
through the page's import map (rhi/pwa/views.py) to the versioned URL the page's own modules
loaded, so the test gets the very same instance (the same store, the same key in memory), not a
second copy. Each constant is a JS expression, for use inside an async function:

    tablet.evaluate(f"async () => {STORE}.lock()")
"""

from __future__ import annotations


def module(name: str) -> str:
    """The page's instance of rhi/static/js/<name>.js, as a JS expression (needs `async`)."""
    return f"(await import('/static/js/{name}.js'))"


STORE = module("store")  # the sealed store (store.js)
DRAFTS = module("drafts")  # changeDraft, as the shell pages keep changes (drafts.js)
BAR = module("bar")  # sendNow, what the bar's timers call (bar.js)
LANGUAGE = module("language-check")  # the writing check's matcher (language-check.js)


def offer_and_yes(page) -> None:
    """On an episode page with no offer and answer on record, the start form asks for both
    (issue 13, item 6): fill them as a worker would (the time is already now). A return whose
    offer and "yes" are already recorded has no such fields: nothing to fill."""
    page.get_by_role("button", name="Start the interview now").wait_for()
    if page.get_by_label("How you offered it").count():
        page.get_by_label("How you offered it").select_option("visit")
        page.get_by_label("Yes, they would like to talk now").check()
