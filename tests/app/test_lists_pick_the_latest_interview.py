"""The Returns lists pick each return's latest interview in SQL (rhi/episodes/queries.py ranks
the open returns' interviews in one pass); the model says the same in Python
(`Episode.interview`: the newest, the larger id for two begun in the same instant). For any
returns with any interviews, generated, the Returns list, its count and "Offer open" must say
what the model says: which returns are waiting, with which interview, how many are overdue, and
which children said no with the offer kept open. Run on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from rhi import deadlines
from rhi.episodes.queries import count_waiting, offer_open, waiting_returns
from rhi.extensions import db
from rhi.models import Child, Episode, Interview, Team, User
from rhi.models.base import utcnow
from rhi.models.interviews import OPEN_STATUSES, OUTCOMES, InterviewStatus
from rhi.oversight.figures import waiting_now
from tests.world import World

# An interview: its status, its outcome (or none), minutes after the return it was begun (few
# values, so that two begun in the same instant are common), hours to its deadline from now.
INTERVIEW = st.tuples(
    st.sampled_from([status.value for status in InterviewStatus]),
    st.one_of(st.none(), st.sampled_from(sorted(OUTCOMES))),
    st.integers(min_value=0, max_value=2),
    # Not 0: a deadline at this very microsecond is said in SQLite to the millisecond only.
    st.integers(min_value=-30, max_value=60).filter(bool),
)
# A return: whether it is allocated to the team, and whether the child is back yet.
RETURN = st.tuples(st.booleans(), st.booleans())


def _listed(user: User, now) -> dict[int, int | None]:
    rows = waiting_returns(user, now, allocated=None)
    return {row.episode.id: row.interview.id if row.interview else None for row in rows}


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(returns=st.lists(RETURN, min_size=1, max_size=4), data=st.data())
def test_the_lists_pick_the_latest_interview_as_the_model_does(
    app: Flask, world: World, returns: list[tuple[bool, bool]], data: st.DataObject
) -> None:
    with app.test_request_context():
        user = db.session.get(User, world.users["manager_a"])
        assert user is not None
        team = db.session.scalar(select(Team).where(Team.name == "RHI A"))
        now = utcnow()
        before = {
            allocated: count_waiting(user, now, allocated=allocated)
            for allocated in (True, False, None)
        }
        listed_before = _listed(user, now)
        by_deadline_before = waiting_now(user, now)
        kept_open_before = {row.episode.id for row in offer_open(user, now)}

        child = Child(first_name="Latest", last_name="Interview", date_of_birth=date(2011, 4, 2))
        # An earlier return the team held, long over: the team's manager sees the child's
        # unallocated returns too (rhi/access.py).
        earlier = Episode(
            child=child,
            risk_grade="Low",
            started_at=now - timedelta(days=400),
            returned_at=now - timedelta(days=399),
            assigned_team=team,
        )
        held = Interview(
            child=child,
            status=InterviewStatus.FINISHED.value,
            outcome="held",
            due_at=now - timedelta(days=396),
            content={},
            created_at=now - timedelta(days=399),
        )
        held.episodes.append(earlier)
        db.session.add_all([earlier, held])
        returned = now - timedelta(hours=6)
        made: list[Episode] = [earlier]
        for allocated, back in returns:
            episode = Episode(
                child=child,
                risk_grade="Low",
                started_at=returned - timedelta(hours=20),
                returned_at=returned if back else None,
                assigned_team=team if allocated else None,
            )
            db.session.add(episode)
            made.append(episode)
        # Interviews in the order they are made, each covering one or more of the child's
        # returns (the long-over one included: a newer interview without an outcome opens it
        # again).
        covers = st.sets(st.integers(min_value=0, max_value=len(made) - 1), min_size=1)
        for (status, outcome, minutes, hours), which in data.draw(
            st.lists(st.tuples(INTERVIEW, covers), max_size=6)
        ):
            interview = Interview(
                child=child,
                status=status,
                outcome=outcome,
                due_at=now + timedelta(hours=hours),
                content={},
                created_at=returned + timedelta(minutes=minutes),
                # Held or not: listed either way; overdue only if not held (Clock.held).
                held_at=returned + timedelta(hours=1) if data.draw(st.booleans()) else None,
            )
            interview.episodes.extend(made[i] for i in sorted(which))
            db.session.add(interview)
            db.session.flush()  # ids in the order made: the later, the larger
        db.session.commit()
        db.session.expire_all()

        # What the model says, return by return.
        hours = app.config["RHI_DEADLINE_HOURS"]
        waiting: dict[int, int | None] = {}
        kept_open: set[int] = set()
        overdue = {True: 0, False: 0}
        held_now = {True: 0, False: 0}  # held and being written up: said apart on the page
        by_deadline = dict.fromkeys(by_deadline_before, 0)
        for episode in made:
            episode = db.session.get(Episode, episode.id)
            assert episode is not None
            if episode.returned_at is None or episode.closed_at is not None:
                continue  # not back yet, or its latest interview has its outcome: in no list
            latest = episode.interview
            declined = latest is not None and latest.status_enum == InterviewStatus.DECLINED
            if declined and latest.outcome is None:
                kept_open.add(episode.id)
            if latest is None or (latest.status_enum in OPEN_STATUSES and latest.outcome is None):
                waiting[episode.id] = latest.id if latest else None
                due = latest.due_at if latest else deadlines.due_at(episode.returned_at, hours)
                held = latest.held_at if latest else None
                if deadlines.Clock(due=due, now=now, held=held).overdue:
                    overdue[episode.allocated] += 1
                if latest is not None and latest.held_at is not None:
                    # Held, being written up: on the Returns page, waiting for nothing.
                    held_now[episode.allocated] += 1
                elif deadlines.Clock(due=due, now=now).overdue:
                    by_deadline["overdue"] += 1
                elif due < now + timedelta(hours=24):
                    by_deadline["due_today"] += 1
                else:
                    by_deadline["later"] += 1

        listed = _listed(user, now)
        assert {k: v for k, v in listed.items() if k not in listed_before} == waiting
        assert {row.episode.id for row in offer_open(user, now)} - kept_open_before == kept_open
        for allocated, count in before.items():
            mine = [e for e in made if e.id in waiting and allocated in (None, e.allocated)]
            late = overdue[True] + overdue[False] if allocated is None else overdue[allocated]
            held = held_now[True] + held_now[False] if allocated is None else held_now[allocated]
            assert count_waiting(user, now, allocated=allocated) == type(count)(
                count.total + len(mine), count.overdue + late, held=count.held + held
            ), allocated
        # The service page's "Waiting now" counts what the Returns page counts (it joined the
        # first interview only and left out returns with no interview yet).
        assert {
            key: value - by_deadline_before[key] for key, value in waiting_now(user, now).items()
        } == by_deadline


def test_a_deadline_exactly_24_hours_away_is_due_later_and_one_due_now_is_overdue(
    app: Flask, world: World
) -> None:
    """The generated test above found a deadline exactly 24 hours away counted "due within 24
    hours" on SQLite: julian days, as floating point, put it a hair before. Whole milliseconds
    now, as the Returns clock (rhi/deadlines.py) says it."""
    with app.test_request_context():
        user = db.session.get(User, world.users["manager_a"])
        team = db.session.scalar(select(Team).where(Team.name == "RHI A"))
        now = utcnow()
        before = waiting_now(user, now)
        child = Child(first_name="Exact", last_name="Deadline", date_of_birth=date(2011, 4, 2))
        for hours in (24, 0):
            episode = Episode(
                child=child,
                risk_grade="Low",
                started_at=now - timedelta(hours=30),
                returned_at=now - timedelta(hours=10),
                assigned_team=team,
            )
            interview = Interview(
                child=child, status="accepted", due_at=now + timedelta(hours=hours), content={}
            )
            interview.episodes.append(episode)
            db.session.add_all([episode, interview])
        db.session.commit()
        after = waiting_now(user, now)
        assert {key: after[key] - before[key] for key in after} == {
            "overdue": 1,
            "due_today": 0,
            "later": 1,
        }
        assert deadlines.Clock(due=now, now=now).overdue
        assert not deadlines.Clock(due=now + timedelta(hours=24), now=now).overdue
