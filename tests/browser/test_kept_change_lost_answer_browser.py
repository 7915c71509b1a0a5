"""A change kept on the tablet is not met as "changed somewhere else" by the worker's own words.

A save whose answer is lost on a weak signal may have been saved all the same. The open page
sends the values of such saves with the field's next save (autosave.js, u:<path>), and the
server takes a field holding one of them as the worker's own (test_lost_save_answer_browser.py).
A change kept on the tablet (changes.js) and sent later by the bar (upload.js) carried only the
page's old original: after a lost answer, whether the page's own save's or the bar's send's, it
came back as a clash whose "other version" was the worker's own words. The kept change now
keeps the field's unanswered values, a send of it with no answer adds its own, and the bar sends
them with it.

Real Chromium, a real server: a lost answer is the request let through (route.fetch) and its
answer thrown away (route.abort); no signal is the network really cut (set_offline).
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    STORE,
    interviews_for,
    set_up_pin,
    sign_in,
    start_online,
    until,
)

pytestmark = pytest.mark.browser

SAVES = "**/interviews/*/save"
FIRST = "At the café by the bus station"
MORE = ", with her youth worker"


def weak_signal(route, lost: list[int]) -> None:
    """The first save reaches the server, which saves it, and its answer never comes back;
    nothing else gets through at all (the signal then goes)."""
    if lost:
        route.abort("internetdisconnected")
        return
    lost.append(route.fetch().status)
    route.abort("connectionreset")


def kept_value_is(uuid: str, value: str) -> str:
    record = json.dumps(f"change:{uuid}:start.location")
    return f"async () => ((await {STORE}.get({record})) || {{}}).value === {json.dumps(value)}"


def kept_ids(page) -> list[str]:
    return page.evaluate(f"async () => (await {STORE}.ids()).map((i) => i.id)")


def on_the_start_page_with_a_pin(page, live_app, new_return, first_name: str) -> tuple[int, str]:
    episode_id = new_return(first_name)
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    start_online(page, episode_id)
    set_up_pin(page)
    return episode_id, page.url.split("/interviews/")[1].split("/")[0]


def sent_as_their_own(page, live_app, episode_id: int) -> None:
    """Signal back: the bar sends the kept change, and the server saves it over the words it
    had, which were the worker's own."""
    page.unroute(SAVES)
    page.context.set_offline(False)
    bar = page.locator("#tablet-bar")
    expect(bar).to_contain_text("Sent 1 item. The server has everything.", timeout=30_000)
    assert not [i for i in kept_ids(page) if i.startswith(("change:", "conflict:"))]
    expect(page.locator("#main")).not_to_contain_text("changed somewhere else")
    saved = interviews_for(live_app, episode_id)[0].content["start"]["location"]
    assert saved == FIRST + MORE


def test_a_change_kept_after_the_pages_save_lost_its_answer_is_sent_as_their_own(
    page, new_return, live_app
):
    episode_id, uuid = on_the_start_page_with_a_pin(page, live_app, new_return, "Mirabel")
    box = page.get_by_label("Where the chat was held")
    said = page.locator("#meta-start-location")
    lost: list[int] = []
    page.route(SAVES, lambda route: weak_signal(route, lost))

    # The save reaches the server, its answer is lost: the tablet keeps the words.
    box.fill(FIRST)
    said.get_by_text("Kept on this tablet").wait_for()
    assert lost == [200]
    assert interviews_for(live_app, episode_id)[0].content["start"]["location"] == FIRST

    # No signal at all: more typed is kept on the tablet, still from the page's original.
    page.context.set_offline(True)
    box.press("End")
    box.press_sequentially(MORE)
    until(page, kept_value_is(uuid, FIRST + MORE))

    sent_as_their_own(page, live_app, episode_id)


def test_a_kept_change_whose_own_send_lost_its_answer_is_sent_as_their_own(
    page, new_return, live_app
):
    episode_id, uuid = on_the_start_page_with_a_pin(page, live_app, new_return, "Sidonie")
    box = page.get_by_label("Where the chat was held")
    said = page.locator("#meta-start-location")

    # The page has expired (its token is refused): the words are kept on the tablet, having
    # been answered, so no save of the page's own went unanswered.
    page.evaluate("() => { document.querySelector('meta[name=\"csrf-token\"]').content = 'gone'; }")
    box.fill(FIRST)
    said.get_by_text("Kept on this tablet: it will be sent from there").wait_for()
    # Its save as the worker leaves the box is refused the same way (and kept again).
    with page.expect_response(lambda r: r.url.endswith("/save")) as refused:
        box.blur()
    assert refused.value.status == 400
    until(page, kept_value_is(uuid, FIRST))

    # The bar sends it; it reaches the server, which saves it, and the answer is lost.
    lost: list[int] = []
    page.route(SAVES, lambda route: weak_signal(route, lost))
    bar = page.locator("#tablet-bar")
    bar.get_by_role("button", name="Send now").click()
    expect(bar).to_contain_text("Could not send just now")
    assert lost == [200]
    assert interviews_for(live_app, episode_id)[0].content["start"]["location"] == FIRST
    until(page, kept_value_is(uuid, FIRST))  # still kept: the tablet never heard

    # No signal at all: more typed is kept on the tablet, still from the page's original.
    page.context.set_offline(True)
    box.press("End")
    box.press_sequentially(MORE)
    until(page, kept_value_is(uuid, FIRST + MORE))

    sent_as_their_own(page, live_app, episode_id)
