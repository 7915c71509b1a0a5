"""Police missing and found notifications brought in from a file or a case system.

- `ImportMapping`: which of a file's columns holds which detail, confirmed once by a
  coordinator and kept by name, so the next day's export is read the same way.
- `ImportBatch`: one uploaded file, kept between its preview and its application, and what
  happened to each row (so the refused rows can be downloaded with the reason).
- `PolicePerson`: the police's own id for a person, linked to the child it was matched to, so
  the next notification about them finds the child without guessing from names.
- `WaitingRow`: a notification whose child is possibly one we know but not surely: it waits for
  a person to say "same child" or "new child". Nothing is merged silently.
- `ServiceToken`: a police or case system's revocable bearer token, for notifications only.
  Only its SHA-256 is kept: the token itself is shown once, when it is made.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.naming import conv

from rhi.extensions import db
from rhi.models.base import utcnow
from rhi.models.children import Child
from rhi.models.people import Team, User


class ImportMapping(db.Model):
    __tablename__ = "import_mappings"
    # A name is the team's own: two teams may both call theirs "Police daily export" (a probe:
    # the second was told another team used the name, which said that team existed).
    __table_args__ = (
        UniqueConstraint("team_id", "name", name=conv("uq_import_mappings_team_id_name")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    # {field: header as the file writes it}, e.g. {"date_of_birth": "DOB"}.
    columns: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The team whose coordinators keep the children a scheduled import adds.
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)

    team: Mapped[Team | None] = relationship()


class ImportBatch(db.Model):
    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(200))
    # The file as read (decoded text), at most RHI_IMPORT_MAX_BYTES, until it is applied; then
    # its header row alone (rhi/episodes/imports.py header_of): each row taken in lives in a
    # child's record, and a refused row's cells are kept with its result.
    content: Mapped[str] = mapped_column(Text)
    # SHA-256 of the text as uploaded (kept after `content` is cut to its header): a file
    # uploaded again is recognised, and its preview says when it was imported before, as
    # importing yesterday's file again puts back what it said then (an intake probe: a
    # correction made since was undone without a word).
    content_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    columns: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    mapping_id: Mapped[int | None] = mapped_column(ForeignKey("import_mappings.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    applied_at: Mapped[datetime | None]
    # After applying: [{"line": 3, "outcome": "problem", "message": "...", "reference": ...,
    # "episode_id": ..., "child_id": ..., "cells": [...] (a refused row's)}, ...].
    results: Mapped[list[Any] | None] = mapped_column(JSON)

    mapping: Mapped[ImportMapping | None] = relationship()


class PolicePerson(db.Model):
    __tablename__ = "police_people"

    id: Mapped[int] = mapped_column(primary_key=True)
    police_person_id: Mapped[str] = mapped_column(String(60), unique=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WaitingRow(db.Model):
    __tablename__ = "import_waiting_rows"
    # The rows still waiting for a person, by team: the waiting page and the Returns page count
    # and list these, not every row a person ever settled (issue 16: cost that does not grow
    # with history).
    __table_args__ = (
        Index(
            "ix_import_waiting_rows_open_team",
            "team_id",
            "created_at",
            sqlite_where=text("resolved_at IS NULL"),
            postgresql_where=text("resolved_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    police_reference: Mapped[str] = mapped_column(String(60), index=True)
    # The notification's details as read ({field: text}), applied once a person decides.
    values: Mapped[dict[str, Any]] = mapped_column(JSON)
    candidate_child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    reason: Mapped[str] = mapped_column(String(80))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    # Set when another team's import sent it here, to the team keeping the child it may be (one
    # child, one record): the team it came from keeps the child if it is a different one, and
    # meets the row again with the reference's later notifications (imports_apply.py).
    from_team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    source: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # "same_child", "already_recorded" or "new_child" (rhi/episodes/imports_apply.py)
    resolution: Mapped[str | None] = mapped_column(String(20))
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episodes.id"))

    candidate: Mapped[Child] = relationship()
    from_team: Mapped[Team | None] = relationship(foreign_keys=[from_team_id])


class ServiceToken(db.Model):
    __tablename__ = "service_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # What the token may do: only "notifications" exists, so a leaked token reads nothing.
    scope: Mapped[str] = mapped_column(String(30), default="notifications")
    # Children first seen through this token are kept by this team.
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    team: Mapped[Team] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
