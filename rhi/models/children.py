"""Children, with the standing profile carers hand to police (the Philomena Protocol)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rhi.ethnicity import dfe_code
from rhi.extensions import db
from rhi.models.base import utcnow

if TYPE_CHECKING:
    from rhi.models.episodes import Episode
    from rhi.models.people import User

LEGAL_STATUSES = {
    "looked_after": "Looked after",
    "child_protection": "Child protection plan",
    "child_in_need": "Child in need",
    "none": "None",
}

PLACEMENT_TYPES = {
    "home": "At home with parents or family",
    "foster": "Foster care",
    "kinship": "Kinship care",
    "childrens_home": "Children's home",
    "supported": "Supported accommodation (16 and over)",
    "secure": "Secure children's home",
    "other": "Other",
}


def age_on(date_of_birth: date, day: date) -> int:
    """Age in whole years on `day`."""
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - int(before_birthday)


class Child(db.Model):
    __tablename__ = "children"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    preferred_name: Mapped[str | None] = mapped_column(String(80))
    date_of_birth: Mapped[date]
    sex: Mapped[str | None] = mapped_column(String(20))
    gender: Mapped[str | None] = mapped_column(String(60))
    pronouns: Mapped[str | None] = mapped_column(String(40))
    # Census 2021 (ONS harmonised) category key; the DfE code is derived, never stored twice.
    ethnicity: Mapped[str] = mapped_column(String(40), default="not_known")
    first_language: Mapped[str | None] = mapped_column(String(60))
    interpreter_needed: Mapped[bool] = mapped_column(default=False)
    legal_status: Mapped[str] = mapped_column(String(30), default="none")
    home_authority: Mapped[str | None] = mapped_column(String(120))
    placing_authority: Mapped[str | None] = mapped_column(String(120))
    placement_type: Mapped[str | None] = mapped_column(String(30))
    social_worker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)

    # The standing profile (Philomena Protocol), updated from what interviews learn.
    description: Mapped[str | None] = mapped_column(Text)
    friends_and_associates: Mapped[str | None] = mapped_column(Text)
    places_known: Mapped[str | None] = mapped_column(Text)
    phones_and_social_media: Mapped[str | None] = mapped_column(Text)
    transport: Mapped[str | None] = mapped_column(Text)
    medical_needs: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    social_worker: Mapped[User | None] = relationship()
    episodes: Mapped[list[Episode]] = relationship(
        back_populates="child", order_by="Episode.started_at.desc()"
    )

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.first_name
        return f"{first} {self.last_name}"

    @property
    def dfe_ethnicity(self) -> str:
        return dfe_code(self.ethnicity)

    def age_on(self, day: date) -> int:
        return age_on(self.date_of_birth, day)

    @property
    def legal_status_label(self) -> str:
        return LEGAL_STATUSES.get(self.legal_status, self.legal_status)

    @property
    def placement_label(self) -> str:
        return PLACEMENT_TYPES.get(self.placement_type or "", self.placement_type or "Not recorded")
