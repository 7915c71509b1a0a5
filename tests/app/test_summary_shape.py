"""Issue 11, must haves 5 and 6: the summary's shape, made by `render_for` from the database.

Page 1 is the headline (the risk now and from whom, what the child wants, what is asked and by
when, repeat episodes against the local threshold, the 72 hours), then the child's own words;
then the context from the child's and the episodes' records, the earlier episodes and earlier
interviews (this child's only); the police copy starts with the reference and the intelligence.
A reader with no content gets none of it. Each PDF is read back with pypdf.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import Any

from pypdf import PdfReader
from sqlalchemy import select

from rhi.extensions import db
from rhi.interviews.content import empty_content
from rhi.models import Child, Episode, Interview
from rhi.models.base import utcnow
from rhi.summaries.service import render_for

EARLIER_INTERVIEW = datetime(2026, 10, 2, 10, 0)  # 2 Oct 2026 11:00 in London (BST)
OTHER_CHILDS_EPISODE = datetime(2026, 11, 12, 7, 17)  # child b's: never in child a's copy


def content() -> dict[str, Any]:
    c = empty_content()
    c["sections"]["own_words"]["text"] = "OWNWORDS I want to stay where I am."
    c["sections"]["help"]["text"] = "HELPTEXT Someone to call at night."
    c["sections"]["away"]["text"] = "AWAYTEXT"
    c["sections"]["analysis"]["text"] = "ANALYSISTEXT"
    c["harms"]["sexual_exploitation"] = {"on": True, "note": "", "private": False}
    c["people"] = [
        {
            "id": "q1",
            "name": "PERSONNAME Dee",
            "age": "30s",
            "relationship": "a man she met online",
            "phone": "07700 900456",
            "vehicle": "Black Audi A3",
            "concern": "",
            "private": False,
        }
    ]
    c["places"] = [
        {
            "id": "p1",
            "name": "PLACENAME car park",
            "area": "Hull",
            "when": "Saturday night",
            "note": "",
            "private": False,
        }
    ]
    c["actions"] = [
        {"id": "a1", "kind": "safety_plan", "owner": "Carer", "due": "24 Nov 2026", "note": ""},
        {
            "id": "a2",
            "kind": "strategy_meeting",
            "owner": "Social Worker",
            "due": "25 Nov 2026",
            "note": "",
        },
    ]
    c["risk_view"] = "high"
    c["consent"]["social_worker"] = {"answer": "yes", "words": "", "name": ""}
    c["consent"]["parents_carers"] = {"answer": "yes", "words": "", "name": ""}
    c["consent"]["police"] = {"answer": "no", "words": "", "name": ""}
    c["consent"]["school"] = {
        "answer": "some",
        "words": "",
        "name": "",
        "part_places_people": True,
    }
    return c


def prepare(app, world_i) -> int:
    """Child a's record filled in, three earlier episodes within 30 days, an earlier
    interview; child b's episodes are not child a's. Returns the interview's id."""
    with app.app_context():
        now = utcnow()
        child = db.session.get(Child, world_i.children["a"])
        child.placement_type = "childrens_home"
        child.home_authority = "HOMEAUTH Hull City Council"
        child.placing_authority = "PLACINGAUTH East Riding"
        child.first_language = "FIRSTLANG Tigrinya"
        child.interpreter_needed = True
        episode = db.session.get(Episode, world_i.episodes["a"])
        episode.found_where = "FOUNDWHERE Paragon station"
        episode.found_by = "FOUNDBY police"
        if hasattr(Episode, "missing_from"):
            episode.missing_from = "MISSINGFROM Oak House"
        for days in (5, 12, 20):
            db.session.add(
                Episode(
                    child=child,
                    risk_grade="Medium",
                    started_at=episode.started_at - timedelta(days=days),
                    returned_at=episode.started_at - timedelta(days=days) + timedelta(hours=5),
                )
            )
        earlier = Episode(
            child=child,
            risk_grade="Low",
            started_at=EARLIER_INTERVIEW - timedelta(days=2),
            returned_at=EARLIER_INTERVIEW - timedelta(days=1),
        )
        db.session.add(earlier)
        old = Interview(
            status="finished",
            due_at=EARLIER_INTERVIEW,
            held_at=EARLIER_INTERVIEW,
            content={"sections": {"own_words": {"text": "OLDINTERVIEWWORDS"}}},
        )
        old.episodes.append(earlier)
        db.session.add(old)
        other = db.session.get(Child, world_i.children["b"])
        db.session.add(
            Episode(
                child=other,
                risk_grade="High",
                police_reference="REF-OTHERCHILD",
                started_at=OTHER_CHILDS_EPISODE,
                returned_at=OTHER_CHILDS_EPISODE + timedelta(hours=3),
            )
        )
        interview = db.session.scalar(
            select(Interview).where(Interview.uuid == world_i.interviews["a"])
        )
        interview.worker_id = world_i.users["worker_a"]
        interview.held_at = now - timedelta(hours=2)  # 8 hours after the return
        interview.content = content()
        db.session.commit()
        return interview.id


def pages(app, interview_id: int, recipient: str) -> list[str]:
    with app.app_context():
        interview = db.session.get(Interview, interview_id)
        data = render_for(interview, recipient, "A reader", utcnow(), draft=True)
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages]


