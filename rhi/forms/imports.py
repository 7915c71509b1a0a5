"""Forms for importing police notifications, and for service tokens (administrators)."""

from __future__ import annotations

from typing import Any

from flask_wtf.file import FileField, FileRequired
from wtforms import RadioField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired

from rhi.episodes.imports_csv import COLUMNS, doubled_columns
from rhi.forms.base import Form
from rhi.forms.fields import too_long

NOT_IN_FILE = ""


class UploadForm(Form):
    file = FileField(
        "The police's notifications file (CSV)",
        description="The daily export, as it came. UTF-8 or Windows-1252 (as Excel saves it).",
        validators=[FileRequired("Choose the file to import.")],
    )
    mapping_id = SelectField(
        "Columns",
        coerce=int,
        choices=[],
        description="A saved set of columns reads the file at once; otherwise rhi guesses "
        "from the headers and asks you to confirm.",
    )


class ColumnsForm(Form):
    """One choice per detail: which of the file's columns holds it. Fields are added per file
    (`columns_form`), so each gets its own label and error."""

    name = StringField(
        "Save these columns as",
        description="For example “Police daily export”. Next time, choose it when uploading.",
        validators=[DataRequired("Name these columns, to use them again."), too_long(80)],
    )

    def validate(self, extra_validators: Any = None) -> bool:
        """Each choice, and one column for each detail: a column chosen for two is refused
        beside each of them (`doubled_words`)."""
        valid = super().validate(extra_validators)
        chosen = {name: getattr(self, f"col_{name}").data for name in COLUMNS}
        for name, others in doubled_columns(chosen).items():
            select = getattr(self, f"col_{name}")
            select.errors = [*select.errors, doubled_words(chosen[name], others)]
            valid = False
        return valid


def doubled_words(header: str, others: list[str]) -> str:
    """Beside a detail whose column another detail reads too, naming the other."""
    named = " and ".join(COLUMNS[other].label for other in others)
    return (
        f"“{header}” is chosen for {named} too. One column can hold one detail only: choose "
        "the column with this one, or “Not in this file”."
    )


def columns_form(headers: list[str], **kwargs: Any) -> ColumnsForm:
    """A ColumnsForm with a select for each detail, offering the file's headers."""

    class Form(ColumnsForm):
        pass

    choices = [(NOT_IN_FILE, "Not in this file"), *((h, h) for h in headers if h)]
    for name, column in COLUMNS.items():
        label = column.label + ("" if column.required else " (optional)")
        validators = [InputRequired(f"Choose the column with the {column.label.lower()}.")]
        setattr(
            Form,
            f"col_{name}",
            SelectField(label, choices=choices, validators=validators if column.required else []),
        )
    return Form(**kwargs)


class ConfirmForm(Form):
    """A button that changes something: the CSRF token only."""


class DecisionForm(Form):
    decision = RadioField(
        "Is this the same child?",
        choices=[
            ("same_child", "Yes, the same child: add the episode to their record"),
            (
                "already_recorded",
                "Yes, the same child, and rhi already holds this time away: add nothing",
            ),
            ("new_child", "No, a different child: add a new child"),
        ],
        validators=[InputRequired("Choose whether it is the same child.")],
    )


class TokenForm(Form):
    name = StringField(
        "What uses it",
        description="For example “West Yorkshire Police case system”.",
        validators=[DataRequired("Name the system that will use the token."), too_long(120)],
    )
    team_id = SelectField(
        "Team that keeps children new to rhi",
        coerce=int,
        choices=[],
        validators=[InputRequired("Choose the team.")],
    )
