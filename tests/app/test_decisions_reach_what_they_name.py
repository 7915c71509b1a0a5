"""A safeguarding decision says only what it really shares (sharing probe, findings 1 and 2).

1. A decision for parents or carers naming places and people, the worker's analysis or a
   private place was recorded, and confirmed by its decider as sharing them, while the parents'
   copy (rule 5: never to parents and carers) held none of it and named "Places and people" as
   shared. The form now refuses such a decision beside the field, saying why and what to do;
   one recorded before says only what reaches.
2. A correction to a private section a decision released by name to health did not reach
   health's copy, which held the section itself.
"""

from __future__ import annotations

import html
import re

from sqlalchemy import func, select

from rhi.extensions import db
from rhi.models import Interview, SharingDecision
from tests.app.helpers import page_text
from tests.app.test_addenda_reach_readers import _add, _copy
from tests.app.test_sharing_decisions import _decision, _interview, _record, _write
from tests.conftest import Web

PLACE = {"id": "place1", "name": "MKFLAT the flat on Elm Street", "private": True}
NEVER = "Parents and carers are never given places and people or the worker's analysis"


def _with_a_private_place(app, uuid: str) -> None:
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        interview.content = {**interview.content, "places": [PLACE]}
        db.session.commit()


def _decisions(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(SharingDecision.id)))


def test_a_decision_for_parents_may_not_name_what_parents_never_read(app, web, world):
    uuid = _interview(web, world)
    _with_a_private_place(app, uuid)
    for changes, field in (
        ({"parts": ["away", "places_people"], "releases": []}, "parts"),
        ({"parts": ["away", "analysis"], "releases": []}, "parts"),
        ({"parts": ["away"], "releases": ["places.place1"]}, "releases"),
    ):
        refused = _record(web, uuid, _decision(world, recipient="parents_carers", **changes))
        assert refused.status_code == 422, changes
        said = html.unescape(page_text(refused.get_data(as_text=True)))
        assert NEVER in said, changes
        assert "tell them what they need in person and record that you did" in said
        # Beside its field, and what was typed is kept.
        body = refused.get_data(as_text=True)
        assert f'id="{field}-error"' in body or f"{field}-error" in body, changes
        assert "REASONWORDS adults are exploiting her" in body
    assert _decisions(app) == 0

    # For a professional, the same parts and the place are recorded and reach their copy.
    police = _decision(world, parts=["away", "places_people"], releases=["places.place1"])
    assert (
        _record(web, uuid, {**police, "urgent": "y", "urgent_reason": "Tonight"}).status_code == 302
    )
    assert "MKFLAT" in _copy(web, uuid, "police")


def test_a_decision_recorded_before_says_only_what_reaches_the_parents(app, web, world):
    uuid = _interview(web, world)
    _with_a_private_place(app, uuid)
    allowed = _decision(world, recipient="parents_carers", parts=["away"], releases=[])
    assert (
        _record(web, uuid, {**allowed, "urgent": "y", "urgent_reason": "Tonight"}).status_code
        == 302
    )
    # As an older rhi recorded it: naming places and people and the private place.
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        content = dict(interview.content)
        (entry,) = content["overrides"]
        content["overrides"] = [
            {**entry, "parts": ["away", "places_people"], "releases": ["places.place1"]}
        ]
        interview.content = content
        db.session.commit()
    parents = _copy(web, uuid, "parents_carers")
    assert "AWAYWORDS" in parents
    assert "MKFLAT" not in parents and "Places and people" not in parents
    consent = html.unescape(
        page_text(web.get(f"/interviews/{uuid}/consent").get_data(as_text=True))
    )
    assert "MKFLAT" in consent  # the place itself is still on the interviewer's record
    # The decisions' list: "Parents or carers: <parts>; also <items>. Decided by ..."
    line = re.search(r"Parents or carers ?: [^.]*\. Decided by", consent).group(0)
    assert "While away" in line, line
    assert "Places and people" not in line and "Place: MKFLAT" not in line, line


def test_a_correction_to_a_private_section_reaches_the_reader_it_was_released_to(app, web, world):
    uuid = _interview(web, world)
    _write(
        web,
        uuid,
        sections__after__private=True,
        consent__health__answer="some",
        consent__health__part_after="",  # not agreed: only the decision releases it
        consent__health__part_own_words=True,
    )
    decision = _decision(
        world, recipient="health", parts=["own_words"], releases=["sections.after"], urgent="y"
    )
    decision["urgent_reason"] = "She needs to see the nurse today"
    assert _record(web, uuid, decision).status_code == 302
    review = f"/interviews/{uuid}/review"
    assert web.post(f"/interviews/{uuid}/finish", page=review).status_code in (302, 303)
    assert "AFTERWORDS" in _copy(web, uuid, "health")  # released by name
    assert _add(web, uuid, "ADDAFTER she has seen the nurse", "after").status_code == 302
    assert "ADDAFTER she has seen the nurse" in _copy(web, uuid, "health")
    # Not to a reader the section was not released to.
    assert "ADDAFTER" not in _copy(web, uuid, "school")
    other = Web(app.test_client())
    other.sign_in(world.emails["social_worker"])
    assert "ADDAFTER" not in other.get(f"/interviews/{uuid}/review").get_data(as_text=True)
