"""A child offered an interview who has not answered is never written as a "no".

An oversight probe (coord35, item 5) found the Standard Safeguarding Dataset export writing
`Y,N` (offered, not accepted) for a child with no answer recorded, while the list for
inspectors said "No answer" for the same episode. The two statutory files now read the child's
answer from one place: Y/Yes for a yes, N/No for a no, and blank/"No answer" for neither (the
dataset's "accepted" is left blank, unknown, as it is when no interview was offered).

The clock is frozen at 23 November 2026 12:00 UTC (tests/app/conftest.py); the episodes are in
November 2026, inside the collection year 2026 and the inspectors' period chosen here.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

from sqlalchemy import select

from rhi.extensions import db
from rhi.models import Child, Episode, Interview, Team
from tests.conftest import Web

SSD_URL = "/service/exports/download?export=ssd&year=2026&anyway=1"
LIST_URL = "/service/exports/download?export=episodes&start=2026-11-01&end=2026-11-20&anyway=1"

# What the dataset's "accepted" says, and what the inspectors' "Accepted" says, of one answer.
SAME_ANSWER = {"Y": "Yes", "N": "No", "": "No answer"}


def _offered(
    team: Team,
    first_name: str,
    day: int,
    status: str,
    *,
    accepted: bool = False,
    declined: bool = False,
    outcome: str | None = None,
) -> int:
    """A child back on `day` November, offered an interview two hours later."""
    child = Child(
        first_name=first_name, last_name="Offered", date_of_birth=date(2011, 5, 5), team=team
    )
    back = datetime(2026, 11, day, 21, 0)
    episode = Episode(
        child=child,
        risk_grade="Medium",
        dfe_type="M",
        started_at=back - timedelta(hours=10),
        returned_at=back,
        assigned_team=team,
    )
    interview = Interview(
        status=status,
        due_at=back + timedelta(hours=72),
        offered_at=back + timedelta(hours=2),
        accepted_at=back + timedelta(hours=3) if accepted else None,
        declined_at=back + timedelta(hours=4) if declined else None,
        outcome=outcome,
        outcome_at=back + timedelta(hours=80) if outcome else None,
        content={},
    )
    interview.episodes.append(episode)
    db.session.add_all([child, episode, interview])
    db.session.flush()
    return episode.id


def _csv(web: Web, url: str) -> list[dict[str, str]]:
    """The file as a spreadsheet would read it: one dict per row, by heading."""
    response = web.get(url)
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def test_both_exports_say_the_same_of_the_child_s_answer(app, world):
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == "RHI A"))
        episodes = {
            # Offered on the 5th, no answer recorded (Tyler in the probe).
            "waiting": _offered(team, "Tyler", 5, "offered"),
            # Offered, never answered, and the return closed as not reached after attempts.
            "not_reached": _offered(team, "Siân", 6, "unable_to_contact", outcome="not_reached"),
            "said_no": _offered(team, "Cerys", 7, "declined", declined=True),
            "said_yes": _offered(team, "Dilys", 8, "accepted", accepted=True),
            # A yes, then a no: a no (never both).
            "yes_then_no": _offered(team, "Emrys", 9, "declined", accepted=True, declined=True),
        }
        db.session.commit()
    manager = Web(app.test_client())
    manager.sign_in(world.emails["manager_a"])
    ssd = {row["miss_table_id"]: row for row in _csv(manager, SSD_URL)}
    listed = {row["Episode ID"]: row for row in _csv(manager, LIST_URL)}

    said = {
        key: (
            ssd[str(episode)]["miss_mis_epi_rhi_offered"],
            ssd[str(episode)]["miss_mis_epi_rhi_accepted"],
            listed[str(episode)]["Interview offered"],
            listed[str(episode)]["Accepted"],
        )
        for key, episode in episodes.items()
    }
    assert said == {
        # Not answered: blank in the dataset (unknown), never N, which counts a refusal.
        "waiting": ("Y", "", "Yes", "No answer"),
        "not_reached": ("Y", "", "Yes", "No answer"),
        "said_no": ("Y", "N", "Yes", "No"),
        "said_yes": ("Y", "Y", "Yes", "Yes"),
        "yes_then_no": ("Y", "N", "Yes", "No"),
    }
    # Whatever the states, the same episode says the same thing in both files.
    for key, (_, in_dataset, _, in_list) in said.items():
        assert SAME_ANSWER[in_dataset] == in_list, key


def test_no_episode_offered_an_interview_disagrees_between_the_two_files(app, world):
    """Over every episode both files hold (the set-up's own, with one more waiting for an
    answer), an offer's answer reads the same in both."""
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == "RHI A"))
        waiting = _offered(team, "Tyler", 5, "offered")
        db.session.commit()
    manager = Web(app.test_client())
    manager.sign_in(world.emails["manager_a"])
    ssd = {row["miss_table_id"]: row for row in _csv(manager, SSD_URL)}
    listed = {row["Episode ID"]: row for row in _csv(manager, LIST_URL)}
    both = sorted(set(ssd) & set(listed), key=int)
    assert str(waiting) in both
    for episode in both:
        if ssd[episode]["miss_mis_epi_rhi_offered"] != "Y":
            continue
        assert listed[episode]["Interview offered"] == "Yes", episode
        in_dataset = ssd[episode]["miss_mis_epi_rhi_accepted"]
        assert SAME_ANSWER[in_dataset] == listed[episode]["Accepted"], episode
