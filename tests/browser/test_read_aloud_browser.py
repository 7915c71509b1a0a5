"""Read aloud in Chromium (issue 17, item 4), for a child whose words are in Arabic.

The tablet's voices are stood in for: headless Chromium may have none, and a test must not
depend on which voices a machine has installed. The stand-in is the browser's own API shape
(speechSynthesis and SpeechSynthesisUtterance) recording what it is asked to say, so this
checks read-aloud.js itself: with no Arabic voice the button says so and reads nothing; once an
Arabic voice arrives (the browser's "voiceschanged") the button reads the Arabic words in
Arabic, a Stop button shows while it speaks, and Stop stops it.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from rhi.extensions import db
from rhi.models import Child
from rhi.prompts.languages import by_code
from tests.browser.helpers import offer_and_yes, open_interview_of, serious_violations, sign_in

pytestmark = pytest.mark.browser

CHILD = "Ottoline"  # a first name no other test uses

# Installed before any of the page's scripts run. Only an English voice to begin with.
VOICES = """
(() => {
  const heard = [];
  window.SpeechSynthesisUtterance = class {
    constructor(text) { this.text = text; this.lang = ""; this.voice = null; }
    addEventListener() {}
  };
  const synth = {
    voices: [{ lang: "en-GB", name: "English (test)" }],
    spoken: [],
    cancelled: 0,
    getVoices() { return this.voices; },
    speak(u) { this.spoken.push({ text: u.text, lang: u.lang, voice: u.voice && u.voice.lang }); },
    cancel() { this.cancelled += 1; },
    addEventListener(type, fn) { if (type === "voiceschanged") heard.push(fn); },
    arrive(voices) { this.voices = voices; heard.forEach((fn) => fn()); },
  };
  Object.defineProperty(window, "speechSynthesis", { value: synth, configurable: true });
})();
"""


def test_read_aloud_in_arabic_only_with_an_arabic_voice_and_stop(page, live_app, new_return):
    episode_id = new_return(CHILD)  # 14 years old: the words for 11 to 14
    with live_app.app_context():
        child = db.session.scalar(select(Child).where(Child.first_name == CHILD))
        child.first_language = "Arabic"
        db.session.commit()
    # A girl (new_return records her as one): the Arabic words for a girl.
    arabic = by_code("ar").text("prompts:away-1", "11_to_14", feminine=True)

    page.add_init_script(VOICES)
    open_interview_of(page, episode_id)
    page.locator(".interview-nav").get_by_role("link", name="While away").click()
    page.wait_for_url("**/away")

    # Waited for: the page may come from the service worker's shell, filled in a moment with the
    # child's words (a CI run read it before).
    words = page.locator("#prompt-away-1:visible")
    expect(words).to_have_text(arabic)
    expect(words).to_have_attribute("lang", "ar")
    expect(words).to_have_attribute("dir", "rtl")

    # No Arabic voice: the button says so and does nothing (never Arabic in an English voice).
    button = page.locator("[data-read-aloud='prompt-away-1']")
    expect(button).to_be_visible()
    # What it says, then (for a screen reader, which meets one such button per question) what
    # it would read.
    said = button.inner_text().strip().partition("\n")[0]
    assert said == "No Arabic voice on this tablet"
    assert button.get_by_text(f": {arabic}").count() == 1
    assert button.get_attribute("aria-disabled") == "true"
    button.click(force=True)  # a tap anyway (Playwright waits for an enabled button otherwise)
    assert page.evaluate("window.speechSynthesis.spoken") == []
    stop = page.locator("[data-read-aloud-stop]")
    expect(stop).not_to_be_visible()

    # An Arabic voice arrives: the button reads the child's words in Arabic, and Stop shows.
    page.evaluate("window.speechSynthesis.arrive([{lang: 'en-GB'}, {lang: 'ar-SA'}])")
    assert button.get_attribute("aria-disabled") is None
    expect(button.get_by_text("Read aloud")).to_be_visible()
    button.click()
    assert page.evaluate("window.speechSynthesis.spoken") == [
        {"text": arabic, "lang": "ar", "voice": "ar-SA"}
    ]
    expect(stop).to_be_visible()
    stop.click()
    expect(stop).not_to_be_visible()
    assert page.evaluate("window.speechSynthesis.cancelled") >= 2  # before speaking, and Stop
    assert page.console_errors == []


RTL_CHILD = "Zenobia"  # a first name no other test uses


@pytest.mark.parametrize("size", [(768, 1024), (1024, 768)], ids=["portrait", "landscape"])
def test_arabic_questions_read_right_to_left_and_pass_axe_on_a_tablet(
    page, live_app, new_return, size
):
    """At tablet size, in the worker's view and the child's: the Arabic words are laid out
    right to left beside the English, nothing spills sideways, and the page passes axe. A
    screenshot of each is kept in test-results/ for a person to look at."""
    name = f"{RTL_CHILD}{'P' if size[0] < size[1] else 'L'}"
    episode_id = new_return(name)
    with live_app.app_context():
        child = db.session.scalar(select(Child).where(Child.first_name == name))
        child.first_language = "Arabic"
        db.session.commit()
    page.set_viewport_size({"width": size[0], "height": size[1]})
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    page.goto(f"/episodes/{episode_id}")  # by its address, as above
    offer_and_yes(page)
    page.get_by_role("button", name="Start the interview now").click()
    page.wait_for_url("**/start")
    page.locator(".interview-nav").get_by_role("link", name="While away").click()
    page.wait_for_url("**/away")

    def laid_out_right_to_left(selector: str) -> None:
        words = page.locator(selector).first
        assert words.evaluate("(e) => getComputedStyle(e).direction") == "rtl"
        box = words.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= size[0]
        # Nothing on the page is wider than the tablet: no sideways scrolling.
        assert page.evaluate("document.documentElement.scrollWidth") <= size[0]

    laid_out_right_to_left("#prompt-away-1")
    assert serious_violations(page) == []
    page.screenshot(path=f"test-results/rtl-worker-{size[0]}x{size[1]}.png", full_page=True)

    # The worker shows the question large, then turns the tablet towards the child.
    page.locator("[data-show-large='prompt-away-1']").click()
    laid_out_right_to_left("#prompt-dialog-text")
    page.locator("#prompt-dialog").get_by_role("button", name="Close").click()
    page.get_by_role("button", name=f"Turn the tablet towards {name}").click()
    question = page.locator("[data-child-question]")
    question.wait_for()
    assert (question.get_attribute("lang"), question.get_attribute("dir")) == ("ar", "rtl")
    laid_out_right_to_left("[data-child-question]")
    # The bar beside the question starts where the words start: on the right.
    sides = question.evaluate(
        "(e) => [getComputedStyle(e).borderRightWidth, getComputedStyle(e).borderLeftWidth]"
    )
    assert sides == ["6px", "0px"]
    assert serious_violations(page) == []
    page.screenshot(path=f"test-results/rtl-child-{size[0]}x{size[1]}.png", full_page=True)
