"""The question shown large, and in the child's view, with the English beside it (probe
"access", finding 4): README says the child's screens are in their language "with the English
beside them", and "draft, not yet checked by a qualified translator" while a draft. The worker
sitting beside an Arabic-speaking child sees which question is up; a bilingual child has the
English too. Each part carries its own language (the Arabic right to left), and the child's view
says the Arabic is a draft where the read-back says it, under the title."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from rhi.extensions import db
from rhi.models import Child
from rhi.prompts.bank import load_bank
from rhi.prompts.languages import by_code
from tests.browser.helpers import open_interview_of, serious_violations

pytestmark = pytest.mark.browser

CHILD = "Zuleika"  # a first name no other test uses; 14 years old: the words for 11 to 14
DRAFT = "Draft translation, not yet checked by a qualified translator"


def _english(key: str) -> str:
    away = next(s for s in load_bank().sections if s.id == "away")
    return next(p for p in away.prompts if p.id == key).text_for("11_to_14")


def test_the_question_large_and_in_the_childs_view_has_the_english_beside_it(
    page, live_app, new_return
):
    episode_id = new_return(CHILD)
    with live_app.app_context():
        child = db.session.scalar(select(Child).where(Child.first_name == CHILD))
        child.first_language = "Arabic"
        db.session.commit()
    # A girl (new_return records her as one): the Arabic words for a girl.
    arabic = by_code("ar").text("prompts:away-1", "11_to_14", feminine=True)
    english = _english("away-1")

    open_interview_of(page, episode_id)
    page.locator(".interview-nav").get_by_role("link", name="While away").click()
    page.wait_for_url("**/away")

    # "Show large": the Arabic, right to left, and the English under it, marked as English.
    page.locator("[data-show-large='prompt-away-1']").click()
    dialog = page.locator("#prompt-dialog")
    expect(dialog).to_be_visible()
    theirs = dialog.locator("#prompt-dialog-text")
    assert theirs.inner_text().strip() == arabic
    assert (theirs.get_attribute("lang"), theirs.get_attribute("dir")) == ("ar", "rtl")
    beside = dialog.locator("[lang='en']").filter(has_text=english)
    expect(beside).to_be_visible()
    assert beside.inner_text().strip() == f"English: {english}"
    assert beside.get_attribute("dir") == "ltr"
    assert serious_violations(page) == []
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).not_to_be_visible()

    # Another question large: its own English, not the first's as well.
    other = _english("away-2")
    page.locator("[data-show-large='prompt-away-2']").click()
    expect(dialog.get_by_text(other)).to_be_visible()
    expect(dialog.get_by_text(english)).to_have_count(0)
    dialog.get_by_role("button", name="Close").click()
    page.locator("[data-show-large='prompt-away-1']").click()
    dialog.get_by_role("button", name="Close").click()

    # Turned towards the child: the question under the title, in Arabic with the English.
    page.get_by_role("button", name=f"Turn the tablet towards {CHILD}").click()
    question = page.locator("[data-child-question]")
    expect(question).to_be_visible()
    theirs = question.locator("[lang='ar']")
    assert theirs.inner_text().strip() == arabic
    assert theirs.get_attribute("dir") == "rtl"
    assert theirs.evaluate("(el) => getComputedStyle(el).direction") == "rtl"
    beside = question.locator("[lang='en']")
    expect(beside).to_be_visible()
    assert beside.inner_text().strip() == f"English: {english}"
    assert beside.evaluate("(el) => getComputedStyle(el).direction") == "ltr"
    # The English under the Arabic, not run into it.
    above = theirs.bounding_box()
    under = beside.bounding_box()
    assert above and under and under["y"] >= above["y"] + above["height"] - 1

    # Said to be a draft, in English and in Arabic, under the part's title as the read-back says
    # it (the same words: _child_words.html draft_note).
    note = page.locator(".draft-note").filter(has_text=DRAFT)
    expect(note.filter(visible=True)).to_have_count(1)
    shown = note.filter(visible=True)
    assert shown.locator("[lang='ar']").count() >= 1
    title = page.locator("h2.child-title").filter(has_text="While you were away")
    title_box, note_box, question_box = (
        title.bounding_box(),
        shown.bounding_box(),
        question.bounding_box(),
    )
    assert title_box and note_box and question_box
    assert title_box["y"] < note_box["y"] < question_box["y"]
    assert serious_violations(page) == []
    assert page.console_errors == []
