"""The service page as a manager checks it (probe "oversight", findings 1, 3, 4, 5 and 6).

1. "Waiting now" counts each return once, by the team that holds it, as every other figure
   on the page does: a return of team A's child held by team B was counted by both teams.
3. The returns where the child said no say so in one wording ("Child said no"), never
   "Declined" for some of them.
4. How long it took is said exactly, in hours and minutes near the deadline: 72.5 hours read
   "3.0 days" beside "Held within 72 hours", hiding an interview held late.
5. The service CSV holds what the page shows, not only the main figures.
6. The exports page says that a return held by another team is in both teams' files.

The tests' clock: Monday 23 November 2026 (tests/app/conftest.py).
"""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from pypdf import PdfReader
from sqlalchemy import select

from rhi.extensions import db
from rhi.models import Child, Episode, Interview, Team
from rhi.models.base import utcnow
from tests.app.helpers import lend_a_return, page_text, prepared_file, service_history
from tests.conftest import Web

THIS_MONTH = "period=this_month"


def _signed_in(app, email: str) -> Web:
    web = Web(app.test_client())
    web.sign_in(email)
    return web


def _team_id(name: str) -> int:
    return db.session.scalar(select(Team.id).where(Team.name == name))


def _pdf_text(web: Web) -> str:
    response = prepared_file(web, f"/service.pdf?{THIS_MONTH}", f"/service?{THIS_MONTH}")
    assert response.mimetype == "application/pdf"
    return " ".join(PdfReader(io.BytesIO(response.data)).pages[0].extract_text().split())


def _waiting(text: str) -> str:
    """The "Waiting now" rows, as the page or the PDF says them."""
    found = re.search(
        r"Waiting now .*?(Past the 72 hours \d+ Due within 24 hours \d+ Due later \d+)", text
    )
    assert found, text
    return found.group(1)


def _csv(web: Web, query: str = THIS_MONTH) -> list[list[str]]:
    response = web.get(f"/service.csv?{query}")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


# -- 1. "Waiting now": one team counts each return ----------------------------------------


def test_waiting_now_counts_a_return_by_the_team_that_holds_it_only(app, world):
    """Ada's record is kept by team A. A return of hers, back 60 hours ago and not yet
    interviewed, is allocated to team B: team A's manager sees it (she is their child), team B
    holds it. Only team B counts it, on the page and in the PDF, as the page says."""
    with app.app_context():
        ada = db.session.get(Child, world.children["a"])
        ada.team_id = _team_id("RHI A")
        lent = Episode(
            child_id=ada.id,
            risk_grade="Medium",
            dfe_type="M",
            started_at=utcnow() - timedelta(hours=70),
            returned_at=utcnow() - timedelta(hours=60),
            assigned_team_id=_team_id("RHI B"),
        )
        db.session.add(lent)
        db.session.commit()
        lent_id = lent.id
    manager_a = _signed_in(app, world.emails["manager_a"])
    manager_b = _signed_in(app, world.emails["manager_b"])
    # Both managers see it: seeing is not counting.
    assert manager_a.get(f"/episodes/{lent_id}").status_code == 200
    assert manager_b.get(f"/episodes/{lent_id}").status_code == 200
    page_a = page_text(manager_a.get("/service").get_data(as_text=True))
    page_b = page_text(manager_b.get("/service").get_data(as_text=True))
    assert "Each return is counted by one team only" in page_a
    # Team A: Ada's own return (back 10 hours ago) only. Team B: Ben's (80 hours ago, past the
    # deadline) and the one it holds of Ada's, due within 24 hours.
    assert _waiting(page_a) == "Past the 72 hours 0 Due within 24 hours 0 Due later 1"
    assert _waiting(page_b) == "Past the 72 hours 1 Due within 24 hours 1 Due later 0"
    # The period's figures above count it for team B only, as they did.
    assert "Returns (episodes that ended in the period) 1" in page_a
    assert "Returns (episodes that ended in the period) 2" in page_b
    # The one page for a meeting says the same.
    assert _waiting(_pdf_text(manager_a)) == "Past the 72 hours 0 Due within 24 hours 0 Due later 1"
    assert _waiting(_pdf_text(manager_b)) == "Past the 72 hours 1 Due within 24 hours 1 Due later 0"


