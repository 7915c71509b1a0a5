"""The writing check in a box outside the interview's notes (issue 14 item 3): the decline
reason, where "refused to engage" is most often written."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from rhi.extensions import db
from rhi.models import LanguageEvent
from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser


def test_refused_to_engage_in_the_decline_reason_shows_a_suggestion(page, live_app, new_return):
    episode_id = new_return("Leonora")
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    page.goto(f"/episodes/{episode_id}")
    page.get_by_text("The child said no", exact=True).click()
    box = page.get_by_label("What the child said, in their words")
    box.fill("She refused to engage and said she was tired.")
    flags = page.locator("#reason-flags")
    flags.get_by_text("1 wording suggestion").wait_for()
    assert "\u201crefused to engage\u201d" in flags.inner_text()
    # One tap replaces the phrase, and the tap is counted for the team (no words are sent on).
    # The first suggestion, whichever the rules offer first (the rules file is not this test's).
    with page.expect_response("**/language/events") as counted:
        flags.get_by_role("button", name="Use \u201c").first.click()
    assert counted.value.status == 204
    assert "refused to engage" not in box.input_value()
    assert box.input_value().endswith("and said she was tired.")
    page.wait_for_timeout(600)  # the check runs again after a pause in typing
    assert flags.inner_text().strip() == ""
    with live_app.app_context():
        actions = db.session.scalars(
            select(LanguageEvent.action).where(LanguageEvent.rule_id == "refused-to-engage")
        ).all()
    assert "replaced" in actions
