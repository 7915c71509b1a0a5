"""The Children list's search by name: a coordinator with hundreds of children types part of a
name ("kowal", "maya kow") and sees only those children, page by page, and never a child they
may not see. Run on SQLite and PostgreSQL (the `backend` fixture)."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

from flask import Flask
from sqlalchemy import select

from rhi.extensions import db
from rhi.models import AuditEvent, Child, Episode, Team, User
from rhi.models.base import utcnow
from tests.app.helpers import statements
from tests.conftest import Web
from tests.world import World, add_user

NAME = re.compile(r'<th scope="row"><a href="/children/\d+">([^<]+)<')


def names(page: str) -> list[str]:
    return [html.unescape(n) for n in NAME.findall(page)]


def add_children(app: Flask, team: str, *people: tuple[str, str, str | None]) -> None:
    """Children (first, last, preferred name) each with one return allocated to `team`."""
    with app.app_context():
        kept = db.session.scalar(select(Team).where(Team.name == team))
        started = utcnow() - timedelta(days=3)
        for first, last, preferred in people:
            child = Child(
                first_name=first,
                last_name=last,
                preferred_name=preferred,
                date_of_birth=date(2011, 3, 4),
            )
            db.session.add(
                Episode(
                    child=child,
                    risk_grade="Medium",
                    dfe_type="M",
                    started_at=started,
                    returned_at=started + timedelta(hours=6),
                    assigned_team=kept,
                )
            )
        db.session.commit()


def coordinator(app: Flask, world: World) -> Web:
    """A coordinator of RHI A (team North), signed in (tests/world.py has none)."""
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == "RHI A"))
        user = add_user("coordinator_a", "coordinator", team)
        db.session.commit()
        world.users["coordinator_a"], world.emails["coordinator_a"] = user.id, user.email
    return signed_in(app, world, "coordinator_a")


def signed_in(app: Flask, world: World, key: str) -> Web:
    web = Web(app.test_client())
    assert web.sign_in(world.emails[key]).status_code == 302
    return web


def search(web: Web, words: str) -> str:
    response = web.post("/children", {"q": words}, page="/children")
    assert response.status_code == 200
    return response.get_data(as_text=True)


NORTH = (
    ("Maya", "Kowalska", None),
    ("Ola", "Kowalska", None),
    ("Maya", "Nowak", None),
    ("Margaret", "Reed", "Peggy"),
    ("Élodie", "Éclair", None),
    ("Sean", "O'Brien", None),
)


def test_the_list_has_a_search_box_with_a_visible_label_that_posts(app, world):
    """Posted: a child's name never goes in an address (access logs, the browser's history)."""
    web = coordinator(app, world)
    page = web.get("/children").get_data(as_text=True)
    form = re.search(r"<form method=\"post\"[^>]*role=\"search\"[^>]*>(.*?)</form>", page, re.S)
    assert form, "no search form sent with POST"
    assert 'name="csrf_token"' in form.group(1)
    assert '<label for="children-search">Search by name</label>' in form.group(1)
    assert 'type="search" id="children-search" name="q"' in form.group(1)


def test_part_of_a_last_name_finds_the_child(app, world):
    add_children(app, "RHI A", *NORTH)
    web = coordinator(app, world)
    assert names(search(web, "kowal")) == ["Maya Kowalska", "Ola Kowalska"]
    assert names(search(web, "wals")) == ["Maya Kowalska", "Ola Kowalska"]


def test_a_preferred_name_finds_the_child(app, world):
    add_children(app, "RHI A", *NORTH)
    web = coordinator(app, world)
    assert names(search(web, "peg")) == ["Peggy Reed"]
    assert names(search(web, "margaret")) == ["Peggy Reed"]  # the first name too


def test_first_and_last_name_together_find_only_the_child_with_both(app, world):
    add_children(app, "RHI A", *NORTH)
    web = coordinator(app, world)
    assert names(search(web, "maya kow")) == ["Maya Kowalska"]
    assert names(search(web, "  Kowalska   Maya ")) == ["Maya Kowalska"]  # any order, spacing


def test_the_search_ignores_case_and_the_last_names_accents_and_punctuation(app, world):
    add_children(app, "RHI A", *NORTH)
    web = coordinator(app, world)
    assert names(search(web, "MAYA KOWALSKA")) == ["Maya Kowalska"]
    assert names(search(web, "mAyA kOwAl")) == ["Maya Kowalska"]
    assert names(search(web, "kowalská")) == ["Maya Kowalska", "Ola Kowalska"]
    assert names(search(web, "eclair")) == ["Élodie Éclair"]
    assert names(search(web, "Élodie")) == ["Élodie Éclair"]  # as written
    assert names(search(web, "obrien")) == ["Sean O'Brien"]
    assert names(search(web, "o'brien")) == ["Sean O'Brien"]


def test_a_percent_or_underscore_typed_is_not_a_wildcard(app, world):
    add_children(app, "RHI A", *NORTH)
    web = coordinator(app, world)
    for typed in ("%", "_", "ma_a"):
        page = search(web, typed)
        assert names(page) == [], typed
        assert f"No children match “{typed}”" in page, typed


def test_another_teams_child_is_never_found(app, world):
    """A coordinator of North searching a South child's name finds nothing; South finds them."""
    add_children(app, "RHI A", *NORTH)
    add_children(app, "RHI B", ("Sol", "Southby", None), ("Maya", "Kowalczyk", None))
    web = coordinator(app, world)
    assert names(search(web, "southby")) == []
    assert names(search(web, "maya kow")) == ["Maya Kowalska"]
    assert "Kowalczyk" not in search(web, "kowalczyk")
    south = signed_in(app, world, "worker_b")
    assert names(search(south, "southby")) == ["Sol Southby"]
    assert names(search(south, "maya kow")) == ["Maya Kowalczyk"]
    # The social worker sees only the children allocated to them (world's Ada Alpha).
    social = signed_in(app, world, "social_worker")
    assert names(search(social, "a")) == ["Ada Alpha"]


