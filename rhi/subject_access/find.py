"""Finding a child for the retention and subject access pages, by name and date of birth.

Administrators see no child records elsewhere; these pages are the exception, and show only
the name, date of birth and legal status. An administrator finds any child whose record has not
been destroyed; a manager only the children rhi.access lets them see.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select, true

from rhi import access
from rhi.extensions import db
from rhi.models import Child, Episode, Interview, Role, User
from rhi.retention.destroy import not_destroyed
from rhi.timefmt import parse_date

MOST_SHOWN = 50


@dataclass(frozen=True)
class Terms:
    """What was searched for. Posted, never in the address: a child's name and date of birth
    in a URL end up in access logs and the browser's history."""

    name: str = ""
    born_text: str = ""

    @property
    def born(self) -> date | None:
        return parse_date(self.born_text) if self.born_text else None

    @property
    def searched(self) -> bool:
        return bool(self.name or self.born_text)

    @property
    def born_unreadable(self) -> bool:
        return bool(self.born_text) and self.born is None


def terms_from(form: Mapping[str, str]) -> Terms:
    return Terms(
        name=str(form.get("name", "")).strip()[:120],
        born_text=str(form.get("born", "")).strip()[:20],
    )


def scope(user: User) -> ColumnElement[bool]:
    """The children `user` may find here."""
    if user.role_enum is Role.ADMIN:
        return true()
    return access.child_filter(user)


def makes_the_export(user: User, child_id: int) -> bool:
    """The export holds everything about the child: every interview whole, with what the child
    asked to keep from their social worker, every return and held tablet work. An administrator
    makes it for any child; a manager only where they already read all of it themselves (their
    team held every return and interview): the manager of the child's social worker reads only
    the social worker's copy, so an administrator makes theirs (issue 16 item 7)."""
    if user.role_enum is Role.ADMIN:
        return True
    from rhi.sync.held import sees_all_held_for  # the sync package imports much of rhi

    # Anything of the child's the export holds that they do not read themselves: an interview
    # not read whole, a return they do not see (another team's, with its safe and well notes),
    # held tablet work that is not theirs to see. Counted, all and theirs, rather than asked
    # with NOT: a rule over columns that may be empty is unknown, not false, for some rows.
    def everything_is_theirs(model: Any, rule: ColumnElement[bool]) -> bool:
        counted = select(func.count(model.id), func.count(model.id).filter(rule)).where(
            model.child_id == child_id
        )
        held, seen = db.session.execute(counted).one()
        return bool(held == seen)

    return (
        everything_is_theirs(Interview, access.whole_interview_filter(user))
        and everything_is_theirs(Episode, access.episode_filter(user))
        and sees_all_held_for(user, child_id)
    )


def find(user: User, name: str, born: date | None) -> list[Child]:
    name = " ".join(name.split())
    if not name and born is None:
        return []  # never "every child": a name or a date of birth is asked for
    query = select(Child).where(scope(user), not_destroyed())
    for word in name.split(" ") if name else ():
        like = f"%{word.replace('%', '').replace('_', '')}%"
        query = query.where(
            or_(
                Child.first_name.ilike(like),
                Child.last_name.ilike(like),
                Child.preferred_name.ilike(like),
            )
        )
    if born is not None:
        query = query.where(Child.date_of_birth == born)
    return list(
        db.session.scalars(query.order_by(Child.last_name, Child.first_name).limit(MOST_SHOWN))
    )
