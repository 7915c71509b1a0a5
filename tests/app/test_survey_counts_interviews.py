"""The survey's interview answers say what they count (probe fig37, findings 1 to 3).

- Councils are asked for return interviews offered and completed per episode, so the answers
  count returns and say so: one interview for two returns answers for both, and the words no
  longer read as a count of interviews (they said "Return interviews completed: 2" for one).
- "Completed" is a finished interview (its outcome "held"), not one only begun.
- The service page's reasons for a late interview count interviews, as its words say: one
  interview late for two returns, with one reason, is one interview.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlalchemy import select

from rhi.extensions import db
from rhi.models import Episode, Interview
from tests.app.helpers import page_text
from tests.conftest import Web

# The test clock's month so far (tests/app/conftest.py: 23 November 2026).
NOVEMBER = "period=custom&start=2026-11-01&end=2026-11-23"
BY_RETURN = "returns in the period: one interview for two returns counts for each"


def _two_returns_one_interview(app, world_i, *, finished: bool) -> None:
    """Ada's interview (world_i "a") also covers her return of ten hours before (rhi lets one
    interview cover a child's two returns): offered an hour after the first, held two hours
    after the second, in time for both."""
    with app.app_context():
        latest = db.session.get(Episode, world_i.episodes["a"])
        interview = db.session.scalar(
            select(Interview).where(Interview.uuid == world_i.interviews["a"])
        )
        earlier = Episode(
            child=latest.child,
            risk_grade="Medium",
            dfe_type="M",
            started_at=latest.returned_at - timedelta(hours=20),
            returned_at=latest.returned_at - timedelta(hours=10),
            assigned_team_id=latest.assigned_team_id,
        )
        db.session.add(earlier)
        interview.episodes.append(earlier)
        interview.due_at = earlier.returned_at + timedelta(hours=72)
        interview.worker_id = world_i.users["worker_a"]
        interview.offered_at = interview.accepted_at = earlier.returned_at + timedelta(hours=1)
        interview.held_at = latest.returned_at + timedelta(hours=2)
        if finished:
            interview.status = "finished"
            interview.finished_at = interview.held_at + timedelta(hours=1)
            interview.outcome, interview.outcome_at = "held", interview.finished_at
        db.session.commit()


def _survey(app, world_i) -> dict[str, list[str]]:
    manager = Web(app.test_client())
    manager.sign_in(world_i.emails["manager_a"])
    response = manager.get(f"/service/survey.csv?{NOVEMBER}")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    return {row[0]: row[1:3] for row in rows[1:]}


def test_the_interview_answers_say_they_count_returns(app, world_i):
    _two_returns_one_interview(app, world_i, finished=True)
    answers = _survey(app, world_i)
    # One interview, two returns: each return answered for, and the words say returns.
    assert answers["Returns offered a return interview"] == ["2", BY_RETURN]
    assert answers["Returns where the child accepted a return interview"] == ["2", BY_RETURN]
    assert answers["Returns with a return interview completed"] == ["2", BY_RETURN]
    assert answers["Of those, the interview held within 72 hours of the return"] == [
        "2 (100% of those completed)",
        BY_RETURN,
    ]
    assert answers["Who delivers return interviews"] == [
        "RHI A (2)",
        "returns with a return interview completed, by the team that held the return",
    ]
    assert not [question for question in answers if question.startswith("Return interviews")]


def test_an_interview_begun_and_not_finished_is_not_completed(app, world_i):
    _two_returns_one_interview(app, world_i, finished=False)
    answers = _survey(app, world_i)
    assert answers["Returns with a return interview completed"][0] == "0"
    assert answers["Of those, the interview held within 72 hours of the return"][0] == "0"
    assert answers["Who delivers return interviews"][0] == "None completed"
    # The service page says "held" of it, and that is right: the conversation has begun.
    manager = Web(app.test_client())
    manager.sign_in(world_i.emails["manager_a"])
    text = page_text(manager.get(f"/service?{NOVEMBER}").get_data(as_text=True))
    assert "Returns with an interview held 2" in text


def test_a_late_interview_for_two_returns_is_one_interview_late(app, world_i):
    """Held 90 hours after the latest return and 100 after the earlier: late for both, with one
    reason recorded, it is one interview late (it was counted as two)."""
    _two_returns_one_interview(app, world_i, finished=True)
    with app.app_context():
        interview = db.session.scalar(
            select(Interview).where(Interview.uuid == world_i.interviews["a"])
        )
        latest = db.session.get(Episode, world_i.episodes["a"])
        # Held later than the test clock's now would be: the late hours, in the past.
        for episode in interview.episodes:
            episode.returned_at -= timedelta(hours=120)
            episode.started_at -= timedelta(hours=120)
        interview.due_at -= timedelta(hours=120)
        interview.offered_at = interview.accepted_at = latest.returned_at + timedelta(hours=1)
        interview.held_at = latest.returned_at + timedelta(hours=90)
        interview.finished_at = interview.outcome_at = interview.held_at + timedelta(hours=1)
        interview.delay_reason = "worker_capacity"
        db.session.commit()
    manager = Web(app.test_client())
    manager.sign_in(world_i.emails["manager_a"])
    text = page_text(manager.get(f"/service?{NOVEMBER}").get_data(as_text=True))
    assert "Held within 72 hours 0" in text  # both returns late
    assert "Reason Interviews No worker was free in time 1" in text
    rows = list(
        csv.reader(io.StringIO(manager.get(f"/service.csv?{NOVEMBER}").get_data(as_text=True)))
    )
    late = {row[0]: row[1] for row in rows if row[0].startswith("Interviews held after")}
    assert late["Interviews held after the 72 hours: No worker was free in time"] == "1"
    # The survey still answers per return: two returns with a completed interview.
    assert _survey(app, world_i)["Who delivers return interviews"][0] == "RHI A (2)"
