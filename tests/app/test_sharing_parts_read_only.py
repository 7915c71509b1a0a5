"""A finished interview's Sharing part shows a recipient's part ticks only under "Yes, to the
parts ticked below": the editable page hides them under any other answer (never unticking them),
and a tick left under "No" read on the finished page as shared (rev39c)."""

from __future__ import annotations

import re

from sqlalchemy import select

from rhi.extensions import db
from rhi.interviews import content as c
from rhi.models import Interview
from tests.conftest import Web


def _finished_with(app, world_i, answer: str) -> str:
    with app.app_context():
        interview = db.session.scalar(
            select(Interview).where(Interview.uuid == world_i.interviews["a"])
        )
        content = c.normalise(interview.content or {})
        content["consent"]["health"]["answer"] = answer
        content["consent"]["health"]["part_after"] = True
        interview.content = content
        interview.status = "finished"
        db.session.commit()
        return interview.uuid


def _health(html: str) -> str:
    start = html.index('aria-labelledby="c-health"')
    return html[start : html.index("</section>", start)]


def test_a_tick_under_no_is_not_shown_on_a_finished_interview(app, world_i):
    web = Web(app.test_client())
    web.sign_in(world_i.emails["worker_a"])
    for answer, shown in (("no", False), ("some", True)):
        uuid = _finished_with(app, world_i, answer)
        page = web.get(f"/interviews/{uuid}/consent")
        assert page.status_code == 200
        health = _health(page.get_data(as_text=True))
        assert bool(re.search(r"How you feel now", health)) is shown, answer
