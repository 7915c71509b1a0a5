"""Each "Keep my words" answers one use of a phrase (a probe: keeping "absconded" once hid every
later "absconded" in that note, and the review counted them all as kept though the worker was
asked about one). With k answers for a phrase a field holds n times, min(n, k) are kept and the
rest are left as written: the words the review, every copy and the Wording page say
(rhi/writing/counts.py), as the page's live check shows them (rhi/static/js/writing.js)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from rhi.language import Matcher, load_rules
from rhi.sync.validate import validate
from rhi.writing.counts import (
    KEPT_CONTEXT,
    dismissals,
    interview_counts,
    kept_flags,
    use_context,
)

AWAY = "sections.away.text"
ONCE = "She absconded on Friday."
TWICE = "She absconded on Friday. On Sunday she absconded again with a 30-year-old man."
THRICE = TWICE + " She absconded once more on Monday."


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load_rules())


def kept(reason: str = "", path: str = AWAY, text: str = "absconded") -> dict[str, str]:
    """One "Keep my words", as the document records it (interviews/service.py language_action)."""
    return {"path": path, "rule_id": "absconding", "text": text, "reason": reason}


def sentence(matcher: Matcher, text: str, *dismissed: dict[str, str], **more: Any) -> str:
    language = {"dismissed": list(dismissed), "replaced": []}
    return interview_counts(matcher, [(AWAY, text)], language, **more).sentence()


def said(left: int, kept_: int, reasons: int | None = None) -> str:
    phrases = f"{left} flagged phrase" + ("" if left == 1 else "s")
    why = f" ({reasons} with a reason given)" if kept_ else ""
    return (
        f"{phrases} left as written; {kept_} kept by the worker with \u201cKeep my words\u201d"
        f"{why}; 0 changed to suggested wording."
    )


def test_a_phrase_kept_once_and_written_again_counts_the_new_use_as_left(matcher):
    assert sentence(matcher, ONCE, kept()) == said(0, 1, 0)
    assert sentence(matcher, TWICE, kept()) == said(1, 1, 0)
    assert sentence(matcher, THRICE, kept()) == said(2, 1, 0)


def test_each_use_kept_is_counted_kept_and_never_more_than_the_text_holds(matcher):
    assert sentence(matcher, TWICE, kept(), kept()) == said(0, 2, 0)
    assert sentence(matcher, THRICE, kept(), kept()) == said(1, 2, 0)
    # More answers than uses (one use deleted since, or an answer recorded twice): the uses
    # there are are kept, no more.
    assert sentence(matcher, ONCE, kept(), kept(), kept()) == said(0, 1, 0)


def test_answers_count_only_for_their_own_field_and_words(matcher):
    elsewhere = kept(path="police_contact")
    assert sentence(matcher, TWICE, elsewhere) == said(2, 0)
    assert sentence(matcher, TWICE, kept(text="absconding")) == said(2, 0)


def test_a_reason_counts_with_the_answer_it_was_given_for(matcher):
    # A reason is attached to the latest answer for the phrase (interviews/service.py).
    assert sentence(matcher, TWICE, kept(), kept("Quoting the police log.")) == said(0, 2, 1)
    assert sentence(matcher, TWICE, kept("Quoting the police log.")) == said(1, 1, 1)
    # Kept twice, once with a reason, then written once fewer: which use went, nobody can
    # tell; the one left is counted with the reason.
    assert sentence(matcher, ONCE, kept(), kept("Quoting the police log.")) == said(0, 1, 1)


def test_a_copy_not_holding_the_field_counts_nothing_of_it(matcher):
    assert sentence(matcher, TWICE, kept(), paths={"police_contact"}) == said(0, 0)


# ---- which use an answer keeps: the one it was pressed on ------------------------------------


def kept_at(text: str, nth: int, reason: str = "", phrase: str = "absconded") -> dict[str, str]:
    """A "Keep my words" pressed on the nth use of `phrase` in `text` (0 the first), with the
    words either side of it as the page sends them (writing.js, language-check.js useContext)."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    before, after = use_context(text, start, start + len(phrase))
    return {**kept(reason, text=phrase), "before": before, "after": after}


