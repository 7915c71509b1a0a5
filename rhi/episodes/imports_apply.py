"""Police notifications into episodes: what each row would do (the preview) and doing it.

Idempotent on the police reference: a reference rhi already holds is an update (only the
details the file gives, and only when they differ) or unchanged, so the same file twice changes
nothing and a corrected file corrects. A new reference becomes a new episode, unallocated (it
waits on the coordinator's "Waiting to be allocated" list, rhi/episodes/allocation.py), for:

- the child the police person id was linked to before, else
- the one child the team sees with exactly this name and date of birth, else
- a new child kept by the importing team, when no child is even possibly this one.

A row may leave out the child's names and date of birth (all three): it is then the child its
police person id is linked to, where the team holds that child, and nobody else. Its police
reference names an episode rhi holds only when that episode is this child's. Anything else is
refused in one set of words (`NAMES_NEEDED`) saying what to add, whether the id is linked to no
child or to one the team does not hold: another team's child is never revealed.

A weaker match (a similar name, one name within the other, a day and month swapped, two
candidates: rhi/children/matching.py) is never merged silently: the row waits for a person
(`WaitingRow`), who says "same child" or "new child". Matching looks first at children the
team may see, as adding a child by hand does.

A row that would make a child new to rhi, but may be a child another team keeps (by the same
rules, `KEPT_ELSEWHERE`; or whose police person id is that child's), is not made a second
record of that child: it waits on the keeping team's list (rhi/children/kept_elsewhere.py says
which team), for a person there, who can see the child, to confirm. The importing team is told
which team it went to, never who the child is (the API, only that it waits for a person): one
child, one record, so their repeat count, their worker and their history meet the new time away.
If the keeping team says it is a different child, it goes in as the importing team's import
would take it, never as that child (`_planned_again`). Later rows of its police reference from
the importing team meet it where it waits, and once the keeping team has settled it, go on to
that team's episode (`_passed_on`). "A different child" said of a team's own possible match
asks another team keeping one too, in the same way.

One time away is never counted twice, by the rule the hand forms keep too (rhi/episodes/
overlaps.py, said here by `time_away_around`): a new episode or a correction whose time away
falls inside, or holds, another of the child's is refused, naming it. A new episode begun after
one held as not yet back is made, with a note to record that return (found notifications often
never come); so is one not yet back begun before a time away held with its return, with a note
to record when the child came back from it.

Each row is applied in its own SAVEPOINT: whole or not at all. Every change is audited in the
same transaction; the caller commits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, Select, and_, false, or_, select, true
from sqlalchemy.exc import SQLAlchemyError

from rhi import access, audit, write_turns
from rhi.children import kept_elsewhere, matching
from rhi.episodes import notifications, overlaps, references
from rhi.episodes.imports_csv import Notice, NotOnTheClock, Row, read_row
from rhi.extensions import db
from rhi.models import Child, Episode, PolicePerson, Team, User, WaitingRow
from rhi.models.base import utcnow
from rhi.models.episodes import NOT_GRADED
from rhi.models.retention import DestroyedChild
from rhi.naming import interview_name
from rhi.timefmt import format_datetime, from_local, not_on_the_clock

NEW, UPDATE, UNCHANGED, WAITING, PROBLEM = "new", "update", "unchanged", "waiting", "problem"
CHUNK = 500

# Why a row is refused or waits, as a short fixed code. The API answers the police's system
# with the code and words of its own (rhi/episodes/api.py), never the row's message: that
# names the child as rhi holds them and their other times away, which are the council's.
INVALID = "invalid"  # what was sent cannot be read as it stands (its message says only that)
REFERENCE_CONFLICT = "reference_conflict"  # rhi holds the reference for another record
PERSON_ID_CONFLICT = "person_id_conflict"  # the police person id is another child's
TIMES_CONFLICT = "times_conflict"  # the times do not fit the child's times away rhi holds
FOUND_WITHOUT_MISSING = "found_without_missing"  # a found time for a reference rhi lacks
WAITING_CONFLICT = "waiting_conflict"  # does not fit the notification that waits for a person
NEEDS_COORDINATOR = "needs_coordinator"  # rhi's own records need putting right first
NOT_SAVED = "not_saved"  # rhi could not save it: sending it again may work
NEEDS_PERSON = "needs_person"  # waits for a person to confirm the child

# A row naming no child (imports_csv.NAMES) whose police person id is not linked to a child the
# team holds: the same words whether it is linked to no child or another team's (code INVALID:
# what was sent is not enough; the API answers in these words, which name no one).
NAMES_NEEDED = (
    "First name, Last name and Date of birth are empty. Add the child's names and date of "
    "birth: without them rhi matches a notification only by a police person id already "
    "linked to a child your team holds."
)


@dataclass(frozen=True)
class Actor:
    """Who imports: a person, or (command line, API) a team, named in the audit trail."""

    user: User | None
    team_id: int | None
    label: str
    rows: str = "line"  # what its rows are called: a file's lines, the API's items
    token_id: int | None = None  # the import token sending, if one is

    def child_scope(self) -> ColumnElement[bool]:
        if self.user is not None:
            return access.child_filter(self.user)
        assert self.team_id is not None
        return access.team_child_filter(self.team_id)

    def episode_scope(self) -> ColumnElement[bool]:
        if self.user is not None:
            return access.episode_filter(self.user)
        assert self.team_id is not None
        return access.team_episode_filter(self.team_id)

    def waiting_scope(self) -> ColumnElement[bool]:
        team_id = self.user.team_id if self.user is not None else self.team_id
        return waiting_scope(team_id, self.child_scope())


def waiting_scope(team_id: int | None, child_scope: ColumnElement[bool]) -> ColumnElement[bool]:
    """The rows waiting for a person that one team decides on: its own, for a child it may see
    (the waiting page lists them). An import meets only these: another team's row for the same
    police reference is theirs to decide, and is never overwritten by this team's file."""
    return and_(
        WaitingRow.team_id == team_id,
        or_(
            WaitingRow.candidate_child_id.in_(select(Child.id).where(child_scope)),
            # The record it may be was destroyed since (it is nobody's to see). A waiting row is
            # now destroyed with its candidate (retention/held.py ABOUT_ONLY_WHILE); this keeps
            # any left from before that in sight, to be decided.
            WaitingRow.candidate_child_id.in_(select(DestroyedChild.child_id)),
        ),
    )


@dataclass
class Plan:
    row: Row
    outcome: str
    message: str
    child: Child | None = None  # the child a new episode is for (None: a new child)
    episode: Episode | None = None  # the episode an update changes
    changes: list[str] = field(default_factory=list)
    waiting: WaitingRow | None = None
    reason: str | None = None  # why a weak match waits
    values: dict[str, str] | None = None  # what a waiting row holds from now (None: the row's)
    adopts: bool = False  # the update gives a hand-recorded episode the row's police reference
    # A refused row's child, where rhi knows it is theirs: its result names them, so destroying
    # their record blanks it (imports.forget_child).
    about: int | None = None
    code: str | None = None  # why it is refused or waits (a code above); None otherwise
    # The team keeping the child a row may be, where that is another team's (`KEPT_ELSEWHERE`):
    # the row waits on its list.
    keeping_team_id: int | None = None


class RowRefused(Exception):
    """A row that cannot be applied as it stands, said in words; `code`: why, as a code."""

    def __init__(self, words: str, code: str = NEEDS_COORDINATOR) -> None:
        super().__init__(words)
        self.code = code


def _chunks(items: list[Any]) -> Iterable[list[Any]]:
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]


def _on_the_clock(value: datetime) -> datetime:
    """A local time from a file, in UTC; refused in words if the clocks skipped it."""
    skipped = not_on_the_clock(value)
    if skipped:
        raise NotOnTheClock(skipped)
    return from_local(value)


def check_row(line: int, cells: dict[str, str], unmapped: list[str] | None = None) -> Row:
    """A row read by this council's rules, now (risk grades, the local time zone)."""
    return read_row(
        line,
        cells,
        grades=current_app.config["RHI_RISK_GRADES"],
        now=utcnow(),
        to_utc=_on_the_clock,
        unmapped=unmapped,
    )


def _filled(cells: dict[str, str], over: dict[str, str]) -> dict[str, str]:
    """`cells` with what `over` says: an empty cell of `over` never empties one of `cells`
    (a missing notification sent again says nothing of the found time added since)."""
    return {**cells, **{name: value for name, value in over.items() if value.strip()}}


