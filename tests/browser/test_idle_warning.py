"""The idle sign-out, said before it happens and after it (a11y probe, finding 1; WCAG 2.2.1
Timing Adjustable, 3.3.1, 4.1.3). rhi/sessions.py ends a session nothing has reached the server
in for RHI_IDLE_TIMEOUT_MINUTES. Before that, every signed-in page warns, in a dialog that takes
the focus and is announced, and "Stay signed in" keeps the session. In the child's view nothing
of it is put before the child: if the session ends there all the same, the worker's password is
not called wrong, they are told what happened, what was not saved and how to sign in again.

The page's timers run on a clock the test moves on (page.clock); the server's idle time is
moved on by making its session rows older (as tests/app/test_sessions.py does)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import select

from rhi.demo import DEMO_PASSWORD
from rhi.extensions import db
from rhi.models import Interview, User, UserSession
from rhi.models.base import utcnow
from tests.browser.helpers import pass_server_time, start_online

pytestmark = pytest.mark.browser

WORKER = "worker@example.org"
WARNING = re.compile(
    r"^You will be signed out in (1 minute|\d+ seconds) because nothing has been sent for a "
    r"while\. Your notes are saved as you type\.$"
)
CHILDS_BOX = "What I want a social worker to know"


def newest_last_seen(live_app: Flask):
    with live_app.app_context():
        worker = db.session.scalar(select(User.id).where(User.email == WORKER))
        return db.session.scalar(
            select(UserSession.last_seen_at)
            .where(UserSession.user_id == worker)
            .order_by(UserSession.last_seen_at.desc())
            .limit(1)
        )


def sign_in_here(page) -> None:
    """The sign-in form on the page the browser is on (which leads back where it came from)."""
    page.get_by_label("Email address").fill(WORKER)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def on_the_childs_own_words(page, new_return, first_name: str) -> str:
    """Signed in, an interview started for a new return, on "In your own words" (the faces and
    the child's own box): the page's address."""
    episode_id = new_return(first_name)
    page.goto("/sign-in")
    sign_in_here(page)
    page.wait_for_url("**/returns")
    start_online(page, episode_id)
    page.locator(".interview-nav").get_by_role("link", name="In your own words").click()
    page.wait_for_url("**/own_words")
    page.wait_for_load_state("networkidle")
    return page.url


def test_a_warning_comes_before_the_sign_out_and_staying_keeps_the_session(
    page, live_app, new_return, short_idle
):
    page.clock.install()  # the page's timers on a clock the test moves on
    on_the_childs_own_words(page, new_return, "Idella")
    assert page.locator("body").get_attribute("data-idle-timeout-seconds") == str(60 * short_idle)
    warning = page.get_by_role("alertdialog", name="Are you still there?")
    box = page.get_by_label(CHILDS_BOX)
    box.focus()

    # Nothing yet a minute in; then, with a minute and a half to go, the warning.
    page.clock.run_for(60_000)
    expect(warning).to_be_hidden()
    page.clock.run_for(40_000)
    expect(warning).to_be_visible()
    # Focus moves into it, and what it says is its description (read out as focus arrives).
    expect(warning.get_by_role("button", name="Stay signed in")).to_be_focused()
    expect(warning).to_have_accessible_description(WARNING)
    # Before the sign-out: the session is still there.
    assert newest_last_seen(live_app) is not None

    # The server's idle time too (within its timeout): "Stay signed in" sends a request that
    # counts as activity, and the session is seen again now.
    pass_server_time(live_app, 60 * short_idle - 10)
    warning.get_by_role("button", name="Stay signed in").click()
    expect(warning).to_be_hidden()
    expect(box).to_be_focused()  # back where the worker was
    assert utcnow() - newest_last_seen(live_app) < timedelta(seconds=30)

    # Past the time the session would have ended: no warning yet (the clock began again),
    # and the server still has the session, so a save goes through.
    pass_server_time(live_app, 100)
    page.clock.run_for(85_000)
    expect(warning).to_be_hidden()
    expect(page.get_by_role("alertdialog")).to_have_count(0)
    box.fill("I want to see my sister")
    page.wait_for_function(
        "() => (document.querySelector('#meta-child_message .save-status')?.textContent || '')"
        ".startsWith('Saved')",
        timeout=20_000,
    )
    uuid = re.search(r"/interviews/([^/]+)/", page.url).group(1)
    with live_app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        assert interview.content["child_message"] == "I want to see my sister"


def test_signed_out_in_the_childs_view_the_worker_is_told_and_the_child_hears_nothing(
    page, live_app, new_return, short_idle
):
    page.clock.install()
    url = on_the_childs_own_words(page, new_return, "Dozella")
    page.get_by_role("button", name="Turn the tablet towards Dozella").click()
    # The child writes, and it is saved.
    page.get_by_label(CHILDS_BOX).fill("Nearer my sister")
    page.wait_for_function(
        "() => (document.querySelector('#meta-child_message .save-status')?.textContent || '')"
        ".startsWith('Saved')",
        timeout=20_000,
    )

    # Then nothing is sent for longer than the timeout: the server ends the session, and the
    # page's time runs out too, in the child's view: no dialog of the worker's comes up.
    pass_server_time(live_app, 60 * short_idle + 120)
    page.clock.run_for((60 * short_idle + 10) * 1000)
    expect(page.get_by_role("alertdialog")).to_have_count(0)
    assert page.evaluate("document.documentElement.classList.contains('child-view')")

    # The child taps a face: not saved, the session has gone. The worker's English about it
    # ("Not saved: you have been signed out…") is nowhere a screen reader would read it.
    page.get_by_role("button", name="Good", exact=True).click()
    page.wait_for_function(
        "() => (document.querySelector('#meta-feelings-own_words-choice .save-status')"
        "?.textContent || '').startsWith('Not saved: you have been signed out')",
        timeout=20_000,
    )
    heard = page.locator("body").aria_snapshot()
    assert "signed out" not in heard.lower() and "not saved" not in heard.lower(), heard
    for region in page.locator("[role=status], [role=alert], [aria-live]").all():
        if region.is_visible():
            assert "signed out" not in (region.text_content() or "").lower()
    expect(page.locator("#save-announcer")).to_be_hidden()

    # The worker's right password: not called wrong. What happened, what was not saved and
    # what to do instead, with the way to sign in again.
    page.get_by_role("button", name="Give the tablet back").click()
    dialog = page.locator("#child-view-dialog")
    dialog.get_by_label("Your password").fill(DEMO_PASSWORD)
    dialog.get_by_role("button", name="Continue").click()
    said = dialog.locator("[data-error]")
    expect(said).to_have_text(
        "You were signed out after a while with nothing sent. Reload the page and sign in "
        "again. The face chosen last was not saved: ask about it again. Everything before "
        "that was saved."
    )
    expect(said).to_have_attribute("role", "alert")
    assert "That did not work" not in dialog.inner_text()
    sign_in_again = dialog.get_by_role("button", name="Sign in again")
    expect(sign_in_again).to_be_focused()
    sign_in_again.click()
    page.wait_for_url("**/sign-in**")

    # Signed in again: back on the interview (the page reloaded to sign in), in the worker's
    # own view, not the hand-back panel the child's view puts on any page. What was said is
    # so: the child's words were saved, the face was not.
    sign_in_here(page)
    page.wait_for_url(url)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_role("heading", name="Give the tablet back to your worker")).to_have_count(0)
    expect(page.locator(".interview-nav")).to_be_visible()
    assert not page.evaluate("document.documentElement.classList.contains('child-view')")
    assert page.get_by_label(CHILDS_BOX).input_value() == "Nearer my sister"
    assert page.get_by_label("How Dozella feels").input_value() != "good"


def test_left_to_run_out_the_warning_says_so_and_leads_to_signing_in(page, live_app, short_idle):
    page.clock.install()
    page.goto("/sign-in")
    sign_in_here(page)
    page.wait_for_url("**/returns")
    page.goto("/account")  # a page that sends nothing by itself (Returns refreshes each minute)
    page.wait_for_load_state("networkidle")
    page.clock.run_for(100_000)
    warning = page.get_by_role("alertdialog", name="Are you still there?")
    expect(warning).to_be_visible()
    # No answer: the time runs out, on the server and on the page.
    pass_server_time(live_app, 60 * short_idle + 120)
    page.clock.run_for(90_000)
    ended = page.get_by_role("alertdialog", name="You have been signed out")
    expect(ended).to_be_visible()
    expect(ended).to_have_accessible_description(re.compile(r"^Nothing was sent for a while"))
    expect(ended.get_by_role("button", name="Stay signed in")).to_have_count(0)
    sign_in_again = ended.get_by_role("button", name="Sign in again")
    expect(sign_in_again).to_be_focused()
    # In a new tab: this page, hidden meanwhile, keeps what was typed on it (idle-warning.js).
    with page.context.expect_page() as opened:
        sign_in_again.click()
    opened.value.wait_for_url("**/sign-in**")


def test_left_on_returns_the_minutes_refresh_keeps_no_one_signed_in(page, live_app, short_idle):
    """The Returns list refreshes itself each minute: those requests are not the worker (a
    probe: a session left on Returns never reached the idle timeout, and no warning showed)."""
    page.clock.install()
    page.goto("/sign-in")
    sign_in_here(page)
    page.wait_for_url("**/returns")
    page.wait_for_load_state("networkidle")
    refreshes = []  # the list's own requests (htmx's), as answered
    page.on(
        "response",
        lambda r: refreshes.append(r.status) if r.request.headers.get("hx-request") else None,
    )
    seen = newest_last_seen(live_app)
    page.clock.run_for(61_000)  # the first refresh
    until_answered = 0
    while not refreshes and until_answered < 50:
        page.wait_for_timeout(100)
        until_answered += 1
    assert refreshes == [200], refreshes
    page.wait_for_timeout(300)  # the browser has recorded it, as the page's requests are
    page.clock.run_for(40_000)  # 101 s: the warning is due 90 s after the worker was last seen
    warning = page.get_by_role("alertdialog", name="Are you still there?")
    expect(warning).to_be_visible()
    assert newest_last_seen(live_app) == seen  # the refresh did not count on the server
    # Nothing done: the session ends on the server and on the page, refreshing or not.
    pass_server_time(live_app, 60 * short_idle + 120)
    page.clock.run_for(90_000)
    expect(page.get_by_role("alertdialog", name="You have been signed out")).to_be_visible()
    page.clock.run_for(60_000)  # another refresh, after the end: refused, nothing swapped in
    page.wait_for_timeout(500)
    assert refreshes[-1] == 401, refreshes
    assert page.locator("#returns").get_by_label("Email address").count() == 0
