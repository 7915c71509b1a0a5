"""Forms on the episode page: contact attempts, the offer, the child's answer; and the missing
and found notifications and allocation, for managers and coordinators.

The tablet's upload checks the same acts by filling these same forms from its events
(`rhi.sync.events`), so a rule or a message here holds online and offline alike.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from wtforms import BooleanField, RadioField, StringField
from wtforms.validators import DataRequired, InputRequired, Optional, ValidationError

from rhi.forms.base import Form
from rhi.forms.fields import (
    ChoiceField,
    LocalDateTimeField,
    RecentPast,
    TextArea,
    checked_writing,
    too_long,
    with_placeholder,
)
from rhi.language import QUOTE_THE_CHILD
from rhi.models.children import LEGAL_STATUSES
from rhi.models.episodes import DFE_TYPES, NOT_GRADED, REPORTERS, RETURN_METHODS
from rhi.models.interviews import CONTACT_METHODS, CONTACT_OUTCOMES, DELAY_REASONS, OUTCOMES

NOTE_MAX = 2000


def _when(label: str) -> LocalDateTimeField:
    return LocalDateTimeField(
        label, validators=[InputRequired("Enter the date and time."), RecentPast()]
    )


class ContactAttemptForm(Form):
    attempted_at = _when("When")
    # Ids differ from the offer's "method": both forms are on the episode page.
    method = ChoiceField("How", CONTACT_METHODS, "Choose how you tried.", id="attempt_method")
    outcome = ChoiceField("What happened", CONTACT_OUTCOMES, "Choose what happened.")
    note = TextArea(
        "Note (optional)",
        validators=[Optional(), too_long(NOTE_MAX)],
        render_kw=checked_writing(),
    )


class OfferForm(Form):
    offered_at = _when("When the interview was offered")
    method = ChoiceField(
        "How it was offered", CONTACT_METHODS, "Choose how it was offered.", id="offer_method"
    )


class AcceptForm(Form):
    accepted_at = _when("When the child said yes")


class DeclineForm(Form):
    declined_at = _when("When the child said no")
    reason = TextArea(
        "What the child said, in their words",
        description=QUOTE_THE_CHILD,
        validators=[
            DataRequired("Write what the child said, even if it was short."),
            too_long(NOTE_MAX),
        ],
        # "Refused to engage" is most often written here: the child's own words in quotation
        # marks are never flagged, the worker's summary of them is.
        render_kw=checked_writing(),
    )
    offer_again = RadioField(
        "Keep the offer open?",
        choices=[("yes", "Yes, offer again"), ("no", "No, the child asked us not to")],
        default="yes",
        validators=[InputRequired("Choose whether to keep the offer open.")],
    )
    carer_information = BooleanField("The carer was offered the chance to share what they know")
    carer_said = TextArea(
        "What the carer said (optional)",
        description="Their words, not the child's: kept apart from what the child said.",
        validators=[Optional(), too_long(NOTE_MAX)],
        render_kw=checked_writing(),
    )


ANSWERS = [("yes", "Yes, they would like to talk now"), ("no", "No, not now")]


class StartForm(Form):
    """Before an interview starts with no offer and answer on record: both, in one step. The
    answer has no default: a "yes" is what the child said, never what the form assumed."""

    offered_at = LocalDateTimeField(
        "When you offered the interview",
        validators=[InputRequired("Enter the date and time."), RecentPast()],
        id="start_offered_at",
    )
    # Ids differ from the offer form's: both may be on the episode page.
    method = ChoiceField(
        "How you offered it", CONTACT_METHODS, "Choose how you offered it.", id="start_method"
    )
    answer = RadioField(
        "The child's answer",
        choices=ANSWERS,
        id="start_answer",
        validators=[InputRequired("Choose the child's answer.")],
    )
    reason = TextArea(
        "If no: the child's reasons, as they said them",
        description=QUOTE_THE_CHILD,
        id="start_reason",
        # No Optional(): it would stop validate_reason from running on an empty box.
        validators=[too_long(NOTE_MAX)],
        render_kw=checked_writing(),
    )

    def validate_reason(self, field: TextArea) -> None:
        if self.answer.data == "no" and not (field.data or "").strip():
            raise ValidationError("Write what the child said, even if it was short.")


# "Interview held" is recorded by finishing the interview, never here.
CLOSING = {
    key: OUTCOMES[key] for key in ("declined", "not_reached", "carer_info", "not_interviewed")
}


class OutcomeForm(Form):
    """How the return ended, when it ended without an interview."""

    outcome = RadioField(
        "Outcome",
        choices=list(CLOSING.items()),
        id="return_outcome",  # the contact attempt's "outcome" is on the same page
        validators=[InputRequired("Choose the outcome.")],
    )
    outcome_at = _when("When the outcome was reached")
    reason = TextArea(
        "What the child said, or the reason",
        description=(
            "If the child said no: their reasons, in their own words, in quotation marks (never "
            "flagged or changed). Not reached: what was tried. Carer information: what the "
            "carer said, in their words. Decided not to interview: why (every child is offered "
            "one, every time: a low police risk grade, or being recorded as absent, is never a "
            "reason)."
        ),
        id="outcome_reason",
        validators=[DataRequired("Write the reason, even if it is short."), too_long(NOTE_MAX)],
        render_kw=checked_writing(),
    )
    decided_by = StringField(
        "Who decided (for a decision not to interview)",
        validators=[too_long(120)],
    )

    def validate_decided_by(self, field: StringField) -> None:
        if self.outcome.data == "not_interviewed" and not (field.data or "").strip():
            raise ValidationError("Write who decided not to interview: their name and role.")


class FinishForm(Form):
    """Finishing the interview; when it is past its deadline, why (from the list) and a note.
    `late` is set by the view from the interview's due time."""

    delay_reason = ChoiceField(
        "Why the interview is late",
        {"": "Choose a reason", **DELAY_REASONS},
        "Choose why the interview is late.",
        validators=[],  # required only when late: validate_delay_reason
    )
    delay_note = TextArea(
        "About the delay",
        description="What happened, in a sentence or two.",
        validators=[too_long(NOTE_MAX)],
        render_kw=checked_writing(),
    )

    def __init__(self, *args: Any, late: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.late = late

    def validate_delay_reason(self, field: ChoiceField) -> None:
        if self.late and not field.data:
            raise ValidationError("Choose why the interview is late.")

    def validate_delay_note(self, field: TextArea) -> None:
        if self.late and not (field.data or "").strip():
            raise ValidationError("Write what happened, in a sentence or two.")


# Missing and found notifications, and allocation -------------------------------------------

PLACE_MAX = 200
NAME_MAX = 120
REFERENCE_MAX = 60


def _text(label: str, limit: int, required: str | None = None, **kwargs: Any) -> StringField:
    validators: list[Any] = [DataRequired(required)] if required else [Optional()]
    return StringField(label, validators=[*validators, too_long(limit)], **kwargs)


def _optional_when(label: str, **kwargs: Any) -> LocalDateTimeField:
    return LocalDateTimeField(label, validators=[Optional(), RecentPast()], **kwargs)


class NotificationForm(Form):
    """A missing notification: when and where the child went missing, who told us, the police's
    reference and risk grade, and the statutory type. The risk grades are the council's list
    (`RHI_RISK_GRADES`), given by the view, with "not graded" for episodes the police have not
    graded (most children who go missing are never reported to the police)."""

    started_at = _when("Missing since")
    reported_at = _optional_when("Reported missing at")
    reported_by = ChoiceField("Who reported it", REPORTERS, "Choose who reported it.")
    reported_to_police = RadioField(
        "Reported to the police?",
        choices=[("yes", "Yes"), ("no", "No"), ("not_known", "Not known")],
        validators=[InputRequired("Choose whether it was reported to the police.")],
    )
    police_reference = _text("Police reference (optional)", REFERENCE_MAX)
    missing_from = _text(
        "Missing from",
        PLACE_MAX,
        "Write where the child went missing from.",
        description="The place: home, placement, school, or where they were last seen.",
    )
    risk_grade = ChoiceField("Police risk grade", {}, "Choose the police risk grade.")
    dfe_type = RadioField(
        "Type (for the statutory return)",
        choices=list(DFE_TYPES.items()),
        default="M",
        validators=[InputRequired("Choose missing or away from placement.")],
    )

    # A time away told of after it ended (a late notification): recorded with its return at
    # once, rather than as missing now (rhi/episodes/overlaps.py refuses an open one begun
    # before a time away the child is back from since). Offered on a new episode only.
    came_back_at = _optional_when(
        "Came back at (only if they are already back)",
        description="For a time away you are told of after it ended.",
    )
    came_back_how = ChoiceField(
        "How they came back (only if they are already back)",
        RETURN_METHODS,
        "Choose how they came back.",
        validators=[Optional()],
    )
    # The child's legal status as it was for this return, corrected on an episode's own form
    # once the child is back (not offered on a new one, which takes the child's, nor while they
    # are missing, when it follows the child's record): the statutory return counts it, and a
    # change to the child's record reaches only returns still open (rhi/episodes/legal_status.py),
    # so a closed return's wrong status could not be put right.
    legal_status = ChoiceField(
        "Their legal status then (for the statutory return)",
        LEGAL_STATUSES,
        "Choose their legal status then.",
        validators=[Optional()],
        description="As it was when they went missing. A change to the child's record reaches "
        "only open returns whose status was not known.",
    )

    def __init__(self, *args: Any, risk_grades: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.risk_grade.choices = with_placeholder([(g, g) for g in (*risk_grades, NOT_GRADED)])
        # A new time away told of late says how they came back; a correction keeps the
        # return's own (an import may have given none).
        self.how_required = True

    def validate_reported_at(self, field: LocalDateTimeField) -> None:
        start = self.started_at.data
        if field.data is not None and start is not None and field.data < start:
            raise ValidationError(
                "This is before the time the child went missing. Check both times."
            )

    def validate_came_back_at(self, field: LocalDateTimeField) -> None:
        start = self.started_at.data
        if field.data is not None and start is not None and field.data < start:
            raise ValidationError("This is before the time the child went missing. Check both.")

    def validate(self, extra_validators: Any = None) -> bool:
        """Both of "already back" or neither: each box says what the other lacks (checked
        after the fields, as each is Optional and checks nothing when empty)."""
        valid = super().validate(extra_validators)
        typed = bool(self.came_back_at.raw_data and self.came_back_at.raw_data[0].strip())
        if typed and not self.came_back_how.data and self.how_required:
            self.came_back_how.errors = [*self.came_back_how.errors, "Choose how they came back."]
            return False
        if self.came_back_how.data and not typed:
            self.came_back_at.errors = [
                *self.came_back_at.errors,
                "Enter when they came back, or leave how they came back unchosen.",
            ]
            return False
        return valid


class ReturnForm(Form):
    """The found notification: when and how the child came back, and the police's safe and
    well check. `started_at` (local time) is the episode's start, set by the view."""

    returned_at = _when("Returned at")
    found_where = _text("Found where (optional)", PLACE_MAX)
    found_by = _text("Found by (optional)", NAME_MAX)
    return_method = ChoiceField("How the child came back", RETURN_METHODS, "Choose how.")
    safe_and_well_by = _text("Safe and well check done by (optional)", NAME_MAX)
    safe_and_well_at = _optional_when("When the check was done (optional)")
    safe_and_well_notes = TextArea(
        "What the check found (optional)",
        validators=[Optional(), too_long(NOTE_MAX)],
        render_kw=checked_writing(),
    )
    safe_and_well_new = TextArea(
        "Anything new the child told us (optional)",
        description="Something the child said that was not known before they went missing.",
        validators=[Optional(), too_long(NOTE_MAX)],
        render_kw=checked_writing(),
    )

    def __init__(self, *args: Any, started_at: datetime | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.started_local = started_at

    def validate_returned_at(self, field: LocalDateTimeField) -> None:
        if field.data is not None and self.started_local and field.data < self.started_local:
            raise ValidationError(
                "This is before the child went missing "
                f"({self.started_local:%d/%m/%Y %H:%M}). Check the date and time."
            )

    def validate_safe_and_well_at(self, field: LocalDateTimeField) -> None:
        back = self.returned_at.data
        if field.data is not None and back is not None and field.data < back:
            raise ValidationError("The check is done after the child is back. Check the time.")


class AllocateForm(Form):
    """Allocate a return to a worker or a team (`to` is "worker:ID" or "team:ID", from the
    choices the view gives). A reallocation needs a reason: the workers it concerns read it."""

    to = RadioField("Allocate to", validators=[InputRequired("Choose a worker or a team.")])
    reason = TextArea(
        "Reason for the change",
        description="Needed when the return is moved from someone. The workers concerned see it.",
        validators=[Optional(), too_long(NOTE_MAX)],
        render_kw=checked_writing(),
    )

    def __init__(self, *args: Any, targets: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.to.choices = targets
