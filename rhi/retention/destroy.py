"""The dry run (which records are due, why, which are held, and which wait for a person to
record the child's legal status) and the real run (destroy each due record not on hold, one
transaction per child).

Destroying a record deletes every row held about the child (rhi/retention/held.py finds them
from the schema), then blanks the `children` row to an anonymous tombstone: audit rows cannot
be deleted and point at it. A `destroyed_children` row says it is one; the tombstone has no
name, date of birth, social worker or team, so no one's lists show it again.
"""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, exists, or_, select, update
from sqlalchemy.orm import load_only

from rhi import audit
from rhi.episodes import imports
from rhi.extensions import db
from rhi.jobs import downloads
from rhi.models import (
    Child,
    Episode,
    ImportBatch,
    Interview,
    Job,
    SyncConflict,
    SyncRequest,
    User,
)
from rhi.models.base import utcnow
from rhi.models.children import LEGAL_STATUSES
from rhi.models.interviews import InterviewStatus
from rhi.models.retention import DestroyedChild, LegalHold
from rhi.retention import held, rules, unimported

log = logging.getLogger(__name__)

DESTROYED_NAME = "Record destroyed"
# The tombstone's values for columns that may not be empty; every other column is emptied
# (NULL), or set to its plain default. `id` and `created_at` stay: neither is about the child.
TOMBSTONE = {
    "first_name": DESTROYED_NAME,
    "last_name": "",
    # The column may not be empty; 1 January 1900 is what the tombstone holds instead (a date no
    # child in rhi has), and `destroyed_children` is what marks the row.
    "date_of_birth": date(1900, 1, 1),
}
UNTOUCHED = frozenset({"id", "created_at"})

# Work still going on with the child keeps a due record back, as a legal hold does, until it is
# done: destroyed, a child still missing vanished from Returns with their episode, and the
# workers with a return or an interview open lost it without a word (a probe). The reasons, as
# the report and the command line say them, the most pressing first.
STILL_MISSING = "Still missing"
RETURN_OPEN = "A return is open"
INTERVIEW_OPEN = "An interview is in progress"


@dataclass(frozen=True)
class Due:
    child_id: int
    name: str
    date_of_birth: date
    legal_status: str
    rule: rules.Rule
    due_on: date
    hold: LegalHold | None
    # Why work still going on keeps it back (STILL_MISSING, ...); None: nothing open.
    kept_back: str | None = None

    @property
    def legal_status_label(self) -> str:
        return LEGAL_STATUSES.get(self.legal_status, self.legal_status)


@dataclass
class Report:
    today: date
    due: list[Due] = field(default_factory=list)  # will be destroyed by a run today
    held: list[Due] = field(default_factory=list)  # due, but a legal hold keeps them
    # Past the younger rule's birthday, but the legal status is not known (rules.Rule
    # .status_known): never destroyed until a person records it, whatever the run is told.
    not_known: list[Due] = field(default_factory=list)
    # Due, but the child is still missing, or a return or an interview is open (`open_work`):
    # never destroyed until it is closed, whatever the run is told.
    kept_back: list[Due] = field(default_factory=list)


def not_destroyed():
    return ~exists(select(DestroyedChild.child_id).where(DestroyedChild.child_id == Child.id))


def holds_in_force(child_ids: list[int]) -> dict[int, LegalHold]:
    """The hold that keeps each of these records: one in force, or else one lifted too lately
    for the record to go (LegalHold.keeping)."""
    if not child_ids:
        return {}
    rows = db.session.scalars(
        select(LegalHold)
        .where(LegalHold.child_id.in_(child_ids), LegalHold.keeping(utcnow()))
        # In force last, so it is the one named when a lifted one keeps the record too; of
        # lifted ones, the one lifted last (it keeps the record longest).
        .order_by(LegalHold.lifted_at.is_(None), LegalHold.lifted_at, LegalHold.placed_at)
    )
    return {h.child_id: h for h in rows}


def open_work(child_ids: list[int]) -> dict[int, str]:
    """Each child with work still open, and the most pressing reason: an episode with no
    return (still missing), a return with no outcome yet (`Episode.closed_at`, the Returns
    list's rule), or an interview under way (one of an earlier return, its own closed)."""
    if not child_ids:
        return {}
    found: dict[int, str] = {}
    for child_id, returned_at in db.session.execute(
        select(Episode.child_id, Episode.returned_at).where(
            Episode.child_id.in_(child_ids),
            or_(Episode.closed_at.is_(None), Episode.returned_at.is_(None)),
        )
    ):
        if returned_at is None:
            found[child_id] = STILL_MISSING
        else:
            found.setdefault(child_id, RETURN_OPEN)
    for child_id in db.session.scalars(
        select(Interview.child_id).where(
            Interview.child_id.in_(child_ids),
            Interview.status == InterviewStatus.IN_PROGRESS.value,
            Interview.outcome.is_(None),
        )
    ):
        found.setdefault(child_id, INTERVIEW_OPEN)
    return found