def left_uses(matcher: Matcher, text: str, *dismissed: dict[str, str]) -> list[int]:
    """Where the uses still flagged start: what the review lists as still to look at."""
    answers = dismissals({"dismissed": list(dismissed)})
    return [
        flag.start
        for flag, answer in kept_flags(text, matcher.check(text), AWAY, answers)
        if answer is None
    ]


def test_keeping_the_second_use_keeps_the_second_and_leaves_the_first(matcher):
    # A probe: keeping the second of two uses hid the first, and the second was still listed.
    first, second = TWICE.index("absconded"), TWICE.rindex("absconded")
    assert left_uses(matcher, TWICE, kept_at(TWICE, 1)) == [first]
    assert left_uses(matcher, TWICE, kept_at(TWICE, 0)) == [second]
    assert left_uses(matcher, TWICE, kept_at(TWICE, 1), kept_at(TWICE, 0)) == []


def test_the_use_kept_stays_kept_as_words_before_and_after_it_change(matcher):
    keep_second = kept_at(TWICE, 1)
    # A new use written before both, and words added after: still the same use kept.
    longer = "On Thursday she absconded. " + TWICE + " She absconded on Monday too."
    starts = [m.start() for m in re.finditer("absconded", longer)]
    kept_one = longer.index("On Sunday she absconded") + len("On Sunday she ")
    assert left_uses(matcher, longer, keep_second) == [s for s in starts if s != kept_one]
    # The first use deleted: the one kept is the only one, and kept.
    only = TWICE[TWICE.index("On Sunday") :]
    assert left_uses(matcher, only, keep_second) == []
    assert sentence(matcher, only, keep_second) == said(0, 1, 0)


def test_answers_kept_before_their_place_was_recorded_keep_the_first_uses(matcher):
    # Answers recorded before the words around a use were (no "before" or "after"): the first
    # uses, as they were counted then.
    assert left_uses(matcher, THRICE, kept(), kept()) == [THRICE.rindex("absconded")]


def test_a_reason_goes_with_a_use_kept_whichever_was_pressed(matcher):
    with_reason = kept_at(TWICE, 1, "Quoting the police log.")
    assert sentence(matcher, TWICE, with_reason) == said(1, 1, 1)
    assert sentence(matcher, ONCE, kept_at(TWICE, 0), with_reason) == said(0, 1, 1)


def test_a_tablet_s_copy_keeps_the_words_around_a_use_kept(matcher):
    # A tablet with no signal keeps each "Keep my words" with its draft (shell-interview.js)
    # and uploads it: the words around the use are part of it, no longer than the page sends.
    answer = kept_at(TWICE, 1)
    document, problems = validate(
        {"sections": {"away": {"text": TWICE}}, "language": {"dismissed": [answer]}}
    )
    assert problems == [] and document["language"]["dismissed"] == [answer]
    too_long = {**answer, "before": "x" * (KEPT_CONTEXT + 1)}
    assert validate({"language": {"dismissed": [too_long]}})[1] == [
        f"language.dismissed[0].before: should be text of at most {KEPT_CONTEXT} characters."
    ]


def test_a_use_in_a_rewritten_sentence_is_a_new_one_to_look_at(matcher):
    # A review: kept in one sentence, then the note rewritten with the phrase in a new one:
    # the answer is not for it (nothing round it is as it was), so it is shown again.
    then = "He absconded on Friday night with friends from school."
    now = "Staff say he absconded again after tea on Sunday."
    answer = kept_at(then, 0)
    assert left_uses(matcher, now, answer) == [now.index("absconded")]
    # A short note kept whole is still kept: as many characters as the answer has are enough.
    short = "absconded."
    assert left_uses(matcher, short, kept_at(short, 0)) == []