# -- 3. One wording for the child's no ------------------------------------------------------


def test_the_returns_where_the_child_said_no_say_it_in_one_wording(app, world_i):
    """The earlier return of Ada's: she said no, the offer still open. A third return: she
    said no and the offer was not kept open, so the return ended with that outcome."""
    service_history(app, world_i)
    with app.app_context():
        ada = db.session.get(Episode, world_i.episodes["a"])
        ended = Episode(
            child=ada.child,
            risk_grade="Low",
            dfe_type="M",
            started_at=ada.returned_at - timedelta(days=3),
            returned_at=ada.returned_at - timedelta(days=2),
            assigned_team_id=ada.assigned_team_id,
        )
        declined = Interview(
            status="declined",
            outcome="declined",
            outcome_at=ended.returned_at + timedelta(hours=5),
            due_at=ended.returned_at + timedelta(hours=72),
            offered_at=ended.returned_at + timedelta(hours=2),
            declined_at=ended.returned_at + timedelta(hours=3),
            content={},
        )
        declined.episodes.append(ended)
        db.session.add_all([ended, declined])
        db.session.commit()
    manager = _signed_in(app, world_i.emails["manager_a"])
    html = manager.get(f"/service/records?figure=declined&{THIS_MONTH}").get_data(as_text=True)
    text = page_text(html)
    assert text.count("Ada Alpha") == 2
    assert text.count("Child said no") == 2
    assert "Declined" not in text


# -- 4. Durations said exactly ----------------------------------------------------------------


def _held_after(app, world, hours: float, offered_after: timedelta) -> None:
    """A return of Ada's (team A), 100 hours ago, its interview held `hours` after it."""
    with app.app_context():
        first = db.session.get(Episode, world.episodes["a"])
        back = utcnow() - timedelta(hours=100)
        episode = Episode(
            child=first.child,
            risk_grade="Medium",
            dfe_type="M",
            started_at=back - timedelta(hours=6),
            returned_at=back,
            assigned_team_id=first.assigned_team_id,
        )
        interview = Interview(
            status="finished",
            due_at=back + timedelta(hours=72),
            offered_at=back + offered_after,
            accepted_at=back + offered_after,
            held_at=back + timedelta(hours=hours),
            delay_reason="interpreter",
            worker_id=world.users["worker_a"],
            content={},
        )
        interview.episodes.append(episode)
        db.session.add_all([episode, interview])
        db.session.commit()


def test_time_to_interview_near_the_deadline_is_said_in_hours_and_minutes(app, world):
    """Held 72 hours 30 minutes after the return: late. The page, the PDF and the CSV say
    "72 hours 30 minutes", never "3.0 days" beside "Held within 72 hours"."""
    _held_after(app, world, 72.5, offered_after=timedelta(hours=1, minutes=1))
    manager = _signed_in(app, world.emails["manager_a"])
    text = page_text(manager.get("/service").get_data(as_text=True))
    assert "Held within 72 hours, of those held: 0%" in text
    assert "To the interview 72 hours 30 minutes 72 hours 30 minutes 1" in text
    assert "To the offer of an interview 1 hour 1 minute 1 hour 1 minute 1" in text
    assert "days" not in text
    pdf = _pdf_text(manager)
    assert "To the interview 72 hours 30 minutes 72 hours 30 minutes" in pdf
    assert "3.0 days" not in pdf and "days" not in pdf
    rows = {row[0]: row[1] for row in _csv(manager)}
    assert rows["Time from the return to the interview: nine in ten within"] == (
        "72 hours 30 minutes"
    )


def test_a_time_exactly_on_the_hour_is_not_said_a_minute_short(app, world):
    """The hours come from the database as floating point, a hair either side of the time:
    exactly 71 hours is "71 hours", never "70 hours 59 minutes"."""
    _held_after(app, world, 71, offered_after=timedelta(hours=3))
    manager = _signed_in(app, world.emails["manager_a"])
    text = page_text(manager.get("/service").get_data(as_text=True))
    assert "To the interview 71 hours 71 hours 1" in text
    assert "To the offer of an interview 3 hours 3 hours 1" in text


