"""The demo's interviews look as the app's own would: one begun was held when it was begun
(rhi/interviews/service.py sets the held time on starting), so the demo's interview in progress
has a held time, after the child said yes and not in the future (readers probe, session 29: it
had none, unlike any interview a worker begins)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from rhi.extensions import db
from rhi.models import Child, Interview
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


def test_the_demos_children_are_the_ages_written_whenever_it_is_loaded(app, fixed_clock):
    """A worker's probe: born on fixed dates, the demo's children grew up while their episodes
    stayed recent, and a young man of 18 sat on the returns waiting for a child's interview.
    Loaded years on, each child is the age they were written at, and under 18."""
    from rhi.demo import AGES_AS_OF, CHILDREN, load_demo

    with app.app_context():
        load_demo()  # loaded this year, and again three years on: the same children, their ages
    fixed_clock.move_to(datetime(AGES_AS_OF + 3, 12, 3, 12, 0, tzinfo=UTC))
    with app.app_context():
        load_demo()
        children = db.session.scalars(select(Child)).all()
        assert len(children) == len(CHILDREN)
        today = utcnow().date()
        for child in children:
            age = today.year - child.date_of_birth.year
            age -= (today.month, today.day) < (child.date_of_birth.month, child.date_of_birth.day)
            written = next(c[3] for c in CHILDREN if c[0] == child.first_name)
            assert child.date_of_birth.year == written.year + 3, child.first_name
            assert age < 18, f"{child.first_name} is {age}"
