"""What rhi has the worker say to the child promises only what a worker can keep. Telling the
child before passing something on is what workers do "wherever you can" (the worker's own words
for the limits of confidentiality, rhi/prompts/questions.json): where telling them would put
them or someone else at risk, or harm is happening now, the worker passes it on first. The
child was told, without exception, "I will tell you first" (a probe of the child's view): now
every such sentence says the worker will try, in English and, through the catalogues and the
translated questions, in every language (each catalogue is checked complete elsewhere)."""

from __future__ import annotations

import re

from rhi import i18n
from rhi.prompts import load_bank
from rhi.prompts.languages import english_texts

# "I'll tell you first", "I will tell you first", "tell you first wherever I can"...
TELLS_FIRST = re.compile(r"\btell you first\b", re.IGNORECASE)
KEPT_WITHIN_REACH = re.compile(
    r"\b(try to tell you first|tell you first (if|wherever|when) I can)\b", re.I
)


def _sentences(text: str) -> list[str]:
    return [part for part in re.split(r"(?<=[.?!])\s+", text) if part]


def _child_texts() -> list[str]:
    texts = [text for bands in english_texts(load_bank()).values() for text in bands.values()]
    return [*texts, *i18n.CHILD_MESSAGES]


def test_no_sentence_for_the_child_promises_to_tell_them_first_without_exception():
    promising = [
        sentence
        for text in _child_texts()
        for sentence in _sentences(text)
        if TELLS_FIRST.search(sentence)
    ]
    # The words are there to be checked: the limits of confidentiality, the read-back, the
    # letter and the question about what is not to be passed on all say it.
    assert len(promising) >= 4, promising
    unkept = [sentence for sentence in promising if not KEPT_WITHIN_REACH.search(sentence)]
    assert unkept == []


def test_the_read_back_and_the_letter_say_it_with_the_same_words():
    assert "I will try to tell you first." in i18n.IF_VERY_WORRIED
    assert i18n.IF_VERY_WORRIED in i18n.READ_BACK_MESSAGES
    compiled = i18n.compile_catalogues()
    assert (
        compiled["cy"]
        .gettext(i18n.IF_VERY_WORRIED)
        .endswith("Bydda i'n trio dweud wrthot ti yn gyntaf.")
    )
