"""A private person's name of any length, and in the forms other languages give it
(rhi/interviews/private_mentions.py). A probe: "Mo", "Kasia" and "Dex" kept between the child
and the worker; an action's note for the police said "check Mo's car; speak to Kasią's mother;
Dex was there too", and the review before finishing named only Dex. "Mo" was too short to be
looked for and "Kasią" (Polish: Kasia, said of her) is not "Kasia" as a whole word."""

from __future__ import annotations

import html

from rhi.interviews import content as c
from rhi.interviews.private_mentions import mentions
from tests.app.helpers import page_text, start, store
from tests.app.test_language_taps_by_field import pdf_text
from tests.app.test_private_named import HEADING

NOTE = "Ask police to check Mo's car; speak to Kasią's mother; Dex was there too."


def _document(note: str = NOTE, *names: str) -> dict:
    """People the child kept between them and the worker, and an action for the police whose
    note is `note`; the police may read the actions."""
    d = c.empty_content()
    d["people"] = [
        {"id": f"p{i}", "name": name, "private": True}
        for i, name in enumerate(names or ("Mo", "Kasia", "Dex"), 1)
    ]
    d["actions"] = [{"id": "a1", "kind": "other", "owner_kind": "police", "note": note}]
    d["consent"]["police"]["answer"] = "yes"
    return d


def _review(app, web, uuid: str, document: dict) -> str:
    store(app, uuid, document)
    return html.unescape(page_text(web.get(f"/interviews/{uuid}/review").get_data(as_text=True)))


def test_the_review_names_a_short_name_and_a_name_with_a_changed_ending(app, web, world):
    uuid = start(web, world)
    text = _review(app, web, uuid, _document())
    assert f"{HEADING} (3)" in text
    for name in ("Mo", "Kasia", "Dex"):
        assert f"Action 1 (Other): Note names {name}, in the copy for: Police." in text
    # What the review warns of is what the police's copy would hold.
    police = pdf_text(web.get(f"/interviews/{uuid}/copies/police.pdf?draft=1").data)
    assert "Mo's car" in police.replace("\u2019", "'") and "Kasią's mother" in police


def test_a_name_s_other_forms_are_found_as_a_whole_word_with_its_capital():
    for note, named in (
        ("Spoke to Kasi on the phone", {"Kasia"}),
        ("Went with Kasię to the shop", {"Kasia"}),
        ("Kasiu said she would help", {"Kasia"}),
        ("KASIA was there", {"Kasia"}),  # the whole name, in any case, as before
        ("Stayed with AJ and Mo, then Mo.", {"AJ", "Mo"}),
        ("kasią was there", set()),  # without its capital: not taken for a name
        ("Kasiopeia is a star", set()),  # more than three letters added
    ):
        d = _document(note, "Kasia", "AJ", "Mo")
        assert {m.named for m in mentions(d, set())} == named, note


def test_ordinary_words_are_not_taken_for_a_short_name(app, web, world):
    uuid = start(web, world)
    note = "Moses will also eat al fresco; more to do. Mobile seen. An aj or mo is not a name."
    text = _review(app, web, uuid, _document(note, "Al", "Mo", "AJ"))
    assert HEADING not in text
    assert mentions(_document("Al's brother; with Al.", "Al"), set()) != []
    # The police's copy holds the words, and nothing is said of them.
    police = pdf_text(web.get(f"/interviews/{uuid}/copies/police.pdf?draft=1").data)
    assert "Moses will also eat al fresco" in police


def test_a_short_name_that_is_also_an_english_word_is_not_looked_for_at_a_sentence_start():
    """ "An" (a Vietnamese name) would otherwise be said of every note that opens "An action"."""
    assert mentions(_document("An action was agreed. Is it done?", "An", "Is"), set()) == []
    found = mentions(_document("Police to speak to An. Nothing else.", "An"), set())
    assert {m.named for m in found} == {"An"}


def test_other_forms_are_not_looked_for_in_words_english_always_writes_with_a_capital():
    """ "Mary" with its last letter changed and letters added is "March", in every dated note."""
    note = "Seen on 3 March and on Monday; she speaks Polish."
    assert mentions(_document(note, "Mary", "Mona", "Pola"), set()) == []
    found = mentions(
        _document("Ask Mary's aunt, and Monie, and Poli.", "Mary", "Mona", "Pola"), set()
    )
    assert {m.named for m in found} == {"Mary", "Mona", "Pola"}
