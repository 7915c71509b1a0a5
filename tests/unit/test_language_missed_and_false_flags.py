"""Phrases the writing check missed, and safe sentences it flagged (a probe of rhi.language).

Missed: labels that criminalise an exploited child ("a drug dealer", "a runner for a county
line", "a known gang member") and "a high risk missing person", from the guide's rows "drug
runner, drug dealer, running drugs", "gang member" and "labelling the child as high/medium/low
risk" (docs: /work/shared/domain/language.md). Each now flags under the rule that already owns
the row, and one tap gives the wording a worker should see.

Flagged though safe: a child's protective choices ("chose to stay with her foster carer"),
going back to school, feeling safe, a school council, shoes, an absent parent. Each rule's
exceptions were narrowed to these uses; the guide's own phrases still flag (below and the
shared corpus, tests/language_corpus.json, which Node runs too).
"""

from __future__ import annotations

import pytest

from rhi.language import check, default_matcher

MATCHER = default_matcher()

# (sentence, rule id, flagged text, the sentence after one tap on the first wording offered)
NOW_FLAGGED = [
    (
        "He is a drug dealer.",
        "drug-running",
        "is a drug dealer",
        "He is being exploited to carry or sell drugs.",
    ),
    (
        "He is known as a drug dealer.",
        "drug-running",
        "known as a drug dealer",
        "He is known as a child exploited to carry or sell drugs.",
    ),
    (
        "She is a known drug dealer.",
        "drug-running",
        "is a known drug dealer",
        "She is a child known to be exploited to carry or sell drugs.",
    ),
    # "dealer" alone flags only as a label of the person ("is a dealer"), never "a car dealer"
    # (see test_dealer_flags_only_as_a_label_of_the_child).
    (
        "He is a dealer.",
        "drug-running",
        "is a dealer",
        "He is being exploited to carry or sell drugs.",
    ),
    # "dealing" with no object: its own rule, as it needs a "dealing with" exception that
    # in drug-running would also cancel "was selling drugs with older boys".
    (
        "He was dealing.",
        "drug-dealing",
        "was dealing",
        "He was being exploited to sell drugs.",
    ),
    (
        "They have been dealing since May.",
        "drug-dealing",
        "been dealing",
        "They have been exploited to sell drugs since May.",
    ),
    (
        "He is a runner for a county line.",
        "drug-running",
        "runner for a county line",
        "He is a child exploited by a county line to carry or sell drugs.",
    ),
    (
        "He is a known gang member.",
        "gang-member",
        "is a known gang member",
        "He is known to be exploited by an organised crime group.",
    ),
    (
        "He is a suspected gang member.",
        "gang-member",
        "is a suspected gang member",
        "He may be being exploited by an organised crime group.",
    ),
    (
        "He was an active gang member.",
        "gang-member",
        "was an active gang member",
        "He was being exploited by an organised crime group.",
    ),
    (
        "Police described him as an active gang member.",
        "gang-member",
        "as an active gang member",
        "Police described him as a child exploited by an organised crime group.",
    ),
    (
        "She is a high risk missing person.",
        "high-risk-child",
        "high risk missing person",
        "She is a child facing high risk of harm.",
    ),
    (
        "Low-risk missing persons were not visited.",
        "high-risk-child",
        "Low-risk missing persons",
        "Children facing low risk of harm were not visited.",
    ),
    (
        "She was located safe and well.",
        "returned-safe-and-well",
        "safe and well",
        "She was located at [time]; [what is known of their welfare].",
    ),
]


@pytest.mark.parametrize(("text", "rule_id", "flagged", "after"), NOW_FLAGGED)
def test_missed_phrase_is_flagged_with_a_tap_that_reads(
    text: str, rule_id: str, flagged: str, after: str
) -> None:
    flags = check(text)
    assert [(f.rule_id, f.text) for f in flags] == [(rule_id, flagged)]
    (flag,) = flags
    assert flag.severity == "correction"
    assert MATCHER.replacement(text, flag).options, "the worker is offered a wording"
    assert MATCHER.apply(text, flag) == after
    assert check(after) == [], "the better wording is not itself flagged"