@dataclass
class Known:
    """What rhi holds that the rows may meet, read in a few queries rather than per row."""

    actor: Actor
    episodes: dict[str, list[Episode]] = field(default_factory=lambda: defaultdict(list))
    visible_episodes: set[int] = field(default_factory=set)
    people: dict[str, int] = field(default_factory=dict)
    children: dict[date, list[Child]] = field(default_factory=lambda: defaultdict(list))
    by_id: dict[int, Child] = field(default_factory=dict)
    waiting: dict[str, WaitingRow] = field(default_factory=dict)
    # References a person settled as a time away rhi already holds (`ALREADY_RECORDED`): sent
    # again (with a found time, say), they are not put before a person again.
    settled: dict[str, WaitingRow] = field(default_factory=dict)
    # The episodes those settled references name, among those the actor may see, by id: their
    # found notification is that time away's return (`_plan_settled`).
    settled_episodes: dict[int, Episode] = field(default_factory=dict)
    # Notifications a person said are the child's (`SAME_CHILD`), by the episode made of them:
    # one whose date of birth is a slip from the child's stays theirs when sent again.
    confirmed: dict[int, list[WaitingRow]] = field(default_factory=lambda: defaultdict(list))
    # The team's episodes with no police reference yet, by child (recorded by hand, often from
    # a carer's call before the police gave one): a row may be the same time away.
    unreferenced: dict[int, list[Episode]] = field(default_factory=lambda: defaultdict(list))
    # Each known child's times away a new row's missing time may fall inside: still open, or
    # back after the earliest missing time in the file (whatever their police reference). The
    # children of the episodes the rows correct too, from the earliest of their missing times:
    # a corrected time must not fall inside, or hold, another time away (`_plan_update`).
    around: dict[int, list[Episode]] = field(default_factory=lambda: defaultdict(list))
    # The found times the file itself gives, by police reference: a found row for the child's
    # earlier time away may come after the row for the next one.
    returns_in_file: dict[str, datetime] = field(default_factory=dict)
    # The found time a row of the file gives an episode recorded by hand that it adopts (it has
    # no reference to be found by), by the episode's id: the preview applies nothing.
    adopted_returns: dict[int, datetime] = field(default_factory=dict)
    # Children the team does not see, by date of birth, whom a row the team would make a child
    # new to rhi of may be (`_kept_elsewhere`); those its rows' police person ids are linked to;
    # and the team keeping each (`kept_elsewhere.keeping_teams`), by the child's id, worked out
    # as rows need it. Never shown to the importing team.
    elsewhere: dict[date, list[Child]] = field(default_factory=lambda: defaultdict(list))
    linked_elsewhere: dict[int, Child] = field(default_factory=dict)
    keeping_team: dict[int, int | None] = field(default_factory=dict)
    # Episodes this team's notifications were sent on to another team for, which that team said
    # are its child's (the same child, or a time away it already holds), with that team's id:
    # the police's later notifications of the reference (the found time) are passed on to them,
    # in words that never name the child (`_passed_on`).
    forwarded: dict[int, int] = field(default_factory=dict)
    # Children a person said a notification is not (`resolve`, a different child): a row
    # planned again is never theirs.
    excluded: set[int] = field(default_factory=set)
    team_names: dict[int, str] = field(default_factory=dict)
    # A preview or dry run (nothing recorded): its asking of other teams' records is counted and
    # audited (`kept_elsewhere.Asking`); None for an import, recorded where the keeping team sees.
    asking: kept_elsewhere.Asking | None = None

    @classmethod
    def load(cls, actor: Actor, notices: list[Notice]) -> Known:
        known = cls(actor)
        refs = sorted({references.key(n.police_reference) for n in notices})
        for part in _chunks(refs):
            for episode in db.session.scalars(
                select(Episode).where(references.matches(Episode.police_reference, part))
            ):
                known.episodes[references.key(episode.police_reference or "")].append(episode)
            known.visible_episodes.update(
                db.session.scalars(
                    select(Episode.id).where(
                        references.matches(Episode.police_reference, part), actor.episode_scope()
                    )
                )
            )
            for waiting in db.session.scalars(
                select(WaitingRow).where(
                    references.matches(WaitingRow.police_reference, part),
                    WaitingRow.resolved_at.is_(None),
                    actor.waiting_scope(),
                )
            ):
                known.waiting[references.key(waiting.police_reference)] = waiting
            if actor.team_id is not None:
                # What this team's imports sent to another team's list: met again, not sent twice.
                for waiting in db.session.scalars(
                    select(WaitingRow).where(
                        references.matches(WaitingRow.police_reference, part),
                        WaitingRow.resolved_at.is_(None),
                        WaitingRow.from_team_id == actor.team_id,
                    )
                ):
                    known.waiting.setdefault(references.key(waiting.police_reference), waiting)
            sent_on = (
                WaitingRow.from_team_id == actor.team_id if actor.team_id is not None else false()
            )
            for waiting in db.session.scalars(
                select(WaitingRow).where(
                    references.matches(WaitingRow.police_reference, part),
                    WaitingRow.resolution == ALREADY_RECORDED,
                    or_(actor.waiting_scope(), sent_on),
                )
            ):
                known.settled[references.key(waiting.police_reference)] = waiting
                known.note_sent_on(waiting)
            for waiting in db.session.scalars(
                select(WaitingRow).where(
                    references.matches(WaitingRow.police_reference, part),
                    WaitingRow.resolution == SAME_CHILD,
                    WaitingRow.episode_id.is_not(None),
                )
            ):
                assert waiting.episode_id is not None
                known.confirmed[waiting.episode_id].append(waiting)
                known.note_sent_on(waiting)
        named = sorted({w.episode_id for w in known.settled.values() if w.episode_id})
        for part in _chunks(named):
            sent_on_to = Episode.id.in_([e for e in part if e in known.forwarded])
            for episode in db.session.scalars(
                select(Episode).where(Episode.id.in_(part), or_(actor.episode_scope(), sent_on_to))
            ):
                known.settled_episodes[episode.id] = episode
        people = sorted({n.police_person_id for n in notices if n.police_person_id})
        for part in _chunks(people):
            for link in db.session.scalars(
                select(PolicePerson).where(PolicePerson.police_person_id.in_(part))
            ):
                known.people[link.police_person_id] = link.child_id
        births = sorted(
            {
                d
                for n in notices
                if n.date_of_birth is not None
                for d in matching.birth_dates_to_check(n.date_of_birth, near_births=True)
            }
        )
        for part in _chunks(births):
            for child in db.session.scalars(
                select(Child).where(Child.date_of_birth.in_(part), actor.child_scope())
            ):
                known.add(child)
            if actor.team_id is not None:
                for child in kept_elsewhere.unseen(actor.child_scope(), born_on=part):
                    known.elsewhere[child.date_of_birth].append(child)
        linked = set(known.people.values()) - set(known.by_id)
        for part in _chunks(sorted(linked)):
            for child in db.session.scalars(
                select(Child).where(Child.id.in_(part), actor.child_scope())
            ):
                known.add(child)
            if actor.team_id is not None:
                # Another team's child: the row waits for that team (`_plan_new`).
                for child in kept_elsewhere.unseen(actor.child_scope(), ids=part):
                    known.linked_elsewhere[child.id] = child
        for part in _chunks(sorted(known.by_id)):
            for episode in db.session.scalars(
                select(Episode).where(
                    Episode.child_id.in_(part),
                    Episode.police_reference.is_(None),
                    actor.episode_scope(),
                )
            ):
                known.unreferenced[episode.child_id].append(episode)
        corrected = [
            e for same in known.episodes.values() for e in same if e.id in known.visible_episodes
        ]
        corrected += known.settled_episodes.values()
        # Another team's child's times away, for a notification passed on to them: checked as
        # every notification is (one time away never counted twice), never shown.
        passed_on = [
            e
            for same in known.episodes.values()
            for e in same
            if e.id in known.forwarded and e.id not in known.visible_episodes
        ]
        starts = [n.started_at for n in notices if n.started_at is not None]
        starts += [e.started_at for e in [*corrected, *passed_on]]
        if starts:
            earliest = min(starts)
            children = set(known.by_id) | {e.child_id for e in corrected}
            for part in _chunks(sorted(children)):
                for episode in db.session.scalars(_times_away_since(part, earliest, actor)):
                    known.around[episode.child_id].append(episode)
            theirs = {e.child_id for e in passed_on} - children
            for part in _chunks(sorted(theirs)):
                for episode in db.session.scalars(
                    overlaps.times_away_since(part, earliest, true())
                ):
                    known.around[episode.child_id].append(episode)
        for notice in notices:
            if notice.returned_at is not None:
                known.returns_in_file[references.key(notice.police_reference)] = notice.returned_at
        return known

    def returned(self, episode: Episode) -> datetime | None:
        """An episode's return, or the found time this file gives it."""
        if episode.returned_at is not None:
            return episode.returned_at
        if episode.id is not None and episode.id in self.adopted_returns:
            return self.adopted_returns[episode.id]
        if episode.police_reference:
            return self.returns_in_file.get(references.key(episode.police_reference))
        return None

    def note_sent_on(self, waiting: WaitingRow) -> None:
        """`waiting` was this team's notification, sent on to the team keeping the child, who
        settled it onto an episode of theirs (`forwarded`)."""
        team = self.actor.team_id
        if team is not None and waiting.from_team_id == team and waiting.episode_id is not None:
            assert waiting.team_id is not None
            self.forwarded[waiting.episode_id] = waiting.team_id

    def team_name(self, team_id: int) -> str:
        if not self.team_names:
            self.team_names = dict(db.session.execute(select(Team.id, Team.name)).all())
        return self.team_names.get(team_id, "another team")

    def keeper(self, child: Child) -> int | None:
        """The team that decides for another team's `child` (None: no team could)."""
        if child.id not in self.keeping_team:
            assert self.actor.team_id is not None
            found = kept_elsewhere.keeping_teams([child], self.actor.team_id)
            self.keeping_team[child.id] = found.get(child.id)
        return self.keeping_team[child.id]

    def add(self, child: Child) -> None:
        if child.id not in self.by_id:
            self.by_id[child.id] = child
            self.children[child.date_of_birth].append(child)

    def child(self, child_id: int) -> Child | None:
        return self.by_id.get(child_id)

    def linked(self, notice: Notice) -> Child | None:
        """The child the row's police person id is linked to, where the team holds them."""
        child_id = self.people.get(notice.police_person_id or "")
        return self.child(child_id) if child_id is not None else None

    def candidates(self, notice: Notice, *, elsewhere: bool = False) -> list[Child]:
        """The children the row may be, among the team's (or, `elsewhere`, those it does not
        see), never one a person said it is not (`excluded`)."""
        if notice.date_of_birth is None:
            return []
        days = matching.birth_dates_to_check(notice.date_of_birth, near_births=True)
        held = self.elsewhere if elsewhere else self.children
        return [c for day in days for c in held[day] if c.id not in self.excluded]


