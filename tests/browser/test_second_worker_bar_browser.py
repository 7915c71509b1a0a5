"""A tablet passed to a colleague while it keeps a worker's unsent work (a probe, "tab34", 4.).

Worker A signs out keeping an unsent interview on the tablet; worker B signs in on it. The bar
says the interview is another worker's, and offers B no "Send now" (it is not B's to send: the
button only answered with a message). B signing out is not asked about it as though it were B's
("keep them here until you sign in again": B signing in again would never send it), and it is
kept all the same: A, signed in again, is offered "Send now" and sends every word.

Real Chromium, a real server on localhost.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from rhi.demo import DEMO_PASSWORD
from tests.browser.helpers import STORE, interviews_for, send_from_returns, written_offline

pytestmark = pytest.mark.browser

ASKED = "1 piece of work is on this tablet and not sent yet."
THEIRS = "1 interview on this tablet is another worker's"


def _sign_in(tablet, email: str) -> None:
    tablet.goto("/sign-in")
    tablet.get_by_label("Email address").fill(email)
    tablet.get_by_label("Password").fill(DEMO_PASSWORD)
    tablet.get_by_role("button", name="Sign in").click()
    tablet.wait_for_url("**/returns")
    tablet.wait_for_load_state("networkidle")  # the page knows who is signed in on it


def _sign_out(tablet) -> None:
    tablet.get_by_role("button", name="Sign out").click()
    tablet.wait_for_url("**/sign-in")
    tablet.wait_for_load_state("load")


def _unsent(tablet) -> list[str]:
    return tablet.evaluate(
        f"async () => (await {STORE}.ids()).map((r) => r.id)"
        ".filter((id) => id.startsWith('draft:'))"
    )


def test_a_colleague_is_not_offered_to_send_nor_asked_about_anothers_work_and_it_is_kept(
    page, live_app, new_return
):
    episode_id = new_return("Perdita")
    tablet, uuid = written_offline(page, "Perdita")
    asked: list[str] = []

    def answer(dialog) -> None:
        asked.append(dialog.message)
        dialog.accept()  # "OK": sign out and keep it here

    tablet.on("dialog", answer)

    # Worker A, with their own unsent interview, is offered to send it, and asked on signing out.
    tablet.goto("/returns")
    bar = tablet.locator("#tablet-bar")
    expect(bar.get_by_text("1 interview on this tablet waiting to send")).to_be_visible(
        timeout=30_000
    )
    expect(bar.get_by_role("button", name="Send now")).to_be_visible()
    _sign_out(tablet)
    assert len(asked) == 1 and asked[0].startswith(ASKED)

    # Worker B: told it is another worker's, with no "Send now" and no question on signing out.
    _sign_in(tablet, "worker.north2@example.org")
    expect(bar.get_by_text(THEIRS)).to_be_visible(timeout=30_000)
    expect(bar.get_by_role("button", name="Send now")).to_be_hidden()
    assert _unsent(tablet) == [f"draft:{uuid}"]
    _sign_out(tablet)
    assert len(asked) == 1, f"B was asked: {asked[1:]}"

    # Kept through B's sign-out: worker A is offered it again, and sends every word.
    _sign_in(tablet, "worker@example.org")
    assert _unsent(tablet) == [f"draft:{uuid}"]
    expect(bar.get_by_role("button", name="Send now")).to_be_visible(timeout=30_000)
    send_from_returns(tablet)
    [interview] = interviews_for(live_app, episode_id)
    assert interview.uuid == uuid
    assert interview.content["sections"]["away"]["text"] == "I stayed with a friend in Hull."
