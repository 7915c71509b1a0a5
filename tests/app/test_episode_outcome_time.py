"""The return's page says when its interview was held, not when it was written up: a probe saw
"Interview held, 7 Dec 05:03" (the finishing), past the deadline, for one held on 4 Dec 09:00,
as every copy and the PDF said."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from rhi.extensions import db
from rhi.models import Interview


def test_an_interview_held_is_dated_when_it_was_held_and_finished(app, web, world_i):
    with app.app_context():
        interview = db.session.scalar(
            select(Interview).where(Interview.uuid == world_i.interviews["a"])
        )
        interview.status = "finished"
        interview.outcome = "held"
        interview.held_at = datetime(2026, 11, 20, 10, 0)
        interview.outcome_at = datetime(2026, 11, 23, 11, 0)
        db.session.commit()
    web.sign_in(world_i.emails["worker_a"])
    page = web.get(f"/episodes/{world_i.episodes['a']}").get_data(as_text=True)
    assert "<strong>Interview held</strong>, 20 Nov 2026 10:00 (finished 23 Nov 2026 11:00)" in page
