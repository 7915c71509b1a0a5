"""The register's pack for a multi-agency exploitation meeting holds only what the children
shared: items of ended interviews that rhi/sharing.py's copies for the police and for other
agencies both hold, never an interview still under way, never a name that comes only from what
a child did not share ("possibly the same as" included), and each child in it is audited."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from sqlalchemy import select

from rhi.extensions import db
from rhi.interviews import content as c
from rhi.models import AuditEvent, Child, Episode, Interview, Team
from rhi.models.base import utcnow
from rhi.oversight import register as reg
from rhi.sharing import view_for
from tests.conftest import Web

# The readers the pack is for (rhi/oversight/register.py PACK_READERS).
PACK_READERS = ("police", "other")


def _entry(app, kind: str, key: str) -> str:
    """An entry's id in links (keyed with the app's secret, so asked inside the app)."""
    with app.app_context():
        return reg.entry_id(kind, key)


def pdf_text(data: bytes) -> str:
    """The PDF's words as a reader sees them, lines joined (a sentence may wrap)."""
    pages = (page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(" ".join(pages).split())


def document(
    places: Sequence[dict[str, Any]] = (),
    people: Sequence[dict[str, Any]] = (),
    consent: dict[str, str] | None = None,
) -> dict[str, Any]:
    """An interview's content, built the way the pages save it (rhi.interviews.content).
    `consent`: "consent.<recipient>.<field>" -> value."""
    doc = c.empty_content()
    for kind, entries in (("places", places), ("people", people)):
        for entry in entries:
            doc, item = c.add_item(doc, kind)
            for name, value in entry.items():
                doc = c.set_field(doc, f"{kind}.{item}.{name}", value)
    for path, value in (consent or {}).items():
        doc = c.set_field(doc, path, value)
    return doc


def everyone(answer: str) -> dict[str, str]:
    return {f"consent.{who}.answer": answer for who in ("social_worker", "police", "other")}


def add_interview(app, content: dict[str, Any], *, ended: bool, first_name: str = "Zed") -> int:
    """A child of team A with one return and its interview: finished (held) when `ended`, else
    under way. Returns the child's id."""
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == "RHI A"))
        now = utcnow()
        child = Child(
            first_name=first_name,
            last_name="Quill",
            date_of_birth=date(2010, 1, 1),
            ethnicity="white_british",
            team_id=team.id,
        )
        episode = Episode(
            child=child,
            risk_grade="Medium",
            started_at=now - timedelta(days=3),
            returned_at=now - timedelta(days=2),
            assigned_team_id=team.id,
        )
        interview = Interview(
            status="finished" if ended else "in_progress",
            outcome="held" if ended else None,
            held_at=now - timedelta(days=1),
            finished_at=now - timedelta(days=1) if ended else None,
            due_at=episode.returned_at + timedelta(hours=72),
            content=content,
        )
        interview.episodes.append(episode)
        db.session.add_all([child, episode, interview])
        db.session.commit()
        return child.id


def manager(app, world) -> Web:
    web = Web(app.test_client())
    web.sign_in(world.emails["manager_a"])
    return web


def pack(web: Web, **form: str) -> str:
    """The pack asked for as the register page asks (prepared in this process), as text."""
    asked = web.post("/service/register/pack.pdf", {"prepared_for": "Leeds MACE", **form}, page="/")
    assert asked.status_code == 303
    response = web.get(asked.headers["Location"] + "/file")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return pdf_text(response.data)


def test_what_the_child_did_not_agree_to_share_is_not_in_the_pack(app, world_i):
    """The probe's case: said "no" to the police, the social worker and other agencies."""
    refused = document(
        places=[{"name": "Secret Garage Leeds"}],
        people=[{"name": "Big Tony", "phone": "07700 900123", "vehicle": "KX19 LMN"}],
        consent=everyone("no"),
    )
    add_interview(app, refused, ended=True)
    police_only = document(
        places=[{"name": "Copper Mill"}],
        consent={"consent.police.answer": "yes", "consent.social_worker.answer": "yes"},
    )
    add_interview(app, police_only, ended=True, first_name="Yan")
    shared = document(
        places=[{"name": "Kiln Yard"}],
        people=[
            {"name": "Rook", "phone": "07700 900456"},
            {"name": "Hidden Heron", "private": True},
        ],
        consent={
            **everyone("some"),
            "consent.police.part_places_people": "1",
            "consent.other.part_places_people": "1",
            "consent.other.name": "Barnardo's",
        },
    )
    add_interview(app, shared, ended=True, first_name="Xia")
    text = pack(manager(app, world_i), names="1")
    assert "Anything a child asked not to be passed on is left out." in text
    assert "Kiln Yard" in text and "Rook" in text and "07700900456" in text
    for hidden in ("Secret Garage", "Big Tony", "07700900123", "KX19LMN", "Hidden Heron"):
        assert hidden not in text
    assert "Copper Mill" not in text  # the police may read it, other agencies may not


