"""Forms on the episode page: contact attempts, the offer, the child's answer.

The tablet's upload checks the same acts by filling these same forms from its events
(`rhi.sync.events`), so a rule or a message here holds online and offline alike.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional

from rhi.forms.fields import ChoiceField, LocalDateTimeField, RecentPast, too_long
from rhi.models.interviews import CONTACT_METHODS, CONTACT_OUTCOMES

NOTE_MAX = 2000


def _when(label: str) -> LocalDateTimeField:
    return LocalDateTimeField(
        label, validators=[InputRequired("Enter the date and time."), RecentPast()]
    )


class ContactAttemptForm(FlaskForm):
    attempted_at = _when("When")
    # Ids differ from the offer's "method": both forms are on the episode page.
    method = ChoiceField("How", CONTACT_METHODS, "Choose how you tried.", id="attempt_method")
    outcome = ChoiceField("What happened", CONTACT_OUTCOMES, "Choose what happened.")
    note = TextAreaField("Note (optional)", validators=[Optional(), too_long(NOTE_MAX)])


class OfferForm(FlaskForm):
    offered_at = _when("When the interview was offered")
    method = ChoiceField(
        "How it was offered", CONTACT_METHODS, "Choose how it was offered.", id="offer_method"
    )


class AcceptForm(FlaskForm):
    accepted_at = _when("When the child said yes")


class DeclineForm(FlaskForm):
    declined_at = _when("When the child said no")
    reason = TextAreaField(
        "What the child said, in their words",
        validators=[
            DataRequired("Write what the child said, even if it was short."),
            too_long(NOTE_MAX),
        ],
    )
    offer_again = RadioField(
        "Keep the offer open?",
        choices=[("yes", "Yes, offer again"), ("no", "No, the child asked us not to")],
        default="yes",
        validators=[InputRequired("Choose whether to keep the offer open.")],
    )
    carer_information = BooleanField("The carer was offered the chance to share what they know")
