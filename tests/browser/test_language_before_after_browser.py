"""The before-and-after sentences in Chromium (issue 14, items 1 and 2): the browser's matcher,
with the rules the server hands over, gives exactly the sentence Python gives; and a tap on a
suggestion replaces the whole phrase and selects the part the worker fills in."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import LANGUAGE, open_new_interview

pytestmark = pytest.mark.browser

BEFORE_AFTER = json.loads(
    (Path(__file__).resolve().parents[1] / "language_before_after.json").read_text(encoding="utf-8")
)


def test_the_browser_matcher_gives_every_sentence_expected(page):
    page.goto("/sign-in")
    got = page.evaluate(
        f"""async (entries) => {{
            const {{ apply, check, compile }} = {LANGUAGE};
            const rules = await (await fetch('/language/rules.json')).json();
            const compiled = compile(rules);
            return entries.map((e) => {{
                const flag = check(compiled, e.before).find((f) => f.rule_id === e.rule);
                return flag ? apply(compiled, e.before, flag, 0).value : null;
            }});
        }}""",
        BEFORE_AFTER,
    )
    wrong = [
        (e["before"], text) for e, text in zip(BEFORE_AFTER, got, strict=True) if text != e["after"]
    ]
    assert wrong == []
    assert len(got) >= 150


def test_a_tap_replaces_the_whole_phrase_and_selects_the_part_to_fill(page, new_return):
    new_return("Araminta")
    open_new_interview(page, "Araminta Testchild")
    page.locator(".interview-nav").get_by_role("link", name="While away").click()
    box = page.get_by_label("What Araminta said")
    box.fill('Staff say she has been kicking off most nights. "I kicked off," she said.')
    flags = page.locator("#in-sections-away-text-flags")
    flags.get_by_text("1 wording suggestion").wait_for()
    # The typed words' own save first, so the save awaited below is the replacement's.
    page.locator(".save-status").filter(has_text=re.compile(r"^Saved")).first.wait_for()
    with page.expect_response("**/save"):
        flags.get_by_role("button", name="Use “has been showing distress by [describe]”").click()
    # The replacement is worked out beside the page, so it lands a moment after the tap.
    expect(box).to_have_value(
        "Staff say she has been showing distress by [describe] most nights."
        ' "I kicked off," she said.'
    )
    selected = box.evaluate("(b) => b.value.slice(b.selectionStart, b.selectionEnd)")
    assert selected == "[describe]"
    # The worker types over the selection: nothing of the placeholder is left.
    page.keyboard.type("shouting at staff")
    assert box.input_value() == (
        'Staff say she has been showing distress by shouting at staff most nights. "I kicked off,"'
        " she said."
    )
    assert page.console_errors == []
