"""Cost independent of history (issue 16 item 1): the Returns page shows 50 returns a page, in
the same order as the whole list, with "Next page" and "Previous page", and counts them all;
the Returns page, the tablet copies and the children list send the same number of SQL
statements however many past episodes (finished interviews with outcomes) there are; and a
tablet's copy holds at most the 200 soonest due."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

from flask import Flask
from sqlalchemy import select

from rhi.episodes.queries import PER_PAGE, waiting_returns
from rhi.extensions import db
from rhi.models import Child, Episode, Interview, Team, User
from rhi.models.base import utcnow
from rhi.sync.copies import LIMIT
from tests.app.helpers import statements
from tests.conftest import Web
from tests.world import World

CARD = re.compile(r'class="card-title"><a href="/episodes/(\d+)"')
NEXT = re.compile(r'<a class="button button-secondary" rel="next" href="([^"]+)">Next page</a>')
PREVIOUS = re.compile(
    r'<a class="button button-secondary" rel="prev" href="([^"]+)">Previous page</a>'
)


def _team(name: str) -> Team:
    team = db.session.scalar(select(Team).where(Team.name == name))
    assert team is not None
    return team


def _open_returns(app: Flask, how_many: int, start: int = 0) -> None:
    """Team A's children back with no interview yet: different deadlines, risk grades and
    numbers of recent episodes, so each sort orders them differently."""
    grades = ("Low", "Medium", "High")
    with app.app_context():
        team = _team("RHI A")
        now = utcnow()
        for n in range(start, start + how_many):
            child = Child(first_name=f"Open{n}", last_name="Test", date_of_birth=date(2010, 1, 1))
            for earlier in range(n % 3):  # 0, 1 or 2 more episodes in the repeat window
                db.session.add(
                    Episode(
                        child=child,
                        risk_grade="Low",
                        started_at=now - timedelta(days=5 + earlier),
                        returned_at=now - timedelta(days=4 + earlier),
                        assigned_team=team,
                        interviews=[
                            Interview(
                                child=child,
                                status="finished",
                                outcome="held",
                                due_at=now - timedelta(days=1 + earlier),
                                content={},
                            )
                        ],
                    )
                )
            db.session.add(
                Episode(
                    child=child,
                    risk_grade=grades[n % 3],
                    started_at=now - timedelta(hours=30 + (n * 7) % 50),
                    returned_at=now - timedelta(hours=(n * 7) % 50 + 1, minutes=n % 60),
                    assigned_team=team,
                )
            )
        db.session.commit()


def _past(app: Flask, how_many: int, start: int = 0) -> None:
    """History: team A's past episodes, each with an interview that has its outcome."""
    with app.app_context():
        team = _team("RHI A")
        now = utcnow()
        for n in range(start, start + how_many):
            child = Child(
                first_name=f"Past{n}", last_name="History", date_of_birth=date(2009, 5, 1)
            )
            back = now - timedelta(days=40 + n)
            db.session.add(
                Episode(
                    child=child,
                    risk_grade="Medium",
                    started_at=back - timedelta(hours=10),
                    returned_at=back,
                    assigned_team=team,
                    interviews=[
                        Interview(
                            child=child,
                            status="finished" if n % 5 else "declined",
                            outcome="held" if n % 5 else "declined",
                            due_at=back + timedelta(hours=72),
                            content={"places": [{"name": "Bus station", "area": ""}]},
                            created_at=back + timedelta(hours=2),
                        )
                    ],
                )
            )
        db.session.commit()


def _cards(page: str) -> list[int]:
    return [int(i) for i in CARD.findall(page)]


def _walk(web: Web, first: str) -> tuple[list[list[int]], list[str]]:
    """Every page of the Returns list from `first`, following "Next page": the cards of each,
    and each page's HTML."""
    pages, cards, url = [], [], first
    while url:
        response = web.get(url)
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        pages.append(page)
        cards.append(_cards(page))
        found = NEXT.search(page)
        url = html.unescape(found.group(1)) if found else ""
        assert len(pages) < 20
    return cards, pages


def _whole_list(app: Flask, world: World, who: str, sort: str) -> list[int]:
    """The order the whole list had before it was paged: `waiting_returns` with no limit."""
    with app.test_request_context():
        user = db.session.get(User, world.users[who])
        return [row.episode.id for row in waiting_returns(user, utcnow(), sort=sort)]


