"""A police person id of a child another team keeps, in a preview or dry run, is asked of other
teams' records as a name and date of birth are (rhi/children/kept_elsewhere.py Asking
.person_id): counted, on the child's trail, and past the day's checks the row is read by its
name and date of birth as though the id were no one's. A review (rev37) found it told "another
team keeps" past the limit, for any name, and on no trail. Ada Alpha is kept by the Care
team."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from rhi.episodes.imports_apply import NOT_CHECKED_ELSEWHERE
from rhi.extensions import db
from rhi.models import AuditEvent, PolicePerson
from tests.app.test_kept_elsewhere_asking import _preview, _row, _signed_in

LIMIT = 3


@pytest.fixture(autouse=True)
def _a_small_limit(app):
    app.config["RHI_OTHER_TEAMS_CHECKS_PER_DAY"] = LIMIT


def _trail(app, world) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(AuditEvent.detail).where(
                    AuditEvent.child_id == world.children["a"],
                    AuditEvent.action == "child.checked_elsewhere",
                )
            )
        )


def test_a_police_person_id_is_asked_of_other_teams_only_within_the_days_checks(app, world):
    with app.app_context():
        db.session.add(PolicePerson(police_person_id="P-ADA", child_id=world.children["a"]))
        db.session.commit()
    manager_b = _signed_in(app, world, "manager_b")
    row = "X-4,P-ADA,Zed,Zulu,01/01/2015,15/11/2026 08:00,,Low"
    # Within the day's checks: the team keeping the child is told, and it is on her trail.
    assert "Care team keeps" in _preview(manager_b, row)
    assert _trail(app, world) == ["a preview of a file by RHI B: may be this child"]
    _preview(
        manager_b, _row("X-1", "01/05/2012", "Eve"), _row("X-2", "01/05/2013", "Kit")
    )  # the day's three children asked of
    # Past them, another id: read by its name and date of birth, saying nothing of her.
    with app.app_context():
        db.session.add(PolicePerson(police_person_id="P-ADA-2", child_id=world.children["a"]))
        db.session.commit()
    text = _preview(manager_b, row.replace("P-ADA,", "P-ADA-2,"))
    assert "Care team" not in text
    assert NOT_CHECKED_ELSEWHERE in text
    assert len(_trail(app, world)) == 1
