"""A save whose answer was lost on a weak signal is not taken for someone else's change.

The page's original (o:<path>) moves on only when a save's answer arrives. A save that reached
the server and was saved, but whose answer never came back, left the page behind the worker's
own words: the next save met them as "changed somewhere else", offering the worker's own
earlier words as "the other version" (a probe, tab34 item 3). The page now sends the values of
its saves that went unanswered (u:<path>, static/js/autosave.js), and the server takes a field
holding one of them as this page's own words. A field holding anything else is still a clash.
"""

from __future__ import annotations

from rhi.interviews.views import MOST_UNANSWERED
from tests.app.helpers import audit_actions, autosave, content, start
from tests.conftest import Web

PATH = "sections.away.text"
FIRST = "She was at Dan's flat"
WHOLE = "She was at Dan's flat on Friday night"


def save(web: Web, uuid: str, value: str, original: str, unanswered: list[str], path: str = PATH):
    """A box's save as autosave.js sends it after saves whose answers never came."""
    token = web.csrf(f"/interviews/{uuid}/start")
    data = {f"f:{path}": value, f"o:{path}": original, f"u:{path}": unanswered}
    return web.client.post(
        f"/interviews/{uuid}/save", data=data, headers={"HX-Request": "true", "X-CSRFToken": token}
    )


def saves_audited(app, uuid: str) -> int:
    return sum(
        1 for action, obj, _ in audit_actions(app) if action == "interview.save" and obj == uuid
    )


def test_the_save_after_one_whose_answer_was_lost_is_saved(app, web, world):
    uuid = start(web, world)
    # The first save reaches the server and is saved; its answer is lost on the way back, so
    # the page still holds the empty original.
    assert autosave(web, uuid, PATH, FIRST, "").status_code == 200
    response = save(web, uuid, WHOLE, "", [FIRST])
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    assert "changed somewhere else" not in html
    assert "Saved" in html
    # The answer gives the page its new original: the whole text.
    assert f'name="o:{PATH}" value="{WHOLE}"' in html.replace("&#39;", "'")
    assert content(app, uuid)[0]["sections"]["away"]["text"] == WHOLE
    assert saves_audited(app, uuid) == 2  # each save in the audit trail, as ever


def test_without_the_unanswered_value_it_is_still_a_clash(app, web, world):
    # The server cannot tell the worker's own lost save from another tab's without the page
    # saying so: an older page (no u:) meets the clash, as before, and nothing is dropped.
    uuid = start(web, world)
    assert autosave(web, uuid, PATH, FIRST, "").status_code == 200
    response = autosave(web, uuid, PATH, WHOLE, "")
    assert response.status_code == 409
    assert content(app, uuid)[0]["sections"]["away"]["text"] == FIRST


def test_a_change_made_elsewhere_after_the_lost_answer_is_still_a_clash(app, web, world):
    uuid = start(web, world)
    assert autosave(web, uuid, PATH, FIRST, "").status_code == 200  # answer lost
    # Someone else (another tab, another tablet) changes the field from what they saw.
    elsewhere = "She was with her aunt."
    assert autosave(web, uuid, PATH, elsewhere, FIRST).status_code == 200
    response = save(web, uuid, WHOLE, "", [FIRST])
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Not saved: this changed somewhere else" in html
    assert elsewhere in html  # the other version, to choose from
    assert content(app, uuid)[0]["sections"]["away"]["text"] == elsewhere
    assert saves_audited(app, uuid) == 2  # the refused save changed nothing


def test_a_change_made_elsewhere_before_any_save_landed_is_still_a_clash(app, web, world):
    # The page's save never reached the server (its value is sent as unanswered all the same):
    # the field holds another's words, neither the page's original nor its own.
    uuid = start(web, world)
    assert autosave(web, uuid, PATH, "Another tab's words.", "").status_code == 200
    response = save(web, uuid, WHOLE, "", [FIRST])
    assert response.status_code == 409
    assert content(app, uuid)[0]["sections"]["away"]["text"] == "Another tab's words."


def test_any_of_several_unanswered_saves_may_be_the_one_that_landed(app, web, world):
    # Three saves went unanswered; only the first reached the server.
    uuid = start(web, world)
    assert autosave(web, uuid, PATH, FIRST, "").status_code == 200
    response = save(web, uuid, WHOLE, "", [FIRST, FIRST + " on", FIRST + " on Fri"])
    assert response.status_code == 200
    assert content(app, uuid)[0]["sections"]["away"]["text"] == WHOLE


def test_no_more_unanswered_values_are_read_than_the_page_keeps(app, web, world):
    uuid = start(web, world)
    assert autosave(web, uuid, PATH, FIRST, "").status_code == 200
    later = [f"{FIRST} {n}" for n in range(MOST_UNANSWERED)]
    assert save(web, uuid, WHOLE, "", [FIRST, *later]).status_code == 409  # the oldest dropped
    assert save(web, uuid, WHOLE, "", [*later[1:], FIRST]).status_code == 200


def test_an_unanswered_tick_is_read_as_the_tick_it_saved(app, web, world):
    uuid = start(web, world)
    tick = "sections.before.private"
    assert autosave(web, uuid, tick, "1", "0").status_code == 200  # answer lost
    response = save(web, uuid, "0", "0", ["1"], path=tick)
    assert response.status_code == 200
    assert content(app, uuid)[0]["sections"]["before"]["private"] is False
