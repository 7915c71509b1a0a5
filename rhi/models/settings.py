"""Settings a council changes in the app, the history of each change, and where a summary was
addressed when its child had no allocated social worker.

The environment (rhi/config.py) is the default; a row in `settings` is the administrator's
override of one RHI_* value, read by every worker process from here (rhi/settings.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rhi.extensions import db
from rhi.models.base import utcnow

if TYPE_CHECKING:
    from rhi.models.people import User
    from rhi.models.summaries import Summary


class Setting(db.Model):
    """The value in force for one setting, when it differs from the environment's."""

    __tablename__ = "settings"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)  # an RHI_* config key
    value: Mapped[str] = mapped_column(String(200))  # as text; rhi/settings.py converts it
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    changed_by: Mapped[User | None] = relationship()


class SettingChange(db.Model):
    """One change by an administrator: never edited, so the page can show the whole history."""

    __tablename__ = "setting_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), index=True)
    old_value: Mapped[str] = mapped_column(String(200))
    new_value: Mapped[str] = mapped_column(String(200))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    changed_by: Mapped[User | None] = relationship()


# How a summary found its reader when the child had no allocated social worker (or theirs had
# left): the team's duty inbox, or a person the worker chose on finishing.
ADDRESSED_AS = {"duty_inbox": "The duty inbox", "chosen": "Chosen on finishing"}


class SummaryAddressee(db.Model):
    """A summary sent to someone who is not the child's allocated social worker. Its reader
    keeps it although the child is not allocated to them (rhi.access.summary_filter)."""

    __tablename__ = "summary_addressees"

    id: Mapped[int] = mapped_column(primary_key=True)
    summary_id: Mapped[int] = mapped_column(ForeignKey("summaries.id"), unique=True)
    addressed_as: Mapped[str] = mapped_column(String(20))  # a key of ADDRESSED_AS
    chosen_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    chosen_at: Mapped[datetime] = mapped_column(default=utcnow)

    summary: Mapped[Summary] = relationship()
