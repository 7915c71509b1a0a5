"""The demo's interviews look as the app's own would: one begun was held when it was begun
(rhi/interviews/service.py sets the held time on starting), so the demo's interview in progress
has a held time, after the child said yes and not in the future (readers probe, session 29: it
had none, unlike any interview a worker begins)."""

from __future__ import annotations

from sqlalchemy import select

from rhi.extensions import db
from rhi.models import Interview
from rhi.models.base import utcnow


def test_every_demo_interview_begun_has_its_held_time(app):
    from rhi.demo import load_demo

    with app.app_context():
        load_demo()
        begun = db.session.scalars(
            select(Interview).where(Interview.status.in_(["in_progress", "finished", "shared"]))
        ).all()
        assert any(i.status == "in_progress" for i in begun)
        for interview in begun:
            assert interview.held_at is not None, interview.status
            assert interview.accepted_at <= interview.held_at <= utcnow()
