"""An interview no one offered is "Not yet offered", wherever its status is shown (coordinator
probe, finding 4): a return closed as "Decided not to interview" with no offer said "Status:
Offered" on the episode page, against the figures (which count it as not offered); so did a
return where only a carer had been spoken to."""

from __future__ import annotations

import html
import re

from tests.app.helpers import page_text
from tests.conftest import Web


def _status(page: str) -> str:
    return re.search(r"Status (.+?) Due by", html.unescape(page_text(page))).group(1)


def test_a_return_closed_with_no_offer_says_not_yet_offered(app, web, world):
    web.sign_in(world.emails["worker_a"])
    url = f"/episodes/{world.episodes['a']}"
    data = {
        "outcome": "not_interviewed",
        "outcome_at": "2026-11-23T11:00",
        "reason": "Police are interviewing her this week; a second interview would add harm.",
        "decided_by": "Sam Lee, team manager",
    }
    page = web.post(url + "/outcome", data, page=url, follow=True).get_data(as_text=True)
    assert "Decided not to interview" in page
    assert _status(page) == "Not yet offered"


def test_a_carer_spoken_to_before_any_offer_is_not_an_offer(app, web, world):
    web.sign_in(world.emails["worker_a"])
    url = f"/episodes/{world.episodes['a']}"
    attempt = {"attempted_at": "2026-11-23T08:00", "method": "phone", "outcome": "carer_info"}
    assert web.post(url + "/attempts", attempt, page=url).status_code in (302, 303)
    assert _status(web.get(url).get_data(as_text=True)) == "Not yet offered"
    card = web.get("/returns").get_data(as_text=True)
    assert re.search(r"<dt>Interview</dt><dd>Not yet offered</dd>", card)
    # Offered: now it says so.
    offer = {"offered_at": "2026-11-23T09:00", "method": "phone"}
    assert web.post(url + "/offer", offer, page=url).status_code in (302, 303)
    assert _status(web.get(url).get_data(as_text=True)) == "Offered"


def test_the_tablet_is_given_the_words_before_an_offer_by_the_same_rule(app, world):
    web = Web(app.test_client())
    web.sign_in(world.emails["worker_a"])
    rules = web.get("/sync/v1/copies").get_json()["rules"]
    assert rules["status_labels"]["offered"] == "Offered"
    assert rules["status_labels_before_offer"]["offered"] == "Not yet offered"
    assert rules["status_labels_before_offer"]["accepted"] == rules["status_labels"]["accepted"]
