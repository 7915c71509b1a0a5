"""Recording what the writing check did, and reading the counts back. No HTTP here."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from rhi.extensions import db
from rhi.interviews import content as c
from rhi.language import Matcher
from rhi.models import Interview, LanguageEvent, User
from rhi.writing.counts import interview_counts

# "kept": "Keep my words" in a box outside an interview's own fields (a decline reason, a note),
# whose final text is not kept with a list of what was kept; an interview's own "keep my words"
# is "dismissed", and is counted from the interview's final text instead (team_table).
ACTIONS = ("flagged", "replaced", "dismissed", "kept")


def rule_counts(matcher: Matcher, text: str) -> Counter[str]:
    return Counter(flag.rule_id for flag in matcher.check(text or ""))


def record_new_flags(matcher: Matcher, team_id: int | None, old: str, new: str) -> list[str]:
    """Count a flag once, when a saved text gains a phrase it did not have before.

    Only the part of the text the save changed is checked (Matcher.changed_parts): outside it
    the old and the new text have the same flags, so the count is exactly that of checking
    both whole texts, for a fraction of the time on a long note."""
    old_part, new_part = matcher.changed_parts(old or "", new or "")
    added = rule_counts(matcher, new_part) - rule_counts(matcher, old_part)
    for rule_id, times in added.items():
        for _ in range(times):
            db.session.add(LanguageEvent(team_id=team_id, rule_id=rule_id, action="flagged"))
    return sorted(added)


def record(team_id: int | None, rule_id: str, action: str) -> None:
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    db.session.add(LanguageEvent(team_id=team_id, rule_id=rule_id, action=action))


def team_counts(team_id: int, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """Per rule: how often it was flagged, replaced and dismissed in the team, most first."""
    rows = db.session.execute(
        select(LanguageEvent.rule_id, LanguageEvent.action, func.count())
        .where(LanguageEvent.team_id == team_id, LanguageEvent.at >= start, LanguageEvent.at < end)
        .group_by(LanguageEvent.rule_id, LanguageEvent.action)
    ).all()
    table: dict[str, dict[str, Any]] = {}
    for rule_id, action, count in rows:
        entry = table.setdefault(rule_id, {"rule_id": rule_id, **{a: 0 for a in ACTIONS}})
        entry[action] = count
    return sorted(table.values(), key=lambda e: (-e["flagged"], -e["dismissed"], e["rule_id"]))


def open_flags(
    matcher: Matcher, fields: list[tuple[str, str]], dismissed: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Flags still open in each text field: those not dismissed by the worker."""
    gone = {(d.get("path"), d.get("rule_id"), d.get("text")) for d in dismissed}
    found = []
    for path, text in fields:
        for flag in matcher.check(text):
            if (path, flag.rule_id, flag.text) not in gone:
                found.append({"path": path, **flag.to_dict()})
    return found


def team_table(
    matcher: Matcher, team_id: int, start: datetime, end: datetime
) -> list[dict[str, Any]]:
    """Per rule, for the manager's Wording page: how often the team changed a flagged phrase,
    kept it, or left it as written, most left first. Anonymous: rules and numbers only.

    - changed: suggestions taken between `start` and `end` (each tap, wherever it was made);
    - kept and left: counted in the final words of the team's interviews finished between
      `start` and `end`, by the same count as their review and copies (rhi/writing/counts.py),
      so the page and a finished interview's PDF agree; plus "Keep my words" in the team's
      other boxes (decline reasons, notes), whose final words are not counted here.
    """
    rows = db.session.execute(
        select(LanguageEvent.rule_id, LanguageEvent.action, func.count())
        .where(
            LanguageEvent.team_id == team_id,
            LanguageEvent.at >= start,
            LanguageEvent.at < end,
            LanguageEvent.action.in_(("replaced", "kept")),
        )
        .group_by(LanguageEvent.rule_id, LanguageEvent.action)
    ).all()
    changed: Counter[str] = Counter()
    kept: Counter[str] = Counter()
    for rule_id, action, count in rows:
        (changed if action == "replaced" else kept)[rule_id] += count
    left: Counter[str] = Counter()
    documents = db.session.scalars(
        select(Interview.content).where(
            Interview.finished_at >= start,
            Interview.finished_at < end,
            Interview.worker_id.in_(select(User.id).where(User.team_id == team_id)),
        )
    )
    for document in documents:
        normal = c.normalise(document)
        counts = interview_counts(matcher, c.text_fields(normal), normal["language"])
        left.update(counts.left_by_rule)
        kept.update(counts.kept_by_rule)
    rule_ids = set(changed) | set(kept) | set(left)
    table = [
        {"rule_id": r, "changed": changed[r], "kept": kept[r], "left": left[r]} for r in rule_ids
    ]
    return sorted(table, key=lambda e: (-e["left"], -e["kept"], -e["changed"], e["rule_id"]))
