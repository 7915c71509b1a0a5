"""Forms for managing users and teams."""

from __future__ import annotations

from typing import Any

from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from rhi.forms.base import Form
from rhi.forms.fields import too_long
from rhi.models import Role
from rhi.passwords import password_problem

ROLE_CHOICES = [(r.value, r.label) for r in Role]


def _strong_password(form: Any, field: PasswordField) -> None:
    # The name and email typed on the same form: the new user's own.
    about = (form.email.data or "", form.name.data or "")
    problem = password_problem(field.data or "", about, theirs=True)
    if problem:
        raise ValidationError(problem)


class UserForm(Form):
    name = StringField(
        "Full name", validators=[DataRequired("Enter the person's name."), too_long(120)]
    )
    email = EmailField(
        "Email address",
        validators=[
            DataRequired("Enter an email address."),
            Email("Enter an email address like name@example.org.", check_deliverability=False),
            too_long(254),
        ],
    )
    role = SelectField("Role", choices=ROLE_CHOICES)
    team_id = SelectField("Team", coerce=int, choices=[])
    password = PasswordField(
        "First password",
        validators=[DataRequired("Enter a password."), _strong_password],
        description="At least 12 characters. They can change it later: Change password, beside "
        "Sign out.",
        render_kw={"autocomplete": "new-password"},
    )


class UserRoleForm(Form):
    role = SelectField("Role", choices=ROLE_CHOICES)
    team_id = SelectField("Team", coerce=int, choices=[])


class TeamForm(Form):
    # Its own id: "name" is the new user's name, in the form beside it on the same page (an
    # accessibility probe: the label and the error link put focus in "Full name").
    name = StringField(
        "Team name",
        validators=[DataRequired("Enter a name for the team."), too_long(120)],
        id="team_name",
    )


class ConfirmForm(Form):
    """A form with only its CSRF token, for one-button actions."""


def _whole_number(minimum: int, maximum: int, unit: str):
    """A whole number in range, said in words next to the field; what was typed is kept."""

    def check(_form: object, field: StringField) -> None:
        raw = (field.data or "").strip()
        if not raw.isdigit() or not minimum <= int(raw) <= maximum:
            raise ValidationError(f"Enter a whole number of {unit} from {minimum} to {maximum}.")

    return check


class SettingsForm(Form):
    """The settings a council changes (rhi/settings.py names and explains each). A field whose
    setting this app does not have is removed by the view."""

    deadline_hours = StringField(validators=[_whole_number(1, 168, "hours")])
    repeat_episodes = StringField(validators=[_whole_number(2, 50, "episodes")])
    repeat_days = StringField(validators=[_whole_number(1, 365, "days")])
    long_episode_hours = StringField(validators=[_whole_number(1, 720, "hours")])
    reoffer_days = StringField(validators=[_whole_number(1, 90, "days")])
    interview_name = StringField(
        validators=[
            DataRequired("Enter what the interview is called here."),
            Length(max=60, message="Use at most 60 characters."),
        ]
    )
    duty_inbox = SelectField(choices=[])


# Each setting's field on SettingsForm.
SETTING_FIELDS = {
    "RHI_DEADLINE_HOURS": "deadline_hours",
    "RHI_REPEAT_EPISODES": "repeat_episodes",
    "RHI_REPEAT_DAYS": "repeat_days",
    "RHI_LONG_EPISODE_HOURS": "long_episode_hours",
    "RHI_REOFFER_DAYS": "reoffer_days",
    "RHI_INTERVIEW_NAME": "interview_name",
    "RHI_DUTY_INBOX": "duty_inbox",
}


class HandOverForm(Form):
    to_id = SelectField("Hand over to", coerce=int, choices=[])