def report(today: date) -> Report:
    """Which records are due for destruction on `today`, and which of those are held."""
    youngest_rule = min(rules.rule_for("looked_after").to_age, rules.rule_for("none").to_age)
    # A coarse filter in SQL (nobody born after this year can be due), the exact rule below.
    candidates = db.session.scalars(
        select(Child)
        .where(Child.date_of_birth <= date(today.year - youngest_rule, 12, 31), not_destroyed())
        .order_by(Child.date_of_birth, Child.id)
    ).all()
    due = [c for c in candidates if rules.due_on(c) <= today]
    holds = holds_in_force([c.id for c in due])
    still_open = open_work([c.id for c in due])
    result = Report(today)
    for child in due:
        entry = Due(
            child.id,
            child.display_name,
            child.date_of_birth,
            child.legal_status,
            rules.rule_of(child),
            rules.due_on(child),
            holds.get(child.id),
            still_open.get(child.id),
        )
        if entry.hold:
            result.held.append(entry)
        elif entry.kept_back:
            result.kept_back.append(entry)
        elif not entry.rule.status_known:
            result.not_known.append(entry)
        else:
            result.due.append(entry)
    return result


def _tombstone_values() -> dict[str, object]:
    values: dict[str, object] = {}
    for column in Child.__table__.columns:
        if column.name in UNTOUCHED:
            continue
        if column.name in TOMBSTONE:
            values[column.name] = TOMBSTONE[column.name]
        elif column.nullable:
            values[column.name] = None
        elif column.default is not None and column.default.is_scalar:
            values[column.name] = column.default.arg
        else:  # a new required column: say so here rather than leave its value behind
            raise RuntimeError(f"no tombstone value for children.{column.name}")
    return values


def _forget_downloads(child_id: int) -> None:
    """Files prepared for download about the child (a profile PDF, a letter, a subject access
    ZIP) wait in the jobs table, which names the child only in a job's arguments (no foreign
    key, so `held.each_table` does not find them): found here, by the child's id or one of
    their interviews, and deleted with the record.

    A file across many children (a manager's register pack) names none of them in its
    arguments, and its job does not record which children it holds (the pack's audit rows do,
    but not which job they came from). So the safe way, not the precise one: every such file,
    whoever it was for, has its bytes cleared (a probe found a pack naming a destroyed child,
    with places and people from their interview). Its row stays, so its page says it was cleared;
    such files last an hour anyway (rhi/jobs/downloads.py)."""
    downloads.clear_many_children()
    uuids = set(db.session.scalars(select(Interview.uuid).where(Interview.child_id == child_id)))
    theirs = [
        job_id
        for job_id, arguments in db.session.execute(
            select(Job.id, Job.arguments).where(Job.subject.like("download:%"))
        )
        if isinstance(arguments, dict)
        and (arguments.get("child_id") == child_id or arguments.get("uuid") in uuids)
    ]
    if theirs:
        db.session.execute(delete(Job).where(Job.id.in_(theirs)))


def _forget_sync_answers(child_id: int) -> None:
    """The answers kept for a tablet's retry (`sync_requests`, rhi/sync/idempotency.py) hold a
    conflicting interview's whole text (the server's copy) and name it only by its UUID inside
    the stored JSON: no key to the child, so `held.each_table` does not find them (a probe
    found a destroyed child's words there). Each answer naming one of the child's interviews
    (their UUIDs, and the tablets' own UUIDs for copies that competed with them) is deleted,
    expired or not: the table is pruned only when that user next uploads. A retry after this
    is applied afresh, which every upload allows (idempotency.REMEMBER_FOR)."""
    theirs = select(Interview.id).where(Interview.child_id == child_id)
    uuids = set(db.session.scalars(select(Interview.uuid).where(Interview.child_id == child_id)))
    uuids.update(
        db.session.scalars(
            select(SyncConflict.device_uuid).where(SyncConflict.interview_id.in_(theirs))
        )
    )
    keys = {u.lower() for u in uuids if u}
    if not keys:
        return
    naming = [
        request_id
        for request_id, response in db.session.execute(select(SyncRequest.id, SyncRequest.response))
        if any(key in (response or "").lower() for key in keys)
    ]
    if naming:
        db.session.execute(delete(SyncRequest).where(SyncRequest.id.in_(naming)))


