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
    view = view_for(interview(police="yes"), "police")
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
    view = view_for(interview(police=answer), "police")
    assert view.basis == "none"
    assert view.sections == {} and view.findings == [] and view.people == []
    assert view.consent == []  # only that an interview took place, when, and whom to contact


def test_recorded_safeguarding_decision_shares_without_consent():
    doc = interview(police="no")
    doc["overrides"].append(
        {"recipient": "police", "reason": "Risk of significant harm.", "decided_by": "A. Manager"}
    )
    view = view_for(doc, "police")
    assert view.basis == "override"
    assert "away" in view.sections
    line = next(line for line in view.consent if line.recipient == "police")
    assert (line.answer, line.override_by) == ("No", "A. Manager")
    # An override for one recipient opens nothing for another.
    assert view_for(doc, "school").basis == "none"


def test_override_without_a_reason_does_not_count():
    doc = interview(police="no")
    doc["overrides"].append({"recipient": "police", "reason": "  ", "decided_by": "X"})
    assert view_for(doc, "police").basis == "none"


def test_parents_and_carers_never_get_analysis_or_intelligence():
    view = view_for(interview(parents_carers="yes"), "parents_carers")
    assert "analysis" not in view.sections
    assert view.people == [] and view.places == []
    assert "away" in view.sections


def test_unknown_recipient_is_an_error():
    with pytest.raises(ValueError):
        view_for(c.empty_content(), "newspaper")


def test_content_refuses_unknown_fields_and_bad_choices():
    with pytest.raises(c.ContentError):
        c.set_field(c.empty_content(), "sections.secret.text", "x")
    with pytest.raises(c.ContentError, match="Choose one of the options"):
        c.set_field(c.empty_content(), "consent.police.answer", "maybe")
    with pytest.raises(c.ContentError, match="too long"):
        c.set_field(c.empty_content(), "sections.away.text", "x" * (c.MAX_TEXT + 1))


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
        view = view_for(doc, recipient)
        assert all("friend who let her stay" not in text for text in view.sections.values())
    assert "friend who let her stay" not in repr(view_for(doc, "police"))
