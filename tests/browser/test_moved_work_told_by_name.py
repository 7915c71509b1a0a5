"""Work on a tablet for a child whose return moved to someone else meanwhile (issue 12 item 2):
the worker is told by the child's name before sending, and again after, and the server holds
the words for the managers. Nothing is destroyed and nothing is left on the tablet.

Real Chromium, a real server on localhost; the network cut at the relay as well as in the
browser (the `page` fixture).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from rhi.extensions import db
from rhi.models import Episode, HeldWork, User
from tests.browser.helpers import (
    PIN,
    STORE,
    filled,
    go_to,
    kept,
    offer_and_yes,
    open_offline,
    send_with_pin,
    start_interview,
    tablet_ready,
    until,
)

pytestmark = pytest.mark.browser

BEFORE = "Your notes about Clementine T. will be passed to your manager"
AFTER = "Your notes about Clementine T. were kept for your manager"


def _move_to_another_worker(live_app, episode_id: int) -> None:
    with live_app.app_context():
        episode = db.session.get(Episode, episode_id)
        episode.assigned_worker = db.session.scalar(
            select(User).where(User.email == "worker.south@example.org")
        )
        db.session.commit()


def _held(live_app, episode_id: int) -> list[HeldWork]:
    with live_app.app_context():
        rows = db.session.scalars(select(HeldWork)).all()
        return [r for r in rows if episode_id in r.episode_ids]


def test_work_for_a_return_moved_meanwhile_is_named_before_and_after_sending_and_held(
    page, live_app, new_return
):
    episode_id = new_return("Clementine")
    tablet_ready(page)
    page.goto(f"/episodes/{episode_id}")
    offer_and_yes(page)
    page.get_by_role("button", name="Start the interview now").click()
    page.wait_for_url("**/start")
    interview_url = urlsplit(page.url).path.rsplit("/", 1)[0]
    page.goto("/returns")  # the tablet keeps its copy of the interview
    page.wait_for_selector("body[data-copies-kept]", state="attached", timeout=20_000)
    context = page.context
    page.close()

    # With no signal, the worker writes; meanwhile the return is given to a colleague.
    context.set_offline(True)
    tablet = open_offline(context, interview_url + "/away")
    tablet.get_by_label("What Clementine said").fill("MOVEDWORDS: I stayed at my aunt's.")
    kept(tablet, "#meta-sections-away-text")
    tablet.evaluate(f"async () => {STORE}.lock()")
    _move_to_another_worker(live_app, episode_id)

    # Back online: before anything is sent, the bar names the child and says where it goes.
    context.set_offline(False)
    tablet.goto("/returns")
    bar = tablet.locator("#tablet-bar")
    bar.get_by_text(BEFORE).wait_for(timeout=30_000)
    assert _held(live_app, episode_id) == []  # said before sending, not after

    bar.get_by_role("button", name="Send now").click()
    tablet.get_by_label("PIN", exact=True).fill(PIN)
    tablet.get_by_role("button", name="Continue").click()
    bar.get_by_text(AFTER).wait_for(timeout=30_000)
    assert BEFORE not in bar.inner_text()
    (held,) = _held(live_app, episode_id)
    assert held.payload["content"]["sections"]["away"]["text"] == (
        "MOVEDWORDS: I stayed at my aunt's."
    )
    # Only now, with the server holding it, has the tablet let go of its copy.
    until(tablet, f"async () => !(await {STORE}.ids()).some((r) => /^draft:/.test(r.id))")


def test_an_interview_begun_offline_for_a_return_that_moved_is_named_before_it_is_sent(
    page, live_app, new_return
):
    """The server has never seen an interview started with no signal; only the sealed draft
    knows its return. Asked to send, the tablet asks for the PIN, then names the child and
    waits for a second tap, so the worker hears it before anything leaves the tablet."""
    episode_id = new_return("Philomena")
    tablet_ready(page)
    page.goto(f"/episodes/{episode_id}")  # the worker has the return (their audit trail says)
    page.goto("/returns")
    page.wait_for_selector("body[data-copies-kept]", state="attached", timeout=20_000)
    context = page.context
    page.close()
    context.set_offline(True)
    tablet = open_offline(context)
    tablet.get_by_role("link", name="Philomena Testchild").click()
    tablet.get_by_role("heading", name="Philomena Testchild").wait_for()
    filled(tablet)
    start_interview(tablet, "Philomena")
    go_to(tablet, "While away")
    tablet.get_by_label("What Philomena said").fill("BEGUNOFFLINE: at my cousin's.")
    kept(tablet, "#meta-sections-away-text")
    _move_to_another_worker(live_app, episode_id)

    tablet.context.set_offline(False)
    # A new page: the store is locked, so the return cannot be named yet.
    bar = send_with_pin(tablet)
    bar.get_by_text("Your notes about Philomena T. will be passed to your manager").wait_for(
        timeout=30_000
    )
    tablet.wait_for_timeout(1_000)
    assert _held(live_app, episode_id) == []  # told, and nothing sent yet

    bar.get_by_role("button", name="Send now").click()
    bar.get_by_text("Your notes about Philomena T. were kept for your manager").wait_for(
        timeout=30_000
    )
    (held,) = _held(live_app, episode_id)
    assert held.payload["content"]["sections"]["away"]["text"] == "BEGUNOFFLINE: at my cousin's."
    until(tablet, f"async () => !(await {STORE}.ids()).some((r) => /^draft:/.test(r.id))")


def test_a_locked_tablet_stops_naming_the_child_whose_return_moved(page, live_app, new_return):
    """A probe: on a kept frame the lock emptied, the bar still said "Your notes about ...
    will be passed to your manager", naming the child to whoever picked the tablet up."""
    from playwright.sync_api import expect

    episode_id = new_return("Perpetua")
    tablet_ready(page)
    page.goto("/returns")
    page.wait_for_selector("body[data-copies-kept]", state="attached", timeout=20_000)
    context = page.context
    page.close()
    context.set_offline(True)
    tablet = open_offline(context)
    tablet.get_by_role("link", name="Perpetua Testchild").click()
    tablet.get_by_role("heading", name="Perpetua Testchild").wait_for()
    filled(tablet)
    start_interview(tablet, "Perpetua")
    go_to(tablet, "While away")
    tablet.get_by_label("What Perpetua said").fill("LOCKEDNAME: at my gran's.")
    kept(tablet, "#meta-sections-away-text")
    _move_to_another_worker(live_app, episode_id)

    context.set_offline(False)  # the kept frame stays; the bar asks the server and says it
    bar = tablet.locator("#tablet-bar")
    told = "Your notes about Perpetua T. will be passed to your manager"
    expect(bar.get_by_text(told)).to_be_visible(timeout=30_000)

    tablet.evaluate(f"async () => {STORE}.setIdleLock(0.02)")  # left alone: locked
    until(tablet, f"async () => (await {STORE}.state()) === 'locked'")
    tablet.evaluate(f"async () => {STORE}.setIdleLock(15)")
    expect(bar).not_to_contain_text("Perpetua")
    expect(tablet.locator("#main")).not_to_contain_text("Perpetua")

    tablet.evaluate("() => { import('/static/js/pin-dialog.js').then((m) => m.askPin('unlock')); }")
    tablet.get_by_label("PIN", exact=True).fill(PIN)
    tablet.get_by_role("button", name="Continue").click()
    expect(bar.get_by_text(told)).to_be_visible()
    assert _held(live_app, episode_id) == []  # told, and nothing sent behind the worker's back
