"""Times typed in local time on the nights the clocks change (Europe/London by default)."""

from __future__ import annotations

from datetime import datetime

import markupsafe as markup

from rhi.extensions import db
from rhi.models import Episode
from tests.app.helpers import start


def test_a_time_the_clocks_skipped_is_refused_in_words_not_moved_an_hour(app, web, world):
    """01:30 on 29 March 2026 never happened in London (the clocks went from 01:00 to 02:00):
    it was stored as 02:30 without a word. Now the form, and the interview's own times, say so."""
    episode = world.episodes["a"]
    # Back the day before the clocks went back: an attempt is never dated before the return.
    with app.app_context():
        ep = db.session.get(Episode, episode)
        ep.started_at, ep.returned_at = datetime(2026, 10, 23, 9), datetime(2026, 10, 24, 9)
        db.session.commit()
    web.sign_in(world.emails["worker_a"])
    response = web.post(
        f"/episodes/{episode}/attempts",
        {"attempted_at": "29/03/2026 01:30", "method": "visit", "outcome": "no_answer"},
        page=f"/episodes/{episode}",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    said = "There was no 01:30 on 29 March 2026: the clocks went forward an hour that night."
    assert said in markup.Markup(page).unescape()
    assert "29/03/2026 01:30" in page  # what was typed is still in the box
    # The hour the clocks go back happens twice: taken as typed (the first).
    taken = web.post(
        f"/episodes/{episode}/attempts",
        {"attempted_at": "25/10/2026 01:30", "method": "visit", "outcome": "no_answer"},
        page=f"/episodes/{episode}",
    )
    assert taken.status_code == 302
    uuid = start(web, world)
    refused = web.post(
        f"/interviews/{uuid}/save",
        {"page": "start", "f:start.held_on": "2026-03-29 01:45", "o:start.held_on": ""},
        page=f"/interviews/{uuid}/start",
    )
    assert refused.status_code == 422
    assert (
        "There was no 01:45 on 29 March 2026"
        in markup.Markup(refused.get_data(as_text=True)).unescape()
    )
