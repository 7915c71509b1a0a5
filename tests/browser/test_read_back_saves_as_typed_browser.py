"""A probe: on the read-back, "I want changes" and the child's words, typed and then left by
"Review and finish", a reload or Back before "Save what <child> said", came back as an empty
box with nothing chosen, under a banner saying "Everything saves as you type".

Now the words save as they are typed, as every box does, and are there on coming back; they
never go into the browser's own storage; the child's answer is recorded only when the worker
saves it, and the banner says so. Real Chromium, a real server."""

from __future__ import annotations

import time

import pytest

from tests.browser.helpers import DUMP_INDEXEDDB, interviews_for, sign_in, start_online, to_part

pytestmark = pytest.mark.browser

WORDS = "Take out the bit about my mum's boyfriend"

BROWSER_STORAGE = (
    "() => JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage)])"
)


def read_back(live_app, episode_id: int) -> tuple[dict, str | None]:
    (interview,) = interviews_for(live_app, episode_id)
    return interview.content["read_back"], interview.read_back_of


@pytest.mark.parametrize("leave", ["review and finish", "reload", "back"])
def test_the_changes_typed_at_the_read_back_are_there_on_coming_back(
    page, live_app, new_return, leave
):
    episode_id = new_return("Rhiannon")
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    start_online(page, episode_id)
    to_part(page, "Read back")
    banner = page.locator(".stop-note").first
    assert banner.inner_text() == (
        "Rhiannon can stop or take a break at any time. What you type saves as you type; what "
        "Rhiannon said is recorded when you tap \u201cSave what Rhiannon said\u201d."
    )

    page.get_by_label("I want changes").check()
    box = page.locator("#in-read_back-changes")
    box.click()
    box.press_sequentially(WORDS)  # and the page left at once, before the box's own save
    # Leaving asks first, as the answer chosen is not saved (its own test): the worker leaves.
    asked: list[str] = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.accept()))
    if leave == "review and finish":
        page.get_by_role("link", name="Next: Review and finish").click()
        page.wait_for_url("**/review")
        # Its name says it has notes now ("Read back (has notes)").
        page.locator(".interview-nav").get_by_role("link", name="Read back").click()
        page.wait_for_url("**/read_back")
    else:
        if leave == "reload":
            page.reload()
        else:
            page.go_back()
            page.wait_for_load_state("load")
            page.go_forward()
        page.wait_for_load_state("load")
        # The last words go as the page goes (autosave.js), beside the next page's own request:
        # the server has them once it has answered it, and the page then shows them.
        deadline = time.monotonic() + 20
        while read_back(live_app, episode_id)[0]["changes"] != WORDS:
            assert time.monotonic() < deadline, "the words never reached the server"
            time.sleep(0.1)
        page.reload()

    assert asked == ["beforeunload"]
    assert page.locator("#in-read_back-changes").input_value() == WORDS
    said, what_was_read = read_back(live_app, episode_id)
    # Saved as typed; the child's answer is not recorded until the worker saves it.
    assert said == {"answer": "", "changes": WORDS, "at": ""}
    assert what_was_read is None
    assert page.get_by_text("Not read back yet.").is_visible()
    # Never in the browser's own storage (a security finding): not even sealed, with no PIN.
    assert WORDS not in page.evaluate(BROWSER_STORAGE)
    assert WORDS not in page.evaluate(DUMP_INDEXEDDB)

    page.get_by_label("I want changes").check()
    page.get_by_role("button", name="Save what Rhiannon said").click()
    page.get_by_text("Recorded: \u201cI want changes\u201d.").wait_for()
    said, what_was_read = read_back(live_app, episode_id)
    assert said["answer"] == "changes" and said["changes"] == WORDS and said["at"]
    assert what_was_read
    assert page.locator("#in-read_back-changes").input_value() == WORDS
    assert page.console_errors == []
