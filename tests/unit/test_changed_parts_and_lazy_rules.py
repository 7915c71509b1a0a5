"""Issue 16 item 2: the writing check on a save reads only what changed, with exactly the same
counts; the rules are validated when loaded but compiled only when first used."""

from __future__ import annotations

import re
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rhi.language import Matcher, load_rules
from rhi.language.rules import _can_be_empty, parse, translate
from rhi.writing.events import rule_counts

RULES = load_rules()
MATCHER = Matcher(RULES)

# Pieces that exercise every way the check could reach across a cut: flagged phrases (some
# spanning a line), quotation marks of every kind, apostrophes, hyphens, paragraph breaks after
# every sort of character, and the punctuation that does or does not stop a match.
PIECES = [
    "went missing",
    "She went\nmissing",
    "absent",
    "absent from school",
    "putting herself at risk",
    "kicking off",
    "high-risk",
    "non-compliant",
    "she said",
    "I don't know",
    "the boys' flat",
    '"',
    "\u201c",
    "\u201d",
    "'",
    "\u2018",
    "\u2019",
    "\n\n",
    "\n \n",
    "\n",
    ".",
    "!",
    "?",
    ")",
    ":",
    ",",
    "-",
    " ",
    "  ",
    "x",
    "Mum",
    "2",
    "A.W.O.L.",
    "A.W.O.L",
    "safe & well",
    " check",
    "&",
    "/",
    "absconded",
    "kicking",
    " off",
    "from school",
]


def whole_counts(old: str, new: str) -> Counter[str]:
    return rule_counts(MATCHER, new) - rule_counts(MATCHER, old)


def part_counts(old: str, new: str) -> Counter[str]:
    old_part, new_part = MATCHER.changed_parts(old, new)
    return rule_counts(MATCHER, new_part) - rule_counts(MATCHER, old_part)


texts = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(base=texts, middle_old=texts, middle_new=texts, end=texts)
def test_the_changed_parts_give_exactly_the_counts_of_the_whole_texts(
    base: str, middle_old: str, middle_new: str, end: str
) -> None:
    old = base + middle_old + end
    new = base + middle_new + end
    assert part_counts(old, new) == whole_counts(old, new)
    # And the flags outside the parts are the same in both texts: what is left out cancels.
    old_part, new_part = MATCHER.changed_parts(old, new)
    outside_old = rule_counts(MATCHER, old) - rule_counts(MATCHER, old_part)
    outside_new = rule_counts(MATCHER, new) - rule_counts(MATCHER, new_part)
    assert outside_old == outside_new


def long_note(paragraphs: int) -> str:
    para = (
        "I met Sam at the library after school; we talked about the weekend and who Sam was "
        "with. Sam said \u201cI was putting myself at risk\u201d and laughed about it!"
    )
    return "\n\n".join(f"{para} ({n})" for n in range(paragraphs))


def test_a_save_of_one_paragraph_of_a_long_note_checks_that_paragraph_only() -> None:
    old = long_note(60)
    paragraphs = old.split("\n\n")
    paragraphs[30] += " He is putting himself at risk and was kicking off."
    new = "\n\n".join(paragraphs)
    old_part, new_part = MATCHER.changed_parts(old, new)
    # That paragraph and at most its neighbours: not the 60 paragraphs of the note.
    assert len(new_part) < 3 * len(paragraphs[30]) < len(new) / 10
    assert "kicking off" in new_part
    assert part_counts(old, new) == whole_counts(old, new)
    assert part_counts(old, new) == Counter({"putting-themselves-at-risk": 1, "kicking-off": 1})


def test_a_phrase_across_a_paragraph_break_is_still_found() -> None:
    # No fresh start after "himself" (a letter), so that break is inside the part checked.
    old = "Intro!\n\nHe is putting himself\n\nfirst.\n\nEnd."
    new = "Intro!\n\nHe is putting himself\n\nat risk.\n\nEnd."
    assert part_counts(old, new) == whole_counts(old, new)
    assert part_counts(old, new) == Counter({"putting-themselves-at-risk": 1})


@given(phrase=st.text(alphabet="ab -{},'#.", min_size=1, max_size=12))
@settings(max_examples=300, deadline=None)
def test_the_empty_text_check_agrees_with_the_compiled_regex(phrase: str) -> None:
    try:
        parts = parse(phrase)
        source = translate(phrase)
    except ValueError:
        return  # refused by the syntax: nothing to compare
    assert _can_be_empty(parts) == bool(re.compile(source).fullmatch(""))


def test_every_shipped_rule_compiles_on_first_use_not_before() -> None:
    matcher = Matcher(RULES)
    assert matcher._regexes is None  # nothing compiled yet
    assert [f.rule_id for f in matcher.check("She was kicking off again.")]
    assert matcher._regexes is not None and len(matcher._regexes) == len(RULES)
