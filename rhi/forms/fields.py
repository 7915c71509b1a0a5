"""Fields shared by several forms, so a date is read and explained the same way everywhere."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from wtforms import DateField, DateTimeLocalField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from rhi.models.base import utcnow
from rhi.timefmt import ACCEPTED_WHEN, not_on_the_clock, parse_date, to_local

# The URL a tap on a wording suggestion is counted at, for a box outside the interview's own
# fields (rhi/writing/views.py language_event). A path, not url_for(): forms are classes, made
# before any app exists.
LANGUAGE_EVENTS_URL = "/language/events"


def checked_writing(**render_kw: Any) -> dict[str, Any]:
    """`render_kw` for a free-text field the writing check reads (static/js/writing.js finds
    [data-check-language]). Kept on the form's field, not in a template, so that every page
    that draws the form, online or the tablet's offline copy of it, checks the same fields."""
    return {"data-check-language": "1", "data-language-url": LANGUAGE_EVENTS_URL, **render_kw}


DATETIME_FORMATS = list(ACCEPTED_WHEN)
DATETIME_HELP = "For example 2026-11-23 14:30 or 23/11/2026 14:30"


class LocalDateTimeField(DateTimeLocalField):
    """A date and time typed in local time; a bad value is refused with the format shown."""

    def __init__(self, label: str, **kwargs: object) -> None:
        kwargs.setdefault("format", DATETIME_FORMATS)
        kwargs.setdefault("description", DATETIME_HELP)
        super().__init__(label, **kwargs)  # type: ignore[arg-type]

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        raw = valuelist[0].strip()
        for fmt in self.format:
            try:
                when = datetime.strptime(raw, fmt)
            except ValueError:
                continue
            skipped = not_on_the_clock(when)
            if skipped:
                self.data = None
                raise ValueError(skipped)
            self.data = when
            return
        self.data = None
        raise ValueError(f"Enter a date and time in this form: {DATETIME_HELP}.")


class LocalDateField(DateField):
    """A date alone (an <input type=date>), read in every form rhi.timefmt accepts."""

    def process_formdata(self, valuelist: list[str]) -> None:
        raw = valuelist[0].strip() if valuelist else ""
        self.data = parse_date(raw) if raw else None
        if raw and self.data is None:
            raise ValueError("Enter a date like 30/11/2026.")


# A tablet's clock may be a little ahead of the server's; anything older than a year is a
# mistyped year, not a late upload. The same rule for the page and for the tablet's upload.
CLOCK_SKEW = timedelta(minutes=10)
OLDEST = timedelta(days=366)


class RecentPast:
    """A time that has happened, within the last year. The form may carry `now_local` (the
    upload passes the moment it was checked); otherwise it is now."""

    def __call__(self, form: object, field: LocalDateTimeField) -> None:
        if field.data is None:
            return
        now_local = getattr(form, "now_local", None) or to_local(utcnow()).replace(tzinfo=None)
        if field.data > now_local + CLOCK_SKEW:
            raise ValidationError(
                "This can't be in the future. Check the date and time, and the tablet's clock."
            )
        if field.data < now_local - OLDEST:
            raise ValidationError("This is more than a year ago. Check the date and time.")


PLACEHOLDER = "Choose one"


def with_placeholder(choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A drop-down list's choices, led by an empty one ("Choose one") unless they have one."""
    if any(value == "" for value, _label in choices):
        return choices
    return [("", PLACEHOLDER), *choices]


class ChoiceField(SelectField):
    """A choice from a fixed list: nothing chosen says `required`; a value not on the list says
    the same and names the list (a tablet's upload shows it to the person who can fix it).

    The list starts with "Choose one" (empty): a drop-down list always sends what it shows, so
    without it the first choice went in unchosen ("Save attempt" pressed at once recorded a
    visit at which the child was spoken with: an accessibility probe). Where the field is
    required, its message is on the element too (`data-required`), for a page kept on a tablet
    to say the same beside it with no signal (static/js/shell-episode.js)."""

    def __init__(self, label: str, choices: dict[str, str], required: str, **kwargs: Any) -> None:
        if "validators" not in kwargs:
            kwargs["validators"] = [InputRequired(required)]
            kwargs["render_kw"] = {"data-required": required, **(kwargs.get("render_kw") or {})}
        super().__init__(label, choices=with_placeholder(list(choices.items())), **kwargs)
        self.required = required

    def pre_validate(self, form: object) -> None:
        values = [str(value) for value, _label in self.choices if value != ""]
        if self.data not in (None, "") and self.data not in values:  # empty: InputRequired
            raise ValidationError(f"{self.required} One of: {', '.join(values)}.")


def too_long_words(limit: int) -> str:
    """The one message for text over its limit, on a form's field or a box of a plain page."""
    return f"This is too long: the most is {limit:,} characters."


def too_long(limit: int) -> Length:
    return Length(max=limit, message=too_long_words(limit))


class TextArea(TextAreaField):
    """A box of several lines, its length counted as the browser counts it.

    A browser sends each line break as CR LF, but its maxlength (drawn from the field's Length)
    counts one character for it: a note the browser let someone type in full was refused as
    too long, and on a page that answers with a redirect the words were gone. Read with LF,
    the server counts what the browser counted (and stores what the interview's own fields
    store: rhi/interviews/content.py)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        if isinstance(self.data, str):
            self.data = self.data.replace("\r\n", "\n")


def field_errors(*forms: Any) -> list[tuple[str, str, list[str]]]:
    """Each field in error of `forms` as a page's error summary lists it (macros/forms.html
    error_summary): its id (the summary links to it), its label and its messages. The CSRF
    token's error is not a field the person can fix: it is answered before any form is drawn."""
    return [
        (f.id, f.label.text, list(f.errors))
        for form in forms
        for f in form
        if f.errors and f.name != "csrf_token"
    ]


@dataclass(frozen=True)
class NotSaved:
    """A change refused because the record moved on while the page was open (an outcome
    recorded, the interview finished, started by someone else): what the page says instead of
    saving, and the words the person typed, quoted back so none is lost (macros/forms.html
    not_saved_notice). `words`: (the field's label, what was typed)."""

    message: str
    words: list[tuple[str, str]]


def typed_words(*forms: Any) -> list[tuple[str, str]]:
    """The free text typed into `forms` (boxes and lines, not dates or choices), labelled."""
    return [
        (f.label.text, f.data.strip())
        for form in forms
        for f in form
        if f.type in ("TextArea", "TextAreaField", "StringField")
        and isinstance(f.data, str)
        and f.data.strip()
    ]
