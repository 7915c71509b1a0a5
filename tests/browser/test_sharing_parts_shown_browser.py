"""On the Sharing part, a recipient's part tick boxes ("While away", "How you feel now" ...) were
shown under every answer, also under "No" and "Not asked", and workers read them as asked (a
probe). They now show only while "Yes, to the parts ticked below" is chosen (app.css
.consent-parts, CSS alone). Hidden, never unticked: a tick saved is still there when that answer
is chosen again (the server reads the ticks only for it: rhi/sharing.py consented_parts)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import open_interview_of, serious_violations, to_part

pytestmark = pytest.mark.browser

SAVED = re.compile(r"^Saved")
SOME = "Yes, to the parts ticked below"
PART = "How you feel now"


def _health(page):
    return page.locator("section.consent", has=page.get_by_role("heading", name="Health"))


def _choose(page, answer: str) -> None:
    health = _health(page)
    health.get_by_label(answer, exact=True).check()
    health.locator("#meta-consent-health-answer .save-status").filter(has_text=SAVED).wait_for()


def test_the_parts_show_only_under_yes_to_the_parts_ticked(page, new_return):
    episode_id = new_return("Parveen")
    open_interview_of(page, episode_id)
    to_part(page, "Sharing")
    health = _health(page)
    tick = health.get_by_label(PART, exact=True)

    # A new interview: "Not asked", and no tick boxes to read as asked.
    expect(health.get_by_label("Not asked", exact=True)).to_be_checked()
    expect(tick).to_be_hidden()
    # Another recipient's answer never shows Health's.
    school = page.locator("section.consent", has=page.get_by_role("heading", name="School"))
    school.get_by_label(SOME).check()
    expect(school.get_by_label(PART, exact=True)).to_be_visible()
    expect(tick).to_be_hidden()

    _choose(page, SOME)
    expect(tick).to_be_visible()
    tick.check()
    health.locator(".checkbox").filter(has_text=PART).locator(".save-status").filter(
        has_text=SAVED
    ).wait_for()
    assert serious_violations(page) == []

    for answer in ("No", "Yes", "Not asked"):
        _choose(page, answer)
        expect(tick).to_be_hidden()
    assert serious_violations(page) == []

    # Saved as it was: after a reload under "Not asked", choosing the parts again shows the tick.
    page.reload()
    expect(tick).to_be_hidden()
    _choose(page, SOME)
    expect(tick).to_be_visible()
    expect(tick).to_be_checked()