def test_the_returns_page_shows_50_a_page_in_the_same_order_with_next_and_previous(app, web, world):
    _open_returns(app, 120)
    web.sign_in(world.emails["worker_a"])
    for sort, first in (
        ("deadline", "/returns"),
        ("risk", "/returns?sort=risk"),
        ("repeat", "/returns?sort=repeat"),
    ):
        whole = _whole_list(app, world, "worker_a", sort)
        assert len(whole) >= 121  # Ada's return and these
        cards, pages = _walk(web, first)
        assert [len(c) for c in cards] == [PER_PAGE, PER_PAGE, len(whole) - 2 * PER_PAGE], sort
        assert [i for c in cards for i in c] == whole, sort
        for page in pages:  # the count line counts them all, on every page
            assert f"{len(whole)} returns waiting, " in page
        assert not PREVIOUS.search(pages[0]) and NEXT.search(pages[0])
        assert "Page 1 of 3: returns 1 to 50." in pages[0]
        assert PREVIOUS.search(pages[1]) and NEXT.search(pages[1])
        assert PREVIOUS.search(pages[2]) and not NEXT.search(pages[2])
        # "Previous page" goes back to the page before, in the same order.
        back = html.unescape(PREVIOUS.search(pages[2]).group(1))
        assert ("sort=" + sort in back) == (sort != "deadline")
        assert _cards(web.get(back).get_data(as_text=True)) == cards[1]
        back = html.unescape(PREVIOUS.search(pages[1]).group(1))
        assert _cards(web.get(back).get_data(as_text=True)) == cards[0]
    # The minute's refresh asks for the page shown; a page past the end shows the last.
    page = web.get("/returns?page=2").get_data(as_text=True)
    assert 'hx-get="/returns?page=2&amp;background=1"' in page
    assert _cards(web.get("/returns?page=99").get_data(as_text=True)) == _cards(
        web.get("/returns?page=3").get_data(as_text=True)
    )
    assert _cards(web.get("/returns?page=x").get_data(as_text=True)) == _cards(
        web.get("/returns").get_data(as_text=True)
    )


def test_the_overdue_count_counts_every_page(app, web, world):
    _open_returns(app, 60)
    web.sign_in(world.emails["worker_a"])
    with app.test_request_context():
        user = db.session.get(User, world.users["worker_a"])
        rows = waiting_returns(user, utcnow())
    overdue = sum(1 for row in rows if row.clock.overdue)
    page = web.get("/returns").get_data(as_text=True)
    assert f"{len(rows)} returns waiting, {overdue} overdue." in page


def _asked(app: Flask, web: Web, url: str) -> tuple[int, str]:
    assert web.get(url).status_code == 200
    with statements(app) as sent:
        response = web.get(url)
    assert response.status_code == 200
    return len(sent), response.get_data(as_text=True)


def test_returns_copies_and_children_cost_the_same_however_long_the_history(app, world):
    _open_returns(app, 3)
    urls = ("/returns", "/returns?sort=repeat", "/sync/v1/copies", "/children", "/children?from=H")
    clients = {}
    for who in ("worker_a", "manager_a"):
        clients[who] = Web(app.test_client())
        clients[who].sign_in(world.emails[who])
    _past(app, 5)
    before = {(who, url): _asked(app, c, url) for who, c in clients.items() for url in urls}
    _past(app, 120, start=5)
    _open_returns(app, 60, start=3)  # and more open returns than one page holds
    for (who, url), (count, page) in before.items():
        again, later = _asked(app, clients[who], url)
        assert again == count, (who, url)
        assert "Past" not in "".join(CARD.findall(later))
        if url.startswith("/returns"):
            assert len(_cards(later)) <= PER_PAGE + (PER_PAGE if who == "manager_a" else 0)
    # The children list: 50 a page, by name.
    page = clients["worker_a"].get("/children").get_data(as_text=True)
    assert page.count('<th scope="row"><a href="/children/') == 50
    assert "Next page" in page


def test_a_tablets_copy_holds_the_200_soonest_due(app, web, world):
    _open_returns(app, LIMIT + 10)
    web.sign_in(world.emails["worker_a"])
    copies = web.get("/sync/v1/copies").get_json()["copies"]
    assert len(copies) == LIMIT
    assert [c["due_at"] for c in copies] == sorted(c["due_at"] for c in copies)
    with app.test_request_context():
        user = db.session.get(User, world.users["worker_a"])
        soonest = waiting_returns(user, utcnow())[:LIMIT]
    kept = {i for c in copies for i in c["episode_ids"]}
    assert {row.episode.id for row in soonest} <= kept | {world.episodes["a"]}
