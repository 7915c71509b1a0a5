"""A return closed as "Not reached after attempts" says so in its status, not "Not reached yet".

A probe (coord35, item 4) recorded two attempts that did not reach the child, then the outcome
"Not reached after attempts": the episode page said "Outcome: Not reached after attempts" and,
above it, "Status: Not reached yet", as if someone were still trying. A return still open says
"Not reached yet" as before, on the pages and in the words the tablet is given.

The clock is frozen at 23 November 2026 12:00 UTC (tests/app/conftest.py); Ada came back at
02:00.
"""

from __future__ import annotations

import re

from tests.app.helpers import page_text
from tests.conftest import Web


def _status(html: str) -> str:
    return re.search(r"Status (.+?) Due by", page_text(html)).group(1)


def _attempt(web: Web, url: str, at: str, outcome: str) -> None:
    data = {"attempted_at": at, "method": "visit", "outcome": outcome}
    assert web.post(url + "/attempts", data, page=url).status_code in (302, 303)


def test_a_return_closed_as_not_reached_no_longer_says_not_reached_yet(app, web, world):
    web.sign_in(world.emails["manager_a"])
    url = f"/episodes/{world.episodes['a']}"
    _attempt(web, url, "2026-11-23T08:00", "not_in")
    _attempt(web, url, "2026-11-23T09:00", "no_answer")
    # Still open: someone is still trying.
    assert _status(web.get(url).get_data(as_text=True)) == "Not reached yet"
    assert "<dt>Interview</dt><dd>Not reached yet</dd>" in web.get("/returns").get_data(
        as_text=True
    )
    data = {
        "outcome": "not_reached",
        "outcome_at": "2026-11-23T11:00",
        "reason": "Two visits, no one in.",
    }
    page = web.post(url + "/outcome", data, page=url, follow=True).get_data(as_text=True)
    assert "Outcome Not reached after attempts , 23 Nov 2026 11:00" in page_text(page)
    assert _status(page) == "Closed: not reached"
    assert "Not reached yet" not in page_text(page)


def test_a_return_closed_otherwise_after_attempts_says_it_is_closed_too(app, web, world):
    """Carer information taken instead, once the child could not be reached."""
    web.sign_in(world.emails["manager_a"])
    url = f"/episodes/{world.episodes['a']}"
    _attempt(web, url, "2026-11-23T08:00", "not_in")
    data = {
        "outcome": "carer_info",
        "outcome_at": "2026-11-23T11:00",
        "reason": "Her carer said she came home tired.",
    }
    page = web.post(url + "/outcome", data, page=url, follow=True).get_data(as_text=True)
    assert _status(page) == "Closed: not reached"


def test_the_tablet_keeps_the_open_returns_words(app, world):
    """The tablet holds open returns only (rhi/sync/copies.py): its words are the open ones,
    from the same Python as the pages'."""
    web = Web(app.test_client())
    web.sign_in(world.emails["worker_a"])
    rules = web.get("/sync/v1/copies").get_json()["rules"]
    assert rules["status_labels"]["unable_to_contact"] == "Not reached yet"
