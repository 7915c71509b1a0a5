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

What one tap puts in (Matcher.replacement, for a flag): the rule's first rewrite that fits
(rules.py, "Rewrites") gives the wordings and the whole phrase they replace, auxiliaries and
objects included; with none, the rule's suggestions that fit in place of the flagged text alone
(rules.py, "Alone": read between the word before the flag and the word after it) replace it.
Every wording agrees with a plural subject just before it (rules.py, "Agree": "They were").
With none of those either, the flag offers no tap: its suggestions are advice. No wording is
offered that would repeat the word just before or after what it replaces ("a a", "drugs drugs");
a rewrite left with none does not fit.
"""

from __future__ import annotations

import bisect
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rhi.language.rules import (
    WORD,
    WS,
    Rewrite,
    Rule,
    Slot,
    compile_rule,
    load_rules,
    parse,
    repeats_a_word,
    rewrite_sources,
    slot_names,
)

DOUBLE_QUOTES = '"\u201c\u201d\u201e'
HYPHEN_CHARS = "-\u2010\u2011"  # rules.py HYPHENS
LITERAL_PUNCTUATION = ".,/&"  # the punctuation a phrase may hold (rules.py PHRASE_CHARS_RE)
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
# How far back (code points) a rewrite's `before` may start: auxiliaries and a subject are short.
BEFORE_WINDOW = 60
_TEMPLATE_REF = re.compile(r"\{([a-z]+)\}")
_SENTENCE_ENDS = ".!?"
_LEADING_WS = re.compile("^" + WS + "+")


@dataclass(frozen=True)
class Replacement:
    """What a tap on a flag's suggestion replaces (text[start:end]) and with which wordings."""

    start: int
    end: int
    text: str
    options: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "options": list(self.options),
        }


@dataclass(frozen=True)
class _CompiledRewrite:
    rewrite: Rewrite
    before: re.Pattern[str] | None
    phrase: re.Pattern[str] | None
    after: re.Pattern[str] | None
    before_names: tuple[str, ...]
    phrase_names: tuple[str, ...]
    after_names: tuple[str, ...]


def _compile_rewrite(rewrite: Rewrite) -> _CompiledRewrite:
    sources = rewrite_sources(rewrite)

    def build(key: str, suffix: str = "") -> re.Pattern[str] | None:
        return re.compile(sources[key] + suffix) if key in sources else None

    return _CompiledRewrite(
        rewrite=rewrite,
        before=build("before", r"\Z"),
        phrase=build("phrase"),
        after=build("after"),
        before_names=tuple(slot_names(rewrite.before)),
        phrase_names=tuple(slot_names(rewrite.phrase)),
        after_names=tuple(slot_names(rewrite.after)),
    )


def _fill(template: str, values: dict[str, str]) -> str:
    # A named group inside an alternative that did not match leaves nothing.
    return _TEMPLATE_REF.sub(lambda m: values.get(m.group(1), ""), template)


def _is_ascii_letter(ch: str) -> bool:
    return "A" <= ch <= "Z" or "a" <= ch <= "z"


def _joins_words(ch: str) -> bool:
    """A character that makes the letters beside it part of a longer word."""
    return _is_word(ch) or ch in HYPHEN_CHARS or ch in SINGLE_CLOSERS


def _word_before(text: str, start: int) -> str:
    """The word just before `start`, whitespace between, lower-cased: a whole word of ASCII
    letters ("" where there is none: punctuation between, another script, the text's start)."""
    i = start
    while i > 0 and _is_space(text[i - 1]):
        i -= 1
    if i == start:
        return ""
    j = i
    while j > 0 and _is_ascii_letter(text[j - 1]):
        j -= 1
    if j == i or (j > 0 and _joins_words(text[j - 1])):
        return ""
    return text[j:i].lower()


def _word_after(text: str, end: int) -> str:
    """The word just after `end`, whitespace between, lower-cased (as _word_before)."""
    i = end
    while i < len(text) and _is_space(text[i]):
        i += 1
    if i == end:
        return ""
    j = i
    while j < len(text) and _is_ascii_letter(text[j]):
        j += 1
    if j == i or (j < len(text) and _joins_words(text[j])):
        return ""
    return text[i:j].lower()


def _starts_sentence(text: str, start: int) -> bool:
    j = start
    while j > 0 and _is_space(text[j - 1]):
        if text[j - 1] == "\n":
            return True
        j -= 1
    return j == 0 or text[j - 1] in _SENTENCE_ENDS


def _capitalised(option: str, text: str, start: int) -> str:
    """A wording that starts a sentence the worker began with a capital starts with one."""
    starts_capital = "A" <= text[start] <= "Z" and "a" <= option[:1] <= "z"
    if starts_capital and _starts_sentence(text, start):
        return option[0].upper() + option[1:]
    return option


