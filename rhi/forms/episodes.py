"""Forms on the episode page: contact attempts, the offer, the child's answer."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from rhi.forms.fields import LocalDateTimeField
from rhi.models.interviews import CONTACT_METHODS, CONTACT_OUTCOMES

WHEN_REQUIRED = InputRequired("Enter the date and time.")


class ContactAttemptForm(FlaskForm):
    attempted_at = LocalDateTimeField("When", validators=[WHEN_REQUIRED])
    # Ids differ from the offer's "method": both forms are on the episode page.
    method = SelectField("How", choices=list(CONTACT_METHODS.items()), id="attempt_method",
                         validators=[InputRequired("Choose how you tried.")])
    outcome = SelectField("What happened", choices=list(CONTACT_OUTCOMES.items()),
                          validators=[InputRequired("Choose what happened.")])
    note = TextAreaField("Note (optional)", validators=[Optional(), Length(max=2000)])


class OfferForm(FlaskForm):
    offered_at = LocalDateTimeField("When the interview was offered", validators=[WHEN_REQUIRED])
    method = SelectField("How it was offered", choices=list(CONTACT_METHODS.items()),
                         id="offer_method",
                         validators=[InputRequired("Choose how it was offered.")])


class AcceptForm(FlaskForm):
    accepted_at = LocalDateTimeField("When the child said yes", validators=[WHEN_REQUIRED])


class DeclineForm(FlaskForm):
    declined_at = LocalDateTimeField("When the child said no", validators=[WHEN_REQUIRED])
    reason = TextAreaField(
        "What the child said, in their words",
        validators=[DataRequired("Write what the child said, even if it was short."),
                    Length(max=2000)],
    )
    offer_again = RadioField(
        "Keep the offer open?",
        choices=[("yes", "Yes, offer again"), ("no", "No, the child asked us not to")],
        default="yes",
        validators=[InputRequired("Choose whether to keep the offer open.")],
    )
    carer_information = BooleanField("The carer was offered the chance to share what they know")
