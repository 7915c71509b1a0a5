"""Every one-tap rewrite leaves a sentence that reads, wherever the phrase sits in it.

An accessibility and words probe tapped the writing check's one-tap wordings and got broken
sentences:

- "She went willingly with them." -> "She went with [person], who may be exploiting [name] with
  them.": a wording that ends in a clause opened with a comma ("..., who may be exploiting
  [name]") took in whatever the worker wrote after the phrase.
- "Her boyfriend picked her up." -> "The person [name] calls Her boyfriend picked her up.": the
  worker's capital, there only because "Her" began the sentence, was put back mid-sentence by
  a wording that reuses the matched word ("{before} {phrase}").

A tap's wording comes from the rules (rhi/language/rules.json: a rule's `rewrites`, else its
own `suggestions` where they fit alone) and is put in by rhi/language/matcher.py
(Matcher.replacement: `_fill` puts the matched words into the template's {before}, {phrase},
{rest}, {after} and named groups, as the worker wrote them; `_capitalised` gives a wording
that starts a sentence its capital). The browser does the same (language-check.js).

This test builds sentences from each rule's own phrases and each rewrite's `before` and `after`
phrases, puts them at the start of a sentence (capitalised), after an earlier sentence, after a
line break, mid-sentence and at the end, followed by punctuation or by more words ("with them",
"to his flat"), and taps every wording offered. What the worker then reads must:

1. say no word or run of words twice at a join ("with them with them", "a a");
2. have no capital put mid-sentence after a lower-case word ("calls Her boyfriend");
3. keep every word the worker wrote outside the flagged phrase: a tap takes out only words the
   rule itself spells (the auxiliary or "very" a rewrite takes in with the phrase);
4. close a clause the wording opens with ", who" / ", which" before more of the sentence
   follows, so the rest is not read as part of it;
5. show each placeholder as the prompt the rules write ("[name]", "[person]"), one the review
   lists as a gap, with no template brace, empty bracket, doubled space or space before
   punctuation left behind; a sentence begun with a capital still begins with one.

Every phrase goes through five fixed positions; Hypothesis then draws any frame with any tail,
one or two sentences at a time. Both are built from the rules file, so a new rule or rewrite is
covered without editing this test.

The fixes are data only (rules.json), so the browser's copy gets them too (checked last, under
Node): went-willingly's and drug-debt's clause wordings have twins, listed first, for when one
of the usual words that carry a sentence on ("to", "at", "and" ...) follows: they close the
clause with a comma and keep the word; before "with" (the person is named after it)
went-willingly offers only "coerced ... into going with". boyfriend-girlfriend writes out the
possessive and the plural noun in lower case instead of reusing them as typed. A word not in
that list after the phrase still gets the wording as it is at a sentence's end.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rhi.language import RULES_PATH, Flag, check, default_matcher
from rhi.language.matcher import PLACEHOLDER, Replacement
from rhi.language.rules import Slot, parse
from tests.unit.helpers import JS_PATH, NODE, node

MATCHER = default_matcher()

# Where the phrase goes: "{}" is the phrase. A frame starting with "{}" or with "{}" after a
# sentence's end or a line break has the phrase capitalised, as a worker would write it.
FRAMES = (
    "{}{tail}",
    "Staff were told. {}{tail}",
    "Notes from the visit:\n{}{tail}",
    "Staff said that {}{tail}",
    "On Friday {}{tail}",
)
# What follows the phrase: the sentence's end, or more of the sentence.
TAILS = (".", " at the weekend.", " with them.", " to his flat.", ", staff said.")
WORDS = re.compile(r"[A-Za-z]+(?:['\u2019][A-Za-z]+)*")
# Words and whole placeholders, in order, for finding what is said twice in a row.
TOKENS = re.compile(r"\[[^\[\]\n]*\]|[A-Za-z]+(?:['\u2019][A-Za-z]+)*")
# A word with a capital and then small letters, after a word ending in a small letter, with
# only spaces (no sentence end) between: "calls Her".
CAPITAL_MID_SENTENCE = re.compile(r"(?<=[a-z\]])[ \t]+([A-Z][a-z]+)\b")
# A clause opened with a comma that the wording does not close.
OPEN_CLAUSE = re.compile(r",\s+(?:who|which|whose)\b[^,]*\Z")
BAD_SPACING = re.compile(r"  |\s[.,;:!?]|\[\]|[{}]")


@cache
def rule_words(rule_id: str) -> frozenset[str]:
    """The words a rule's phrases and its rewrites' parts spell: the only words a tap on its
    flag may take out ("has been kicking off" -> "has been showing distress", "is very
    streetwise" -> "is a child aged [N]")."""
    rule = next(rule for rule in MATCHER.rules if rule.id == rule_id)
    phrases = [*rule.phrases]
    for rewrite in rule.rewrites:
        phrases += [*rewrite.before, *rewrite.phrase, *rewrite.after]
    texts = []
    for phrase in phrases:
        for part in parse(phrase, slots=True):
            if isinstance(part, str):
                texts.append(part)
            else:
                texts += part.alternatives if isinstance(part, Slot) else part
    return frozenset(w.lower() for text in texts for w in WORDS.findall(text))


def forms(phrase: str) -> list[str]:
    """Concrete texts of a phrase (named groups too): each alternative of each brace group once,
    the others at their first (longest); "#" as 3."""
    groups = [
        (part,)
        if isinstance(part, str)
        else tuple(part.alternatives)
        if isinstance(part, Slot)
        else tuple(part)
        for part in parse(phrase, slots=True)
    ]
    out: list[str] = []
    for g, group in enumerate(groups):
        for alternative in group:
            text = "".join(alternative if i == g else other[0] for i, other in enumerate(groups))
            text = text.replace("#", "3")
            if text not in out:
                out.append(text)
    return out


def forms_of(phrases: tuple[str, ...]) -> list[str]:
    return [text for phrase in phrases for text in forms(phrase)]


@cache
def cores() -> tuple[tuple[str, str], ...]:
    """(rule id, text) for each rule: each form of its phrases alone, and, for each rewrite,
    its `before` forms, the rule's forms it fits and its `after` forms, each varied in turn
    with the others at their first."""
    found: dict[tuple[str, str], None] = {}
    for rule in MATCHER.rules:
        phrases = forms_of(rule.phrases)
        for text in phrases:
            found[rule.id, text] = None
        for rewrite in rule.rewrites:
            starts = forms_of(rewrite.phrase)
            fitting = [
                p
                for p in phrases
                if not starts or any(p.lower().startswith(s.lower()) for s in starts)
            ] or phrases
            befores = forms_of(rewrite.before) or [""]
            afters = forms_of(rewrite.after) or [""]
            combos = (
                [(b, fitting[0], afters[0]) for b in befores]
                + [(befores[0], p, afters[0]) for p in fitting]
                + [(befores[0], fitting[0], a) for a in afters]
            )
            for parts in combos:
                found[rule.id, " ".join(p for p in parts if p)] = None
    return tuple(found)


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def place(frame: str, core: str, tail: str) -> str:
    at_start = frame.startswith("{}") or re.search(r"(?:[.!?] |\n)\{\}", frame) is not None
    return frame.replace("{tail}", tail).replace("{}", capitalise(core) if at_start else core)


def doubled_runs(text: str) -> set[str]:
    """Runs of one to four words (or placeholders) said twice in a row: "a a", "with them with
    them"."""
    tokens = [t.lower() for t in TOKENS.findall(text)]
    runs = set()
    for size in range(1, 5):
        for i in range(len(tokens) - 2 * size + 1):
            if tokens[i : i + size] == tokens[i + size : i + 2 * size]:
                runs.add(" ".join(tokens[i : i + size]))
    return runs


def words(text: str) -> Counter[str]:
    return Counter(w.lower() for w in WORDS.findall(PLACEHOLDER.sub(" ", text)))


def problems(text: str, flag: Flag, found: Replacement, choice: int) -> list[str]:
    """What is wrong with `text` after a tap on `flag`'s wording number `choice` (of `found`,
    what the tap replaces)."""
    wording = found.options[choice]
    after = MATCHER.apply(text, flag, choice)
    head, tail = text[: found.start], text[found.end :]
    wrong = []
    if doubled_runs(after) - doubled_runs(text):
        wrong.append(f"says {sorted(doubled_runs(after) - doubled_runs(text))} twice")
    capitals = set(CAPITAL_MID_SENTENCE.findall(after)) - set(CAPITAL_MID_SENTENCE.findall(text))
    if capitals:
        wrong.append(f"a capital mid-sentence: {sorted(capitals)}")
    kept = words(text) - words(flag.text)
    lost = set(kept - words(after)) - rule_words(flag.rule_id)
    if lost:
        wrong.append(f"loses {sorted(lost)}")
    if OPEN_CLAUSE.search(wording) and re.match(r"\s*[A-Za-z\[]", tail):
        wrong.append("a clause opened with a comma runs on into the rest of the sentence")
    placeholders = PLACEHOLDER.findall(wording)
    if not set(placeholders) <= MATCHER.placeholders or not all(p in after for p in placeholders):
        wrong.append(f"placeholders {placeholders} are not the prompts the rules write")
    new_spacing = set(BAD_SPACING.findall(after)) - set(BAD_SPACING.findall(text))
    if new_spacing:
        wrong.append(f"leaves {sorted(new_spacing)}")
    if text[:1].isupper() and not (after[:1].isupper() or after.startswith("[")):
        wrong.append("the sentence no longer starts with a capital")
    if not after.startswith(head) or not after.endswith(tail):
        wrong.append("changed the text outside what the tap replaces")
    return wrong


def tap_results(text: str) -> list[tuple[str, str, list[str]]]:
    """(rule id, text after the tap, what is wrong with it) for each tap `text` offers."""
    found = []
    for flag in check(text):
        replacement = MATCHER.replacement(text, flag)
        for choice in range(len(replacement.options)):
            wrong = problems(text, flag, replacement, choice)
            found.append((flag.rule_id, MATCHER.apply(text, flag, choice), wrong))
    return found


def all_problems(text: str) -> list[tuple[str, str, list[str]]]:
    """The taps on `text` that break it."""
    return [found for found in tap_results(text) if found[2]]


# --- the probe's sentences -------------------------------------------------------------------


def every_tap(text: str) -> list[str]:
    """`text` after a tap on each wording of each flag."""
    return [after for _, after, _ in tap_results(text)]


def test_a_clause_ending_the_wording_does_not_take_in_the_rest_of_the_sentence() -> None:
    for text in (
        "She went willingly with them.",
        "She went willingly with her boyfriend to his flat.",
        "They went voluntarily with older men.",
        "Jade goes willingly to his flat.",
        "She owes money to dealers at the weekend.",
    ):
        afters = every_tap(text)
        assert afters, text
        for after in afters:
            assert not re.search(r", who may be exploiting \[name\] \w|them money \w", after), after
        assert all_problems(text) == [], text
    # The wording still names who the child went with, closing its clause where more follows,
    # and is as it was at the sentence's end.
    assert "Jade goes with [person], who may be exploiting [name], to his flat." in every_tap(
        "Jade goes willingly to his flat."
    )
    assert "She went with [person], who may be exploiting [name]." in every_tap(
        "She went willingly."
    )
    assert every_tap("She owes money to dealers at the weekend.") == [
        "She is being controlled by dealers, who claim [name] owes them money, at the weekend."
    ]


def test_a_reused_word_keeps_a_capital_only_where_it_starts_the_sentence() -> None:
    for text, want in (
        ("Her boyfriend picked her up.", "The person [name] calls her boyfriend picked her up."),
        ("His girlfriends are older.", "The people [name] calls his girlfriends are older."),
        ("Their ex-boyfriend was there.", "The person [name] calls their ex-boyfriend was there."),
        ("Girlfriends were there.", "People [name] calls girlfriends were there."),
        (
            "She went off with her boyfriend to his flat.",
            "She went off with the person [name] calls her boyfriend to his flat.",
        ),
    ):
        afters = every_tap(text)
        assert want in afters, (text, afters)
        assert all_problems(text) == [], text


# --- every rule, every rewrite, generated ----------------------------------------------------

# Each phrase goes in every one of these: at the start (capitalised) and at the end, after an
# earlier sentence and after a line break (capitalised), mid-sentence, with more words after.
POSITIONS = (
    ("{}{tail}", "."),
    ("Staff were told. {}{tail}", " with them."),
    ("Notes from the visit:\n{}{tail}", " at the weekend."),
    ("Staff said that {}{tail}", " to his flat."),
    ("On Friday {}{tail}", ", staff said."),
)


def sentence(core: str, frame: str, tail: str) -> str | None:
    """The sentence, or None where the phrase and the tail would say a word twice ("with with
    them"): the worker's own slip, not the tap's."""
    text = place(frame, core, tail)
    return None if doubled_runs(text) else text


@cache
def every_position() -> tuple[frozenset[str], tuple[tuple[str, str, str, list[str]], ...]]:
    """(the rules whose flags offered a tap, every broken tap) over every phrase in POSITIONS."""
    tapped: set[str] = set()
    wrong = []
    for _, core in cores():
        for frame, tail in POSITIONS:
            text = sentence(core, frame, tail)
            if text is None:
                continue
            for rule_id, after, problems_found in tap_results(text):
                tapped.add(rule_id)
                if problems_found:
                    wrong.append((text, rule_id, after, problems_found))
    return frozenset(tapped), tuple(wrong)


def test_the_sentences_reach_every_rule_and_tap_every_rule_with_rewrites() -> None:
    assert {rule_id for rule_id, _ in cores()} == {rule.id for rule in MATCHER.rules}
    tapped, _ = every_position()
    assert {rule.id for rule in MATCHER.rules if rule.rewrites} <= tapped


def test_every_tap_in_every_position_reads() -> None:
    _, wrong = every_position()
    assert list(wrong[:10]) == [], f"{len(wrong)} broken taps"


@st.composite
def sentences(draw: st.DrawFn) -> str:
    """One rule's phrase in any frame with any tail, and sometimes a second phrase (of any
    rule) in the next sentence."""
    parts = []
    for _ in range(draw(st.integers(1, 2))):
        _, core = draw(st.sampled_from(cores()))
        text = sentence(core, draw(st.sampled_from(FRAMES)), draw(st.sampled_from(TAILS)))
        parts.append(text or "Nothing to add.")
    return " ".join(parts)


@settings(
    max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(sentences())
def test_any_tap_in_drawn_sentences_reads(text: str) -> None:
    assert all_problems(text) == []


# --- the browser puts in the same words --------------------------------------------------------

# Reads [js file, rules file, texts file]; prints, for each text, the text after each tap on each
# wording of each flag.
RUN_JS = """
const fs = require('fs');
const [jsPath, rulesPath, textsPath] = process.argv.slice(1);
const lang = require(jsPath);
const compiled = lang.compile(fs.readFileSync(rulesPath, 'utf8'));
const texts = JSON.parse(fs.readFileSync(textsPath, 'utf8'));
process.stdout.write(JSON.stringify(texts.map((text) => lang.check(compiled, text).flatMap(
  (flag) => lang.replacement(compiled, text, flag).options.map(
    (_, choice) => lang.apply(compiled, text, flag, choice).value)))));
"""


@pytest.mark.skipif(NODE is None, reason="node is not on PATH")
def test_the_browser_gives_the_same_sentences(tmp_path: Path) -> None:
    texts = [
        "She went willingly with them.",
        "Jade goes willingly to his flat.",
        "She owes money to dealers at the weekend.",
        "Her boyfriend picked her up.",
        "Girlfriends were there.",
    ]
    texts += [
        text
        for _, core in cores()[::25]
        for frame, tail in POSITIONS
        if (text := sentence(core, frame, tail)) is not None
    ]
    path = tmp_path / "texts.json"
    path.write_text(json.dumps(texts), encoding="utf-8")  # ASCII, \u escapes
    from_js = json.loads(node(RUN_JS, str(JS_PATH), str(RULES_PATH), str(path)))
    assert from_js == [every_tap(text) for text in texts]
