"""One tap must keep the worker's meaning: what a probe of the writing check found, and why.

The probe ran workers' sentences through rhi.language (and the browser's copy under Node, which
gave identical results: every defect was in the rules data, rhi/language/rules.json). It found:

1. A child's ordinary request named as harm: "She asked for it to be shared with her social
   worker." was flagged as blaming the child, and one tap wrote "[person] harmed [name] to be
   shared with her social worker." ("{asked,asking} for it" had no exception for what follows).
2. Negations and the app's own consent vocabulary flagged, with a tap that inverted the meaning:
   "She is 13 and cannot consent to sex." became "... cannot coerced, groomed or controlled by
   [person]."; "Jade consented to it being shared ..." became "was coerced ... into it being
   shared".
3. Good outcomes recorded as coercion: "She agreed to go back to her placement.", "She chose to
   take part in the interview." (the interview itself is voluntary).
4. Taps that broke the sentence: "She made some poor choices." -> "She made some the ways [name]
   is being harmed ...", "prostituting herself" -> "sexually exploited herself", a drug mule
   rewritten as financially exploited, and "Jade and Mia went willingly." -> "Jade and Mia was
   coerced ...".
5. Phrases the guide names that were not flagged at all: a named child ("Jade is high risk"),
   contractions ("isn't engaging", "He's a drug dealer"), "ran drugs", "willingly went", "at
   increased risk", "associating with an older man", "involved with CSE", "sexually-active",
   "money-mule".
6. Wrong flags with absurd taps: a foster carer recruited by an agency, a football match that
   kicked off, the surname "Punter", "The Runaway Inn", the "Missing and Absent panel".

The fixes are data only, as the matcher's docstrings ask: unless_preceded_by / unless_followed_by
for the safe uses; rewrites with `before` so that a tap takes the verb in with the noun ("made some
poor choices" -> "was harmed ..."); and, as a past-tense verb ("went", "consented", "chose") does
not say whether its subject is one child or two and a name cannot say it either, a "was ..."
wording is put in only after "she"/"he", "were ..." after a plural word of the file's `agree`
list, and "had been ..." (which reads either way) after a name or anything else. Where no wording
reads ("She appeared to consent"), the flag offers no tap rather than a broken one.

Most sentences below are also in the shared corpus (tests/language_corpus.json) and the
before/after file (tests/language_before_after.json), which Node runs too; this file checks every
wording a tap offers, not only the first. Docs: /work/shared/domain/language.md ("No false alarms
on safe uses").
"""

from __future__ import annotations

import re

import pytest

from rhi.language import check, default_matcher

MATCHER = default_matcher()


def every_tap(text: str) -> list[str]:
    """`text` after a tap on each wording of each flag."""
    return [
        MATCHER.apply(text, flag, choice)
        for flag in check(text)
        for choice in range(len(MATCHER.replacement(text, flag).options))
    ]


# Sections 1-3 and 6: ordinary sentences; no flag, so no tap can change them.
NOT_FLAGGED = [
    # 1. A request about sharing is not "asking for it".
    "She asked for it to be shared with her social worker.",
    "She asked for it not to be passed on to school.",
    "She asked for it back.",
    # 2. Negation, capacity, and consent to sharing or to a service.
    "She is 13 and cannot consent to sex.",
    "She did not consent to it.",
    "She never consented to sex with him.",
    "No child can consent to sex.",
    "She is too young to consent to sex.",
    "She was not a willing participant.",
    "Jade consented to it being shared with her social worker.",
    "She consented to being seen by the school nurse.",
    # "Consent: she consented." is how the app's consent part is recorded, so a bare
    # "consented" stays unflagged (the guide's phrase is consent to sex or to the abuse).
    "She consented.",
    # 3. Going back, to family, to a service; the child's own choices about the interview.
    "She agreed to go back to her placement.",
    "She agreed to go to her nan's for the weekend.",
    "She agreed to go to the sexual health clinic.",
    "She chose to take part in the interview.",
    "She chose to use the easy-read questions.",
    # 4. Services, not the child; "engaging" meaning interesting.
    "Services did not engage with her family.",
    "The session was not engaging.",
    # 6. Not the child at all.
    "Her foster carer was recruited by the agency last year.",
    "The football match kicked off at 7pm.",
    "Mr Punter lives on Victoria Road.",
    "She was seen outside The Runaway Inn.",
    "She was referred to the Missing and Absent panel.",
    "Staff involved in CSE work met today.",
    # 5's new phrases have their guards: places and activities are not children.
    "The area is high risk.",
    "Meeting him is high risk.",
    "The village is hard to reach.",
    "She has a relationship with her mum.",
]


