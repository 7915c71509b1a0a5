"""Each "Keep my words" answers one use of a phrase (a probe: keeping "absconded" once hid every
later "absconded" in that note, and the review counted them all as kept though the worker was
asked about one). With k answers for a phrase a field holds n times, min(n, k) are kept and the
rest are left as written: the words the review, every copy and the Wording page say
(rhi/writing/counts.py), as the page's live check shows them (rhi/static/js/writing.js)."""

from __future__ import annotations

from typing import Any

import pytest

from rhi.language import Matcher, load_rules
from rhi.writing.counts import interview_counts

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
