"""Open returns found by index (issue 16 item 1): `Episode.closed_at` says whether the return has
its one outcome, whatever changed it, and the Returns page, the tablet copies and the children
list cost the same with thousands of closed past returns as with none.

`closed_at` is what the lists filter on first, so a place that set an outcome and forgot it
would hide a child's return, or leave a closed one in every list's cost. The property test
drives random sequences of what workers do through the real service functions (and what no
service does yet: an outcome taken away, a newer interview from a tablet), and checks after
each step, in the database, that `closed_at` is set exactly when the return's latest interview
has an outcome, and that the Returns page and "Offer open" agree with it."""

from __future__ import annotations

import importlib.util
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, insert, select, text

from rhi.episodes import service as episodes
from rhi.episodes.queries import offer_open, waiting_returns
from rhi.episodes.service import OutcomeError
from rhi.extensions import db
from rhi.interviews import service as interviews
from rhi.interviews.service import LockedError
from rhi.models import Child, Episode, Interview, Team, User, interview_episodes
from rhi.models.base import utcnow
from tests.app.helpers import statements
from tests.conftest import Web
from tests.world import World

MIGRATION = (
    Path(__file__).resolve().parents[2] / "migrations/versions/a3b4c5d6e7f8_episodes_closed_at.py"
)
CARD = re.compile(r'class="card-title"><a href="/episodes/(\d+)"')


def _team(name: str) -> Team:
    team = db.session.scalar(select(Team).where(Team.name == name))
    assert team is not None
    return team


def _rule_says_closed(episode_id: int) -> bool:
    """The rule, asked of the database alone (not of rhi/episodes/closing.py): the latest
    interview covering the episode, as the Returns list picks it, has an outcome."""
    latest = db.session.execute(
        select(Interview.outcome)
        .join(interview_episodes, interview_episodes.c.interview_id == Interview.id)
        .where(interview_episodes.c.episode_id == episode_id)
        .order_by(Interview.created_at.desc(), Interview.id.desc())
        .limit(1)
    ).first()
    return latest is not None and latest.outcome is not None


# What a worker does on the episode page, and what no service does yet but a correction or a
# tablet might: each applied to the return's latest interview.
STEPS = (
    "offer",
    "accept",
    "decline_kept_open",
    "decline_not_again",
    "attempt",
    "not_interviewed",
    "not_reached",
    "declined",
    "start",
    "finish",
    "outcome_taken_away",
    "newer_interview",
)


def _do(step: str, episode: Episode, user: User) -> None:
    """One step through the real service functions; a step the rules refuse (a finished
    interview, "not reached" with no attempt) changes nothing, as on the page."""
    at = utcnow() - timedelta(minutes=5)
    latest = episode.interview
    try:
        if step == "offer":
            episodes.record_offer(episode, user, at=at, method="In person")
        elif step == "accept":
            episodes.record_accept(episode, user, at=at)
        elif step in ("decline_kept_open", "decline_not_again"):
            episodes.record_decline(
                episode,
                user,
                at=at,
                reason="Not today, thank you.",
                offer_again=step == "decline_kept_open",
                carer_information=False,
            )
        elif step == "attempt":
            episodes.record_attempt(
                episode, user, at=at, method="phone", outcome="no_answer", note=None
            )
        elif step in ("not_interviewed", "not_reached", "declined"):
            episodes.record_outcome(
                episode,
                user,
                outcome=step,
                at=at,
                reason="Recorded in the test.",
                decided_by="Team manager" if step == "not_interviewed" else None,
            )
        elif step == "start" and latest is not None:
            interviews.start(latest, user)
        elif step == "finish" and latest is not None and latest.status == "in_progress":
            interviews.finish(latest, user)
        elif step == "outcome_taken_away" and latest is not None:
            latest.outcome = None  # a correction: no service does this yet; the flush must see it
            latest.outcome_at = None
        elif step == "newer_interview" and latest is not None:
            newer = Interview(
                child_id=episode.child_id,
                status="offered",
                due_at=latest.due_at,
                content={},
                created_at=(latest.created_at or utcnow()) + timedelta(minutes=1),
            )
            newer.episodes.append(episode)
            db.session.add(newer)
    except (LockedError, OutcomeError):
        pass