def _forget_import_rows(child_id: int) -> None:
    """What applied police files keep about the child (each row's result names the child it
    was about, and its words may name them: "New episode for Ada"): blanked, the counts kept.
    An applied file keeps no rows of its own (imports.header_of). The files have no foreign
    key to the child, so `held.each_table` does not find them. Read before the child's
    episodes are deleted: results kept before each named its child, and rows refused before
    they were matched to anyone, are known by the episodes' ids and police references."""
    episode_ids, police_references = imports.known_by(child_id)
    for batch in db.session.scalars(
        select(ImportBatch)
        .where(ImportBatch.results.is_not(None))
        .options(load_only(ImportBatch.id, ImportBatch.results))
    ):
        results = copy.deepcopy(batch.results or [])
        if imports.forget_child(results, child_id, episode_ids, police_references):
            batch.results = results  # a new list: the JSON column sees the change
    db.session.flush()


def destroy_child(child_id: int, today: date, user: User | None) -> bool:
    """Destroy one child's record in one transaction, if it is still due and not held (checked
    again here: a hold may have been placed since the report was read). True when destroyed."""
    child = db.session.scalar(
        select(Child).where(Child.id == child_id, not_destroyed()).with_for_update()
    )
    if child is None or rules.due_on(child) > today or not rules.rule_of(child).status_known:
        db.session.rollback()
        return False
    if holds_in_force([child_id]) or open_work([child_id]):
        db.session.rollback()
        return False
    rule = rules.rule_of(child)
    _forget_downloads(child_id)
    _forget_sync_answers(child_id)
    _forget_import_rows(child_id)
    unimported.forget(child_id)  # by their name and date of birth: before the tombstone
    db.session.expunge(child)  # its row is changed by SQL below: never flushed from here
    for entry, clause in reversed(list(held.each_table(child_id, destroying=True))):
        db.session.execute(delete(entry.table).where(clause))
    db.session.execute(
        update(Child.__table__).where(Child.__table__.c.id == child_id).values(_tombstone_values())
    )
    db.session.add(
        DestroyedChild(
            child_id=child_id,
            destroyed_at=utcnow(),
            rule=rule.described[:80],
            destroyed_by_id=user.id if user else None,
        )
    )
    audit.record(
        "retention.destroy",
        user=user,
        object_type="child",
        object_id=child_id,
        child_id=child_id,
        detail="destroyed by the retention schedule" + ("" if user else " (command line)"),
    )
    db.session.commit()
    return True


@dataclass
class RunResult:
    destroyed: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # no longer due, or held since
    failed: list[int] = field(default_factory=list)
    # Left because their legal status is not known (`Report.not_known`): a person records it.
    not_known: list[int] = field(default_factory=list)
    # Left because the child is still missing or a return is open (`Report.kept_back`).
    kept_back: list[int] = field(default_factory=list)


def run(today: date, user: User | None, only: set[int] | None = None) -> RunResult:
    """Destroy every record due today and not held (of `only`, the records a person was shown,
    when given), each child in a transaction of its own: one that fails is rolled back and
    named, and the others still go. Records whose legal status is not known, and those of a
    child still missing or with a return open, are left, and counted."""
    result = RunResult()
    listed = report(today)
    result.not_known = [d.child_id for d in listed.not_known]
    result.kept_back = [d.child_id for d in listed.kept_back]
    if result.kept_back:
        log.warning(
            "retention: %d records kept back, the child still missing or a return open "
            "(children %s)",
            len(result.kept_back),
            result.kept_back,
        )
    if result.not_known:  # said in the log too: cron's run prints only its counts
        log.warning(
            "retention: %d records left, their legal status not known (children %s)",
            len(result.not_known),
            result.not_known,
        )
    due = [d.child_id for d in listed.due]
    for child_id in [c for c in due if only is None or c in only]:
        try:
            done = destroy_child(child_id, today, user)
        except Exception:
            db.session.rollback()
            log.exception("retention: the record of child %s could not be destroyed", child_id)
            result.failed.append(child_id)
            continue
        (result.destroyed if done else result.skipped).append(child_id)
    return result
