"""A save whose answer is lost on a weak signal does not come back as "changed somewhere else".

A probe (tab34 item 3): online, the worker typed "She was at Dan's flat"; the save reached the
server and was saved, but its answer was lost on the way back. They went on typing, and the next
save was refused as a clash whose "other version" was their own earlier words ("Use the other
version" would have dropped what they typed since). The page now sends the values of its saves
whose answers never came (static/js/autosave.js), and the server takes them as its own.

Real Chromium, a real server: the lost answer is the save let through (route.fetch) and its
answer thrown away (route.abort).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import interviews_for, open_new_interview, to_part

pytestmark = pytest.mark.browser

FIRST = "She was at Dan's flat"
MORE = " on Friday night"


def test_typing_on_after_a_lost_answer_saves_the_whole_text(page, new_return, live_app):
    episode_id = new_return("Zinnia")
    open_new_interview(page, "Zinnia Testchild")
    to_part(page, "While away")

    lost: list[int] = []

    def lose_the_first_answer(route) -> None:
        if lost:
            route.continue_()
            return
        answer = route.fetch()  # the save reaches the server, which saves it
        lost.append(answer.status)
        route.abort("connectionreset")  # and its answer never reaches the page

    page.route("**/interviews/*/save", lose_the_first_answer)
    box = page.get_by_label("What Zinnia said")
    meta = page.locator("#meta-sections-away-text")
    box.fill(FIRST)
    meta.locator(".save-retrying").wait_for()
    assert lost == [200]
    assert interviews_for(live_app, episode_id)[0].content["sections"]["away"]["text"] == FIRST

    # At once, before the lost save is tried again: the next save starts from the same
    # original, the empty box the page was drawn with.
    box.press("End")
    box.press_sequentially(MORE)
    page.locator(
        "#meta-sections-away-text.conflict, #meta-sections-away-text .save-saved"
    ).first.wait_for()
    page.wait_for_timeout(2_500)  # the lost save's own retry, had it come, has answered too
    expect(page.locator("#main")).not_to_contain_text("changed somewhere else")
    expect(meta.locator(".save-saved")).to_contain_text("Saved")
    expect(box).to_have_value(FIRST + MORE)
    saved = interviews_for(live_app, episode_id)[0].content["sections"]["away"]["text"]
    assert saved == FIRST + MORE


def test_a_change_made_in_another_tab_after_a_lost_answer_is_still_a_clash(
    page, new_return, live_app
):
    episode_id = new_return("Guinevere")
    open_new_interview(page, "Guinevere Testchild")
    to_part(page, "While away")
    lost: list[int] = []

    def lose_the_first_answer(route) -> None:
        if lost:
            route.continue_()
            return
        lost.append(route.fetch().status)
        route.abort("connectionreset")

    page.route("**/interviews/*/save", lose_the_first_answer)
    box = page.get_by_label("What Guinevere said")
    box.fill(FIRST)
    page.locator("#meta-sections-away-text .save-retrying").wait_for()

    other = page.context.new_page()  # another tab, drawn with the words the server holds
    other.goto(page.url)
    elsewhere = "She was with her aunt in Hull"
    other.get_by_label("What Guinevere said").fill(elsewhere)
    other.locator("#meta-sections-away-text .save-saved").wait_for()

    box.press("End")
    box.press_sequentially(MORE)
    conflict = page.locator("#meta-sections-away-text.conflict")
    expect(conflict).to_contain_text("changed somewhere else")
    expect(conflict.locator(".theirs")).to_have_text(elsewhere)
    expect(box).to_have_value(FIRST + MORE)  # nothing dropped: the worker chooses
    saved = interviews_for(live_app, episode_id)[0].content["sections"]["away"]["text"]
    assert saved == elsewhere
