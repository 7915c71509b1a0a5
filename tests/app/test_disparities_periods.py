"""The disparities page's periods (rhi/oversight/quarters.py). A probe subtracted 1 June to 2 July
from 1 June to 3 July and had exactly the counts the 3 July page hid: each page was protected on
its own, and any dates could be asked for. Now only whole quarters that have ended are shown;
anything else asked for shows the latest of them, saying why.

The app tests' clock starts on 23 November 2026 (tests/app/conftest.py): the quarters that have
ended are July to September 2026 and those before it."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from itertools import permutations

from sqlalchemy import select

from rhi.extensions import db
from rhi.models import AuditEvent, Child, Episode, Interview, Team
from tests.app.test_disparities import FEWER, _signed_in, _table, _text

WHITE_BRITISH = "White: English, Welsh, Scottish, Northern Irish or British"
NOT_OFFERED = (
    "Disparities are shown for whole quarters that have ended, so that counts hidden to protect "
    "children cannot be worked out by comparing periods."
)
# The probe's three periods: the day whose small group is hidden, and two a day apart.
PROBE = [
    "?period=custom&start=2026-07-03&end=2026-07-03",
    "?period=custom&start=2026-06-01&end=2026-07-02",
    "?period=custom&start=2026-06-01&end=2026-07-03",
]
SHOWN = re.compile(r"<h2>[^<]*?(\d{1,2} \w{3} \d{4}) to (\d{1,2} \w{3} \d{4})</h2>")


def _return(team: Team, ethnicity: str, returned: datetime) -> None:
    """A child's one return, offered an interview and held 10 hours after it."""
    child = Child(
        first_name="Child",
        last_name=ethnicity,
        date_of_birth=date(2010, 1, 1),
        ethnicity=ethnicity,
        team_id=team.id,
    )
    episode = Episode(
        child=child,
        risk_grade="Low",
        started_at=returned - timedelta(hours=5),
        returned_at=returned,
        assigned_team_id=team.id,
    )
    interview = Interview(
        status="finished",
        due_at=returned + timedelta(hours=72),
        offered_at=returned + timedelta(hours=1),
        accepted_at=returned + timedelta(hours=1),
        held_at=returned + timedelta(hours=10),
    )
    interview.episodes.append(episode)
    db.session.add_all([child, episode, interview])


def _dataset(app) -> None:
    """Team A's returns, one child each, at noon:

    | group | 1-30 June | 1-2 July | 3 July | August |
    | White British | 13 | 2 | 2 | 6 |
    | White Irish | 6 | | | 6 |
    | Black African | 7 | | | 6 |
    | Indian | 6 | | | 6 |

    So 1 June to 2 July shows 15 White British children and 1 June to 3 July 17: on 3 July
    alone, 2, hidden. Every other day's groups are large enough to show."""
    plan = {
        "white_british": [date(2026, 6, 1 + 2 * n) for n in range(13)]
        + [date(2026, 7, 1), date(2026, 7, 2), date(2026, 7, 3), date(2026, 7, 3)],
        "white_irish": [date(2026, 6, 3 + 4 * n) for n in range(6)],
        "black_african": [date(2026, 6, 2 + 4 * n) for n in range(7)],
        "indian": [date(2026, 6, 4 + 4 * n) for n in range(6)],
    }
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == "RHI A"))
        for ethnicity, days in plan.items():
            for day in [*days, *(date(2026, 8, 3 + 3 * n) for n in range(6))]:
                _return(team, ethnicity, datetime(day.year, day.month, day.day, 11, 0))
        db.session.commit()


def _shown(html: str) -> tuple[date, date]:
    """The first and last day of the period a page shows, from its heading."""
    found = SHOWN.search(html)
    assert found, "no period shown"
    first, last = (datetime.strptime(text, "%d %b %Y").date() for text in found.groups())
    return first, last


def _offered(html: str) -> list[str]:
    """The periods the page's form lets a reader ask for, as query strings."""
    form = re.search(r'<form[^>]*class="period-form".*?</form>', html, flags=re.S)
    assert form
    found = [
        f"?quarter={value}"
        for value in re.findall(
            r'<option value="([^"]+)"', "".join(re.findall(r"<select.*?</select>", form[0], re.S))
        )
    ]
    found += [f"?period={key}" for key in re.findall(r'name="period" value="([^"]+)"', form[0])]
    return found


