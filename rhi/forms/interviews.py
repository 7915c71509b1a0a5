"""Forms on the interview pages that are more than one autosaved field."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from rhi.interviews.content import RECIPIENTS


class OverrideForm(FlaskForm):
    recipient = SelectField("Share with", choices=list(RECIPIENTS.items()))
    reason = TextAreaField(
        "Why the information must be shared without the child's agreement",
        validators=[
            DataRequired("Write the reason: the risk of significant harm you see."),
            Length(max=4000),
        ],
    )
    decided_by = StringField(
        "Who decided (name and role)",
        validators=[DataRequired("Write who made the decision."), Length(max=200)],
    )


class AddendumForm(FlaskForm):
    text = TextAreaField(
        "Add a correction or later note",
        validators=[DataRequired("Write the correction or note."), Length(max=20_000)],
    )
