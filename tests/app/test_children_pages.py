"""The children list a page at a time (issue 16 item 1): "Next page" and "Previous page" walk
every child the user may see exactly once, in name order, without counting the whole list;
a letter starts the list at that last name; an id in the address that is not the user's child
is ignored; and a page sends the same SQL statements with 60 children as with 300."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

from flask import Flask
from sqlalchemy import select

from rhi.extensions import db
from rhi.models import Child, Episode, Team
from rhi.models.base import utcnow
from tests.app.helpers import statements
from tests.conftest import Web

ROW = re.compile(r'<th scope="row"><a href="/children/(\d+)">([^<]+)</a></th>')
NEXT = re.compile(r'rel="next" href="([^"]+)">Next page</a>')
PREVIOUS = re.compile(r'rel="prev" href="([^"]+)">Previous page</a>')
SURNAMES = ("Okafor", "Nowak", "Ahmed", "Murphy", "Zielinski", "Evans", "Begum", "Hughes")


def _children(app: Flask, how_many: int, team_name: str, start: int = 0) -> None:
    """Children of a team, each back from one episode, with last names spread over the
    alphabet and some sharing a whole name (so the id decides their order)."""
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == team_name))
        now = utcnow()
        for n in range(start, start + how_many):
            child = Child(
                first_name=f"Kid{n % 40:02d}",
                last_name=SURNAMES[n % len(SURNAMES)],
                date_of_birth=date(2010, 1, 1),
            )
            db.session.add(
                Episode(
                    child=child,
                    risk_grade="Low",
                    started_at=now - timedelta(days=30, hours=n),
                    returned_at=now - timedelta(days=29, hours=n),
                    assigned_team=team,
                )
            )
        db.session.commit()


def _rows(page: str) -> list[int]:
    return [int(i) for i, _ in ROW.findall(page)]


def _expected(app: Flask, team_name: str, extra: list[int]) -> list[int]:
    """The ids of the team's children in name order, with the world's own children."""
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == team_name))
        rows = db.session.execute(
            select(Child.id, Child.last_name, Child.first_name)
            .join(Episode, Episode.child_id == Child.id)
            .where(Episode.assigned_team_id == team.id)
            .distinct()
        ).all()
        extra_rows = [
            (c.id, c.last_name, c.first_name) for c in (db.session.get(Child, i) for i in extra)
        ]
    every = {r[0]: r for r in [*rows, *extra_rows]}
    return [i for i, *_ in sorted(every.values(), key=lambda r: (r[1], r[2], r[0]))]


def _walk(web: Web, url: str, link: re.Pattern[str]) -> list[list[int]]:
    pages = []
    while url:
        page = web.get(url).get_data(as_text=True)
        pages.append(_rows(page))
        found = link.search(page)
        url = html.unescape(found.group(1)) if found else ""
        assert len(pages) < 20
    return pages


def test_next_and_previous_walk_every_child_once_in_name_order(app, web, world):
    _children(app, 123, "RHI A")
    _children(app, 30, "RHI B", start=500)  # someone else's children, never listed
    web.sign_in(world.emails["worker_a"])
    expected = _expected(app, "RHI A", [world.children["a"]])
    forward = _walk(web, "/children", NEXT)
    assert [len(p) for p in forward] == [50, 50, len(expected) - 100]
    assert [i for p in forward for i in p] == expected
    # Back from the last page, "Previous page" gives the same pages in turn.
    last = web.get("/children").get_data(as_text=True)
    for _ in range(2):
        last = web.get(html.unescape(NEXT.search(last).group(1))).get_data(as_text=True)
    assert "Next page" not in last
    back = _walk(web, html.unescape(PREVIOUS.search(last).group(1)), PREVIOUS)
    assert back == forward[-2::-1]
    first = web.get("/children").get_data(as_text=True)
    assert "Previous page" not in first
    assert "50 children, by last name" in first


def test_a_letter_starts_the_list_at_that_last_name(app, web, world):
    _children(app, 80, "RHI A")
    web.sign_in(world.emails["worker_a"])
    page = web.get("/children?from=m").get_data(as_text=True)
    names = [html.unescape(name) for _, name in ROW.findall(page)]
    assert names[0].endswith(" Murphy")
    assert 'aria-current="page">M</a>' in page
    assert "Previous page" in page  # Ahmed, Alpha, Begum and Evans come before
    before = web.get(html.unescape(PREVIOUS.search(page).group(1))).get_data(as_text=True)
    assert _rows(before)[-1] in _expected(app, "RHI A", [world.children["a"]])
    assert all(not n.endswith(" Murphy") for _, n in ROW.findall(before))
    empty = web.get("/children?from=Z").get_data(as_text=True)
    assert "Zielinski" in empty  # Zielinski is the last name from Z
    assert "No children have a last name from Z" not in empty


def test_an_id_that_is_not_theirs_starts_from_the_top(app, web, world):
    _children(app, 70, "RHI A")
    _children(app, 5, "RHI B", start=500)
    with app.app_context():
        theirs = db.session.scalar(
            select(Episode.child_id)
            .join(Team, Team.id == Episode.assigned_team_id)
            .where(Team.name == "RHI B")
            .limit(1)
        )
    web.sign_in(world.emails["worker_a"])
    first = _rows(web.get("/children").get_data(as_text=True))
    for args in (f"after={theirs}", f"before={theirs}", "after=999999", "after=abc"):
        page = web.get(f"/children?{args}")
        assert page.status_code == 200
        assert _rows(page.get_data(as_text=True)) == first, args


def test_the_same_statements_with_60_children_or_300(app, web, world):
    _children(app, 60, "RHI A")
    web.sign_in(world.emails["worker_a"])
    second = html.unescape(NEXT.search(web.get("/children").get_data(as_text=True)).group(1))
    urls = ("/children", second, "/children?from=N")

    def sent(url: str) -> int:
        assert web.get(url).status_code == 200
        with statements(app) as asked:
            assert web.get(url).status_code == 200
        return len(asked)

    before = [sent(url) for url in urls]
    _children(app, 240, "RHI A", start=60)
    assert [sent(url) for url in urls] == before
    # Nothing counts the children (the menu's own badges count other things).
    asked = [s.lower() for s in _statements_of(app, web, "/children")]
    assert not any("count(" in s and "from children" in s for s in asked)


def _statements_of(app: Flask, web: Web, url: str) -> list[str]:
    with statements(app) as asked:
        web.get(url)
    return list(asked)
