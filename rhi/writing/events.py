"""Recording what the writing check did, and reading the counts back. No HTTP here."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from rhi.extensions import db
from rhi.language import Matcher
from rhi.models import LanguageEvent

ACTIONS = ("flagged", "replaced", "dismissed")


def rule_counts(matcher: Matcher, text: str) -> Counter[str]:
    return Counter(flag.rule_id for flag in matcher.check(text or ""))


def record_new_flags(matcher: Matcher, team_id: int | None, old: str, new: str) -> list[str]:
    """Count a flag once, when a saved text gains a phrase it did not have before."""
    added = rule_counts(matcher, new) - rule_counts(matcher, old)
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
