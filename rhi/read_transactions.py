"""Ending a request's transaction that only read with COMMIT rather than ROLLBACK (PostgreSQL).

psycopg forgets every statement it has prepared on a connection whenever that connection rolls
back (it cannot tell what a rolled-back transaction undid). A request that only reads (most
pages) used to end with the session's ROLLBACK, so no statement was ever used often enough on a
connection to be prepared, and PostgreSQL planned each of a page's queries afresh: 1-4 ms each
for those carrying the access rules (rhi/access.py). Ended with COMMIT, which for a transaction
that wrote nothing changes nothing, a connection keeps its prepared statements and PostgreSQL
its plans for them.

"Only read" is decided from what was sent, not from the ORM alone: every statement the
transaction sent began with SELECT (a row lock taken by SELECT ... FOR UPDATE is released by
COMMIT as by ROLLBACK), or was a SELECT with common table expressions (WITH ...) that
SQLAlchemy compiled from a select, not from text, naming no INSERT, UPDATE, DELETE, MERGE or
INTO (so a WITH ... FOR UPDATE rolls back: stricter than needed, and harmless); and the session
holds nothing unsent. Anything else (an INSERT, UPDATE or DELETE the view did not commit, a
WITH written as text or holding one, an object added or changed and never sent), and any
request whose error reached the teardown unhandled, rolls back as before. A request refused by
an error page it handled (abort(403)) that sent only reads and holds nothing unsent commits,
which changes nothing. SQLite is left as it was. No HTTP here; rhi/errors.py calls `end` from
its teardown."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

_WROTE = "rhi_sent_more_than_reads"
_CONNECTION = "rhi_transaction_connection"
_CHANGES = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE|INTO)\b", re.IGNORECASE)


@event.listens_for(Engine, "begin")
def _transaction_begins(conn: Connection) -> None:
    conn.info[_WROTE] = False


def _reads(statement: str, context: Any) -> bool:
    """The statement only reads: a SELECT, or a WITH ... SELECT compiled from a select (the
    Returns lists rank each open return's interviews in one: rhi/episodes/queries.py) in which
    no word says it changes anything."""
    head = statement.lstrip()[:6].upper()
    if head == "SELECT":
        return True
    if not head.startswith("WITH"):
        return False
    made_from = getattr(getattr(context, "compiled", None), "statement", None)
    from_select = getattr(made_from, "is_select", False) and not getattr(made_from, "is_text", True)
    return bool(from_select) and _CHANGES.search(statement) is None


@event.listens_for(Engine, "before_cursor_execute")
def _statement_sent(
    conn: Connection, _cursor: Any, statement: str, _parameters: Any, context: Any, *_args: Any
) -> None:
    if not conn.info.get(_WROTE) and not _reads(statement, context):
        conn.info[_WROTE] = True


@event.listens_for(Session, "after_begin")
def _session_begins(session: Session, _transaction: Any, conn: Connection) -> None:
    session.info[_CONNECTION] = conn


def only_read(session: Session) -> bool:
    """The session's open transaction, on PostgreSQL, sent nothing but reads (`_reads`), and the
    session holds no change it has not sent (a commit would send it: an object added or
    changed by a request that then did not commit must go, as it always has)."""
    conn = session.info.get(_CONNECTION)
    return (
        conn is not None
        and not (session.new or session.dirty or session.deleted)
        and session.in_transaction()
        and not conn.closed
        and conn.in_transaction()
        and conn.dialect.name == "postgresql"
        and conn.info.get(_WROTE) is False
    )


def end(session: Session) -> None:
    """At the end of a request that raised nothing: COMMIT a transaction that only read. Its
    objects are left as they were, not expired as a commit would (nothing was written): the
    session closes next, and they stay readable after it as they did before."""
    if only_read(session):
        expire, session.expire_on_commit = session.expire_on_commit, False
        try:
            session.commit()
        finally:
            session.expire_on_commit = expire
