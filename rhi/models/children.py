"""Children, with the standing profile carers hand to police (the Philomena Protocol), and the
history of every change to that profile."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    ColumnElement,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    and_,
    false,
    func,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from rhi.ethnicity import dfe_code
from rhi.extensions import db
from rhi.models.base import utcnow

if TYPE_CHECKING:
    from rhi.models.episodes import Episode
    from rhi.models.people import Team, User

LEGAL_STATUSES = {
    "looked_after": "Looked after",
    "child_protection": "Child protection plan",
    "child_in_need": "Child in need",
    "care_leaver": "Care leaver",
    # Known not to be looked after, with no plan: what a person records for most children who
    # go missing from home. "None known" is what rhi holds until someone records it (a child
    # made from the police's notification starts with it), which the retention schedule and
    # the episodes' own status treat as not yet known (rhi/retention/rules.py,
    # rhi/episodes/legal_status.py).
    "not_looked_after": "Not looked after, no plan",
    "none": "None known",
}
# "None known": what rhi holds until a person records the status (the column's default).
NOT_KNOWN = "none"

# Looked after now, or before (a care leaver was): a looked-after child's case record, kept to the
# 75th birthday by default (rhi/retention/rules.py).
LOOKED_AFTER_STATUSES = frozenset({"looked_after", "care_leaver"})

PLACEMENT_TYPES = {
    "home": "At home with parents or family",
    "foster": "Foster care",
    "kinship": "Kinship care",
    "childrens_home": "Children's home",
    "supported": "Supported accommodation (16 and over)",
    "secure": "Secure children's home",
    "other": "Other",
}
# Where the child lives, when it shows a council placed them (looked after, in almost every
# case): every placement but at home. "Other" too: kept longer, a record can be put right;
# destroyed early, it cannot (rhi/retention/rules.py).
CARE_PLACEMENTS = frozenset(PLACEMENT_TYPES) - {"home"}


# Letters that Unicode does not split into a base letter and an accent, filed as people expect.
_FILED_AS = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i"}
)


def sort_name_of(last_name: str) -> str:
    """Where a last name is filed in the children lists: without case, accents, spaces or
    punctuation ("de Souza" under D as "desouza", "Éclair" under E, "O'Brien" as "obrien").
    Worked out here and stored (`Child.sort_name`) because the two databases cannot do it
    alike: SQLite's lower() leaves "É" as it is, and neither takes accents off without an
    extension. Letters and digits only, so the keys sort the same under SQLite's byte order
    and any PostgreSQL collation (a locale's order skips spaces and punctuation; bytes don't)."""
    folded = unicodedata.normalize("NFKD", last_name.casefold()).translate(_FILED_AS)
    kept = (ch for ch in folded if ch.isalnum() and not unicodedata.combining(ch))
    return "".join(kept)[:80]


# The oldest a person rhi records can be: care leavers are supported up to 25. A date of birth
# before that is a slip of the year (1912 for 2012), on the child's form and in an import.
OLDEST_AGE = 25


def years_before(day: date, years: int) -> date:
    """The same day `years` earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def too_old(date_of_birth: date, today: date) -> bool:
    """Born so long before `today` that the person is older than `OLDEST_AGE`."""
    return date_of_birth < years_before(today, OLDEST_AGE)


def age_on(date_of_birth: date, day: date) -> int:
    """Age in whole years on `day`."""
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - int(before_birthday)


