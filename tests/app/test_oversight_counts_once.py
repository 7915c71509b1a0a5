"""The service page counts each return once, as it was (probe "oversight", findings 2 and 3).

- "Returns of children placed here by another council" is kept for each return, beside its
  legal status: a child placed here, or going home, later does not change a past figure.
- A return nobody holds yet is counted by one team only, though every team that may allocate
  it sees it; and a return is counted by the team that holds it, not by every team that sees
  the child.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlalchemy import select

from rhi.extensions import db
from rhi.models import Child, Episode, Team
from rhi.models.base import utcnow
from tests.app.helpers import figure_beside, lend_a_return, page_text
from tests.conftest import Web

# The test clock's month so far (tests/app/conftest.py: 23 November 2026), holding every
# return of the world's.
NOVEMBER = "period=custom&start=2026-11-01&end=2026-11-23"
RETURNS = "Returns (episodes that ended in the period)"
PLACED = "Returns of children placed here by another council"


def _figures(app, email: str) -> dict[str, str]:
    """The manager's figures for November, as their CSV gives them."""
    web = Web(app.test_client())
    web.sign_in(email)
    response = web.get(f"/service.csv?{NOVEMBER}")
    assert response.status_code == 200
    rows = csv.reader(io.StringIO(response.get_data(as_text=True)))
    return {row[0]: row[1] for row in rows}


def _set_authorities(app, child_id: int, home: str, placing: str) -> None:
    """As the child's page changes them."""
    with app.app_context():
        child = db.session.get(Child, child_id)
        child.home_authority, child.placing_authority = home, placing
        db.session.commit()


def _new_return(app, child_id: int, hours_ago: int, team_name: str | None = None) -> int:
    """A return of the child's, back `hours_ago`: held by the team, or by nobody yet."""
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == team_name)) if team_name else None
        episode = Episode(
            child_id=child_id,
            risk_grade="Low",
            dfe_type="M",
            started_at=utcnow() - timedelta(hours=hours_ago + 5),
            returned_at=utcnow() - timedelta(hours=hours_ago),
            assigned_team=team,
        )
        db.session.add(episode)
        db.session.commit()
        return episode.id


def test_placed_here_by_another_council_is_what_it_was_for_each_return(app, world):
    ada, ben = world.children["a"], world.children["b"]
    # Ada is placed here by another council; Ben lives with his family in his home council.
    _set_authorities(app, ada, home="Northshire Council", placing="Eastshire Council")
    _set_authorities(app, ben, home="Westshire Council", placing="westshire council ")
    assert _figures(app, world.emails["manager_a"])[PLACED] == "1"
    assert _figures(app, world.emails["manager_b"])[PLACED] == "0"
    # Later, Ada goes home and Ben is placed here from elsewhere: the returns they had come
    # back from still count as they were.
    _set_authorities(app, ada, home="Northshire Council", placing="")
    _set_authorities(app, ben, home="Westshire Council", placing="Eastshire Council")
    assert _figures(app, world.emails["manager_a"])[PLACED] == "1"
    assert _figures(app, world.emails["manager_b"])[PLACED] == "0"
    # Their returns after it take their authorities then.
    _new_return(app, ada, hours_ago=1, team_name="RHI A")
    _new_return(app, ben, hours_ago=1, team_name="RHI B")
    a = _figures(app, world.emails["manager_a"])
    assert (a[RETURNS], a[PLACED]) == ("2", "1")
    b = _figures(app, world.emails["manager_b"])
    assert (b[RETURNS], b[PLACED]) == ("2", "1")
    # The page's table by legal status says the same: 1 child, 1 return.
    manager = Web(app.test_client())
    manager.sign_in(world.emails["manager_a"])
    html = manager.get(f"/service?{NOVEMBER}").get_data(as_text=True)
    assert figure_beside(html, PLACED) == "1"
    assert "Placed here by another council 1 1" in page_text(html)


def test_a_return_nobody_holds_yet_is_counted_by_one_team(app, world):
    ada = world.children["a"]
    # Ada's returns: one held by team A, a later one lent to team B, and one just recorded
    # from a notification that nobody holds yet. Ben's return is team B's.
    lend_a_return(app, ada, "RHI B")
    waiting = _new_return(app, ada, hours_ago=1)
    managers = ("manager_a", "manager_b", "manager_care")
    # Every team that may allocate it sees it...
    for key in ("manager_a", "manager_b"):
        web = Web(app.test_client())
        web.sign_in(world.emails[key])
        assert web.get(f"/episodes/{waiting}").status_code == 200, key
    # ...and it is counted once: by team B, which held her latest return. The care team (her
    # social worker's) sees her returns and holds none of them: it counts none.
    counted = {key: _figures(app, world.emails[key])[RETURNS] for key in managers}
    assert counted == {"manager_a": "1", "manager_b": "3", "manager_care": "0"}
    # Four returns are seen (the fifth, held by a worker with no team, by no manager).
    assert sum(int(n) for n in counted.values()) == 4
    manager_b = Web(app.test_client())
    manager_b.sign_in(world.emails["manager_b"])
    html = manager_b.get(f"/service?{NOVEMBER}").get_data(as_text=True)
    assert figure_beside(html, RETURNS) == "3"
    # Once team A keeps her record, her return waiting for someone is team A's to count.
    with app.app_context():
        child = db.session.get(Child, ada)
        child.team_id = db.session.scalar(select(Team.id).where(Team.name == "RHI A"))
        db.session.commit()
    counted = {key: _figures(app, world.emails[key])[RETURNS] for key in managers}
    assert counted == {"manager_a": "2", "manager_b": "2", "manager_care": "0"}
