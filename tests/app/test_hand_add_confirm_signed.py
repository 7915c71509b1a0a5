"""Past the day's checks of other teams' records, a child is not added unchecked by writing
the form's "a different child" fields by hand (rhi/children/views.py `_signature`, now signed
with the app's secret for the person): a review (rev37) did so with different_child=yes and the
name and date of birth spelt as the signature was, and added a second record of Ada Alpha
(01/05/2011), whom the Care team keeps."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from rhi.extensions import db
from rhi.models import Child
from tests.app.test_children_records import details
from tests.conftest import Web

LIMIT = 3


@pytest.fixture(autouse=True)
def _a_small_limit(app):
    app.config["RHI_OTHER_TEAMS_CHECKS_PER_DAY"] = LIMIT


def test_past_the_days_checks_a_child_is_not_added_unchecked(app, world):
    web = Web(app.test_client())
    web.sign_in(world.emails["manager_b"])
    for n, (first, last) in enumerate((("Eve", "Ames"), ("Kit", "Bell"), ("Jo", "Cole"))):
        assert (
            web.post(
                "/children/new",
                details(first_name=first, last_name=last, date_of_birth=f"01/07/201{n}"),
            ).status_code
            == 302
        )
    refused = web.post(
        "/children/new", details(first_name="Ada", last_name="Alpha", date_of_birth="01/05/2011")
    )
    assert refused.status_code == 429
    crafted = web.post(
        "/children/new",
        {
            **details(first_name="Ada", last_name="Alpha", date_of_birth="01/05/2011"),
            "different_child": "yes",
            "checked_for": "ada|alpha|2011-05-01",
        },
    )
    with app.app_context():
        adas = db.session.scalar(
            select(func.count())
            .select_from(Child)
            .where(Child.first_name == "Ada", Child.last_name == "Alpha")
        )
    assert crafted.status_code == 429 and adas == 1, (crafted.status_code, adas)
