"""Signed out when the session ends, signing in again keeps the page (a review of the opaque
"You have been signed out").

"Sign in again" reloaded the tab, so what was typed in a form that is not saved as you type (a
contact attempt's note, the child's reasons for a no) was lost. Now it opens the sign-in page in
a tab of its own; once signed in there, the first page comes back as it was (the dialog closed,
the words still in their box) and its next save works (the page holds the new session's CSRF
token). Nothing typed is put in the browser's storage meanwhile.

Real Chromium, a real server. The page's timers run on a clock the test moves on (page.clock);
the server's idle time is moved on by making the worker's session rows older
(tests/browser/test_idle_warning.py does the same).
"""

from __future__ import annotations

import json

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import select

from rhi.demo import DEMO_PASSWORD
from rhi.extensions import db
from rhi.models import User, UserSession
from tests.browser.helpers import pass_server_time, sign_in

pytestmark = pytest.mark.browser

WORKER = "worker@example.org"
NOTE = "Brindle's carer said she was asleep; try again after school."
# Everything the page keeps in the browser's storage, as one text.
STORED = """() => [localStorage, sessionStorage]
    .map((s) => Object.keys(s).map((k) => k + '=' + s.getItem(k)).join(' ')).join(' ')"""


def _password_earlier(live_app: Flask, seconds: int) -> None:
    """As if the worker's password was entered `seconds` earlier (the session's own note of it,
    rhi/auth/fresh.py), the session itself still in use."""
    with live_app.app_context():
        worker = db.session.scalar(select(User.id).where(User.email == WORKER))
        for row in db.session.scalars(select(UserSession).where(UserSession.user_id == worker)):
            data = json.loads(row.data or "{}")
            if "_fresh_sign_in" in data:
                data["_fresh_sign_in"]["at"] -= seconds
                row.data = json.dumps(data)
        db.session.commit()


def test_signing_in_again_brings_the_page_back_with_what_was_typed(
    page, live_app, new_return, short_idle
):
    episode_id = new_return("Brindle")
    page.clock.install()
    sign_in(page, WORKER)
    page.wait_for_url("**/returns")
    page.goto(f"/episodes/{episode_id}")
    page.get_by_text("Record a contact attempt").click()
    attempt = page.locator("form[action$='/attempts']")
    attempt.get_by_label("How", exact=True).select_option("phone")
    attempt.get_by_label("What happened").select_option("no_answer")
    attempt.get_by_label("Note (optional)").fill(NOTE)
    page.wait_for_load_state("networkidle")
    token_before = page.locator('meta[name="csrf-token"]').get_attribute("content")

    # Nothing sent for longer than the idle time: signed out, on the server and on the page.
    pass_server_time(live_app, 60 * short_idle + 120)
    page.clock.run_for((60 * short_idle + 10) * 1000)
    ended = page.get_by_role("alertdialog", name="You have been signed out")
    expect(ended).to_be_visible()

    # "Sign in again" opens the sign-in page in a tab of its own; this one is not reloaded.
    with page.context.expect_page() as opened:
        ended.get_by_role("button", name="Sign in again").click()
    signing_in = opened.value
    signing_in.wait_for_load_state()
    assert "/sign-in" in signing_in.url
    expect(ended).to_be_visible()  # the first page still hidden meanwhile
    signing_in.get_by_label("Email address").fill(WORKER)
    signing_in.get_by_label("Password").fill(DEMO_PASSWORD)
    # Signed in, the new tab tells the first page, which comes back and closes it.
    with signing_in.expect_event("close", timeout=15_000):
        signing_in.get_by_role("button", name="Sign in").click()

    page.bring_to_front()
    expect(page.locator("#idle-dialog")).not_to_have_attribute("open", "")
    expect(ended).to_have_count(0)
    note = attempt.get_by_label("Note (optional)")
    expect(note).to_have_value(NOTE)
    assert NOTE not in page.evaluate(STORED)  # kept in the page only
    assert page.locator('meta[name="csrf-token"]').get_attribute("content") != token_before

    # The save works: the new session's CSRF token went with it.
    attempt.get_by_role("button", name="Save attempt").click()
    expect(page.locator("#interview-panel")).to_contain_text(NOTE)
    expect(page.get_by_text("The page had expired")).to_have_count(0)
    expect(page.get_by_role("alertdialog")).to_have_count(0)


def test_with_no_new_tab_the_worker_is_told_before_the_tab_signs_in(page, live_app, short_idle):
    """A browser that opens no new tab (window.open gives null): said first, as signing in in
    this tab loses what was typed and not saved; pressed again, the tab signs in as before."""
    page.clock.install()
    sign_in(page, WORKER)
    page.wait_for_url("**/returns")
    page.goto("/account")  # a page that sends nothing by itself
    page.wait_for_load_state("networkidle")
    page.evaluate("() => { window.open = () => null; }")
    pass_server_time(live_app, 60 * short_idle + 120)
    page.clock.run_for((60 * short_idle + 10) * 1000)
    ended = page.get_by_role("alertdialog", name="You have been signed out")
    expect(ended).to_be_visible()

    sign_in_again = ended.get_by_role("button", name="Sign in again")
    sign_in_again.click()
    expect(ended.get_by_role("alert")).to_contain_text("A new tab for signing in did not open")
    assert page.url.endswith("/account")  # not reloaded: the worker has been told first
    sign_in_again.click()
    page.wait_for_url("**/sign-in**")


def test_the_session_kept_a_little_past_the_end_does_not_bring_the_page_back(
    page, live_app, new_return, short_idle
):
    """A review: the server keeps a session a little past the page's end (rhi/sessions.py), so
    waking the screen in that minute showed the child's record again with no password. Only a
    password entered after the end brings the page back: the confirm page asks for it."""
    episode_id = new_return("Sanderling")
    page.clock.install()
    sign_in(page, WORKER)
    page.wait_for_url("**/returns")
    page.goto(f"/episodes/{episode_id}")
    page.wait_for_load_state("networkidle")

    # The page's time runs out; the server's session is still there (as in the minute it is
    # kept past the end), its password entered as long ago as the page's clock says.
    page.clock.run_for((60 * short_idle + 10) * 1000)
    _password_earlier(live_app, 60 * short_idle + 10)
    ended = page.get_by_role("alertdialog", name="You have been signed out")
    expect(ended).to_be_visible()
    for _ in range(2):  # the screen woken, the tab looked at again
        page.evaluate("() => window.dispatchEvent(new Event('focus'))")
        page.wait_for_timeout(1_000)
        expect(ended).to_be_visible()

    # "Sign in again": the password is asked though the session is still there; then it is back.
    with page.context.expect_page() as opened:
        ended.get_by_role("button", name="Sign in again").click()
    signing = opened.value
    signing.wait_for_url("**/confirm**")
    signing.get_by_label("Password").fill(DEMO_PASSWORD)
    signing.get_by_role("button", name="Carry on").click()
    page.bring_to_front()
    page.evaluate("() => window.dispatchEvent(new Event('focus'))")
    expect(ended).to_be_hidden(timeout=15_000)
    expect(page.get_by_role("heading", name="Sanderling Testchild")).to_be_visible()