# -- 5. The CSV holds what the page shows ----------------------------------------------------


def test_the_csv_holds_the_figures_the_page_shows(app, world_i):
    service_history(app, world_i)
    _held_after(app, world_i, 72.5, offered_after=timedelta(hours=1))
    manager = _signed_in(app, world_i.emails["manager_a"])
    text = page_text(manager.get(f"/service?{THIS_MONTH}").get_data(as_text=True))
    rows = _csv(manager)
    assert rows[0] == ["Figure", "Number", "From", "To"]
    found = {row[0]: row[1] for row in rows[1:]}
    assert len(found) == len(rows) - 1  # each figure once

    # The main figures, each with its share of the returns, as the page's table (its link
    # names the records for a screen reader).
    for words in ("Returns offered an interview", "Returns where the child said no"):
        share = found[words + ": share of returns"]
        records = "record" if found[words] == "1" else "records"  # one record, said so
        assert f"{words} {found[words]} {records}: {words.lower()} {share}" in text
    assert found["Returns offered an interview: share of returns"] == "100%"
    assert (
        f"Held within 72 hours, of those held: {found['Held within 72 hours, of those held']}"
        in text
    )
    # Children and returns by legal status.
    for group in ("Looked after", "Living at home (not looked after)"):
        children = found[f"Children by legal status: {group}"]
        returns = found[f"Returns by legal status: {group}"]
        assert f"{group} {children} {returns}" in text
    assert found["Returns by legal status: Looked after"] == "3"
    # How long it took.
    for to, words in (("the offer of an interview", "To the offer of an interview"),):
        half = found[f"Time from the return to {to}: half within"]
        nine = found[f"Time from the return to {to}: nine in ten within"]
        many = found[f"Time from the return to {to}: how many"]
        assert f"{words} {half} {nine} {many}" in text
    half = found["Time from the return to the interview: half within"]
    nine = found["Time from the return to the interview: nine in ten within"]
    many = found["Time from the return to the interview: how many"]
    assert f"To the interview {half} {nine} {many}" in text
    assert (half, nine, many) == ("5 hours", "72 hours 30 minutes", "2")
    # Why interviews were late.
    reason = "Interviews held after the 72 hours: An interpreter was needed"
    assert found[reason] == "1" and "An interpreter was needed 1" in text
    # Waiting now: nothing of team A's (Ben's return is team B's).
    waiting = " ".join(
        f"{words} {found['Waiting now (when downloaded): ' + words]}" for words in WAITING_ROWS
    )
    assert waiting == "Past the 72 hours 0 Due within 24 hours 0 Due later 0"
    assert waiting in text


WAITING_ROWS = ("Past the 72 hours", "Due within 24 hours", "Due later")


# -- 6. The exports page says a return held by another team is in both files ---------------


def test_the_exports_page_says_another_teams_return_is_in_both_teams_files(app, world):
    """As the README has it, each team's exports hold the returns its people may see: a return
    of team A's child held by team B is in both teams' files. The page now says so, and how to
    put the files together."""
    with app.app_context():
        ada = db.session.get(Child, world.children["a"])
        ada.team_id = _team_id("RHI A")
        db.session.commit()
    lent = lend_a_return(app, world.children["a"], "RHI B")
    query = "export=episodes&start=2026-11-01&end=2026-11-30"
    for key in ("manager_a", "manager_b"):
        manager = _signed_in(app, world.emails[key])
        text = page_text(manager.get(f"/service/exports?{query}").get_data(as_text=True))
        assert "a return of your team's child that another team holds is in both teams' files" in (
            text
        )
        assert "match the rows by the episode (Episode ID in the list for inspectors" in text
        listing = manager.get(f"/service/exports/download?{query}&anyway=1")
        table = list(csv.reader(io.StringIO(listing.get_data(as_text=True).lstrip("\ufeff"))))
        assert table[0][2] == "Episode ID"
        assert str(lent) in [row[2] for row in table[1:]], key