@pytest.mark.parametrize("text", NOT_FLAGGED)
def test_an_ordinary_sentence_is_not_flagged(text: str) -> None:
    assert check(text) == []


# The guide's own phrases near those above still flag, and every tap reads.
STILL_FLAGGED = [
    (
        "She asked for it.",
        "blaming-the-child",
        ["[person] harmed [name].", "[describe what was done and by whom]."],
    ),
    (
        "She was asking for it.",
        "blaming-the-child",
        ["[person] harmed [name].", "[describe what was done and by whom]."],
    ),
    (
        "She was consenting to sex.",
        "consented",
        [
            "She was being coerced, groomed or controlled by [person] into sex.",
            "She was being sexually abused by [person].",
        ],
    ),
    (
        "She agreed to go back to him.",
        "went-willingly",
        ["She was coerced, groomed or controlled into going back to him."],
    ),
    (
        "She chose to use drugs at the party.",
        "choosing-to",
        [
            "She was persuaded by [person] to use drugs at the party.",
            "She was pressured by [person] to use drugs at the party.",
        ],
    ),
]


@pytest.mark.parametrize(("text", "rule_id", "after"), STILL_FLAGGED)
def test_the_guides_phrase_still_flags_and_each_tap_reads(
    text: str, rule_id: str, after: list[str]
) -> None:
    assert [f.rule_id for f in check(text)] == [rule_id]
    assert every_tap(text) == after


# Section 4: each wording offered gives a sentence that reads, with the blame taken out.
BROKEN_BEFORE = [
    (
        "She made some poor choices.",
        [
            "She was harmed or exploited in [situation].",
            "She was pressured or controlled by [person].",
        ],
    ),
    (
        "He has made a poor choice.",
        [
            "He has been harmed or exploited in [situation].",
            "He has been pressured or controlled by [person].",
        ],
    ),
    (
        "He made a bad decision.",
        [
            "He was harmed or exploited in [situation].",
            "He was pressured or controlled by [person].",
        ],
    ),
    (
        "She has poor decision-making.",
        [
            "She has been harmed or exploited in [situation].",
            "She has been pressured or controlled by [person].",
        ],
    ),
    (
        "It was a poor choice.",
        ["It was harm or exploitation in [situation].", "It was pressure or control by [person]."],
    ),
    (
        "She has been prostituting herself.",
        ["She has been sexually exploited.", "She has been sexually abused."],
    ),
    (
        "He was acting as a drug mule.",
        [
            "He was being exploited to carry drugs.",
            "He was being forced to carry drugs by [person or group].",
        ],
    ),
    (
        "Jade and Mia went willingly.",
        [
            "Jade and Mia had been coerced, groomed or controlled into going.",
            "Jade and Mia went with [person], who may be exploiting [name].",
        ],
    ),
    (
        "Jade and Mia consented to sex.",
        [
            "Jade and Mia had been coerced, groomed or controlled by [person] into sex.",
            "Jade and Mia had been sexually abused by [person].",
        ],
    ),
]


@pytest.mark.parametrize(("text", "after"), BROKEN_BEFORE)
def test_every_tap_gives_a_sentence_that_reads(text: str, after: list[str]) -> None:
    assert every_tap(text) == after


# The subject's number: "was" after she/he, "were" after a plural word, a wording that reads
# either way after a name (one child or two).
PAST_TENSE = [
    "went willingly",
    "consented to sex",
    "agreed to go with him",
    "chose to go",
    "refused to engage",
    "sent nudes",
    "got involved in crime",
    "made a poor choice",
    "ran drugs for older boys",
    "kept going missing",
]