NOT_FLAGGED = [
    # choosing-to: a child's protective choices.
    "She chose to leave the party when she felt unsafe.",
    "He chose to leave when he felt scared.",
    "She chose to stay with her foster carer.",
    "She chose to take her medication.",
    "She chose to go to her nan's.",
    "He chose to go to Nan's after school.",
    # keeps-going-missing: going back to school is not a missing pattern.
    "She keeps going back to school after lunch.",
    "He keeps returning to his lessons.",
    "She is always missing school.",
    # returned-safe-and-well: how a child feels, or what adults want for her.
    "She feels safe and well at her nan's.",
    "He felt safe and well with his foster carers.",
    "Staff work hard to keep her safe and well.",
    "We want her to be safe and well.",
    # involved-in-crime: recruited to something good.
    "He was recruited to the school council.",
    "She was recruited into the youth club football team.",
    # kicking-off: shoes.
    "She was kicking off her shoes.",
    "He kicked off his trainers at the door.",
    # absent: a parent is absent, not the child.
    "Her mum was absent.",
    "Dad has been absent since 2019.",
    "Both parents were absent when she went missing.",
    # drug-running / drug-dealing: dealers who are adults, other dealers, other dealing.
    "His dad is a car dealer.",
    "He was groomed by a known drug dealer.",
    "She said the men at the flat are drug dealers.",
    "A drug dealer threatened her at the park.",
    "She is dealing with a lot at home.",
    "He is dealing well with the move.",
    "Staff are dealing with it.",
    # gang-member: a gang member who is not the child.
    "A known gang member threatened her.",
    # drug-running / drug-dealing / gang-member: the sentence is about an adult or another
    # person (a noun, "who", "X's partner" just before it), not the child. A tap here would
    # rewrite the adult as an exploited child, in the record and the police copy.
    "She was staying with a man who is a known drug dealer.",
    "Her mum's partner is a dealer.",
    "The older male, who is a suspected gang member, picked her up.",
    "Her uncle is a known gang member.",
    "Mum was dealing and the children were not safe.",
    "She said her brother is a runner for the gang.",
    "Dad has been dealing for years.",
    "Her stepdad was dealing drugs from the flat.",
    "The men were known gang members.",
    "Her cousins are gang members.",
    "His father is known as a drug dealer.",
    "A woman who was a known drug dealer lived upstairs.",
    "Her older sister is a drug runner for the same group.",
    "Dad is a suspected gang member.",
    "Mum's friend was dealing.",
    "Her aunt has been selling drugs from the flat.",
    "Jo's partner is an active gang member.",
    # high-risk-child: the police grading of an investigation, not a label.
    "A high risk missing person investigation was opened.",
]


@pytest.mark.parametrize("text", NOT_FLAGGED)
def test_safe_sentence_is_not_flagged(text: str) -> None:
    assert check(text) == []


# The guide's phrases in the rules narrowed above still flag (with the rule's id).
STILL_FLAGGED = [
    ("She chose to leave the placement.", "choosing-to", "chose to leave"),
    ("She chose to stay with older men.", "choosing-to", "chose to stay"),
    ("She chose to go to a friend's flat.", "choosing-to", "chose to go"),
    ("She chose to take drugs at the party.", "choosing-to", "chose to take"),
    ("She chose to leave the party with older men.", "choosing-to", "chose to leave"),
    ("She keeps going back to him.", "keeps-going-missing", "keeps going back to"),
    ("She keeps going back to the flat.", "keeps-going-missing", "keeps going back to"),
    ("She returned safe and well.", "returned-safe-and-well", "safe and well"),
    ("Police said she was safe and well.", "returned-safe-and-well", "safe and well"),
    ("He was found to be safe and well.", "returned-safe-and-well", "safe and well"),
    ("Safe and well.", "returned-safe-and-well", "Safe and well"),
    ("He was recruited into a gang.", "involved-in-crime", "recruited into"),
    ("He was recruited by older boys at school.", "involved-in-crime", "recruited by"),
    ("She was kicking off at staff.", "kicking-off", "kicking off"),
    ("She was absent overnight.", "absent", "absent"),
    ("Mum said she was absent overnight.", "absent", "absent"),
    ("She was recorded as absent.", "absent", "absent"),
    ("He was dealing drugs with older boys.", "drug-running", "was dealing drugs"),
    ("He was selling drugs with older boys.", "drug-running", "was selling drugs"),
    ("He is a drug runner.", "drug-running", "drug runner"),
    ("He is a gang member.", "gang-member", "is a gang member"),
    # The child is the subject, even with an adult named earlier in the sentence.
    ("She is a known gang member.", "gang-member", "is a known gang member"),
    ("Ada was dealing.", "drug-dealing", "was dealing"),
    ("Ada is a known drug dealer.", "drug-running", "is a known drug dealer"),
    ("She told her sister she was dealing.", "drug-dealing", "was dealing"),
    ("Mum said he is a known gang member.", "gang-member", "is a known gang member"),
    ("Dad thinks she has been dealing.", "drug-dealing", "been dealing"),
    ("Her friend is a drug runner.", "drug-running", "drug runner"),
    ("She is a high-risk child.", "high-risk-child", "high-risk child"),
    ("He is a high-risk misper.", "high-risk-child", "high-risk misper"),
]


