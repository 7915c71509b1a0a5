"""The command line's --dry-run (an operator on the server, before the scheduled import) is not
limited as a preview or a token's dry run is (rhi/children/kept_elsewhere.py Asking): it says
what the import will do. A review (rev37) found it counted as a token's team, spending the
team's API day of checks, and past it saying a child another team keeps would be "new" while
the real run sent it to that team's list. Ada Alpha, born 01/05/2011, is kept by the Care
team."""

from __future__ import annotations

import pytest

from tests.app.test_import_notifications import csv_bytes

LIMIT = 3


@pytest.fixture(autouse=True)
def _a_small_limit(app):
    app.config["RHI_OTHER_TEAMS_CHECKS_PER_DAY"] = LIMIT


def test_the_command_lines_dry_run_says_what_the_import_will_do(app, world):
    path = app.instance_path + "/daily.csv"
    names = [("Eve", "Ames"), ("Kit", "Bell"), ("Jo", "Cole"), ("Lu", "Dunn")][:LIMIT]
    rows = [
        f"C-{n},,{first},{last},0{n + 1}/07/201{n},20/11/2026 10:00,,Low"
        for n, (first, last) in enumerate(names)
    ]
    rows.append("C-ADA,,Ada,Alpha,02/05/2011,20/11/2026 10:00,,Low")  # Care team keeps her
    with open(path, "wb") as out:
        out.write(csv_bytes(*rows))
    runner = app.test_cli_runner()
    args = ["rhi", "import-notifications", path, "--team", "RHI B"]
    dry = runner.invoke(args=[*args, "--dry-run"])
    real = runner.invoke(args=args)
    said = dry.output.split("Would import: ")[1].strip()
    done = real.output.split("Imported: ")[1].strip()
    assert said == done, {"dry run said": said, "import did": done}
