"""A probe (HIGH) on the social worker's summary page: a question typed, then "I have read this
summary" pressed before opening the PDF, came back with the question box empty, no error
summary, and focus on <body>. A note typed under "What happens next", then an empty question
sent: the note was gone. Every box keeps its words whichever button is pressed, and focus
starts at the error summary, which links to what to put right.

Real Chromium and a real server, on the demo's summary for Amara (tests/browser/conftest.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from rhi.extensions import db
from rhi.models import Child, Interview, Summary
from tests.browser.helpers import serious_violations, sign_in
from tests.browser.test_record_sent_typing_browser import record_form_on_review

pytestmark = pytest.mark.browser

QUESTION = "Who is \u201cDee\u201d, and does the school know?"
NOTE = "Strategy meeting on Friday; her nan to be asked too."


def _unopened_summary(live_app) -> int:
    """The demo's summary for Amara, as it was sent: not yet opened nor read."""
    with live_app.app_context():
        summary = db.session.scalar(
            select(Summary).join(Interview).join(Child).where(Child.first_name == "Amara")
        )
        assert summary is not None
        summary.opened_at = summary.opened_by_id = summary.acknowledged_at = None
        summary.acknowledged_by_id = summary.next_step = summary.next_step_note = None
        db.session.commit()
        return summary.id


def test_the_summary_page_keeps_every_box_whichever_button_is_pressed(page, live_app):
    summary_id = _unopened_summary(live_app)
    sign_in(page, "social.worker@example.org")
    page.wait_for_load_state()
    page.goto(f"/summaries/{summary_id}")

    page.get_by_label("Your question").fill(QUESTION)
    page.get_by_role("button", name="I have read this summary").click()
    page.wait_for_load_state()
    summary = page.locator(".error-summary")
    summary.wait_for()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert "Please open the summary first" in summary.inner_text()
    assert page.get_by_label("Your question").input_value() == QUESTION
    # The summary's line leads to the button it is about.
    summary.get_by_role("link").click()
    assert page.evaluate("location.hash") == "#acknowledge"

    page.get_by_label("Note").fill(NOTE)
    page.get_by_label("Your question").fill("")
    page.get_by_role("button", name="Send the question").click()
    page.wait_for_load_state()
    page.locator(".error-summary").wait_for()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert "Write your question." in page.locator(".error-summary").inner_text()
    assert page.get_by_label("Note").input_value() == NOTE
    assert serious_violations(page) == []


def test_sent_to_follows_the_copy_chosen_and_keeps_what_was_typed(page, live_app, new_return):
    """A probe (MEDIUM): "Sent to" started as the placing authority whichever copy was chosen,
    police included. It starts so for the social worker's copy only, and changes with the copy
    (htmx), never over what the worker typed."""
    record_form_on_review(page, live_app, new_return("Placida"), "Kirklees Council")
    which, sent_to = page.get_by_label("Which copy"), page.get_by_label("Sent to")
    assert which.input_value() == "social_worker"
    assert sent_to.input_value() == "Kirklees Council (placing authority)"

    which.select_option("police")
    page.wait_for_function("() => document.getElementById('sent_to').value === ''")
    sent_to.fill("PC Jo Reed, Humber Police")
    which.select_option("social_worker")
    page.wait_for_timeout(500)  # the answer came back, and left the typed words alone
    assert sent_to.input_value() == "PC Jo Reed, Humber Police"
    sent_to.fill("")
    which.focus()  # as a keyboard user changes the copy: the swap leaves the focus there
    which.select_option("social_worker")
    which.select_option("school")
    which.select_option("social_worker")
    page.wait_for_function(
        "() => document.getElementById('sent_to').value === 'Kirklees Council (placing authority)'"
    )
    assert page.evaluate("document.activeElement.id") == "sent_recipient"
