"""Each demo account signs in in Chromium, sees its own home page, and the page passes axe."""

from __future__ import annotations

import pytest

from tests.browser.helpers import serious_violations, sign_in

pytestmark = pytest.mark.browser

HOMES = {
    "worker@example.org": ("Returns waiting for an interview", "/returns"),
    "social.worker@example.org": ("My children", "/children"),
    "manager@example.org": ("Returns waiting for an interview", "/returns"),
    "admin@example.org": ("Users and teams", "/admin/users"),
}


@pytest.mark.parametrize("email", sorted(HOMES))
def test_each_role_signs_in_to_its_home_page(page, email):
    heading, path = HOMES[email]
    sign_in(page, email)
    page.wait_for_url(f"**{path}")
    assert page.get_by_role("heading", level=1).inner_text() == heading
    assert serious_violations(page) == []
    assert page.console_errors == []  # no CSP violations, no script errors


def test_sign_in_page_is_accessible(page):
    page.goto("/sign-in")
    assert serious_violations(page) == []


@pytest.mark.parametrize(
    "viewport", [{"width": 768, "height": 1024}, {"width": 1024, "height": 768}]
)
def test_worker_records_an_attempt_with_htmx(page, viewport):
    page.set_viewport_size(viewport)
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    page.locator(".card-title a").first.click()
    page.get_by_text("Record a contact attempt", exact=True).click()
    page.get_by_label("How", exact=True).select_option("phone")
    page.get_by_label("What happened").select_option("no_answer")
    page.get_by_label("Note (optional)").fill("Rang twice, no answer.")
    page.get_by_role("button", name="Save attempt").click()
    page.get_by_text("Contact attempt saved.").wait_for()
    assert "Rang twice, no answer." in page.locator("#interview-panel table").inner_text()
    assert serious_violations(page) == []
    # Touch targets: every button is at least 44 px tall.
    for box in page.locator("button:visible").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().height)"
    ):
        assert box >= 44
    assert page.console_errors == []


def test_bad_date_message_shows_next_to_the_field_without_losing_text(page):
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    page.locator(".card-title a").first.click()
    page.get_by_text("The child said no", exact=True).click()
    page.get_by_label("What the child said, in their words").fill("I'm tired, maybe Friday.")
    page.get_by_label("When the child said no").fill("")
    page.get_by_role("button", name="Save: the child said no").click()
    # Beside the field (the summary at the top of the part says it too).
    page.locator(".error-message", has_text="Enter the date and time.").wait_for()
    assert (
        page.get_by_label("What the child said, in their words").input_value()
        == "I'm tired, maybe Friday."
    )