# What the file may change on an episode it already holds: (Notice attribute, Episode column).
UPDATABLE = (
    ("started_at", "started_at"),
    ("risk_grade", "risk_grade"),
    ("missing_from", "missing_from"),
    ("reported_by", "reported_by"),
    ("returned_at", "returned_at"),
    ("found_where", "found_where"),
    ("found_by", "found_by"),
)
LABELS = {
    "started_at": "reported missing",
    "risk_grade": "risk grade",
    "missing_from": "missing from",
    "reported_by": "reported by",
    "returned_at": "returned",
    "found_where": "found where",
    "found_by": "found by",
}


def _same_child(child: Child, notice: Notice) -> bool:
    """The child a police reference or person id points at may be the row's: the same rule as
    "possibly the same child" (a fuller name, such as a middle name added, is still theirs)."""
    if notice.first_name is None or notice.last_name is None or notice.date_of_birth is None:
        return False  # a row naming no child is theirs only by its linked id (`_is_child`)
    return matching.may_be(notice.first_name, notice.last_name, notice.date_of_birth, child)


def _is_child(child: Child, notice: Notice, known: Known) -> bool:
    """The row is about `child`: by its name and date of birth (`_same_child`), or, naming no
    child, by its police person id linked to them."""
    if notice.named:
        return _same_child(child, notice)
    linked = known.linked(notice)
    return linked is not None and child.id is not None and linked.id == child.id


def _names_needed(row: Row) -> Plan:
    return Plan(row, PROBLEM, NAMES_NEEDED, code=INVALID)


def _named_in(waiting: WaitingRow, line: int) -> Child | None:
    """The child a waiting notification itself names (its name and date of birth as sent),
    never saved: to compare a later row of its police reference with. None if what waits no
    longer reads by today's rules."""
    sent = check_row(line, waiting.values).notice
    if sent is None:
        return None
    return Child(
        first_name=sent.first_name, last_name=sent.last_name, date_of_birth=sent.date_of_birth
    )


def _as_confirmed(episode: Episode, notice: Notice, known: Known, row: Row) -> bool:
    """The row names the child as the notification a person confirmed as this episode's child
    did: the police send their details again (a found time, say) as they sent them first, a
    date of birth a slip from rhi's included (`may_be` never joins on that alone)."""
    return any(
        sent is not None and _same_child(sent, notice)
        for sent in (_named_in(w, row.line) for w in known.confirmed.get(episode.id, []))
    )


def _changes(notice: Notice, episode: Episode) -> list[str]:
    """The episode's columns the notification says otherwise."""
    return [
        column
        for attr, column in UPDATABLE
        if getattr(notice, attr) is not None and getattr(notice, attr) != getattr(episode, column)
    ]


def _plan_update(row: Row, notice: Notice, known: Known) -> Plan:
    episodes = known.episodes[references.key(notice.police_reference)]
    if len(episodes) > 1:
        return Plan(
            row,
            PROBLEM,
            "rhi holds more than one episode with this police reference.",
            code=NEEDS_COORDINATOR,
        )
    episode = episodes[0]
    if episode.id not in known.visible_episodes and episode.id in known.forwarded:
        return _passed_on(row, notice, episode, known)
    if episode.id not in known.visible_episodes:
        return Plan(
            row,
            PROBLEM,
            "This police reference is already in rhi, on a record your team does not hold. "
            "Nothing was changed: ask that team's manager.",
            code=REFERENCE_CONFLICT,
        )
    if not notice.named:
        if not _is_child(episode.child, notice, known):
            # The reference alone may be mistyped: the names (or the child's id) say whose.
            return _names_needed(row)
    elif not _same_child(episode.child, notice) and not _as_confirmed(episode, notice, known, row):
        return Plan(
            row,
            PROBLEM,
            "rhi holds this police reference for a child with another name or date of birth. "
            "Check the reference.",
            code=REFERENCE_CONFLICT,
        )
    return _plan_changes(row, notice, episode, known)


def _as_sent(notice: Notice, sent: list[WaitingRow], line: int) -> bool:
    """The row is about the child one of this team's own notifications (`sent`) named: by the
    name and date of birth sent, or, naming no child, by the police person id sent. Never
    compared with the child another team keeps, whose details are not this team's to test."""
    for waiting in sent:
        first = check_row(line, waiting.values).notice
        if first is None:
            continue
        if notice.named and first.named:
            as_child = Child(
                first_name=first.first_name,
                last_name=first.last_name,
                date_of_birth=first.date_of_birth,
            )
            if _same_child(as_child, notice):
                return True
        elif (
            not notice.named
            and notice.police_person_id
            and notice.police_person_id == first.police_person_id
        ):
            return True
    return False


def _passed_on(row: Row, notice: Notice, episode: Episode, known: Known) -> Plan:
    """A later notification of a reference this team sent on to the team keeping the child,
    which that team said is its child's episode (`Known.forwarded`): its details (the found
    time) go on to that episode, as they would on the team's own, checked by the same rules; said
    in words that never name the child, nor their other times away (a probe: the found
    notification was refused as "a record your team does not hold", and the child stayed
    missing on the keeping team's pages, no 72-hour clock started)."""
    team_id = known.forwarded[episode.id]
    team = known.team_name(team_id)
    sent = [w for w in known.confirmed.get(episode.id, []) if w.from_team_id == known.actor.team_id]
    sent += [w for w in known.settled.values() if w.episode_id == episode.id]
    if not _as_sent(notice, sent, row.line):
        if not notice.named:
            return _names_needed(row)
        return Plan(
            row,
            PROBLEM,
            f"This police reference was passed on to {team}, who keep the child's record, for "
            "a child with another name or date of birth. Check the reference.",
            code=REFERENCE_CONFLICT,
        )
    return _said_for_another_team(_plan_changes(row, notice, episode, known), team_id, known)


def _said_for_another_team(plan: Plan, team_id: int, known: Known) -> Plan:
    """`plan`, for an episode another team keeps (a notification this team sent on to them),
    in words of its own that name neither the child nor anything of their record (their times
    away, their interview), and with the keeping team noted, so no result or answer carries
    the episode (rev36: its id was linked, and "its interview is finished" said). The one
    place such a plan is worded."""
    team = known.team_name(team_id)
    kept = f"{team}, who keep the child's record"
    if plan.outcome == UPDATE:
        words = f"Passed on to {kept}: changes {', '.join(LABELS[c] for c in plan.changes)}."
    elif plan.outcome == UNCHANGED:
        words = f"Already passed on to {kept}: the same."
    elif plan.code == TIMES_CONFLICT:
        words = (
            f"Not passed on: the times do not fit the times away {kept}, hold for them. Nothing "
            f"was changed: check the times, or ask {team}."
        )
    else:
        words = f"Not passed on to {kept}. Nothing was changed: check it with {team}."
    return replace(plan, message=words, keeping_team_id=team_id)


def _plan_changes(row: Row, notice: Notice, episode: Episode, known: Known) -> Plan:
    """What the notification changes on `episode`, the one it is about: refused where the
    police person id is another child's or the times do not fit, unchanged where it says
    nothing new."""
    linked = known.people.get(notice.police_person_id or "")
    if linked is not None and linked != episode.child_id:
        return Plan(
            row,
            PROBLEM,
            "The police person id is linked to another child in rhi.",
            code=PERSON_ID_CONFLICT,
        )
    changes = _changes(notice, episode)
    returned = notice.returned_at or episode.returned_at
    if returned is not None and returned < (notice.started_at or episode.started_at):
        said = (
            "Returned or found is before the time rhi holds for when the child was reported "
            "missing: check the found time, or add the missing time if it has changed."
            if notice.returned_at is not None
            else "rhi holds a return before this Reported missing time: check the missing time, "
            "or add the found time if it has changed."
        )
        return Plan(row, PROBLEM, said, about=episode.child_id, code=TIMES_CONFLICT)
    if "started_at" in changes or "returned_at" in changes:
        # A corrected time is held to the rule a new row and the hand form are held to: it may
        # not fall inside, nor hold, another of the child's times away (one time away counted
        # twice). Only the times it moves: a grade corrected on an episode already overlapping
        # another is no new harm. A time away not yet back is no bar here, as on the form.
        moved = replace(
            notice,
            started_at=notice.started_at or episode.started_at,
            returned_at=notice.returned_at or known.returned(episode),
        )
        others = [e for e in known.around.get(episode.child_id, []) if e is not episode]
        clash = time_away_around(
            moved, episode.child.display_name, others, known.returned, still_missing=False
        )
        if clash is not None:
            return Plan(row, PROBLEM, clash.words, about=episode.child_id, code=clash.code)
    problem = _after_its_interview(episode, notice, changes)
    if problem is not None:
        return Plan(row, PROBLEM, problem, about=episode.child_id, code=TIMES_CONFLICT)
    if not changes:
        return Plan(row, UNCHANGED, "Already in rhi, the same.", episode=episode)
    words = f"Changes {', '.join(LABELS[c] for c in changes)}."
    # Its interview is read only for a return that moves (one query a row, for those alone).
    interview = episode.interview if "returned_at" in changes else None
    if interview is not None and interview.locked:
        # Said before it is done: a finished record's deadline, and so whether it was held in
        # time, changes with it (notifications.record_return).
        words += (
            f" Its {interview_name()} is finished: its deadline moves with the return, so "
            "whether it was held in time may change."
        )
    return Plan(row, UPDATE, words, episode=episode, changes=changes)