@pytest.mark.parametrize("phrase", PAST_TENSE)
def test_a_tap_agrees_with_the_subject(phrase: str) -> None:
    for subject, wrong in [
        ("Jade and Mia", r"\bMia (was|is|has)\b"),
        ("The girls", r"\bgirls (was|is|has)\b"),
        ("They", r"\bThey (was|is|has)\b"),
        ("She", r"\bShe (were|are|have)\b"),
    ]:
        text = f"{subject} {phrase}."
        taps = every_tap(text)
        assert taps, text
        for after in taps:
            assert not re.search(wrong, after), after
    assert every_tap(f"She {phrase}.")[0].startswith("She was ")
    assert every_tap(f"They {phrase}.")[0].startswith("They were ")


# Section 5: flagged now, by the rule that owns the guide's row, with a tap that reads.
NOW_FLAGGED = [
    (
        "Jade is high risk.",
        "high-risk-child",
        "Jade is at high risk of harm from [person or place].",
    ),
    ("Jade is hard to reach.", "hard-to-reach", "Jade is not yet reached by services."),
    ("She is hard to reach.", "hard-to-reach", "Services have not yet found a way to reach her."),
    (
        "She isn't engaging with services.",
        "refused-to-engage",
        "She isn't yet ready to talk to services.",
    ),
    ("She wasn't engaging.", "refused-to-engage", "She wasn't yet ready to talk."),
    (
        "He hasn't engaged with the YOT.",
        "refused-to-engage",
        "He hasn't yet been ready to talk to the YOT.",
    ),
    ("He's a drug dealer.", "drug-running", "He's being exploited to carry or sell drugs."),
    ("He's a gang member.", "gang-member", "He's being exploited by an organised crime group."),
    (
        "They're gang members.",
        "gang-member",
        "They're being exploited by an organised crime group.",
    ),
    (
        "He ran drugs for the older boys.",
        "drug-running",
        "He was exploited to carry or sell drugs for the older boys.",
    ),
    (
        "He runs drugs in Hull.",
        "drug-running",
        "He is being exploited to carry or sell drugs in Hull.",
    ),
    (
        "She willingly went with him.",
        "went-willingly",
        "She was coerced, groomed or controlled into going with him.",
    ),
    (
        "She put herself at increased risk.",
        "putting-themselves-at-risk",
        "She was exposed to risk by [person or place].",
    ),
    (
        "He is placing himself at significant risk.",
        "putting-themselves-at-risk",
        "He is being exposed to risk by [person or place].",
    ),
    (
        "She put her self at risk.",
        "putting-themselves-at-risk",
        "She was exposed to risk by [person or place].",
    ),
    (
        "She is associating with an older man.",
        "associating-with-older-people",
        "She is being targeted or groomed by an older man.",
    ),
    (
        "She is hanging about with older men.",
        "associating-with-older-people",
        "She is being targeted or groomed by older men.",
    ),
    (
        "He is associating with known gang members.",
        "associating-with-older-people",
        "He is being targeted or groomed by known gang members.",
    ),
    (
        "He is involved with CSE.",
        "involved-in-exploitation",
        "He is a victim of sexual exploitation.",
    ),
    (
        "There are concerns about her involvement in CSE.",
        "involved-in-exploitation",
        "There are concerns about her sexual exploitation.",
    ),
    ("She is sexually-active.", "sexually-active", "She is being sexually abused."),
    ("She is a money-mule.", "money-mule", "She is being financially exploited by [person]."),
    (
        "She is making poor life choices.",
        "risky-choices",
        "She is being harmed or exploited in [situation].",
    ),
    (
        "She is capable of looking after herself.",
        "able-to-look-after-themselves",
        "She is a child aged [N].",
    ),
    (
        "She disclosed historical child sexual exploitation.",
        "historical-abuse",
        "She disclosed non-recent child sexual exploitation.",
    ),
    (
        "She had sex in exchange for a lift.",
        "sex-in-exchange",
        "She was sexually exploited by adults who used a lift to control [name].",
    ),
    (
        "She has a relationship with a 24-year-old man.",
        "in-a-relationship",
        "She has contact with a 24-year-old man.",
    ),
]


@pytest.mark.parametrize(("text", "rule_id", "after"), NOW_FLAGGED)
def test_a_missed_phrase_flags_with_a_tap_that_reads(text: str, rule_id: str, after: str) -> None:
    flags = check(text)
    assert [f.rule_id for f in flags] == [rule_id]
    assert MATCHER.apply(text, flags[0]) == after
    assert check(after) == [], "the better wording is not itself flagged"
