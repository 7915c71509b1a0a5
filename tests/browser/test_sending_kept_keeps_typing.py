"""Back online, the tablet sends the changes it kept while the worker carries on typing: the
page is never reloaded under their fingers, and nothing they type meanwhile is lost.

A probe found it: once the signal came back, the bar sent the field kept offline and then
reloaded the page, while the next box the worker was typing in was still waiting out its
autosave pause. Its words were neither saved nor kept, and the reload wiped them from the box.

Real Chromium and a real server; the network is really cut (tests/browser/relay.py).
"""

from __future__ import annotations

import re

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

KEPT = "At her aunt's kitchen table, in Hull"
# Long enough, typed key by key, that the kept change is sent while the worker is still typing
# (each key starts the box's autosave pause again, so nothing of it is saved meanwhile).
TYPED = "Her aunt Maryam, who stayed in the room the whole time and said very little"
MORE = ", then the garden"


@pytest.mark.parametrize(
    "left_the_box_offline",
    [False, True],
    ids=["straight-from-the-kept-box", "kept-box-left-offline"],
)
def test_words_typed_while_kept_changes_are_sent_are_never_lost(
    page, new_return, live_app, relay, request_log, left_the_box_offline
):
    episode_id = new_return("Hermione" if left_the_box_offline else "Marguerite")
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    start_online(page, episode_id)
    set_up_pin(page)
    where = page.get_by_label("Where the chat was held")
    who = page.get_by_label("Who else was at the chat")
    where_said = page.locator("#meta-start-location")
    who_said = page.locator("#meta-start-present")

    # No signal: the words in the first box are kept on the tablet, and never reach the server.
    page.context.set_offline(True)
    mark = request_log.mark()
    where.fill(KEPT)
    where_said.get_by_text("Kept on this tablet").wait_for()
    if left_the_box_offline:
        # The worker leaves the box while still offline: its save as they leave is kept too, so
        # once the signal is back the tablet's send is the box's only save.
        with page.expect_event("requestfailed", lambda r: r.url.endswith("/save")):
            where.blur()
        where_said.get_by_text("Kept on this tablet").wait_for()
    assert request_log.relayed_during(relay.cuts, mark) == []
    saves: list[tuple[str, bool]] = []
    page.on(
        "request",
        lambda r: (
            saves.append((r.post_data or "", "x-rhi-device" in r.headers))
            if r.url.endswith("/save")
            else None
        ),
    )

    # The signal is back, and the worker goes straight on in the next box: the bar sends the
    # kept change while they type.
    page.context.set_offline(False)
    said_offline = len(page.console_errors)  # the saves that failed with no signal
    who.press_sequentially(TYPED, delay=40)
    # Sent: the tablet has let go of the kept change (the server has it).
    until(page, f"async () => !(await {STORE}.ids()).some((i) => i.id.startsWith('change:'))")
    # The page was not taken from under them: their words are in the box, their cursor still
    # in it, and the box saves them at the pause.
    expect(who).to_have_value(TYPED)
    expect(who).to_be_focused()
    expect(page.locator("#tablet-bar")).to_contain_text("Sent 1 item. The server has everything.")
    expect(who_said.get_by_text(re.compile(r"^Saved"))).to_be_visible(timeout=20_000)
    # The kept box says its words are saved, and starts from them: more typed there saves
    # with no clash against its own earlier words.
    expect(where_said.get_by_text(re.compile(r"^Saved"))).to_be_visible()
    expect(where).to_have_value(KEPT)
    if left_the_box_offline:
        # What says so is the answer to the tablet's send, shown in place.
        location = [tablet for body, tablet in saves if "start.location" in body]
        assert location == [True]
    where.press("End")
    with page.expect_response(
        lambda r: r.url.endswith("/save") and "garden" in (r.request.post_data or ""),
        timeout=20_000,
    ) as saved:
        where.press_sequentially(MORE)
    assert saved.value.status == 200
    expect(where_said.get_by_text(re.compile(r"^Saved"))).to_be_visible()
    expect(page.locator(".save-meta.conflict")).to_have_count(0)

    # Everything is on the server: read back from its database, and on the page afresh.
    [interview] = interviews_for(live_app, episode_id)
    assert interview.content["start"]["location"] == KEPT + MORE
    assert interview.content["start"]["present"] == TYPED
    page.reload()
    expect(page.get_by_label("Where the chat was held")).to_have_value(KEPT + MORE)
    expect(page.get_by_label("Who else was at the chat")).to_have_value(TYPED)
    assert page.console_errors[said_offline:] == []
