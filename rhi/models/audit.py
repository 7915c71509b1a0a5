"""Audit events: who did or looked at what, when, from where, and whether it was allowed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DDL, ForeignKey, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rhi.extensions import db
from rhi.models.base import utcnow
from rhi.models.people import User


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str | None] = mapped_column(String(30))
    object_id: Mapped[str | None] = mapped_column(String(40))
    child_id: Mapped[int | None] = mapped_column(ForeignKey("children.id"), index=True)
    ip_address: Mapped[str | None] = mapped_column(String(45))
    outcome: Mapped[str] = mapped_column(String(20), default="ok")
    # A short, fixed description (never note text): "status offered -> declined".
    detail: Mapped[str | None] = mapped_column(String(200))

    user: Mapped[User | None] = relationship()


# -- Audit rows cannot be changed or deleted ---------------------------------------------------
# The database refuses it, not just the app: a trigger raises on UPDATE and DELETE, whoever runs
# them (the table's owner included). In production the app also connects as a role granted only
# INSERT and SELECT on this table (docs/deploy.md, scripts/audit_role.sql), so even dropping the
# trigger is beyond it. The migration (e1f2a3b4c5d6) installs the same triggers, plus one that
# refuses TRUNCATE on PostgreSQL; that one is not installed here because the tests empty every
# table between tests with TRUNCATE (tests/conftest.py), and the app role has no TRUNCATE grant.

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_events_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = 'audit_events rows cannot be changed or deleted (' || TG_OP || ')',
        ERRCODE = 'insufficient_privilege';
END
$$
"""
PG_ROW_TRIGGER = (
    "CREATE TRIGGER audit_events_immutable BEFORE UPDATE OR DELETE ON audit_events "
    "FOR EACH ROW EXECUTE FUNCTION audit_events_immutable()"
)
PG_TRUNCATE_TRIGGER = (
    "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_immutable()"
)
SQLITE_TRIGGERS = (
    "CREATE TRIGGER IF NOT EXISTS audit_events_no_update BEFORE UPDATE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit_events rows cannot be changed'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_events_no_delete BEFORE DELETE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit_events rows cannot be deleted'); END",
)

for _statement in (PG_FUNCTION, PG_ROW_TRIGGER):
    event.listen(
        AuditEvent.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql")
    )
for _statement in SQLITE_TRIGGERS:
    event.listen(AuditEvent.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
