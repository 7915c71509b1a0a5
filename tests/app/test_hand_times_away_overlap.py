"""One time away is never counted twice by the hand forms either (a probe of how missing and
found notifications come in, findings 2 and 3; the rule is rhi/episodes/overlaps.py):

1. "Record the return" by hand took a return time making the episode wholly hold another of
   the child's times away, which the import refuses;
2. a missing notification typed with a start before a later time away that has its return was
   recorded as open: the child showed as still missing for hundreds of hours while known to be
   back since.

Each is refused next to the time's box, naming the other time away, with what was typed kept.
The app tests' clock stands at 2026-11-23 12:00 UTC (tests/app/conftest.py), London on UTC."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from rhi.extensions import db
from rhi.models import Episode, Team
from tests.app.test_notifications import (
    COORDINATOR,
    MISSING,
    add_coordinator,
    newest_episode,
    record_back,
    record_missing,
    signed_in,
)

# Ada's earlier time away, with its return (set on the world's episode "a").
AWAY = (datetime(2026, 11, 20, 10, 0), datetime(2026, 11, 20, 18, 0))


@pytest.fixture
def world(app):
    """The shared world, with a missing coordinator in team A."""
    from tests.world import build_world

    with app.app_context():
        built = build_world()
        add_coordinator(built)
        return built


def error_of(html: str, field: str) -> str:
    """The words by a field's box, on one line."""
    return " ".join(html[html.index(f'id="{field}-error"') :][:600].split())


def away_on_the_20th(app, world) -> None:
    with app.app_context():
        earlier = db.session.get(Episode, world.episodes["a"])
        earlier.started_at, earlier.returned_at = AWAY
        db.session.commit()


def open_since(app, world, started: datetime) -> int:
    """Ada held as missing since `started` and not yet back (as an import makes it, with a
    note: the hand form no longer records it so)."""
    with app.app_context():
        team_a = db.session.scalar(select(Team.id).where(Team.name == "RHI A"))
        episode = Episode(
            child_id=world.children["a"],
            police_reference="WY-1911",
            risk_grade="Medium",
            dfe_type="M",
            started_at=started,
            assigned_team_id=team_a,
        )
        db.session.add(episode)
        db.session.commit()
        return episode.id


def returned_at(app, episode_id: int) -> datetime | None:
    with app.app_context():
        return db.session.get(Episode, episode_id).returned_at


def test_a_return_holding_another_time_away_is_refused_next_to_its_box(app, world):
    """Finding 2: back on 21 Nov for a time away from 19 Nov would hold her time away of the
    20th, already back: refused, naming it, with what was typed kept. A return before the
    20th goes in; moved past the 20th's start afterwards, it is refused the same way."""
    away_on_the_20th(app, world)
    episode = open_since(app, world, datetime(2026, 11, 19, 8, 0))
    web = signed_in(app, world, COORDINATOR)
    holding = record_back(web, episode, returned_at="2026-11-21T09:00")
    assert holding.status_code == 422
    html = holding.get_data(as_text=True)
    said = error_of(html, "returned_at")
    assert (
        "Ada Alpha is also recorded as missing from 20 Nov 2026 10:00 until they came back "
        "20 Nov 2026 18:00, which falls inside this time away" in said
    ), said
    assert "they came back from this one before 20 Nov 2026 10:00" in said
    assert "Said an older man drove her to Leeds." in html  # what was typed is kept
    assert 'value="2026-11-21T09:00"' in html
    assert returned_at(app, episode) is None
    # Back before the 20th's time away began: recorded.
    before = record_back(web, episode, returned_at="2026-11-20T09:00")
    assert before.status_code == 302
    assert returned_at(app, episode) == datetime(2026, 11, 20, 9, 0)
    # Corrected to after it began: refused, and the return stays as it was.
    moved = record_back(web, episode, returned_at="2026-11-20T12:00")
    assert moved.status_code == 422
    assert "which falls inside this time away" in error_of(
        moved.get_data(as_text=True), "returned_at"
    )
    assert returned_at(app, episode) == datetime(2026, 11, 20, 9, 0)


def test_an_open_time_away_begun_before_one_she_is_back_from_is_refused(app, world):
    """Finding 3: missing since 19 Nov and not yet back, although she went missing again on
    the 20th and came back the same day: refused next to the missing time, naming the later
    time away, with what was typed kept. One begun after her return is recorded."""
    away_on_the_20th(app, world)
    web = signed_in(app, world, COORDINATOR)
    before = newest_episode(app).id
    early = record_missing(web, world.children["a"], started_at="2026-11-19T08:00")
    assert early.status_code == 422
    html = early.get_data(as_text=True)
    said = error_of(html, "started_at")
    assert (
        "Ada Alpha was recorded back since (missing 20 Nov 2026 10:00, back 20 Nov 2026 18:00), "
        "so they came back from this time away before 20 Nov 2026 10:00." in said
    ), said
    assert 'value="2026-11-19T08:00"' in html and 'value="WY-2211"' in html  # as typed
    assert "Oak House children&#39;s home" in html
    assert newest_episode(app).id == before
    # Begun after her return on the 20th: recorded, and a correction back to the 19th is
    # refused the same way, leaving it as it was.
    assert record_missing(web, world.children["a"]).status_code == 302
    later = newest_episode(app)
    page = f"/episodes/{later.id}/notification"
    moved = web.post(page, {**MISSING, "started_at": "2026-11-19T08:00"}, page=page)
    assert moved.status_code == 422
    said = error_of(moved.get_data(as_text=True), "started_at")
    assert "Ada Alpha was recorded back since" in said
    # This form has no box for its return (it has none yet): the message says where it is.
    assert "record when they came back from this time away" in said
    assert "Already back?" not in said
    assert newest_episode(app).started_at == datetime(2026, 11, 22, 21, 30)