def _after_its_interview(episode: Episode, notice: Notice, changes: list[str]) -> str | None:
    """Why the found time the row gives cannot be the episode's (its interview records
    something before it), as applying it would refuse it (`_update`): the preview and the dry
    run say so, rather than "update" and then a refusal."""
    if "returned_at" not in changes or notice.returned_at is None:
        return None
    return notifications.recorded_before(episode, notice.returned_at)


def _plan_settled(row: Row, notice: Notice, known: Known, settled: WaitingRow) -> Plan:
    """A reference a person settled as a time away rhi already holds (`ALREADY_RECORDED`),
    sent again. Its found time is that time away's return: recorded on the episode it names
    where the child is still held as missing there, as a found notification for the episode's
    own reference would be (the 72-hour clock starts from it; it was answered "unchanged"
    and lost). Only the return and where and by whom they were found: its missing time, grade
    and the rest are the episode's own notification's. A return rhi already holds is never
    moved by it: the settled notification may be a part of that time away (`INSIDE`), or its
    found time minutes off the episode's own. Nothing else is added."""
    episode = known.settled_episodes.get(settled.episode_id or 0)
    if settled.episode_id in known.forwarded:
        return _settled_by_another_team(row, notice, known, settled, episode)
    name = (known.child(settled.candidate_child_id) or settled.candidate).display_name
    said = f"A person said this police reference is a time away rhi already holds for {name}"
    if episode is None or notice.returned_at is None or episode.returned_at is not None:
        return Plan(row, UNCHANGED, f"{said}: nothing added.", episode=episode)
    if not notice.named and not _is_child(episode.child, notice, known):
        return _names_needed(row)
    sent = _named_in(settled, row.line)
    if notice.named and not any(
        _same_child(c, notice) for c in (episode.child, sent) if c is not None
    ):
        return Plan(
            row,
            PROBLEM,
            f"{said}; this row names another child. Nothing was changed: check the reference.",
            about=episode.child_id,
            code=REFERENCE_CONFLICT,
        )
    plan = _plan_changes(
        replace(row, notice=_found_only(notice)), _found_only(notice), episode, known
    )
    if plan.outcome == UPDATE:
        plan.message = (
            f"{said} (missing since {format_datetime(episode.started_at)}). {plan.message}"
        )
    return plan


def _found_only(notice: Notice) -> Notice:
    """What a settled reference's notification may give the episode it was settled onto: its
    return, and where and by whom the child was found."""
    return replace(notice, started_at=None, risk_grade=None, missing_from=None, reported_by=None)


def _settled_by_another_team(
    row: Row, notice: Notice, known: Known, settled: WaitingRow, episode: Episode | None
) -> Plan:
    """`_plan_settled` for this team's notification that the team keeping the child settled as
    a time away it already holds: compared only with what this team sent (`_as_sent`), and
    said without naming the child or their record (`_said_for_another_team`)."""
    assert settled.episode_id is not None
    team_id = known.forwarded[settled.episode_id]
    said = (
        f"{known.team_name(team_id)}, who keep the child's record, said this is a time away "
        "they already hold"
    )
    if not _as_sent(notice, [settled], row.line):
        if not notice.named:
            return _names_needed(row)
        return Plan(
            row,
            PROBLEM,
            f"{said}; this row names another child. Nothing was changed: check the reference.",
            code=REFERENCE_CONFLICT,
        )
    if episode is None or notice.returned_at is None or episode.returned_at is not None:
        return Plan(row, UNCHANGED, f"{said}: nothing added.", keeping_team_id=team_id)
    found = _found_only(notice)
    plan = _plan_changes(replace(row, notice=found), found, episode, known)
    return _said_for_another_team(plan, team_id, known)


def _plan_new(row: Row, notice: Notice, known: Known) -> Plan:
    waiting = known.waiting.get(references.key(notice.police_reference))
    settled = known.settled.get(references.key(notice.police_reference))
    if waiting is None and settled is not None:
        return _plan_settled(row, notice, known, settled)
    if notice.started_at is None and waiting is None:
        return Plan(
            row,
            PROBLEM,
            "Reported missing is empty, and rhi holds no episode with this police reference "
            "for this found notification to update. Check the reference, or add when the "
            "child was reported missing.",
            code=FOUND_WITHOUT_MISSING,
        )
    if waiting is not None:
        # Sent by this team's import to the list of the team keeping the child it may be: the
        # words here never name that child.
        elsewhere = waiting.team_id != known.actor.team_id
        candidate = known.child(waiting.candidate_child_id) or waiting.candidate
        sent = _named_in(waiting, row.line)
        if sent is not None and db.session.get(DestroyedChild, waiting.candidate_child_id):
            # The record it might have been is destroyed (a tombstone, blank): the row is
            # compared with the waiting notification's own child instead.
            candidate = sent
        # The waiting notification's own name and date of birth count as well as the
        # candidate's: one that waits because its date of birth is a slip from the candidate's
        # (NEAR_BIRTH) never matches the candidate by `may_be`, so its retry and its found
        # notification would be refused as naming another child.
        if elsewhere:
            # Compared only with what this team sent, never with the child the other team
            # keeps: the preview, which writes nothing, would tell their date of birth (rev36).
            if not _as_sent(notice, [waiting], row.line):
                return (
                    _names_needed(row)
                    if not notice.named
                    else Plan(
                        row,
                        PROBLEM,
                        f"This police reference waits for {known.team_name(waiting.team_id or 0)}"
                        " to confirm whether it is a child they keep; this row names another "
                        "child. Check the reference, or wait for it to be decided first.",
                        code=WAITING_CONFLICT,
                    )
                )
        elif not notice.named:
            if not _is_child(candidate, notice, known):
                return _names_needed(row)
        elif not any(_same_child(c, notice) for c in (candidate, sent) if c is not None):
            # The row waits as possibly this child: a row naming another child is not put in
            # its place, where "same child" would file it on the wrong record.
            return Plan(
                row,
                PROBLEM,
                f"This police reference waits for a person to confirm it is "
                f"{candidate.display_name}; this row names another child. Check the reference, "
                "or wait for it to be decided first.",
                code=WAITING_CONFLICT,
            )
        # What waits takes what this row says (a correction, or the found time): the person
        # decides on the latest details, read together and checked as they will be applied.
        values = _filled(waiting.values, row.cells)
        together = check_row(row.line, values)
        if together.notice is None:
            return Plan(
                row,
                PROBLEM,
                "This row does not fit the notification with this police reference that waits "
                f"for a person to confirm the child: {' '.join(together.problems)}",
                code=WAITING_CONFLICT,
            )
        who = known.team_name(waiting.team_id or 0) if elsewhere else "a person"
        said = (
            f"Found: added to the notification that waits for {who} to confirm the child."
            if notice.started_at is None
            else f"Still waits for {who} to confirm the child."
        )
        return Plan(
            row,
            WAITING,
            said,
            waiting=waiting,
            values=values,
            code=NEEDS_PERSON,
            keeping_team_id=waiting.team_id if elsewhere else None,
        )
    if not notice.named:
        linked = known.linked(notice)
        if linked is None:  # linked to no child, or to one the team does not hold: one answer
            return _names_needed(row)
        return _new_or_same_time_away(
            row, notice, linked, known, f"New episode for {linked.display_name} (police person id)."
        )
    if (
        notice.police_person_id
        and notice.police_person_id in known.people
        and known.people[notice.police_person_id] not in known.excluded
    ):
        child = known.child(known.people[notice.police_person_id])
        theirs = known.linked_elsewhere.get(known.people[notice.police_person_id])
        asked = (
            theirs is None
            or known.asking is None
            or known.asking.person_id(notice.police_person_id, theirs)
        )
        if child is None and theirs is not None and not asked:
            # A preview or dry run past the day's checks: read by the row's name and date of
            # birth, as a person id linked to no one is, saying nothing of the child it is.
            return _plan_by_name(row, notice, known)
        if child is None and theirs is not None:
            keeping = known.keeper(theirs)
            if keeping is not None:
                # The police's own id for the child: the surest sign. The team keeping them
                # decides, as for a name alike (a probe: refused here, it never reached them).
                reason = (
                    "Same police person id"
                    if _same_child(theirs, notice)
                    else "Same police person id, but another name or date of birth"
                )
                return _sent_on(row, theirs, reason, keeping, known)
        if child is None:
            return Plan(
                row,
                PROBLEM,
                "The police person id belongs to a child your team does not hold. "
                "Nothing was changed: ask a manager.",
                code=PERSON_ID_CONFLICT,
            )
        if not _same_child(child, notice):
            # The id is the police's, but a name and date of birth unlike the child's may be a
            # mistyped id, or two children: a person decides, nothing is merged on the id alone.
            return _waits(row, child, "Same police person id, but another name or date of birth")
        return _new_or_same_time_away(
            row, notice, child, known, f"New episode for {child.display_name} (police person id)."
        )
    return _plan_by_name(row, notice, known)


