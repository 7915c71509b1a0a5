"""Recording what the writing check did, and reading the counts back. No HTTP here."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select

from rhi.extensions import db
from rhi.interviews import content as c
from rhi.language import Matcher
from rhi.models import (
    Addendum,
    ContactAttempt,
    Interview,
    LanguageEvent,
    SharingDecision,
    User,
)
from rhi.writing import counts
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
    """Flags still open in each text field: those the worker's "Keep my words" answers do not
    keep, one answer for the one use of a phrase it was pressed on, as the review's counts and the
    page count them (rhi/writing/counts.py kept_uses)."""
    answers = counts.dismissals({"dismissed": dismissed})
    found = []
    for path, text in fields:
        for flag, answer in counts.kept_flags(text, matcher.check(text), path, answers):
            if answer is None:
                found.append(
                    {"path": path, **flag.to_dict(), **_as_the_box_offers(matcher, text, flag)}
                )
    return found


def _as_the_box_offers(matcher: Matcher, text: str, flag: Any) -> dict[str, Any]:
    """The words a tap in the box replaces and the wordings it offers (Matcher.replacement,
    as static/js/language-check.js offers them), where it offers any; else nothing, and the
    rule's suggestions stand as advice. A probe found the box offering "is being exposed to
    risk by…" and the review, for the same phrase, the rule's own list."""
    offered = matcher.replacement(text, flag)
    if not offered.options:
        return {}
    return {"text": offered.text, "suggestions": list(offered.options)}


def team_table(
    matcher: Matcher, team_id: int, start: datetime, end: datetime
) -> list[dict[str, Any]]:
    """Per rule, for the manager's Wording page: how often the team changed a flagged phrase,
    kept it, or left it as written, most left first. Anonymous: rules and numbers only.

    - changed: suggestions taken between `start` and `end` (each tap, wherever it was made);
    - kept and left: counted in the final words of the team's interviews finished between
      `start` and `end`, by the same count as their review and copies (rhi/writing/counts.py),
      so the page and a finished interview's PDF agree; plus "Keep my words" in the team's
      other boxes (decline reasons, notes);
    - left, too, in the words the team kept beside its interviews in the period (a decline
      reason, an outcome's reason, a contact note...: `_texts_beside_interviews`), where
      "refused to engage" is most often written. Those boxes keep no list of what was kept, so
      a phrase kept there (counted as kept, by its event) would be counted again as left: per
      rule, the kept events are taken off what those texts still flag, never below nothing.
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
    beside: Counter[str] = Counter()
    for text in _texts_beside_interviews(team_id, start, end):
        beside.update(rule_counts(matcher, text))
    for rule_id, times in beside.items():
        left[rule_id] += max(0, times - kept[rule_id])
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


def _texts_beside_interviews(team_id: int, start: datetime, end: datetime) -> Iterator[str]:
    """The team's words kept beside its interviews, written between `start` and `end`: the
    boxes whose taps and "Keep my words" are counted for the team (rhi/writing/views.py,
    language_event). Found in SQL by team and period (so the cost is the period's, not the
    whole history); each text once, as a "no" that is also the outcome's reason is one text.

    - the child's "no" and the carer's words (when the child said no), the outcome's reason
      (a return ended without an interview), why it was late (finished): by the interview's
      worker, or, with none, whoever recorded its outcome;
    - a contact attempt's note, a safeguarding decision's reasons, an addendum: by whoever
      recorded them."""
    team = select(User.id).where(User.team_id == team_id)

    def during(column: Any) -> ColumnElement[bool]:
        return and_(column >= start, column < end)

    def within(when: datetime | None) -> bool:
        return when is not None and start <= when < end

    rows = db.session.execute(
        select(
            Interview.declined_at,
            Interview.decline_reason,
            Interview.carer_said,
            Interview.outcome,
            Interview.outcome_at,
            Interview.outcome_reason,
            Interview.finished_at,
            Interview.delay_note,
        ).where(
            or_(
                Interview.worker_id.in_(team),
                and_(
                    Interview.worker_id.is_(None),
                    Interview.outcome_recorded_by_id.in_(team),
                ),
            ),
            or_(
                during(Interview.declined_at),
                during(Interview.outcome_at),
                during(Interview.finished_at),
            ),
        )
    )
    for row in rows:
        texts: list[str | None] = []
        if within(row.declined_at):
            texts += [row.decline_reason, row.carer_said]
        if row.outcome != "held" and within(row.outcome_at):
            texts.append(row.outcome_reason)
        if within(row.finished_at):
            texts.append(row.delay_note)
        yield from dict.fromkeys(t for t in texts if t)  # once each, in order
    yield from (
        note
        for note in db.session.scalars(
            select(ContactAttempt.note).where(
                ContactAttempt.recorded_by_id.in_(team), during(ContactAttempt.created_at)
            )
        )
        if note
    )
    yield from db.session.scalars(
        select(Addendum.text).where(Addendum.author_id.in_(team), during(Addendum.created_at))
    )
    decisions = db.session.execute(
        select(SharingDecision.decision_id, Interview.content)
        .join(Interview, SharingDecision.interview_id == Interview.id)
        .where(SharingDecision.recorded_by_id.in_(team), during(SharingDecision.recorded_at))
    )
    for decision_id, document in decisions:
        for entry in c.normalise(document)["overrides"]:
            if isinstance(entry, dict) and entry.get("id") == decision_id:
                for key in ("reason", "child_told_how", "child_said", "urgent_reason"):
                    text = entry.get(key)
                    if isinstance(text, str) and text:
                        yield text
