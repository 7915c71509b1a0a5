"""The list for inspectors says "No" only where the child said no: an offer with no answer yet
(or none before the return was closed) is "No answer". An oversight probe counted four refusals
in the list where the service page said two children said no."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

from sqlalchemy import select

from rhi.extensions import db
from rhi.models import Child, Episode, Interview, Team
from tests.conftest import Web

URL = "/service/exports/download?export=episodes&start=2026-11-01&end=2026-11-20&anyway=1"


def _offered(team: Team, first_name: str, status: str, day: int) -> int:
    child = Child(
        first_name=first_name, last_name="Answer", date_of_birth=date(2012, 4, 4), team=team
    )
    back = datetime(2026, 11, day, 21, 0)
    episode = Episode(
        child=child,
        risk_grade="Low",
        dfe_type="M",
        started_at=back - timedelta(hours=12),
        returned_at=back,
        assigned_team=team,
    )
    interview = Interview(
        status=status,
        due_at=back + timedelta(hours=72),
        offered_at=back + timedelta(hours=2),
        declined_at=back + timedelta(hours=3) if status == "declined" else None,
        accepted_at=back + timedelta(hours=3) if status == "accepted" else None,
        content={},
    )
    interview.episodes.append(episode)
    db.session.add_all([child, episode, interview])
    db.session.flush()
    return episode.id


def test_the_child_s_answer_is_no_only_for_a_no(app, world):
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == "RHI A"))
        waiting = _offered(team, "Bethan", "offered", 3)
        said_no = _offered(team, "Cerys", "declined", 4)
        said_yes = _offered(team, "Dilys", "accepted", 5)
        db.session.commit()
    manager = Web(app.test_client())
    manager.sign_in(world.emails["manager_a"])
    rows = list(csv.reader(io.StringIO(manager.get(URL).get_data(as_text=True))))
    accepted = rows[0].index("Accepted")
    by_episode = {row[2]: row[accepted] for row in rows[1:]}
    assert by_episode[str(waiting)] == "No answer"
    assert by_episode[str(said_no)] == "No"
    assert by_episode[str(said_yes)] == "Yes"