def _plan_by_name(row: Row, notice: Notice, known: Known) -> Plan:
    """A new notification read by its name and date of birth: one of the team's children, one
    another team keeps, or a child new to rhi."""
    found = matching.possible_matches(
        notice.first_name,
        notice.last_name,
        notice.date_of_birth,
        known.candidates(notice),
        near_births=True,  # it waits for a person: never joined on a near date alone
    )
    if not found:
        elsewhere = _kept_elsewhere(row, notice, known)
        if elsewhere is not None:
            return elsewhere
        return _new_child_plan(row, notice)
    best = found[0]
    child = known.child(best.child_id)
    assert child is not None
    if len(found) == 1 and best.reason == matching.SAME and best.score == 100:
        return _new_or_same_time_away(
            row, notice, child, known, f"New episode for {child.display_name}."
        )
    reason = best.reason if len(found) == 1 else f"{best.reason} (and {len(found) - 1} more)"
    return _waits(row, child, reason)


# How far apart rhi's missing time and the police's may be for one time away: a carer rings
# the council hours before, or after, the police record it.
SAME_TIME_AWAY = timedelta(hours=24)


# A time away recorded by hand and left open is met by a notification begun this long after.
STILL_MISSING_FOR = timedelta(days=7)


def _same_time_away(episode: Episode, notice: Notice) -> bool:
    """One time away: the two overlap (each began before the other ended), and began within a
    day of each other, or the police's began while rhi's was under way: before rhi's return, or
    rhi's is still open since shortly before. A child back by noon and missing again that
    evening is two times away, never one. Only the police's start is held to rhi's period: their
    return is often minutes off rhi's (06:10 for 06:00), and is theirs to correct."""
    started = notice.started_at
    assert started is not None
    if episode.returned_at is not None and episode.returned_at < started:
        return False
    if notice.returned_at is not None and notice.returned_at < episode.started_at:
        return False
    if abs(episode.started_at - started) <= SAME_TIME_AWAY:
        return True
    if episode.returned_at is not None:
        # The police were told a day or more after the carer rang rhi, the child still away.
        return episode.started_at <= started < episode.returned_at
    return episode.started_at <= started <= episode.started_at + STILL_MISSING_FOR


def _times_away_since(child_ids: list[int], since: datetime, actor: Actor) -> Select[Any]:
    """The children's times away a notification missing from `since` may meet
    (`time_away_around`): still open, or back after it, among those `actor` may see."""
    return overlaps.times_away_since(child_ids, since, actor.episode_scope())


@dataclass(frozen=True)
class TimeAway:
    """What a notification meets among the child's times away: words naming the one it meets,
    a code, and whether they refuse the row (`problem`) or go with it as a note."""

    words: str
    code: str
    # False: a note that goes with the new episode, not a refusal (`time_away_around`).
    problem: bool = True


def time_away_around(
    notice: Notice,
    name: str,
    episodes: Iterable[Episode],
    returned_of: Callable[[Episode], datetime | None],
    *,
    still_missing: bool = True,
) -> TimeAway | None:
    """One time away counted twice, by the rule the hand forms keep too (rhi/episodes/
    overlaps.py `find`), said in the import's words: this missing time falls inside a time
    away rhi holds with its return, or this time away, with its return, holds the start of one
    rhi holds. Refused, naming it, whatever order a file gives them in.

    `still_missing` (a new episode): a time away held as not yet back is met too. One that
    began before this missing time is only a note (`problem` False): a found notification
    often never arrives, and refusing would keep every later notification of the child (a
    child missing now) out of rhi; the note says to record that return. One that began at or
    after this missing time, with this one not back before then, is refused: the same
    reported missing time under two references (a probe made two open episodes of it), or
    this time away holding it. A correction (`_plan_update`) is not held to it, as the hand form's
    correction is not.

    This one not yet back, begun before a time away rhi holds with its return: the child was
    back in between. A new episode is made with a note to record that return (the other way
    round of the note above: the police's found notification may simply not have come, and
    the file's sample holds such a row); a correction making it so is refused.

    `returned_of`: an episode's return, counting a found time the same file or import gives
    it (read as back, a found row for the open one in the same file lets this row in). None
    when the time away stands on its own."""
    started, back = notice.started_at, notice.returned_at
    assert started is not None
    clash = overlaps.find(started, back, episodes, returned_of, still_missing=still_missing)
    if clash is None:
        return None
    episode, returned = clash.episode, clash.returned
    held = (
        "which this file also holds"
        if episode.id is None  # a row earlier in the file (the preview's stand-in)
        else "which rhi already holds"
    )
    reference = (
        f"police reference {episode.police_reference}"
        if episode.police_reference
        else "recorded by hand, with no police reference yet"
    )
    if clash.kind == overlaps.HOLDS:
        assert back is not None
        return TimeAway(
            f"This time away, until {format_datetime(back)}, holds {name}'s time away from "
            f"{format_datetime(episode.started_at)} ({reference}), {held}: check the "
            "times. If it is the same time away, nothing needs adding.",
            TIMES_CONFLICT,
        )
    if clash.kind == overlaps.OPEN_SINCE:
        # Begun at or before the open one, and not back before it began: the same time away
        # under another reference, most often, or one holding it.
        return TimeAway(
            f"{name} is held as missing since {format_datetime(episode.started_at)} "
            f"({reference}), {held}, and not yet back: this time away, from "
            f"{format_datetime(started)}, would count it twice. If it is the same time "
            "away, nothing needs adding; if not, check the times.",
            TIMES_CONFLICT,
        )
    if clash.kind == overlaps.OPEN_BEFORE:
        return TimeAway(
            f"{name} is also held as missing since {format_datetime(episode.started_at)} "
            f"({reference}) and not yet back: if they came back in between, record it "
            "on that episode.",
            "",
            problem=False,
        )
    if clash.kind == overlaps.BACK_SINCE:
        since = (
            f"{name} was recorded back since (missing {format_datetime(episode.started_at)}, "
            f"back {format_datetime(returned)}, {reference}), {held}"
        )
        if still_missing:
            return TimeAway(
                f"{since}: record when they came back from this time away too.",
                TIMES_CONFLICT,
                problem=False,
            )
        return TimeAway(
            f"{since}: this time away, from {format_datetime(started)} and not yet back, "
            "would hold it. Check the missing time, or add the found time.",
            TIMES_CONFLICT,
        )
    assert returned is not None
    return TimeAway(
        f"This missing time falls inside {name}'s time away from "
        f"{format_datetime(episode.started_at)} until they came back "
        f"{format_datetime(returned)} ({reference}), {held}: check the times. If it is "
        "the same time away, nothing needs adding.",
        TIMES_CONFLICT,
    )


def _missing_now(words: str, notice: Notice) -> str:
    """A new episode's words, saying when the row gives no found time: the child is listed as
    missing until one comes (a probe's file had its found times in a column nothing read, and
    the preview said only "New episode")."""
    if notice.returned_at is None:
        return f"{words} No found time in this row: listed as still missing."
    return words


def _new_or_same_time_away(
    row: Row, notice: Notice, child: Child, known: Known, new_words: str
) -> Plan:
    """A new episode for `child`, unless rhi holds one time away for them with no police
    reference yet that this notification is (recorded by hand from a carer's call): then the
    notification gives it its reference and details, and no second episode counts it twice.
    Two such episodes: a person decides (the row is refused, saying so)."""
    same = [e for e in known.unreferenced.get(child.id, []) if _same_time_away(e, notice)]
    if not same:
        clash = time_away_around(
            notice, child.display_name, known.around.get(child.id, []), known.returned
        )
        if clash is not None and clash.problem:
            return Plan(row, PROBLEM, clash.words, about=child.id, code=clash.code)
        if clash is not None:
            new_words = f"{new_words} {clash.words}"
        return Plan(row, NEW, _missing_now(new_words, notice), child)
    if len(same) > 1:
        return Plan(
            row,
            PROBLEM,
            f"rhi holds more than one episode for {child.display_name} with no police reference "
            "at about this time: add the reference to the right one by hand.",
            code=NEEDS_COORDINATOR,
        )
    (episode,) = same
    since = format_datetime(episode.started_at)
    changes = _changes(notice, episode)
    problem = _after_its_interview(episode, notice, changes)
    if problem is not None:
        return Plan(row, PROBLEM, problem, about=child.id, code=TIMES_CONFLICT)
    said = (
        f"The police reference for {child.display_name}'s episode recorded by hand (missing "
        f"since {since}), added to it"
    )
    if changes:
        said += ", with " + ", ".join(LABELS[c] for c in changes)
    return Plan(row, UPDATE, said + ".", episode=episode, changes=changes, adopts=True)


# What the importing team is told of a row sent to the team keeping the child it may be: that
# it went, to whom, and what happens next; never who the child is (the API says only that it
# waits for a person, in words of its own).
KEPT_ELSEWHERE = (
    "Possibly a child whose record {team} keeps: sent to {team} to confirm whether it is the "
    "same child, so that no child has two records. Nothing is added here meanwhile; if they "
    "say it is a different child, it comes back to your team."
)


