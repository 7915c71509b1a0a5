"""A private person's name in the worker's words: looked for in any alphabet and at two
letters, and never taken from an ordinary note (rhi/interviews/private_mentions.py).

A worker's probe (worker38) found "Mo's car" in the police copy, "Mo" never looked for; a review
(rev38) found "Łukasz picked her up" unwarned, as only A-Z counted as a capital; and a first try
at names' other forms ("Kasią" for Kasia) took "12 Jan" for Jane, "Marks & Spencer" for Mark and
"A&E" for E, so it was taken out: a warning on every date teaches workers to tick past it."""

from __future__ import annotations

import pytest

from rhi.interviews import content as c
from rhi.interviews.private_mentions import mentions


def _doc(note: str, name: str) -> dict:
    d = c.empty_content()
    d["people"] = [{"id": "p1", "name": name, "private": True}]
    d["actions"] = [{"id": "a1", "kind": "other", "owner_kind": "police", "note": note}]
    d["consent"]["police"]["answer"] = "yes"
    return d


@pytest.mark.parametrize(
    ("private", "note"),
    [
        ("Mo", "Ask police to check Mo's car."),
        ("mo", "She went with Mo, then home."),
        ("AJ", "AJ was there too."),
        ("DS", "Check DS's flat on Harehills Lane."),  # initials that are also a title (rev38b)
        ("Jo Bell", "Jo drove her to Leeds."),
        ("An", "She stayed with An overnight."),
        ("Łukasz Nowak", "Łukasz picked her up from school."),
        ("Żaneta Kowalska", "Żaneta gave her a phone."),
        ("Ștefan Popescu", "Ștefan drove her to Leeds."),
        ("Özlem Yılmaz", "Özlem rang her every night."),
        ("Émilie Durand", "Émilie bought her a ticket."),
        # alphabets with no capitals: each word of the name, not only the whole (rev38b)
        ("محمد علي", "Then محمد drove her to Leeds."),
        ("יוסי כהן", "She stayed with יוסי for two nights."),
        # an apostrophe typed one way in the name and another in the note (rev38b)
        ("D'Arcy Nolan", "D\u2019Arcy drove her home."),
        ("D\u2019Arcy Nolan", "D'Arcy drove her home."),
        ("Liam O'Brien", "She stayed at O\u2019Brien's flat."),
        ("Jo O\u2019Neill", "Ask about O'Neill's car."),
        # an apostrophe written as a letter, with a possessive after it (rev39b)
        ("Liam O\u02bcBrien", "She stayed at O\u02bcBrien\u02bcs flat."),
        ("Mo", "Ask police to check Mo\u02bcs car."),
        ("Liam", "Liam\u2018s car was outside."),
    ],
)
def test_a_private_name_is_found_at_two_letters_and_in_any_alphabet(private, note):
    assert mentions(_doc(note, private), set()) != [], f"{note!r} not taken for {private!r}"


ORDINARY = [
    # a month or day abbreviated, in dates
    ("Jane", "Went missing 12 Jan, returned 14 Jan."),
    ("Mary", "Last seen 3 Mar 2026 at about 9pm."),
    ("Maya", "Went missing on 5 May, found the next day."),
    ("Nova", "Missing since 2 Nov."),
    ("Mona", "Seen Mon 3rd at the bus station."),
    # shops and places
    ("Mark", "She bought a top in Marks & Spencer in town."),
    ("Mark", "Seen near the Market."),
    ("Will", "Willow Road is where her nan lives."),
    ("Will", "She bought sweets in Wilko."),
    # other people, with other names
    ("Mark", "Her teacher Martin called the school nurse."),
    ("Dave", "David Smith, her social worker, was told."),
    ("Dave", "PC Davies took the report."),
    ("Will", "William from the youth club saw her."),
    ("Rose", "Social worker Rosie Hall to follow up."),
    ("Rose", "Ross the youth worker took her home."),
    ("Hope", "Dr Hopkins at the GP practice to be told."),
    ("Jack", "Jacob her brother was home."),
    ("Bill", "Bilal from the mosque found her."),
    ("Sara", "Sarah at school is her best friend."),
    # English words starting a sentence
    ("Grace", "Graceful and calm throughout, she spoke well."),
    ("Maya", "Maybe she was scared to go home."),
    ("Sean", "Search of the park found nothing."),
    ("Leah", "Leaving care team to be told."),
    ("Tony", "Tonight she stays with her foster carer."),
    # one-letter names (street names, or how unknown adults are written)
    ("T", "She was wearing a black T-shirt and jeans."),
    ("M", "She was seen in M&S on the high street."),
    ("H", "She bought clothes at H&M."),
    ("E", "She was taken to A&E after the fall."),
    ("Man B", "There is no Plan B; she went to B&Q."),
    ("Male D", "Advice given on Vitamin D and sleep."),
    ("Mr X", "Mr Patel the head teacher will call."),
    ("Mr X", "She had an X-ray at the hospital."),
]
ORDINARY += [
    ("Mo", "Moses from the youth club saw her; more to do."),
    ("Al", "She ate al fresco; also went to the park."),
    ("An", "An action for the school: a mentor."),
    ("Mr X", "Mr Patel the head teacher will call."),
    # everyday words of alphabets with no capitals, taken from a name (rev39b)
    ("عبد الله", "قالت: إن شاء الله سأعود."),
    ("أمل سعيد", "لديها أمل في العودة إلى المدرسة."),
    ("שלום לוי", "היא אמרה שלום למורה."),
    ("ሰላም ተስፋይ", "ሰላም ኢላ ተዛሪባ።"),
]


@pytest.mark.parametrize(("private", "note"), ORDINARY)
def test_an_ordinary_note_does_not_name_the_private_person(private, note):
    assert mentions(_doc(note, private), set()) == [], f"{note!r} taken for {private!r}"
