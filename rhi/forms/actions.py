"""The form for recording where an action has got to (rhi/actions/rules.py holds the rules)."""

from __future__ import annotations

from typing import Any

from wtforms import HiddenField, IntegerField, RadioField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from rhi.forms.base import Form
from rhi.forms.fields import LocalDateField, TextArea, checked_writing


class ActionStatusForm(Form):
    status = RadioField("Where has it got to?", choices=[])
    on = LocalDateField(
        "When",
        validators=[Optional()],
        description="The day it was done, held or declined. For example, 30/11/2026.",
    )
    note = TextArea(
        "Reason or note",
        validators=[Length(max=2000, message="Keep this under 2,000 characters.")],
        description="Needed when it was not done or declined: say why, in plain words.",
        render_kw=checked_writing(rows=3),
    )
    version = IntegerField(widget=HiddenField.widget)  # type: ignore[arg-type]


class ChildToldForm(Form):
    """The child was told what became of an action (rhi/actions/tracking.py child_told)."""

    class Meta(Form.Meta):
        id_prefix = "told-"

        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
            # It shares the action's page with ActionStatusForm, which has an `on` (and a CSRF
            # token) too: ids of its own, so each label, hint, error and error-summary link
            # reaches its own field. Only the ids: the names posted stay `on` and `how`.
            own_id = self.id_prefix + options["name"]
            return super().bind_field(form, unbound_field, {**options, "id": own_id})

    on = LocalDateField(
        "When they were told",
        validators=[InputRequired("Enter the day they were told.")],
        description="For example, 30/11/2026.",
    )
    how = StringField(
        "How, and by whom",
        validators=[
            DataRequired("Say how they were told, and by whom."),
            Length(max=200, message="Keep this under 200 characters."),
        ],
        description="For example: in person, by their social worker; or by phone, by me.",
    )