def _sent_on(row: Row, child: Child, reason: str, team_id: int, known: Known) -> Plan:
    """The row waits on the list of `team_id`, the team keeping `child`, for a person there."""
    return Plan(
        row,
        WAITING,
        KEPT_ELSEWHERE.format(team=known.team_name(team_id)),
        child,
        reason=reason,
        code=NEEDS_PERSON,
        keeping_team_id=team_id,
    )


def _kept_elsewhere(row: Row, notice: Notice, known: Known) -> Plan | None:
    """The row, which no child the team may see can be, waiting for the team keeping a child
    it may be (by the rules of `matching.possible_matches`, a date of birth a slip away too),
    or None where no other team keeps such a child. Two records of one child split their
    history: a coordinator's probe made a second record of a child team South kept from team
    North's file, and the child's repeat episodes went uncounted."""
    assert notice.first_name and notice.last_name and notice.date_of_birth
    if known.actor.team_id is None:
        return None  # an import for no team: nothing to compare with
    asked = (notice.first_name, notice.last_name, notice.date_of_birth)
    candidates = known.candidates(notice, elsewhere=True)
    if known.asking is None:
        kept = kept_elsewhere.kept_matches(*asked, candidates, known.actor.team_id)
    else:
        found = known.asking.matches(*asked, candidates)
        if found is None:
            # The day's checks are used: said of every row that would be a child new to rhi,
            # whether or not another team keeps them, so the words tell nothing of any child.
            return _new_child_plan(row, notice, NOT_CHECKED_ELSEWHERE)
        kept = found
    if not kept:
        return None  # no team that could decide sees them: a child new to rhi, as before
    child, best, team = kept[0]
    reason = best.reason if len(kept) == 1 else f"{best.reason} (and {len(kept) - 1} more)"
    return _sent_on(row, child, reason, team, known)


# A preview's or dry run's words for a child new to rhi once its checks of other teams' records
# are used for the day (`kept_elsewhere.Asking`).
NOT_CHECKED_ELSEWHERE = (
    "Whether another team keeps this child is checked when it is imported: previews have "
    "checked as many children as they may today."
)


def _new_child_plan(row: Row, notice: Notice, also: str = "") -> Plan:
    """The row makes a child new to rhi, with their first episode."""
    said = f"New episode for {notice.first_name} {notice.last_name}, a child new to rhi."
    return Plan(row, NEW, _missing_now(f"{said} {also}".strip(), notice))


def _waits(row: Row, child: Child, reason: str) -> Plan:
    """The row waits for a person to say whether it is `child` (or a child new to rhi)."""
    message = f"Possibly {child.display_name}: {reason.lower()}. Waits for a person to confirm."
    return Plan(row, WAITING, message, child, reason=reason, code=NEEDS_PERSON)


def plan_row(row: Row, known: Known) -> Plan:
    notice = row.notice
    if row.taken_with is not None:
        return Plan(row, UNCHANGED, f"Read together with line {row.taken_with}: the same episode.")
    if notice is None:
        # Said from what the row itself holds only (a date that is not one, a field missing).
        said = " ".join(row.problems) or "This row cannot be read."
        return Plan(row, PROBLEM, said, code=INVALID)
    if known.episodes.get(references.key(notice.police_reference)):
        return _plan_update(row, notice, known)
    return _plan_new(row, notice, known)


def _settle_read_together(plans: list[Plan]) -> list[Plan]:
    """A row read together with a later line (`Row.taken_with`) goes in with that line, or is
    refused with it: then both are in the refused rows, to correct and send again."""
    by_line = {plan.row.line: plan for plan in plans}
    settled = []
    # From the last line back: a line read together with a later one is settled after it, so
    # a chain (2 with 3, 3 with 4) follows its last line.
    for plan in reversed(plans):
        later = by_line.get(plan.row.taken_with) if plan.row.taken_with is not None else None
        if later is not None and later.outcome == PROBLEM:
            plan = Plan(
                plan.row,
                PROBLEM,
                f"Read together with line {later.row.line}, which was not imported: "
                f"{later.message}",
                code=later.code,
            )
            by_line[plan.row.line] = plan
        settled.append(plan)
    return settled[::-1]


def plan_rows(rows: list[Row], actor: Actor) -> list[Plan]:
    """The preview: each row as `apply_rows` would plan it, nothing written. Later rows meet
    the children earlier rows would make (`_foresee`), so the preview says what the import
    will do: two rows for one new child are one child, and a close spelling of them waits."""
    known = Known.load(actor, [r.notice for r in rows if r.notice is not None])
    # A person's preview or a token's dry run is counted (`kept_elsewhere.Asking`); the
    # server's own command line is not: whoever runs it holds the database already.
    if actor.team_id is not None and actor.user is not None:
        how = "a preview of a file"
        known.asking = kept_elsewhere.Asking.start(actor.user, actor.team_id, how)
    elif actor.team_id is not None and actor.token_id is not None:
        how = f"a dry run ({actor.label})"
        known.asking = kept_elsewhere.Asking.start(
            None, actor.team_id, how, token_id=actor.token_id
        )
    plans = []
    for row in rows:
        plan = plan_row(row, known)
        _foresee(plan, known)
        plans.append(plan)
    return _settle_read_together(plans)


def _adopted(episode: Episode, notice: Notice, known: Known) -> None:
    """Later rows meet the episode by its new reference, and no other row adopts it (nor
    meets it as still missing, where the row gives its found time)."""
    known.episodes[references.key(notice.police_reference)].append(episode)
    if notice.returned_at is not None:
        known.adopted_returns[episode.id] = notice.returned_at
    known.visible_episodes.add(episode.id)
    kept = known.unreferenced.get(episode.child_id, [])
    if episode in kept:
        kept.remove(episode)


def _foresee(plan: Plan, known: Known) -> None:
    """What `_remember` keeps once a row is applied, for the preview: a child new to rhi stands
    in as a Child never added to the session, with an id no row has (below zero), and a police
    person id is linked to the child it would be linked to."""
    notice = plan.row.notice
    if plan.adopts and notice is not None and plan.episode is not None:
        _adopted(plan.episode, notice, known)
        return
    if plan.outcome != NEW or notice is None:
        return
    child = plan.child
    if child is None:
        child = Child(
            id=min([0, *known.by_id]) - 1,
            first_name=notice.first_name,
            last_name=notice.last_name,
            date_of_birth=notice.date_of_birth,
        )
        known.add(child)
    # A stand-in for the episode the row would make, never added to the session (the child set
    # by id: set through a child rhi holds, it would be).
    known.around[child.id].append(
        Episode(
            child_id=child.id,
            started_at=notice.started_at,
            returned_at=notice.returned_at,
            police_reference=notice.police_reference,
        )
    )
    person = notice.police_person_id
    if person and person not in known.people:
        known.people[person] = child.id


# Applying ------------------------------------------------------------------------------------


def _new_child(notice: Notice, actor: Actor) -> Child:
    """A child new to rhi, kept by the importing team (flushed with their episode)."""
    child = Child(
        first_name=notice.first_name,
        last_name=notice.last_name,
        date_of_birth=notice.date_of_birth,
        created_by_id=actor.user.id if actor.user else None,
        team_id=actor.team_id,
    )
    db.session.add(child)
    return child


def _link_person(notice: Notice, child: Child, known: Known | None) -> None:
    person = notice.police_person_id
    if not person or (known is not None and person in known.people):
        return
    if db.session.scalar(select(PolicePerson.id).where(PolicePerson.police_person_id == person)):
        return
    db.session.add(PolicePerson(police_person_id=person, child_id=child.id))
    if known is not None:
        known.people[person] = child.id


def _new_episode(notice: Notice, child: Child | None, actor: Actor) -> Episode:
    """A new episode, unallocated, as the police notified it; for a new child when `child` is
    None. One flush for both: a 10,000-row file is mostly this."""
    assert notice.started_at is not None  # a found-only row updates, never makes (_plan_new)
    new_child = child is None
    child = child or _new_child(notice, actor)
    episode = Episode(
        child=child,
        police_reference=notice.police_reference,
        risk_grade=notice.risk_grade or NOT_GRADED,
        dfe_type="M",
        started_at=notice.started_at,
        returned_at=notice.returned_at,
        # Not said is not recorded: the police send the notification, but who reported the
        # child missing is most often a carer, a parent or a school (a probe: "Police" stood on
        # the record where nobody had said so, and hid a gap for the coordinator to fill).
        reported_by=notice.reported_by,
        reported_to_police=True,
        missing_from=notice.missing_from,
        found_where=notice.found_where,
        found_by=notice.found_by,
        recorded_by_id=actor.user.id if actor.user else None,
    )
    db.session.add(episode)
    db.session.flush()
    if new_child:
        audit.record(
            "child.create",
            user=actor.user,
            object_type="child",
            object_id=child.id,
            child_id=child.id,
            detail=f"from a police notification ({actor.label})",
        )
    audit.record(
        "episode.create",
        user=actor.user,
        object_type="episode",
        object_id=episode.id,
        child_id=child.id,
        detail=f"imported ({actor.label}); grade {episode.risk_grade}"
        + ("; returned" if notice.returned_at else ""),
    )
    return episode


