"""Pure rules: the 72-hour clock, repeat episodes, interview statuses, ethnicity codes, sign-in
lockout."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from rhi import deadlines, ethnicity
from rhi.episodes import service

T0 = datetime(2026, 11, 20, 9, 0)


def test_due_is_72_hours_after_return():
    assert deadlines.due_at(T0) == datetime(2026, 11, 23, 9, 0)
    assert deadlines.due_at(T0, hours=48) == datetime(2026, 11, 22, 9, 0)


def test_clock_says_time_plainly():
    due = deadlines.due_at(T0)
    assert deadlines.Clock(due, due - timedelta(hours=31)).phrase == "31 hours left"
    assert deadlines.Clock(due, due - timedelta(minutes=1)).phrase == "1 minute left"
    assert deadlines.Clock(due, due + timedelta(hours=5, minutes=20)).phrase == "overdue by 5 hours"
    assert deadlines.Clock(due, due + timedelta(hours=100)).phrase == "overdue by 4 days 4 hours"
    assert deadlines.Clock(due, due).overdue
    assert deadlines.Clock(due, due - timedelta(hours=11)).urgency == "soon"
    assert deadlines.Clock(due, due - timedelta(hours=13)).urgency == "ok"


def test_clock_tags_match_urgency():
    due = deadlines.due_at(T0)
    assert deadlines.Clock(due, due).shown == deadlines.Shown(
        "overdue by less than a minute", "overdue", "Overdue", "by less than a minute"
    )
    assert deadlines.Clock(due, due - timedelta(hours=11)).tag == "Due soon"
    assert deadlines.Clock(due, due - timedelta(hours=13)).tag == "On time"


def test_an_interview_held_and_being_written_up_is_not_overdue():
    due = deadlines.due_at(T0)
    later = due + timedelta(days=2)
    in_time = deadlines.Clock(due, later, held=due - timedelta(hours=3))
    assert not in_time.overdue and in_time.held_in_time
    assert in_time.shown == deadlines.Shown(
        "held in time, being written up", "held", "Held", "in time, being written up"
    )
    # Held at the deadline itself is late, as `overdue` counts it.
    assert deadlines.Clock(due, later, held=due).held_in_time is False
    # Said so: "held 0 minutes late" read as in time (an oversight probe).
    assert deadlines.Clock(due, later, held=due).phrase == (
        "held at the deadline (counted as late), being written up"
    )
    assert deadlines.Clock(due, later, held=due + timedelta(seconds=59)).phrase == (
        "held at the deadline (counted as late), being written up"
    )
    assert deadlines.Clock(due, later, held=due + timedelta(minutes=1)).phrase == (
        "held 1 minute late, being written up"
    )
    assert deadlines.Clock(due, due - timedelta(seconds=30)).phrase == "less than a minute left"
    late = deadlines.Clock(due, later, held=due + timedelta(hours=5, minutes=10))
    assert not late.overdue
    assert late.phrase == "held 5 hours late, being written up"
    assert late.after_tag == "5 hours late, being written up"
    # Not held: the clock as before.
    assert deadlines.Clock(due, later).overdue and deadlines.Clock(due, later).held_in_time is None
    # A tablet's schedule for it is one step, for good.
    assert deadlines.clock_schedule(due, later, held=due - timedelta(hours=3)) == [
        (later, in_time.shown)
    ]


def _step_at(schedule, moment):
    begun = [shown for start, shown in schedule if start <= moment]
    return begun[-1] if begun else schedule[0][1]


@pytest.mark.parametrize(
    "now", [T0 + timedelta(seconds=17, microseconds=123456), T0 + timedelta(seconds=17)]
)
@pytest.mark.parametrize(
    "left",
    [
        timedelta(minutes=41, seconds=30),
        timedelta(days=4, hours=4, minutes=30),
        -timedelta(hours=5, minutes=30),
        -timedelta(days=20),
    ],
)
def test_the_clock_schedule_says_what_the_clock_says_at_every_moment(now, left):
    due = now + left
    schedule = deadlines.clock_schedule(due, now)
    starts = [start for start, _ in schedule]
    assert starts == sorted(starts) and starts[0] == now
    assert all(a[1] != b[1] for a, b in zip(schedule, schedule[1:], strict=False))  # merged
    assert len(schedule) < 500
    horizon = starts[-1]
    assert horizon >= now + timedelta(days=14)
    # As a tablet reads the time, in whole milliseconds: every second of the first two hours,
    # each minute of the rest up to the horizon, and each step's start and either side of it.
    first = now.replace(microsecond=now.microsecond // 1000 * 1000) + timedelta(milliseconds=1)
    moments = [first + timedelta(seconds=s) for s in range(0, 7200)]
    moments += [first + timedelta(minutes=m, seconds=29) for m in range(120, 14 * 24 * 60)]
    for start in starts[1:-1]:
        assert start.microsecond % 1000 == 0
        moments += [start - timedelta(milliseconds=1), start, start + timedelta(milliseconds=1)]
    for moment in moments:
        if moment < horizon:
            assert _step_at(schedule, moment) == deadlines.Clock(due, moment).shown, moment
    beyond = schedule[-1][1]
    assert beyond.tone == "overdue" and beyond.label.startswith("overdue by more than ")
    assert beyond.label == f"overdue {beyond.after_tag}" and beyond.tag == "Overdue"
    later = deadlines.Clock(due, horizon + timedelta(days=3))
    assert later.overdue and later.tag == beyond.tag


def test_the_clock_schedule_from_the_issue():
    now = T0
    soon = deadlines.clock_schedule(now + timedelta(minutes=41, seconds=30), now)
    assert soon[0][1] == deadlines.Shown("41 minutes left", "soon", "Due soon", "41 minutes left")
    later = deadlines.clock_schedule(now + timedelta(days=4, hours=4, minutes=30), now)
    assert later[0][1] == deadlines.Shown(
        "4 days 4 hours left", "ok", "On time", "4 days 4 hours left"
    )
    late = deadlines.clock_schedule(now - timedelta(hours=5, minutes=1), now)
    assert late[0][1] == deadlines.Shown("overdue by 5 hours", "overdue", "Overdue", "by 5 hours")


def test_the_repeat_schedule_drops_the_marker_as_episodes_leave_the_window():
    starts = [T0 - timedelta(days=d) for d in (1, 10, 25, 29)]
    schedule = deadlines.repeat_schedule(starts, T0, count=3, days=30)
    assert [label for _, label in schedule] == [
        "4 episodes in the last 30 days",
        "3 episodes in the last 30 days",
        None,
    ]
    # An episode is in the window up to 30 days after it began, and out a moment later.
    leaves = [T0 + timedelta(days=1, milliseconds=1), T0 + timedelta(days=5, milliseconds=1)]
    assert [at for at, _ in schedule][1:] == leaves
    for at, label in schedule:
        assert label == deadlines.repeat_phrase(
            deadlines.repeat_episodes(starts, at, count=3, days=30), 30
        )
        before = at - timedelta(milliseconds=1)
        if at > T0:
            assert label != deadlines.repeat_phrase(
                deadlines.repeat_episodes(starts, before, count=3, days=30), 30
            )
    assert deadlines.repeat_schedule(starts[:2], T0) == [(T0, None)]


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


def test_an_offer_or_a_yes_never_undoes_an_interview_under_way():
    assert service.status_after("in_progress", "offer") == "in_progress"
    assert service.status_after("in_progress", "accept") == "in_progress"
    assert service.status_after("in_progress", "decline") == "declined"
    assert service.status_after(None, "offer") == "offered"
    assert service.status_after(None, "attempt:no_answer") == "unable_to_contact"
    assert service.status_after("offered", "attempt:no_answer", offer_recorded=True) == "offered"
    assert service.status_after("finished", "accept") == "finished"
