"""What the Children list (and the pages that list a child's returns) told people, from an
oversight probe:

1. the list showed another team's return of the child, and its interview's status, to people
   who get a 404 for it; the child's own page lists only what they may see;
2. a return that had ended was described by where its interview stood before it ended
   ("Offered" behind "Decided not to interview") on the list, the child's page and the records
   behind a service figure; the episode page shows the outcome;
3. a child still missing was listed as "Not yet offered";
4. last names in lower case or with an accent were filed after Z, and "From D" or "From E"
   skipped them.
"""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from html.parser import HTMLParser

from flask import Flask
from sqlalchemy import select

from rhi.extensions import db
from rhi.models import Child, Episode, Interview, Team
from rhi.models.base import utcnow
from rhi.models.children import sort_name_of
from rhi.timefmt import format_datetime
from tests.conftest import Web
from tests.world import World, add_user

NEXT = re.compile(r'rel="next" href="([^"]+)">Next page</a>')


class _Rows(HTMLParser):
    """The text of each cell of each table row in the page's tables (th and td alike)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th") and self.rows:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def rows(page: str) -> dict[str, list[str]]:
    """Each body row's cells, by its first cell (a child's name, or when they went missing)."""
    reader = _Rows()
    reader.feed(page)
    return {cells[0]: cells[1:] for cells in reader.rows if cells and cells[0]}


def names(page: str) -> list[str]:
    return [
        html.unescape(n)
        for n in re.findall(r'<th scope="row"><a href="/children/\d+">([^<]+)<', page)
    ]


def signed_in(app: Flask, world: World, key: str) -> Web:
    web = Web(app.test_client())
    response = web.sign_in(world.emails[key])
    assert response.status_code == 302
    return web


def add_coordinator(app: Flask, world: World) -> None:
    """A coordinator of RHI A (tests/world.py has none)."""
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == "RHI A"))
        user = add_user("coordinator_a", "coordinator", team)
        db.session.commit()
        world.users["coordinator_a"], world.emails["coordinator_a"] = user.id, user.email


def _team(name: str) -> Team:
    team = db.session.scalar(select(Team).where(Team.name == name))
    assert team is not None
    return team


def _child(first: str, last: str) -> Child:
    return Child(first_name=first, last_name=last, date_of_birth=date(2011, 3, 4))


def _return(child: Child, team: str, *, days_ago: int, back: bool = True) -> Episode:
    started = utcnow() - timedelta(days=days_ago)
    episode = Episode(
        child=child,
        risk_grade="Medium",
        dfe_type="M",
        started_at=started,
        returned_at=started + timedelta(hours=6) if back else None,
        assigned_team=_team(team),
    )
    db.session.add(episode)
    return episode


def _interview(episode: Episode, status: str, **fields: object) -> Interview:
    assert episode.returned_at is not None
    interview = Interview(
        status=status,
        due_at=episode.returned_at + timedelta(hours=72),
        offered_at=episode.returned_at + timedelta(hours=1),
        content={},
        **fields,
    )
    interview.episodes.append(episode)
    db.session.add(interview)
    return interview


# 1. Another team's return ---------------------------------------------------------------------


def test_the_list_shows_the_latest_return_the_person_may_see_not_another_teams(app, world):
    """One return allocated to North (RHI A), two to South (RHI B); South's worker records the
    child's no on the latest. North's worker, manager and coordinator see North's return on
    the list, as on the child's page, never South's date or "Child said no"."""
    add_coordinator(app, world)
    with app.app_context():
        child = _child("Cara", "Crane")
        north = _return(child, "RHI A", days_ago=12)
        _return(child, "RHI B", days_ago=8)
        south = _return(child, "RHI B", days_ago=3)
        _interview(
            south,
            "declined",
            declined_at=south.returned_at + timedelta(hours=2),
            decline_reason="I don't want to talk today",
        )
        db.session.commit()
        child_id, south_id = child.id, south.id
        north_started, south_started = (
            format_datetime(north.started_at),
            format_datetime(south.started_at),
        )
    for key in ("worker_a", "manager_a", "coordinator_a"):
        web = signed_in(app, world, key)
        listed = web.get("/children").get_data(as_text=True)
        latest, interview = rows(listed)["Cara Crane"][2:]
        assert latest == north_started, key
        assert interview == "Not yet offered", key
        assert south_started not in listed and "Child said no" not in listed, key
        # The same person's view of the child and of South's return.
        own_page = rows(web.get(f"/children/{child_id}").get_data(as_text=True))
        assert north_started in own_page and south_started not in own_page, key
        assert web.get(f"/episodes/{south_id}").status_code == 404, key
    # South's worker sees South's latest return and the child's answer.
    south_worker = signed_in(app, world, "worker_b")
    theirs = rows(south_worker.get("/children").get_data(as_text=True))["Cara Crane"]
    assert theirs[2:] == [south_started, "Child said no"]


# 2. A return that has ended says its outcome ----------------------------------------------------


def test_a_return_with_an_outcome_shows_the_outcome_not_where_the_interview_stood(app, world):
    """Decided not to interview (the interview had been offered), not reached after attempts
    (not reached yet), carer information taken instead (the child had said no): the list, the
    child's page and the records behind the service's figure say the outcome, as the episode
    page does."""
    with app.app_context():
        made = {}
        for first, status, outcome, reason in (
            ("Dana", "offered", "not_interviewed", "Strategy meeting decided against it"),
            ("Eve", "unable_to_contact", "not_reached", "Three visits, two calls"),
            ("Fay", "declined", "carer_info", "Her carer said she was at a friend's"),
        ):
            child = _child(first, "Dale")
            episode = _return(child, "RHI A", days_ago=5)
            _interview(
                episode,
                status,
                outcome=outcome,
                outcome_at=episode.returned_at + timedelta(hours=60),
                outcome_reason=reason,
                outcome_decided_by="Mo Manager" if outcome == "not_interviewed" else None,
                declined_at=episode.returned_at + timedelta(hours=3)
                if status == "declined"
                else None,
            )
            db.session.flush()
            made[f"{first} Dale"] = (child.id, episode.id, format_datetime(episode.started_at))
        db.session.commit()
    expected = {
        "Dana Dale": "Decided not to interview",
        "Eve Dale": "Not reached after attempts",
        "Fay Dale": "Carer information taken instead",
    }
    manager = signed_in(app, world, "manager_a")
    listed = rows(manager.get("/children").get_data(as_text=True))
    records = rows(
        manager.get("/service/records?figure=returns&period=this_month").get_data(as_text=True)
    )
    for name, words in expected.items():
        child_id, episode_id, started = made[name]
        assert listed[name][-1] == words, name
        assert (
            rows(manager.get(f"/children/{child_id}").get_data(as_text=True))[started][-1] == words
        ), name
        assert records[name][-1] == words, name
        # The episode page's own words for it.
        assert words in manager.get(f"/episodes/{episode_id}").get_data(as_text=True), name
    for where in (listed, records):
        said = {cells[-1] for cells in where.values()}
        assert not said & {"Offered", "Not reached yet", "Child said no"}


# 3. A child still missing -----------------------------------------------------------------------


def test_a_child_still_missing_is_not_listed_as_not_yet_offered(app, world):
    with app.app_context():
        child = _child("Gus", "Gale")
        episode = _return(child, "RHI A", days_ago=1, back=False)
        db.session.commit()
        child_id, started = child.id, format_datetime(episode.started_at)
    worker = signed_in(app, world, "worker_a")
    listed = rows(worker.get("/children").get_data(as_text=True))
    assert listed["Gus Gale"][-1] == "Still missing"
    # The child's own page says the same of the return.
    own_page = rows(worker.get(f"/children/{child_id}").get_data(as_text=True))
    assert own_page[started][-1] == "Still missing"
    # A child back with nothing offered yet is still "Not yet offered" (the world's Ada).
    assert listed["Ada Alpha"][-1] == "Not yet offered"


# 4. Filing names without case or accents --------------------------------------------------------

FILED = ["Zed", "adams", "Baker", "de Souza", "Decided", "Éclair", "Evans", "O'Brien", "Obama"]


def _filed_children(app: Flask, last_names: list[str], first: str = "Kim") -> None:
    with app.app_context():
        for n, last in enumerate(last_names):
            _return(_child(f"{first}{n:02d}", last), "RHI A", days_ago=20)
        db.session.commit()


def test_names_are_filed_and_jumped_to_without_case_or_accents(app, world):
    _filed_children(app, FILED)
    worker = signed_in(app, world, "worker_a")
    listed = [n.split(" ", 1)[1] for n in names(worker.get("/children").get_data(as_text=True))]
    assert listed == [
        "adams",
        "Alpha",  # the world's Ada
        "Baker",
        "Decided",
        "de Souza",  # filed as "desouza"
        "Éclair",
        "Evans",
        "Obama",
        "O'Brien",  # filed as "obrien"
        "Zed",
    ]
    assert listed == sorted(listed, key=sort_name_of)
    from_d = names(worker.get("/children?from=D").get_data(as_text=True))
    assert [n.split(" ", 1)[1] for n in from_d][:2] == ["Decided", "de Souza"]
    from_e = names(worker.get("/children?from=E").get_data(as_text=True))
    assert from_e[0].endswith(" Éclair")
    assert "Previous page" in worker.get("/children?from=E").get_data(as_text=True)


def test_next_page_walks_lower_case_and_accented_names_in_their_place(app, world):
    """Over 50 children, the pages meet in the middle of names typed every way: each child
    once, in filed order, on both databases."""
    every = ["émile", "Emery", "ábel", "Abbott", "o'neill", "Oakes", "de Vries", "Dean", "zola"]
    _filed_children(app, [every[n % len(every)] for n in range(63)])
    worker = signed_in(app, world, "worker_a")
    seen: list[str] = []
    url = "/children"
    while url:
        page = worker.get(url).get_data(as_text=True)
        seen += names(page)
        found = NEXT.search(page)
        url = html.unescape(found.group(1)) if found else ""
    assert len(seen) == len(set(seen)) == 64  # the 63, and the world's Ada Alpha
    last_names = [n.split(" ", 1)[1] for n in seen]
    assert last_names == sorted(last_names, key=sort_name_of)
    assert last_names[:8] == ["Abbott"] * 7 + ["ábel"]  # "abbott" < "abel"


def test_a_last_name_changed_is_filed_again(app, world):
    with app.app_context():
        child = _child("Lin", "Lee")
        db.session.add(child)
        child.last_name = "van Dijk"
        db.session.commit()
        assert child.sort_name == "vandijk"
        assert db.session.scalar(select(Child.sort_name).where(Child.id == child.id)) == ("vandijk")


def test_the_filing_rule():
    assert sort_name_of("Éclair") == "eclair"
    assert sort_name_of("de Souza") == "desouza"
    assert sort_name_of("O'Brien") == "obrien"
    assert sort_name_of("Straße") == "strasse"
    assert sort_name_of("Øyelaran") == "oyelaran"
    assert sort_name_of("") == ""