def _check(app: Flask, episode_id: int, user_id: int) -> None:
    """In the database: closed_at set exactly when the rule says closed, and the lists agree."""
    db.session.expire_all()
    closed_at = db.session.scalar(select(Episode.closed_at).where(Episode.id == episode_id))
    closed = _rule_says_closed(episode_id)
    assert (closed_at is not None) == closed
    user = db.session.get(User, user_id)
    assert user is not None
    listed = {row.episode.id for row in waiting_returns(user, utcnow(), allocated=None)}
    kept_open = {row.episode.id for row in offer_open(user, utcnow())}
    if closed:
        assert episode_id not in listed | kept_open
    else:
        # Open: on the Returns page, or under "Offer open", unless its latest interview is
        # finished (only an outcome taken away leaves one so).
        latest = db.session.get(Episode, episode_id).interview
        if latest is None or latest.status != "finished":
            assert episode_id in listed | kept_open


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(st.sampled_from(STEPS), min_size=1, max_size=10))
def test_closed_at_follows_the_outcome_whatever_sets_or_clears_it(
    app: Flask, world: World, steps: list[str]
) -> None:
    with app.test_request_context():
        user = db.session.get(User, world.users["worker_a"])
        assert user is not None
        child = Child(first_name="Closing", last_name="Steps", date_of_birth=date(2011, 4, 2))
        now = utcnow()
        episode = Episode(
            child=child,
            risk_grade="Low",
            started_at=now - timedelta(hours=20),
            returned_at=now - timedelta(hours=6),
            assigned_team=_team("RHI A"),
        )
        db.session.add(episode)
        db.session.commit()
        episode_id = episode.id
        _check(app, episode_id, user.id)
        for step in steps:
            episode = db.session.get(Episode, episode_id)
            assert episode is not None
            _do(step, episode, user)
            db.session.commit()
            _check(app, episode_id, user.id)


def test_a_no_with_the_offer_kept_open_is_not_closed_and_a_no_not_again_is(app, world, web):
    web.sign_in(world.emails["worker_a"])
    with app.test_request_context():
        user = db.session.get(User, world.users["worker_a"])
        episode = db.session.get(Episode, world.episodes["a"])
        episodes.record_decline(
            episode,
            user,
            at=utcnow() - timedelta(hours=1),
            reason="Not today.",
            offer_again=True,
            carer_information=False,
        )
        db.session.commit()
        assert db.session.get(Episode, world.episodes["a"]).closed_at is None
    page = web.get("/returns").get_data(as_text=True)
    assert 'id="offer-open-heading"' in page and "Ada Alpha" in page
    with app.test_request_context():
        user = db.session.get(User, world.users["worker_a"])
        episode = db.session.get(Episode, world.episodes["a"])
        when = utcnow() - timedelta(minutes=30)
        episodes.record_outcome(episode, user, outcome="declined", at=when, reason="Said no.")
        db.session.commit()
        assert db.session.get(Episode, world.episodes["a"]).closed_at == when
    page = web.get("/returns").get_data(as_text=True)
    assert "Ada Alpha" not in page


def test_finishing_the_interview_closes_the_return(app, world_i, web):
    web.sign_in(world_i.emails["worker_a"])
    with app.test_request_context():
        user = db.session.get(User, world_i.users["worker_a"])
        episode = db.session.get(Episode, world_i.episodes["a"])
        assert episode.closed_at is None
        interviews.finish(episode.interview, user)
        # The service says so at once, before any flush: the episode in hand is right.
        assert episode.closed_at == episode.interview.finished_at
        db.session.commit()
    with app.app_context():
        assert db.session.get(Episode, world_i.episodes["a"]).closed_at is not None


