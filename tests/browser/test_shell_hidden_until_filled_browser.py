"""With no signal, a page kept on the tablet opens behind the PIN dialog. Until the PIN fills it
from the tablet, it held its blanks and every age band's wording at once, which the worker and
the child beside them read behind the dialog (a tablet probe, worker38): it is not shown until
it is filled.

Real Chromium, a real server on localhost, `context.set_offline(True)` cutting the page off.
"""

from __future__ import annotations

import pytest

from tests.browser.helpers import PIN, filled, set_up_pin, sign_in, start_online

pytestmark = pytest.mark.browser


def test_a_page_kept_on_the_tablet_is_hidden_behind_the_pin_until_filled(page, new_return):
    episode_id = new_return("Wilhelmina")
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    start_online(page, episode_id)
    uuid = page.url.split("/interviews/")[1].split("/")[0]
    set_up_pin(page)
    page.goto("/returns")
    page.wait_for_selector("body[data-copies-kept]", state="attached", timeout=20_000)
    context = page.context
    page.close()
    context.set_offline(True)
    tablet = context.new_page()
    tablet.goto(f"/interviews/{uuid}/start")
    pin = tablet.get_by_label("PIN", exact=True)
    pin.wait_for()
    shell = tablet.locator("[data-shell-page]")
    assert shell.count() == 1 and shell.is_hidden()
    assert tablet.get_by_role("heading", name="Talking with").is_hidden()
    assert tablet.get_by_text("No connection:").is_visible()  # what the page says, all it says
    pin.fill(PIN)
    tablet.get_by_role("button", name="Continue").click()
    filled(tablet)
    tablet.get_by_role("heading", name="Talking with Wilhelmina").wait_for()
    assert shell.is_visible()
