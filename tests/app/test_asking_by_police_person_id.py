"""A police person id of a child another team keeps, in a preview or dry run, is asked of other
teams' records as a name and date of birth are (rhi/children/kept_elsewhere.py Asking
.person_id): counted, on the child's trail, and past the day's checks the row is read by its
name and date of birth as though the id were no one's. A review (rev37) found it told "another
team keeps" past the limit, for any name, and on no trail. Ada Alpha is kept by the Care
team."""

from __future__ import annotations

import pytest

from rhi.episodes.imports_apply import NOT_CHECKED_ELSEWHERE
from rhi.extensions import db
from rhi.models import PolicePerson
from tests.app.asking import adas_trail, csv_row, preview, signed_in

pytestmark = pytest.mark.usefixtures("small_asking_limit")


def test_a_police_person_id_is_asked_of_other_teams_only_within_the_days_checks(app, world):
    with app.app_context():
        db.session.add(PolicePerson(police_person_id="P-ADA", child_id=world.children["a"]))
        db.session.commit()
    manager_b = signed_in(app, world, "manager_b")
    row = "X-4,P-ADA,Zed,Zulu,01/01/2015,15/11/2026 08:00,,Low"
    # Within the day's checks: the team keeping the child is told, and it is on her trail.
    assert "Care team keeps" in preview(manager_b, row)
    assert adas_trail(app, world) == ["a preview of a file by RHI B: may be this child"]
    preview(
        manager_b, csv_row("X-1", "01/05/2012", "Eve"), csv_row("X-2", "01/05/2013", "Kit")
    )  # the day's three children asked of
    # Past them, another id: read by its name and date of birth, saying nothing of her.
    with app.app_context():
        db.session.add(PolicePerson(police_person_id="P-ADA-2", child_id=world.children["a"]))
        db.session.commit()
    text = preview(manager_b, row.replace("P-ADA,", "P-ADA-2,"))
    assert "Care team" not in text
    assert NOT_CHECKED_ELSEWHERE in text
    assert len(adas_trail(app, world)) == 1
