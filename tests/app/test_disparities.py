"""The disparities page (issue 15 item 4): a dataset where every figure is known by hand, small
counts suppressed and a second count hidden where the first could be worked out, access by role,
and periods refused with a message.

The page shows whole quarters that have ended only (tests/app/test_disparities_periods.py), and
the data is in November 2026, on the app tests' clock a few days ago: each test moves the clock
into January 2027 (`after_the_quarter`), when October to December 2026 has ended, and asks for
that quarter. It holds the same returns as 1 to 23 November, which these tests asked for before."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from rhi.extensions import db
from rhi.interviews import content as c
from rhi.models import AuditEvent, Child, Episode, Interview, Team
from tests.app.helpers import statements
from tests.conftest import Web
from tests.world import add_user

TAGS = re.compile(r"<[^>]+>")
RETURNED = datetime(2026, 11, 10, 12, 0)
PERIOD = "?quarter=2026-10-01"
NOT_OFFERED = "Disparities are shown for whole quarters that have ended"


@pytest.fixture(autouse=True)
def after_the_quarter(fixed_clock, world):
    """The clock moved past the end of the quarter the data is in, once the world is made (its
    returns are hours before the clock's start: Ada's on 23 November) and before anyone signs
    in."""
    fixed_clock.move_to(datetime(2027, 1, 4, 9, 0, tzinfo=UTC))


def _text(html: str) -> str:
    return " ".join(TAGS.sub(" ", html).split())


def _return(
    team: Team,
    ethnicity: str,
    grade: str,
    *,
    offered: bool = True,
    held_after: float | None = None,
    declined: bool = False,
    harm: str | None = None,
    notes: str = "",
) -> None:
    child = Child(
        first_name="Child",
        last_name=ethnicity,
        date_of_birth=date(2010, 1, 1),
        ethnicity=ethnicity,
        team_id=team.id,
    )
    episode = Episode(
        child=child,
        risk_grade=grade,
        started_at=RETURNED - timedelta(hours=5),
        returned_at=RETURNED,
        assigned_team_id=team.id,
    )
    db.session.add_all([child, episode])
    if not offered:
        return
    document = c.empty_content()
    if harm:
        document = c.set_field(document, f"harms.{harm}.on", True)
    if notes:
        document = c.set_field(document, "sections.before.text", notes)
    interview = Interview(
        status="declined" if declined else "offered",
        due_at=RETURNED + timedelta(hours=72),
        offered_at=RETURNED + timedelta(hours=1),
        content=document,
    )
    if declined:
        interview.declined_at = RETURNED + timedelta(hours=2)
    if held_after is not None:
        interview.status = "finished"
        interview.accepted_at = RETURNED + timedelta(hours=1)
        interview.held_at = RETURNED + timedelta(hours=held_after)
    interview.episodes.append(episode)
    db.session.add(interview)


def _dataset(app) -> None:
    """Team A's returns in November, with the world's Ada (Black Caribbean, Medium, no interview
    yet, back on 23 November):

    | group | children | offered | said yes | held | in 72 h | held after (hours) | grades |
    | White British | 8 | 8 | 6 | 6 | 5 | 10 20 30 40 50 80 | no apparent risk 5, low 3 |
    | Black | 7 (6 African, Ada) | 5 | 3 | 3 | 1 | 24 90 100 | medium 5, low 2 |
    | Asian Pakistani | 2 | 2 | 2 | 2 | 2 | 5 6 | high 2 |
    | all | 17 | 15 | 11 | 11 | 8 | median 30 | 5, 5, 5, 2 |

    Harms: criminal exploitation in five White interviews, sexual exploitation in one Black.
    Notes: one White interview says "She is streetwise and mature for her age." (8 words, two
    adultifying flags)."""
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == "RHI A"))
        for n, hours in enumerate([10, 20, 30, 40, 50, 80]):
            _return(
                team,
                "white_british",
                "No apparent risk" if n < 5 else "Low",
                held_after=hours,
                harm="criminal_exploitation" if n < 5 else None,
                notes="She is streetwise and mature for her age." if n == 0 else "",
            )
        _return(team, "white_british", "Low", declined=True)
        _return(team, "white_british", "Low", declined=True)
        for n, hours in enumerate([24, 90, 100]):
            _return(
                team,
                "black_african",
                "Medium",
                held_after=hours,
                harm="sexual_exploitation" if n == 0 else None,
            )
        _return(team, "black_african", "Medium")
        _return(team, "black_african", "Low")
        _return(team, "black_african", "Low", offered=False)
        for hours in (5, 6):
            _return(team, "asian_pakistani", "High", held_after=hours)
        add_user("coordinator_a", "coordinator", team)
        db.session.commit()


def _table(html: str, caption_start: str) -> dict[str, list[str]]:
    """A table's rows by their heading, each as its cells' text."""
    for table in re.findall(r"<table.*?</table>", html, flags=re.S):
        caption = re.search(r"<caption[^>]*>(.*?)</caption>", table, flags=re.S)
        if caption and _text(caption.group(1)).startswith(caption_start):
            rows = {}
            for row in re.findall(r"<tr>(.*?)</tr>", table, flags=re.S):
                heading = re.search(r'<th scope="row">(.*?)</th>', row, flags=re.S)
                if heading:
                    rows[_text(heading.group(1))] = [
                        _text(cell) for cell in re.findall(r"<td>(.*?)</td>", row, flags=re.S)
                    ]
            return rows
    raise AssertionError(f"no table {caption_start!r}")


def _headers(html: str, caption_start: str) -> list[str]:
    """A table's column headings' text."""
    for table in re.findall(r"<table.*?</table>", html, flags=re.S):
        caption = re.search(r"<caption[^>]*>(.*?)</caption>", table, flags=re.S)
        if caption and _text(caption.group(1)).startswith(caption_start):
            return [_text(h) for h in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', table, re.S)]
    raise AssertionError(f"no table {caption_start!r}")


def _signed_in(app, email: str) -> Web:
    web = Web(app.test_client())
    web.sign_in(email)
    return web


FEWER = "not shown"  # every hidden count, small or not


def test_the_figures_by_group_are_those_counted_by_hand(app, world):
    _dataset(app)
    manager = _signed_in(app, world.emails["manager_a"])
    response = manager.get("/service/disparities" + PERIOD)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    main = _table(html, "Returns in the period")
    # The counts of returns say so, in the service page's words (one child may come back
    # three times; "Interviews held" read as a count of interviews).
    assert _headers(html, "Returns in the period")[:6] == [
        "Ethnic group",
        "Children who came back",
        "Returns",
        "Returns offered an interview",
        "Returns where the child said yes",
        "Returns with an interview held",
    ]
    assert "Returns with an interview held by your team" in _headers(html, "Harms and risk")
    assert main["White"] == [
        "8",
        "8",
        "8 (100% of returns)",
        "6 (75% of offers)",
        "6",
        "5 (83% of those held)",
        "30 hours",
    ]
    # Black children: 7 children, 5 offered; the rest are under five and so is what is built
    # on them (no rate on a hidden count; no median of fewer than five interviews).
    black = "Black, Black British, Black Welsh, Caribbean or African"
    assert main[black] == ["7", "7", "5 (71% of returns)", FEWER, FEWER, FEWER, FEWER]
    assert main["Asian, Asian British or Asian Welsh"] == [FEWER] * 7
    assert main["Mixed or Multiple ethnic groups"] == [FEWER] * 7  # none: never a number
    assert main["All children"] == [
        "17",
        "17",
        "15 (88% of returns)",
        "11 (73% of offers)",
        "11",
        "8 (73% of those held)",
        "30 hours",
    ]
    grades = _table(html, "Police risk grade")
    # Every "no apparent risk" return is White (5 of 5): White's 5 beside everyone's 5 would
    # tell that no other group's return was so graded (their hidden zeros), so one of the two
    # goes, and it is White's (a broad group's count goes before everyone's).
    assert grades["White"] == [FEWER, FEWER, FEWER, FEWER, "8"]
    assert grades[black] == [FEWER, FEWER, FEWER, FEWER, "7"]  # all 5 "medium": the same
    # Of all children's grades only "high" (2) is under five: it could be worked out from the
    # 17 but for "no apparent risk", hidden with it.
    assert grades["All children"] == [FEWER, "5", "5", FEWER, "17"]
    harms = _table(html, "Harms and risk indicators")
    # Criminal exploitation: five, all White; White's 5 goes, as above.
    assert harms["White"] == ["6", FEWER, FEWER]
    assert harms["All children"] == ["11", FEWER, "5 (45%)"]
    writing = _table(html, "The writing check")
    assert writing["White"] == ["6", "250.0", "250.0"]
    assert writing[black] == [FEWER, "not shown", "not shown"]
    text = _text(html)
    assert "about 16% of missing children, against about 6% of the child population" in text
    assert "63%" in text
    with app.app_context():
        viewed = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "disparities.view")
        )
        assert viewed.user_id == world.users["manager_a"]
        assert viewed.detail == "quarter 2026-10-01 broad" and viewed.outcome == "ok"


def test_the_detailed_groups(app, world):
    _dataset(app)
    manager = _signed_in(app, world.emails["manager_a"])
    html = manager.get("/service/disparities" + PERIOD + "&level=detailed").get_data(as_text=True)
    main = _table(html, "Returns in the period")
    # Every White child is White British: the broad view's White 8 beside White British 8 would
    # tell that the other White groups' hidden counts are all 0, so White British is hidden here
    # (the broad view keeps White: a detailed count goes before a broad one).
    white = "White: English, Welsh, Scottish, Northern Irish or British"
    assert main[white] == [FEWER] * 7
    broad = _table(manager.get("/service/disparities" + PERIOD).get_data(as_text=True), "Returns")
    assert broad["White"][:2] == ["8", "8"]
    african = "Black, Black British, Black Welsh, Caribbean or African: African"
    assert main[african][:2] == ["6", "6"]
    caribbean = "Black, Black British, Black Welsh, Caribbean or African: Caribbean"
    assert main[caribbean][:2] == [FEWER, FEWER]
    assert main["All children"][:2] == ["17", "17"]


def test_another_team_and_a_coordinator(app, world):
    _dataset(app)
    other = _signed_in(app, world.emails["manager_b"])
    main = _table(
        other.get("/service/disparities" + PERIOD).get_data(as_text=True), "Returns in the period"
    )
    assert main["All children"][:2] == [FEWER, FEWER]  # Ben's one return only
    coordinator = _signed_in(app, "coordinator_a@test.example.org")
    html = coordinator.get("/service/disparities" + PERIOD).get_data(as_text=True)
    assert _table(html, "Returns in the period")["White"][:2] == ["8", "8"]
    # Harms and the writing check come from interview notes: not for a coordinator.
    assert "Harms and risk indicators" not in html and "per 1,000 words" not in html
    assert "shown to managers only" in html


def test_as_many_queries_for_more_returns(app, world):
    _dataset(app)
    manager = _signed_in(app, world.emails["manager_a"])
    manager.get("/service/disparities" + PERIOD)  # the session's first page writes it too
    with statements(app) as few:
        manager.get("/service/disparities" + PERIOD)
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == "RHI A"))
        for hours in (7, 8, 9):
            _return(team, "other_arab", "Low", held_after=hours, notes="At a friend's.")
        db.session.commit()
    with statements(app) as many:
        html = manager.get("/service/disparities" + PERIOD).get_data(as_text=True)
    assert _table(html, "Returns in the period")["All children"][:2] == ["20", "20"]
    assert len(many) == len(few)


@pytest.mark.parametrize("key", ["worker_a", "social_worker", "admin"])
def test_others_are_refused(app, world, key):
    web = _signed_in(app, world.emails[key])
    assert web.get("/service/disparities").status_code == 403
    with app.app_context():
        refused = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "disparities.view")
        )
        assert refused.outcome == "refused" and refused.user_id == world.users[key]


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        ("start=2026-11-19&end=2026-11-17", "The period ends before it starts"),
        ("start=2020-01-01&end=2026-11-17", "The period is longer than 5 years"),
        ("start=&end=2026-11-17", "Enter both dates"),
    ],
)
def test_a_bad_period_is_refused_with_a_message(app, world, dates, message):
    """Dates are not offered at all; wrong ones are named as wrong too, and the latest quarter
    that has ended is shown instead, named, never the dates asked for."""
    _dataset(app)
    manager = _signed_in(app, world.emails["manager_a"])
    response = manager.get(f"/service/disparities?period=custom&{dates}")
    assert response.status_code == 200
    text = _text(response.get_data(as_text=True))
    assert message in text and NOT_OFFERED in text
    assert "Showing October to December 2026 (quarter 3 of 2026 to 2027)" in text
    assert "1 Oct 2026 to 31 Dec 2026" in text
    with app.app_context():
        viewed = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "disparities.view")
        )
        assert viewed.outcome == "invalid" and viewed.detail.endswith("refused period")
