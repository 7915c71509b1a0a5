"""Honest counts of what the writing check found, for the review, every copy and the team.

A count of taps alone says little ("1 suggestion was considered and not taken" while fourteen
flagged phrases were still there), so every count here starts from the final text: the Python
matcher is run over it when the page or copy is made, and each phrase it still flags is either
"kept" (the worker answered "Keep my words" for that phrase in that field) or "left as written"
(nobody looked at it). Each "Keep my words" answers one use of a phrase, the one it was pressed
on: a field holding it three times with one answer has one kept and two left (`kept_uses`, as
the page's live check shows them: rhi/static/js/language-check.js keptUses). "Changed" is the
suggestions the worker took, as recorded with the interview: those phrases are no longer in the
text, so only the record of the taps knows them.

The review page, the summary PDF and the manager's Wording page all count through
`interview_counts`, so for one interview they cannot disagree. No HTTP and no database here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from rhi.language import Flag, Matcher

# A rule's plain phrase and example are made from its data (rules.json stays as it is): a rule
# may give its own "example"; otherwise the first concrete form of its first phrase.
_NUMBER_EXAMPLE = "3"


@dataclass(frozen=True)
class LanguageCounts:
    """What the writing check found in one record (or one copy of it)."""

    left: int = 0  # flagged phrases still in the text, nobody answered
    kept: int = 0  # flagged phrases still in the text, kept by the worker ("Keep my words")
    kept_with_reason: int = 0  # of those kept, how many have the worker's reason
    changed: int = 0  # suggestions the worker took
    left_by_rule: Counter[str] = field(default_factory=Counter)
    kept_by_rule: Counter[str] = field(default_factory=Counter)

    @property
    def any(self) -> bool:
        return bool(self.left or self.kept or self.changed)

    def sentence(self) -> str:
        """The counts in one sentence, the same words on the review and in every copy."""
        return (
            f"{_phrases(self.left)} left as written; "
            f"{self.kept} kept by the worker with \u201cKeep my words\u201d"
            + (f" ({self.kept_with_reason} with a reason given)" if self.kept else "")
            + f"; {self.changed} changed to suggested wording."
        )


def _phrases(n: int) -> str:
    return f"{n} flagged phrase" + ("" if n == 1 else "s")


def replaced_count(language: dict[str, Any], paths: Collection[str] | None = None) -> int:
    """How many suggestions were taken: `replaced`, the count of every tap. With `paths` (a
    copy's fields), the taps whose field is recorded (`taps`) count only in those fields; taps
    with no field recorded (made before taps named their field, or by a tablet still running
    the older script: `replaced` is more than the taps listed) count in every copy, as every
    tap once did."""
    total = _replaced_total(language)
    taps = [tap for tap in language.get("taps") or [] if isinstance(tap, dict)]
    if paths is None:
        return max(total, len(taps))
    named = sum(1 for tap in taps if tap.get("path") in paths)
    return named + max(0, total - len(taps))


def _replaced_total(language: dict[str, Any]) -> int:
    """`replaced` as a number (nothing rhi writes holds anything else; a list is its length)."""
    replaced = language.get("replaced", 0)
    if isinstance(replaced, list):
        return len(replaced)
    try:
        return max(0, int(replaced))
    except (TypeError, ValueError):
        return 0


def interview_counts(
    matcher: Matcher,
    fields: Iterable[tuple[str, str]],
    language: dict[str, Any],
    *,
    paths: Collection[str] | None = None,
) -> LanguageCounts:
    """Count the flags in `fields` ((path, final text), as content.text_fields gives them) and
    the suggestions taken. `language` is the document's "language" part. `paths`, when given,
    limits the count to those fields (a copy counts only what it holds)."""
    left: Counter[str] = Counter()
    kept: Counter[str] = Counter()
    with_reason = 0
    answers = dismissals(language)
    for path, text in fields:
        if paths is not None and path not in paths:
            continue
        for flag, answer in kept_flags(text, matcher.check(text), path, answers):
            if answer is None:
                left[flag.rule_id] += 1
            else:
                kept[flag.rule_id] += 1
                with_reason += 1 if answer else 0
    return LanguageCounts(
        left=sum(left.values()),
        kept=sum(kept.values()),
        kept_with_reason=with_reason,
        changed=replaced_count(language, paths),
        left_by_rule=left,
        kept_by_rule=kept,
    )


DismissalKey = tuple[str, str, str]  # (path, rule_id, text as kept: its first 200 characters)

# How much of the words either side of a kept use its answer keeps, to find that use again
# (code points, as the matcher counts). The same number in the browser: language-check.js
# KEPT_CONTEXT (the two are compared: tests/unit/test_kept_use_js.py).
KEPT_CONTEXT = 40
# How many of the characters an answer kept either side of its use must still be beside a use
# for the answer to keep it (fewer where it kept fewer: a use at the start of a short note):
# with none the same, the words round it were all rewritten, and the use is a new one to look
# at, not the one answered for (a review: a kept "absconded" hid one written in a new sentence).
KEPT_SAME_AT_LEAST = 8


@dataclass(frozen=True)
class Answer:
    """One "Keep my words": the reason given ("" for none) and the words either side of the use
    it kept, as the text was when it was kept ("" and "" in answers recorded before the words
    were kept with them)."""

    reason: str = ""
    before: str = ""
    after: str = ""


def use_context(text: str, start: int, end: int) -> tuple[str, str]:
    """The words either side of a use of a phrase, as an answer keeps them."""
    return text[max(0, start - KEPT_CONTEXT) : start], text[end : end + KEPT_CONTEXT]


def dismissals(language: dict[str, Any]) -> dict[DismissalKey, list[Answer]]:
    """Each "Keep my words" the document records, by (path, rule, text), in the order given."""
    answers: dict[DismissalKey, list[Answer]] = {}
    for entry in language.get("dismissed") or []:
        if isinstance(entry, dict):
            key = (str(entry.get("path")), str(entry.get("rule_id")), str(entry.get("text")))
            answers.setdefault(key, []).append(
                Answer(
                    reason=str(entry.get("reason") or "").strip(),
                    before=str(entry.get("before") or ""),
                    after=str(entry.get("after") or ""),
                )
            )
    return answers


def _closeness(answer: Answer, before: str, after: str) -> int:
    """How many characters next to a use are as they were next to the use an answer kept."""
    same = 0
    for was, now in zip(reversed(answer.before), reversed(before), strict=False):
        if was != now:
            break
        same += 1
    for was, now in zip(answer.after, after, strict=False):
        if was != now:
            break
        same += 1
    return same


def _at_least(answer: Answer) -> int:
    """How close a use must be to keep `answer`: nothing for an answer kept before the words
    round a use were (it keeps the first uses, as it did)."""
    return min(KEPT_SAME_AT_LEAST, len(answer.before) + len(answer.after))


def kept_uses(
    text: str, flags: list[Flag], answers: dict[tuple[str, str], list[Answer]]
) -> set[int]:
    """Which of a field's flags (their places in `flags`) its "Keep my words" answers keep, by
    (rule, phrase). One answer keeps one use: the use whose words either side are most as they
    were when it was kept, so the use the worker answered for stays kept when words before or
    after it change, and a use written later, or one not answered, is still shown (a probe:
    keeping the second of two uses hid the first and left the second). The closest pairs are
    matched first; ties go to the earlier answer, then the earlier use, so answers recorded
    without the words around them (before they were kept) keep the first uses, as they did.
    Never more are kept than the text holds. The page shows the same (language-check.js
    keptUses)."""
    uses: dict[tuple[str, str], list[int]] = {}
    for place, flag in enumerate(flags):
        uses.setdefault((flag.rule_id, flag.text[:200]), []).append(place)  # answers keep 200
    kept: set[int] = set()
    for key, places in uses.items():
        given = answers.get(key) or []
        if not given:
            continue
        around = [use_context(text, flags[p].start, flags[p].end) for p in places]
        pairs = sorted(
            (-same, a, u)
            for a, answer in enumerate(given)
            for u in range(len(places))
            if (same := _closeness(answer, *around[u])) >= _at_least(answer)
        )
        answered: set[int] = set()
        for _, a, u in pairs:
            if a not in answered and places[u] not in kept:
                answered.add(a)
                kept.add(places[u])
    return kept


def kept_flags(
    text: str, flags: Iterable[Flag], path: str, answers: dict[DismissalKey, list[Answer]]
) -> list[tuple[Flag, str | None]]:
    """Each flag of one field's `text` with the reason of the answer that keeps it ("" for
    none), or None where it is left as written (`kept_uses` says which are kept).

    The reasons go to the uses kept, those with a reason first: a phrase kept with a reason
    and then written once fewer still counts its reason (which use a deleted one was, nobody
    can tell), and answers recorded twice never count more than the text holds."""
    flags = list(flags)
    mine = {(rule, phrase): given for (p, rule, phrase), given in answers.items() if p == path}
    kept = kept_uses(text, flags, mine)
    reasons = {
        key: sorted((answer.reason for answer in given), key=lambda r: not r)
        for key, given in mine.items()
    }
    out: list[tuple[Flag, str | None]] = []
    for place, flag in enumerate(flags):
        waiting = reasons.get((flag.rule_id, flag.text[:200]))
        out.append((flag, waiting.pop(0) if place in kept and waiting else None))
    return out


def view_paths(view: Any) -> set[str]:
    """The fields whose text a recipient's copy (rhi.sharing.SharedView) holds, so a copy counts
    only phrases its reader can see: a count over words kept out of it would tell that
    something was kept out (rhi/sharing.py rule 6)."""
    paths: set[str] = set()
    paths |= {f"sections.{s}.text" for s in view.sections}
    paths |= {f"sections.{s}.kept_back" for s in view.kept_back}
    if view.police_contact:
        paths.add("police_contact")
    paths |= {f"{f.group}.{f.key}.note" for f in view.findings}
    paths |= {f"findings_other.{group}" for group in view.findings_other}
    for kind in ("places", "people", "actions"):
        for entry in getattr(view, kind):
            paths |= {f"{kind}.{entry.get('id')}.{name}" for name in entry}
    if view.protective_factors:
        paths.add("protective_factors")
    paths |= {f"consent.{line.recipient}.words" for line in view.consent}
    return paths


# ---- a rule in plain words, for the manager's Wording page ------------------------------------


def _first_forms(phrase: str) -> str:
    """The first concrete form of a phrase: each {a,b} group as its first alternative (as
    written, not longest first), "#" as a number, "-" as a hyphen."""
    out: list[str] = []
    i = 0
    while i < len(phrase):
        ch = phrase[i]
        if ch == "{":
            close = phrase.find("}", i)
            if close == -1:
                out.append(phrase[i + 1 :])
                break
            out.append(phrase[i + 1 : close].split(",")[0])
            i = close + 1
            continue
        out.append(_NUMBER_EXAMPLE if ch == "#" else ch)
        i += 1
    return " ".join("".join(out).split())


def plain_phrase(rule: dict[str, Any]) -> str:
    """A rule's name in plain words, from its id: "refused-to-engage" -> "Refused to engage"."""
    words = str(rule.get("id", "")).replace("-", " ").strip()
    return words[:1].upper() + words[1:]


def example(rule: dict[str, Any]) -> str:
    """A phrase the rule flags: the rule's own example if it has one, or else the first
    concrete form of its first phrase ("put herself at risk")."""
    own = rule.get("example")
    if isinstance(own, str) and own.strip():
        return own.strip()
    phrases = rule.get("phrases") or [""]
    return _first_forms(str(phrases[0]))
