"""Load and validate the writing-check rules (rules.json) and turn phrases into regexes.

The rules are data so that the browser (static/js/language-check.js) can read the very
same file. Both sides translate the phrase syntax below into regexes the same way; the
test suite checks that they give identical flags.

Phrase syntax (kept deliberately small):

- Letters, digits and ``. , / &`` are literal; letters match either case. A rule's
  phrases (and unless_preceded_by) must begin with a letter or a digit.
- A run of spaces matches any run of whitespace, line breaks included.
- ``-`` matches a hyphen, whitespace or nothing: ``high-risk`` finds "high-risk",
  "high risk" and "highrisk".
- ``'`` (or ``’``) matches a straight or a curly apostrophe.
- ``{a,b,c}`` is one of the alternatives; an empty one makes the group optional:
  ``put{s,ting,} {herself,himself} at risk``. Braces do not nest. Longer alternatives
  are tried first.
- ``#`` is a number (one or more digits 0-9).
- A phrase only matches whole words: it must not start or end inside a word, and
  a hyphen joins words, so "absent" does not fire in "absent-minded".

A rule may also list ``unless_preceded_by`` / ``unless_followed_by`` phrases (same
syntax): a match with one of them just before or after it (whitespace between) is
not a flag, e.g. "absent" followed by "from school".

Each rule: ``id`` (kebab-case; keep it stable, other code may refer to it), ``phrases``,
``severity`` ("correction", or "question" for context words), ``reason`` (one kind
sentence), ``suggestions`` (other wordings), optional ``unless_*`` lists, ``rewrites`` and
``note``. Top-level: ``rules``, ``alone`` and ``agree`` (below); the others (``syntax``,
``sources``, ``version``) are for people.

Rewrites (issue 14): a suggestion must replace the whole phrase it concerns, auxiliaries and
objects included, so that the sentence around it still reads ("has been kicking off" ->
"has been showing distress by [describe]", not "has been showed distress by [describe]").
``rewrites`` is an ordered list; the first one that fits a flag gives the wordings one tap
puts in, and what it replaces. Each rewrite has ``suggestions`` (templates, at most five) and
any of:

- ``before``: phrases that must come just before the flagged phrase (whitespace between);
  the replaced text then starts where they start.
- ``phrase``: phrases the flagged text must begin with, ending at a word's end (to pick a
  variant); ``{rest}`` is the flagged text after them.
- ``after``: phrases that must come just after it (whitespace between); the replaced text
  then ends where they end.

In these phrases a brace group may be named, ``{who:men,women}`` (one alternative is
allowed), to reuse what it matched, as the worker wrote it. A template says ``{who}`` for a
named group, ``{before}``, ``{phrase}`` (the flagged text), ``{rest}`` and ``{after}``;
``[person]`` is a placeholder the worker types over (the tap selects it). A rewrite touching
the child's quoted words is skipped. With no rewrite that fits, the rule's ``suggestions``
replace the flagged text alone, but only where they fit there (below). When the replaced text
starts a sentence with a capital, so does the wording put in. matcher.py and language-check.js
apply this identically.

Alone (issue 14): a rule's own suggestion is often a clause ("was exploited to carry or sell
drugs"), which reads after "She" but not after "a known", "very", "as" or "has been". The
file's top-level ``alone`` section says where one fits in place of the flagged text alone,
when no rewrite fits: ``{"kinds": [{"starts": [...], "after": [...]}, ...]}``. A suggestion
whose first word (a word of ASCII letters, or a whole ``[placeholder]``, lower-cased) is in a
kind's ``starts`` fits only right after one of that kind's ``after`` words (whitespace between;
an empty ``after``: never); any other suggestion fits anywhere. Wherever it is, a suggestion
does not fit if its first word would repeat the word just before the flag, or its last word
the word just after it; and none fits in place of a flagged phrase whose last word is one of
``open_ends`` (optional: "for", "to", "with" ...), which needs the words after it ("swap sex
for a place to stay"). A flag with no suggestion that fits offers no tap: the worker sees its
suggestions as advice (rewrites are how a rule gives a tap in a context). With no ``alone``
section, every suggestion fits anywhere but for a repeated word. No tap ever repeats a word
that way: a rewrite's wording that would is not offered either, and a rewrite left with none
does not fit.

Agree: a rewrite picks "was" or "is" from the phrase's verb ("chose" -> "was persuaded"), which
is wrong after "They". The top-level ``agree`` section, ``{"after": [...], "words": {"was":
"were", ...}}``: a wording (a rewrite's, or a suggestion put in alone) whose first word is one of
``words``, put in right after one of the ``after`` words, starts with that word's plural form
instead ("They was forced" -> "They were forced"). Without the section, nothing changes.

A local file uses the shipped file's ``alone`` and ``agree``.

A suggestion that tells the worker what to write ("describe what was seen") must be a
placeholder, "[describe what was seen]", so that a tap selects it and, left in a field, it is
listed as a gap; every ``[...]`` in a suggestion must be one the matcher can find
(matcher.py PLACEHOLDER: 1 to 40 characters, no line break, no nested bracket).

Local rules (issue 14 item 7): a council's own file (RHI_LANGUAGE_RULES_LOCAL), in this same
format, is layered over the shipped one by load_rule_set / merge_local. A rule with a new id is
added (before the shipped ones); one with a shipped rule's id replaces it (to reword a reason
or a suggestion); ``{"id": "...", "off": true}`` switches a shipped rule off. Every local rule
is validated as a shipped one is, and a mistake names the local file and the rule. The merged
set is what the server's matcher and the browser's (via /language/rules.json) both run.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

RULES_PATH: Path = Path(__file__).with_name("rules.json")

SEVERITIES = ("correction", "question")
REQUIRED_KEYS = ("id", "phrases", "severity", "reason", "suggestions")
OPTIONAL_KEYS = ("unless_preceded_by", "unless_followed_by", "rewrites", "note")
ALONE_KEYS = ("kinds", "open_ends", "about")
KIND_KEYS = ("starts", "after", "note")
AGREE_KEYS = ("after", "words", "about")
# A word of an `alone` kind: ASCII letters, lower case, or (in `starts`) a whole placeholder.
ALONE_WORD_RE = re.compile(r"[a-z]+")
# A suggestion's first and last words, as `alone` reads them (language-check.js: the same).
FIRST_WORD_RE = re.compile(r"\[[^\[\]\n]{1,40}\]|[A-Za-z]+")
LAST_WORD_RE = re.compile(r"(?<![A-Za-z])[A-Za-z]+\Z")
# What a suggestion may hold in brackets: a placeholder matcher.py finds (its PLACEHOLDER).
PLACEHOLDER_RE = re.compile(r"\[[^\[\]\n]{1,40}\]")
# A suggestion starting with one of these tells the worker what to write: it must be bracketed.
INSTRUCTIONS = frozenset(
    (
        "describe",
        "say",
        "name",
        "add",
        "explain",
        "give",
        "list",
        "write",
        "note",
        "record",
        "state",
        "include",
        "specify",
        "detail",
    )
)
REWRITE_PARTS = ("before", "phrase", "after")
RESERVED_NAMES = (*REWRITE_PARTS, "rest")
REWRITE_KEYS = (*REWRITE_PARTS, "suggestions")
SLOT_NAME_RE = re.compile(r"[a-z]+")
# A template: literal text and {name} references; any other brace is a mistake.
TEMPLATE_REF_RE = re.compile(r"\{([^{}]*)\}")
ID_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# What a phrase may contain; anything else is probably a regex someone meant literally.
PHRASE_CHARS_RE = re.compile(r"[A-Za-z0-9 '\u2019\-.,/&{}#]+")
MAX_SUGGESTIONS = 5

# Character classes shared, character for character, with language-check.js.
# Whitespace is spelt out because Python's and JavaScript's \s differ (\x1c-\x1f, \ufeff).
WS = "[\t-\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
# A "word character": a letter or digit in any script or "_" (Python: \w, that is
# str.isalnum() or "_"; JS: [\p{L}\p{N}_]), plus the common combining accents, so that an
# accent typed as a separate character ("e\u0301") stays inside its word.
WORD = "[\\w\u0300-\u036f]"
HYPHENS = "[-\u2010\u2011]"
BOUNDARY_BEFORE = f"(?<!{WORD})(?<!{WORD}{HYPHENS})"
BOUNDARY_AFTER = f"(?!{WORD})(?!{HYPHENS}{WORD})"


class RuleFileError(ValueError):
    """The rules file is missing, is not valid JSON, or a rule in it is malformed."""


@dataclass(frozen=True)
class Rewrite:
    """A whole-phrase replacement for the flags it fits (see "Rewrites" above)."""

    suggestions: tuple[str, ...]
    before: tuple[str, ...] = ()
    phrase: tuple[str, ...] = ()
    after: tuple[str, ...] = ()


@dataclass(frozen=True)
class Kind:
    """Suggestions starting with one of `starts` fit alone only right after one of `after`."""

    starts: frozenset[str]
    after: frozenset[str]


@dataclass(frozen=True)
class Fit:
    """How a wording is fitted into the worker's sentence: the file's ``alone`` and ``agree``
    sections (see "Alone" and "Agree" above), the same for every rule of a file."""

    kinds: tuple[Kind, ...] = ()
    open_ends: frozenset[str] = frozenset()
    agree_after: frozenset[str] = frozenset()
    agree_words: tuple[tuple[str, str], ...] = ()  # (singular, plural): a dict is not hashable

    def agreeing(self, wording: str, before: str) -> str:
        """`wording` as put in right after the word `before` (lower-cased): "was ..." after
        "they" is "were ...". Only a first word written as in `words` (lower case) changes."""
        if before not in self.agree_after:
            return wording
        found = FIRST_WORD_RE.match(wording)
        if not found:
            return wording
        for singular, plural in self.agree_words:
            if found.group() == singular:
                return plural + wording[found.end() :]
        return wording

    def takes_alone(self, flagged: str) -> bool:
        """Whether a flagged text can be replaced by a suggestion alone: not if it ends with
        one of `open_ends` ("swap sex for"), which needs the words after it."""
        found = LAST_WORD_RE.search(flagged)
        return not (found and found.group().lower() in self.open_ends)

    def fits_alone(self, suggestion: str, before: str, after: str) -> bool:
        """Whether `suggestion` fits alone between the word `before` the flag and the word
        `after` it (each lower-cased, "" where there is none: see matcher.py _word_before)."""
        if repeats_a_word(suggestion, before, after):
            return False
        first = first_word(suggestion)
        for kind in self.kinds:
            if first in kind.starts:
                return before in kind.after
        return True


def first_word(suggestion: str) -> str:
    """A suggestion's first word as `alone` reads it: ASCII letters or a whole placeholder,
    lower-cased ("" if it starts otherwise, as with a template's "{aux}")."""
    found = FIRST_WORD_RE.match(suggestion)
    return found.group().lower() if found else ""


def repeats_a_word(wording: str, before: str, after: str) -> bool:
    """Whether a wording put in between the words `before` and `after` (lower-cased) would
    repeat one of them: "a a child", "carry drugs internally drugs". No tap does (matcher.py)."""
    first = first_word(wording)
    found = LAST_WORD_RE.search(wording)
    last = found.group().lower() if found else ""
    return bool((first and first == before) or (last and last == after))


@dataclass(frozen=True)
class Rule:
    id: str
    phrases: tuple[str, ...]
    severity: str
    reason: str
    suggestions: tuple[str, ...]
    unless_preceded_by: tuple[str, ...] = ()
    unless_followed_by: tuple[str, ...] = ()
    rewrites: tuple[Rewrite, ...] = ()
    # The file's `alone` and `agree` sections (the same for every rule of a file): set by
    # validate_data.
    fit: Fit = Fit()


class PatternError(ValueError):
    """A phrase does not follow the phrase syntax."""


# Letters are matched through explicit classes instead of an ignore-case flag, so that
# Python and JavaScript fold case identically (their ignore-case rules differ for a few
# characters such as the dotted and dotless i). U+212A KELVIN SIGN and U+017F LONG S are
# what both engines' case folding adds to plain ASCII letters.
_EXTRA_CASES = {"k": "\u212a", "s": "\u017f"}


def _variants(ch: str) -> str:
    """Every character that `ch` (a letter or digit of a phrase) matches."""
    low = ch.lower()
    if not low.isalpha():
        return ch
    return low + low.upper() + _EXTRA_CASES.get(low, "")


def _translate_text(text: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == " ":
            while i < len(text) and text[i] == " ":
                i += 1
            out.append(WS + "+")
            continue
        if ch == "-":
            out.append(f"(?:{HYPHENS}|{WS}+)?")
        elif ch in "'\u2019":
            out.append("['\u2019]")
        elif ch == "#":
            out.append("[0-9]+")
        elif ch.isalpha():
            out.append(f"[{_variants(ch)}]")
        else:
            out.append(re.escape(ch))
        i += 1
    return "".join(out)


@dataclass(frozen=True)
class Slot:
    """A named brace group in a rewrite's phrase: captured, so a template can reuse it."""

    name: str
    alternatives: tuple[str, ...]  # longest first


Part = str | tuple[str, ...] | Slot  # literal text, alternatives (longest first), a slot


def _by_length(items: list[str]) -> list[str]:
    # Stable: equal lengths keep their written order (JS Array.prototype.sort is stable too).
    return sorted(items, key=len, reverse=True)


def parse(phrase: str, *, slots: bool = False) -> list[Part]:
    """Split a phrase into literal text and brace groups. Raises PatternError.

    With `slots` (a rewrite's phrases), ``{name:a,b}`` is a named group; a rule's own phrases
    have none, as a capturing group there means "unless_preceded_by took part"."""
    if not phrase or phrase != phrase.strip():
        raise PatternError("is empty or has spaces at either end")
    # A slot's name ends at ":", so a rewrite's phrase may hold one; it is checked below.
    if not PHRASE_CHARS_RE.fullmatch(phrase.replace(":", "") if slots else phrase):
        raise PatternError("uses characters outside letters, digits, spaces and ' - . , / & { } #")
    parts: list[Part] = []
    i = 0
    while i < len(phrase):
        open_at = phrase.find("{", i)
        close_at = phrase.find("}", i)
        if close_at != -1 and (open_at == -1 or close_at < open_at):
            raise PatternError("has a '}' without a '{'")
        literal = phrase[i:] if open_at == -1 else phrase[i:open_at]
        if ":" in literal:
            raise PatternError("has a ':' outside braces")
        if open_at == -1:
            parts.append(literal)
            break
        if open_at > i:
            parts.append(literal)
        if close_at == -1:
            raise PatternError("has a '{' that is never closed")
        body = phrase[open_at + 1 : close_at]
        if "{" in body:
            raise PatternError("has nested braces")
        name, colon, rest = body.partition(":")
        if colon:
            if not slots:
                raise PatternError("names a group, which only a rewrite may do")
            if not SLOT_NAME_RE.fullmatch(name) or name in RESERVED_NAMES:
                raise PatternError(f"has a group name {name!r} that is not a-z or is reserved")
            alternatives = rest.split(",")
            if not all(alternatives):
                raise PatternError(f"has an empty alternative in the group {name!r}")
            parts.append(Slot(name, tuple(_by_length(alternatives))))
        else:
            alternatives = body.split(",")
            if len(alternatives) < 2:
                raise PatternError("has braces with fewer than two alternatives")
            parts.append(tuple(_by_length(alternatives)))
        i = close_at + 1
    return parts


def _translate_part(part: Part) -> str:
    if isinstance(part, str):
        return _translate_text(part)
    if isinstance(part, Slot):
        return "(" + "|".join(_translate_text(a) for a in part.alternatives) + ")"
    return "(?:" + "|".join(_translate_text(a) for a in part) + ")"


def _translate_parts(parts: list[Part]) -> str:
    return "".join(_translate_part(p) for p in parts)


def _heads(parts: list[Part]) -> list[tuple[str, str]]:
    """(first character, regex for the rest) for each way the phrase can start, in the
    order the regex engine would try them: (a|b)c is tried as ac, then bc."""
    if not parts:
        raise PatternError("can match empty text")
    first, rest = parts[0], parts[1:]
    if isinstance(first, Slot):  # pragma: no cover - a rule's phrases have no slots
        raise PatternError("cannot start with a named group")
    if isinstance(first, tuple):
        return [head for alt in first for head in _heads([alt, *rest])]
    if not first:
        return _heads(rest)
    if not first[0].isascii() or not first[0].isalnum():
        raise PatternError("must begin with a letter or a digit")
    return [(first[0].lower(), _translate_text(first[1:]) + _translate_parts(rest))]


def _check_heads(parts: list[Part]) -> None:
    """Raise what _heads(parts) would, without building any regex (validation at start-up)."""
    if not parts:
        raise PatternError("can match empty text")
    first, rest = parts[0], parts[1:]
    if isinstance(first, Slot):  # pragma: no cover - a rule's phrases have no slots
        raise PatternError("cannot start with a named group")
    if isinstance(first, tuple):
        for alt in first:
            _check_heads([alt, *rest])
        return
    if not first:
        _check_heads(rest)
        return
    if not first[0].isascii() or not first[0].isalnum():
        raise PatternError("must begin with a letter or a digit")


def translate(phrase: str) -> str:
    """Regex source for one phrase, without word boundaries. Raises PatternError."""
    return _translate_parts(parse(phrase))


def _alternation(phrases: tuple[str, ...]) -> str:
    return "(?:" + "|".join(translate(p) for p in _by_length(list(phrases))) + ")"


def _heads_of(phrases: tuple[str, ...]) -> list[tuple[str, str]]:
    return [head for phrase in _by_length(list(phrases)) for head in _heads(parse(phrase))]


def _fast_source(rule: Rule) -> str:
    """A regex with the same matches, preferred in the same order, as _plain_source(), but
    shaped so that Python's regex engine can skip ahead on the first character.

    Every top-level alternative starts with a plain (case-sensitive) literal character,
    which lets `re` build a first-character set and scan for it in C instead of trying
    every rule at every position; the word-boundary check moves to just after that
    character. Alternatives that start with different characters can never both match
    at one position, so grouping them by first character keeps the order of preference;
    within a group, the unless_preceded_by alternatives come first, as in the plain form.
    A capturing group marks the unless_preceded_by alternatives.
    """
    groups: dict[str, tuple[list[str], list[str]]] = {}
    for ch, rest in _heads_of(rule.unless_preceded_by):
        groups.setdefault(ch, ([], []))[0].append(rest)
    for ch, rest in _heads_of(rule.phrases):
        groups.setdefault(ch, ([], []))[1].append(rest)
    after_preceded = f"({WS}+){BOUNDARY_BEFORE}{_alternation(rule.phrases)}"
    branches = []
    for ch, (preceded, main) in groups.items():
        alternatives = list(main)
        if preceded:
            alternatives.insert(0, "(?:" + "|".join(preceded) + ")" + after_preceded)
        body = "(?:" + "|".join(alternatives) + ")"
        for variant in _variants(ch):
            this = f"[{re.escape(variant)}]"
            boundary = f"(?<!{WORD}{this})(?<!{WORD}{HYPHENS}{this})"
            branches.append(re.escape(variant) + boundary + body)
    return "(?:" + "|".join(branches) + ")" + _source_end(rule)


def _source_end(rule: Rule) -> str:
    source = BOUNDARY_AFTER
    if rule.unless_followed_by:
        source += f"(?!{WS}+{_alternation(rule.unless_followed_by)}{BOUNDARY_AFTER})"
    return source


def _plain_source(rule: Rule) -> str:
    """The regex language-check.js builds for a rule.

    unless_preceded_by is an optional capturing group in front, tried first because it
    starts further left; a match in which it took part is thrown away by the matcher.
    unless_followed_by is a negative lookahead.
    """
    source = ""
    if rule.unless_preceded_by:
        source += f"(?:({BOUNDARY_BEFORE}{_alternation(rule.unless_preceded_by)}){WS}+)?"
    return source + BOUNDARY_BEFORE + _alternation(rule.phrases) + _source_end(rule)


def rule_regex_source(rule: Rule, *, fast: bool = True) -> str:
    """Regex source for a rule. A match in which any group took part is not a flag."""
    return _fast_source(rule) if fast else _plain_source(rule)


def compile_rule(rule: Rule, *, fast: bool = True) -> re.Pattern[str]:
    return re.compile(rule_regex_source(rule, fast=fast))


def slot_names(phrases: tuple[str, ...]) -> list[str]:
    """The named groups of a rewrite part, in the order of their capturing groups."""
    return [
        part.name
        for phrase in _by_length(list(phrases))
        for part in parse(phrase, slots=True)
        if isinstance(part, Slot)
    ]


def _slot_alternation(phrases: tuple[str, ...]) -> str:
    return (
        "(?:"
        + "|".join(_translate_parts(parse(p, slots=True)) for p in _by_length(list(phrases)))
        + ")"
    )


def rewrite_sources(rewrite: Rewrite) -> dict[str, str]:
    """Regex sources for a rewrite's parts, built the same way by language-check.js.

    before: group 1 is the before text; searched between a window's start and the flag, it
    must end (``\\Z``; JS ``$``) just before the flag. phrase: matched against the flag's text.
    after: group 1 is the after text; matched at the flag's end. Named groups follow
    group 1 (phrase: from group 1) in the order of slot_names(); phrase matches at the start
    of the flag's text and ends at a word's end."""
    sources: dict[str, str] = {}
    if rewrite.before:
        sources["before"] = f"{BOUNDARY_BEFORE}({_slot_alternation(rewrite.before)}){WS}+"
    if rewrite.phrase:
        sources["phrase"] = _slot_alternation(rewrite.phrase) + BOUNDARY_AFTER
    if rewrite.after:
        sources["after"] = f"{WS}+({_slot_alternation(rewrite.after)}){BOUNDARY_AFTER}"
    return sources


def _fail(where: str, problem: str) -> RuleFileError:
    return RuleFileError(f"{where}: {problem}")


def _string_list(value: Any, where: str, key: str, *, required: bool) -> tuple[str, ...]:
    if value is None and not required:
        return ()
    if not isinstance(value, list) or not value:
        raise _fail(where, f"'{key}' must be a non-empty list of strings")
    for n, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise _fail(where, f"'{key}' item {n} must be a non-empty string")
    return tuple(value)


def _check_suggestion(text: str, where: str, n: int) -> None:
    """A suggestion's brackets are placeholders the matcher finds, and an instruction to the
    worker is one ("[describe what was seen]", never a bare "describe what was seen")."""
    bare = PLACEHOLDER_RE.sub("", text)
    if "[" in bare or "]" in bare:
        raise _fail(
            where,
            f"suggestion {n} {text!r} has a bracket that is not a placeholder "
            "([...]: 1 to 40 characters, no line break, no bracket inside)",
        )
    if first_word(text) in INSTRUCTIONS:
        raise _fail(
            where,
            f"suggestion {n} {text!r} tells the worker what to write: make it a placeholder, "
            f"[{text}], so that a tap selects it and a gap left is listed",
        )


def _word_list(value: Any, where: str, key: str, *, placeholders: bool) -> frozenset[str]:
    if not isinstance(value, list) or (key == "starts" and not value):
        raise _fail(where, f"'{key}' must be a {'non-empty ' if key == 'starts' else ''}list")
    for n, item in enumerate(value):
        ok = isinstance(item, str) and (
            ALONE_WORD_RE.fullmatch(item)
            or (placeholders and PLACEHOLDER_RE.fullmatch(item) and item == item.lower())
        )
        if not ok:
            kinds = "a lower-case word (a-z)" + (" or a [placeholder]" if placeholders else "")
            raise _fail(where, f"'{key}' item {n} {item!r} must be {kinds}")
    return frozenset(value)


def _section(raw: Any, where: str, keys: tuple[str, ...]) -> None:
    if not isinstance(raw, dict):
        raise _fail(where, "must be an object")
    unknown = sorted(set(raw) - set(keys))
    if unknown:
        raise _fail(where, f"unknown field(s): {', '.join(unknown)}")
    about = raw.get("about", "")
    if not isinstance(about, str) and not (
        isinstance(about, list) and all(isinstance(a, str) for a in about)
    ):
        raise _fail(where, "'about' must be a string or a list of strings")


def validate_fit(alone: Any, agree: Any) -> Fit:
    """The file's `alone` and `agree` sections (see "Alone" and "Agree" above), either may be
    missing (None). Raises RuleFileError."""
    kinds: tuple[Kind, ...] = ()
    open_ends: frozenset[str] = frozenset()
    if alone is not None:
        kinds = _validate_kinds(alone)
        if "open_ends" in alone:
            open_ends = _word_list(alone["open_ends"], "alone", "open_ends", placeholders=False)
    if agree is None:
        return Fit(kinds=kinds, open_ends=open_ends)
    _section(agree, "agree", AGREE_KEYS)
    after = _word_list(agree.get("after"), "agree", "after", placeholders=False)
    words = agree.get("words")
    if not isinstance(words, dict) or not words:
        raise _fail("agree", "'words' must be a non-empty object (a word: its plural form)")
    for singular, plural in words.items():
        if not ALONE_WORD_RE.fullmatch(singular) or not (
            isinstance(plural, str) and ALONE_WORD_RE.fullmatch(plural)
        ):
            raise _fail("agree", f"'words' {singular!r}: {plural!r} must be lower-case words (a-z)")
    return Fit(
        kinds=kinds, open_ends=open_ends, agree_after=after, agree_words=tuple(words.items())
    )


def _validate_kinds(raw: Any) -> tuple[Kind, ...]:
    where = "alone"
    _section(raw, where, ALONE_KEYS)
    if not isinstance(raw.get("kinds"), list) or not raw["kinds"]:
        raise _fail(where, "'kinds' must be a non-empty list")
    kinds: list[Kind] = []
    seen: dict[str, int] = {}
    for n, item in enumerate(raw["kinds"]):
        here = f"{where} kind {n}"
        if not isinstance(item, dict):
            raise _fail(here, "must be an object")
        unknown = sorted(set(item) - set(KIND_KEYS))
        if unknown:
            raise _fail(here, f"unknown field(s): {', '.join(unknown)}")
        if "note" in item and not isinstance(item["note"], str):
            raise _fail(here, "'note' must be a string")
        starts = _word_list(item.get("starts"), here, "starts", placeholders=True)
        after = _word_list(item.get("after"), here, "after", placeholders=False)
        for word in sorted(starts):
            if word in seen:
                raise _fail(here, f"{word!r} is in the starts of kind {seen[word]} too")
            seen[word] = n
        kinds.append(Kind(starts=starts, after=after))
    return tuple(kinds)


def _text_can_be_empty(text: str) -> bool:
    # In _translate_text only "-" (a hyphen, whitespace or nothing) can match no text.
    return all(ch == "-" for ch in text)


def _can_be_empty(parts: list[Part]) -> bool:
    """Whether the regex _translate_parts(parts) makes matches empty text, read from the parts
    (as re.compile(...).fullmatch("") would say, without compiling: validating the rules at
    start-up must stay cheap; the regexes are compiled on first use, matcher.py)."""
    for part in parts:
        if isinstance(part, str):
            empty = _text_can_be_empty(part)
        else:
            alternatives = part.alternatives if isinstance(part, Slot) else part
            empty = any(_text_can_be_empty(a) for a in alternatives)
        if not empty:
            return False
    return True


def _check_phrases(phrases: tuple[str, ...], where: str, key: str) -> None:
    for n, phrase in enumerate(phrases):
        try:
            parts = parse(phrase)
            if key != "unless_followed_by":
                _check_heads(parts)  # must start with a letter or digit
        except PatternError as exc:
            raise _fail(where, f"{key} {n} {phrase!r} {exc}") from exc
        if _can_be_empty(parts):
            raise _fail(where, f"{key} {n} {phrase!r} can match empty text")


def _validate_rewrite(raw: Any, where: str) -> Rewrite:
    if not isinstance(raw, dict):
        raise _fail(where, "must be an object")
    unknown = sorted(set(raw) - set(REWRITE_KEYS))
    if unknown:
        raise _fail(where, f"unknown field(s): {', '.join(unknown)}")
    templates = _string_list(raw.get("suggestions"), where, "suggestions", required=True)
    if len(templates) > MAX_SUGGESTIONS:
        raise _fail(where, f"at most {MAX_SUGGESTIONS} suggestions")
    parts = {key: _string_list(raw.get(key), where, key, required=False) for key in REWRITE_PARTS}
    names: list[str] = ["phrase"]
    for key, phrases in parts.items():
        for n, phrase in enumerate(phrases):
            try:
                parsed = parse(phrase, slots=True)
            except PatternError as exc:
                raise _fail(where, f"{key} {n} {phrase!r} {exc}") from exc
            if _can_be_empty(parsed):
                raise _fail(where, f"{key} {n} {phrase!r} can match empty text")
        if phrases:
            names += [key] if key != "phrase" else ["rest"]
            for name in slot_names(phrases):
                if name in names:
                    raise _fail(where, f"the group name {name!r} is used twice")
                names.append(name)
    for n, template in enumerate(templates):
        if template != template.strip():
            raise _fail(where, f"suggestion {n} has spaces at either end")
        _check_suggestion(template, where, n)
        for ref in TEMPLATE_REF_RE.findall(template):
            if ref not in names:
                raise _fail(where, f"suggestion {n} uses {{{ref}}}, which is not defined")
        if "{" in TEMPLATE_REF_RE.sub("", template) or "}" in TEMPLATE_REF_RE.sub("", template):
            raise _fail(where, f"suggestion {n} has a stray brace")
    return Rewrite(suggestions=templates, **parts)


def validate_rule(raw: Any, index: int) -> Rule:
    where = f"rule {index}"
    if not isinstance(raw, dict):
        raise _fail(where, "must be an object")
    rule_id = raw.get("id")
    if isinstance(rule_id, str):
        where = f"rule {index} ({rule_id!r})"
    missing = [k for k in REQUIRED_KEYS if k not in raw]
    if missing:
        raise _fail(where, f"missing field(s): {', '.join(missing)}")
    unknown = sorted(set(raw) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS))
    if unknown:
        raise _fail(where, f"unknown field(s): {', '.join(unknown)}")
    if not isinstance(rule_id, str) or not ID_RE.fullmatch(rule_id):
        raise _fail(where, "'id' must be kebab-case: lower-case letters, digits and hyphens")
    if raw["severity"] not in SEVERITIES:
        raise _fail(where, f"'severity' must be one of {', '.join(SEVERITIES)}")
    if not isinstance(raw["reason"], str) or not raw["reason"].strip():
        raise _fail(where, "'reason' must be a non-empty string")
    if "note" in raw and not isinstance(raw["note"], str):
        raise _fail(where, "'note' must be a string")
    phrases = _string_list(raw["phrases"], where, "phrases", required=True)
    suggestions = _string_list(raw["suggestions"], where, "suggestions", required=True)
    if len(suggestions) > MAX_SUGGESTIONS:
        raise _fail(where, f"at most {MAX_SUGGESTIONS} suggestions")
    for n, suggestion in enumerate(suggestions):
        _check_suggestion(suggestion, where, n)
    preceded = _string_list(
        raw.get("unless_preceded_by"), where, "unless_preceded_by", required=False
    )
    followed = _string_list(
        raw.get("unless_followed_by"), where, "unless_followed_by", required=False
    )
    _check_phrases(phrases, where, "phrase")
    _check_phrases(preceded, where, "unless_preceded_by")
    _check_phrases(followed, where, "unless_followed_by")
    raw_rewrites = raw.get("rewrites", [])
    if not isinstance(raw_rewrites, list):
        raise _fail(where, "'rewrites' must be a list")
    rewrites = tuple(
        _validate_rewrite(item, f"{where} rewrite {n}") for n, item in enumerate(raw_rewrites)
    )
    rule = Rule(
        id=rule_id,
        phrases=phrases,
        severity=raw["severity"],
        reason=raw["reason"].strip(),
        suggestions=suggestions,
        unless_preceded_by=preceded,
        unless_followed_by=followed,
        rewrites=rewrites,
    )
    # The rule's regex is built and compiled on first use (matcher.py), not here: each phrase
    # was parsed and its start checked above, and the translation of parsed phrases is letters,
    # digits and escaped punctuation in fixed shapes, so it always compiles.
    return rule


def validate_data(data: Any) -> tuple[Rule, ...]:
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RuleFileError("the file must be an object with a 'rules' list")
    fit = validate_fit(data.get("alone"), data.get("agree"))
    rules = tuple(
        replace(validate_rule(raw, index), fit=fit) for index, raw in enumerate(data["rules"])
    )
    if not rules:
        raise RuleFileError("the 'rules' list is empty")
    seen: dict[str, int] = {}
    for index, rule in enumerate(rules):
        if rule.id in seen:
            raise _fail(
                f"rule {index} ({rule.id!r})", f"duplicate id (first used by rule {seen[rule.id]})"
            )
        seen[rule.id] = index
    return rules


def read_data(path: Path | str | None = None) -> Any:
    path = Path(path) if path is not None else RULES_PATH
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RuleFileError(f"{path}: cannot read: {exc}") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise RuleFileError(f"{path}: not valid JSON: {exc}") from exc


def load_rules(path: Path | str | None = None) -> tuple[Rule, ...]:
    """Read and validate a rules file (the shipped one by default)."""
    return validate_data(read_data(path))


_shipped_data: dict[str, Any] | None = None


def rules_as_json() -> dict[str, Any]:
    """The shipped rules file, validated, as a dict (a copy), for the browser."""
    global _shipped_data
    if _shipped_data is None:
        data = read_data(RULES_PATH)
        _validated(data)
        _shipped_data = data
    return copy.deepcopy(_shipped_data)


# Local rules (issue 14 item 7): a council's own file, layered over the shipped one.

LOCAL_OFF_KEYS = ("id", "off", "note")


@dataclass(frozen=True)
class RuleSet:
    """The rules the app runs: the shipped (or RHI_LANGUAGE_RULES) file with a council's local
    file layered over it. `data` is what the browser gets; `version` changes whenever any rule
    in it does, so a tablet's kept copy can be told apart from the server's."""

    rules: tuple[Rule, ...]
    data: dict[str, Any]
    version: str
    path: Path = RULES_PATH  # the file layered over: the shipped one, or RHI_LANGUAGE_RULES
    local_path: Path | None = None
    added: tuple[str, ...] = ()
    replaced: tuple[str, ...] = ()
    off: tuple[str, ...] = ()

    def source(self, rule_id: str) -> str:
        """Where a rule came from: "local" if the local file added or reworded it, else
        "shipped"."""
        return "local" if rule_id in self.added or rule_id in self.replaced else "shipped"


def data_version(data: dict[str, Any]) -> str:
    """A short digest of the rules as served: the same rules give the same version."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


# Validating the shipped file reads every phrase (a few milliseconds, nothing compiled); the
# same file, validated once per process, is not validated again (each test's app).
_VALIDATED: dict[str, tuple[Rule, ...]] = {}


def _validated(data: Any) -> tuple[Rule, ...]:
    key = data_version(data)
    rules = _VALIDATED.get(key)
    if rules is None:
        rules = validate_data(data)
        if len(_VALIDATED) >= 8:
            _VALIDATED.clear()
        _VALIDATED[key] = rules
    return rules


def _local_off(raw: dict[str, Any], where: str, base_ids: set[str]) -> str:
    unknown = sorted(set(raw) - set(LOCAL_OFF_KEYS))
    if unknown:
        raise _fail(
            where,
            f"a rule switched off has only 'id' and 'off' (and 'note'); "
            f"remove {', '.join(unknown)}",
        )
    if raw["off"] is not True:
        raise _fail(where, "'off' must be true (to keep a rule, leave it out of the local file)")
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or rule_id not in base_ids:
        raise _fail(where, f"switches off {rule_id!r}, which is not one of the shipped rules")
    if "note" in raw and not isinstance(raw["note"], str):
        raise _fail(where, "'note' must be a string")
    return rule_id


def merge_local(
    base: Any, local: Any, local_path: Path | str, base_path: Path | str = RULES_PATH
) -> RuleSet:
    """Layer a local rules file (`local`, read from `local_path`) over `base` (both as read
    from JSON; `base` is validated too). Raises RuleFileError naming the local file and the
    rule.

    The local file has the shipped file's format. A rule with a new id is added, before the
    shipped ones (so where two rules flag exactly the same words, the council's is shown); a
    rule with a shipped rule's id replaces it, in its place; ``{"id": "...", "off": true}``
    switches a shipped rule off. Each local rule is validated as a shipped one is."""
    path = Path(local_path)
    if not isinstance(base, dict) or not isinstance(base.get("rules"), list):
        validate_data(base)  # raises, saying what is wrong with it
    # The local file is checked first: a mistake in it is found without compiling every rule.
    base_ids = {raw["id"] for raw in base["rules"] if isinstance(raw, dict) and "id" in raw}
    try:
        if not isinstance(local, dict) or not isinstance(local.get("rules"), list):
            raise RuleFileError("the file must be an object with a 'rules' list")
        seen: dict[str, int] = {}
        new: list[tuple[Rule, dict[str, Any]]] = []
        replacing: dict[str, tuple[Rule, dict[str, Any]]] = {}
        off: list[str] = []
        for index, raw in enumerate(local["rules"]):
            where = f"rule {index}"
            if isinstance(raw, dict) and isinstance(raw.get("id"), str):
                where = f"rule {index} ({raw['id']!r})"
                if raw["id"] in seen:
                    raise _fail(where, f"duplicate id (first used by rule {seen[raw['id']]})")
                seen[raw["id"]] = index
            if isinstance(raw, dict) and "off" in raw:
                off.append(_local_off(raw, where, base_ids))
                continue
            rule = validate_rule(raw, index)
            if rule.id in base_ids:
                replacing[rule.id] = (rule, raw)
            else:
                new.append((rule, raw))
    except RuleFileError as exc:
        raise RuleFileError(f"{path}: {exc}") from exc
    base_rules = _validated(base)
    # The local file's wordings are fitted as the shipped file says ("Alone", "Agree" above).
    fit = base_rules[0].fit
    new = [(replace(rule, fit=fit), raw) for rule, raw in new]
    replacing = {key: (replace(rule, fit=fit), raw) for key, (rule, raw) in replacing.items()}
    merged: list[tuple[Rule, dict[str, Any]]] = list(new)
    for rule, raw in zip(base_rules, base["rules"], strict=True):
        if rule.id in off:
            continue
        merged.append(replacing.get(rule.id, (rule, raw)))
    if not merged:
        raise RuleFileError(f"{path}: switches off every rule; the writing check needs one")
    data = {key: value for key, value in base.items() if key != "rules"}
    data["rules"] = [copy.deepcopy(raw) for _, raw in merged]
    data["local"] = {
        "added": [rule.id for rule, _ in new],
        "replaced": [rule_id for rule_id in seen if rule_id in replacing],
        "off": off,
    }
    return RuleSet(
        rules=tuple(rule for rule, _ in merged),
        data=data,
        version=data_version(data),
        path=Path(base_path),
        local_path=path,
        added=tuple(data["local"]["added"]),
        replaced=tuple(data["local"]["replaced"]),
        off=tuple(off),
    )


def load_rule_set(path: Path | str | None = None, local: Path | str | None = None) -> RuleSet:
    """The rules file at `path` (the shipped one by default), validated, with the local file
    `local` (if any) layered over it. Raises RuleFileError naming the file and the rule."""
    path = Path(path) if path else RULES_PATH
    base = read_data(path)
    if not local:
        rules = _validated(base)
        return RuleSet(rules=rules, data=base, version=data_version(base), path=path)
    return merge_local(base, read_data(local), local, path)
