"""Leaving the child's profile for police with words typed and not saved asks first (coordinator
probe: "Print the profile for police", pressed after typing, went to the PDF's page and the
words were gone). Once saved, printing goes straight on."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from rhi.extensions import db
from rhi.models import Episode
from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser


def test_printing_with_unsaved_words_asks_first_and_keeps_them(page, live_app, new_return):
    episode_id = new_return("Marisol")
    with live_app.app_context():
        child_id = db.session.get(Episode, episode_id).child_id
    sign_in(page, "coordinator@example.org")
    page.wait_for_url("**/returns")
    page.goto(f"/children/{child_id}/profile")
    box = page.get_by_label("Description")
    box.fill("Tall, a green coat, a scar on her left hand")
    asked = []

    def answer(dialog) -> None:
        asked.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    page.get_by_role("button", name="Print the profile for police (PDF)").click()
    page.wait_for_timeout(1000)
    assert asked == ["beforeunload"]
    assert f"/children/{child_id}/profile" in page.url
    expect(box).to_have_value("Tall, a green coat, a scar on her left hand")

    page.get_by_role("button", name="Save the profile").click()
    page.get_by_text("Saved the profile.").wait_for()
    page.get_by_role("button", name="Print the profile for police (PDF)").click()
    page.wait_for_url("**/downloads/**")
    assert asked == ["beforeunload"]  # not asked again: nothing was left unsaved
