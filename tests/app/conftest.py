"""App tests run on a clock that starts at one fixed moment and ticks from there.

The tests type dates as a worker would ("2026-11-22T09:30"); forms refuse times in the future
or more than a year ago, so on the real clock those tests would start failing a year after they
were written. Everything the app reads the time from (`utcnow`, `time.time`) is moved.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fixed_clock() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def small_asking_limit(app) -> None:
    """A day's checks of other teams' records small enough to use up (tests/app/asking.py)."""
    from tests.app.asking import LIMIT

    app.config["RHI_OTHER_TEAMS_CHECKS_PER_DAY"] = LIMIT
