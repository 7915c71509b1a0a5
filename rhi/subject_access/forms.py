"""The subject access request, recorded before the export is made."""

from __future__ import annotations

from wtforms import StringField
from wtforms.validators import DataRequired, ValidationError

from rhi.actions.rules import today_local
from rhi.forms.base import Form
from rhi.forms.fields import too_long
from rhi.timefmt import parse_date


def _received(_form: object, field: StringField) -> None:
    day = parse_date(field.data or "")
    if day is None:
        raise ValidationError("Enter the date the request came in, like 2026-11-20.")
    if day > today_local():
        raise ValidationError("The date the request came in cannot be in the future.")


class RequestForm(Form):
    requested_by = StringField(
        "Who asked",
        validators=[DataRequired("Say who made the request."), too_long(200)],
        description="Their name, and whether they are the child, a parent or someone acting "
        "for them.",
    )
    reference = StringField(
        "Your reference for the request",
        validators=[DataRequired("Enter your reference for the request."), too_long(100)],
    )
    received_on = StringField(
        "Date the request came in",
        validators=[_received],
        render_kw={"type": "date"},
    )