def test_the_probes_periods_show_the_latest_quarter_and_say_why(app, world):
    _dataset(app)
    manager = _signed_in(app, world.emails["manager_a"])
    for asked in [*PROBE, "?period=this_month", "?period=year_to_date", "?period=last_month"]:
        response = manager.get("/service/disparities" + asked + "&level=detailed")
        assert response.status_code == 200, asked
        html = response.get_data(as_text=True)
        assert NOT_OFFERED in _text(html), asked
        assert "Showing July to September 2026 (quarter 2 of 2026 to 2027)" in _text(html)
        assert _shown(html) == (date(2026, 7, 1), date(2026, 9, 30)), asked
        # The quarter's own counts: July's four White British returns and August's six.
        main = _table(html, "Returns in the period")
        assert main[WHITE_BRITISH][:2] == ["10", "10"], asked
    # The form asks for a quarter and nothing else: no dates to type, no running periods.
    html = manager.get("/service/disparities" + PROBE[2]).get_data(as_text=True)
    assert 'type="date"' not in html and 'name="period"' not in html
    offered = _offered(html)
    assert offered[:3] == ["?quarter=2026-07-01", "?quarter=2026-04-01", "?quarter=2026-01-01"]
    assert len(offered) == 20  # five years of quarters
    for asked in offered[:2]:  # a quarter asked for is shown as it is, without a message
        shown = manager.get("/service/disparities" + asked).get_data(as_text=True)
        assert NOT_OFFERED not in _text(shown)
        assert _shown(shown)[0].isoformat() == asked.removeprefix("?quarter=")
    # Dates that are exactly a quarter that has ended (the service page's link) are that quarter.
    exact = manager.get("/service/disparities?period=custom&start=2026-04-01&end=2026-06-30")
    assert _shown(exact.get_data(as_text=True)) == (date(2026, 4, 1), date(2026, 6, 30))
    assert NOT_OFFERED not in _text(exact.get_data(as_text=True))
    # A quarter not yet ended, or one never offered, is not shown either.
    for asked in ("?quarter=2026-10-01", "?quarter=2026-07-02", "?quarter=nonsense"):
        html = manager.get("/service/disparities" + asked).get_data(as_text=True)
        assert NOT_OFFERED in _text(html), asked
        assert _shown(html) == (date(2026, 7, 1), date(2026, 9, 30)), asked
    with app.app_context():
        viewed = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "disparities.view")
            .order_by(AuditEvent.id)
        ).all()
        assert viewed[0].detail == "quarter 2026-07-01 detailed period not offered"


def _cells(html: str) -> dict[tuple[str, str, int], str]:
    """Every count cell of the main and risk grade tables: (table, row, column) -> its text."""
    found = {}
    for caption in ("Returns in the period", "Police risk grade"):
        for row, cells in _table(html, caption).items():
            for column, text in enumerate(cells):
                medians = ("hour", "hours", "minute", "minutes", "day", "days", "none held")
                if not text.endswith(medians):  # a median, not a count
                    found[(caption, row, column)] = text
    return found


def test_no_hidden_count_is_found_by_subtracting_one_period_from_another(app, world):
    """Every period the page shows for what a reader may ask (the form's periods, and the
    probe's dates), at both levels: no two of them differ by exactly a third whose hidden count
    is shown in both. (Quarters never overlap, so none do.)"""
    _dataset(app)
    manager = _signed_in(app, world.emails["manager_a"])
    first = manager.get("/service/disparities").get_data(as_text=True)
    pages: dict[tuple[date, date], dict[tuple[str, str, int], str]] = {}
    for asked in [*_offered(first), *PROBE]:
        for level in ("broad", "detailed"):
            html = manager.get(f"/service/disparities{asked}&level={level}").get_data(as_text=True)
            if not SHOWN.search(html):
                continue  # a period refused with no figures: nothing to subtract
            pages.setdefault(_shown(html), {}).update(
                {(level, *place): text for place, text in _cells(html).items()}
            )
    assert len(pages) >= 4
    recovered = []
    for a, b, d in permutations(pages, 3):
        # b is a and d together, one after the other: b less a is d.
        joined = b == (a[0], d[1]) and d[0] == a[1] + timedelta(days=1)
        joined |= b == (d[0], a[1]) and a[0] == d[1] + timedelta(days=1)
        if not joined:
            continue
        for place, text in pages[d].items():
            if text == FEWER and FEWER not in (
                pages[a].get(place, FEWER),
                pages[b].get(place, FEWER),
            ):
                recovered.append((d, place))
    assert recovered == []
    # And none overlap, so nothing can be subtracted at all.
    for a, b in permutations(pages, 2):
        assert a[1] < b[0] or b[1] < a[0], (a, b)
