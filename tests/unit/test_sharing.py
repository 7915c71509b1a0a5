"""What each recipient may read: consent, safeguarding overrides, the child's "please don't
share", and what parents and carers never receive."""

from __future__ import annotations

import pytest

from rhi.interviews import content as c
from rhi.sharing import view_for


def interview(**consents: str) -> dict:
    doc = c.empty_content()
    doc = c.set_field(doc, "sections.away.text", "Stayed at a flat in Leeds.")
    doc = c.set_field(doc, "sections.before.text", "Argued with mum.")
    doc = c.set_field(doc, "sections.before.private", True)
    doc = c.set_field(doc, "sections.analysis.text", "Concerns of criminal exploitation.")
    doc = c.set_field(doc, "harms.criminal_exploitation.on", True)
    doc = c.set_field(doc, "harms.self_harm.on", True)
    doc = c.set_field(doc, "harms.self_harm.private", True)
    doc, person = c.add_item(doc, "people")
    doc = c.set_field(doc, f"people.{person}.name", "Dee")
    doc, hidden = c.add_item(doc, "people")
    doc = c.set_field(doc, f"people.{hidden}.name", "Best friend")
    doc = c.set_field(doc, f"people.{hidden}.private", True)
    for recipient, answer in consents.items():
        doc = c.set_field(doc, f"consent.{recipient}.answer", answer)
    return doc


def test_consent_yes_shares_everything_but_what_the_child_kept_back():
    view = view_for(interview(police="yes"), "police", in_force=())
    assert view.basis == "consent"
    assert view.sections == {
        "away": "Stayed at a flat in Leeds.",
        "analysis": "Concerns of criminal exploitation.",
    }
    assert [f.key for f in view.findings] == ["criminal_exploitation"]
    assert [p["name"] for p in view.people] == ["Dee"]
    assert "withheld" not in repr(view)  # a copy never says that something was kept out


@pytest.mark.parametrize("answer", ["no", "not_asked"])
def test_without_consent_or_override_nothing_is_shared(answer):
    view = view_for(interview(police=answer), "police", in_force=())
    assert view.basis == "none"
    assert view.sections == {} and view.findings == [] and view.people == []
    assert view.consent == []  # only that an interview took place, when, and whom to contact


def test_a_safeguarding_decision_shares_without_consent_once_in_force():
    doc = interview(police="no")
    doc["overrides"].append(
        {
            "id": "d1",
            "recipient": "police",
            "reason": "Risk of significant harm.",
            "decided_by": "A. Manager",
        }
    )
    # Recorded but not confirmed (nor urgent): its words alone open nothing.
    assert view_for(doc, "police", in_force=()).basis == "none"
    assert view_for(doc, "police", in_force={"another"}).basis == "none"
    view = view_for(doc, "police", in_force={"d1"})
    assert view.basis == "override"
    assert "away" in view.sections
    line = next(line for line in view.consent if line.recipient == "police")
    assert (line.answer, line.override_by) == ("No", "A. Manager")
    # An override for one recipient opens nothing for another.
    assert view_for(doc, "school", in_force={"d1"}).basis == "none"


def test_override_without_a_reason_does_not_count():
    doc = interview(police="no")
    doc["overrides"].append({"id": "d1", "recipient": "police", "reason": "  ", "decided_by": "X"})
    assert view_for(doc, "police", in_force={"d1"}).basis == "none"


def test_parents_and_carers_never_get_analysis_or_intelligence():
    view = view_for(interview(parents_carers="yes"), "parents_carers", in_force=())
    assert "analysis" not in view.sections
    assert view.people == [] and view.places == []
    assert "away" in view.sections


def test_unknown_recipient_is_an_error():
    with pytest.raises(ValueError):
        view_for(c.empty_content(), "newspaper", in_force=())


