"""Offline, a time recorded on the tablet (a contact attempt, the offer) is written as every page
writes one (rhi/timefmt.py format_datetime, "6 Dec 2026 18:06"), by the way the server hands
over in the shell pages' blanks (rhi/shells.py `when_words`): it read "06/12/2026 18:06" (a
tablet probe). The tablet's own code (static/js/shell-fill.js whenSaid) is run under Node with
what a shell page is given, and must write each time exactly as the server does.
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from rhi import create_app, shells, timefmt
from tests.unit.helpers import NODE, node

SHELL_FILL = Path(__file__).resolve().parents[2] / "rhi" / "static" / "js" / "shell-fill.js"

# whenSaid with what a shell page holds (#shell-blanks), for each time kept as the pages keep it.
WRITE_ALL = """
const [path, blanks, kept] = process.argv.slice(1);
globalThis.document = {
  getElementById: (id) => (id === "shell-blanks" ? { textContent: blanks } : null),
};
const { whenSaid } = await import(path);
console.log(JSON.stringify(JSON.parse(kept).map(whenSaid)));
"""


def local_times() -> list[datetime]:
    """Every month, day and hour, minutes with one digit and two, and a random spread."""
    times = [
        datetime(2026, m, d, h, mi)
        for m in range(1, 13)
        for d in (1, 6, 10, 28)
        for h, mi in ((0, 0), (9, 5), (12, 30), (18, 6), (23, 59))
    ]
    pick = random.Random(7)
    start = datetime(2020, 1, 1)
    times += [start + timedelta(minutes=pick.randrange(10 * 366 * 24 * 60)) for _ in range(500)]
    return times


@pytest.mark.parametrize("zone", ["Europe/London", "America/New_York"])
def test_the_tablet_writes_a_time_as_the_pages_do(zone):
    if NODE is None:
        pytest.skip("Node is not installed")
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "k" * 40, "RHI_TIMEZONE": zone}
    )
    with app.app_context():
        blanks = json.dumps({"when_words": shells.blanks()["when_words"]})
        # A time the clocks skipped is never kept (it is refused), so never written.
        times = [
            t
            for t in local_times()
            if timefmt.to_local(timefmt.from_local(t)).replace(tzinfo=None) == t
        ]
        pages = [timefmt.format_datetime(timefmt.from_local(t)) for t in times]
    kept = [t.strftime(timefmt.STORED_WHEN) for t in times]
    tablet = json.loads(
        node(WRITE_ALL.replace("\n", " "), SHELL_FILL.as_uri(), blanks, json.dumps(kept))
    )
    assert tablet == pages
    assert "6 Dec 2026 18:06" in tablet


def test_the_way_is_the_same_in_every_zone_and_outside_an_app():
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "k" * 40})
    with app.app_context():
        in_the_app = shells.blanks()["when_words"]
    assert shells.blanks()["when_words"] == in_the_app
