"""Words that name someone or somewhere the child asked to keep between them and the worker
(rhi/interviews/private_mentions.py): a probe found "check Marcus's Audi AB12 CDE at the
Harehills Lane flat", an action's note, whole in the parents' copy, after the child was told
Marcus and the flat stay between them. The review page says so before finishing."""

from __future__ import annotations

import html

from sqlalchemy import select

from rhi.extensions import db
from rhi.interviews import content as c
from rhi.interviews.private_mentions import mentions
from rhi.models import Summary, SummaryQuestion
from tests.app.helpers import page_text, start, store
from tests.conftest import Web

HEADING = (
    "Words that name someone or somewhere Ada asked to keep between you, or tell of what they kept"
)


def _document() -> dict:
    d = c.empty_content()
    d["people"] = [
        {"id": "p1", "name": "Marcus Dean", "phone": "07700 900123", "private": True},
        {"id": "p2", "name": "Kay", "private": False},
    ]
    d["places"] = [{"id": "l1", "name": "Flat on Harehills Lane", "private": True}]
    d["actions"] = [
        {
            "id": "a1",
            "kind": "other",
            "owner_kind": "police",
            "note": "Check Marcus's car at the Harehills Lane flat",
        }
    ]
    d["sections"]["away"]["text"] = "She stayed with Kay, who cooked for her."
    d["sections"]["own_words"]["text"] = "Marcus is my friend"  # the child's own: theirs to say
    d["consent"]["parents_carers"]["answer"] = "yes"
    d["consent"]["social_worker"]["answer"] = "yes"
    return d


def test_the_review_names_each_field_and_the_copies_that_would_hold_it(app, web, world):
    uuid = start(web, world)
    store(app, uuid, _document())
    text = page_text(web.get(f"/interviews/{uuid}/review").get_data(as_text=True))
    assert f"{HEADING} (2)" in text
    readers = "in the copies for: Allocated social worker; Parents or carers."
    assert f"Action 1 (Other): Note names Marcus Dean, {readers}" in text
    assert f"Action 1 (Other): Note names Flat on Harehills Lane, {readers}" in text
    # Shared with no one: nothing to say.
    d = _document()
    d["consent"]["parents_carers"]["answer"] = "no"
    d["consent"]["social_worker"]["answer"] = "no"
    store(app, uuid, d)
    assert HEADING not in page_text(web.get(f"/interviews/{uuid}/review").get_data(as_text=True))


def test_what_is_looked_for_and_what_is_not():
    d = _document()
    found = {(m.recipient, m.path, m.named) for m in mentions(d, set())}
    assert found == {
        (reader, "actions.a1.note", named)
        for reader in ("social_worker", "parents_carers")
        for named in ("Marcus Dean", "Flat on Harehills Lane")
    }
    # The phone's digits however they are written; a first name alone; never inside a word.
    d["actions"][0]["note"] = "Ring 07700900123"
    assert {m.named for m in mentions(d, set())} == {"Marcus Dean"}
    d["actions"][0]["note"] = "Talk to Marcusson and the lane warden"
    assert mentions(d, set()) == []
    # Released to the police by a decision in force: their copy holds him, so nothing is said
    # of it there (the others still are).
    d["actions"][0]["note"] = "Marcus again"
    d["overrides"] = [
        {
            "id": "d1",
            "recipient": "police",
            "parts": ["actions"],
            "releases": ["people.p1"],
            "reason": "He is exploiting her",
        }
    ]
    readers = {m.recipient for m in mentions(d, {"d1"})}
    assert readers == {"social_worker", "parents_carers"}
    # A name a shared entry has too is not looked for: the words may be about them.
    d["people"][1]["name"] = "Marcus"
    assert mentions(d, set()) == []


def _kept_back_harm() -> dict:
    """A probe: self-harm ticked "not to be shared", and an action for the social worker whose
    note says so in other words."""
    d = c.empty_content()
    d["harms"]["self_harm"] = {"on": True, "note": "Talked about it at length.", "private": True}
    d["harms"]["drugs_alcohol"] = {"on": True, "note": "", "private": False}
    d["actions"] = [
        {
            "id": "a1",
            "kind": "camhs",
            "owner_kind": "social_worker",
            "note": "CAMHS referral because Tyler has been cutting his arms",
        }
    ]
    d["consent"]["social_worker"]["answer"] = "yes"
    return d


def test_words_that_tell_of_a_finding_kept_back_are_found():
    d = _kept_back_harm()
    found = {(m.recipient, m.path, m.named, m.kind) for m in mentions(d, set())}
    assert found == {
        ("social_worker", "actions.a1.note", "Self-harm or suicidal thoughts", "finding")
    }
    # Its own name, in any case; and words workers write for it, never inside a word.
    for note, said in (
        ("Worried about self-harm", True),
        ("Told me about SELF HARM thoughts", True),
        ("She took an overdose last year", True),
        ("Spoke of suicidal thoughts", True),
        ("Cutting down on screen time", True),  # a warning, never a block: the worker reads it
        ("Shortcutting through the park", False),
        ("Check the CAMHS waiting list", False),
    ):
        d["actions"][0]["note"] = note
        assert bool(mentions(d, set())) is said, note
    # Shared with the social worker by a decision in force: their copy holds it, nothing said.
    d["actions"][0]["note"] = "cutting his arms"
    d["overrides"] = [
        {
            "id": "d1",
            "recipient": "social_worker",
            "parts": ["findings"],
            "releases": ["harms.self_harm"],
            "reason": "Risk to life",
        }
    ]
    assert mentions(d, {"d1"}) == []
    # A word that also tells of a finding the copy holds is not looked for: drugs are shared.
    d = _kept_back_harm()
    d["harms"]["self_harm"]["on"] = False
    d["pull"]["drugs_alcohol"] = {"on": True, "note": "", "private": True}
    d["actions"][0]["note"] = "Drugs worker to visit"
    assert mentions(d, set()) == []


