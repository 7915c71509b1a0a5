"""The child's view in Chromium (issue 17 item 1): one tap turns the tablet towards the child,
who sees the question being asked, the feelings scale and their own box, and nothing of the
worker's; the way back is the worker's password (no PIN on this tablet); what the child chose
and wrote is saved, as every field is."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from rhi.demo import DEMO_PASSWORD
from rhi.extensions import db
from rhi.models import Episode
from tests.browser.helpers import offer_and_yes
from tests.browser.test_offline import PIN
from tests.browser.test_offline_interview import go_to, offline_on_the_return, start_interview
from tests.browser.test_roles import serious_violations, sign_in

pytestmark = pytest.mark.browser

CHILD = "Wrenna"  # a first name no other test uses
SAID = "I want to live nearer my sister"
SAVED = re.compile(r"^Saved")


def saved(page, path: str) -> None:
    """The field's own status (the worker's, hidden from the child) says it was saved."""
    page.wait_for_function(
        "(id) => (document.querySelector(`#meta-${id} .save-status`)?.textContent || '')"
        ".startsWith('Saved')",
        arg=path.replace(".", "-"),
        timeout=20_000,
    )


def test_the_child_chooses_a_feeling_and_writes_then_the_worker_comes_back(
    page, live_app, new_return
):
    episode_id = new_return(CHILD)
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    page.locator("ul.cards").get_by_role("link", name=f"{CHILD} Testchild", exact=True).click()
    offer_and_yes(page)
    page.get_by_role("button", name="Start the interview now").click()
    page.wait_for_url("**/start")
    page.locator(".interview-nav").get_by_role("link", name="In your own words").click()
    page.wait_for_url("**/own_words")

    # The worker shows the question large, then turns the tablet towards the child.
    question = page.locator("#prompt-own_words-1")
    asked = question.inner_text().strip()
    page.locator("[data-show-large='prompt-own_words-1']").click()
    page.locator("#prompt-dialog").get_by_role("button", name="Close").click()
    page.get_by_role("button", name=f"Turn the tablet towards {CHILD}").click()

    assert page.locator("[data-child-question]").inner_text() == asked
    for worker_only in (
        page.locator(".interview-nav"),
        page.get_by_text("Questions you could ask"),
        page.get_by_role("button", name="Sign out"),
        page.get_by_label(f"What {CHILD} said"),
        page.get_by_label(f"{CHILD} asked for this part not to be shared"),
        page.locator(".interview-head"),
    ):
        assert not worker_only.is_visible()
    assert page.get_by_role("heading", name="In your own words").first.is_visible()
    assert serious_violations(page) == []

    # A feeling, and the child's own words, saved as every field is.
    page.get_by_role("button", name="Good", exact=True).click()
    assert page.get_by_role("button", name="Good", exact=True).get_attribute("aria-pressed") == (
        "true"
    )
    saved(page, "feelings.own_words.choice")
    saved(page, "feelings.own_words.at")
    page.get_by_label("What I want my social worker to know").fill(SAID)
    saved(page, "child_message")

    # Back: a wrong password keeps the child's view; the worker's own opens the page again.
    page.get_by_role("button", name="Give the tablet back").click()
    dialog = page.locator("#child-view-dialog")
    dialog.get_by_label("Your password").fill("not the password")
    dialog.get_by_role("button", name="Continue").click()
    dialog.get_by_text("That password is not right. Try again.").wait_for()
    assert not page.locator(".interview-nav").is_visible()
    dialog.get_by_label("Your password").fill(DEMO_PASSWORD)
    dialog.get_by_role("button", name="Continue").click()
    page.locator(".interview-nav").wait_for(state="visible")
    assert page.get_by_label(f"What {CHILD} said").is_visible()

    # Saved: on the page after a reload, and in the interview's document.
    page.reload()
    assert page.get_by_label(f"How {CHILD} feels").input_value() == "good"
    assert page.get_by_label("What I want my social worker to know").input_value() == SAID
    with live_app.app_context():
        episode = db.session.scalar(select(Episode).where(Episode.id == episode_id))
        content = episode.interview.content
    assert content["feelings"]["own_words"]["choice"] == "good"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", content["feelings"]["own_words"]["at"])
    assert content["child_message"] == SAID


OFFLINE_CHILD = "Marisol"  # a first name no other test uses


def test_the_childs_view_works_with_no_signal_and_the_pin_brings_the_worker_back(page, new_return):
    new_return(OFFLINE_CHILD)
    tablet = offline_on_the_return(page, OFFLINE_CHILD)
    start_interview(tablet, OFFLINE_CHILD)
    go_to(tablet, "In your own words")
    tablet.get_by_role("button", name=f"Turn the tablet towards {OFFLINE_CHILD}").click()
    assert not tablet.locator(".interview-nav").is_visible()
    assert not tablet.locator("#tablet-bar").is_visible()
    tablet.get_by_role("button", name="Really good").click()
    tablet.get_by_label("What I want my social worker to know").fill(SAID)
    # Kept on the tablet, as every field is with no signal (the status is the worker's).
    for path in ("feelings-own_words-choice", "feelings-own_words-at", "child_message"):
        tablet.locator(f"#meta-{path}").get_by_text("Kept on this tablet").wait_for(
            state="attached", timeout=20_000
        )

    # Back with the tablet's PIN (the password needs the server).
    tablet.get_by_role("button", name="Give the tablet back").click()
    tablet.get_by_label("PIN", exact=True).fill(PIN)
    tablet.get_by_role("button", name="Continue").click()
    tablet.locator(".interview-nav").wait_for(state="visible")

    # Another part and back: filled from what the tablet kept.
    go_to(tablet, "While away")
    go_to(tablet, "In your own words")
    assert tablet.get_by_label(f"How {OFFLINE_CHILD} feels").input_value() == "really_good"
    assert tablet.get_by_label("What I want my social worker to know").input_value() == SAID
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\d \d\d:\d\d",
        tablet.get_by_label(f"When {OFFLINE_CHILD} chose how they feel").input_value(),
    )
