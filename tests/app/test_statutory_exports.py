"""Statutory exports (issue 15 item 6): the SSDA903 missing table, the Standard Safeguarding
Dataset's missing table and the list for inspectors, each checked before download.

The dataset is built here and every cell is known by hand. Times are stored in UTC and written
in local time (Europe/London: BST, UTC+1, from 29 March to 25 October 2026). The clock is frozen
at 23 November 2026 12:00 UTC (tests/app/conftest.py).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from rhi.extensions import db
from rhi.models import AuditEvent, Child, Episode, Interview, Team
from tests.app.helpers import statements
from tests.conftest import Web


@dataclass(frozen=True)
class Known:
    children: dict[str, int]
    episodes: dict[str, int]


def _at(text: str) -> datetime:
    """A stored (UTC) time."""
    return datetime.fromisoformat(text)


def _build(app, world) -> Known:
    """Children kept by team RHI A, their episodes held by it:
    - cara: one episode spanning 31 March 2026, interview held 71:59 after the return;
    - dev: turns 18 on 10 September 2026: one episode before (held at exactly 72:00), one after
      (held at 72:01), which the SSDA903 table leaves out;
    - eli: an open episode that is not the last (a problem), then one that ended;
    - fay: two overlapping episodes (a problem on the first);
    - gus: two episodes covered by one interview, held a day after the second return;
    - hal: an episode that ends before it starts (a problem);
    - iva: an episode that starts before the date of birth recorded (a problem);
    - jo: not looked after (in the SSD table and the list, never the SSDA903), a name that
      begins with @, and an interview declined with its 72 hours still running;
    - kit: an episode with no M or A type (a problem).
    """
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == "RHI A"))
        children: dict[str, Child] = {}
        episodes: dict[str, Episode] = {}

        def child(key: str, first: str, born: date, status: str = "looked_after") -> None:
            children[key] = Child(
                first_name=first,
                last_name="Test",
                date_of_birth=born,
                legal_status=status,
                team=team,
            )

        def episode(key: str, who: str, start: str, end: str | None, dfe_type: str = "M") -> None:
            episodes[key] = Episode(
                child=children[who],
                risk_grade="Medium",
                dfe_type=dfe_type,
                started_at=_at(start),
                returned_at=_at(end) if end else None,
                assigned_team=team,
            )
            db.session.add(episodes[key])
            db.session.flush()  # ids in the order made

        child("cara", "Cara", date(2012, 6, 15))
        child("dev", "Dev", date(2008, 9, 10))
        child("eli", "Eli", date(2013, 1, 1))
        child("fay", "Fay", date(2011, 2, 2))
        child("gus", "Gus", date(2010, 3, 3))
        child("hal", "Hal", date(2012, 12, 12))
        child("iva", "Iva", date(2026, 6, 1))
        child("jo", "@Jo", date(2012, 4, 4), status="child_in_need")
        child("kit", "Kit", date(2012, 1, 1))
        for key in children:  # ids in this order
            db.session.add(children[key])
            db.session.flush()
        episode("c1", "cara", "2026-03-30 12:00", "2026-04-02 09:00")
        episode("d1", "dev", "2026-06-01 11:00", "2026-06-01 20:00")
        episode("d2", "dev", "2026-10-01 11:00", "2026-10-02 11:00")
        episode("e1", "eli", "2026-05-01 10:00", None)
        episode("e2", "eli", "2026-05-10 10:00", "2026-05-11 10:00")
        episode("f1", "fay", "2026-07-01 10:00", "2026-07-05 10:00")
        episode("f2", "fay", "2026-07-03 10:00", "2026-07-04 10:00")
        episode("g1", "gus", "2026-08-01 10:00", "2026-08-02 10:00")
        episode("g2", "gus", "2026-08-04 10:00", "2026-08-05 10:00")
        episode("h1", "hal", "2026-09-10 10:00", "2026-09-08 10:00")
        episode("i1", "iva", "2026-05-20 10:00", "2026-06-02 10:00")
        episode("j1", "jo", "2026-11-20 10:00", "2026-11-21 10:00")
        episode("k1", "kit", "2026-04-10 10:00", "2026-04-10 18:00", dfe_type="")

        def interview(keys: list[str], offered: str, accepted: str | None, held: str | None):
            # The deadline from the first return it covers, as rhi makes it (rhi/sync/apply.py):
            # each return is measured from that deadline, counted from its own return.
            returned = min(episodes[k].returned_at for k in keys)
            made = Interview(
                status="finished" if held else "declined",
                due_at=returned + timedelta(hours=72),
                offered_at=_at(offered),
                accepted_at=_at(accepted) if accepted else None,
                declined_at=None if accepted else _at(offered) + timedelta(hours=1),
                held_at=_at(held) if held else None,
                content={},
            )
            for key in keys:
                made.episodes.append(episodes[key])
            db.session.add(made)

        # 71:59, 72:00 and 72:01 after the return.
        interview(["c1"], "2026-04-02 11:00", "2026-04-02 12:00", "2026-04-05 08:59")
        interview(["d1"], "2026-06-01 21:00", "2026-06-01 22:00", "2026-06-04 20:00")
        interview(["d2"], "2026-10-02 12:00", "2026-10-02 13:00", "2026-10-05 11:01")
        interview(["g1", "g2"], "2026-08-05 12:00", "2026-08-05 13:00", "2026-08-06 10:00")
        interview(["j1"], "2026-11-21 11:00", None, None)
        db.session.commit()
        known = Known(
            children={key: c.id for key, c in children.items()},
            episodes={key: e.id for key, e in episodes.items()},
        )
    known.children["ada"] = world.children["a"]
    known.episodes["a"] = world.episodes["a"]
    return known


def _read(response_or_text) -> list[list[str]]:
    text = response_or_text
    if not isinstance(text, str):
        text = response_or_text.get_data().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def _signed_in(app, world, key: str) -> Web:
    web = Web(app.test_client())
    web.sign_in(world.emails[key])
    return web


def _ssda903_2026(k: Known) -> list[list[str]]:
    c, e = k.children, k.episodes
    assert e  # the rows follow child id, then start
    return [
        ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"],
        [str(c["ada"]), "01/05/2011", "M", "22/11/2026", "23/11/2026"],
        [str(c["cara"]), "15/06/2012", "M", "30/03/2026", "02/04/2026"],
        [str(c["dev"]), "10/09/2008", "M", "01/06/2026", "01/06/2026"],
        [str(c["eli"]), "01/01/2013", "M", "01/05/2026", ""],
        [str(c["eli"]), "01/01/2013", "M", "10/05/2026", "11/05/2026"],
        [str(c["fay"]), "02/02/2011", "M", "01/07/2026", "05/07/2026"],
        [str(c["fay"]), "02/02/2011", "M", "03/07/2026", "04/07/2026"],
        [str(c["gus"]), "03/03/2010", "M", "01/08/2026", "02/08/2026"],
        [str(c["gus"]), "03/03/2010", "M", "04/08/2026", "05/08/2026"],
        [str(c["hal"]), "12/12/2012", "M", "10/09/2026", "08/09/2026"],
        [str(c["iva"]), "01/06/2026", "M", "20/05/2026", "02/06/2026"],
        [str(c["kit"]), "01/01/2012", "", "10/04/2026", "10/04/2026"],
    ]


def _problems(k: Known) -> list[list[str]]:
    c, e = k.children, k.episodes
    return [
        ["Child", "Episode", "Went missing", "Problem", "DfE rule"],
        [
            str(c["eli"]),
            str(e["e1"]),
            "01/05/2026",
            "no end date, but the child's next episode began on 10/05/2026: only the last "
            "episode may be left open.",
            "574",
        ],
        [
            str(c["fay"]),
            str(e["f1"]),
            "01/07/2026",
            f"overlaps the child's next episode (episode {e['f2']}, which began on 03/07/2026 "
            "before this one ended on 05/07/2026).",
            "574",
        ],
        [
            str(c["hal"]),
            str(e["h1"]),
            "10/09/2026",
            "the end date 08/09/2026 is before the start date 10/09/2026.",
            "567",
        ],
        [
            str(c["iva"]),
            str(e["i1"]),
            "20/05/2026",
            "the start date 20/05/2026 is before the child's date of birth 01/06/2026.",
            "",
        ],
        [
            str(c["kit"]),
            str(e["k1"]),
            "10/04/2026",
            "whether the child was missing (M) or away without authorisation (A) is not recorded.",
            "566",
        ],
    ]


def test_the_ssda903_table_is_checked_and_downloads_only_when_chosen(app, world):
    known = _build(app, world)
    manager = _signed_in(app, world, "manager_a")
    page = manager.get("/service/exports?export=ssda903&year=2026")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "12 rows" in html and "5 problems found" in html
    assert (
        f"Child {known.children['hal']}, episode {known.episodes['h1']} (10/09/2026): the end"
        in (html.replace("&#39;", "'"))
    )
    # Not without choosing: the download sends them back to the problems.
    plain = manager.get("/service/exports/download?export=ssda903&year=2026")
    assert plain.status_code == 302 and "/service/exports?" in plain.headers["Location"]
    anyway = manager.get("/service/exports/download?export=ssda903&year=2026&anyway=1")
    assert anyway.mimetype == "text/csv"
    assert "ssda903-missing-2026-2027.csv" in anyway.headers["Content-Disposition"]
    assert _read(anyway) == _ssda903_2026(known)
    problems = manager.get("/service/exports/problems?export=ssda903&year=2026")
    assert _read(problems) == _problems(known)
    with app.app_context():
        events = db.session.execute(
            select(AuditEvent.action, AuditEvent.user_id, AuditEvent.detail)
            .where(AuditEvent.action.like("export.%"))
            .order_by(AuditEvent.id)
        ).all()
    assert [e.action for e in events] == ["export.check", "export.download", "export.problems"]
    assert all(e.user_id == world.users["manager_a"] for e in events)
    assert events[1].detail == (
        "ssda903 collection year 01/04/2026 to 31/03/2027: 12 rows, 5 problems, downloaded anyway"
    )


def test_an_episode_spanning_31_march_is_open_at_the_end_of_the_earlier_year(app, world):
    known = _build(app, world)
    manager = _signed_in(app, world, "manager_a")
    html = manager.get("/service/exports?export=ssda903&year=2025").get_data(as_text=True)
    assert "1 row." in html and "No problems found" in html
    table = _read(manager.get("/service/exports/download?export=ssda903&year=2025"))
    # Still missing at 31 March 2026: no end in that year's table.
    assert table == [
        ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"],
        [str(known.children["cara"]), "15/06/2012", "M", "30/03/2026", ""],
    ]


def test_the_ssd_table(app, world):
    known = _build(app, world)
    c, e = known.children, known.episodes
    manager = _signed_in(app, world, "manager_a")
    table = _read(manager.get("/service/exports/download?export=ssd&year=2026&anyway=1"))

    def row(ep: str, who: str, start: str, kind: str, end: str, offered: str, accepted: str):
        return [str(e[ep]), str(c[who]), start, kind, end, offered, accepted]

    assert table == [
        [
            "miss_table_id",
            "miss_la_person_id",
            "miss_mis_epi_start",
            "miss_mis_epi_type",
            "miss_mis_epi_end",
            "miss_mis_epi_rhi_offered",
            "miss_mis_epi_rhi_accepted",
        ],
        row("a", "ada", "2026-11-22 06:00", "M", "2026-11-23 02:00", "N", ""),
        row("c1", "cara", "2026-03-30 13:00", "M", "2026-04-02 10:00", "Y", "Y"),
        row("d1", "dev", "2026-06-01 12:00", "M", "2026-06-01 21:00", "Y", "Y"),
        row("d2", "dev", "2026-10-01 12:00", "M", "2026-10-02 12:00", "Y", "Y"),
        row("e1", "eli", "2026-05-01 11:00", "M", "", "NA", ""),
        row("e2", "eli", "2026-05-10 11:00", "M", "2026-05-11 11:00", "N", ""),
        row("f1", "fay", "2026-07-01 11:00", "M", "2026-07-05 11:00", "N", ""),
        row("f2", "fay", "2026-07-03 11:00", "M", "2026-07-04 11:00", "N", ""),
        row("g1", "gus", "2026-08-01 11:00", "M", "2026-08-02 11:00", "Y", "Y"),
        row("g2", "gus", "2026-08-04 11:00", "M", "2026-08-05 11:00", "Y", "Y"),
        row("h1", "hal", "2026-09-10 11:00", "M", "2026-09-08 11:00", "N", ""),
        row("i1", "iva", "2026-05-20 11:00", "M", "2026-06-02 11:00", "N", ""),
        row("j1", "jo", "2026-11-20 10:00", "M", "2026-11-21 10:00", "Y", "N"),
        row("k1", "kit", "2026-04-10 11:00", "", "2026-04-10 19:00", "N", ""),
    ]
    assert _read(manager.get("/service/exports/problems?export=ssd&year=2026")) == _problems(known)


EPISODE_HEADERS = [
    "Child ID",
    "Child",
    "Episode ID",
    "Went missing",
    "Came back",
    "Interview offered",
    "Date of offer",
    "Accepted",
    "Date held",
    "Held within 72 hours",
]


def test_the_list_for_inspectors_and_the_72_hour_edge(app, world):
    known = _build(app, world)
    c, e = known.children, known.episodes
    manager = _signed_in(app, world, "manager_a")
    url = "/service/exports/download?export=episodes&start=2026-04-01&end=2026-11-30&anyway=1"
    table = _read(manager.get(url))

    def row(ep: str, who: str, name: str, cells: str) -> list[str]:
        """The cells after the episode id, "|" between them."""
        return [str(c[who]), name, str(e[ep]), *cells.split("|")]

    none = "No|||"  # not offered: no date of offer, no answer, not held
    assert table == [
        EPISODE_HEADERS,
        row("a", "ada", "Ada Alpha", f"22/11/2026 06:00|23/11/2026 02:00|{none}|Not yet"),
        # Held 71:59 after the return: within. Offer and holding in BST.
        row(
            "c1",
            "cara",
            "Cara Test",
            "30/03/2026 13:00|02/04/2026 10:00|Yes|02/04/2026 12:00|Yes|05/04/2026 09:59|Yes",
        ),
        # Exactly 72:00: the deadline has passed (rhi/deadlines.py).
        row(
            "d1",
            "dev",
            "Dev Test",
            "01/06/2026 12:00|01/06/2026 21:00|Yes|01/06/2026 22:00|Yes|04/06/2026 21:00|No",
        ),
        # 72:01.
        row(
            "d2",
            "dev",
            "Dev Test",
            "01/10/2026 12:00|02/10/2026 12:00|Yes|02/10/2026 13:00|Yes|05/10/2026 12:01|No",
        ),
        # Still missing: no interview is due, so none is said to have been offered or not.
        row("e1", "eli", "Eli Test", "01/05/2026 11:00||||||"),
        row("e2", "eli", "Eli Test", f"10/05/2026 11:00|11/05/2026 11:00|{none}|No"),
        row("f1", "fay", "Fay Test", f"01/07/2026 11:00|05/07/2026 11:00|{none}|No"),
        row("f2", "fay", "Fay Test", f"03/07/2026 11:00|04/07/2026 11:00|{none}|No"),
        # One interview for both: four days after the first return, one after the second.
        row(
            "g1",
            "gus",
            "Gus Test",
            "01/08/2026 11:00|02/08/2026 11:00|Yes|05/08/2026 13:00|Yes|06/08/2026 11:00|No",
        ),
        row(
            "g2",
            "gus",
            "Gus Test",
            "04/08/2026 11:00|05/08/2026 11:00|Yes|05/08/2026 13:00|Yes|06/08/2026 11:00|Yes",
        ),
        row("h1", "hal", "Hal Test", f"10/09/2026 11:00|08/09/2026 11:00|{none}|No"),
        row("i1", "iva", "Iva Test", f"20/05/2026 11:00|02/06/2026 11:00|{none}|No"),
        # A name beginning with @ is shown, never run, by a spreadsheet.
        row(
            "j1",
            "jo",
            "'@Jo Test",
            "20/11/2026 10:00|21/11/2026 10:00|Yes|21/11/2026 11:00|No||Not yet",
        ),
        row("k1", "kit", "Kit Test", f"10/04/2026 11:00|10/04/2026 19:00|{none}|No"),
    ]
    # Only what overlaps the period: from 3 April, Cara's return on 2 April is left out.
    later = _read(
        manager.get(
            "/service/exports/download?export=episodes&start=2026-04-03&end=2026-11-30&anyway=1"
        )
    )
    assert str(e["c1"]) not in [r[2] for r in later]
    assert len(later) == len(table) - 1


def test_one_query_whatever_the_number_of_rows(app, world):
    _build(app, world)
    manager = _signed_in(app, world, "manager_a")
    url = "/service/exports/download?export=episodes&start=2026-04-01&end=2026-11-30&anyway=1"
    manager.get(url)
    with statements(app) as few:
        manager.get(url)
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == "RHI A"))
        for n in range(20):
            kid = Child(
                first_name=f"Extra{n}",
                last_name="Test",
                date_of_birth=date(2012, 1, 1),
                legal_status="looked_after",
                team=team,
            )
            db.session.add(
                Episode(
                    child=kid,
                    risk_grade="Low",
                    dfe_type="A",
                    started_at=_at("2026-09-01 10:00"),
                    returned_at=_at("2026-09-01 12:00"),
                    assigned_team=team,
                )
            )
        db.session.commit()
    with statements(app) as many:
        manager.get(url)
    assert len(many) == len(few)
    selects = [s for s in many if "FROM episodes" in s and "interview_episodes" in s]
    assert len(selects) == 1


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2026-05-01", "2026-04-01", "The period ends before it starts"),
        ("2020-01-01", "2025-01-01", "The period is longer than 5 years"),
        ("not a date", "2026-04-01", "Enter the first day, for example 2026-04-01."),
        # A probe: a year slipped to 9999 answered 500 on every oversight page and export.
        ("9999-12-30", "9999-12-31", "Choose dates from 2000 to 2100."),
    ],
)
def test_a_period_that_cannot_be_exported_is_refused_with_a_message(
    app, world, start, end, message
):
    manager = _signed_in(app, world, "manager_a")
    url = f"/service/exports?export=episodes&start={start}&end={end}"
    html = manager.get(url).get_data(as_text=True)
    assert message in html and "There is a problem" in html
    download = manager.get(url.replace("/exports?", "/exports/download?") + "&anyway=1")
    assert download.status_code == 302
    with app.app_context():
        assert not db.session.scalar(
            select(AuditEvent.id).where(AuditEvent.action.like("export.%"))
        )


def test_five_years_exactly_is_allowed_and_a_future_year_is_not(app, world):
    manager = _signed_in(app, world, "manager_a")
    ok = manager.get("/service/exports?export=episodes&start=2020-01-01&end=2024-12-31")
    assert "There is a problem" not in ok.get_data(as_text=True)
    future = manager.get("/service/exports?export=ssda903&year=2027").get_data(as_text=True)
    assert "Choose a collection year from 2000 to 2026." in future


def test_another_teams_manager_sees_none_of_them_and_others_are_refused(app, world):
    known = _build(app, world)
    other = _signed_in(app, world, "manager_b")
    for url in (
        "/service/exports/download?export=ssda903&year=2026&anyway=1",
        "/service/exports/download?export=ssd&year=2026&anyway=1",
        "/service/exports/download?export=episodes&start=2026-04-01&end=2026-11-30&anyway=1",
    ):
        rows = _read(other.get(url))
        ids = {cell for line in rows[1:] for cell in line[:2]}
        assert not ids & {str(i) for i in known.children.values()} - {str(world.children["b"])}
    assert _read(other.get("/service/exports/download?export=ssda903&year=2026"))[1:] == []
    for key in ("worker_a", "social_worker", "admin"):
        web = _signed_in(app, world, key)
        assert web.get("/service/exports").status_code == 403, key
        assert web.get("/service/exports/download?export=ssd&year=2026").status_code == 403
        assert web.get("/service/exports/problems?export=ssd&year=2026").status_code == 403


def test_the_service_page_links_to_the_exports(app, world):
    manager = _signed_in(app, world, "manager_a")
    assert 'href="/service/exports"' in manager.get("/service").get_data(as_text=True)
    first = manager.get("/service/exports").get_data(as_text=True)
    assert 'value="2026"' in first and "There is a problem" not in first


def test_the_command_line(app, world, tmp_path: Path):
    known = _build(app, world)
    runner = app.test_cli_runner()
    out = tmp_path / "missing.csv"
    result = runner.invoke(args=["rhi", "export", "ssda903", "--year", "2026", "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert _read(out.read_text(encoding="utf-8-sig")) == _ssda903_2026(known)
    problems = tmp_path / "missing-problems.csv"
    assert _read(problems.read_text(encoding="utf-8-sig")) == _problems(known)
    assert f"Child {known.children['fay']}, episode {known.episodes['f1']}" in result.output
    assert "5 problems found" in result.output
    # One team: RHI B has no looked-after child.
    theirs = tmp_path / "b.csv"
    result = runner.invoke(
        args=["rhi", "export", "ssda903", "--year", "2026", "-o", str(theirs), "--team", "RHI B"]
    )
    assert result.exit_code == 0, result.output
    assert "No problems found" in result.output
    assert _read(theirs.read_text(encoding="utf-8-sig")) == [_ssda903_2026(known)[0]]
    ssd = tmp_path / "ssd.csv"
    result = runner.invoke(
        args=["rhi", "export", "ssd", "--year", "2026", "-o", str(ssd), "--team", "RHI A"]
    )
    assert result.exit_code == 1
    assert len(_read(ssd.read_text(encoding="utf-8-sig"))) == 15
    episodes = tmp_path / "episodes.csv"
    result = runner.invoke(
        args=[
            "rhi", "export", "episodes", "--from", "2026-04-01", "--to", "2026-11-30",
            "-o", str(episodes),
        ]
    )  # fmt: skip
    assert result.exit_code == 1
    rows = _read(episodes.read_text(encoding="utf-8-sig"))
    # All teams: Ben's two returns (team B, and a worker with no team) as well.
    assert rows[0] == EPISODE_HEADERS and len(rows) == 1 + 14 + 2
    refused = runner.invoke(
        args=[
            "rhi", "export", "episodes", "--from", "2026-04-01", "--to", "2026-03-01",
            "-o", str(tmp_path / "no.csv"),
        ]
    )  # fmt: skip
    assert refused.exit_code == 2 and "ends before it starts" in refused.output
    assert not (tmp_path / "no.csv").exists()
    unknown = runner.invoke(
        args=["rhi", "export", "ssd", "--year", "2026", "-o", str(ssd), "--team", "Nobody"]
    )
    assert unknown.exit_code == 2 and "no team has this name" in unknown.output
    with app.app_context():
        details = db.session.execute(
            select(AuditEvent.user_id, AuditEvent.detail)
            .where(AuditEvent.action == "export.download")
            .order_by(AuditEvent.id)  # in the order made: unordered, PostgreSQL may mix them
        ).all()
    assert [d.user_id for d in details] == [None, None, None, None]
    assert details[0].detail.endswith("(command line, all teams)")
    assert details[1].detail.endswith("(command line, team RHI B)")


def test_one_time_away_inside_another_on_the_same_day_is_a_problem(app, world):
    """Two episodes on 5 June, 10:00 to 18:00 and 12:00 to 13:00: the same dates, so the
    return's own check (574) passes, but rhi holds the times: one is recorded twice, or a time
    is mistyped. Before, nothing was said."""
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == "RHI A"))
        lou = Child(
            first_name="Lou",
            last_name="Test",
            date_of_birth=date(2012, 2, 2),
            legal_status="looked_after",
            team=team,
        )
        db.session.add(lou)
        for start, end in (
            ("2026-06-05 10:00", "2026-06-05 18:00"),
            ("2026-06-05 12:00", "2026-06-05 13:00"),
        ):
            db.session.add(
                Episode(
                    child=lou,
                    risk_grade="Medium",
                    dfe_type="M",
                    started_at=_at(start),
                    returned_at=_at(end),
                    assigned_team=team,
                )
            )
        db.session.commit()
        lou_id = lou.id
    manager = _signed_in(app, world, "manager_a")
    rows = _read(manager.get("/service/exports/problems?export=ssda903&year=2026"))
    (lous,) = [r for r in rows if r[0] == str(lou_id)]
    # Said in local time (British Summer Time: the times above are UTC).
    assert (
        "in time: it began at 5 Jun 2026 13:00, before this one ended at 5 Jun 2026 19:00"
        in (lous[3])
    ), lous


def test_a_child_who_goes_home_keeps_their_episodes_in_care_in_the_return(app, world):
    """A probe: the table read each child's legal status now, so a child who went home took
    every episode of their time in care out of the year's return, and a child who came into
    care brought their earlier episodes into it. Each return keeps the status it had; a status
    not known when the episode was made (a child made from the police's notification) is
    filled in when it is recorded."""
    known = _build(app, world)
    with app.app_context():
        cara = db.session.get(Child, known.children["cara"])
        cara.legal_status = "child_in_need"  # went home
        jo = db.session.get(Child, known.children["jo"])
        jo.legal_status = "looked_after"  # came into care after her return
        team = db.session.scalar(select(Team).where(Team.name == "RHI A"))
        nia = Child(
            first_name="Nia",
            last_name="Test",
            date_of_birth=date(2012, 5, 5),
            team=team,
        )
        db.session.add(
            Episode(
                child=nia,
                risk_grade="Medium",
                dfe_type="M",
                started_at=_at("2026-11-01 10:00"),
                returned_at=_at("2026-11-02 10:00"),
                assigned_team=team,
            )
        )
        db.session.commit()
        nia.legal_status = "looked_after"  # recorded after the notification made her episode
        db.session.commit()
        nia_id = nia.id
    manager = _signed_in(app, world, "manager_a")
    table = _read(manager.get("/service/exports/download?export=ssda903&year=2026&anyway=1"))
    # Cara's episode stays and Jo's is not brought in; Nia's, not known before, is in.
    assert table == [
        *_ssda903_2026(known),
        [str(nia_id), "05/05/2012", "M", "01/11/2026", "02/11/2026"],
    ]


def test_a_child_at_home_for_years_who_comes_into_care_keeps_their_old_returns_out(app, world):
    """A review: "None known" is what a child at home with no plan had, so filling it in on
    every return brought a child's old returns into the looked-after figures when they came
    into care. Only returns still open take it."""
    _build(app, world)
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == "RHI A"))
        ola = Child(first_name="Ola", last_name="Test", date_of_birth=date(2012, 7, 7), team=team)
        old = Episode(
            child=ola,
            risk_grade="Low",
            dfe_type="M",
            started_at=_at("2026-05-01 10:00"),
            returned_at=_at("2026-05-02 10:00"),
            assigned_team=team,
        )
        dealt_with = Interview(
            status="offered",
            due_at=old.returned_at + timedelta(hours=72),
            outcome="not_interviewed",
            outcome_reason="Spoken to by her school the same day.",
            content={},
        )
        dealt_with.episodes.append(old)
        db.session.add_all([ola, old, dealt_with])
        db.session.commit()
        assert old.closed_at is not None and old.legal_status == "none"
        ola.legal_status = "looked_after"  # came into care in the autumn
        db.session.commit()
        assert db.session.get(Episode, old.id).legal_status == "none"
        ola_id = ola.id
    manager = _signed_in(app, world, "manager_a")
    table = _read(manager.get("/service/exports/download?export=ssda903&year=2026&anyway=1"))
    assert not [row for row in table if row[0] == str(ola_id)]
