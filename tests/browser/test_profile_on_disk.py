"""Nothing a worker types, and no child's name, is left in the browser's own files (issue 12,
item 3): a persistent Chromium profile, the interview typed online and offline, the browser
closed, then every file of the profile read from disk as bytes and searched as UTF-8 and as
UTF-16 (how Chromium keeps session-restore state and some IndexedDB strings).

The sealed store (IndexedDB, encrypted with a key from the PIN) may hold the words: sealed, so
not findable. What docs/security.md says the browser may still keep (URLs with record ids) is
not searched for.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import CHROMIUM_ARGS, chromium_path
from tests.browser.helpers import (
    PIN,
    go_to,
    interviews_for,
    kept,
    open_offline,
    sign_in,
    start_interview,
    tablet_ready,
)

pytestmark = pytest.mark.browser

FIRST_NAME = "Marigold"
ONLINE_WORDS = "Quillfeather stayed near the canal lock"
OFFLINE_WORDS = "Bramblewick said the van was blue"


def _hits(folder: Path, needles: list[str]) -> list[str]:
    found = []
    forms = [(n, n.encode("utf-8")) for n in needles]
    forms += [(f"{n} (UTF-16)", n.encode("utf-16-le")) for n in needles]
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        for name, needle in forms:
            if needle in data:
                found.append(f"{name} in {path.relative_to(folder)}")
    return found


def test_the_profile_on_disk_holds_no_typed_words_and_no_childs_name(
    tmp_path, browser, live_app, live_server, new_return
):
    episode_id = new_return(FIRST_NAME)
    profile = tmp_path / "profile"
    # The session's Playwright launches a second Chromium, with its profile on disk.
    context = browser.browser_type.launch_persistent_context(
        str(profile),
        executable_path=chromium_path(),
        headless=True,
        args=CHROMIUM_ARGS,
        base_url=live_server,
        viewport={"width": 768, "height": 1024},
    )
    page = context.pages[0] if context.pages else context.new_page()
    tablet_ready(page)
    # Online: the return's page, an interview started, words typed and saved as they go.
    page.goto(f"/episodes/{episode_id}")
    page.get_by_role("heading", level=1, name=f"{FIRST_NAME} Testchild").wait_for()
    page.close()
    # Offline: the same return from the tablet, words typed into the sealed store.
    context.set_offline(True)
    tablet = open_offline(context)
    tablet.get_by_role("link", name=f"{FIRST_NAME} Testchild").click()
    tablet.get_by_role("heading", level=1, name=f"{FIRST_NAME} Testchild").wait_for()
    start_interview(tablet, FIRST_NAME)
    go_to(tablet, "While away")
    box = tablet.get_by_label(f"What {FIRST_NAME} said")
    box.press_sequentially(OFFLINE_WORDS)
    kept(tablet, "#meta-sections-away-text")
    # Back online, the words sent, then the online interview page with more words typed.
    context.set_offline(False)
    tablet.goto("/returns")
    if "/sign-in" in tablet.url:  # the session ended meanwhile: sign in, as a worker would
        sign_in(tablet, "worker@example.org")
        tablet.wait_for_url("**/returns")
    bar = tablet.locator("#tablet-bar")
    bar.get_by_role("button", name="Send now").click()
    tablet.get_by_label("PIN", exact=True).fill(PIN)
    tablet.get_by_role("button", name="Continue").click()
    bar.get_by_text("The server has everything.").wait_for(timeout=60_000)
    (interview,) = interviews_for(live_app, episode_id)
    tablet.goto(f"/interviews/{interview.uuid}/help")
    box = tablet.get_by_label(f"What {FIRST_NAME} said")
    box.press_sequentially(ONLINE_WORDS)
    tablet.locator("#meta-sections-help-text").get_by_text("Saved").wait_for()
    tablet.goto("/returns")
    context.close()  # the browser writes its session and caches out as it closes

    # The search reads what the browser wrote: the server's address is in its history.
    assert _hits(profile, [live_server.removeprefix("http://")])
    hits = _hits(profile, [ONLINE_WORDS, OFFLINE_WORDS, FIRST_NAME])
    assert not hits, "found on disk after the browser closed:\n" + "\n".join(hits)
