"""Honest counts of what the writing check found, for the review, every copy and the team.

A count of taps alone says little ("1 suggestion was considered and not taken" while fourteen
flagged phrases were still there), so every count here starts from the final text: the Python
matcher is run over it when the page or copy is made, and each phrase it still flags is either
"kept" (the worker answered "Keep my words" for that phrase in that field) or "left as written"
(nobody looked at it). "Changed" is the suggestions the worker took, as recorded with the
interview: those phrases are no longer in the text, so only the record of the taps knows them.

The review page, the summary PDF and the manager's Wording page all count through
`interview_counts`, so for one interview they cannot disagree. No HTTP and no database here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from rhi.language import Matcher

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
    """How many suggestions were taken, as the interview's document records them: a number, or
    a list of taps (each may name its field, `path`). With `paths`, only taps in those fields
    are counted where the record says which field; a bare number cannot be split by field."""
    replaced = language.get("replaced", 0)
    if isinstance(replaced, list):
        return sum(
            1
            for tap in replaced
            if paths is None or not isinstance(tap, dict) or tap.get("path") in paths
        )
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
    kept_reasons: dict[tuple[str, str, str], str] = {}
    for entry in language.get("dismissed") or []:
        if isinstance(entry, dict):
            key = (str(entry.get("path")), str(entry.get("rule_id")), str(entry.get("text")))
            # Several "keep my words" for one phrase count once: the phrase is kept or not.
            kept_reasons[key] = kept_reasons.get(key) or str(entry.get("reason") or "").strip()
    left: Counter[str] = Counter()
    kept: Counter[str] = Counter()
    with_reason = 0
    for path, text in fields:
        if paths is not None and path not in paths:
            continue
        for flag in matcher.check(text):
            key = (path, flag.rule_id, flag.text[:200])  # dismissals keep 200 characters
            if key in kept_reasons:
                kept[flag.rule_id] += 1
                with_reason += 1 if kept_reasons[key] else 0
            else:
                left[flag.rule_id] += 1
    return LanguageCounts(
        left=sum(left.values()),
        kept=sum(kept.values()),
        kept_with_reason=with_reason,
        changed=replaced_count(language, paths),
        left_by_rule=left,
        kept_by_rule=kept,
    )


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
