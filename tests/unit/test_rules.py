"""Pure rules: the 72-hour clock, repeat episodes, ethnicity codes, sign-in lockout."""

from __future__ import annotations

from datetime import datetime, timedelta

from rhi import deadlines, ethnicity

T0 = datetime(2026, 11, 20, 9, 0)


def test_due_is_72_hours_after_return():
    assert deadlines.due_at(T0) == datetime(2026, 11, 23, 9, 0)
    assert deadlines.due_at(T0, hours=48) == datetime(2026, 11, 22, 9, 0)


def test_clock_says_time_plainly():
    due = deadlines.due_at(T0)
    assert deadlines.Clock(due, due - timedelta(hours=31)).phrase == "31 hours left"
    assert deadlines.Clock(due, due - timedelta(minutes=1)).phrase == "1 minute left"
    assert deadlines.Clock(due, due + timedelta(hours=5, minutes=20)).phrase == \
        "overdue by 5 hours"
    assert deadlines.Clock(due, due + timedelta(hours=100)).phrase == "overdue by 4 days 4 hours"
    assert deadlines.Clock(due, due).overdue
    assert deadlines.Clock(due, due - timedelta(hours=11)).urgency == "soon"
    assert deadlines.Clock(due, due - timedelta(hours=13)).urgency == "ok"


def test_repeat_episodes_threshold():
    starts = [T0 - timedelta(days=d) for d in (1, 10, 29)]
    assert deadlines.repeat_episodes(starts, T0, count=3, days=30) == 3
    assert deadlines.repeat_episodes(starts, T0, count=4, days=30) is None
    assert deadlines.repeat_episodes(starts, T0, count=3, days=20) is None


def test_long_episode():
    assert deadlines.is_long_episode(T0, T0 + timedelta(hours=49), hours=48)
    assert not deadlines.is_long_episode(T0, T0 + timedelta(hours=48), hours=48)
    assert not deadlines.is_long_episode(T0, None)


def test_ethnicity_has_19_census_groups_and_derives_dfe_codes():
    census = [e for e in ethnicity.CATEGORIES if e.key not in {"prefer_not_to_say", "not_known"}]
    assert len(census) == 19
    assert ethnicity.dfe_code("white_british") == "WBRI"
    assert ethnicity.dfe_code("black_african") == "BAFR"
    assert ethnicity.dfe_code("asian_pakistani") == "APKN"
    assert ethnicity.dfe_code("other_arab") == "OOTH"
    assert ethnicity.dfe_code("prefer_not_to_say") == "REFU"
    assert ethnicity.dfe_code("unknown-key") == "NOBT"




