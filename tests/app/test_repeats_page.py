"""Repeat and long episodes (issue 15 item 2): children at or over the local threshold (3 episodes
in 30 days by default) with each one's episodes, episodes longer than the long-episode setting
(48 hours) in a chosen period, children missing now, and strategy meetings asked for from the
page and from the episode page, followed to held (date, what was decided) or not needed (why).

The clock is 2026-11-23 12:00 UTC (tests/app/conftest.py); London is on UTC in November (and
an hour ahead until 25 October). On top
of tests/world.py, every figure below is known by hand:
- Ada (team A's return): 3 episodes begun in the last 30 days (29 days 23 hours ago, 10 days
  ago, and the world's 30 hours ago): listed, 3 in 30 days.
- Cal (team A's returns): 3 episodes, the first 30 days and 1 hour ago: 2 in the window, not
  listed. Two came back this month after exactly 48 hours (not long) and 48 hours 1 minute (long).
- Dee (team A's return): missing since 50 hours ago.
- Ben (team B): one episode; nothing of his reaches the threshold.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from rhi.extensions import db
from rhi.models import AuditEvent, Child, Episode, FollowedAction, Team, User
from rhi.models.base import utcnow
from rhi.models.episodes import Notice
from rhi.oversight import repeats
from tests.app.helpers import statements
from tests.conftest import Web
from tests.world import add_user

PAGE = "/service/repeats"
TAGS = re.compile(r"<[^>]+>")
HIGHLIGHT = "No strategy meeting asked for"


def _text(html: str) -> str:
    return " ".join(TAGS.sub(" ", html).split())


def _child(first: str, last: str, social_worker_id: int | None = None) -> Child:
    return Child(
        first_name=first,
        last_name=last,
        date_of_birth=date(2011, 1, 1),
        ethnicity="white_british",
        legal_status="looked_after",
        social_worker_id=social_worker_id,
    )


def _episode(child: Child, team: Team, started_ago: timedelta, lasted: timedelta | None):
    now = utcnow()
    started = now - started_ago
    return Episode(
        child=child,
        risk_grade="Medium",
        dfe_type="M",
        started_at=started,
        returned_at=started + lasted if lasted is not None else None,
        assigned_team=team,
    )


def _dataset(app, world) -> dict[str, int]:
    with app.app_context():
        team_a = db.session.scalar(select(Team).where(Team.name == "RHI A"))
        ada = db.session.get(Child, world.children["a"])
        cal = _child("Cal", "Gamma", world.users["social_worker"])
        dee = _child("Dee", "Delta")
        episodes = {
            "ada_first": _episode(ada, team_a, timedelta(days=29, hours=23), timedelta(hours=5)),
            "ada_second": _episode(ada, team_a, timedelta(days=10), timedelta(hours=19)),
            "cal_old": _episode(cal, team_a, timedelta(days=30, hours=1), timedelta(hours=3)),
            # Came back on 10 November after exactly 48 hours: not longer than the setting.
            "cal_48": _episode(cal, team_a, timedelta(days=15), timedelta(hours=48)),
            # Came back on 20 November after 48 hours and 1 minute: long.
            "cal_long": _episode(cal, team_a, timedelta(days=5), timedelta(hours=48, minutes=1)),
            "dee_missing": _episode(dee, team_a, timedelta(hours=50), None),
        }
        db.session.add_all([cal, dee, *episodes.values()])
        coordinator = add_user("coordinator_a", "coordinator", team_a)
        db.session.commit()
        ids = {key: e.id for key, e in episodes.items()}
        ids |= {"cal": cal.id, "dee": dee.id, "coordinator": coordinator.id}
        return ids


def _as(app, email: str) -> Web:
    web = Web(app.test_client())
    web.sign_in(email)
    return web


def _repeat_section(html: str) -> str:
    """The text of the "reported missing N or more times" section only."""
    text = _text(html)
    return text[text.index("Reported missing ") : text.index("Episodes longer than ")]


def _meetings(app) -> list[FollowedAction]:
    with app.app_context():
        rows = list(db.session.scalars(select(FollowedAction).order_by(FollowedAction.id)))
        for row in rows:
            db.session.expunge(row)
        return rows


def test_the_threshold_the_timeline_long_episodes_and_missing_now(app, world):
    ids = _dataset(app, world)
    manager = _as(app, world.emails["manager_a"])
    response = manager.get(PAGE)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    section = _repeat_section(html)
    # Ada: exactly 3 in 30 days, each episode in words, oldest first, with how long it lasted.
    assert "1 child." in section
    assert "Ada Alpha 3 in 30 days" in section
    assert (
        "Missing 24 Oct 2026 14:00 , back 24 Oct 2026 19:00: 5 hours "
        "Missing 13 Nov 2026 12:00 , back 14 Nov 2026 07:00: 19 hours "
        "Missing 22 Nov 2026 06:00 , back 23 Nov 2026 02:00: 20 hours"
    ) in section
    assert f'href="/children/{world.children["a"]}"' in html
    # Cal: three episodes, but the first began 30 days and 1 hour ago.
    assert "Cal Gamma" not in section
    assert HIGHLIGHT in section
    assert "Ask for a strategy meeting for Ada Alpha" in section

    # Long episodes this month: 48 hours and 1 minute is longer than 48; exactly 48 is not.
    text = _text(html)
    long = text[text.index("Episodes longer than 48") : text.index("Missing now")]
    assert "1 episode, longest first." in long
    # Said to the minute, so that it is seen to be longer than 48 hours (it said "48 hours").
    assert (
        "Cal Gamma 18 Nov 2026 12:00 : the episode 20 Nov 2026 12:01 48 hours 1 minute Medium"
        in long
    )
    assert "10 Nov 2026" not in long
    # Last month: Cal's 3-hour episode of October and Ada's 5-hour one are not long either.
    october = _text(manager.get(f"{PAGE}?period=last_month").get_data(as_text=True))
    assert "No episode longer than 48 hours ended in this period." in october
    custom = manager.get(f"{PAGE}?period=custom&start=2026-11-01&end=2026-11-10")
    assert "No episode longer than 48 hours ended in this period." in _text(
        custom.get_data(as_text=True)
    )
    # Dates that end before they start are refused in words; this month is shown instead.
    backwards = _text(
        manager.get(f"{PAGE}?period=custom&start=2026-11-10&end=2026-11-01").get_data(as_text=True)
    )
    assert "The period ends before it starts" in backwards
    assert "Showing this month instead." in backwards and "1 episode, longest first." in backwards

    # Missing now: Dee, 50 hours, marked long.
    missing = text[text.index("Missing now") :]
    assert "Dee Delta 21 Nov 2026 10:00 : the episode 50 hours Missing more than 48 hours" in (
        missing
    )
    assert f'href="/episodes/{ids["dee_missing"]}"' in html
    with app.app_context():
        event = db.session.scalar(  # the first view: this month
            select(AuditEvent).where(AuditEvent.action == "repeats.view").order_by(AuditEvent.id)
        )
        assert event.user_id == world.users["manager_a"]
        assert event.detail == "this_month: 1 over the threshold, 1 long"


def test_the_settings_an_administrator_changes_are_the_ones_counted(app, world):
    _dataset(app, world)
    app.config["RHI_REPEAT_EPISODES"] = 2  # the environment's value; an override works alike
    app.config["RHI_LONG_EPISODE_HOURS"] = 47
    manager = _as(app, world.emails["manager_a"])
    html = manager.get(PAGE).get_data(as_text=True)
    section = _repeat_section(html)
    assert "2 children." in section and "Cal Gamma 2 in 30 days" in section
    assert "2 episodes, longest first." in _text(html)


def test_a_meeting_asked_for_from_the_page_is_followed_to_held(app, world):
    _dataset(app, world)
    manager = _as(app, world.emails["manager_a"])
    url = f"/children/{world.children['a']}/strategy-meeting"
    # Without the form's token the request is refused and nothing is made.
    bare = manager.client.post(url, data={"came_from": "repeats"})
    assert bare.status_code == 400 and _meetings(app) == []

    done = manager.post(url, {"came_from": "repeats"}, page=PAGE, follow=True)
    shown = _text(done.get_data(as_text=True))
    # Named as the hint names them, by the rule that tells them (rhi/actions/tracking.py).
    assert (
        "A strategy meeting is asked for Ada Alpha. Social Worker and their manager, "
        "Manager Care, will be told." in shown
    )
    assert HIGHLIGHT not in _repeat_section(done.get_data(as_text=True))
    assert "Strategy meeting asked for 23 Nov 2026, not yet held" in shown
    (meeting,) = _meetings(app)
    assert meeting.interview_id is None and meeting.child_id == world.children["a"]
    assert meeting.owner_id == world.users["social_worker"]
    assert meeting.requested_by_id == world.users["manager_a"]
    with app.app_context():
        told = set(db.session.scalars(select(Notice.user_id).where(Notice.action_id == meeting.id)))
        created = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "action.create"))
    assert told == {world.users["social_worker"], world.users["manager_care"]}
    assert created.detail == "strategy_meeting asked for from the repeat episodes page"
    assert created.child_id == world.children["a"] and created.user_id == world.users["manager_a"]

    # Asking again while it is open makes no second request.
    again = manager.post(url, {"came_from": "repeats"}, page=PAGE, follow=True)
    assert "it was not asked for again" in _text(again.get_data(as_text=True))
    assert len(_meetings(app)) == 1

    # The social worker is told on their home page and records it held: date and what was
    # decided.
    social_worker = _as(app, world.emails["social_worker"])
    home = _text(social_worker.get("/", follow_redirects=True).get_data(as_text=True))
    assert "A strategy meeting for Ada Alpha was asked for by Manager A" in home
    page = f"/actions/{meeting.id}"
    form = _text(social_worker.get(page).get_data(as_text=True))
    assert "Asked for 23 Nov 2026" in form and "by Manager A" in form
    assert "What was decided, or why no meeting is needed" in form
    held = social_worker.post(
        page,
        {
            "status": "held",
            "on": "2026-11-23",
            "note": "Police and school to share sightings; safety plan reviewed.",
            "version": meeting.version,
        },
        page=page,
        follow=True,
    )
    text = _text(held.get_data(as_text=True))
    assert "Saved." in text and "Held, 23 Nov 2026" in text
    assert "What was decided Police and school to share sightings" in text
    after = _text(manager.get(PAGE).get_data(as_text=True))
    assert "Strategy meeting asked for 23 Nov 2026: held on 23 Nov 2026" in after
    assert "What was decided: Police and school to share sightings" in after
    assert HIGHLIGHT not in after
    with app.app_context():
        status = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "action.status"))
    assert status.detail == "open -> held" and status.user_id == world.users["social_worker"]


def test_a_meeting_asked_for_from_the_episode_page_and_found_not_needed(app, world):
    ids = _dataset(app, world)
    worker = _as(app, world.emails["worker_a"])
    episode_page = f"/episodes/{ids['cal_long']}"
    before = _text(worker.get(episode_page).get_data(as_text=True))
    assert "Strategy meeting None asked for." in before
    done = worker.post(
        f"/children/{ids['cal']}/strategy-meeting",
        {"came_from": "episode", "episode_id": ids["cal_long"], "note": "Seen with adults."},
        page=episode_page,
    )
    assert done.status_code == 302 and done.headers["Location"].endswith(episode_page)
    after = _text(worker.get(episode_page).get_data(as_text=True))
    assert "A strategy meeting is asked for Cal Gamma." in after
    assert "Strategy meeting Asked for 23 Nov 2026" in after and "not yet held" in after
    assert "Ask for a strategy meeting" not in after  # one open request at a time
    (meeting,) = _meetings(app)
    assert meeting.episode_id == ids["cal_long"] and meeting.note == "Seen with adults."

    social_worker = _as(app, world.emails["social_worker"])
    page = f"/actions/{meeting.id}"
    assert "Not needed" in social_worker.get(page).get_data(as_text=True)
    refused = social_worker.post(
        page, {"status": "not_needed", "on": "", "note": "", "version": 1}, page=page
    )
    assert refused.status_code == 422
    assert "Say why it was not needed." in refused.get_data(as_text=True)
    saved = social_worker.post(
        page,
        {
            "status": "not_needed",
            "on": "",
            "note": "Discussed at the exploitation panel on Friday.",
            "version": 1,
        },
        page=page,
        follow=True,
    )
    text = _text(saved.get_data(as_text=True))
    # No date given: the day it was recorded.
    assert "Not needed, 23 Nov 2026" in text
    assert "Why not needed Discussed at the exploitation panel on Friday." in text
    episode = _text(worker.get(episode_page).get_data(as_text=True))
    assert "Strategy meeting Not needed, 23 Nov 2026" in episode
    assert "Ask for a strategy meeting" in episode  # closed: another may be asked for

    # Another team's worker cannot ask for one for a child they cannot see.
    other = _as(app, world.emails["worker_b"])
    refused_other = other.post(
        f"/children/{ids['cal']}/strategy-meeting",
        {"came_from": "episode", "episode_id": ids["cal_long"]},
        page="/returns",
    )
    assert refused_other.status_code == 404
    assert len(_meetings(app)) == 1


def test_an_earlier_meeting_outside_the_window_does_not_count(app, world):
    _dataset(app, world)
    with app.app_context():
        db.session.add(
            FollowedAction(
                child_id=world.children["a"],
                item_id="asked-long-ago",
                kind="strategy_meeting",
                status="held",
                outcome_on=date(2026, 10, 1),
                created_at=utcnow() - timedelta(days=40),
            )
        )
        db.session.commit()
    manager = _as(app, world.emails["manager_a"])
    assert HIGHLIGHT in _repeat_section(manager.get(PAGE).get_data(as_text=True))


@pytest.mark.parametrize("role", ["worker_a", "social_worker", "admin"])
def test_the_page_is_refused_to_those_who_do_not_oversee(app, world, role):
    _dataset(app, world)
    web = _as(app, world.emails[role])
    assert web.get(PAGE).status_code == 403
    # Nor may they ask from the page (a worker asks from the episode page).
    asked = web.post(
        f"/children/{world.children['a']}/strategy-meeting", {"came_from": "repeats"}, page="/"
    )
    assert asked.status_code in (403, 404)
    assert _meetings(app) == []
    with app.app_context():
        refused = db.session.scalars(
            select(AuditEvent.user_id).where(
                AuditEvent.action == "repeats.view", AuditEvent.outcome == "refused"
            )
        ).all()
    assert world.users[role] in refused


def test_each_manager_sees_their_teams_children_only(app, world):
    ids = _dataset(app, world)
    with app.app_context():
        team_b = db.session.scalar(select(Team).where(Team.name == "RHI B"))
        ben = db.session.get(Child, world.children["b"])
        for days in (3, 6):
            db.session.add(_episode(ben, team_b, timedelta(days=days), timedelta(hours=60)))
        db.session.commit()
    other = _as(app, world.emails["manager_b"])
    html = other.get(PAGE).get_data(as_text=True)
    text = _text(html)
    # Ben's three episodes team B holds, and the world's one a worker in no team holds: all
    # counted, as the Returns card's marker counts; the one they cannot open is not listed.
    section = _repeat_section(html)
    assert "Ben Beta 4 in 30 days" in section and "And 1 held by another team." in section
    for name in ("Ada Alpha", "Cal Gamma", "Dee Delta"):
        assert name not in text
    assert "2 episodes, longest first." in text
    assert "No child you can see is missing now." in text
    # Nor may they ask for a meeting for team A's child.
    refused = other.post(
        f"/children/{world.children['a']}/strategy-meeting", {"came_from": "repeats"}, page=PAGE
    )
    assert refused.status_code == 404
    assert _meetings(app) == []
    # Team A's manager does not see Ben.
    manager = _as(app, world.emails["manager_a"])
    assert "Ben Beta" not in manager.get(PAGE).get_data(as_text=True)
    # The coordinator sees team A's page and asks; they do not open the meeting's page, which
    # holds interview work.
    coordinator = _as(app, "coordinator_a@test.example.org")
    page = coordinator.get(PAGE).get_data(as_text=True)
    assert "Ada Alpha 3 in 30 days" in _repeat_section(page) and HIGHLIGHT in page
    asked = coordinator.post(
        f"/children/{world.children['a']}/strategy-meeting",
        {"came_from": "repeats"},
        page=PAGE,
        follow=True,
    )
    shown = asked.get_data(as_text=True)
    assert "Strategy meeting asked for 23 Nov 2026, not yet held" in _text(shown)
    assert "/actions/" not in shown
    assert _meetings(app)[0].requested_by_id == ids["coordinator"]


def test_the_page_takes_a_fixed_number_of_statements_however_many_children(app, world):
    """Counted in SQL: more children over the threshold, with more episodes, cost no more
    statements (a page at a time)."""
    _dataset(app, world)
    manager = _as(app, world.emails["manager_a"])

    def sent() -> int:
        with statements(app) as seen:
            assert manager.get(PAGE).status_code == 200
        return len(seen)

    sent()  # the first page after signing in also brings the session up to date
    first = sent()
    with app.app_context():
        team_a = db.session.scalar(select(Team).where(Team.name == "RHI A"))
        for n in range(5):
            child = _child(f"Extra{n}", "Child")
            db.session.add(child)
            for day in range(4):
                db.session.add(_episode(child, team_a, timedelta(days=day + 1), timedelta(hours=2)))
        db.session.commit()
    assert sent() == first
    html = manager.get(PAGE).get_data(as_text=True)
    assert "6 children." in _repeat_section(html)
    # A page at a time: the most episodes first (the five with 4), Ada (3) last.
    with app.app_context():
        user = db.session.get(User, world.users["manager_a"])
        first_page = repeats.repeat_children(user, utcnow(), episodes=3, days=30, per_page=4)
        second = repeats.repeat_children(user, utcnow(), episodes=3, days=30, page=2, per_page=4)
        assert (first_page.total, len(first_page.rows), first_page.more) == (6, 4, True)
        assert [r.count for r in first_page.rows] == [4, 4, 4, 4]
        assert (len(second.rows), second.more) == (2, False)
        assert [r.child.first_name for r in second.rows][-1] == "Ada"
        assert len(second.rows[-1].episodes) == 3


def test_a_meeting_note_is_never_dropped(app, world):
    """Too long: the episode page comes back with the note in its box and why. Asked for by
    someone else while the page was open: the note is given back, quoted, to copy."""
    ids = _dataset(app, world)
    worker = _as(app, world.emails["worker_a"])
    episode_page = f"/episodes/{ids['cal_long']}"
    url = f"/children/{ids['cal']}/strategy-meeting"
    long_note = "Seen getting into a silver car near school. " * 50
    too_long = worker.post(
        url,
        {"came_from": "episode", "episode_id": ids["cal_long"], "note": long_note},
        page=episode_page,
    )
    page = too_long.get_data(as_text=True)
    assert too_long.status_code == 422
    assert "This is too long: the most is 2,000 characters." in page
    assert long_note.strip() in page and 'href="#meeting-note"' in page
    assert _meetings(app) == []
    # A colleague asks first; this page still offers the form.
    manager = _as(app, world.emails["manager_a"])
    manager.post(url, {"came_from": "repeats"}, page=PAGE)
    note = "Jay picks her up from school in a silver car & drops her in town."
    late = worker.post(
        url,
        {"came_from": "episode", "episode_id": ids["cal_long"], "note": note},
        page=episode_page,
    )
    page = late.get_data(as_text=True)
    assert late.status_code == 409
    assert "not asked for again and your note is not added to it" in page
    assert (
        "Jay picks her up from school in a silver car &amp; drops her in town.</blockquote>" in page
    )
    assert len(_meetings(app)) == 1


def test_a_child_whose_episodes_two_teams_hold_is_counted_whole(app, world):
    """Ben was reported missing 5 times in 30 days: the world's two (team B's, and a worker's
    in no team), twice held by team A and once by a team C. Each manager who sees him is shown
    him, with the whole count, as the Returns card's marker counts (a probe found him on
    neither manager's page)."""
    with app.app_context():
        team_a = db.session.scalar(select(Team).where(Team.name == "RHI A"))
        team_c = Team(name="RHI C")
        ben = db.session.get(Child, world.children["b"])
        db.session.add_all(
            [
                team_c,
                _episode(ben, team_a, timedelta(days=10, hours=8), timedelta(hours=8)),
                _episode(ben, team_a, timedelta(days=20, hours=8), timedelta(hours=8)),
                _episode(ben, team_c, timedelta(days=25), timedelta(hours=8)),
            ]
        )
        db.session.commit()
        since = utcnow() - timedelta(days=30)
        total = sum(1 for e in ben.episodes if e.started_at >= since)
    assert total == 5  # with the world's two: team B's, and a worker's in no team
    for key, listed in (("manager_a", 2), ("manager_b", 1)):
        section = _repeat_section(_as(app, world.emails[key]).get(PAGE).get_data(as_text=True))
        assert "Ben Beta" in section, key
        assert f"{total} in 30 days" in section, key
        assert f"And {total - listed} held by another team." in section, key
