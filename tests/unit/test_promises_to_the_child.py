"""What rhi has the worker say to the child promises only what a worker can keep. Telling the
child before passing something on is what workers do "wherever you can" (the worker's own words
for the limits of confidentiality, rhi/prompts/questions.json): where telling them would put
them or someone else at risk, or harm is happening now, the worker passes it on first. The
child was told, without exception, "I will tell you first" (a probe of the child's view), and a
review found the same promise in other words: "we will tell you" on the sharing page, "I'll tell
you honestly if I have to", "I'll be upfront with you about what and with whom". Now every
sentence that promises to tell the child about something being passed on says the worker will
try, in English and, through the catalogues and the translated questions, in every language
(each catalogue is checked complete elsewhere)."""

from __future__ import annotations

import re

from rhi import i18n
from rhi.prompts import load_bank
from rhi.prompts.languages import catalogues, english_texts

# The ways of promising to tell the child: "tell you (first)", "be upfront with you", "let you
# know". Only "you": "Can you tell me..." and "who could you tell first?" ask, they promise nothing.
TELLING = r"(?:tell you|be upfront(?: with you)?|let you know)"
# A promise is the speaker's own "I'll", "I will", "we'll" or "we will" before the telling.
PROMISES_TO_TELL = re.compile(rf"\b(?:I|we)(?:'ll| will)\b[^.?!]*?\b{TELLING}\b", re.I)
# What a worker can keep: trying to tell them, or telling them where they can.
KEPT_WITHIN_REACH = re.compile(
    rf"\btry to (?:\w+ ){{0,2}}?{TELLING}\b"
    rf"|\b{TELLING}\b[^.?!]*\b(?:if|wherever|when) (?:I|we) can\b",
    re.I,
)
# A text that speaks of passing on what the child said: a promise in it to tell them is a
# promise about that ("I will tell you if anything is going to happen because of it", in the
# letter about what happens next, is not).
PASSING_ON = re.compile(
    r"\b(?:shar(?:e|ed|ing)|pass(?:ed)? (?:it |something )?on|tell (?:other )?people)\b", re.I
)
# How each draft translation says "try" (see the commit that first said it): every text whose
# English promises to try says it in the translation too.
TRYING = {
    "pl": r"postaram",  # "postaram się", "postaramy się"
    "ro": r"încerca",
    "ps": r"هڅه",
    "so": r"isku day",
    "cy": r"trio",
    "ar": r"سأحاول|سنحاول",
    "ti": r"ፍትን",
}


def _sentences(text: str) -> list[str]:
    return [part for part in re.split(r"(?<=[.?!])\s+", text) if part]


def _promising(text: str) -> list[str]:
    """The sentences of one text that promise to tell the child about something passed on."""
    if not PASSING_ON.search(text):
        return []
    return [sentence for sentence in _sentences(text) if PROMISES_TO_TELL.search(sentence)]


def _bank_texts() -> dict[tuple[str, str], str]:
    return {
        (key, band): text
        for key, bands in english_texts(load_bank()).items()
        for band, text in bands.items()
    }


def _child_texts() -> list[str]:
    return [*_bank_texts().values(), *i18n.CHILD_MESSAGES]


def test_no_sentence_for_the_child_promises_to_tell_them_without_exception():
    promising = [sentence for text in _child_texts() for sentence in _promising(text)]
    # The words are there to be checked: the limits of confidentiality in each band, the two
    # questions about what is not to be passed on, the read-back and the letter, the sharing page.
    assert len(promising) >= 7, promising
    unkept = [sentence for sentence in promising if not KEPT_WITHIN_REACH.search(sentence)]
    assert unkept == []


def test_the_words_found_are_the_promises_and_nothing_else():
    """Each way of promising is caught, and a question or a promise about something else is not."""
    promises = [
        "If I have to share something, I'll tell you first.",
        "Is there anything you'd rather I didn't pass on? I'll tell you honestly if I have to.",
        "I have to share it, and I'll be upfront with you about what and with whom.",
        "We may have to share it anyway, and we will tell you.",
        "If I have to pass it on, I will let you know.",
    ]
    for text in promises:
        assert _promising(text), text
        assert not all(KEPT_WITHIN_REACH.search(s) for s in _promising(text)), text
    kept = [
        "If I have to share something, I'll try to tell you first.",
        "Is there anything you'd rather I didn't pass on? I'll try to tell you honestly if I "
        "have to.",
        "I have to share it, and I'll try to be upfront with you about what and with whom.",
        "We may have to share it anyway, and we will try to tell you.",
        "If I have to pass it on, I will tell you first wherever I can.",
    ]
    for text in kept:
        assert all(KEPT_WITHIN_REACH.search(s) for s in _promising(text)), text
    not_promises = [
        "Can you tell me who you'd like this shared with?",
        "If you were worried, who could you tell first? I will share only what I must.",
        "Did anyone ask you to go somewhere, or tell you to come and meet them?",
        "I will write down what we talked about, and I will tell you if anything is going to "
        "happen because of it.",
        "You asked me to change some of what I wrote. I will change what I can, and tell you if "
        "there is anything I cannot change.",
    ]
    for text in not_promises:
        assert _promising(text) == [], text


def test_every_translation_says_the_worker_will_try_where_the_english_does():
    english = {key: text for key, text in _bank_texts().items() if _promising(text)}
    assert len(english) >= 5, english
    compiled = i18n.compile_catalogues()
    messages = [message for message in i18n.CHILD_MESSAGES if _promising(message)]
    assert i18n.CONSENT_EXPLAINED in messages and i18n.IF_VERY_WORRIED in messages
    by_language = {catalogue.code: catalogue for catalogue in catalogues()}
    for code, trying in TRYING.items():
        tries = re.compile(trying, re.I)
        for (key, band), text in english.items():
            words = by_language[code].text(key, band)
            assert len(tries.findall(words)) >= len(_promising(text)), (code, key, band, words)
        for message in messages:
            words = compiled[code].gettext(message)
            assert words != message, (code, message)  # translated, not left in English
            assert len(tries.findall(words)) >= len(_promising(message)), (code, words)


def test_the_read_back_and_the_letter_say_it_with_the_same_words():
    assert "I will try to tell you first." in i18n.IF_VERY_WORRIED
    assert i18n.IF_VERY_WORRIED in i18n.READ_BACK_MESSAGES
    compiled = i18n.compile_catalogues()
    assert (
        compiled["cy"]
        .gettext(i18n.IF_VERY_WORRIED)
        .endswith("Bydda i'n trio dweud wrthot ti yn gyntaf.")
    )


def test_the_sharing_page_says_we_will_try_to_tell_the_child():
    assert i18n.CONSENT_EXPLAINED.endswith(
        "we may have to share it anyway, and we will try to tell you."
    )
    assert i18n.CONSENT_EXPLAINED in i18n.INTERVIEW_MESSAGES
    compiled = i18n.compile_catalogues()
    assert (
        compiled["cy"]
        .gettext(i18n.CONSENT_EXPLAINED)
        .endswith("a byddwn ni'n trio dweud wrthot ti.")
    )
