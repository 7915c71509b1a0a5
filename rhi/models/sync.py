"""What the offline upload keeps: answers to uploads already handled, and device copies that
could not be applied because the server's copy had moved on."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from rhi.extensions import db
from rhi.models.base import utcnow


class SyncRequest(db.Model):
    """One upload, by its Idempotency-Key: a retry with the same key and body gets `response`
    back byte for byte, and nothing is applied twice."""

    __tablename__ = "sync_requests"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(String(100))
    body_hash: Mapped[str] = mapped_column(String(64))  # SHA-256 of the raw request body
    response: Mapped[str] = mapped_column(Text)  # the exact JSON text that was answered
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class SyncConflict(db.Model):
    """A tablet's copy of an interview that was not applied: the server's copy had changed since
    the tablet last had it. Kept whole until the worker chooses, so no text is ever dropped."""

    __tablename__ = "sync_conflicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The server's interview the device copy competes with.
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id"), index=True)
    # The device's own UUID: differs from the interview's when the tablet started a second
    # interview for an episode that already had an open one.
    device_uuid: Mapped[str] = mapped_column(String(36))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    base_version: Mapped[int | None]
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))  # to keep a resent copy only once
    # The fields the tablet said it changed (null: not known); only these are offered.
    changed_paths: Mapped[list[str] | None] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
