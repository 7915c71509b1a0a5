"""Fields shared by several forms, so a date is read and explained the same way everywhere."""

from __future__ import annotations

from datetime import datetime

from wtforms import DateTimeLocalField
from wtforms.validators import ValidationError

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]
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
                self.data = datetime.strptime(raw, fmt)
                return
            except ValueError:
                continue
        self.data = None
        raise ValueError(f"Enter a date and time in this form: {DATETIME_HELP}.")


def not_in_future(now_local: datetime):  # noqa: ANN201 - a WTForms validator
    def check(_form: object, field: LocalDateTimeField) -> None:
        if field.data is not None and field.data > now_local:
            raise ValidationError("This can't be in the future.")

    return check
