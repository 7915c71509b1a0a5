"""Fixes from an accessibility probe (6 Dec 2026), in Chromium:

- the writing check's live region re-read every suggestion, 400 characters of them, at each
  pause in typing: it now says only that the suggestions changed, briefly, when they do;
- "Skip to main content" was 27 px tall when shown: a finger needs 44;
- bilingual buttons ran the two languages together ("Give the tablet backأعد…")."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from rhi.extensions import db
from rhi.models import Child
from tests.browser.helpers import sign_in, start_online

pytestmark = pytest.mark.browser

# What a screen reader is given to say about the box: the text of each live region near it
# (ids "<box>-flags...") that changed since the last time this was asked.
LISTEN = """(boxId) => {
  window.heard = new Set();
  new MutationObserver((changes) => {
    for (const change of changes) {
      const node = change.target.nodeType === 1 ? change.target : change.target.parentElement;
      const region = node && node.closest('[aria-live], [role=status], [role=alert]');
      if (region && region.id.startsWith(boxId + '-flags')) window.heard.add(region);
    }
  }).observe(document.body, {childList: true, characterData: true, subtree: true});
}"""
HEARD = """() => { const said = [...window.heard].map((el) => el.textContent.trim())
  .filter(Boolean); window.heard.clear(); return said; }"""


def shown_count(page) -> str:
    return page.locator("#reason-flags .flags-count").inner_text().strip()


def test_the_writing_check_says_only_what_changed(page, new_return):
    episode_id = new_return("Saidonce")
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    page.goto(f"/episodes/{episode_id}")
    page.get_by_text("The child said no", exact=True).click()
    box = page.get_by_label("What the child said, in their words")
    page.evaluate(LISTEN, "reason")

    box.press_sequentially("She absconded and was putting herself at risk.")
    page.locator("#reason-flags .flags-count").wait_for()
    page.wait_for_timeout(700)
    first = shown_count(page)
    said = page.evaluate(HEARD)
    assert len(said) == 1 and said[0].startswith(first), said
    assert len(said[0]) < 120, f"the whole list read out: {said[0]}"

    # More ordinary words, a pause after each: the same suggestions, so nothing is said again.
    for word in [" She", " was", " found", " at", " home."]:
        box.press_sequentially(word)
        page.wait_for_timeout(800)
        assert page.evaluate(HEARD) == [], f"said again after {word!r}"
    assert shown_count(page) == first

    # A new phrase to look at: said, briefly, with the new count.
    box.press_sequentially(" She absconded again.")
    page.wait_for_function(
        "(before) => document.querySelector('#reason-flags .flags-count')?.textContent.trim()"
        " !== before",
        arg=first,
    )
    page.wait_for_timeout(300)
    said = page.evaluate(HEARD)
    assert len(said) == 1 and said[0].startswith(shown_count(page)), said
    assert "\u201cabsconded\u201d" in said[0]
    assert len(said[0]) < 120

    # All of them gone: said once.
    box.fill("She was found at home.")
    page.wait_for_timeout(800)
    assert page.evaluate(HEARD) == ["No wording suggestions now."]


@pytest.mark.parametrize("width", [768, 320])
def test_the_skip_link_is_a_finger_high_when_shown(page, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/sign-in")
    skip = page.get_by_role("link", name="Skip to main content")
    # Off screen until focused: the probe's target-size check measured it there, 27 px tall.
    assert skip.bounding_box()["height"] >= 44, skip.bounding_box()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    box = skip.bounding_box()
    assert box["x"] >= 0 and box["height"] >= 44 and box["width"] >= 44, box


def test_the_english_and_the_childs_language_are_apart_on_a_button(page, live_app, new_return):
    episode_id = new_return("Apartwords")
    with live_app.app_context():
        child = db.session.scalar(select(Child).where(Child.first_name == "Apartwords"))
        child.first_language = "Arabic"
        db.session.commit()
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    start_online(page, episode_id)
    page.get_by_role("button", name="Turn the tablet towards Apartwords").click()
    # The test child is a girl (new_return records her as one): "أعيدي", the words for a girl.
    button = page.get_by_role(
        "button", name="Give the tablet back \u0623\u0639\u064a\u062f\u064a"
    ).first
    button.wait_for()
    # The English words' box and the Arabic's: a visible gap between them, or on two lines.
    gap = button.evaluate(
        """(b) => {
          const theirs = b.querySelector('.label-theirs');
          const range = document.createRange();
          range.setStart(b, 0);
          range.setEndBefore(theirs.closest('.child-words-variant') || theirs);
          const english = range.getBoundingClientRect();
          const other = theirs.getBoundingClientRect();
          if (other.top >= english.bottom - 1) return 100;  // a line of its own
          return other.left >= english.right ? other.left - english.right
                                               : english.left - other.right;
        }"""
    )
    assert gap >= 6, f"only {gap}px between the English and the Arabic"
