"""With no signal, "Save attempt" pressed before "How" and "What happened" are chosen keeps
nothing and says so beside the list, in the server's words (data-required on the list): a
drop-down list starts at "Choose one", since a list always sends what it shows (a probe
recorded a visit at which the child was spoken with that never happened).

The network is really cut (the browser context offline); real Chromium, a real server.
"""

from __future__ import annotations

import pytest

from tests.browser.helpers import offline_on_the_return

pytestmark = pytest.mark.browser


def test_an_attempt_with_nothing_chosen_is_not_kept_on_the_tablet(page, new_return):
    new_return("Lena")
    tablet = offline_on_the_return(page, "Lena")
    tablet.get_by_text("Record a contact attempt").click()
    how = tablet.get_by_label("How", exact=True)
    assert how.evaluate("(list) => list.options[list.selectedIndex].text") == "Choose one"
    tablet.get_by_role("button", name="Save attempt").click()
    tablet.get_by_text("Choose how you tried.").wait_for()
    assert tablet.evaluate("() => document.activeElement.id") == "attempt_method"
    how.select_option("phone")
    tablet.get_by_role("button", name="Save attempt").click()
    tablet.get_by_text("Choose what happened.").wait_for()
    assert tablet.get_by_text("Contact attempt: kept on this tablet").count() == 0
    tablet.get_by_label("What happened").select_option("no_answer")
    tablet.get_by_role("button", name="Save attempt").click()
    tablet.get_by_text("Contact attempt: kept on this tablet").wait_for()
