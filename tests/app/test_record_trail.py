"""A child's record trail says who looked at or changed the record; what a row says of an
interview (a copy for the police downloaded, an action's kind) only to a reader who may read
that interview whole. A probe: the social worker's manager, and a team lent one return, read
there what the pages and copies keep from them."""

from __future__ import annotations

import html
import re

from tests.app.helpers import autosave, lend_a_return, start
from tests.conftest import Web

TAGS = re.compile(r"<[^>]+>")


def _trail(app, world, key: str) -> str:
    web = Web(app.test_client())
    web.sign_in(world.emails[key])
    response = web.get(f"/children/{world.children['a']}/audit")
    assert response.status_code == 200
    return " ".join(html.unescape(TAGS.sub(" ", response.get_data(as_text=True))).split())


def test_what_a_row_says_of_an_interview_is_only_for_those_who_read_it_whole(app, web, world):
    uuid = start(web, world)
    autosave(web, uuid, "consent.police.answer", "yes", "not_asked")
    assert web.get(f"/interviews/{uuid}/copies/police.pdf?draft=1").status_code == 200
    lend_a_return(app, world.children["a"], "RHI B")

    interviewer_side = _trail(app, world, "manager_a")
    assert "Downloaded a copy (draft copy for the police) The interview" in interviewer_side
    assert uuid not in interviewer_side  # the record in words, not by its id

    for reader in ("manager_care", "manager_b"):  # the social worker's; a team lent a return
        trail = _trail(app, world, reader)
        assert "copy for the police" not in trail and "Downloaded a copy" not in trail
        assert "copy for police" not in trail and "summary.download" not in trail
        assert uuid not in trail
        # Who looked, and when, is still there: the trail's purpose.
        assert "The interview's record was looked at or changed" in trail
        assert "Worker A" in trail
