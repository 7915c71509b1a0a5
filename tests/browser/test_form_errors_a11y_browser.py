"""A form sent with htmx and refused says so as a whole page does (accessibility probe, WCAG
3.3.1, 2.4.2, 2.4.3): the page's title begins "Error: " and "There is a problem" comes first in
the part swapped in, focused, its lines in the order the page shows the fields (not the form's
own order); once saved, the title is the page's own again. The "Show large" dialog says the
child's words are a draft, as the child's view does.

Real Chromium and a real server."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from rhi.extensions import db
from rhi.models import Child, Episode
from tests.browser.helpers import open_interview_of, serious_violations, sign_in

pytestmark = pytest.mark.browser

DRAFT = "Draft translation, not yet checked by a qualified translator"

FOCUSED_SUMMARY = "() => document.activeElement?.classList.contains('error-summary') ?? false"
SUMMARY_LINKS = "() => [...document.querySelectorAll('.error-summary a')].map((a) => a.hash)"
# The ids the summary's fields have, in the order the page shows them.
PAGE_ORDER = """(ids) => ids
    .map((id) => document.getElementById(id))
    .sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1))
    .map((el) => '#' + el.id)"""


def _script_errors(page) -> list[str]:
    """The console's errors less the browser's own line for the 422 answer itself."""
    return [e for e in page.console_errors if "status of 422" not in e]


def _child_of(live_app, episode_id: int) -> int:
    with live_app.app_context():
        return db.session.get(Episode, episode_id).child_id


def test_a_refused_notification_says_so_first_in_the_pages_order_and_in_the_title(
    page, live_app, new_return
):
    child_id = _child_of(live_app, new_return("Perpetua"))
    sign_in(page, "manager@example.org")
    page.wait_for_url("**/returns")
    page.goto(f"/children/{child_id}/episodes/new")
    assert not page.title().startswith("Error: ")
    page.get_by_label("Missing since").fill("")
    page.get_by_role("button", name="Record the missing episode").click()

    summary = page.locator("#notification-form .error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page).to_have_title("Error: Record a missing episode – rhi")
    assert page.evaluate(FOCUSED_SUMMARY)
    links = page.evaluate(SUMMARY_LINKS)
    # The form lists "Who reported it" before "Missing from"; the page shows it after.
    assert {"#started_at", "#missing_from", "#reported_by"} <= set(links), links
    assert links == page.evaluate(PAGE_ORDER, [link[1:] for link in links])
    assert links.index("#missing_from") < links.index("#reported_by")
    # A line still takes the worker to its field.
    summary.get_by_role("link", name="Missing from: ").click()
    expect(page.get_by_label("Missing from")).to_be_focused()
    assert serious_violations(page) == []
    assert _script_errors(page) == []


def test_the_episode_panel_refused_says_so_and_its_title_comes_back_once_saved(page, new_return):
    episode_id = new_return("Quilla")
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    page.goto(f"/episodes/{episode_id}")
    plain = page.title()
    assert not plain.startswith("Error: ")
    page.get_by_text("Record a contact attempt", exact=True).click()
    form = page.locator("form", has=page.get_by_role("button", name="Save attempt"))
    form.get_by_role("button", name="Save attempt").click()

    summary = page.locator("#interview-panel .error-summary")
    expect(summary).to_be_visible()
    expect(page).to_have_title(f"Error: {plain}")
    assert page.evaluate(FOCUSED_SUMMARY)

    form = page.locator("form", has=page.get_by_role("button", name="Save attempt"))
    form.get_by_label("How").select_option("visit")
    form.get_by_label("What happened").select_option(index=1)
    form.get_by_role("button", name="Save attempt").click()
    page.get_by_text("Contact attempt saved.").wait_for()
    expect(page).to_have_title(plain)
    expect(page.locator(".error-summary")).to_have_count(0)
    assert _script_errors(page) == []


def test_show_large_says_the_words_are_a_draft_as_the_childs_view_does(page, live_app, new_return):
    episode_id = new_return("Rahima")
    with live_app.app_context():
        child = db.session.scalar(select(Child).where(Child.first_name == "Rahima"))
        child.first_language = "Arabic"
        db.session.commit()
    open_interview_of(page, episode_id)
    page.locator(".interview-nav").get_by_role("link", name="While away").click()
    page.wait_for_url("**/away")

    page.locator("[data-show-large='prompt-away-1']").click()
    dialog = page.locator("#prompt-dialog")
    expect(dialog).to_be_visible()
    note = dialog.locator(".draft-note")
    expect(note).to_be_visible()
    expect(note).to_contain_text(DRAFT)
    assert note.locator("[lang='ar']").count() >= 1  # said in Arabic too
    # The same words as the child's view's note.
    words = "(el) => el.textContent.split(/\\s+/).join(' ').trim()"
    childs_view = page.locator(".child-view-draft[data-child-only] .draft-note")
    assert note.evaluate(words) == childs_view.evaluate(words)
    # Under the question, not in place of it.
    question, said = dialog.locator("#prompt-dialog-text").bounding_box(), note.bounding_box()
    assert question and said and said["y"] >= question["y"] + question["height"] - 1
    assert serious_violations(page) == []
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).not_to_be_visible()
    assert page.console_errors == []
