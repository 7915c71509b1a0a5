"""A field's newer change, kept while its earlier one was on its way, is sent as the worker's own.

The tablet keeps one change per field (changes.js): a newer one replaces it, from the same
starting value (o:), so one send is enough. But the bar may already be sending the earlier
one (upload.js) when the newer one is kept. The server saves the earlier words and answers 200;
the tablet keeps the newer change, as it should, but it still said the field started from the
page's old value. Sent next, it met the worker's own earlier words on the server and came back
as a clash ("changed somewhere else"), kept aside to be chosen, though both were theirs.

Real Chromium, a real server. The page's own saves are refused as a page that has expired
(its token is refused: the change is kept, with no save of the page's own left unanswered); the
bar's send is held on its way (page.route) while the worker types more, then let through.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from rhi.extensions import db
from rhi.models import Interview
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
FIRST = "On the bench outside the library"
MORE = ", then inside where it was warm"


def kept_value_is(uuid: str, value: str) -> str:
    record = json.dumps(f"change:{uuid}:start.location")
    return f"async () => ((await {STORE}.get({record})) || {{}}).value === {json.dumps(value)}"


def kept_ids(page) -> list[str]:
    return page.evaluate(f"async () => (await {STORE}.ids()).map((i) => i.id)")


def leave_the_box(page, box) -> None:
    """The box's save as the worker leaves it is refused too, and its words kept again: done
    with before the bar's button is tapped (which would take the focus from the box)."""
    with page.expect_response(
        lambda r: r.url.endswith("/save") and "x-rhi-device" not in r.request.headers
    ) as refused:
        box.blur()
    assert refused.value.status == 400


def test_a_change_kept_while_the_fields_earlier_one_is_sent_is_not_a_clash(
    page, new_return, live_app
):
    episode_id = new_return("Clementina")
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    start_online(page, episode_id)
    set_up_pin(page)
    uuid = page.url.split("/interviews/")[1].split("/")[0]
    box = page.get_by_label("Where the chat was held")
    said = page.locator("#meta-start-location")
    bar = page.locator("#tablet-bar")

    # The bar's sends (they name the tablet) wait on their way until let through.
    held = []

    def hold_the_bars_send(route) -> None:
        if "x-rhi-device" in route.request.headers:
            held.append(route)
        else:
            route.continue_()

    page.route(SAVES, hold_the_bars_send)

    # The page has expired: the words are kept on the tablet, to be sent from there.
    page.evaluate("() => { document.querySelector('meta[name=\"csrf-token\"]').content = 'gone'; }")
    box.fill(FIRST)
    said.get_by_text("Kept on this tablet: it will be sent from there").wait_for()
    leave_the_box(page, box)
    until(page, kept_value_is(uuid, FIRST))

    # The bar sends them; while that send is on its way, the worker adds more, kept too.
    bar.get_by_role("button", name="Send now").click()
    for _ in range(200):
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the bar's send never left"
    box.press("End")
    box.press_sequentially(MORE)
    leave_the_box(page, box)
    until(page, kept_value_is(uuid, FIRST + MORE))

    # The earlier words reach the server and are saved; the newer ones wait on the tablet.
    held.pop().continue_()
    # Not "the server has everything": the newer words are still to send.
    expect(bar).to_contain_text("Sent 1 item. A change made since is waiting to send.")
    assert "The server has everything" not in bar.inner_text()
    assert interviews_for(live_app, episode_id)[0].content["start"]["location"] == FIRST
    until(page, kept_value_is(uuid, FIRST + MORE))

    # Sent next, they are saved over the worker's own earlier words: no clash to choose.
    page.unroute(SAVES)
    with page.expect_response(
        lambda r: r.url.endswith("/save") and "x-rhi-device" in r.request.headers
    ) as sent:
        bar.get_by_role("button", name="Send now").click()
    assert sent.value.status == 200, "met as a clash with the worker's own words"
    until(page, f"async () => !(await {STORE}.ids()).some((i) => i.id.startsWith('change:'))")
    assert not [i for i in kept_ids(page) if i.startswith("conflict:")]
    expect(bar).to_contain_text("Sent 1 item. The server has everything.")
    expect(bar).not_to_contain_text("could not be saved as it stands")
    assert interviews_for(live_app, episode_id)[0].content["start"]["location"] == FIRST + MORE
    expect(page.locator("#main")).not_to_contain_text("changed somewhere else")


def test_a_change_kept_while_the_fields_earlier_one_meets_a_clash_is_not_lost(
    page, new_return, live_app
):
    """The earlier send came back as a clash (the field changed elsewhere meanwhile): it was
    put aside to choose from, and the field's kept change removed with it, the newer words
    kept while it was on its way among them (a helper's reading of upload.js)."""
    episode_id = new_return("Aurelie")
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    start_online(page, episode_id)
    set_up_pin(page)
    uuid = page.url.split("/interviews/")[1].split("/")[0]
    box = page.get_by_label("Where the chat was held")
    said = page.locator("#meta-start-location")
    bar = page.locator("#tablet-bar")
    held = []

    def hold_the_bars_send(route) -> None:
        if "x-rhi-device" in route.request.headers:
            held.append(route)
        else:
            route.continue_()

    page.route(SAVES, hold_the_bars_send)
    page.evaluate("() => { document.querySelector('meta[name=\"csrf-token\"]').content = 'gone'; }")
    box.fill(FIRST)
    said.get_by_text("Kept on this tablet: it will be sent from there").wait_for()
    leave_the_box(page, box)
    until(page, kept_value_is(uuid, FIRST))

    bar.get_by_role("button", name="Send now").click()
    for _ in range(200):
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the bar's send never left"
    box.press("End")
    box.press_sequentially(MORE)
    leave_the_box(page, box)
    until(page, kept_value_is(uuid, FIRST + MORE))

    # Meanwhile the field is changed elsewhere: the earlier words meet it as a clash.
    with live_app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        interview.content = {**interview.content, "start": {"location": "The youth club"}}
        db.session.commit()
    held.pop().continue_()
    expect(bar).to_contain_text("could not be saved as it stands")

    # The newer words are still on the tablet, to be sent (and chosen) in their turn.
    until(page, kept_value_is(uuid, FIRST + MORE))
