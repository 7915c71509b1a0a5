"""The child presses "Save my answer" on the read-back, in the child's view: the page says to
them that it is saved, and that is what is read first (an accessibility probe: the only word
of it was the worker's message, hidden while the tablet is turned to the child, and focus
went to the panel at the top).

Real Chromium, a real server.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_child_view_browser import started

pytestmark = pytest.mark.browser

CHILD = "Zephyrine"  # a first name no other test uses (grep tests/ before choosing one)


def test_the_child_is_told_their_answer_is_saved(page, live_app, new_return):
    new_return(CHILD)
    _, uuid = started(page, live_app, CHILD)
    page.get_by_role("button", name=f"Turn the tablet towards {CHILD}").click()
    page.goto(f"/interviews/{uuid}/read_back")
    page.get_by_role("button", name="Give the tablet back").wait_for(state="visible")
    assert page.get_by_text("Your answer is saved.").count() == 0
    page.get_by_label("Yes, that\u2019s right").check()
    page.get_by_role("button", name="Save my answer").click()
    said = page.get_by_text("Your answer is saved.")
    expect(said).to_be_visible()
    expect(said).to_be_focused()
    expect(page.get_by_role("button", name="Give the tablet back")).to_be_visible()