def _backfill() -> str:
    spec = importlib.util.spec_from_file_location("closed_at_migration", MIGRATION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return str(module.BACKFILL)


def _history(app: Flask, how_many: int) -> None:
    """Team A's closed past: children with ten returns each, every one with an interview and
    its outcome, written as an import would (bulk rows, no ORM flush), then closed by the
    migration's own backfill, which this also checks."""
    with app.app_context():
        team_id = _team("RHI A").id
        now = utcnow().replace(microsecond=0)
        first_child = (db.session.scalar(select(db.func.max(Child.id))) or 0) + 1
        first_episode = (db.session.scalar(select(db.func.max(Episode.id))) or 0) + 1
        first_interview = (db.session.scalar(select(db.func.max(Interview.id))) or 0) + 1
        children, episode_rows, interview_rows, links = [], [], [], []
        for n in range(how_many // 10):
            children.append(
                {
                    "id": first_child + n,
                    "first_name": f"Earlier{n}",
                    "last_name": "History",
                    "date_of_birth": date(2010, 1, 1),
                }
            )
        for n in range(how_many):
            back = now - timedelta(days=30 + n % 900, hours=n % 24)
            child_id = first_child + n % max(1, how_many // 10)
            episode_rows.append(
                {
                    "id": first_episode + n,
                    "child_id": child_id,
                    "risk_grade": "Medium",
                    "dfe_type": "M",
                    "started_at": back - timedelta(hours=8),
                    "returned_at": back,
                    "assigned_team_id": team_id,
                    "held_by_team_id": team_id,  # as rhi/episodes/holding.py keeps it
                    "created_at": back,
                }
            )
            declined = n % 7 == 0
            interview_rows.append(
                {
                    "id": first_interview + n,
                    "uuid": f"00000000-0000-4000-8000-{first_interview + n:012d}",
                    "child_id": child_id,
                    "status": "declined" if declined else "finished",
                    "due_at": back + timedelta(hours=72),
                    "version": 1,
                    "offer_again": False,
                    "outcome": "declined" if declined else "held",
                    "outcome_at": back + timedelta(hours=30),
                    "content": {},
                    "created_at": back + timedelta(hours=2),
                    "updated_at": back + timedelta(hours=30),
                }
            )
            links.append(
                {
                    "interview_id": first_interview + n,
                    "episode_id": first_episode + n,
                    "child_id": child_id,
                }
            )
        for table, rows in (
            (Child, children),
            (Episode, episode_rows),
            (Interview, interview_rows),
            (interview_episodes, links),
        ):
            for start in range(0, len(rows), 1000):
                db.session.execute(insert(table), rows[start : start + 1000])
        db.session.execute(text(_backfill()))
        db.session.commit()
        still_open = db.session.scalar(
            select(db.func.count(Episode.id)).where(
                Episode.id >= first_episode, Episode.closed_at.is_(None)
            )
        )
        assert still_open == 0  # the backfill closed every one, at its outcome's time
        one = db.session.get(Episode, first_episode)
        assert one is not None and one.closed_at == one.returned_at + timedelta(hours=30)


def _asked(app: Flask, web: Web, url: str) -> tuple[int, str]:
    """How many SQL statements one visit to `url` sends (a second visit: what a first visit
    does only once is not counted), and the page."""
    assert web.get(url).status_code == 200
    with statements(app) as sent:
        response = web.get(url)
    assert response.status_code == 200
    return len(sent), response.get_data(as_text=True)


def test_thousands_of_closed_returns_cost_the_returns_page_nothing(app, world):
    urls = ("/returns", "/sync/v1/copies", "/children", f"/episodes/{world.episodes['a']}")
    clients = {}
    for who in ("worker_a", "manager_a"):
        clients[who] = Web(app.test_client())
        clients[who].sign_in(world.emails[who])
    before = {(who, url): _asked(app, c, url) for who, c in clients.items() for url in urls}
    _history(app, 3000)
    for (who, url), (count, page) in before.items():
        again, later = _asked(app, clients[who], url)
        assert again == count, (who, url)
        if url == "/returns":
            # The same cards: Ada's return, and none of the closed past.
            assert CARD.findall(later) == CARD.findall(page), who
            assert str(world.episodes["a"]) in CARD.findall(later)
    # The worker's list reads open returns through their index, never the whole table: asked
    # of SQLite's planner (PostgreSQL's plan depends on its statistics).
    if str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite"):
        _assert_read_by_index(app, clients["worker_a"])


HISTORY_SCANS = (
    "SCAN episodes",
    "SCAN open_episode",
    "SCAN interview_episodes",
    "SCAN latest_interview",
    "SCAN current_interview",
)
RANKED_BY_INDEX = re.compile(r"SEARCH open_episode USING (COVERING )?INDEX ix_episodes_open ")
LISTED_BY_INDEX = re.compile(r"SEARCH episodes USING (INDEX ix_episodes_open |INTEGER PRIMARY KEY)")


def _assert_read_by_index(app: Flask, web: Web) -> None:
    sent: list[tuple[str, Any]] = []

    def note(conn, cursor, statement, parameters, context, executemany) -> None:
        sent.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        assert web.get("/returns").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", note)
    listing = [(s, p) for s, p in sent if "episodes.closed_at IS NULL" in s]
    assert len(listing) >= 3, "the list, its count and Offer open ask for open returns"
    with app.app_context():
        connection = db.session.connection()
        for statement, parameters in listing:
            plan = [
                row[3]
                for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
            ]
            # No table that grows with history is scanned: the open returns whose latest
            # interview is ranked (`open_episode`) are read through the index of open returns,
            # and the returns listed through it too, or by id from those ranked.
            assert not any(line.startswith(HISTORY_SCANS) for line in plan), plan
            assert any(RANKED_BY_INDEX.match(line) for line in plan), plan
            assert any(LISTED_BY_INDEX.match(line) for line in plan), plan