@pytest.mark.parametrize(("text", "rule_id", "flagged"), STILL_FLAGGED)
def test_the_guides_phrases_still_flag(text: str, rule_id: str, flagged: str) -> None:
    assert [(f.rule_id, f.text) for f in check(text)] == [(rule_id, flagged)]


# An adult's boyfriend or girlfriend is asked about by its own rule (boyfriend-girlfriend), but is
# never relabelled as a child exploited to sell drugs or by a gang.
ADULT_PARTNERS = [
    "Mum's boyfriend was caught dealing drugs.",
    "Her 19-year-old boyfriend is a known gang member.",
    "Dad's girlfriend was dealing.",
]
LABEL_RULES = {"drug-running", "drug-dealing", "gang-member"}


@pytest.mark.parametrize("text", ADULT_PARTNERS)
def test_an_adult_is_not_relabelled_as_an_exploited_child(text: str) -> None:
    assert {f.rule_id for f in check(text)} & LABEL_RULES == set()


def test_dealer_flags_only_as_a_label_of_the_child() -> None:
    # A bare "dealer" is ordinary English (a car dealer, a card dealer) and "a drug dealer" is
    # usually the adult who exploits the child. So "dealer" flags only where the sentence
    # labels its subject, one person, with it ("is a dealer", "known as a drug dealer"):
    # never after another word ("a car dealer"), as a noun on its own, or in the plural
    # ("the men are drug dealers" is about the adults).
    assert check("Dad is a car dealer and sells cars in Leeds.") == []
    assert check("The dealer gave her a phone.") == []
    assert check("She was found at a dealer's flat.") == []
    assert [f.text for f in check("He became a dealer at 14.")] == ["became a dealer"]


# A second probe (workerflow findings 2 and 3): variants of the guide's rows that were missed,
# and ordinary sentences flagged as corrections.

# Missed corrections: (sentence, rule id, flagged text, the sentence after one tap).
VARIANTS_NOW_FLAGGED = [
    (
        "He is in a gang.",
        "gang-member",
        "is in a gang",
        "He is being exploited by an organised crime group.",
    ),
    (
        "He is part of a gang.",
        "gang-member",
        "is part of a gang",
        "He is being exploited by an organised crime group.",
    ),
    # "sells" / "sold" / "sell": a rule of its own (as "dealing" is), because it needs the
    # "to sell drugs" and "was sold drugs" exceptions, which would cancel drug-running's labels.
    (
        "He sells drugs for an older man.",
        "drug-selling",
        "sells drugs",
        "He is being exploited to sell drugs for an older man.",
    ),
    (
        "She sold drugs at the park.",
        "drug-selling",
        "sold drugs",
        "She was exploited to sell drugs at the park.",
    ),
    (
        "They sell drugs in Leeds.",
        "drug-selling",
        "sell drugs",
        "They are being exploited to sell drugs in Leeds.",
    ),
    (
        "She went missing voluntarily.",
        "went-willingly",
        "went missing voluntarily",
        "She was coerced, groomed or controlled into going missing.",
    ),
]


@pytest.mark.parametrize(("text", "rule_id", "flagged", "after"), VARIANTS_NOW_FLAGGED)
def test_a_missed_variant_is_flagged_with_a_tap_that_reads(
    text: str, rule_id: str, flagged: str, after: str
) -> None:
    test_missed_phrase_is_flagged_with_a_tap_that_reads(text, rule_id, flagged, after)


