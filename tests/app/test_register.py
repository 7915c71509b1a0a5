"""The register of places, people, vehicles and phones across children (issue 15 item 3):
normalising, "possibly the same" (offered, never merged until a manager says so), counts of
children and episodes, access by role, audit, and the pack for a multi-agency meeting."""

from __future__ import annotations

import io
import re
from datetime import datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from rhi.extensions import db
from rhi.interviews import content as c
from rhi.models import AuditEvent, Child, Episode, Interview, RegisterDecision, Team
from rhi.oversight import register as reg
from tests.app.helpers import statements
from tests.conftest import Web
from tests.world import add_user

TAGS = re.compile(r"<[^>]+>")
WHEN = datetime(2026, 11, 20, 10, 0)


def _entry(app, kind: str, key: str) -> str:
    """An entry's id in links (keyed with the app's secret, so asked inside the app)."""
    with app.app_context():
        return reg.entry_id(kind, key)


def _text(html: str) -> str:
    return " ".join(TAGS.sub(" ", html).split())


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


# -- normalising and matching, without a database ----------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("07700 900123", "07700900123"),
        ("+44 7700 900123", "07700900123"),
        ("+44 (0)7700 900-123", "07700900123"),
        ("0044 7700 900123", "07700900123"),
        ("(0113) 496 0000", "01134960000"),
    ],
)
def test_phone_numbers_become_digits_as_dialled_at_home(typed, expected):
    assert reg.normalise_phone(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("ab12 cde", "AB12CDE"), (" AB12CDE ", "AB12CDE"), ("Ab12-cDe", "AB12CDE")],
)
def test_registrations_are_upper_case_without_spaces(typed, expected):
    assert reg.normalise_plate(typed) == expected


def test_registrations_and_phones_are_found_in_words():
    assert reg.find_plates("a black Golf, ab12 cde, and a van A123 BCD") == ["AB12CDE", "A123BCD"]
    assert reg.find_plates("a black Golf") == []
    assert reg.find_phones("Jay: +44 7700 900123 or 0113 496 0000; snap @jayr") == [
        "07700900123",
        "01134960000",
    ]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Beeston Park", "beeston park"),
        ("  beeston   park. ", "beeston park"),
        ("BEESTON-PARK", "beeston park"),
        ("Zoë's flat", "zoe s flat"),
    ],
)
def test_names_ignore_case_spacing_punctuation_and_accents(typed, expected):
    assert reg.normalise_text(typed) == expected


def mention(kind: str, words: str, child_id: int = 1, episodes: tuple[int, ...] = ()):
    key = {
        "phone": reg.normalise_phone,
        "vehicle": reg.normalise_plate,
    }.get(kind, reg.normalise_text)(words)
    return reg.Mention(kind, key, words, "", child_id, WHEN, episode_ids=episodes)


def _offers(entries: list[reg.Entry], name: str) -> list[str]:
    entry = next(e for e in entries if e.name == name)
    return [other.name for other, _score in entry.possibly]


def test_beeston_park_with_a_full_stop_is_the_same_entry_not_merely_possibly():
    entries = reg.build([mention("place", "Beeston Park", 1), mention("place", "beeston park.", 2)])
    assert len(entries) == 1
    assert entries[0].children == {1, 2}
    assert set(entries[0].spellings) == {"Beeston Park", "beeston park."}


def test_close_spellings_are_offered_and_never_merged():
    entries = reg.build(
        [
            mention("person", "Jay", 1),
            mention("person", "Jay R", 2),
            mention("place", "Beeston Park", 1),
            mention("place", "Beeston Prk", 2),
            mention("person", "Ada", 3),
            mention("person", "Ben", 4),
            mention("vehicle", "AB12 CDE", 1),
            mention("vehicle", "AB12 CDF", 2),
            mention("phone", "07700 900123", 1),
            mention("phone", "07700 900124", 2),
        ]
    )
    assert len(entries) == 10  # nothing joined
    assert _offers(entries, "Jay") == ["Jay R"]
    assert _offers(entries, "Jay R") == ["Jay"]
    assert _offers(entries, "Beeston Park") == ["Beeston Prk"]
    assert _offers(entries, "Ada") == [] and _offers(entries, "Ben") == []
    # One letter or digit apart is another car or another phone.
    assert _offers(entries, "AB12CDE") == [] and _offers(entries, "07700900123") == []