def _literal_texts(phrase: str) -> list[str]:
    """The literal texts of a phrase: its plain parts and each alternative of its groups."""
    texts: list[str] = []
    for part in parse(phrase, slots=True):
        if isinstance(part, str):
            texts.append(part)
        else:
            texts.extend(part.alternatives if isinstance(part, Slot) else part)
    return texts


def _paragraph_enders(rules: Sequence[Rule]) -> frozenset[str]:
    """The punctuation (". , / &") after which, at a paragraph's end, no match can go on across
    the break and no lookahead can look across it:

    - in every phrase that holds it, it is followed by a letter or digit, or ends the whole
      phrase (as in "A.W.O.L."): a match holding it never goes on into whitespace;
    - no unless_preceded_by phrase holds it (one is followed by whitespace and the phrase);
    - no rule with unless_followed_by has a phrase that ends with it (that lookahead would read
      on from just after it, across the break).
    A match that ends with it ends before the break, where the word-boundary lookahead reads
    whitespace, as it reads the end of the text before the break.
    """
    unsafe: set[str] = set()
    for rule in rules:
        for phrase in (*rule.phrases, *rule.unless_followed_by):
            for text in _literal_texts(phrase):
                for i, ch in enumerate(text):
                    if ch not in LITERAL_PUNCTUATION:
                        continue
                    last_of_phrase = i == len(text) - 1 and phrase.endswith(ch)
                    if last_of_phrase:
                        if rule.unless_followed_by and phrase in rule.phrases:
                            unsafe.add(ch)
                    elif not (i + 1 < len(text) and text[i + 1].isalnum()):
                        unsafe.add(ch)
        for phrase in rule.unless_preceded_by:
            unsafe.update(ch for ch in phrase if ch in LITERAL_PUNCTUATION)
    return frozenset(LITERAL_PUNCTUATION) - unsafe


