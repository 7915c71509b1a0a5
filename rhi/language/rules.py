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
sentence), ``suggestions`` (other wordings), optional ``unless_*`` lists and ``note``.
Top-level keys other than ``rules`` (``syntax``, ``sources``, ``version``) are for people.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RULES_PATH: Path = Path(__file__).with_name("rules.json")

SEVERITIES = ("correction", "question")
REQUIRED_KEYS = ("id", "phrases", "severity", "reason", "suggestions")
OPTIONAL_KEYS = ("unless_preceded_by", "unless_followed_by", "note")
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
class Rule:
    id: str
    phrases: tuple[str, ...]
    severity: str
    reason: str
    suggestions: tuple[str, ...]
    unless_preceded_by: tuple[str, ...] = ()
    unless_followed_by: tuple[str, ...] = ()


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


Part = str | tuple[str, ...]  # literal text, or alternatives (longest first)


def _by_length(items: list[str]) -> list[str]:
    # Stable: equal lengths keep their written order (JS Array.prototype.sort is stable too).
    return sorted(items, key=len, reverse=True)


def parse(phrase: str) -> list[Part]:
    """Split a phrase into literal text and brace groups. Raises PatternError."""
    if not phrase or phrase != phrase.strip():
        raise PatternError("is empty or has spaces at either end")
    if not PHRASE_CHARS_RE.fullmatch(phrase):
        raise PatternError("uses characters outside letters, digits, spaces and ' - . , / & { } #")
    parts: list[Part] = []
    i = 0
    while i < len(phrase):
        open_at = phrase.find("{", i)
        close_at = phrase.find("}", i)
        if close_at != -1 and (open_at == -1 or close_at < open_at):
            raise PatternError("has a '}' without a '{'")
        if open_at == -1:
            parts.append(phrase[i:])
            break
        if open_at > i:
            parts.append(phrase[i:open_at])
        if close_at == -1:
            raise PatternError("has a '{' that is never closed")
        body = phrase[open_at + 1 : close_at]
        if "{" in body:
            raise PatternError("has nested braces")
        alternatives = body.split(",")
        if len(alternatives) < 2:
            raise PatternError("has braces with fewer than two alternatives")
        parts.append(tuple(_by_length(alternatives)))
        i = close_at + 1
    return parts


def _translate_parts(parts: list[Part]) -> str:
    return "".join(
        _translate_text(p)
        if isinstance(p, str)
        else "(?:" + "|".join(_translate_text(a) for a in p) + ")"
        for p in parts
    )


def _heads(parts: list[Part]) -> list[tuple[str, str]]:
    """(first character, regex for the rest) for each way the phrase can start, in the
    order the regex engine would try them: (a|b)c is tried as ac, then bc."""
    if not parts:
        raise PatternError("can match empty text")
    first, rest = parts[0], parts[1:]
    if isinstance(first, tuple):
        return [head for alt in first for head in _heads([alt, *rest])]
    if not first:
        return _heads(rest)
    if not first[0].isascii() or not first[0].isalnum():
        raise PatternError("must begin with a letter or a digit")
    return [(first[0].lower(), _translate_text(first[1:]) + _translate_parts(rest))]


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


def _check_phrases(phrases: tuple[str, ...], where: str, key: str) -> None:
    for n, phrase in enumerate(phrases):
        try:
            compiled = re.compile(translate(phrase))
            if key != "unless_followed_by":
                _heads(parse(phrase))  # must start with a letter or digit
        except (PatternError, re.error) as exc:
            raise _fail(where, f"{key} {n} {phrase!r} {exc}") from exc
        if compiled.fullmatch(""):
            raise _fail(where, f"{key} {n} {phrase!r} can match empty text")


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
    preceded = _string_list(
        raw.get("unless_preceded_by"), where, "unless_preceded_by", required=False
    )
    followed = _string_list(
        raw.get("unless_followed_by"), where, "unless_followed_by", required=False
    )
    _check_phrases(phrases, where, "phrase")
    _check_phrases(preceded, where, "unless_preceded_by")
    _check_phrases(followed, where, "unless_followed_by")
    rule = Rule(
        id=rule_id,
        phrases=phrases,
        severity=raw["severity"],
        reason=raw["reason"].strip(),
        suggestions=suggestions,
        unless_preceded_by=preceded,
        unless_followed_by=followed,
    )
    try:
        compile_rule(rule)
    except re.error as exc:  # pragma: no cover - each part compiled above
        raise _fail(where, f"does not compile: {exc}") from exc
    return rule


def validate_data(data: Any) -> tuple[Rule, ...]:
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RuleFileError("the file must be an object with a 'rules' list")
    rules = tuple(validate_rule(raw, index) for index, raw in enumerate(data["rules"]))
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
        validate_data(data)
        _shipped_data = data
    return copy.deepcopy(_shipped_data)