def in_order(text: str, markers: list[str]) -> None:
    at = 0
    for marker in markers:
        found = text.find(marker, at)
        assert found >= 0, (marker, text[at : at + 300])
        at = found + len(marker)


CONTEXT = [
    "Legal status",
    "Looked after",
    "Children's home",
    "HOMEAUTH",
    "PLACINGAUTH",
    "Social Worker",
    "Black, Black British, Black Welsh, Caribbean or African: Caribbean",
    "FIRSTLANG",
    "FOUNDWHERE",
    "FOUNDBY",
    "20 hours",  # how long episode a lasted
    "Earlier episodes",
    "2 Oct 2026 11:00",  # the earlier interview
]


def test_the_social_workers_copy_has_the_headline_on_page_one_then_the_context(app, world_i):
    interview_id = prepare(app, world_i)
    app.config["RHI_ORGANISATION"] = "ORGNAME Humber RHI service"
    copy = pages(app, interview_id, "social_worker")
    in_order(
        copy[0],
        [
            "At a glance",
            "The interviewer\u2019s view: High risk of harm.",
            "Police risk grade: Medium.",
            "Harms and risk indicators: Sexual exploitation.",
            "Named: 1 person and 1 place",
            "What Ada says would help",
            "HELPTEXT",
            "Strategy meeting request: Social Worker, by 25 November 2026.",
            "Safety plan: Carer, by 24 November 2026.",
            "Reported missing 4 times in 30 days: at or over the local threshold of 3 in 30 days.",
            "Yes: held 8 hours after Ada returned.",
            "In Ada\u2019s own words",
            "OWNWORDS",
        ],
    )
    text = " ".join(copy)
    in_order(text, ["OWNWORDS", "About Ada and the episode", *CONTEXT[:8], "AWAYTEXT"])
    for marker in CONTEXT:
        assert marker in text, marker
    assert "REF-A" in text
    if hasattr(Episode, "missing_from"):
        assert "MISSINGFROM" in text
    in_order(
        text,
        ["Who to contact", "Worker A", "Return home interview worker", "ORGNAME"],
    )
    assert "worker_a@test.example.org" in text
    # Another child's episode, and an earlier interview's words, are in no copy.
    for marker in ("REF-OTHERCHILD", "12 Nov 2026 07:17", "OLDINTERVIEWWORDS"):
        assert marker not in text, marker


def test_a_copy_of_an_interview_that_never_took_place_never_says_it_did(app, world_i):
    """A review: the child said no (or was not reached), and a copy still said "A return home
    interview took place"."""
    interview_id = prepare(app, world_i)
    with app.app_context():
        interview = db.session.get(Interview, interview_id)
        interview.held_at = None
        interview.status = "declined"
        db.session.commit()
    text = " ".join(pages(app, interview_id, "police"))
    assert "took place" not in text.replace("has not taken place", "")
    assert "Ada Alpha was offered a return home interview; it has not taken place." in text


def test_a_reader_the_child_said_no_to_gets_none_of_the_context(app, world_i):
    interview_id = prepare(app, world_i)
    text = " ".join(pages(app, interview_id, "police"))
    assert "A return home interview took place with Ada Alpha" in text
    assert "contact the interviewer, Worker A" in text
    for marker in (
        *CONTEXT,
        "REF-A",
        "MISSINGFROM",
        "At a glance",
        "Reported missing",
        "Medium",
        "OWNWORDS",
        "PERSONNAME",
    ):
        assert marker not in text, marker


def test_parents_and_carers_get_no_police_reference_and_no_intelligence(app, world_i):
    interview_id = prepare(app, world_i)
    text = " ".join(pages(app, interview_id, "parents_carers"))
    assert "OWNWORDS" in text and "HOMEAUTH" in text and "FOUNDWHERE" in text
    for marker in ("REF-A", "Police reference", "PERSONNAME", "PLACENAME", "07700 900456"):
        assert marker not in text, marker


def test_a_professional_given_places_and_people_only_gets_them_first(app, world_i):
    """The school, given places and people only: the intelligence and the context, nothing
    the child did not agree to."""
    interview_id = prepare(app, world_i)
    text = " ".join(pages(app, interview_id, "school"))
    assert "PERSONNAME" in text and "07700 900456" in text and "Black Audi A3" in text
    assert "Saturday night" in text and "HOMEAUTH" in text
    for marker in ("OWNWORDS", "HELPTEXT", "AWAYTEXT", "ANALYSISTEXT", "Strategy meeting"):
        assert marker not in text, marker


def test_the_police_copy_starts_with_the_reference_grade_and_intelligence(app, world_i):
    interview_id = prepare(app, world_i)
    with app.app_context():
        interview = db.session.get(Interview, interview_id)
        c = content()
        c["consent"]["police"] = {"answer": "yes", "words": "POLICEWORDS ok", "name": ""}
        interview.content = c
        db.session.commit()
    copy = pages(app, interview_id, "police")
    in_order(
        copy[0],
        [
            "Police reference",
            "REF-A",
            "Police risk grade",
            "Medium",
            "People Ada mentioned",
            "PERSONNAME Dee",
            "30s",
            "a man she met online",
            "07700 900456",
            "Black Audi A3",
            "Places Ada mentioned",
            "PLACENAME car park",
            "Saturday night",
            "What Ada said about sharing with the police",
            "POLICEWORDS ok",
            "At a glance",
        ],
    )
