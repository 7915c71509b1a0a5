"""The child's answer at the read-back counts only once saved with its button: chosen and not
saved, the page says so, and leaving it asks first (a chosen answer was lost without a word
when the worker moved on before saving it). Saving leaves without asking.

Real Chromium, a real server.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_child_view_browser import started

pytestmark = pytest.mark.browser

CHILD = "Odelia"  # a first name no other test uses


def test_a_chosen_answer_not_saved_is_said_and_leaving_asks_first(page, live_app, new_return):
    new_return(CHILD)
    _, uuid = started(page, live_app, CHILD)
    page.goto(f"/interviews/{uuid}/read_back")
    note = page.get_by_text(f"Not saved yet: \u201cSave what {CHILD} said\u201d records")
    expect(note).to_be_hidden()
    page.get_by_label("Yes, that\u2019s right").check()
    expect(note).to_be_visible()

    asked: list[str] = []

    def answer(dialog) -> None:
        asked.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    page.get_by_role("link", name="Next: Review and finish").click()
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    assert page.url.endswith("/read_back")
    expect(page.get_by_label("Yes, that\u2019s right")).to_be_checked()

    page.get_by_role("button", name=f"Save what {CHILD} said").click()
    page.get_by_text("Recorded: \u201cYes, that\u2019s right\u201d.").wait_for()
    expect(note).to_be_hidden()
    page.get_by_role("link", name="Next: Review and finish").click()
    page.wait_for_url("**/review")
    assert asked == ["beforeunload"]  # not asked again
