"""The last words typed in a box reach the server when the page is left by Back or a reload
before the box's own save (800 ms after the typing stops, or as it loses focus; neither Back
nor a reload takes the focus from it). Before: those words were lost. Real Chromium, a real
server."""

from __future__ import annotations

import time

import pytest

from rhi.extensions import db
from rhi.models import Episode
from tests.browser.helpers import sign_in, start_online, to_part

pytestmark = pytest.mark.browser

WORDS = "I stayed at my aunt's in Bradford"


@pytest.mark.parametrize("leave", ["reload", "back"])
def test_words_typed_just_before_leaving_the_page_are_saved(page, live_app, new_return, leave):
    episode_id = new_return("Nadia")
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    start_online(page, episode_id)
    to_part(page, "While away")
    box = page.get_by_label("What Nadia said")
    saves: list[str] = []
    page.on("request", lambda r: saves.append(r.url) if r.method == "POST" else None)
    box.click()
    box.press_sequentially(WORDS)  # typed, and the page left at once: no save has gone yet
    assert saves == []
    if leave == "reload":
        page.reload()
    else:
        page.go_back()
        page.wait_for_load_state("load")
        page.go_forward()
    page.wait_for_load_state("load")
    # The save goes as the page goes, beside the next page's own request: the server has the
    # words once it has answered it, and the page then shows them.
    deadline = time.monotonic() + 20
    while held(live_app, episode_id) != WORDS:
        assert time.monotonic() < deadline, "the words never reached the server"
        time.sleep(0.1)
    page.reload()
    assert page.get_by_label("What Nadia said").input_value() == WORDS


def held(live_app, episode_id: int) -> str:
    with live_app.app_context():
        episode = db.session.get(Episode, episode_id)
        interview = episode.interview
        return interview.content["sections"]["away"]["text"] if interview else ""