def test_content_refuses_unknown_fields_and_bad_choices():
    with pytest.raises(c.ContentError):
        c.set_field(c.empty_content(), "sections.secret.text", "x")
    with pytest.raises(c.ContentError, match="Choose one of the options"):
        c.set_field(c.empty_content(), "consent.police.answer", "maybe")
    with pytest.raises(c.ContentError, match="too long"):
        c.set_field(c.empty_content(), "sections.away.text", "x" * (c.MAX_TEXT + 1))
    # A form's line breaks come as CR LF: counted as the one character each is kept as.
    posted = ("x" * 99 + "\r\n") * (c.MAX_TEXT // 100)
    kept = c.get_field(
        c.set_field(c.empty_content(), "sections.away.text", posted), "sections.away.text"
    )
    assert len(kept) == c.MAX_TEXT and "\r" not in kept


def test_set_field_does_not_change_its_input():
    doc = c.empty_content()
    c.set_field(doc, "sections.away.text", "new")
    assert doc["sections"]["away"]["text"] == ""


def test_a_piece_of_text_kept_back_never_reaches_anyone():
    doc = c.set_field(
        interview(police="yes", social_worker="yes"),
        "sections.away.kept_back",
        "The name of the friend who let her stay.",
    )
    for recipient in ("police", "social_worker", "parents_carers", "school", "health"):
        view = view_for(doc, recipient, in_force=())
        assert all("friend who let her stay" not in text for text in view.sections.values())
    assert "friend who let her stay" not in repr(view_for(doc, "police", in_force=()))


def test_consent_to_some_parts_shares_exactly_those_parts():
    doc = interview(health="some")
    doc = c.set_field(doc, "sections.after.text", "Worried about the pill.")
    doc = c.set_field(doc, "consent.health.part_after", True)
    doc = c.set_field(doc, "consent.health.part_findings", True)
    view = view_for(doc, "health", in_force=())
    assert view.basis == "consent"
    assert view.sections == {"after": "Worried about the pill."}
    assert [f.key for f in view.findings] == ["criminal_exploitation"]
    assert view.people == [] and view.actions == [] and view.risk_view == ""
    assert view.consent[0].answer == "Yes, to the parts ticked below"
    assert view.consent[0].parts == [
        "How you feel now",
        "What we found: reasons for going and harms",
    ]
    # "Some" with nothing ticked shares nothing.
    untouched = interview(health="some")
    assert view_for(untouched, "health", in_force=()).basis == "none"


def test_a_decision_shares_its_parts_and_releases_only_the_kept_back_items_it_names():
    doc = c.set_field(interview(police="no"), "sections.away.kept_back", "A man took photos.")
    doc = c.set_field(doc, "sections.after.kept_back", "Her sister's address.")
    doc["overrides"].append(
        {
            "id": "d1",
            "recipient": "police",
            "parts": ["away", "places_people"],
            "releases": ["sections.away.kept_back", "harms.self_harm"],
            "reason": "Exploitation by adults.",
            "decided_by": "A. Manager, manager",
            "child_told": "told",
            "child_said": "OK but not mum.",
            "urgent": True,
            "urgent_reason": "He is meeting her tonight.",
        }
    )
    view = view_for(doc, "police", in_force={"d1"})
    assert view.basis == "override"
    assert view.sections == {"away": "Stayed at a flat in Leeds."}  # no analysis: not named
    assert view.kept_back == {"away": "A man took photos."}
    assert [f.key for f in view.findings] == ["self_harm"]  # named; the rest not a named part
    assert [p["name"] for p in view.people] == ["Dee"]  # the private person is not named
    decision = view.consent[0].decisions[0]
    assert decision.releases == [
        "Told and kept back in \u201cWhile away\u201d",
        "Self-harm or suicidal thoughts",
    ]
    assert decision.urgent_reason == "He is meeting her tonight."
    assert decision.child_told == "Yes, the child was told"
    assert "sister" not in repr(view)
    # The same decision gives the school nothing, and names nothing for them.
    assert view_for(doc, "school", in_force={"d1"}).basis == "none"


def test_parents_and_carers_never_get_intelligence_even_by_decision():
    doc = interview(parents_carers="no")
    doc["overrides"].append(
        {
            "id": "d1",
            "recipient": "parents_carers",
            "parts": ["away", "analysis", "places_people"],
            "releases": [f"people.{doc['people'][1]['id']}"],
            "reason": "They need to know where she goes.",
        }
    )
    view = view_for(doc, "parents_carers", in_force={"d1"})
    assert view.sections == {"away": "Stayed at a flat in Leeds."}
    assert view.people == [] and view.risk_view == ""