def test_an_interview_still_under_way_gives_nothing_to_the_pack(app, world_i):
    add_interview(
        app,
        document(places=[{"name": "Tannery Court"}], consent=everyone("yes")),
        ended=False,
    )
    add_interview(
        app,
        document(places=[{"name": "Foundry Row"}], consent=everyone("yes")),
        ended=True,
        first_name="Yan",
    )
    # Ended unfinished: the child said no partway through, after saying yes to sharing. What
    # it says was never read back nor agreed: nobody's copy, the pack's least of all.
    stopped = add_interview(
        app,
        document(places=[{"name": "Ropewalk Yard"}], consent=everyone("yes")),
        ended=False,
        first_name="Xia",
    )
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.child_id == stopped))
        interview.outcome = "declined"
        db.session.commit()
    text = pack(manager(app, world_i))
    assert "Foundry Row" in text
    assert "Tannery Court" not in text and "Ropewalk Yard" not in text


def test_possibly_the_same_names_only_what_was_shared(app, world_i):
    """ "Jay R" confirmed the same as "Jayden Rossi", who the child kept private (twice): the
    pack offers "Jay R" beside "Jay", never "Jayden Rossi"."""
    add_interview(
        app,
        document(
            people=[
                {"name": "Jay"},
                {"name": "Jay R"},
                {"name": "Jayden Rossi", "private": True},
                {"name": "Jayden Rossi", "private": True},
            ],
            consent=everyone("yes"),
        ),
        ended=True,
    )
    web = manager(app, world_i)
    jay_r, jayden = _entry(app, "person", "jay r"), _entry(app, "person", "jayden rossi")
    decided = web.post(
        f"/service/register/entries/{jayden}/decide",
        {"other": jay_r, "same": "yes"},
        page="/service/register",
    )
    assert decided.status_code == 302
    text = pack(web)
    assert "Jay R" in text and "Possibly the same as (not confirmed)" in text
    assert "Jayden" not in text and "Rossi" not in text


def test_the_pack_records_each_child_in_it(app, world_i):
    shown = add_interview(
        app, document(places=[{"name": "Mill Arches"}], consent=everyone("yes")), ended=True
    )
    left_out = add_interview(
        app,
        document(places=[{"name": "Quarry Lane"}], consent=everyone("no")),
        ended=True,
        first_name="Yan",
    )
    text = pack(manager(app, world_i))
    assert "Mill Arches" in text
    with app.app_context():
        rows = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "register.pack.child")
        ).all()
        assert [(row.child_id, row.object_type, row.outcome) for row in rows] == [
            (shown, "child", "ok")
        ]
        assert rows[0].user_id == world_i.users["manager_a"]
        assert "Child A" in rows[0].detail and "Leeds MACE" in rows[0].detail
        assert left_out not in {row.child_id for row in rows}
        packed = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "register.pack"))
        assert packed is not None


# -- property: in the pack iff sharing.py shares it with both readers -----------------------

NAMES = ("Kiln", "Arches", "Tannery", "Foundry")
ANSWERS = ("yes", "no", "not_asked", "some_places", "some_other")


@st.composite
def choices(draw) -> list[dict[str, Any]]:
    """For each of four interviews (one place, one person each): ended or not, the item
    private or not, and each reader's answer ("some" with or without places and people)."""
    return [
        {
            "ended": draw(st.booleans()),
            "private": draw(st.booleans()),
            **{who: draw(st.sampled_from(ANSWERS)) for who in (*PACK_READERS, "social_worker")},
        }
        for _ in NAMES
    ]


def _content(n: int, choice: dict[str, Any]) -> dict[str, Any]:
    consent: dict[str, str] = {}
    for who in (*PACK_READERS, "social_worker"):
        answer = choice[who]
        consent[f"consent.{who}.answer"] = "some" if answer.startswith("some") else answer
        if answer == "some_places":
            consent[f"consent.{who}.part_places_people"] = "1"
        elif answer == "some_other":
            consent[f"consent.{who}.part_away"] = "1"
    private = {"private": True} if choice["private"] else {}
    return document(
        places=[{"name": f"{NAMES[n]} Place", **private}],
        people=[{"name": f"{NAMES[n]} Person", **private}],
        consent=consent,
    )


def _shareable(content: dict[str, Any]) -> bool:
    """What sharing.py's copies for both readers hold (no decisions in force here)."""
    held = [
        {i["id"] for i in view_for(content, who, in_force=set()).places} for who in PACK_READERS
    ]
    return bool(set.intersection(*held))


def _set_interview(app, n: int, content: dict[str, Any], *, ended: bool) -> None:
    """Interview `n` (made by the first example; later ones change it) holding `content`,
    finished or under way: each example sees its own four interviews and no others."""
    with app.app_context():
        interview = db.session.scalar(
            select(Interview).join(Interview.child).where(Child.first_name == f"Zed{n}")
        )
        if interview is None:
            add_interview(app, content, ended=ended, first_name=f"Zed{n}")
            return
        interview.content = content
        interview.status = "finished" if ended else "in_progress"
        interview.outcome = "held" if ended else None
        interview.finished_at = interview.held_at if ended else None
        db.session.commit()


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(chosen=choices())
def test_the_pack_holds_an_item_iff_both_readers_copies_hold_it(app, world_i, chosen):
    app.config["RHI_SIGN_IN_RATE_LIMIT"] = "10000 per minute"
    expected = set()
    for n, choice in enumerate(chosen):
        content = _content(n, choice)
        _set_interview(app, n, content, ended=choice["ended"])
        if choice["ended"] and _shareable(content):
            expected.add(NAMES[n])
    text = pack(manager(app, world_i))
    for name in NAMES:
        assert (f"{name} Place" in text) == (name in expected), (name, chosen)
        assert (f"{name} Person" in text) == (name in expected), (name, chosen)
