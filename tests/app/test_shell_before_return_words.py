"""The tablet's episode page refuses a time before the child came back in the server's own
words: the shell page is handed them (data-before-return) from the one place they are written
(rhi/episodes/service.py BEFORE_RETURN), which the pages' refusal uses too. The tablet fills in
only the return's time (tests/browser/test_shell_attempt_before_return_browser.py)."""

from __future__ import annotations

import html as markup
import re
from datetime import timedelta

import pytest

from rhi.episodes import service
from rhi.extensions import db
from rhi.models import Episode
from rhi.timefmt import format_datetime
from tests.conftest import Web

PANEL = re.compile(r'<div id="interview-panel"[^>]*\sdata-before-return="([^"]*)"')


def test_the_shell_episode_page_is_handed_the_servers_words(app, client, world):
    page = client.get("/shell/episode").get_data(as_text=True)
    found = PANEL.search(page)
    assert found, "the shell's episode panel has no data-before-return"
    words = markup.unescape(found.group(1))
    assert words == "This is before the child came back ({returned}). Check the date and time."
    with app.app_context():
        episode = db.session.get(Episode, world.episodes["a"])
        returned = episode.returned_at
        with pytest.raises(service.OutcomeError) as refused:
            service.not_before_return(episode, returned - timedelta(minutes=1), "attempted_at")
        assert str(refused.value) == words.replace("{returned}", format_datetime(returned))


def test_the_online_episode_page_is_not_given_them(app, world):
    web = Web(app.test_client())
    web.sign_in(world.emails["worker_a"])
    html = web.get(f"/episodes/{world.episodes['a']}").get_data(as_text=True)
    assert "data-before-return" not in html
