"""The Wording page's dates: the boxes show the dates the manager chose, and the "To" date counts
to the end of that day, however often "Show" is pressed.

A probe found /oversight/language?from=2026-11-01&to=2026-11-30 showing 2026-12-01 in the "To"
box (the end of the count, the start of the next day, shown as if chosen), so pressing "Show"
again counted 1 December too, and each press moved it a day on.

The clock is 2026-11-23 12:00 UTC (tests/app/conftest.py); London is on UTC in November and an
hour ahead until 25 October.
"""

from __future__ import annotations

import re
from datetime import datetime

from rhi.extensions import db
from rhi.models import LanguageEvent, User
from tests.app.helpers import page_text
from tests.conftest import Web

BOX = re.compile(r'<input type="date" id="(from|to)" name="\1" value="([^"]*)">')


def _changed(app, world, *moments: datetime) -> None:
    """A suggested wording taken in team A's notes at each moment (UTC, as stored)."""
    with app.app_context():
        team_id = db.session.get(User, world.users["manager_a"]).team_id
        for moment in moments:
            db.session.add(
                LanguageEvent(team_id=team_id, rule_id="absconding", action="replaced", at=moment)
            )
        db.session.commit()


def _shown(manager: Web, address: str) -> tuple[dict[str, str], str]:
    """The dates in the boxes, and the page's "All phrases" line (changed, kept, left)."""
    html = manager.get(address).get_data(as_text=True)
    boxes = dict(BOX.findall(html))
    text = page_text(html)
    found = re.search(r"All phrases (\d+ \d+ \d+)", text)
    return boxes, found.group(1) if found else "none"


def test_the_to_date_is_the_one_chosen_and_pressing_show_again_changes_nothing(app, world):
    # The last minutes of 21 November, and the first of the 22nd.
    _changed(app, world, datetime(2026, 11, 21, 23, 30), datetime(2026, 11, 22, 0, 30))
    manager = Web(app.test_client())
    manager.sign_in(world.emails["manager_a"])
    boxes, totals = _shown(manager, "/oversight/language?from=2026-11-01&to=2026-11-21")
    assert boxes == {"from": "2026-11-01", "to": "2026-11-21"}
    assert totals == "1 0 0"  # the whole of the 21st, nothing of the 22nd
    # "Show" again, with what the boxes hold: the same dates, the same count.
    for _ in range(2):
        boxes, again = _shown(manager, f"/oversight/language?from={boxes['from']}&to={boxes['to']}")
        assert boxes == {"from": "2026-11-01", "to": "2026-11-21"}
        assert again == "1 0 0"
    # The 22nd chosen: both.
    boxes, totals = _shown(manager, "/oversight/language?from=2026-11-01&to=2026-11-22")
    assert boxes["to"] == "2026-11-22" and totals == "2 0 0"


def test_the_to_date_counts_to_the_end_of_that_local_day_in_summer_time(app, world):
    """10 October, in London (an hour ahead): its last local hour is 22:00 to 23:00 UTC."""
    _changed(app, world, datetime(2026, 10, 10, 22, 30), datetime(2026, 10, 10, 23, 30))
    manager = Web(app.test_client())
    manager.sign_in(world.emails["manager_a"])
    boxes, totals = _shown(manager, "/oversight/language?from=2026-10-10&to=2026-10-10")
    assert boxes == {"from": "2026-10-10", "to": "2026-10-10"}
    assert totals == "1 0 0"


def test_with_no_dates_chosen_the_boxes_show_the_last_30_days_to_today(app, world):
    manager = Web(app.test_client())
    manager.sign_in(world.emails["manager_a"])
    boxes, _ = _shown(manager, "/oversight/language")
    assert boxes == {"from": "2026-10-24", "to": "2026-11-23"}
