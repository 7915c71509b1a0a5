"""Two ways a quick tap on "Use ..." was lost, made certain rather than left to load (a CI run
applied 19 of 20 quick taps; the probe "flake38" found why).

1. The list under the box is drawn twice for each tap: at once (the tap's own render) and again
   400 ms later (the input event the tap dispatches schedules the debounced check). The second
   draw replaces every button. A press that is down while it happens (mousedown on the old button,
   mouseup on the new one) makes no click at all: the tap does nothing.
2. While a tap is being worked out (its apply sits in the worker), that debounced check can come
   back first and draw the list again for the OLD words, with its buttons on. A second tap on it
   is then thrown away (`box.value !== current` after the apply, or nowAt null).

Now the tap's own render is its check (the scheduled one is cancelled), and no list is drawn
while a tap is worked out (rhi/static/js/writing.js `working`).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from rhi import writing
from tests.browser.helpers import open_interview_of
from tests.browser.test_taps_never_lost import a_note_and_what_twenty_taps_make_of_it

pytestmark = pytest.mark.browser
SAVED = re.compile(r"^Saved")


def after_taps(live_app, note: str, taps: int) -> str:
    with live_app.app_context():
        matcher = writing.matcher()
        text = note
        for _ in range(taps):
            text = matcher.apply(text, matcher.check(text)[0], 0)
        return text


def open_field(page, live_app, new_return, name):
    note, _ = a_note_and_what_twenty_taps_make_of_it(live_app)
    open_interview_of(page, new_return(name))
    page.locator(".interview-nav").get_by_role("link", name="While away").click()
    page.wait_for_url("**/away")
    page.wait_for_load_state("load")
    box = page.get_by_label(f"What {name} said")
    box.fill(note)
    page.locator("#meta-sections-away-text .save-status").get_by_text(SAVED).wait_for()
    flags = page.locator("#in-sections-away-text-flags")
    flags.get_by_text(re.compile(r"\d+ wording suggestions")).wait_for()
    page.wait_for_timeout(600)  # the fill's own debounced check is done
    return note, box, flags


def test_a_press_held_across_the_lists_second_draw_is_a_tap(page, live_app, new_return):
    note, box, flags = open_field(page, live_app, new_return, "Philippa")
    first = flags.get_by_role("button", name="Use \u201c").first
    first.click()
    expect(box).to_have_value(after_taps(live_app, note, 1))
    expect(first).to_be_enabled()  # the tap's own list is drawn
    b = first.bounding_box()
    page.mouse.move(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2)
    page.mouse.down()
    page.wait_for_timeout(500)  # a press that is down when the debounced check draws again
    page.mouse.up()
    expect(box).to_have_value(after_taps(live_app, note, 2), timeout=5000)


SLOW_APPLY = """
(() => {
  const post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (message, ...rest) {
    // A slow tablet: working out a tap takes 700 ms beside the page (the checks are not delayed).
    if (message && message.op === "apply") {
      setTimeout(() => post.call(this, message, ...rest), 700);
      return;
    }
    return post.call(this, message, ...rest);
  };
})();
"""


def test_on_a_slow_tablet_three_quick_taps_make_three_replacements(page, live_app, new_return):
    page.add_init_script(SLOW_APPLY)
    note, box, flags = open_field(page, live_app, new_return, "Ottoline")
    first = flags.get_by_role("button", name="Use \u201c").first
    for _ in range(3):
        first.click()  # Playwright waits for a button that is on, as a worker waits for one
    expect(box).to_have_value(after_taps(live_app, note, 3), timeout=8000)
