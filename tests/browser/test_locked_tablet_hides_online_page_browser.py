"""A page the server drew, holding a child's record, on a tablet left alone (a probe, "tab34",
defect 2).

- An interview's part opened online, then worked on with no signal: when the tablet goes unused
  for RHI_DEVICE_IDLE_MINUTES, or its store locks, the page is hidden as a shell page is (the
  child's name, the questions and the words typed all go from the screen). The PIN brings the
  same page back, with every word typed in it; the words were kept in the store meanwhile.
- "You have been signed out" hides the page behind an opaque backdrop, and Escape does not put
  it aside with the page left in view.

Real Chromium, a real server on localhost, `context.set_offline(True)` cutting the network.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import select

from rhi.extensions import db
from rhi.models import Child
from tests.browser.helpers import (
    PIN,
    STORE,
    kept,
    sign_in,
    start_online,
    tablet_ready,
    to_part,
    until,
)

pytestmark = pytest.mark.browser

WORDS = "A man called Dex drove Kestrel to a flat in Leeds."
# What every field of the page holds, and what it says in words, as one text.
SHOWN = """() => [...document.querySelectorAll('#main input, #main textarea')]
    .map((e) => e.value).join(' ') + ' ' + document.getElementById('main').innerText"""
HIDDEN = "This page is hidden"


@pytest.fixture
def short_device_idle(live_app: Flask) -> Iterator[float]:
    """RHI_DEVICE_IDLE_MINUTES set short (9 seconds) for one test: the server lives all session."""
    before = live_app.config["RHI_DEVICE_IDLE_MINUTES"]
    live_app.config["RHI_DEVICE_IDLE_MINUTES"] = 0.15
    yield 0.15
    live_app.config["RHI_DEVICE_IDLE_MINUTES"] = before


@pytest.fixture
def short_session_idle(live_app: Flask) -> Iterator[int]:
    """RHI_IDLE_TIMEOUT_MINUTES set short for one test."""
    before = live_app.config["RHI_IDLE_TIMEOUT_MINUTES"]
    live_app.config["RHI_IDLE_TIMEOUT_MINUTES"] = 3
    yield 3
    live_app.config["RHI_IDLE_TIMEOUT_MINUTES"] = before


def _hidden_with_nothing_shown(page) -> None:
    expect(page.get_by_role("heading", name=HIDDEN)).to_be_visible(timeout=30_000)
    shown = page.evaluate(SHOWN)
    for words in (WORDS, "Dex", "Kestrel", "Talking with", "While away"):
        assert words not in shown, words


def _show_with_pin(page) -> None:
    page.get_by_role("button", name="Show this page again").click()
    expect(page.get_by_role("heading", name="Enter your tablet PIN")).to_be_visible()
    page.get_by_label("PIN", exact=True).fill(PIN)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name=HIDDEN)).to_have_count(0)


def test_an_online_interview_page_is_hidden_when_the_tablet_locks_and_back_with_the_pin(
    page, new_return, short_device_idle
):
    episode_id = new_return("Kestrel")
    tablet_ready(page)  # a PIN set on this tablet
    start_online(page, episode_id)
    to_part(page, "While away")
    assert page.locator("[data-shell-page]").count() == 0  # drawn by the server

    # The signal drops; the worker types, and the words are kept on the tablet.
    page.context.set_offline(True)
    box = page.get_by_label("What Kestrel said")
    box.fill(WORDS)
    kept(page, "#meta-sections-away-text")
    until(page, f"async () => (await {STORE}.ids()).some((r) => r.id.startsWith('change:'))")

    # Left alone (here 9 seconds): nothing of the child's stays on the screen.
    _hidden_with_nothing_shown(page)

    # "Not now": still hidden. The PIN: the same page, with the words typed in it.
    page.get_by_role("button", name="Show this page again").click()
    page.get_by_role("button", name="Not now").click()
    _hidden_with_nothing_shown(page)
    _show_with_pin(page)
    expect(page.get_by_role("heading", name=re.compile(r"^Talking with Kestrel"))).to_be_visible()
    assert page.get_by_label("What Kestrel said").input_value() == WORDS

    # The store, open now on this page, locks (as after RHI_DEVICE_IDLE_MINUTES, or at once):
    # hidden at once, and back with the PIN again.
    page.evaluate(f"async () => {STORE}.lock()")
    _hidden_with_nothing_shown(page)
    _show_with_pin(page)
    assert page.get_by_label("What Kestrel said").input_value() == WORDS


def test_signed_out_the_page_stays_hidden_behind_the_dialog(page, new_return, short_session_idle):
    episode_id = new_return("Linnet")
    page.clock.install()  # the page's timers on a clock the test moves on
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    start_online(page, episode_id)
    to_part(page, "While away")
    page.wait_for_load_state("networkidle")
    page.get_by_label("What Linnet said").click()

    # Nothing sent for longer than the session's idle time: signed out.
    page.clock.run_for((60 * short_session_idle + 10) * 1000)
    ended = page.get_by_role("alertdialog", name="You have been signed out")
    expect(ended).to_be_visible()
    # Its backdrop hides the page, as the question shown large does (opaque, no alpha).
    backdrop = page.locator("#idle-dialog").evaluate(
        "(d) => getComputedStyle(d, '::backdrop').backgroundColor"
    )
    assert backdrop == "rgb(11, 53, 83)", backdrop

    # Escape, once and again (a browser closes a dialog on a second Escape): it stays.
    for _ in range(2):
        page.keyboard.press("Escape")
        page.wait_for_timeout(300)
        expect(ended).to_be_visible()
        assert page.locator("#idle-dialog").get_attribute("open") is not None
    expect(ended.get_by_role("button", name="Sign in again")).to_be_visible()


def test_a_childs_page_and_profile_opened_online_are_hidden_after_the_tablet_idles(
    page, live_app, new_return, short_device_idle
):
    """The same for the child's own page and their profile for police, which hold their record
    as much as an interview does."""
    episode_id = new_return("Corisande")
    with live_app.app_context():
        child_id = db.session.scalar(select(Child.id).where(Child.first_name == "Corisande"))
    tablet_ready(page)  # a PIN set on this tablet
    for path in (
        f"/children/{child_id}",
        f"/children/{child_id}/profile",
        f"/episodes/{episode_id}",
    ):
        page.goto(path)
        expect(page.locator("#main")).to_contain_text("Corisande")
        expect(page.get_by_role("heading", name=HIDDEN)).to_be_visible(timeout=30_000)
        assert "Corisande" not in page.evaluate(SHOWN)
        _show_with_pin(page)
        expect(page.locator("#main")).to_contain_text("Corisande")


def test_in_the_childs_view_the_page_is_not_hidden_with_the_workers_words(
    page, new_return, short_device_idle
):
    """A review: in the child's view, a child reading without touching the tablet would have
    been told, in English, that "this child's record is hidden", and the question shown large
    taken out of its dialog. The child's view shows only what the child may see, and giving the
    tablet back asks for the PIN."""
    episode_id = new_return("Ysoline")
    tablet_ready(page)  # a PIN set on this tablet
    start_online(page, episode_id)
    to_part(page, "In your own words")
    page.get_by_role("button", name="Turn the tablet towards Ysoline").click()
    page.wait_for_timeout(short_device_idle * 60_000 + 5_000)  # past the idle time, untouched
    expect(page.get_by_role("heading", name=HIDDEN)).to_have_count(0)
    expect(page.get_by_role("button", name="Give the tablet back")).to_be_visible()


def test_the_returns_list_is_hidden_after_the_tablet_idles_and_brought_up_to_date_with_the_pin(
    page, new_return, short_device_idle
):
    """The Returns list names every child on the worker's list (a review): hidden as a child's
    record is. Shown again, it is brought up to date at once, a return that came in meanwhile
    with it (its minute's refresh is the page's own timer, which hiding does not stop)."""
    new_return("Thessaly")
    tablet_ready(page)  # a PIN set on this tablet; on the Returns list
    expect(page.locator("#returns")).to_contain_text("Thessaly")
    expect(page.get_by_role("heading", name=HIDDEN)).to_be_visible(timeout=30_000)
    assert "Thessaly" not in page.evaluate(SHOWN)
    expect(page.locator("#main")).to_contain_text("the children listed on this page are hidden")

    new_return("Esmeraldine")  # came back while the tablet lay unused
    _show_with_pin(page)
    expect(page.locator("#returns")).to_contain_text("Thessaly")
    expect(page.locator("#returns")).to_contain_text("Esmeraldine")