def _update(plan: Plan, actor: Actor) -> None:
    """Only the details the file gives, through the same functions as the forms (audit and the
    moved deadline of a corrected return come with them), their audit rows saying where the
    change came from (from the command line or the API there is no person to name)."""
    episode, notice = plan.episode, plan.row.notice
    assert episode is not None and notice is not None
    user: Any = actor.user  # None from the command line or the API: named by `source`
    source = f"from a police notification ({actor.label})"

    def missing() -> None:
        notifications.update_missing(
            episode,
            user,
            notifications.Notification(
                started_at=notice.started_at or episode.started_at,
                reported_at=episode.reported_at,
                reported_by=notice.reported_by or episode.reported_by,
                reported_to_police=episode.reported_to_police,
                police_reference=episode.police_reference or notice.police_reference,
                missing_from=notice.missing_from or episode.missing_from or "",
                risk_grade=notice.risk_grade or episode.risk_grade,
                dfe_type=episode.dfe_type,
            ),
            source=source,
        )

    def found(returned_at: datetime) -> None:
        problem = notifications.recorded_before(episode, returned_at)
        if problem is not None:
            raise RowRefused(problem, TIMES_CONFLICT)
        notifications.record_return(
            episode,
            user,
            notifications.Found(
                returned_at=returned_at,
                found_where=notice.found_where or episode.found_where,
                found_by=notice.found_by or episode.found_by,
                return_method=episode.return_method or "",
                safe_and_well_by=episode.safe_and_well_by,
                safe_and_well_at=episode.safe_and_well_at,
                safe_and_well_notes=episode.safe_and_well_notes,
                safe_and_well_new=episode.safe_and_well_new,
            ),
            current_app.config["RHI_DEADLINE_HOURS"],
            source=source,
        )

    if notice.returned_at is None:
        missing()
        return
    # Each step is checked against the other time as it stands: a correction moving both times
    # later records the new return first (the new missing time is after the old return), one
    # moving both earlier the missing time first.
    moving_later = (
        notice.started_at is not None
        and episode.returned_at is not None
        and notice.started_at > episode.returned_at
    )
    if moving_later:
        found(notice.returned_at)
        missing()
    else:
        missing()
        found(notice.returned_at)


def _wait(plan: Plan, actor: Actor, source: str) -> WaitingRow:
    notice, child = plan.row.notice, plan.child
    assert notice is not None and child is not None
    waiting = WaitingRow(
        police_reference=notice.police_reference,
        values=plan.row.cells,
        candidate_child_id=child.id,
        reason=(plan.reason or "")[:80],
        team_id=plan.keeping_team_id or actor.team_id,
        from_team_id=actor.team_id if plan.keeping_team_id else None,
        source=source[:200],
    )
    db.session.add(waiting)
    db.session.flush()
    where = " in the team keeping the child" if plan.keeping_team_id else ""
    audit.record(
        "import.waiting",
        user=actor.user,
        object_type="import_waiting",
        object_id=waiting.id,
        child_id=child.id,
        detail=f"possible match waits for a person{where} ({actor.label})",
    )
    return waiting


def _apply_plan(plan: Plan, actor: Actor, source: str, known: Known | None) -> None:
    notice = plan.row.notice
    if plan.outcome == NEW:
        assert notice is not None
        plan.episode = _new_episode(notice, plan.child, actor)
        plan.child = plan.episode.child
        _link_person(notice, plan.child, known)
    elif plan.outcome == UPDATE:
        _update(plan, actor)
        if plan.adopts and notice is not None and plan.episode is not None:
            _link_person(notice, plan.episode.child, known)
    elif plan.outcome == WAITING and plan.waiting is None:
        plan.waiting = _wait(plan, actor, source)
    elif plan.outcome == WAITING and plan.waiting.values != (plan.values or plan.row.cells):
        # A corrected file corrects what waits, too: the person decides on the latest details.
        plan.waiting.values = plan.values or plan.row.cells
        audit.record(
            "import.waiting.update",
            user=actor.user,
            object_type="import_waiting",
            object_id=plan.waiting.id,
            child_id=plan.waiting.candidate_child_id,
            detail=f"details corrected ({actor.label})",
        )


def _remember(plan: Plan, known: Known) -> None:
    """Later rows of the same file meet what earlier rows made (a child new to rhi with two
    episodes in one file is one child)."""
    notice = plan.row.notice
    if notice is None:
        return
    if plan.adopts and plan.episode is not None:
        _adopted(plan.episode, notice, known)
    if plan.outcome == NEW and plan.child is not None and plan.episode is not None:
        known.add(plan.child)
        known.around[plan.child.id].append(plan.episode)
        known.episodes[references.key(notice.police_reference)].append(plan.episode)
        known.visible_episodes.add(plan.episode.id)
    if plan.outcome == WAITING and plan.waiting is not None:
        known.waiting[references.key(notice.police_reference)] = plan.waiting


# The PostgreSQL advisory lock every application of notifications takes (`serialise`): any
# fixed number no other lock in rhi uses: "rhi impo" in ASCII, read as a bigint.
APPLY_LOCK = 0x7268_6920_696D_706F


def serialise() -> None:
    """Make this transaction the only one applying notifications until it commits or rolls
    back, and open it (the SAVEPOINTs nest in it), before anything is read. Two applies of the
    same notification at once (a police system retrying after a timeout, two people importing
    the same daily file) each read "not in rhi" and each made a child and an episode; the
    reference's found notification was then refused for good, as rhi held two episodes.
    Serialised, the second reads what the first made and is "unchanged". A notification typed
    by hand takes the same turn (rhi/episodes/views.py), so two coordinators typing it, or one
    typing it while the police's file is imported, make one episode too.

    A lock, not a unique index on lower(police_reference): databases in use may already hold
    two episodes with one reference (`_plan_update` refuses to guess between them), which such
    an index could not be built over, and a child new to rhi, matched by name and date of
    birth, has no reference to be unique on. Imports are few and short: one at a time costs
    nothing a person notices.

    The turn is rhi/write_turns.py's: a PostgreSQL advisory lock, SQLite's write lock. A
    transaction sqlite3 already has open here has written (the job's claim of its file), so it
    holds the write lock already."""
    write_turns.take_turn(APPLY_LOCK)


def apply_rows(rows: list[Row], actor: Actor, source: str) -> list[Plan]:
    """Apply each row whole or not at all (one SAVEPOINT each); a refused row is audited and
    said in words. The caller commits."""
    serialise()  # before reading what rhi holds: an apply at the same time waits until done
    known = Known.load(actor, [r.notice for r in rows if r.notice is not None])
    plans = []
    for row in rows:
        plan = plan_row(row, known)
        if plan.outcome != PROBLEM:
            # Whose row it is, read before applying: a child made by it is gone if it fails.
            about = plan.episode.child_id if plan.episode else plan.child.id if plan.child else None
            try:
                with db.session.begin_nested():
                    _apply_plan(plan, actor, source, known)
                _remember(plan, known)
            except (SQLAlchemyError, RowRefused, notifications.ReturnBeforeStart) as exc:
                message = str(exc) if isinstance(exc, RowRefused) else "rhi could not save it."
                code = (
                    exc.code
                    if isinstance(exc, RowRefused)
                    else TIMES_CONFLICT
                    if isinstance(exc, notifications.ReturnBeforeStart)
                    else NOT_SAVED
                )
                plan = Plan(row, PROBLEM, f"Not saved: {message}", about=about, code=code)
        plans.append(plan)
    plans = _settle_read_together(plans)
    for plan in plans:
        if plan.outcome == PROBLEM:
            audit.record(
                "import.refused",
                user=actor.user,
                object_type="import_row",
                object_id=plan.row.line,
                # With the code of why (never the words, which name the child as rhi holds
                # them): the council's one record of an API item refused.
                detail=f"{actor.rows} {plan.row.line} refused ({actor.label}): {plan.code}",
                outcome="refused",
            )
    return plans


# A person decides about a waiting row ---------------------------------------------------------

SAME_CHILD, NEW_CHILD = "same_child", "new_child"
# The same child, and a time away rhi already holds for them: nothing to add. The only way out
# for a row whose time away falls inside one of the candidate's, which "same child" refuses
# (it would count it twice) and "new child" would record twice under a second record (a probe:
# such rows stayed on the list for good).
ALREADY_RECORDED = "already_recorded"
ALREADY_HELD_KINDS = (overlaps.HOLDS, overlaps.INSIDE, overlaps.OPEN_SINCE)


def _already_recorded(waiting: WaitingRow, notice: Notice, actor: Actor, user: User) -> None:
    """ "Already recorded": the row is settled with nothing added, where its time away meets one
    of the candidate's that the person may see (by the rule every way in keeps, overlaps.py);
    otherwise refused, saying so, since nothing of this time away would then be in rhi. The
    police person id, if any, is linked to the child: it is theirs."""
    child = waiting.candidate
    assert notice.started_at is not None  # a waiting row has its missing time
    around = db.session.scalars(_times_away_since([child.id], notice.started_at, actor))
    clash = overlaps.find(
        notice.started_at, notice.returned_at, around, lambda e: e.returned_at, still_missing=True
    )
    # Only where the import itself says "if it is the same time away, nothing needs adding":
    # one holds the other, or both are open from the same time. A time away the child came
    # back from before this one (or one still open from before it) is another time away,
    # which "same child" adds (a review: it was settled as already recorded, and lost).
    if clash is None or clash.kind not in ALREADY_HELD_KINDS:
        raise RowRefused(
            f"rhi holds no time away for {child.display_name} that this one is part of. If it "
            "is them, choose \u201cYes, the same child\u201d to add it; if not, a different "
            "child."
        )
    if clash.episode.police_reference is None:
        # Recorded by hand: it takes the police's reference, as "same child" would give it.
        clash.episode.police_reference = references.tidy(notice.police_reference)
    _link_person(notice, child, None)
    waiting.resolved_at = utcnow()
    waiting.resolved_by_id = user.id
    waiting.resolution = ALREADY_RECORDED
    waiting.episode_id = clash.episode.id
    audit.record(
        "import.resolve",
        user=user,
        object_type="import_waiting",
        object_id=waiting.id,
        child_id=child.id,
        detail=f"{ALREADY_RECORDED}: the time away of episode {clash.episode.id}",
    )


