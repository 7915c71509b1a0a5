"""Forms for managing users and teams."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from rhi.models import Role
from rhi.passwords import password_problem

ROLE_CHOICES = [(r.value, r.label) for r in Role]


def _strong_password(_form: object, field: PasswordField) -> None:
    problem = password_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


class UserForm(FlaskForm):
    name = StringField(
        "Full name", validators=[DataRequired("Enter the person's name."), Length(max=120)]
    )
    email = EmailField(
        "Email address",
        validators=[
            DataRequired("Enter an email address."),
            Email("Enter an email address like name@example.org.", check_deliverability=False),
            Length(max=254),
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


class UserRoleForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES)
    team_id = SelectField("Team", coerce=int, choices=[])


class TeamForm(FlaskForm):
    name = StringField(
        "Team name", validators=[DataRequired("Enter a name for the team."), Length(max=120)]
    )


class ConfirmForm(FlaskForm):
    """A form with only its CSRF token, for one-button actions."""
