"""A "no" recorded with no signal keeps what the carer said, as the episode page does online:
the offline episode page shows the "What the carer said" box, and the words reach the server and
the episode page once the tablet is back online.

Real Chromium, a real server on localhost, `context.set_offline(True)` cutting the page off.
"""

from __future__ import annotations

import pytest

from tests.browser.helpers import (
    DUMP_INDEXEDDB,
    STORE,
    interviews_for,
    offline_on_the_return,
    send_from_returns,
)

pytestmark = pytest.mark.browser

CHILD = "Not today, I'm tired."
CARER = "Her nan says she came home hungry and slept all afternoon."


def test_the_carers_words_recorded_offline_reach_the_episode_page(page, live_app, new_return):
    episode_id = new_return("Cara")
    tablet = offline_on_the_return(page, "Cara")
    context = tablet.context
    tablet.get_by_text("The child said no", exact=True).click()
    tablet.get_by_label("What the child said, in their words").fill(CHILD)
    tablet.get_by_label("The carer was offered the chance to share what they know").check()
    tablet.get_by_label("What the carer said (optional)").fill(CARER)
    tablet.get_by_role("button", name="Save: the child said no").click()
    tablet.get_by_text("The child said no: kept on this tablet").wait_for()
    assert "hungry" not in tablet.evaluate(DUMP_INDEXEDDB)  # sealed, as the child's words are

    # Back online: the carer's words reach the server, and the episode page shows them.
    tablet.evaluate(f"async () => {STORE}.lock()")
    context.set_offline(False)
    send_from_returns(tablet)
    [interview] = interviews_for(live_app, episode_id)
    assert interview.status == "declined" and interview.decline_reason == CHILD
    assert interview.content["carer_information_offered"] is True
    assert interview.carer_said == CARER
    tablet.goto(f"/episodes/{episode_id}")
    said = tablet.locator("dt", has_text="What the carer said").locator("xpath=..")
    assert said.locator("dd").inner_text().strip() == CARER