def test_the_same_joins_and_not_the_same_stops_the_offer():
    mentions = [mention("person", "Jay", 1, (10,)), mention("person", "Jay R", 2, (20, 21))]
    joined = reg.build(mentions, {("person", "jay", "jay r"): True})
    assert len(joined) == 1
    assert joined[0].children == {1, 2} and joined[0].episodes == {10, 20, 21}
    apart = reg.build(mentions, {("person", "jay", "jay r"): False})
    assert len(apart) == 2 and all(not e.possibly for e in apart)


def test_profiles_give_people_places_phones_and_registrations():
    found = reg.profile_mentions(
        7,
        {
            "friends_and_associates": (
                "Jay (older, drives a Golf AB12 CDE)\nKez; 07700 900123\nDee 07700 900555"
            ),
            "places_known": "Beeston Park\nThe flat above the shops, Harehills",
            "phones_and_social_media": "+44 7700 900999",
            "transport": None,
        },
        {
            name: WHEN
            for name in (
                "friends_and_associates",
                "places_known",
                "phones_and_social_media",
                "transport",
            )
        },
    )
    keys = {(m.kind, m.key) for m in found}
    assert ("person", "jay") in keys and ("person", "kez") in keys and ("person", "dee") in keys
    assert ("phone", "07700900555") in keys
    assert ("place", "beeston park") in keys and ("place", "the flat above the shops") in keys
    assert ("vehicle", "AB12CDE") in keys
    assert ("phone", "07700900123") in keys and ("phone", "07700900999") in keys
    assert not any(m.kind == "person" and m.key.isdigit() for m in found)


def test_pseudonyms_and_redaction():
    entries = reg.build([mention("place", "Park", 5), mention("place", "Park", 9)])
    assert reg.pseudonyms(entries) == {5: "Child A", 9: "Child B"}
    assert reg.redact("Ada's nan's flat; ADA", {"Ada": "Child A"}) == (
        "Child A's nan's flat; Child A"
    )
    assert reg.redact("Adam's flat", {"Ada": "Child A"}) == "Adam's flat"


# -- the pages ------------------------------------------------------------------------------


def _findings(places=(), people=()) -> dict:
    document = c.empty_content()
    for kind, entries in (("places", places), ("people", people)):
        for entry in entries:
            document, item = c.add_item(document, kind)
            for name, value in entry.items():
                document = c.set_field(document, f"{kind}.{item}.{name}", value)
    return document


def _register_world(app, world) -> dict[str, int]:
    """Team A: Ada's interview, and Cara's interview covering two returns; Ada's profile.
    Team B: Ben's interview, naming Beeston Park too (not team A's to see)."""
    with app.app_context():
        team_a = db.session.scalar(select(Team).where(Team.name == "RHI A"))
        ada_interview = db.session.scalar(
            select(Interview).where(Interview.uuid == world.interviews["a"])
        )
        ada_interview.content = _findings(
            places=[{"name": "Beeston Park", "area": "Leeds"}],
            people=[
                {
                    "name": "Jay",
                    "age": "about 20",
                    "phone": "+44 7700 900123",
                    "vehicle": "black Golf ab12 cde",
                },
                {"name": "Secret Sam", "private": True},
            ],
        )
        ada = ada_interview.child
        ada.friends_and_associates = "Jay (drives a black Golf)\nKez"
        ada.phones_and_social_media = "07700 900123"
        cara = Child(
            first_name="Cara",
            last_name="Cole",
            date_of_birth=datetime(2010, 3, 4).date(),
            ethnicity="white_british",
            team_id=team_a.id,
        )
        now = datetime(2026, 11, 22, 9, 0)
        first, second = (
            Episode(
                child=cara,
                risk_grade="Low",
                started_at=now - timedelta(hours=hours + 5),
                returned_at=now - timedelta(hours=hours),
                assigned_team_id=team_a.id,
            )
            for hours in (30, 4)
        )
        cara_interview = Interview(
            status="in_progress",
            due_at=second.returned_at + timedelta(hours=72),
            content=_findings(
                places=[{"name": "beeston park."}, {"name": "Ada's nan's flat"}],
                people=[{"name": "Jay R", "phone": "07700 900123", "vehicle": "AB12CDE"}],
            ),
        )
        cara_interview.episodes.extend([first, second])
        ben_interview = db.session.scalar(
            select(Interview).where(Interview.uuid == world.interviews["b"])
        )
        ben_interview.content = _findings(places=[{"name": "Beeston Park"}])
        db.session.add_all([cara, first, second, cara_interview])
        add_user("coordinator_a", "coordinator", team_a)
        db.session.commit()
        return {"cara": cara.id, "cara_first": first.id, "cara_second": second.id}


