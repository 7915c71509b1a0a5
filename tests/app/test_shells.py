"""Shell pages: rhi's pages with blanks, kept on the tablet by the service worker. They must
hold nothing about anyone, however and by whom they are fetched."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from rhi.extensions import db
from rhi.interviews.pages import PAGE_IDS
from rhi.models import Interview
from rhi.shells import PLACEHOLDER_UUID
from tests.app.helpers import autosave, start

SHELLS = [
    "/offline",
    "/shell/returns",
    "/shell/episode",
    *[f"/shell/interviews/{p}" for p in PAGE_IDS],
]


def test_the_service_worker_keeps_every_shell_page(client):
    script = client.get("/sw.js").get_data(as_text=True)
    for url in SHELLS:
        assert f'"{url}"' in script


@pytest.mark.parametrize("url", SHELLS)
def test_a_shell_fetched_while_signed_in_holds_no_one_and_takes_no_message(app, web, world, url):
    uuid = start(web, world)  # a real interview, with words in it, and a message waiting
    autosave(web, uuid, "sections.before.text", "Words only Ada said.", "")
    web.post(f"/interviews/{uuid}/finish", page=f"/interviews/{uuid}/review")
    response = web.get(url)
    assert response.status_code == 200
    assert "X-RHI-Personal-Data" not in response.headers
    html = response.get_data(as_text=True)
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        child = interview.episodes[0].child
    for private in (
        child.first_name,
        child.last_name,
        "Words only Ada said",
        uuid,
        world.emails["worker_a"],
        "Worker A",
        "Interview finished",
    ):
        assert private not in html, private
    assert not re.search(r'name="csrf_token" value="[^"]+"', html)
    assert 'name="csrf-token" content=""' in html
    # The message waiting for the worker is still theirs, on their next real page.
    assert "Interview finished" in web.get(f"/interviews/{uuid}/review").get_data(as_text=True)


def test_an_interview_shell_has_every_field_of_the_real_page(web, world):
    uuid = start(web, world)
    for page_id in PAGE_IDS:
        real = web.get(f"/interviews/{uuid}/{page_id}").get_data(as_text=True)
        shell = web.get(f"/shell/interviews/{page_id}").get_data(as_text=True)
        names = set(re.findall(r'name="(f:[^"]+)"', real))
        assert names <= set(re.findall(r'name="(f:[^"]+)"', shell)), page_id
        assert PLACEHOLDER_UUID in shell and uuid in real
