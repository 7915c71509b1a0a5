"""An episode's interview is the latest begun; two begun in the same instant give the one made
last, whatever order the database hands the rows back in (PostgreSQL gives no order unasked)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from rhi.models import Episode, Interview

NOON = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def _episode(*interviews: Interview) -> Episode:
    episode = Episode()
    episode.interviews.extend(interviews)
    return episode


def test_the_latest_begun_is_the_episodes_interview():
    earlier, later = (
        Interview(id=7, created_at=NOON),
        Interview(id=3, created_at=NOON + timedelta(1)),
    )
    assert _episode(earlier, later).interview is later
    assert _episode(later, earlier).interview is later


def test_two_begun_in_the_same_instant_give_the_one_made_last_in_either_order():
    first, second = Interview(id=1, created_at=NOON), Interview(id=2, created_at=NOON)
    assert _episode(first, second).interview is second
    assert _episode(second, first).interview is second


def test_an_episode_with_no_interview_has_none():
    assert Episode().interview is None
