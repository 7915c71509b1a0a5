"""Forms for a child's record: adding and changing a child, and the standing profile.

Every message says what to do next; every field keeps what was typed when the form comes back
with a message (WTForms renders the submitted value, and a bad date as it was typed).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import current_app
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Optional, ValidationError
from wtforms.widgets import TextInput

from rhi.ethnicity import CATEGORIES
from rhi.forms.base import Form
from rhi.forms.fields import TextArea, too_long
from rhi.models.base import utcnow
from rhi.models.children import (
    LEGAL_STATUSES,
    OLDEST_AGE,
    PHOTO_TYPES,
    PLACEMENT_TYPES,
    PROFILE_FIELDS,
    too_old,
)
from rhi.timefmt import to_local

try:  # WTForms 3.3: options with an optgroup (a dict of groups is deprecated there)
    from wtforms.fields.choices import SelectChoice
except ImportError:  # pragma: no cover - before 3.3
    SelectChoice = None  # type: ignore[assignment,misc]

PROFILE_MAX = 4000
DATE_HELP = "For example 23/11/2012"
# The first is how a stored date is shown in the box; an ISO date (a date picker) is read too.
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"]

SEXES = {"": "Not recorded", "Female": "Female", "Male": "Male", "Not known": "Not known"}


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _text(label: str, limit: int, *, required: str | None = None, **kwargs: Any) -> StringField:
    validators: list[Callable[..., None]] = [too_long(limit)]
    validators.insert(0, DataRequired(required) if required else Optional())
    return StringField(label, validators=validators, filters=[_strip], **kwargs)


def _ethnicity_choices() -> Any:
    """Census 2021 categories, grouped as the census groups them (as <optgroup>s)."""
    if SelectChoice is not None:
        return [SelectChoice(c.key, c.label, optgroup=c.group) for c in CATEGORIES]
    groups: dict[str, list[tuple[str, str]]] = {}  # WTForms before 3.3
    for category in CATEGORIES:
        groups.setdefault(category.group, []).append((category.key, category.label))
    return groups


class BirthDateField(DateField):
    """A date of birth typed day first: a bad value is refused with an example and comes back
    as typed (a text box, not a date picker, which would drop what it cannot read)."""

    widget = TextInput()

    def __init__(self, label: str, **kwargs: Any) -> None:
        kwargs.setdefault("format", DATE_FORMATS)
        kwargs.setdefault("description", DATE_HELP)
        super().__init__(label, **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        raw = valuelist[0].strip()
        for fmt in self.format:
            try:
                self.data = datetime.strptime(raw, fmt).date()
                return
            except ValueError:
                continue
        self.data = None
        raise ValueError(f"Enter the date of birth as day, month and year. {DATE_HELP}.")


class PlausibleBirthDate:
    """Not in the future, and not more than 25 years ago (the oldest a care leaver is helped)."""

    def __call__(self, form: object, field: BirthDateField) -> None:
        if field.data is None:
            return
        today = getattr(form, "today", None) or to_local(utcnow()).date()
        if field.data > today:
            raise ValidationError("The date of birth can't be in the future. Check the year.")
        if too_old(field.data, today):
            raise ValidationError(
                f"This would make the child older than {OLDEST_AGE}. Check the year."
            )


def _choice(label: str, choices: Any, message: str, **kwargs: Any) -> SelectField:
    """A choice from a fixed list; a value not on it gets `message`."""
    return SelectField(label, choices=choices, invalid_choice_message=message, **kwargs)


class ChildForm(Form):
    first_name = _text("First name", 80, required="Enter the child's first name.")
    last_name = _text("Last name", 80, required="Enter the child's last name.")
    preferred_name = _text(
        "Name they like to be called (optional)",
        80,
        description="Used on every page in place of their first name.",
    )
    date_of_birth = BirthDateField(
        "Date of birth",
        validators=[InputRequired("Enter the child's date of birth."), PlausibleBirthDate()],
    )
    sex = _choice("Sex (optional)", list(SEXES.items()), "Choose from the list.", default="")
    gender = _text("Gender, as the child describes it (optional)", 60)
    pronouns = _text("Pronouns (optional)", 40, description="For example she/her, they/them")
    ethnicity = _choice(
        "Ethnicity (Census 2021)",
        _ethnicity_choices(),
        "Choose the child's ethnicity from the list, or Not yet known.",
        default="not_known",
        description="As the child describes it. Choose Not yet known until you can ask.",
    )
    first_language = _text("First language (optional)", 60)
    interpreter_needed = BooleanField("The child would like an interpreter")
    legal_status = _choice(
        "Legal status",
        [("", "Choose one"), *LEGAL_STATUSES.items()],
        "Choose the child's legal status from the list.",
        validators=[DataRequired("Choose the child's legal status, or None known.")],
        description="For a child at home with no plan: Not looked after, no plan. None known "
        "only until you can find out.",
        default="",
    )
    home_authority = _text(
        "Home authority (optional)", 120, description="The council responsible for the child."
    )
    placing_authority = _text(
        "Placing authority (optional)",
        120,
        description="The council that placed the child, if someone else placed them here.",
    )
    placement_type = _choice(
        "Where the child lives (optional)",
        [("", "Not recorded"), *PLACEMENT_TYPES.items()],
        "Choose where the child lives from the list.",
        default="",
    )
    school = _text("School or college (optional)", 160)
    social_worker_id = _choice(
        "Allocated social worker (optional)",
        [],
        "Choose a social worker from the list.",
        default="",
    )
    # Set when "possibly the same child" was shown for this name and date of birth.
    checked_for = HiddenField()

    def __init__(self, *args: Any, social_workers: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.social_worker_id.choices = [("", "None allocated"), *social_workers]


def _profile_field(name: str, hint: str) -> TextArea:
    return TextArea(
        PROFILE_FIELDS[name],
        description=hint,
        validators=[Optional(), too_long(PROFILE_MAX)],
        filters=[_strip],
        render_kw={"rows": 4},
    )


class ProfileForm(Form):
    """The standing profile (Philomena Protocol). `base_change` is the newest change the person
    saw when they opened the form, so a change someone else saved meanwhile is not overwritten
    unseen."""

    description = _profile_field(
        "description", "Height, build, hair, marks or scars, glasses, clothes they often wear."
    )
    friends_and_associates = _profile_field(
        "friends_and_associates",
        "Names, ages and how to reach them; adults who may be harming or exploiting the child.",
    )
    places_known = _profile_field(
        "places_known", "Addresses and places the child goes or has been found."
    )
    phones_and_social_media = _profile_field(
        "phones_and_social_media", "Phone numbers, apps and social media names."
    )
    transport = _profile_field("transport", "Bus and train routes, cars or bikes, travel passes.")
    medical_needs = _profile_field(
        "medical_needs", "Conditions, medicines and what happens without them; allergies."
    )
    base_change = HiddenField(default="0")
    photo = FileField(
        "Add or replace the photo (optional)",
        render_kw={"accept": ",".join(PHOTO_TYPES)},
    )
    remove_photo = BooleanField("Remove the photo")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.photo_upload: tuple[str, bytes] | None = None  # (content type, bytes), once valid
        self.photo.description = (
            f"A recent photo police can use: JPEG or PNG, at most {_megabytes(_photo_limit())}."
        )

    def validate_photo(self, field: FileField) -> None:
        """The photo's own bytes decide what it is (its name and the browser's type can say
        anything); one larger than RHI_PHOTO_MAX_BYTES is refused without reading it all."""
        upload = field.data
        if upload is None or not getattr(upload, "filename", ""):
            return
        limit = _photo_limit()
        data = upload.stream.read(limit + 1)
        if len(data) > limit:
            raise ValidationError(
                f"This photo is larger than {_megabytes(limit)}. Choose a smaller one, or make "
                "it smaller on the device first."
            )
        if not data:
            raise ValidationError("This file is empty. Choose a JPEG or PNG photo.")
        for content_type, (magic, _name) in PHOTO_TYPES.items():
            if data.startswith(magic):
                self.photo_upload = (content_type, data)
                return
        raise ValidationError(
            "This file is not a JPEG or PNG photo. Choose a photo saved as JPEG or PNG."
        )


def _photo_limit() -> int:
    return int(current_app.config["RHI_PHOTO_MAX_BYTES"])


def _megabytes(size: int) -> str:
    """A size as people say it: "2 MB", or "500 KB" under a megabyte."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.3g} MB"
    return f"{max(1, round(size / 1024))} KB"