class Child(db.Model):
    __tablename__ = "children"
    # The children lists walk names in order (last name as filed, first, id) instead of
    # sorting everyone.
    __table_args__ = (Index("ix_children_sort_name", "sort_name", "first_name", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    # The last name as the lists file it (sort_name_of), kept by `_file_under` whenever the
    # last name is set. "" is also what a destroyed record's tombstone holds (its last name is
    # "" too: rhi/retention/destroy.py sets plain defaults).
    sort_name: Mapped[str] = mapped_column(String(80), default="")
    preferred_name: Mapped[str | None] = mapped_column(String(80))
    date_of_birth: Mapped[date] = mapped_column(index=True)  # "possibly the same child" looks here
    sex: Mapped[str | None] = mapped_column(String(20))
    gender: Mapped[str | None] = mapped_column(String(60))
    pronouns: Mapped[str | None] = mapped_column(String(40))
    # Census 2021 (ONS harmonised) category key; the DfE code is derived, never stored twice.
    ethnicity: Mapped[str] = mapped_column(String(40), default="not_known")
    first_language: Mapped[str | None] = mapped_column(String(60))
    interpreter_needed: Mapped[bool] = mapped_column(default=False)
    # The words the interview pages use with this child: an age band's id (the worker chose
    # simpler words, e.g. for a 15-year-old with a learning disability), or None: by age.
    # rhi/interviews/child_words.py is the one rule that reads it.
    question_band: Mapped[str | None] = mapped_column(String(20))
    legal_status: Mapped[str] = mapped_column(String(30), default=NOT_KNOWN)
    # Looked after at some time, as rhi was told: kept when the legal status later changes (a
    # child who goes home), so their record keeps the looked-after retention rule. Before, the
    # rule read today's status alone, and such a record was due for destruction at 25.
    was_looked_after: Mapped[bool] = mapped_column(default=False, server_default=false())
    home_authority: Mapped[str | None] = mapped_column(String(120))
    placing_authority: Mapped[str | None] = mapped_column(String(120))
    placement_type: Mapped[str | None] = mapped_column(String(30))
    social_worker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    school: Mapped[str | None] = mapped_column(String(160))
    # Who made the record in rhi, and the team that keeps it (its managers and coordinators see
    # the child even before an episode or a social worker links the child to them).
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)

    # The standing profile (Philomena Protocol), updated from what interviews learn. Every change
    # is kept in ProfileChange. The photo the protocol asks for is not held here (yet).
    description: Mapped[str | None] = mapped_column(Text)
    friends_and_associates: Mapped[str | None] = mapped_column(Text)
    places_known: Mapped[str | None] = mapped_column(Text)
    phones_and_social_media: Mapped[str | None] = mapped_column(Text)
    transport: Mapped[str | None] = mapped_column(Text)
    medical_needs: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    social_worker: Mapped[User | None] = relationship(foreign_keys=[social_worker_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    team: Mapped[Team | None] = relationship()
    episodes: Mapped[list[Episode]] = relationship(
        back_populates="child", order_by="Episode.started_at.desc()"
    )

    @validates("legal_status")
    def _remember_looked_after(self, _key: str, value: str) -> str:
        """Every way a status is set through the model (the form, imports, the demo) remembers
        that the child was looked after."""
        if value in LOOKED_AFTER_STATUSES:
            self.was_looked_after = True
        return value

    @validates("placement_type", "placing_authority")
    def _remember_placed(self, key: str, value: str | None) -> str | None:
        """A care placement, or a placing council recorded, shows the child was looked after
        (rhi/retention/rules.py `placed_in_care`): remembered as a looked-after status is.
        Before, the rule read the placement now, and a child placed in foster care who went
        home was destroyed at 25 (a probe). A placement recorded by mistake and put right keeps
        the longer rule: kept longer, a record can be put right; destroyed early, it cannot."""
        placed = (
            value in CARE_PLACEMENTS if key == "placement_type" else bool((value or "").strip())
        )
        if placed:
            self.was_looked_after = True
        return value

    @validates("last_name")
    def _file_under(self, _key: str, value: str) -> str:
        """Every way a last name is set through the model (the form, imports, the demo) files
        the child again."""
        self.sort_name = sort_name_of(value or "")
        return value

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

    @hybrid_property
    def placed_from_elsewhere(self) -> bool:
        """Placed here by another council: a placing authority that is not the child's home
        authority, whatever its spacing or case. The one rule for the worker's "Placed here by"
        (rhi/episodes/prepare.py) and the service page's figure (rhi/oversight/figures.py)."""
        placing = (self.placing_authority or "").strip()
        return bool(placing) and placing.lower() != (self.home_authority or "").strip().lower()

    @placed_from_elsewhere.inplace.expression
    @classmethod
    def _placed_from_elsewhere_sql(cls) -> ColumnElement[bool]:
        return and_(
            func.coalesce(func.trim(cls.placing_authority), "") != "",
            func.lower(func.trim(cls.placing_authority))
            != func.lower(func.trim(func.coalesce(cls.home_authority, ""))),
        )

    @property
    def placement_label(self) -> str:
        return PLACEMENT_TYPES.get(self.placement_type or "", self.placement_type or "Not recorded")


# The standing profile's fields, in the order they are shown, printed and kept in the history.
PROFILE_FIELDS: dict[str, str] = {
    "description": "Description",
    # Not "associates", nor "people they spend time with": words that put the action on the
    # child, over entries that are often adults exploiting them (language.md).
    "friends_and_associates": "Friends, and people in contact with them (including adults who "
    "may be exploiting them)",
    "places_known": "Places the child goes",
    "phones_and_social_media": "Phones and social media",
    "transport": "Transport",
    "medical_needs": "Medical needs",
}


class ProfileChange(db.Model):
    """One field of a child's standing profile changed: what it said before and after, who
    changed it and when. Rows are only ever added."""

    __tablename__ = "child_profile_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    field: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    changed_by: Mapped[User | None] = relationship()

    @property
    def field_label(self) -> str:
        return PROFILE_FIELDS.get(self.field) or OTHER_CHANGES.get(self.field, self.field)


# Changes to the profile that are not a text field, as the history names them.
OTHER_CHANGES = {"photo": "Photo"}

# The photo's kinds: JPEG or PNG only, recognised by their first bytes, never by a file's name.
PHOTO_TYPES = {"image/jpeg": (b"\xff\xd8\xff", "JPEG"), "image/png": (b"\x89PNG\r\n\x1a\n", "PNG")}


class ChildPhoto(db.Model):
    """The standing profile's photo (optional; one per child), kept in the database with the
    record, never as a file on disk or in a cache: it is served only after rhi.access says the
    person may see the child (rhi/children/views.py)."""

    __tablename__ = "child_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), unique=True)
    content_type: Mapped[str] = mapped_column(String(20))  # a key of PHOTO_TYPES
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def described(self) -> str:
        """As the history and the page say it: its kind and size, never what it shows."""
        kind = PHOTO_TYPES.get(self.content_type, (b"", self.content_type))[1]
        return f"{kind} photo, {max(1, round(len(self.data) / 1024))} KB"