def _row(html: str, name: str) -> str:
    """The text of the register's row for an entry."""
    for row in re.findall(r"<tr>.*?</tr>", html, flags=re.S):
        if re.search(r">\s*" + re.escape(name) + r"\s*</a>", row):
            return _text(row)
    raise AssertionError(f"no row for {name}")


def _signed_in(app, email: str) -> Web:
    web = Web(app.test_client())
    web.sign_in(email)
    return web


def _audit(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        rows = list(
            db.session.scalars(
                select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            )
        )
        for row in rows:
            db.session.expunge(row)
        return rows


def test_the_register_counts_children_and_episodes_across_the_teams_interviews(app, world_i):
    _register_world(app, world_i)
    manager = _signed_in(app, world_i.emails["manager_a"])
    html = manager.get("/service/register").get_data(as_text=True)
    assert "Places, people, vehicles and phones across children" in html
    # Beeston Park: Ada's return, and Cara's interview covering two returns; not Ben's (team B).
    row = _row(html, "Beeston Park")
    assert row.startswith("Beeston Park (also written: beeston park.) Place 2 3 ")
    assert "22 Nov 2026" in row or "23 Nov 2026" in row
    # The phone, typed three ways (+44, spaces, the profile): one entry, two children.
    phone = _row(html, "07700900123")
    assert "also written:" in phone and "+44 7700 900123" in phone and "07700 900123" in phone
    assert " Phone 2 " in phone
    assert " Vehicle 2 " in _row(html, "AB12CDE")
    # Jay and Jay R: possibly the same, not joined.
    assert _row(html, "Jay").endswith("Jay R")
    assert " Person 1 1 " in _row(html, "Jay")
    assert "Secret Sam" in html and "kept back" in _row(html, "Secret Sam")
    (viewed,) = _audit(app, "register.view")
    assert viewed.user_id == world_i.users["manager_a"] and viewed.outcome == "ok"
    # Team B's manager sees Ben's Beeston Park only, none of team A's.
    other = _signed_in(app, world_i.emails["manager_b"]).get("/service/register")
    theirs = other.get_data(as_text=True)
    assert " Place 1 1 " in _row(theirs, "Beeston Park")
    assert "Jay" not in theirs and "07700" not in theirs


def test_an_entry_links_to_its_interviews_and_children_and_is_audited(app, world_i):
    ids = _register_world(app, world_i)
    manager = _signed_in(app, world_i.emails["manager_a"])
    entry_id = _entry(app, "place", "beeston park")
    html = manager.get(f"/service/register/entries/{entry_id}").get_data(as_text=True)
    assert "Place: Beeston Park" in html
    assert f'href="/interviews/{world_i.interviews["a"]}"' in html
    assert f'href="/children/{ids["cara"]}"' in html
    assert "Cara Cole" in html and "Ada Alpha" in html
    assert "(2 episodes)" in _text(html)
    (viewed,) = _audit(app, "register.entry")
    assert viewed.object_id == entry_id and viewed.detail is None
    # The link is just a link: the interview page checks access (team B's manager: refused).
    other = _signed_in(app, world_i.emails["manager_b"])
    assert other.get(f"/interviews/{world_i.interviews['a']}").status_code == 404
    assert other.get(f"/service/register/entries/{_entry(app, 'person', 'jay')}").status_code == (
        404
    )


def test_a_manager_confirms_the_same_and_not_the_same(app, world_i):
    _register_world(app, world_i)
    manager = _signed_in(app, world_i.emails["manager_a"])
    jay = _entry(app, "person", "jay")
    jay_r = _entry(app, "person", "jay r")
    page = f"/service/register/entries/{jay}"
    assert "Jay R" in manager.get(page).get_data(as_text=True)
    response = manager.post(
        f"/service/register/entries/{jay}/decide", {"other": jay_r, "same": "yes"}, page=page
    )
    assert response.status_code == 302
    html = manager.get("/service/register").get_data(as_text=True)
    row = _row(html, "Jay")
    assert row.startswith("Jay (also written: Jay R) Person 2 3 ")  # Ada's return, Cara's two
    assert "confirmed the same by Manager A" in _text(manager.get(page).get_data(as_text=True))
    with app.app_context():
        (decision,) = db.session.scalars(select(RegisterDecision)).all()
        assert (decision.kind, decision.key_a, decision.key_b, decision.same) == (
            "person",
            "jay",
            "jay r",
            True,
        )
        assert decision.decided_by_id == world_i.users["manager_a"]
    # Changed minds: not the same after all. They part, and are not offered again.
    manager.post(
        f"/service/register/entries/{jay}/decide",
        {"this": jay, "other": jay_r, "same": "no"},
        page=page,
    )
    html = manager.get("/service/register").get_data(as_text=True)
    assert " Person 1 1 " in _row(html, "Jay") and _row(html, "Jay").endswith("None")
    assert " Person 1 2 " in _row(html, "Jay R")
    assert [e.detail for e in _audit(app, "register.decide")] == [
        f"{jay} same as {jay_r}",
        f"{jay} not the same as {jay_r}",
    ]
    # Only entries of this register, of the same kind, can be paired.
    for other in (_entry(app, "person", "nobody"), _entry(app, "place", "beeston park")):
        refused = manager.post(
            f"/service/register/entries/{jay}/decide", {"other": other, "same": "yes"}, page=page
        )
        assert refused.status_code == 400
    # Another team's register knows nothing of it.
    with app.app_context():
        assert db.session.scalar(select(RegisterDecision.team_id).limit(1)) == db.session.scalar(
            select(Team.id).where(Team.name == "RHI A")
        )


@pytest.mark.parametrize(
    "key", ["coordinator_a", "worker_a", "social_worker", "admin", "social_worker_other"]
)
def test_only_managers_see_the_register(app, world_i, key):
    _register_world(app, world_i)
    with app.app_context():
        from rhi.models import User

        email = db.session.scalar(select(User.email).where(User.email.startswith(key + "@")))
    web = _signed_in(app, email)
    jay = _entry(app, "person", "jay")
    assert web.get("/service/register").status_code == 403
    assert web.get(f"/service/register/entries/{jay}").status_code == 403
    assert web.post("/service/register/pack.pdf", {"prepared_for": "Panel"}).status_code == 403
    decide = f"/service/register/entries/{jay}/decide"
    jay_r = _entry(app, "person", "jay r")
    assert web.post(decide, {"other": jay_r, "same": "yes"}).status_code == 403
    refused = _audit(app, "register.view") + _audit(app, "register.entry")
    refused += _audit(app, "register.pack") + _audit(app, "register.decide")
    assert len(refused) == 4 and all(e.outcome == "refused" for e in refused)
    with app.app_context():
        assert db.session.scalar(select(RegisterDecision.id)) is None


def _pack(manager: Web, form: dict[str, str]) -> bytes:
    """The pack asked for with `form`, prepared (in this process), and downloaded."""
    asked = manager.post("/service/register/pack.pdf", form, page="/service/register")
    return manager.get(asked.headers["Location"] + "/file").data


def _ended_and_shared(app, world) -> None:
    """Team A's interviews finished, each child agreeing to share everything with the police
    and other agencies: what a pack may hold (tests/app/test_register_pack_sharing.py)."""
    with app.app_context():
        for interview in db.session.scalars(
            select(Interview).where(Interview.uuid != world.interviews["b"])
        ):
            document = interview.content
            for reader in ("police", "other"):
                document = c.set_field(document, f"consent.{reader}.answer", "yes")
            interview.content = document
            interview.status, interview.outcome = "finished", "held"
        db.session.commit()


def test_the_pack_is_marked_and_pseudonymised_by_default(app, world_i):
    _register_world(app, world_i)
    _ended_and_shared(app, world_i)
    manager = _signed_in(app, world_i.emails["manager_a"])
    asked = manager.post(
        "/service/register/pack.pdf",
        {"prepared_for": "Leeds MACE panel", "across": "1"},
        page="/service/register",
    )
    assert asked.status_code == 303  # prepared as a job: made once this request is over
    waiting = manager.get(asked.headers["Location"]).get_data(as_text=True)
    assert "The pack for a multi-agency exploitation meeting (PDF)" in waiting
    assert "It is ready." in waiting
    response = manager.get(asked.headers["Location"] + "/file")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert 'filename="rhi-register-' in response.headers["Content-Disposition"]
    text = pdf_text(response.data)
    assert "OFFICIAL-SENSITIVE" in text
    assert "Prepared for Leeds MACE panel" in text
    assert "Child A" in text and "Child B" in text
    for name in ("Ada", "Alpha", "Cara", "Cole"):
        assert name not in text
    assert "Beeston Park" in text and "AB12CDE" in text
    assert "Kez" not in text  # one child only: not "across children"
    (packed,) = _audit(app, "register.pack")
    assert packed.detail.startswith("pseudonymised;")
    # Everything, single-child entries too: a child's name in an entry becomes the pseudonym,
    # and what the child asked to keep back stays out.
    everything = pdf_text(_pack(manager, {"prepared_for": "Panel"}))
    assert "Kez" in everything and "nan's flat" in everything
    assert "Ada" not in everything and "Secret Sam" not in everything
    named = pdf_text(_pack(manager, {"prepared_for": "Panel", "names": "1"}))
    assert "Ada Alpha" in named and "Cara Cole" in named and "Child A" not in named
    assert _audit(app, "register.pack")[-1].detail.startswith("names shown;")


def test_a_period_with_more_interviews_than_are_read_says_so(app, world_i, monkeypatch):
    _register_world(app, world_i)
    monkeypatch.setattr(reg, "MOST_INTERVIEWS", 1)
    manager = _signed_in(app, world_i.emails["manager_a"])
    text = _text(manager.get("/service/register").get_data(as_text=True))
    assert "1 interview read. The period holds more than that: these are the newest." in text


def test_the_register_takes_as_many_queries_for_many_interviews_as_for_few(app, world_i):
    ids = _register_world(app, world_i)
    manager = _signed_in(app, world_i.emails["manager_a"])
    manager.get("/service/register")  # the session's first page writes the session too
    with statements(app) as few:
        manager.get("/service/register")
    with app.app_context():
        for n in range(4):
            episode = db.session.get(Episode, ids["cara_first"])
            more = Interview(
                status="in_progress",
                due_at=episode.returned_at + timedelta(hours=72),
                content=_findings(places=[{"name": f"Park {n}"}], people=[{"name": f"P{n}"}]),
            )
            more.episodes.append(episode)
            db.session.add(more)
        db.session.commit()
    with statements(app) as many:
        html = manager.get("/service/register").get_data(as_text=True)
    assert "6 interviews read." in html
    assert len(many) == len(few)


def test_a_bad_period_is_named_and_the_last_12_months_shown(app, world_i):
    _register_world(app, world_i)
    manager = _signed_in(app, world_i.emails["manager_a"])
    html = manager.get("/service/register?period=custom&start=2026-11-19&end=2026-11-17")
    text = _text(html.get_data(as_text=True))
    assert "The period ends before it starts" in text
    assert "Showing the last 12 months instead." in text
    assert "24 Nov 2025 to 23 Nov 2026" in text


@pytest.mark.parametrize(
    "page", ["/service", "/service/survey", "/service/disparities", "/service/repeats"]
)
def test_a_year_past_the_calendar_is_named_not_a_500(app, world_i, page):
    """A probe: 9999-12-30 to 9999-12-31 answered 500 on every oversight page."""
    _register_world(app, world_i)
    manager = _signed_in(app, world_i.emails["manager_a"])
    for path in (page, "/service/register"):
        response = manager.get(f"{path}?period=custom&start=9999-12-30&end=9999-12-31")
        assert response.status_code in (200, 400), path
        assert "Choose dates from 2000 to 2100." in _text(response.get_data(as_text=True))


def test_the_pack_needs_a_meeting_named(app, world_i):
    _register_world(app, world_i)
    manager = _signed_in(app, world_i.emails["manager_a"])
    response = manager.post(
        "/service/register/pack.pdf", {"prepared_for": " "}, page="/service/register"
    )
    assert response.status_code == 302
    page = manager.get(response.headers["Location"]).get_data(as_text=True)
    assert "Enter the name of the meeting the pack is prepared for" in page
    assert _audit(app, "register.pack") == []


def test_an_entrys_address_is_not_a_plain_digest_of_its_phone_number(app, world_i):
    """An entry's id in its address was SHA-256 of the number: ten or eleven digits, so
    anyone with an address (a log, a browser's history) found the number by trying them all.
    It is keyed with the app's secret now: the same number under another secret is another id."""
    import hashlib

    number = "07700900123"
    plain = hashlib.sha256(f"phone\0{number}".encode()).hexdigest()[:16]
    ours = _entry(app, "phone", number)
    assert ours != plain and len(ours) == 16
    app.config["SECRET_KEY"] = "another-secret-" + "x" * 30
    assert _entry(app, "phone", number) != ours


def test_where_children_were_found_is_a_place_of_the_register(app, world_i):
    """A probe: the place a child was found, from the police's found notification, never reached
    the register, which read only interviews and profiles."""
    _register_world(app, world_i)
    with app.app_context():
        team_a = db.session.scalar(select(Team).where(Team.name == "RHI A"))
        dee = Child(
            first_name="Dee",
            last_name="Dale",
            date_of_birth=datetime(2011, 6, 7).date(),
            team_id=team_a.id,
        )
        found = Episode(
            child=dee,
            risk_grade="Low",
            started_at=datetime(2026, 11, 21, 9, 0),
            returned_at=datetime(2026, 11, 21, 18, 0),
            found_where="Beeston Park",
            assigned_team_id=team_a.id,
        )
        db.session.add_all([dee, found])
        db.session.commit()
        found_id = found.id
    manager = _signed_in(app, world_i.emails["manager_a"])
    html = manager.get("/service/register").get_data(as_text=True)
    # Ada, Cara and now Dee; Ada's return, Cara's two and Dee's.
    assert _row(html, "Beeston Park").startswith(
        "Beeston Park (also written: beeston park.) Place 3 4 "
    )
    entry = manager.get(f"/service/register/entries/{_entry(app, 'place', 'beeston park')}")
    assert f'<a href="/episodes/{found_id}">Where found, on the return</a>' in entry.get_data(
        as_text=True
    )
    # Not team B's to see.
    theirs = _signed_in(app, world_i.emails["manager_b"]).get("/service/register")
    assert " Place 1 1 " in _row(theirs.get_data(as_text=True), "Beeston Park")


def test_found_places_past_the_most_read_say_the_period_holds_more(app, world_i, monkeypatch):
    """A review: the places where children were found stopped at the most the register reads
    without a word, so a busy period's places fell out of its counts unsaid."""
    ids = _register_world(app, world_i)
    monkeypatch.setattr(reg, "MOST_INTERVIEWS", 2)  # team A's two interviews: all read
    manager = _signed_in(app, world_i.emails["manager_a"])
    said = "The period holds more than that"
    assert said not in manager.get("/service/register").get_data(as_text=True)
    with app.app_context():
        for key, where in (("cara_first", "Kirkgate Market"), ("cara_second", "Leeds station")):
            db.session.get(Episode, ids[key]).found_where = where
        db.session.get(Episode, world_i.episodes["a"]).found_where = "Roundhay Park"
        db.session.commit()
    assert said in manager.get("/service/register").get_data(as_text=True)
