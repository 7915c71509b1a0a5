"""Words that name someone or somewhere the child asked to keep between them and the worker
(rhi/interviews/private_mentions.py): a probe found "check Marcus's Audi AB12 CDE at the
Harehills Lane flat", an action's note, whole in the parents' copy, after the child was told
Marcus and the flat stay between them. The review page says so before finishing."""

from __future__ import annotations

from rhi.interviews import content as c
from rhi.interviews.private_mentions import mentions
from tests.app.helpers import page_text, start, store

HEADING = "Words that name someone or somewhere Ada asked to keep between you"


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
