"""Words refused while signed out are sent again once the worker signs in again (a review).

A save the server refused because the session had ended said so beside the box ("Not saved:
you have been signed out... copy them, sign in again and paste them back"). Signing in again
brings the page back as it was (tests/browser/test_signed_out_keeps_the_page_browser.py), but
that refused save stayed refused: the box still told the worker to copy the words, though the
page could now send them itself. Now the page, back, sends each such box again: "Saved" beside
it, and the server holds the words, with no clash against the box's own earlier save.

Real Chromium, a real server. The page's timers run on a clock the test moves on (page.clock);
the server's idle time is moved on by making the worker's session rows older.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import delete, select

from rhi.demo import DEMO_PASSWORD
from rhi.extensions import db
from rhi.models import Interview, User, UserSession
from tests.browser.helpers import pass_server_time, sign_in, start_online, to_part

pytestmark = pytest.mark.browser

WORKER = "worker@example.org"
FIRST = "She stayed at her aunt's flat."
THEN = "She stayed at her aunt's flat, then went to a friend's in Hull."
SAVED = re.compile(r"^Saved")


def _held_by_the_server(live_app: Flask, uuid: str) -> str:
    with live_app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        return interview.content["sections"]["away"]["text"]


def test_words_refused_while_signed_out_are_saved_once_signed_in_again(
    page, live_app, new_return, short_idle
):
    episode_id = new_return("Hildegarde")
    page.clock.install()
    sign_in(page, WORKER)
    page.wait_for_url("**/returns")
    start_online(page, episode_id)
    to_part(page, "While away")
    uuid = page.url.split("/interviews/")[1].split("/")[0]
    box = page.get_by_label("What Hildegarde said")
    status = page.locator("#meta-sections-away-text .save-status")

    # Saved once: the box's last-known value (its clash check) is now these words.
    box.fill(FIRST)
    expect(status).to_have_text(SAVED, timeout=20_000)
    page.wait_for_load_state("networkidle")

    # The session ends on the server; the worker types on: refused, the words kept in the box.
    pass_server_time(live_app, 60 * short_idle + 120)
    box.fill(THEN)
    expect(status).to_contain_text("Not saved: you have been signed out", timeout=20_000)

    # The page's time runs out too: it says so, and the worker signs in again in a new tab.
    # (A request the page hears of as the clock is moved on counts as activity, idle-warning.js,
    # and starts the time again: moved on until the end is said, as the worker would wait.)
    ended = page.get_by_role("alertdialog", name="You have been signed out")
    for _ in range(3):
        page.clock.run_for((60 * short_idle + 10) * 1000)
        page.wait_for_timeout(500)
        if ended.is_visible():
            break
    expect(ended).to_be_visible()
    with page.context.expect_page() as opened:
        ended.get_by_role("button", name="Sign in again").click()
    signing_in = opened.value
    signing_in.wait_for_load_state()
    signing_in.get_by_label("Email address").fill(WORKER)
    signing_in.get_by_label("Password").fill(DEMO_PASSWORD)
    with signing_in.expect_event("close", timeout=15_000):
        signing_in.get_by_role("button", name="Sign in").click()

    # Back: the refused words are sent by themselves, and saved (no clash with their own
    # earlier save, nothing left to copy).
    page.bring_to_front()
    expect(ended).to_have_count(0)
    expect(status).to_have_text(SAVED, timeout=20_000)
    expect(status).not_to_contain_text("changed somewhere else")
    expect(box).to_have_value(THEN)
    expect(box).not_to_have_attribute("aria-invalid", "true")

    # The server holds them: the page drawn afresh shows them, and no second version was kept.
    page.reload()
    expect(page.get_by_label("What Hildegarde said")).to_have_value(THEN)
    assert _held_by_the_server(live_app, uuid) == THEN


def test_a_session_ended_elsewhere_says_so_at_once_and_the_words_go_once_signed_in(
    page, live_app, new_return, short_idle
):
    """The session ended sooner than the page's clock (ended by an administrator, or on another
    device): the refused save said to sign in again, but the page offered no way to until its
    own clock ran out, and the words waited for a sign-in the page never heard of (a helper)."""
    episode_id = new_return("Ermengarde")
    sign_in(page, WORKER)
    page.wait_for_url("**/returns")
    start_online(page, episode_id)
    to_part(page, "While away")
    uuid = page.url.split("/interviews/")[1].split("/")[0]
    box = page.get_by_label("What Ermengarde said")
    status = page.locator("#meta-sections-away-text .save-status")
    box.fill(FIRST)
    expect(status).to_have_text(SAVED, timeout=20_000)

    with live_app.app_context():  # every session of the worker's ended, as an admin can
        worker = db.session.scalar(select(User.id).where(User.email == WORKER))
        db.session.execute(delete(UserSession).where(UserSession.user_id == worker))
        db.session.commit()
    box.fill(THEN)
    ended = page.get_by_role("alertdialog", name="You have been signed out")
    expect(ended).to_be_visible(timeout=20_000)  # at once, not minutes later
    # As a person would take a moment: the server keeps when the password was entered to the
    # second, so one typed within a second of the end may be taken for one before it.
    page.wait_for_timeout(1500)

    with page.context.expect_page() as opened:
        ended.get_by_role("button", name="Sign in again").click()
    signing_in = opened.value
    signing_in.wait_for_load_state()
    signing_in.get_by_label("Email address").fill(WORKER)
    signing_in.get_by_label("Password").fill(DEMO_PASSWORD)
    with signing_in.expect_event("close", timeout=15_000):
        signing_in.get_by_role("button", name="Sign in").click()
    page.bring_to_front()
    expect(ended).to_have_count(0)
    expect(status).to_have_text(SAVED, timeout=20_000)
    assert _held_by_the_server(live_app, uuid) == THEN
