"""Children another team keeps whom a child being recorded may be: one child, one record.

A team sees only its own children (rhi/access.py), so a child another team keeps was recorded
again, as new, by a team that met them later (a coordinator's probe: team North's police file
made a second record of a child team South kept, and her repeat episodes went uncounted). Both
ways a child comes in ask here: an import or the API (rhi/episodes/imports_apply.py sends the
notification to the keeping team's list) and adding a child by hand (rhi/children/views.py says
which team keeps a record like theirs, to ask). What the child's record holds stays with the
team that keeps it.

Being told "another team keeps a child like this" is itself something learnt about that child.
Where nothing is recorded by the asking (a preview of a file, an API dry run, adding a child by
hand turned back with the team's name), a person could ask again and again, date after date,
and learn a child's date of birth (a security probe: 365 dry runs found it in 8 seconds, with
nothing on the child's audit trail). So such asking (`Asking`) is limited to a number of
children a day for each person, or each import token, and every child it finds has it on
their audit trail, naming the team that asked. A real import is not limited: what it finds is
recorded where the keeping team sees it (their waiting list, and the child's trail).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, func, select, true

from rhi import access, audit, write_turns
from rhi.children import matching
from rhi.extensions import db
from rhi.models import AuditEvent, Child, Episode, Team, User
from rhi.models.base import utcnow
from rhi.models.retention import DestroyedChild

# The audit action of a check of other teams' records that records nothing else.
CHECKED = "child.checked_elsewhere"


def unseen(
    seen: ColumnElement[bool], *, born_on: list[date] | None = None, ids: list[int] | None = None
) -> list[Child]:
    """Children `seen` (a person's or a team's sight) leaves out, born on `born_on` or with
    `ids`; never a destroyed record."""
    query = select(Child).where(~seen, Child.id.not_in(select(DestroyedChild.child_id)))
    if born_on is not None:
        query = query.where(Child.date_of_birth.in_(born_on))
    if ids is not None:
        query = query.where(Child.id.in_(ids))
    return list(db.session.scalars(query))


def keeping_teams(children: Iterable[Child], asking_team_id: int) -> dict[int, int]:
    """The team that decides for each child (by id), among the other teams with a manager or
    missing coordinator (`access.allocating_team_filter`) who see the child: the team that keeps
    the record, else their social worker's, else the team holding their latest time away, else
    any. A child no such team sees is left out: nobody could decide. A council's social work
    teams often have no one who allocates, while the team that met the child does."""
    by_id = {child.id: child for child in children}
    if not by_id:
        return {}
    teams = db.session.scalars(
        select(Team.id).where(access.allocating_team_filter(), Team.id != asking_team_id)
    ).all()
    seers: dict[int, set[int]] = defaultdict(set)
    ids = sorted(by_id)
    for team_id in teams:  # a council has a few teams: one small query each
        for child_id in db.session.scalars(
            select(Child.id).where(Child.id.in_(ids), access.team_child_filter(team_id))
        ):
            seers[child_id].add(team_id)
    social_workers = dict(
        db.session.execute(
            select(Child.id, User.team_id)
            .join(User, Child.social_worker_id == User.id)
            .where(Child.id.in_(sorted(seers)))
        ).all()
    )
    # One row a child however many times they have been away: the latest held episode's team.
    ranked = (
        select(
            Episode.child_id,
            Episode.held_by_team_id,
            func.row_number()
            .over(
                partition_by=Episode.child_id,
                order_by=(Episode.started_at.desc(), Episode.id.desc()),
            )
            .label("newest_first"),
        )
        .where(Episode.child_id.in_(sorted(seers)), Episode.held_by_team_id.is_not(None))
        .subquery()
    )
    latest: dict[int, int] = dict(
        db.session.execute(
            select(ranked.c.child_id, ranked.c.held_by_team_id).where(ranked.c.newest_first == 1)
        ).all()
    )
    keeping = {}
    for child_id, teams_seeing in seers.items():
        child = by_id[child_id]
        preferred = (child.team_id, social_workers.get(child_id), latest.get(child_id))
        keeping[child_id] = next((t for t in preferred if t in teams_seeing), min(teams_seeing))
    return keeping


def kept_matches(
    first: str, last: str, born: date, candidates: list[Child], asking_team_id: int
) -> list[tuple[Child, matching.Match, int]]:
    """The candidates (children the asking team does not see, `unseen`) who may be this child
    (`matching.possible_matches`, a date of birth a slip away too), closest first, each with
    the team that decides for them (`keeping_teams`, in one go); one no team could decide for is
    left out. The one rule for "another team keeps a child like this one": an import sends the
    notification to the first's team (rhi/episodes/imports_apply.py); adding a child by hand
    names the teams (rhi/children/views.py)."""
    by_id = {child.id: child for child in candidates}
    found = matching.possible_matches(first, last, born, candidates, near_births=True)
    keeping = keeping_teams([by_id[m.child_id] for m in found], asking_team_id)
    return [(by_id[m.child_id], m, keeping[m.child_id]) for m in found if m.child_id in keeping]


# The PostgreSQL advisory lock (class, then the asker) under which one asker's checks are
# counted and made: "rhi asking".
ASKING_LOCK = 0x7268_6961


def _one_at_a_time(asker: int) -> None:
    """One asker's checks counted and made one request at a time, until the request commits:
    requests sent together each read the day's count before any had written its own, and 6 at
    once checked 12 children past a limit of 3 (rev37)."""
    write_turns.take_turn(ASKING_LOCK, asker)


@dataclass
class Asking:
    """Checks of other teams' records that record nothing else, by one person (`user`) or one
    import token (`token_id`) of team `team_id`: `how` says which ("a preview of a file"). At
    most `RHI_OTHER_TEAMS_CHECKS_PER_DAY` different children (a name and a date of birth) in any
    24 hours; asking again about one already asked does not count twice."""

    user: User | None
    token_id: int | None
    team_id: int
    how: str
    most: int = 0
    asked: set[str] = field(default_factory=set)  # the children asked of in the last day

    @property
    def _kind(self) -> str:
        # A token's rows are told by their kind, never by their user: a token's request that
        # also carried a person's session was audited as that person's, and never counted
        # (rev37).
        return "elsewhere_check" if self.user is not None else "elsewhere_check_token"

    @property
    def _prefix(self) -> str:
        return f"{self.team_id}:" if self.user is not None else f"t{self.token_id}:"

    @classmethod
    def start(
        cls, user: User | None, team_id: int, how: str, *, token_id: int | None = None
    ) -> Asking:
        assert (user is None) != (token_id is None), "a person or a token"
        asking = cls(user, token_id, team_id, how)
        _one_at_a_time(user.id if user is not None else -(token_id or 0))
        mine = AuditEvent.user_id == user.id if user is not None else true()
        asked = db.session.scalars(
            select(AuditEvent.object_id)
            .distinct()
            .where(
                AuditEvent.action == CHECKED,
                AuditEvent.at >= utcnow() - timedelta(days=1),
                AuditEvent.object_type == asking._kind,
                mine,
                AuditEvent.object_id.like(f"{asking._prefix}%"),
            )
        )
        asking.most = int(current_app.config["RHI_OTHER_TEAMS_CHECKS_PER_DAY"])
        asking.asked = {key for key in asked if key}
        return asking

    def _key(self, first: str, last: str, born: date) -> str:
        """The child asked of, as no one can read back: the asker, then a digest."""
        return self._digest(
            "|".join((first.strip().casefold(), last.strip().casefold(), born.isoformat()))
        )

    def _digest(self, said: str) -> str:
        return f"{self._prefix}{hashlib.sha256(said.encode()).hexdigest()[:24]}"

    def may(self, first: str, last: str, born: date) -> bool:
        """May other teams' records be checked for this child now? The same answer for a child
        another team keeps as for one no team does: the limit counts asking, not finding."""
        return self._may(self._key(first, last, born))

    def _may(self, key: str) -> bool:
        return key in self.asked or len(self.asked) < self.most

    def matches(
        self, first: str, last: str, born: date, candidates: list[Child]
    ) -> list[tuple[Child, matching.Match, int]] | None:
        """`kept_matches`, counted and audited; None once the day's checks are used up."""
        key = self._key(first, last, born)
        if not self._may(key):
            return None
        kept = kept_matches(first, last, born, candidates, self.team_id)
        self._counted(key, [child.id for child, _, _ in kept])
        return kept

    def person_id(self, police_person_id: str, child: Child) -> bool:
        """The police's person id of `child`, whom another team keeps, asked of: counted and on
        their trail as `matches` is; False once the day's checks are used up (then the row is
        read by its name and date of birth, as though the id were no one's). Without this, a
        person id told which team keeps a child past the limit, and on no trail (rev37)."""
        key = self._digest(f"police person id|{police_person_id.strip().casefold()}")
        if not self._may(key):
            return False
        self._counted(key, [child.id])
        return True

    def _counted(self, key: str, found: list[int]) -> None:
        """One check counted: on the trail of each child found, each time, for the team keeping
        them; a check that found no one once a day (the count needs one row; a preview seen
        again adds none)."""
        first_time = key not in self.asked
        self.asked.add(key)
        team = db.session.get(Team, self.team_id)
        by = team.name if team is not None else "a team"
        rows: list[int | None] = list(found) or ([None] if first_time else [])
        for child_id in rows:
            audit.record(
                "child.checked_elsewhere",  # CHECKED, written out: the trail's words test reads it
                user=self.user,
                object_type=self._kind,
                object_id=key,
                child_id=child_id,
                detail=f"{self.how} by {by}: " + ("may be this child" if child_id else "none"),
            )
