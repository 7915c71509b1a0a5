"""Find blaming or minimising phrases in a worker's own writing.

Flag, never block: this only reports where a phrase is, why it matters and what else
could be said. static/js/language-check.js implements exactly the same steps in the
browser; keep the two in step (tests/unit/test_language_js.py compares them).

Offsets are Python str indices, i.e. Unicode code points: ``text[f.start:f.end] == f.text``.

Steps:

1. Find the spans in quotation marks (the child's own words), which are never flagged:
   - double quotes ``"`` ``“`` ``”`` ``„`` are interchangeable: each one opens or closes a
     quotation. An unclosed double quote runs to the end of its paragraph (a blank line)
     or of the text.
   - a single quote ``'`` or ``‘`` opens a quotation only where it is not inside a word
     (not after a letter or digit) and is followed by a non-space; the next ``'`` or ``’``
     that follows a non-space and is not followed by a letter or digit closes it. With no
     closer in the same paragraph, it is taken as an apostrophe ("'cause", "‘til"), not a
     quotation. So "don't", "children’s" and "the boys’ flat" are never quotation marks;
     a plural possessive inside a single-quoted passage ends the quotation early.
2. Run every rule's regex over the whole text; drop matches that took the rule's
   unless_preceded_by group, and matches that touch a quoted span.
3. Overlaps: the earliest start wins, then the longest, then the rule listed first.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rhi.language.rules import WORD, WS, Rule, compile_rule, load_rules

DOUBLE_QUOTES = '"\u201c\u201d\u201e'
SINGLE_OPENERS = "'\u2018"
SINGLE_CLOSERS = "'\u2019"
_QUOTE_RE = re.compile("[\"'\u2018\u2019\u201c\u201d\u201e]")
_PARAGRAPH_BREAK_RE = re.compile("\n(?:(?!\n)" + WS + ")*\n")
_WORD_RE = re.compile(WORD)
_WS_RE = re.compile(WS)


@dataclass(frozen=True)
class Flag:
    start: int
    end: int
    text: str
    rule_id: str
    severity: str
    reason: str
    suggestions: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "rule_id": self.rule_id,
            "severity": self.severity,
            "reason": self.reason,
            "suggestions": list(self.suggestions),
        }


def _is_word(ch: str) -> bool:
    return _WORD_RE.fullmatch(ch) is not None


def _is_space(ch: str) -> bool:
    return _WS_RE.fullmatch(ch) is not None


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each quotation, quote marks included, in order, not overlapping."""
    breaks = [m.start() for m in _PARAGRAPH_BREAK_RE.finditer(text)]
    n = len(text)

    def paragraph_end(i: int) -> int:
        k = bisect.bisect_right(breaks, i)
        return breaks[k] if k < len(breaks) else n

    doubles: list[int] = []
    openers: list[int] = []
    closers: list[int] = []
    for m in _QUOTE_RE.finditer(text):
        i = m.start()
        ch = text[i]
        if ch in DOUBLE_QUOTES:
            doubles.append(i)
            continue
        before_ok = i == 0 or not _is_word(text[i - 1])
        if ch in SINGLE_OPENERS and before_ok and i + 1 < n and not _is_space(text[i + 1]):
            openers.append(i)
        if (
            ch in SINGLE_CLOSERS
            and i > 0
            and not _is_space(text[i - 1])
            and (i + 1 == n or not _is_word(text[i + 1]))
        ):
            closers.append(i)

    spans: list[tuple[int, int]] = []
    events = sorted(doubles + openers)
    position = 0  # everything before this is already decided
    for i in events:
        if i < position:
            continue
        end_of_paragraph = paragraph_end(i)
        if text[i] in DOUBLE_QUOTES:
            k = bisect.bisect_right(doubles, i)
            if k < len(doubles) and doubles[k] < end_of_paragraph:
                end = doubles[k] + 1
            else:
                end = end_of_paragraph
        else:
            k = bisect.bisect_right(closers, i)
            if k == len(closers) or closers[k] >= end_of_paragraph:
                continue  # no closer: an apostrophe, not a quotation
            end = closers[k] + 1
        spans.append((i, end))
        position = end
    return spans


PLACEHOLDER = re.compile(r"\[[^\[\]\n]{1,40}\]")


class Matcher:
    """Compiled rules; reusable and safe to share between threads (it holds no state)."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules: tuple[Rule, ...] = tuple(rules)
        self._compiled = [compile_rule(rule) for rule in self.rules]
        # The parts of a suggestion the worker fills with their own facts ("[person]"), as the
        # rules write them: one left in a field is a gap on review (rhi/writing/placeholders).
        self.placeholders: frozenset[str] = frozenset(
            found
            for rule in self.rules
            for suggestion in rule.suggestions
            for found in PLACEHOLDER.findall(suggestion)
        )

    def check(self, text: str) -> list[Flag]:
        if not text:
            return []
        spans = quoted_spans(text)
        span_starts = [s for s, _ in spans]

        def in_quotes(start: int, end: int) -> bool:
            # The last span starting before `end` is the only one that can overlap.
            k = bisect.bisect_left(span_starts, end) - 1
            return k >= 0 and spans[k][1] > start

        candidates: list[tuple[int, int, int]] = []
        for index, regex in enumerate(self._compiled):
            for m in regex.finditer(text):
                if m.lastindex is not None:  # unless_preceded_by took part
                    continue
                start, end = m.span()
                if not in_quotes(start, end):
                    candidates.append((start, -end, index))
        candidates.sort()

        flags: list[Flag] = []
        last_end = 0
        for start, negative_end, index in candidates:
            if start < last_end:
                continue
            end = -negative_end
            rule = self.rules[index]
            flags.append(
                Flag(
                    start=start,
                    end=end,
                    text=text[start:end],
                    rule_id=rule.id,
                    severity=rule.severity,
                    reason=rule.reason,
                    suggestions=rule.suggestions,
                )
            )
            last_end = end
        return flags


_default: Matcher | None = None


def default_matcher() -> Matcher:
    """The shipped rules, compiled on first use."""
    global _default
    if _default is None:
        _default = Matcher(load_rules())
    return _default


def check(text: str, matcher: Matcher | None = None) -> list[Flag]:
    """Flags for `text`, sorted by start, never overlapping."""
    return (matcher or default_matcher()).check(text)
