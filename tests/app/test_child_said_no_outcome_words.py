""" "Child said no" chosen under "Record the outcome" shows only what the form asked.

A probe (coord35, item 3) recorded the outcome "Child said no" on a return with no offer and no
answer on record. The episode page then said "Offered <the moment of saving>" and "Offer not to
be repeated, as the child asked": the form asks neither when the interview was offered nor
whether to offer it again, so the page put an offer time and a request in the child's mouth
that nobody entered.

Now the page shows the child's no, its time and their words, says the return is closed, and
says nothing of an offer time or of offering again. The "no, the child asked us not to" of the
decline form, which does ask, still says so. The figures and the statutory files still count
the return as offered (a child says no to an offer) and as the child's no, once.

The clock is frozen at 23 November 2026 12:00 UTC (tests/app/conftest.py); Ada came back at
02:00.
"""

from __future__ import annotations

import csv
import io
import re

from tests.app.helpers import figure_beside, page_text
from tests.conftest import Web

WORDS = "\u201cI just want to sleep.\u201d"
SSD_URL = "/service/exports/download?export=ssd&year=2026&anyway=1"
LIST_URL = "/service/exports/download?export=episodes&start=2026-11-01&end=2026-11-23&anyway=1"


def _facts(html: str) -> str:
    """The episode page's lines about the return, from its status to its contact attempts."""
    text = page_text(html).replace("&#39;", "'")
    return re.search(r"Status (.+?) Contact attempts", text).group(1)


def _said_no_by_outcome(web: Web, world) -> str:
    web.sign_in(world.emails["manager_a"])
    url = f"/episodes/{world.episodes['a']}"
    data = {"outcome": "declined", "outcome_at": "2026-11-23T11:00", "reason": WORDS}
    return web.post(url + "/outcome", data, page=url, follow=True).get_data(as_text=True)


def test_the_outcome_child_said_no_shows_no_offer_time_and_no_request_never_made(app, web, world):
    facts = _facts(_said_no_by_outcome(web, world))
    # Nobody entered when (or how) it was offered: no offer time is shown.
    assert "Offered 23 Nov 2026" not in facts
    assert "Offered When and how it was offered were not recorded" in facts
    # Nobody asked whether to offer again: nothing is said of it, and no request of the child.
    assert "as the child asked" not in facts
    assert "Offer kept open" not in facts and "not to be repeated" not in facts
    # What was entered: the child's no, when, and their words (once), and that it is closed.
    assert "Child said no 23 Nov 2026 11:00. Return closed: child said no." in facts
    assert facts.count(WORDS) == 1
    assert "Outcome Child said no , 23 Nov 2026 11:00" in facts


def test_the_decline_form_that_asked_still_says_what_the_child_asked(app, web, world):
    web.sign_in(world.emails["manager_a"])
    url = f"/episodes/{world.episodes['a']}"
    offer = {"offered_at": "2026-11-23T09:00", "method": "phone"}
    assert web.post(url + "/offer", offer, page=url).status_code == 302
    no = {"declined_at": "2026-11-23T10:00", "reason": WORDS, "offer_again": "no"}
    facts = _facts(web.post(url + "/decline", no, page=url, follow=True).get_data(as_text=True))
    assert "Offered 23 Nov 2026 09:00 (Phone call)" in facts
    assert "Child said no 23 Nov 2026 10:00. Offer not to be repeated, as the child asked." in facts
    assert facts.count(WORDS) == 1


def test_the_figures_and_statutory_files_count_it_offered_and_said_no_once(app, web, world):
    _said_no_by_outcome(web, world)
    service = web.get("/service").get_data(as_text=True)
    assert figure_beside(service, "Returns offered an interview") == "1"
    assert figure_beside(service, "Returns where the child said no") == "1"
    assert figure_beside(service, "Offered, no answer recorded") == "0"

    def rows(url: str) -> list[dict[str, str]]:
        response = web.get(url)
        assert response.status_code == 200
        return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))

    episode = str(world.episodes["a"])
    ssd = [r for r in rows(SSD_URL) if r["miss_table_id"] == episode]
    assert [(r["miss_mis_epi_rhi_offered"], r["miss_mis_epi_rhi_accepted"]) for r in ssd] == [
        ("Y", "N")
    ]
    listed = [r for r in rows(LIST_URL) if r["Episode ID"] == episode]
    assert [(r["Interview offered"], r["Accepted"]) for r in listed] == [("Yes", "No")]
