"""With no signal, the interview's pages name "my social worker" to the child only if they have
one: the tablet's copy of the child says so (rhi/sync/copies.py, the read-back's rule), and the
kept shell page holds both wordings for shell-fill.js to keep the right one. It said "What I
want my social worker to know" to a child with none (online it said "a social worker").

The network is really cut (the browser context offline); real Chromium, a real server.
"""

from __future__ import annotations

import pytest

from tests.browser.helpers import go_to, offline_on_the_return, start_interview

pytestmark = pytest.mark.browser


def test_a_child_with_no_social_worker_is_not_told_of_one_offline(page, new_return):
    new_return("Noor")  # no social worker allocated
    tablet = offline_on_the_return(page, "Noor")
    start_interview(tablet, "Noor")
    go_to(tablet, "In your own words")
    tablet.get_by_label("What I want a social worker to know").wait_for()
    assert tablet.get_by_label("What I want my social worker to know").count() == 0
    assert tablet.locator("[data-own-social-worker=yes]").count() == 0  # the other removed
    go_to(tablet, "Sharing")
    people = tablet.locator("ul.consent-people").text_content()
    assert "A social worker" in people and "Your social worker" not in people
