"""A probe (reproduced 2/2) of "Record a copy as sent": choosing "Which copy" asks the server
what "Sent to" starts with for that copy, and its answer replaced the whole box. Words the
worker typed into "Sent to" while the answer was on its way were wiped or doubled ("PC Dana
Reid, Beeston MISPER unitC Dana Reid, Beeston MISPER unit"), and the focus moved. The answer
fills the box only if nothing was typed in it since the copy was chosen: what the worker typed
meanwhile stays, with the focus where they are typing.

Real Chromium and a real server (tests/browser/conftest.py); the answer is held back with
page.route while the worker types, as a slow connection holds it."""

from __future__ import annotations

import contextlib

import pytest
from playwright.sync_api import Error as PlaywrightError

from rhi.extensions import db
from rhi.models import Episode
from tests.browser.helpers import sign_in, start_online

pytestmark = pytest.mark.browser

TYPED = "PC Dana Reid, Beeston MISPER unit"


def record_form_on_review(page, live_app, episode_id: int, placed_from: str | None) -> None:
    """The review page of a return started online, with "Record a copy as sent" open; the
    child placed from `placed_from` (a council), if given."""
    if placed_from:
        with live_app.app_context():
            child = db.session.get(Episode, episode_id).child
            child.placing_authority = placed_from
            db.session.commit()
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    start_online(page, episode_id)
    page.goto(page.url.rsplit("/", 1)[0] + "/review")
    page.get_by_text("Record a copy as sent", exact=True).click()


def _choose_and_type_while_the_answer_waits(page, copy: str, typed: str, *, over: bool) -> None:
    """Chooses `copy`, and while the server's answer is held, types `typed` into "Sent to"
    (over what it holds, when `over`); then lets the answer through and waits for it."""
    held: list = []

    def hold(route) -> None:
        held.append(route)

    page.route("**/copies/sent-to", hold)
    page.get_by_label("Which copy").select_option(copy)
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "choosing a copy asks the server what Sent to starts with"
    page.get_by_label("Sent to").click()
    if over:
        page.keyboard.press("Control+A")
    page.keyboard.type(typed, delay=10)
    page.unroute("**/copies/sent-to")
    for route in held:  # the answer comes, unless the page dropped the request meanwhile
        with contextlib.suppress(PlaywrightError):
            route.continue_()
    page.wait_for_timeout(1000)  # any answer is in, and whatever it does is done


def test_words_typed_while_the_copy_is_asked_about_stay(page, live_app, new_return):
    episode_id = new_return("Danuta")
    record_form_on_review(page, live_app, episode_id, None)
    sent_to = page.get_by_label("Sent to")
    assert sent_to.input_value() == ""

    _choose_and_type_while_the_answer_waits(page, "police", TYPED, over=False)
    assert sent_to.input_value() == TYPED
    assert page.evaluate("document.activeElement.id") == "sent_to"
    # Typing on goes on at the end of what was typed, and asks the server nothing: only a
    # keystroke while an answer is on its way does.
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/copies/sent-to" in r.url else None)
    page.keyboard.type(" (duty desk)")
    page.wait_for_timeout(300)
    assert sent_to.input_value() == TYPED + " (duty desk)"
    assert asked == []


def test_words_typed_over_what_rhi_filled_in_stay(page, live_app, new_return):
    episode_id = new_return("Delphine")
    record_form_on_review(page, live_app, episode_id, "Kirklees Council")
    sent_to = page.get_by_label("Sent to")
    assert sent_to.input_value() == "Kirklees Council (placing authority)"

    _choose_and_type_while_the_answer_waits(page, "police", TYPED, over=True)
    assert sent_to.input_value() == TYPED
    assert page.evaluate("document.activeElement.id") == "sent_to"

    # Left alone, the box still follows the copy chosen (its words typed away first).
    sent_to.fill("")
    page.get_by_label("Which copy").select_option("social_worker")
    page.wait_for_function(
        "() => document.getElementById('sent_to').value === 'Kirklees Council (placing authority)'"
    )
