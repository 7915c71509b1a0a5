"""Idempotency: the answer to each Idempotency-Key, per user, kept for a day, so that a tablet
retrying after a lost answer gets the first answer back, byte for byte, and nothing is applied
twice."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from rhi.extensions import db
from rhi.models import SyncRequest, User
from rhi.models.base import utcnow

# A retry after a lost response comes within minutes or hours; after this the answer is
# forgotten (it may hold a child's data) and a late retry is simply applied again, which is
# harmless: every outcome is idempotent by UUID and content hash.
REMEMBER_FOR = timedelta(hours=24)


def remembered(user: User, key: str) -> SyncRequest | None:
    return db.session.scalar(
        select(SyncRequest).where(
            SyncRequest.user_id == user.id,
            SyncRequest.key == key,
            SyncRequest.created_at >= utcnow() - REMEMBER_FOR,
        )
    )


def remember(user: User, key: str, digest: str, response: str) -> SyncRequest:
    """Store the answer; if the same key was answered meanwhile (a retry racing the first
    attempt), return that answer instead so both get the same bytes."""
    db.session.execute(
        delete(SyncRequest).where(
            SyncRequest.user_id == user.id, SyncRequest.created_at < utcnow() - REMEMBER_FOR
        )
    )
    row = SyncRequest(user_id=user.id, key=key, body_hash=digest, response=response)
    db.session.add(row)
    try:
        db.session.commit()
        return row
    except IntegrityError:
        db.session.rollback()
        other = remembered(user, key)
        if other is None:
            raise
        return other
