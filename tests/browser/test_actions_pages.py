"""Actions followed, in Chromium on the demo data (issue 11 item 7): the worker sees the action
past its date on their Returns page, opens it, is refused with the reason asked for next to the
field, and records it done; the social worker sees the strategy meeting asked for. Each page
passes axe (no serious or critical violations) with no script errors."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import serious_violations, sign_in

pytestmark = pytest.mark.browser


def test_a_worker_follows_an_action_past_its_date_to_an_end(page):
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    overdue = page.get_by_role("region", name=re.compile(r"actions? past (its|their) date"))
    overdue.get_by_role("link", name="Exploitation team for Amara").click()
    page.get_by_role("heading", level=1, name="Exploitation team").wait_for()
    expect(page.get_by_text("Another agency: Femi Adeyemi")).to_be_visible()
    assert serious_violations(page) == []

    page.get_by_label("Not done").check()
    page.get_by_label("When").fill("2026-01-01")
    page.get_by_role("button", name="Save").click()
    error = page.locator("#note-error")
    error.wait_for()
    assert "Say why it was not done." in error.inner_text()
    assert page.get_by_label("Not done").is_checked()  # what was chosen is kept
    assert serious_violations(page) == []

    page.get_by_label("Done", exact=True).check()
    page.get_by_label("When").fill("")
    page.get_by_label("When").fill(page.evaluate("new Date().toISOString().slice(0, 10)"))
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved.").wait_for()
    assert "Where it has got to\nDone, " in page.locator("dl.facts").inner_text()

    page.get_by_role("link", name="Actions", exact=True).first.click()
    page.get_by_role("heading", level=1, name="Actions").wait_for()
    assert serious_violations(page) == []
    # The refused form answered 422, which Chromium logs; nothing else went wrong.
    assert [e for e in page.console_errors if "422" not in e] == []


def test_the_social_worker_is_told_of_the_strategy_meeting(page):
    sign_in(page, "social.worker@example.org")
    page.wait_for_url("**/children")
    meetings = page.get_by_role("region", name="Strategy meetings asked for")
    meetings.get_by_role("link", name="A strategy meeting for Amara").click()
    page.get_by_role("heading", level=1, name="Strategy meeting request").wait_for()
    expect(page.get_by_text("Asked for, not yet held").first).to_be_visible()
    assert serious_violations(page) == []
    assert page.console_errors == []