# Context words (language.md: relationship, placement, contact) are asked about, gently, as a
# question, never a correction: (sentence, rule id, flagged text, the sentence after one tap).
CONTEXT_WORDS_NOW_ASKED = [
    (
        "She has been in a relationship for six months with a 24-year-old.",
        "in-a-relationship",
        "in a relationship",
        "She has been in what [name] calls a relationship for six months with a 24-year-old.",
    ),
    (
        "She is in a relationship.",
        "in-a-relationship",
        "in a relationship",
        "She is in what [name] calls a relationship.",
    ),
    (
        "Her placement is going well.",
        "placement-home",
        "Her placement",
        "Her home with [carers] is going well.",
    ),
    (
        "She has contact with her dad on Saturdays.",
        "contact-family-time",
        "contact with her dad",
        "She has family time with her dad on Saturdays.",
    ),
]


@pytest.mark.parametrize(("text", "rule_id", "flagged", "after"), CONTEXT_WORDS_NOW_ASKED)
def test_a_context_word_is_asked_about_as_a_question(
    text: str, rule_id: str, flagged: str, after: str
) -> None:
    flags = check(text)
    assert [(f.rule_id, f.text) for f in flags] == [(rule_id, flagged)]
    (flag,) = flags
    assert flag.severity == "question", "a context word is a question, never a correction"
    assert flag.reason.endswith("?")
    assert MATCHER.replacement(text, flag).options, "the worker is offered a wording"
    assert MATCHER.apply(text, flag) == after
    assert check(after) == [], "the better wording is not itself flagged"


NOW_NOT_FLAGGED = [
    # keeps-going-missing: going back to carers, family or home is not "keeps going back to them".
    "She keeps going back to her foster carers after school.",
    "He keeps going back to his nan's for Sunday dinner.",
    "She keeps returning to her mum's house.",
    # risky-choices: choices about college, school, subjects, food or clothes are free choices.
    "We talked about making choices about college.",
    "He made choices about his subjects.",
    "She is making choices about what to wear.",
    "He makes choices about food at lunch.",
    # drug-selling: coercion described as such, drugs sold to the child, an adult who sells.
    "He was forced to sell drugs.",
    "She was sold drugs by the men at the flat.",
    "A man sells drugs from the flat.",
    # contact-family-time: the worker's contact, not the child's family time.
    "Contact attempt 1: no answer. Contact with mum by phone.",
    "We made contact with her mum by phone.",
    # placement-home: the placement as an arrangement (ending, its review), not the child's home.
    "Her placement ended in May.",
    "Her placement review is on Friday.",
    # in-a-relationship: a relationship with family, or of trust.
    "She is in a relationship with her mum that is improving.",
    # gang-member: an adult, not the child.
    "Her uncle is in a gang.",
]


@pytest.mark.parametrize("text", NOW_NOT_FLAGGED)
def test_an_ordinary_sentence_is_not_flagged(text: str) -> None:
    assert check(text) == []


# What the narrowed rules must still flag.
STILL_FLAGGED_AFTER_NARROWING = [
    ("She keeps going back to him.", "keeps-going-missing", "keeps going back to"),
    ("She keeps going back to his flat.", "keeps-going-missing", "keeps going back to"),
    ("She keeps returning to the men's house.", "keeps-going-missing", "keeps returning to"),
    ("He keeps going missing.", "keeps-going-missing", "keeps going missing"),
    ("She is making risky choices.", "risky-choices", "making risky choices"),
    ("He made bad choices.", "risky-choices", "made bad choices"),
    ("Staff worry about her poor choices.", "risky-choices", "poor choices"),
    ("She makes lifestyle choices.", "lifestyle-choice", "lifestyle choices"),
    ("She is making choices that put her at risk.", "risky-choices", "making choices"),
    ("She is making choices about older men.", "risky-choices", "making choices"),
    ("He is making choices about going missing.", "risky-choices", "making choices"),
    ("She made choices around risk.", "risky-choices", "made choices"),
    ("She is in a relationship with a 19-year-old.", "in-a-relationship", "in a relationship with"),
    ("He joined a gang.", "gang-involved", "joined a gang"),
    ("He was selling drugs for older boys.", "drug-running", "was selling drugs"),
    ("She left voluntarily with him.", "went-willingly", "left voluntarily"),
]


@pytest.mark.parametrize(("text", "rule_id", "flagged"), STILL_FLAGGED_AFTER_NARROWING)
def test_the_narrowed_rules_still_flag_the_guides_phrases(
    text: str, rule_id: str, flagged: str
) -> None:
    assert [(f.rule_id, f.text) for f in check(text)] == [(rule_id, flagged)]
