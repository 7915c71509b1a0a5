"""Forms about a summary after it is made: a copy recorded as sent, the social worker's response
("I have read this" and what happens next), their questions to the worker, and the answers."""

from __future__ import annotations

from typing import Any

from wtforms import BooleanField, RadioField, StringField
from wtforms.validators import DataRequired, InputRequired, Optional

from rhi.forms.base import Form
from rhi.forms.fields import (
    ChoiceField,
    LocalDateTimeField,
    RecentPast,
    TextArea,
    checked_writing,
    too_long,
)
from rhi.interviews.content import RECIPIENTS
from rhi.models.summaries import NEXT_STEPS, SENT_WAYS

NOTE_MAX = 2000
SENT_TO_MAX = 200


class SendingForm(Form):
    """A copy that left rhi. Ids start "sent_": the form sits on the interview's review page."""

    recipient = ChoiceField(
        "Which copy", RECIPIENTS, "Choose which copy was sent.", id="sent_recipient"
    )
    sent_to = StringField(
        "Sent to",
        id="sent_to",
        description="Their name, and the organisation or the address it went to.",
        validators=[
            DataRequired("Write who it was sent to: their name and organisation or address."),
            too_long(SENT_TO_MAX),
        ],
    )
    method = ChoiceField("How it was sent", SENT_WAYS, "Choose how it was sent.", id="sent_method")
    sent_at = LocalDateTimeField(
        "When it was sent",
        id="sent_at",
        validators=[InputRequired("Enter the date and time it was sent."), RecentPast()],
    )
    # A copy for someone the child was not told would hear anything needs this tick (its label,
    # in what the child said, and whether it is drawn: rhi/summaries/what_the_child_said.py).
    # Its value is the copy it was shown for: ticked for one copy, it says nothing of another.
    not_told = BooleanField("", id="sent_not_told")

    def ticked_for(self, recipient: str) -> bool:
        return self.not_told.raw_data == [recipient]


class AcknowledgeForm(Form):
    next_step = RadioField(
        "What happens next",
        choices=list(NEXT_STEPS.items()),
        # Nothing chosen, or a value not on the list: the same message (RadioField checks).
        invalid_choice_message="Choose what happens next.",
    )
    note = TextArea(
        "Note",
        description="Needed if you chose \u201cOther\u201d. Optional otherwise.",
        validators=[Optional(), too_long(NOTE_MAX)],
        render_kw=checked_writing(),
    )

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        # Here, not in the note's own validators: Optional() stops them when the note is empty.
        if self.next_step.data == "other" and not (self.note.data or "").strip():
            self.note.errors = [*self.note.errors, "Write what happens next."]
            return False
        return valid


class QuestionForm(Form):
    question = TextArea(
        "Your question",
        validators=[DataRequired("Write your question."), too_long(NOTE_MAX)],
        render_kw=checked_writing(),
    )


class AnswerForm(Form):
    """One per open question on a page: made with prefix="q<id>-", so ids never clash."""

    answer = TextArea(
        "Your answer",
        validators=[DataRequired("Write your answer."), too_long(NOTE_MAX)],
        render_kw=checked_writing(),
    )
    # Drawn only when the answer names someone or tells of something the child asked to keep
    # between them and the worker, which the reader's copy does not hold
    # (rhi/interviews/private_mentions.py in_answer).
    names_checked = BooleanField(
        "Send it all the same: I have checked what it names and that they may read it"
    )