def test_the_review_says_which_words_tell_of_a_finding_kept_back(app, web, world):
    uuid = start(web, world)
    store(app, uuid, _kept_back_harm())
    text = page_text(web.get(f"/interviews/{uuid}/review").get_data(as_text=True))
    assert f"{HEADING} (1)" in text
    assert (
        "Action 1 (CAMHS (mental health)): Note tells of "
        "\u201cSelf-harm or suicidal thoughts\u201d, in the copy for: Allocated social worker."
    ) in html.unescape(text)


def _asked(app, web, world, document: dict) -> tuple[str, int, int, Web]:
    """The interview finished with `document`, its social worker's question asked: (uuid, the
    summary's id, the question's id, the social worker)."""
    uuid = start(web, world)
    store(app, uuid, document)
    web.post(f"/interviews/{uuid}/finish", page=f"/interviews/{uuid}/review")
    sw = Web(app.test_client())
    sw.sign_in(world.emails["social_worker"])
    with app.app_context():
        summary_id = db.session.scalar(select(Summary.id))
    sw.post(f"/summaries/{summary_id}/questions", {"question": "Who is he?"}, page="/inbox")
    with app.app_context():
        question_id = db.session.scalar(select(SummaryQuestion.id))
    return uuid, summary_id, question_id, sw


def test_an_answer_naming_what_the_child_kept_back_from_its_reader_is_asked_about_first(
    app, web, world
):
    """A probe: the worker's answer to the social worker's question named the adult the child
    kept back, and went to the social worker at once, unwarned (an addendum is stopped)."""
    d = _document()
    d["consent"]["parents_carers"]["answer"] = "no"
    uuid, summary_id, question_id, sw = _asked(app, web, world, d)
    url = f"/summaries/{summary_id}/questions/{question_id}/answer"
    review = f"/interviews/{uuid}/review"
    words = "ANSWERNAMED Marcus Dean, 07700 900123"
    refused = web.post(url, {f"q{question_id}-answer": words}, page=review)
    assert refused.status_code == 422
    page = html.unescape(page_text(refused.get_data(as_text=True)))
    assert (
        "These words name Marcus Dean. Ada asked to keep this between you, and the allocated "
        "social worker may not read it." in page
    )
    assert words in page and "Send it all the same" in page
    with app.app_context():
        assert db.session.get(SummaryQuestion, question_id).answer in (None, "")
    assert "ANSWERNAMED" not in page_text(sw.get(f"/summaries/{summary_id}").get_data(as_text=True))
    # Other words go at once; ticked, these go too.
    ticked = web.post(
        url, {f"q{question_id}-answer": words, f"q{question_id}-names_checked": "y"}, page=review
    )
    assert ticked.status_code == 302
    assert "ANSWERNAMED" in page_text(sw.get(f"/summaries/{summary_id}").get_data(as_text=True))


def test_an_answer_that_names_nothing_kept_back_goes_at_once(app, web, world):
    d = _document()
    d["consent"]["parents_carers"]["answer"] = "no"
    uuid, summary_id, question_id, _sw = _asked(app, web, world, d)
    sent = web.post(
        f"/summaries/{summary_id}/questions/{question_id}/answer",
        {f"q{question_id}-answer": "Kay, her aunt, who cooked for her."},
        page=f"/interviews/{uuid}/review",
    )
    assert sent.status_code == 302


def test_everyday_words_in_notes_are_not_taken_for_a_finding_kept_back():
    """A review: "Placement is stable" was taken to tell of weapons, "partner agencies" of a
    partner, "presents as calm" of gifts; a warning that cries wolf is one workers learn to
    pass. And some ways of writing self-harm were missed."""
    for finding, note, said in (
        ("harms.weapons_violence", "Placement is stable; keep the stability plan going", False),
        ("harms.weapons_violence", "He carries a blade", True),
        ("pull.partner", "Discuss at the partner agencies meeting", False),
        ("pull.partner", "Her partner is 24", True),
        ("pull.gifts", "He presents as calm and settled", False),
        ("pull.parties", "Share with third party providers only with consent", False),
        ("pull.money", "Foster carer paid attention to his mood", False),
        ("push.school_problems", "Plan a visit, excluding weekends", False),
        ("harms.injuries", "She wound up at her nan's", False),
        ("harms.suspected_offending", "He was offended by the question", False),
        ("harms.radicalisation", "Prevent further episodes: agree a curfew plan", False),
        ("harms.self_harm", "Tyler has been hurting himself", True),
        ("harms.self_harm", "cuts on her arms seen by carer", True),
    ):
        group, key = finding.split(".")
        d = c.empty_content()
        d[group][key] = {"on": True, "note": "", "private": True}
        d["actions"] = [{"id": "a1", "kind": "other", "owner_kind": "social_worker", "note": note}]
        d["consent"]["social_worker"]["answer"] = "yes"
        assert bool(mentions(d, set())) is said, (finding, note)
