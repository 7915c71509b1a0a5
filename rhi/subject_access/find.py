"""Finding a child for the retention and subject access pages, by name and date of birth.

Administrators see no child records elsewhere; these pages are the exception, and show only
the name, date of birth and legal status. An administrator finds any child whose record has not
been destroyed; a manager only the children rhi.access lets them see.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, or_, select, true

from rhi import access
from rhi.extensions import db
from rhi.models import Child, Interview, Role, User
from rhi.retention.destroy import not_destroyed

MOST_SHOWN = 50


def scope(user: User) -> ColumnElement[bool]:
    """The children `user` may find here."""
    if user.role_enum is Role.ADMIN:
        return true()
    return access.child_filter(user)


def makes_the_export(user: User, child_id: int) -> bool:
    """The export holds every interview about the child whole, with what the child asked to keep
    from their social worker. An administrator makes it for any child; a manager only where they
    already read each of the child's interviews whole (their team held the return): the manager
    of the child's social worker reads only the social worker's copy, so an administrator makes
    theirs (issue 16 item 7; rhi.access.reads_whole_interview)."""
    if user.role_enum is Role.ADMIN:
        return True
    unread = select(Interview.id).where(
        Interview.child_id == child_id, ~access.whole_interview_filter(user)
    )
    return db.session.scalar(unread.limit(1)) is None


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
