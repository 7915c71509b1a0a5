"""On a return's page the panel of forms (a contact attempt, the offer, the child's yes or no,
the outcome) is one region that each form's answer replaces. A probe typed the child's reasons
in "The child said no", then saved a contact attempt: "Contact attempt saved", and the reasons
were gone, with nothing said. What is typed in another form is put back in the new panel; the
form that was sent shows the server's answer. Real Chromium, a real server."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from rhi.models.base import utcnow
from rhi.timefmt import to_local
from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser


def _local(at: datetime) -> str:
    """`at` (UTC) as the page's date-and-time box takes it, in local time."""
    return to_local(at).strftime("%Y-%m-%dT%H:%M")


REASONS = "I don't want to talk about it today, maybe next week"


def test_saving_one_form_keeps_what_was_typed_in_another(page, live_app, new_return):
    episode_id = new_return("Imani")
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    page.goto(f"/episodes/{episode_id}")

    page.get_by_text("The child said no", exact=True).click()
    page.get_by_label("What the child said, in their words").fill(REASONS)
    page.get_by_label("No, the child asked us not to").check()

    page.get_by_text("Record a contact attempt", exact=True).click()
    attempt = page.locator("form[action$='/attempts']")
    # An hour ago: after the child came back (new_return: 4 hours ago), as an attempt must be.
    with live_app.app_context():  # the service's time zone
        an_hour_ago = _local(utcnow() - timedelta(hours=1))
    attempt.get_by_label("When").fill(an_hour_ago)
    attempt.get_by_label("How").select_option(index=1)
    attempt.get_by_label("What happened").select_option(index=1)
    attempt.get_by_label("Note (optional)").fill("Left a card")
    attempt.get_by_role("button", name="Save attempt").click()
    page.get_by_text("Contact attempt saved").wait_for()

    reasons = page.get_by_label("What the child said, in their words")
    assert reasons.is_visible()  # its part of the page is open again
    assert reasons.input_value() == REASONS
    assert page.get_by_label("No, the child asked us not to").is_checked()
    # The form that was sent shows what the server holds: a fresh form, its note gone.
    assert (
        page.locator("form[action$='/attempts']").get_by_label("Note (optional)").input_value()
        == ""
    )