def test_nothing_found_says_so_plainly_with_a_way_back(app, world):
    add_children(app, "RHI A", *NORTH)
    web = coordinator(app, world)
    page = search(web, "zzyzx")
    assert names(page) == []
    assert (
        '<p class="empty">No children match “zzyzx”. '
        '<a href="/children">Clear the search</a>.</p>' in page
    )
    assert "No children are allocated to you" not in page
    # Found: said above the list, with the same way back.
    found = search(web, "kowal")
    assert "Children whose name matches “kowal”." in found
    assert '<a href="/children">Clear the search</a>' in found


def test_what_was_typed_is_escaped(app, world):
    web = coordinator(app, world)
    typed = '<script>alert("x")</script>'
    page = search(web, typed)
    assert "<script>alert" not in page
    shown = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"
    assert f"No children match “{shown}”" in page
    assert f'name="q" value="{shown}"' in page  # the box, filled in again


def letters(n: int) -> str:
    """Two letters for `n` ("aa", "ab", ...): names sort as their numbers do."""
    return chr(ord("a") + n // 26) + chr(ord("a") + n % 26)


def test_a_search_shows_the_first_page_and_says_when_more_match(app, world):
    """60 Kowals among 60 Nolans: the first 50 Kowals, saying more match, with no page or
    letter links (they would lose the search, which is never in an address)."""
    kowals = [
        (f"Kid{n:02d}", f"Kowal{chr(97 + n // 26)}{chr(97 + n % 26)}", None) for n in range(60)
    ]
    others = [
        (f"Other{n:02d}", f"Nolan{chr(97 + n // 26)}{chr(97 + n % 26)}", None) for n in range(60)
    ]
    add_children(app, "RHI A", *kowals, *others)
    web = coordinator(app, world)
    first = search(web, "kowal")
    assert names(first) == [f"Kid{n:02d} {last}" for n, (_, last, _) in enumerate(kowals)][:50]
    said = " ".join(first.split())
    assert "Children whose name matches “kowal”: the first 50 by last name. More match" in said
    assert "Next page" not in first and 'aria-label="Jump to last names' not in first
    assert "kowal" not in "".join(re.findall(r'href="([^"]*)"', first)).lower()
    narrower = search(web, "kowalc")
    assert names(narrower) == [f"Kid{n:02d} {last}" for n, (_, last, _) in enumerate(kowals)][52:]
    assert "More match" not in narrower
    # The whole list still pages, by address, as before.
    assert "Next page" in web.get("/children").get_data(as_text=True)


def test_a_search_asks_the_database_for_one_page_as_the_list_does(app, world):
    """The names are matched in the query that reads the page (LIMIT 51), not in Python after
    reading every child: the page sends as many statements with 3 children as with 120."""
    add_children(app, "RHI A", ("Maya", "Kowalska", None), ("Ola", "Nowak", None))
    web = coordinator(app, world)
    search(web, "kowal")  # the first time loads what a session keeps

    def asked() -> tuple[int, list[str]]:
        with statements(app) as sent:
            search(web, "kowal")
        return len(sent), [s for s in sent if "FROM children" in s and "LIMIT" in s]

    few, read = asked()
    assert any("LIKE" in s.upper() for s in read), read
    add_children(app, "RHI A", *((f"Maya{n}", f"Kowal{n}", None) for n in range(60)))
    add_children(app, "RHI A", *((f"Ola{n}", f"Nowak{n}", None) for n in range(60)))
    many, _ = asked()
    assert many == few


def test_a_search_is_audited_as_the_list_is_without_the_name(app, world):
    add_children(app, "RHI A", *NORTH)
    web = coordinator(app, world)
    search(web, "kowal")
    with app.app_context():
        row = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "children.list")
            .order_by(AuditEvent.id.desc())
        ).first()
        assert row is not None
        assert row.user_id == db.session.scalar(
            select(User.id).where(User.email == world.emails["coordinator_a"])
        )
        assert row.detail == "2 shown, searched by name"
        assert "kowal" not in (row.detail or "").lower()