class Matcher:
    """The rules, compiled on first use; reusable and safe to share between threads (once
    compiled it holds no state).

    Compiling the shipped rules' regexes takes most of a second, so it waits for the first
    check or tap rather than holding up the app's start (each gunicorn worker would pay it
    before answering anything). The rules were validated when loaded (rules.py), so the
    compile cannot fail here.
    """

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules: tuple[Rule, ...] = tuple(rules)
        self._by_id: dict[str, Rule] = {rule.id: rule for rule in self.rules}
        self._regexes: list[re.Pattern[str]] | None = None
        self._compiled_rewrites: dict[str, tuple[_CompiledRewrite, ...]] | None = None
        self._lock = threading.Lock()
        # Punctuation that may end a paragraph where checking starts afresh (_fresh_starts).
        self._paragraph_enders = _paragraph_enders(self.rules)
        # The parts of a suggestion the worker fills with their own facts ("[person]"), as the
        # rules write them: one left in a field is a gap on review (rhi/writing/placeholders).
        self.placeholders: frozenset[str] = frozenset(
            found
            for rule in self.rules
            for suggestion in (
                *rule.suggestions,
                *(t for rewrite in rule.rewrites for t in rewrite.suggestions),
            )
            for found in PLACEHOLDER.findall(suggestion)
        )

    def compile(self) -> None:
        """Compile now (a no-op once done): for a caller about to hold a lock while checking,
        so that the first check's compile is not paid inside it."""
        _ = self._compiled

    @property
    def _compiled(self) -> list[re.Pattern[str]]:
        regexes = self._regexes
        if regexes is None:
            with self._lock:  # one thread compiles; the others wait for its result
                if self._regexes is None:
                    self._regexes = [compile_rule(rule) for rule in self.rules]
                regexes = self._regexes
        return regexes

    @property
    def _rewrites(self) -> dict[str, tuple[_CompiledRewrite, ...]]:
        rewrites = self._compiled_rewrites
        if rewrites is None:
            with self._lock:
                if self._compiled_rewrites is None:
                    self._compiled_rewrites = {
                        rule.id: tuple(_compile_rewrite(r) for r in rule.rewrites)
                        for rule in self.rules
                    }
                rewrites = self._compiled_rewrites
        return rewrites

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

    def _takes_no_part(self, ch: str) -> bool:
        """At the end of a paragraph, no rule's match or lookahead can reach past `ch`, and it
        is not a quotation mark: not a letter, digit or word character, whitespace, a hyphen
        or a quote; punctuation only as _paragraph_enders allows ("!", "?", ":", ")" always)."""
        return not (
            _is_word(ch)
            or _is_space(ch)
            or ch in HYPHEN_CHARS
            or ch in DOUBLE_QUOTES
            or ch in SINGLE_OPENERS
            or ch in SINGLE_CLOSERS
            or (ch in LITERAL_PUNCTUATION and ch not in self._paragraph_enders)
        )

    def _fresh_starts(self, text: str) -> set[int]:
        """Where check(text) starts afresh: a paragraph break (as quoted_spans finds them)
        right after a character no rule takes part in. At such a place c, check(text) is
        check(text[:c]) followed by check(text[c:]) moved by c:

        - quotations never cross a paragraph break (quoted_spans), and text[c:] finds the same
          breaks from c on, as c is one of them;
        - no match can hold text[c - 1], so none crosses c; every lookahead before c stops at
          text[c - 1] and every lookbehind after c sees only the break's whitespace (a match
          starts with a letter or a digit, after the two line breaks);
        - so each rule's matches before c are those of text[:c], and after c those of
          text[c:]; and overlaps are settled left to right, never across c.
        """
        return {
            m.start()
            for m in _PARAGRAPH_BREAK_RE.finditer(text)
            if m.start() > 0 and self._takes_no_part(text[m.start() - 1])
        }

    def changed_parts(self, old: str, new: str) -> tuple[str, str]:
        """The parts of `old` and `new` whose flags can differ: outside them the two texts hold
        the same words, cut at the same places where checking starts afresh (_fresh_starts),
        so they have exactly the same flags there. For a save that changed one paragraph of a
        long note, the writing check then reads that paragraph (and its neighbours up to such a
        place) instead of the whole note twice. Either part may be the whole text."""
        shortest = min(len(old), len(new))
        prefix = 0
        while prefix < shortest and old[prefix] == new[prefix]:
            prefix += 1
        suffix = 0
        while suffix < shortest - prefix and old[-1 - suffix] == new[-1 - suffix]:
            suffix += 1
        in_old = self._fresh_starts(old)
        in_new = self._fresh_starts(new)
        left = max((c for c in in_new if c <= prefix and c in in_old), default=0)
        # From the end: the same distance from the end in both, within their common end; the
        # largest such distance gives the smallest window.
        right = max(
            (
                len(new) - c
                for c in in_new
                if len(new) - c <= suffix
                and c >= left
                and len(old) - (len(new) - c) >= left
                and len(old) - (len(new) - c) in in_old
            ),
            default=0,
        )
        return old[left : len(old) - right], new[left : len(new) - right]

    def replacement(self, text: str, flag: Flag) -> Replacement:
        """What one tap on `flag` (found in `text`) replaces, and the wordings it offers."""
        spans = quoted_spans(text)

        def touches_quotes(start: int, end: int) -> bool:
            return any(s < end and start < e for s, e in spans)

        for compiled in self._rewrites.get(flag.rule_id, ()):
            values = {"phrase": flag.text}
            start, end = flag.start, flag.end
            if compiled.phrase is not None:
                m = compiled.phrase.match(flag.text)
                if m is None:
                    continue
                values["rest"] = _LEADING_WS.sub("", flag.text[m.end() :])
                values.update(zip(compiled.phrase_names, m.groups(""), strict=True))
            if compiled.before is not None:
                m = compiled.before.search(text, max(0, start - BEFORE_WINDOW), start)
                if m is None:
                    continue
                values["before"] = m.group(1)
                values.update(zip(compiled.before_names, m.groups("")[1:], strict=True))
                start = m.start()
            if compiled.after is not None:
                m = compiled.after.match(text, end)
                if m is None:
                    continue
                values["after"] = m.group(1)
                values.update(zip(compiled.after_names, m.groups("")[1:], strict=True))
                end = m.end()
            if touches_quotes(start, end):
                # The child's own words are never changed. A quote mark between the parts
                # already stops them matching; this guards whatever the phrases may allow.
                continue
            # A wording that would repeat the word beside it ("drugs drugs") is not offered;
            # a rewrite left with none does not fit.
            fit = self._by_id[flag.rule_id].fit
            before, after = _word_before(text, start), _word_after(text, end)
            options = [
                option
                for option in (
                    fit.agreeing(_fill(t, values), before) for t in compiled.rewrite.suggestions
                )
                if not repeats_a_word(option, before, after)
            ]
            if options:
                return self._replacement(text, start, end, options)
        # No rewrite fits: the rule's own suggestions, where they fit alone (rules.py "Alone");
        # with none that does, no tap (the worker still reads them as advice).
        rule = self._by_id[flag.rule_id]
        before, after = _word_before(text, flag.start), _word_after(text, flag.end)
        options = [
            option
            for option in (rule.fit.agreeing(s, before) for s in rule.suggestions)
            if rule.fit.takes_alone(flag.text) and rule.fit.fits_alone(option, before, after)
        ]
        return self._replacement(text, flag.start, flag.end, options)

    @staticmethod
    def _replacement(text: str, start: int, end: int, options: list[str]) -> Replacement:
        return Replacement(
            start=start,
            end=end,
            text=text[start:end],
            options=tuple(_capitalised(o, text, start) for o in options),
        )

    def apply(self, text: str, flag: Flag, choice: int = 0) -> str:
        """`text` after a tap on the flag's suggestion number `choice` (of the options
        replacement() offers; ValueError for one it does not offer, as for a flag with none)."""
        found = self.replacement(text, flag)
        if not 0 <= choice < len(found.options):
            raise ValueError(f"no one-tap wording number {choice} for {flag.text!r}")
        return text[: found.start] + found.options[choice] + text[found.end :]


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
