"""One writer at a time for work that must read and then write as a whole.

Two requests that each read "nothing there yet" and then each write would both write: two
applications of one police notification made two children (rhi/episodes/imports_apply.py), and
six checks of other teams' records sent at once were each counted against a limit the others had
not yet written to (rhi/children/kept_elsewhere.py). Each takes its turn here, before it reads,
until its transaction commits or rolls back.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import func, select

from rhi.extensions import db


def take_turn(*key: int) -> None:
    """Wait for this transaction's turn at `key` (one bigint, or two ints), and open the
    transaction if it is not open yet.

    PostgreSQL: a transaction-scoped advisory lock on `key`, released by the commit or rollback;
    at READ COMMITTED (rhi's) each statement after it sees what the previous holder committed.
    SQLite has one writer at a time for the whole file, whatever the key: BEGIN IMMEDIATE takes
    the write lock now, waiting for another writer within the busy timeout (rhi/__init__.py;
    past it, "database is locked" answers 503, try again). Python's sqlite3 would begin only at
    the first INSERT, after the reads; and a SAVEPOINT first would open its own transaction,
    whose release commits (and syncs the disk) row by row. A transaction sqlite3 already has
    open has written (it opens one only before a write), so it holds the write lock already."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(select(func.pg_advisory_xact_lock(*key)))
        return
    raw = connection.connection.dbapi_connection
    if isinstance(raw, sqlite3.Connection) and not raw.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
