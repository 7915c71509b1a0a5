"""With no signal, a page kept on the tablet opens behind the PIN dialog. Until the PIN fills it
from the tablet, it held its blanks and every age band's wording at once, which the worker and
the child beside them read behind the dialog (a tablet probe, worker38): it is not shown until
it is filled.

Real Chromium, a real server on localhost, `context.set_offline(True)` cutting the page off.
"""

from __future__ import annotations

import pytest

from tests.browser.helpers import PIN, filled, interview_kept_on_the_tablet

pytestmark = pytest.mark.browser


def test_a_page_kept_on_the_tablet_is_hidden_behind_the_pin_until_filled(page, new_return):
    uuid = interview_kept_on_the_tablet(page, new_return("Wilhelmina"))
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
