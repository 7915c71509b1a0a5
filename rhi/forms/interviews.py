"""Forms on the interview pages that are more than one autosaved field."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, InputRequired
from wtforms.widgets import CheckboxInput, ListWidget

from rhi.forms.base import Form
from rhi.forms.fields import (
    LocalDateField,
    TextArea,
    checked_writing,
    too_long,
    with_placeholder,
)
from rhi.interviews.content import RECIPIENTS, SHARED_PARTS
from rhi.language import QUOTE_THE_CHILD
from rhi.sharing import CHILD_TOLD


class MultiCheckboxField(SelectMultipleField):
    """Several choices, each a checkbox (drawn by macros/forms.html as a fieldset)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class DecisionForm(Form):
    """A safeguarding decision to share without the child's agreement. What is shared, who may
    decide and the kept-back items are checked again by rhi/interviews/decisions.py, which names
    the field of any problem."""

    # Starts at "Choose one": a list sends what it shows, and a decision to share without the
    # child's agreement was recorded for the social worker when the list was left alone (a
    # review). rhi/interviews/decisions.py refuses no choice, beside the field.
    recipient = SelectField(
        "Share with", choices=with_placeholder(list(RECIPIENTS.items())), validate_choice=False
    )
    # The choices are checked by rhi/interviews/decisions.py, in words a worker can act on.
    parts = MultiCheckboxField(
        "What will be shared",
        # The rule is rhi/sharing.py's (rule 5); rhi/interviews/decisions.py refuses with it.
        description="Parents and carers are never given places and people or the worker's "
        "analysis.",
        choices=list(SHARED_PARTS.items()),
        validate_choice=False,
    )
    releases = MultiCheckboxField(
        "Things the child asked us not to pass on that must be shared",
        description="Only what the risk makes necessary. Anything not ticked stays private.",
        choices=[],
        validate_choice=False,
    )
    reason = TextArea(
        "Why the information must be shared without the child's agreement",
        validators=[too_long(4000)],
        render_kw=checked_writing(),
    )
    decider = SelectField(
        "Who decided",
        description="A manager who works with the child, or the child's social worker. "
        "They are asked to confirm the decision in rhi.",
        choices=[],
        validate_choice=False,  # rhi/interviews/decisions.py says why a person cannot decide
    )
    child_told = RadioField(
        "Was the child told?",
        choices=list(CHILD_TOLD.items()),
        validate_choice=False,  # rhi/interviews/decisions.py says what is missing
    )
    child_told_how = StringField(
        "How they were told, or when they will be",
        validators=[too_long(300)],
        render_kw=checked_writing(),
    )
    child_said = TextArea(
        "What the child said",
        description=QUOTE_THE_CHILD,
        validators=[too_long(4000)],
        render_kw=checked_writing(),
    )
    urgent = BooleanField("Urgent: share now, before the decision is confirmed")
    urgent_reason = TextArea(
        "Why it cannot wait for confirmation",
        validators=[too_long(2000)],
        render_kw=checked_writing(),
    )


# An addendum with no part stays with the interviewer's side (rhi/sharing.py rule 8).
INTERVIEWERS_SIDE_ONLY = ""


class AddendumForm(Form):
    text = TextArea(
        "Add a correction or later note",
        validators=[DataRequired("Write the correction or note."), too_long(20_000)],
        render_kw=checked_writing(),
    )
    part = RadioField(
        "Which part of the interview it belongs to",
        description=(
            "It goes to whoever may read that part: those the child agreed could, and anyone a "
            "safeguarding decision in force shares it with. It was not read back to the child."
        ),
        choices=[
            (INTERVIEWERS_SIDE_ONLY, "None: only you and your team's managers read it"),
            *SHARED_PARTS.items(),
        ],
        default=INTERVIEWERS_SIDE_ONLY,
    )
    # Drawn only when the words name someone or somewhere the child asked to keep between them
    # and the worker, whose readers' copies do not hold them (rhi/interviews/private_mentions.py).
    names_checked = BooleanField(
        "Add it all the same: I have checked who it names and who will read it"
    )


class DeclineForm(Form):
    """The named decider says a safeguarding decision is not to stand (rhi/interviews/decisions.py
    `decline`)."""

    reason = TextArea(
        "Why it is not to stand",
        description="For example: it is not the decision you made, or sharing is not needed.",
        validators=[DataRequired("Write why it is not to stand."), too_long(2000)],
        render_kw=checked_writing(),
    )


class AskInsteadForm(Form):
    """Someone else to confirm or decline a safeguarding decision whose named decider can no
    longer decide for the child (rhi/interviews/decisions.py `ask_instead`)."""

    decider = SelectField(
        "Who is to confirm or decline it now",
        description="A manager who works with the child, or the child's social worker.",
        choices=[],
        validate_choice=False,  # rhi/interviews/decisions.py says why a person cannot decide
    )


class ConsentChangeForm(Form):
    """The child takes back their agreement to share, after finishing
    (rhi/interviews/consent_changes.py checks what it may change, naming the field)."""

    recipient = SelectField(
        "Who they no longer agree to share with",
        choices=with_placeholder(list(RECIPIENTS.items())),
        validate_choice=False,
        id="change_recipient",
    )
    keep = MultiCheckboxField(
        "What they still agree to share with them",
        description="Leave ticked only what they still agree to. None ticked: nothing.",
        choices=list(SHARED_PARTS.items()),
        validate_choice=False,
        id="change_keep",
    )
    said_on = LocalDateField(
        "When they said so",
        validators=[InputRequired("Enter the day they said so.")],
        description="For example, 30/11/2026.",
        id="change_said_on",
    )
    words = TextArea(
        "What they said, in their words",
        validators=[too_long(2000)],
        id="change_words",
    )