def test_a_missing_time_corrected_to_hold_another_time_away_is_refused(app, world):
    """Finding 2, on the notification form: a time away with its return, its missing time
    moved earlier so that it would hold her time away of the 20th."""
    away_on_the_20th(app, world)
    web = signed_in(app, world, COORDINATOR)
    assert record_missing(web, world.children["a"]).status_code == 302
    episode = newest_episode(app)
    assert record_back(web, episode.id).status_code == 302
    page = f"/episodes/{episode.id}/notification"
    moved = web.post(page, {**MISSING, "started_at": "2026-11-20T09:00"}, page=page)
    assert moved.status_code == 422
    said = error_of(moved.get_data(as_text=True), "started_at")
    assert (
        "Ada Alpha is also recorded as missing from 20 Nov 2026 10:00 until they came back" in said
    )
    assert newest_episode(app).started_at == datetime(2026, 11, 22, 21, 30)
    # Correcting the rest of the notification, its missing time as it is, still goes in.
    graded = web.post(page, {**MISSING, "risk_grade": "High"}, page=page)
    assert graded.status_code == 302


def test_a_time_away_told_of_after_it_ended_is_recorded_with_its_return(app, world):
    """Refusing an open time away begun before one she is back from left no way to record a
    time away the coordinator is told of late: the form now takes when she came back, and
    how, and records both (its clock running from the return). Half of it is refused by the
    box that lacks it, with what was typed kept; a return that would hold her time away of
    the 20th is refused as the return form refuses it."""
    away_on_the_20th(app, world)
    web = signed_in(app, world, COORDINATOR)
    assert "Already back? (told of it after it ended)" in web.get(
        f"/children/{world.children['a']}/episodes/new"
    ).get_data(as_text=True)
    before = newest_episode(app).id
    early = {"started_at": "2026-11-19T08:00"}
    no_how = record_missing(web, world.children["a"], **early, came_back_at="2026-11-19T20:00")
    assert no_how.status_code == 422
    assert "Choose how they came back." in error_of(no_how.get_data(as_text=True), "came_back_how")
    assert 'value="2026-11-19T20:00"' in no_how.get_data(as_text=True)
    no_when = record_missing(web, world.children["a"], **early, came_back_how="family")
    assert no_when.status_code == 422
    assert "Enter when they came back" in error_of(no_when.get_data(as_text=True), "came_back_at")
    holding = record_missing(
        web, world.children["a"], **early, came_back_at="2026-11-21T09:00", came_back_how="family"
    )
    assert holding.status_code == 422
    assert "which falls inside this time away" in error_of(
        holding.get_data(as_text=True), "started_at"
    )
    assert newest_episode(app).id == before
    recorded = record_missing(
        web, world.children["a"], **early, came_back_at="2026-11-19T20:00", came_back_how="family"
    )
    assert recorded.status_code == 302
    episode = newest_episode(app)
    assert (episode.started_at, episode.returned_at) == (
        datetime(2026, 11, 19, 8, 0),
        datetime(2026, 11, 19, 20, 0),
    )
    assert episode.return_method == "family"
    page = web.get(f"/episodes/{episode.id}", follow_redirects=True).get_data(as_text=True)
    assert "time away, and their return." in page


def test_a_time_away_is_corrected_across_another_with_both_times_at_once(app, world):
    """A review: a time away typed as 22 Nov that was 19 Nov could not be moved past her time
    away of the 20th: the start alone was refused (falls inside it), and the return alone was
    refused (before she went missing). The correction form takes both times, checked as one."""
    away_on_the_20th(app, world)
    web = signed_in(app, world, COORDINATOR)
    assert record_missing(web, world.children["a"]).status_code == 302  # 22 Nov 21:30
    episode = newest_episode(app)
    assert record_back(web, episode.id).status_code == 302  # back 23 Nov 08:00
    page = f"/episodes/{episode.id}/notification"
    form = web.get(page).get_data(as_text=True)
    assert "When they came back" in form and 'value="2026-11-23 08:00"' in form
    # The start alone: with its return of 23 Nov, it would hold her time away of the 20th.
    alone = web.post(page, {**MISSING, "started_at": "2026-11-19T08:00"}, page=page)
    assert alone.status_code == 422
    assert "which falls inside this time away" in error_of(
        alone.get_data(as_text=True), "started_at"
    )
    # Both times at once, before the 20th: saved, the return with them.
    both = {**MISSING, "started_at": "2026-11-19T08:00", "came_back_at": "2026-11-19T20:00"}
    assert web.post(page, both, page=page).status_code == 302
    corrected = newest_episode(app)
    assert (corrected.started_at, corrected.returned_at) == (
        datetime(2026, 11, 19, 8, 0),
        datetime(2026, 11, 19, 20, 0),
    )
    assert corrected.return_method == "police"  # how she came back, kept as recorded
    # Both moved so as to hold the 20th: refused, nothing changed.
    holding = {**MISSING, "started_at": "2026-11-19T08:00", "came_back_at": "2026-11-21T08:00"}
    refused = web.post(page, holding, page=page)
    assert refused.status_code == 422
    assert "which falls inside this time away" in error_of(
        refused.get_data(as_text=True), "started_at"
    )
    assert newest_episode(app).returned_at == datetime(2026, 11, 19, 20, 0)
