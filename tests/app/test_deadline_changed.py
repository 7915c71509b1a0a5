"""The deadline setting changed mid-period (72 -> 48 hours): every figure, export and list judges
each return against the one deadline it was given, and no heading claims a deadline its returns
do not use.

An interview's deadline is fixed when it is first recorded (rhi/episodes/service.py), from the
setting then in force; the Returns list and the question on finishing late use it. A probe found
the service page and the exports judging every return by the setting now: after 72 -> 48, three
November interviews held 50 hours after the return (in time, under the 72 hours then in force,
and nobody asked why) counted as late with "No reason recorded", under "Held within 48 hours";
and the Returns page said "within 48 hours" above cards due 72 hours after the return.

The clock is 2026-11-23 12:00 UTC (tests/app/conftest.py); London is on UTC in November. Team A's
returns this month, each offered on the episode page as a worker does:
- under the 72 hours: Cara (back 2 Nov) and Dan (back 10 Nov), each held 50 hours after; Eve
  (back 21 Nov 06:00, 54 hours ago), not held yet: due 24 Nov 06:00, in 18 hours;
- then the setting is changed to 48 hours, and: Fin (back 15 Nov, offered after the change) held
  50 hours after, late, with a reason; Gil (back 23 Nov 02:00), due 25 Nov 02:00;
- and the world's Ada (back 23 Nov 02:00), with no interview recorded yet: the deadline now.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from rhi.extensions import db
from rhi.models import Child, Episode, Interview, Team
from tests.app.helpers import ADMIN_SETTINGS, figure_beside, page_text
from tests.conftest import Web

MIXED = "Held within its deadline (48 or 72 hours)"
LATE_REASON = "other"  # "Another reason", recorded for Fin's interview, finished after its 48


def _signed_in(app, email: str) -> Web:
    web = Web(app.test_client())
    web.sign_in(email)
    return web


def _return(name: str, back: datetime, child: Child | None = None) -> int:
    """A return of a new child of team A's (or of `child`), back at `back` (UTC), away the
    day before."""
    team = db.session.scalar(select(Team).where(Team.name == "RHI A"))
    child = child or Child(
        first_name=name,
        last_name="Example",
        date_of_birth=date(2011, 3, 3),
        ethnicity="white_british",
        legal_status="looked_after",
    )
    episode = Episode(
        child=child,
        risk_grade="Medium",
        dfe_type="M",
        started_at=back - timedelta(hours=20),
        returned_at=back,
        assigned_team=team,
    )
    db.session.add_all([child, episode])
    db.session.flush()
    return episode.id


def _offer(worker: Web, episode_id: int, at: str) -> None:
    """The worker records the offer on the episode page: rhi makes the interview, with the
    deadline in force now."""
    url = f"/episodes/{episode_id}"
    answer = worker.post(url + "/offer", {"offered_at": at, "method": "phone"}, page=url)
    assert answer.status_code == 302, answer.get_data(as_text=True)


def _held(episode_id: int, after: timedelta, reason: str | None = None) -> None:
    """The return's interview held `after` its return and finished then (with the reason for
    finishing late, where the worker was asked for one)."""
    episode = db.session.get(Episode, episode_id)
    interview = episode.interview
    interview.accepted_at = episode.returned_at + timedelta(hours=1)
    interview.held_at = interview.finished_at = episode.returned_at + after
    interview.status, interview.outcome, interview.outcome_at = (
        "finished",
        "held",
        interview.held_at,
    )
    interview.delay_reason = reason


def _history(app, world) -> dict[str, int]:
    worker = _signed_in(app, world.emails["worker_a"])
    with app.app_context():
        ids = {
            "cara": _return("Cara", datetime(2026, 11, 2, 10, 0)),
            "dan": _return("Dan", datetime(2026, 11, 10, 10, 0)),
            "eve": _return("Eve", datetime(2026, 11, 21, 6, 0)),
            "fin": _return("Fin", datetime(2026, 11, 15, 10, 0)),
            "gil": _return("Gil", datetime(2026, 11, 23, 2, 0)),
        }
        db.session.commit()
    _offer(worker, ids["cara"], "2026-11-02T12:00")
    _offer(worker, ids["dan"], "2026-11-10T12:00")
    _offer(worker, ids["eve"], "2026-11-21T08:00")
    admin = _signed_in(app, world.emails["admin"])
    changed = admin.post(
        "/admin/settings", {**ADMIN_SETTINGS, "deadline_hours": "48"}, page="/admin/settings"
    )
    assert changed.status_code == 302
    _offer(worker, ids["fin"], "2026-11-15T12:00")
    _offer(worker, ids["gil"], "2026-11-23T03:00")
    with app.app_context():
        given = {
            key: db.session.get(Episode, episode_id).interview.due_at
            for key, episode_id in ids.items()
        }
        # Each interview kept the deadline in force when it was made.
        assert given == {
            "cara": datetime(2026, 11, 5, 10, 0),
            "dan": datetime(2026, 11, 13, 10, 0),
            "eve": datetime(2026, 11, 24, 6, 0),
            "fin": datetime(2026, 11, 17, 10, 0),
            "gil": datetime(2026, 11, 25, 2, 0),
        }
        _held(ids["cara"], timedelta(hours=50))
        _held(ids["dan"], timedelta(hours=50))
        _held(ids["fin"], timedelta(hours=50), LATE_REASON)
        db.session.commit()
    return ids


def test_the_service_page_its_csv_and_the_exports_judge_each_return_by_its_own_deadline(
    app, world, fixed_clock
):
    _history(app, world)
    manager = _signed_in(app, world.emails["manager_a"])
    html = manager.get("/service?period=this_month").get_data(as_text=True)
    text = page_text(html)
    assert figure_beside(html, "Returns (episodes that ended in the period)") == "6"
    assert figure_beside(html, "Returns with an interview held") == "3"
    # Cara and Dan in time (50 hours, against their 72); Fin late (50, against his 48).
    assert figure_beside(html, MIXED) == "2"
    assert "Held within its deadline (48 or 72 hours), of those held: 67%" in text
    assert "Held within 48 hours" not in text and "Held within 72 hours" not in text
    # Only Fin's is late, with the reason the worker gave: nobody was asked about Cara's or
    # Dan's, and they are not counted as late without a reason.
    late = text[text.index("Why interviews were late") : text.index("Waiting now")]
    assert "Another reason 1" in late
    assert "No reason recorded" not in late
    # Waiting now: Eve (given 72: due in 18 hours), Gil (given 48), Ada (none yet: the 48 now).
    assert "Past its deadline (48 or 72 hours) 0 Due within 24 hours 1 Due later 2" in text
    # How each is measured, and the deadline a return with no interview yet is measured against.
    assert "The deadline setting has changed." in text
    assert "a return with no interview recorded yet, against the deadline now (48 hours)" in text

    # The service page's CSV says the same, in the same words.
    rows = list(
        csv.reader(
            io.StringIO(manager.get("/service.csv?period=this_month").get_data(as_text=True))
        )
    )
    assert [MIXED, "2", "2026-11-01", "2026-11-23"] in rows
    assert not any("48 hours" in row[0] and "72" not in row[0] for row in rows)

    # The records behind the figure are Cara's and Dan's returns.
    records = page_text(
        manager.get("/service/records?figure=held_in_time&period=this_month").get_data(as_text=True)
    )
    assert "Cara Example" in records and "Dan Example" in records
    assert "Fin Example" not in records

    # The inspectors' list: each row against its own deadline, the column named as the page.
    checked = manager.get("/service/exports?export=episodes&start=2026-11-01&end=2026-11-30")
    assert "The deadline setting has changed." in page_text(checked.get_data(as_text=True))
    listing = manager.get(
        "/service/exports/download?export=episodes&start=2026-11-01&end=2026-11-30&anyway=1"
    ).get_data(as_text=True)
    table = list(csv.reader(io.StringIO(listing.lstrip("\ufeff"))))
    assert table[0][-1] == MIXED
    judged = {row[1]: row[-1] for row in table[1:]}
    assert judged == {
        "Ada Alpha": "Not yet",
        "Cara Example": "Yes",
        "Dan Example": "Yes",
        "Eve Example": "Not yet",
        "Fin Example": "No",
        "Gil Example": "Not yet",
    }
    # The same returns as the service page counts in time.
    assert sum(1 for value in judged.values() if value == "Yes") == 2

    # The national survey and the disparities page name the deadlines the same way.
    survey = page_text(manager.get("/service/survey?period=this_month").get_data(as_text=True))
    assert (
        "Of those, the interview held within its deadline (48 or 72 hours after the return) "
        "2 (67% of those completed)" in survey
    )
    # The disparities page shows whole quarters that have ended: this one, once it has.
    fixed_clock.move_to(datetime(2027, 1, 4, 9, 0, tzinfo=UTC))
    manager = _signed_in(app, world.emails["manager_a"])  # a new day, a new sign-in
    disparities = page_text(
        manager.get("/service/disparities?quarter=2026-10-01").get_data(as_text=True)
    )
    assert MIXED in disparities and "Held within 48 hours" not in disparities


def test_a_period_before_the_change_keeps_the_72_hours_it_was_measured_against(app, world):
    """1 to 12 November: only Cara's and Dan's returns, both given 72 hours. The page names the
    72 hours and counts both in time, though the setting is now 48."""
    _history(app, world)
    manager = _signed_in(app, world.emails["manager_a"])
    period = "period=custom&start=2026-11-01&end=2026-11-12"
    html = manager.get(f"/service?{period}").get_data(as_text=True)
    text = page_text(html)
    assert figure_beside(html, "Held within 72 hours") == "2"
    assert "Held within 72 hours, of those held: 100%" in text
    assert "No interview in this period was held after the 72 hours." in text
    assert "Held within 48 hours" not in text
    rows = list(
        csv.reader(io.StringIO(manager.get(f"/service.csv?{period}").get_data(as_text=True)))
    )
    assert ["Held within 72 hours", "2", "2026-11-01", "2026-11-12"] in rows
    listing = manager.get(
        "/service/exports/download?export=episodes&start=2026-11-01&end=2026-11-12&anyway=1"
    ).get_data(as_text=True)
    table = list(csv.reader(io.StringIO(listing.lstrip("\ufeff"))))
    assert table[0][-1] == "Held within 72 hours"
    assert [row[-1] for row in table[1:]] == ["Yes", "Yes"]


def test_the_returns_page_names_the_deadlines_its_cards_use(app, world):
    """Eve's card is due 72 hours after her return (her interview was made before the change),
    Gil's and Ada's 48: the words above them say so, not "within 48 hours" for all."""
    ids = _history(app, world)
    worker = _signed_in(app, world.emails["worker_a"])
    html = worker.get("/returns").get_data(as_text=True)
    text = page_text(html)
    assert (
        "The interview should happen within its deadline (48 or 72 hours after their return), "
        "as each card says." in text
    )
    assert "within 48 hours of their return" not in text

    def card(episode_id: int) -> str:
        found = re.search(rf'id="card-{episode_id}".*?</li>', html, re.S)
        assert found, episode_id
        return page_text(found.group(0))

    assert "(due 24 Nov 2026 06:00)" in card(ids["eve"])  # 72 hours after 21 Nov 06:00
    assert "(due 25 Nov 2026 02:00)" in card(ids["gil"])  # 48 hours after 23 Nov 02:00
    assert "(due 25 Nov 2026 02:00)" in card(world.episodes["a"])  # no interview yet: 48 now
    # Once every listed return has the 48 hours, the page says so.
    with app.app_context():
        eve = db.session.get(Episode, ids["eve"])
        eve.interview.status, eve.interview.outcome = "finished", "not_reached"
        eve.interview.outcome_at = datetime(2026, 11, 23, 11, 0)
        db.session.commit()
    later = page_text(worker.get("/returns").get_data(as_text=True))
    assert "The interview should happen within 48 hours of their return." in later


def test_one_interview_for_two_returns_keeps_its_deadline_for_each_after_the_change(app, world):
    """An interview made (under the 72 hours) for two returns, 3 days apart, held 100 hours
    after the first: late for the first, in time for the second, as before the change."""
    with app.app_context():
        one = db.session.get(Episode, _return("Hal", datetime(2026, 11, 3, 10, 0)))
        two = db.session.get(Episode, _return("", datetime(2026, 11, 6, 10, 0), one.child))
        interview = Interview(
            status="finished",
            due_at=one.returned_at + timedelta(hours=72),  # as rhi/sync/apply.py gives it
            offered_at=one.returned_at + timedelta(hours=1),
            accepted_at=one.returned_at + timedelta(hours=2),
            held_at=one.returned_at + timedelta(hours=100),
            outcome="held",
            outcome_at=one.returned_at + timedelta(hours=100),
            delay_reason=LATE_REASON,
            content={},
        )
        interview.episodes.extend([one, two])
        db.session.add(interview)
        db.session.commit()
    admin = _signed_in(app, world.emails["admin"])
    changed = admin.post(
        "/admin/settings", {**ADMIN_SETTINGS, "deadline_hours": "48"}, page="/admin/settings"
    )
    assert changed.status_code == 302
    manager = _signed_in(app, world.emails["manager_a"])
    period = "period=custom&start=2026-11-01&end=2026-11-07"
    html = manager.get(f"/service?{period}").get_data(as_text=True)
    assert figure_beside(html, "Returns with an interview held") == "2"
    assert figure_beside(html, "Held within 72 hours") == "1"
    listing = manager.get(
        "/service/exports/download?export=episodes&start=2026-11-01&end=2026-11-07&anyway=1"
    ).get_data(as_text=True)
    table = list(csv.reader(io.StringIO(listing.lstrip("\ufeff"))))
    assert table[0][-1] == "Held within 72 hours"
    assert [row[-1] for row in table[1:]] == ["No", "Yes"]


def test_the_return_page_names_the_deadline_its_interview_was_given(app, world):
    """Eve's interview was made under the 72 hours: the page to change her return says so (it
    named the setting now, 48); Gil's says 48. A return recorded now is told the 48 hours."""
    ids = _history(app, world)
    manager = _signed_in(app, world.emails["manager_a"])  # records returns

    def hint(episode_id: int) -> str:
        return page_text(manager.get(f"/episodes/{episode_id}/return").get_data(as_text=True))

    assert "should happen within 72 hours of the return." in hint(ids["eve"])
    assert "within 48 hours" not in hint(ids["eve"])
    assert "should happen within 48 hours of the return." in hint(ids["gil"])
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == "RHI A"))
        child = Child(
            first_name="Ivy",
            last_name="Example",
            date_of_birth=date(2012, 4, 4),
            ethnicity="white_british",
            legal_status="looked_after",
        )
        away = Episode(
            child=child,
            risk_grade="Medium",
            dfe_type="M",
            started_at=datetime(2026, 11, 22, 9, 0),
            assigned_team=team,
        )
        db.session.add_all([child, away])
        db.session.commit()
        away_id = away.id
    url = f"/episodes/{away_id}/return"
    assert "should happen within 48 hours of the return." in hint(away_id)
    answer = manager.post(
        url, {"returned_at": "2026-11-23T10:00", "return_method": "self"}, page=url
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)
    episode_page = page_text(manager.get(f"/episodes/{away_id}").get_data(as_text=True))
    assert "The interview should happen within 48 hours of their return" in episode_page
