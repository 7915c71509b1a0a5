"""Forms for the retention pages: the schedule, the run's confirmation and legal holds."""

from __future__ import annotations

from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import DataRequired, InputRequired, ValidationError

from rhi.forms.base import Form
from rhi.forms.fields import TextArea, too_long


def _age(minimum: int, maximum: int):
    def check(_form: object, field: StringField) -> None:
        raw = (field.data or "").strip()
        if not raw.isdigit() or not minimum <= int(raw) <= maximum:
            raise ValidationError(f"Enter an age in whole years from {minimum} to {maximum}.")

    return check


class ScheduleForm(Form):
    looked_after_age = StringField(
        "Keep the record of a looked-after child (or care leaver) until this birthday",
        validators=[_age(25, 120)],
        render_kw={"inputmode": "numeric"},
    )
    other_age = StringField(
        "Keep the record of any other child until this birthday",
        validators=[_age(18, 120)],
        render_kw={"inputmode": "numeric"},
    )


# Each schedule field's setting (rhi/settings.py EDITABLE).
SCHEDULE_FIELDS = {
    "RHI_RETAIN_LOOKED_AFTER_TO_AGE": "looked_after_age",
    "RHI_RETAIN_OTHER_TO_AGE": "other_age",
}


class RunForm(Form):
    # The records the administrator was shown: the run destroys these and no others, so a record
    # that fell due since the page was read waits for the next look.
    child_ids = HiddenField()
    confirm = BooleanField(
        "I have checked the list: destroy these records now. This cannot be undone.",
        validators=[InputRequired("Tick the box to say you have checked the list.")],
    )


# The reasons outlive the record (rhi/retention/held.py OUTLIVE_THE_RECORD): a reason naming the
# child would keep their name after the record is destroyed (rev38b).
REASON_HINT = (
    "Say why, in a sentence or two, without naming the child: it is kept with the hold, even "
    "after the record is destroyed."
)


class HoldForm(Form):
    reason = TextArea(
        "Why the record must be kept",
        validators=[DataRequired("Say why the record must be kept."), too_long(2000)],
        description=REASON_HINT,
    )


class LiftForm(Form):
    reason = TextArea(
        "Why the hold is no longer needed",
        validators=[DataRequired("Say why the hold is no longer needed."), too_long(2000)],
        description=REASON_HINT,
    )