def _recorded_by_hand(child: Child, notice: Notice, actor: Actor) -> Episode | None:
    """The one episode of `child` with no police reference that is this notification's time
    away (`_same_time_away`), if the person may see it; None if none, or more than one."""
    same = [
        episode
        for episode in db.session.scalars(
            select(Episode).where(
                Episode.child_id == child.id,
                Episode.police_reference.is_(None),
                actor.episode_scope(),
            )
        )
        if _same_time_away(episode, notice)
    ]
    return same[0] if len(same) == 1 else None


def resolve(
    waiting: WaitingRow, reread: Callable[[dict[str, Any]], Row], user: User, decision: str
) -> Episode | WaitingRow | None:
    """Same child: the episode is the candidate's. New child: as the team that sent it would
    import it, never as this child (`_planned_again`): an episode, or a new row waiting for a
    person (on this team's list or another's). `reread` reads the waiting row's values again
    (the rules of today). None when the reference was meanwhile recorded (nothing is done
    twice)."""
    serialise()  # an import of the same reference at the same time waits, and so does this
    # Read after the lock: an import that added a found time to this waiting row meanwhile
    # (and told the coordinator so) is in the episode made from it, not lost.
    db.session.refresh(waiting)
    if waiting.resolved_at is not None:
        return None  # another person decided it meanwhile: nothing is done twice
    if decision in (SAME_CHILD, ALREADY_RECORDED) and db.session.get(
        DestroyedChild, waiting.candidate_child_id
    ):
        # A waiting row left from before it was destroyed with its candidate (retention/held.py
        # ABOUT_ONLY_WHILE): an episode is never added to a destroyed record's tombstone.
        raise RowRefused(
            "the record it may be has been destroyed under the retention schedule. If its "
            "details are right, choose a different child."
        )
    row = reread(waiting.values)
    notice = row.notice
    if notice is None:
        raise RowRefused(" ".join(row.problems))
    actor = Actor(user, user.team_id, "a person confirmed the child")
    if decision == ALREADY_RECORDED:
        return _already_recorded(waiting, notice, actor, user)
    existing = db.session.scalar(
        select(Episode.id).where(
            references.matches(Episode.police_reference, [notice.police_reference])
        )
    )
    episode = None
    passed: WaitingRow | None = None
    if existing is None and decision == NEW_CHILD:
        episode, passed = _planned_again(waiting, row, user)
    elif existing is None:
        child = waiting.candidate
        same = _recorded_by_hand(child, notice, actor)
        if same is not None:
            # The same time away, recorded by hand before the police's reference came: it
            # takes the reference and details, as an import of the row would have done.
            try:
                _update(Plan(row, UPDATE, "", episode=same), actor)
            except notifications.ReturnBeforeStart as exc:
                raise RowRefused(str(exc)) from exc
            episode = same
        else:
            assert notice.started_at is not None  # a waiting row has its missing time
            around = db.session.scalars(_times_away_since([child.id], notice.started_at, actor))
            clash = time_away_around(notice, child.display_name, around, lambda e: e.returned_at)
            if clash is not None and clash.problem:
                raise RowRefused(clash.words, clash.code)
            episode = _new_episode(notice, child, actor)
        _link_person(notice, episode.child, None)
    _settle(
        waiting,
        user,
        decision,
        episode,
        episode.child_id if episode else waiting.candidate_child_id,
        decision
        if episode
        else f"{decision}: waits for a person again (row {passed.id})"
        if passed
        else f"{decision}: already recorded",
    )
    return passed or episode


def _settle(
    waiting: WaitingRow,
    user: User,
    resolution: str,
    episode: Episode | None,
    child_id: int | None,
    detail: str,
) -> None:
    """`waiting` decided by `user` (onto `episode`, if one), audited in the same transaction:
    the one way a waiting row is settled by `resolve` and `send_again`."""
    waiting.resolved_at = utcnow()
    waiting.resolved_by_id = user.id
    waiting.resolution = resolution
    waiting.episode_id = episode.id if episode else None
    audit.record(
        "import.resolve",
        user=user,
        object_type="import_waiting",
        object_id=waiting.id,
        child_id=child_id,
        detail=detail,
    )


def _planned_again(
    waiting: WaitingRow, row: Row, user: User, *, not_this_child: bool = True
) -> tuple[Episode | None, WaitingRow | None]:
    """ "A different child": the notification goes in as the import of the team that sent it
    would take it now, never as a child a person has said it is not (this one, and any other
    refused for its police reference): the episode of a child the team holds by the same name
    or police person id, or of a child new to rhi kept by that team; or it waits again, for a
    person to say whether it is another child (of that team's, or one a further team keeps).
    A probe: said to be a different child by the team keeping the child it was sent to, it was
    made a second record of a child the sending team held itself. Applied with the person
    deciding named in the audit trail, and that team's sight; a refusal is said without naming
    the sending team's children. Without `not_this_child` (`send_again`), the child it waited
    for may be it still: asked of the team that keeps them now."""
    notice = row.notice
    assert notice is not None
    team_id = waiting.from_team_id or waiting.team_id
    label = "a person said it is a different child" if not_this_child else "sent again"
    sender = Actor(None, team_id, label)
    known = Known.load(sender, [notice])
    key = references.key(notice.police_reference)
    known.waiting.pop(key, None)  # this one, being decided
    known.excluded = set(
        db.session.scalars(
            select(WaitingRow.candidate_child_id).where(
                references.matches(WaitingRow.police_reference, [notice.police_reference]),
                WaitingRow.resolution == NEW_CHILD,
            )
        )
    ) | ({waiting.candidate_child_id} if not_this_child else set())
    plan = plan_row(row, known)
    if plan.outcome == PROBLEM:
        if waiting.from_team_id is not None:  # decided by the team it was sent to
            team = known.team_name(waiting.from_team_id)
            raise RowRefused(
                f"as a different child it does not fit what {team} holds: ask {team} to check "
                "the notification.",
                plan.code or NEEDS_COORDINATOR,
            )
        raise RowRefused(plan.message, plan.code or NEEDS_COORDINATOR)
    try:
        _apply_plan(plan, Actor(user, team_id, label), waiting.source, known)
    except notifications.ReturnBeforeStart as exc:
        raise RowRefused(str(exc), TIMES_CONFLICT) from exc
    return plan.episode, plan.waiting if plan.outcome == WAITING else None


def counts(plans: list[Plan]) -> dict[str, int]:
    result = dict.fromkeys((NEW, UPDATE, UNCHANGED, WAITING, PROBLEM), 0)
    for plan in plans:
        result[plan.outcome] += 1
    return result


# Sent on, and then nobody there to decide -----------------------------------------------------

SENT_AGAIN = "sent_again"


def lost_on_the_way(team_id: int) -> list[WaitingRow]:
    """This team's notifications waiting on another team's list that no one there can decide
    now: that team no longer sees the child it may be (their record moved on meanwhile), or
    has no manager or missing coordinator left. Nobody's list showed them (rev36): listed for
    the team that sent them, to send again (`send_again`). Only the team's own, few rows."""
    sent = db.session.scalars(
        select(WaitingRow).where(
            WaitingRow.from_team_id == team_id,
            WaitingRow.resolved_at.is_(None),
            WaitingRow.candidate_child_id.not_in(select(DestroyedChild.child_id)),
        )
    ).all()
    lost = []
    for waiting in sent:
        assert waiting.team_id is not None
        decides = db.session.scalar(
            select(Child.id).where(
                Child.id == waiting.candidate_child_id,
                access.team_child_filter(waiting.team_id),
                select(Team.id)
                .where(Team.id == waiting.team_id, access.allocating_team_filter())
                .exists(),
            )
        )
        if decides is None:
            lost.append(waiting)
    return lost


def send_again(
    waiting: WaitingRow, reread: Callable[[dict[str, Any]], Row], user: User
) -> Episode | WaitingRow | None:
    """A notification `lost_on_the_way`, sent again by its own team: planned as its import
    would take it now (`_planned_again`, the child it waited for included): on the list of
    the team that keeps that child now, an episode of a child the team holds, or a child new
    to rhi. None when it was meanwhile decided or recorded."""
    serialise()
    db.session.refresh(waiting)
    if waiting.resolved_at is not None:
        return None
    row = reread(waiting.values)
    if row.notice is None:
        raise RowRefused(" ".join(row.problems))
    existing = db.session.scalar(
        select(Episode.id).where(
            references.matches(Episode.police_reference, [row.notice.police_reference])
        )
    )
    episode, passed = (None, None)
    if existing is None:
        episode, passed = _planned_again(waiting, row, user, not_this_child=False)
    _settle(
        waiting,
        user,
        SENT_AGAIN,
        episode,
        waiting.candidate_child_id,
        f"{SENT_AGAIN}: " + (f"waits again (row {passed.id})" if passed else "recorded"),
    )
    return passed or episode
