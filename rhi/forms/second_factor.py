"""Forms for the second factor: the code at sign-in, switching it on, switching it off."""

from __future__ import annotations

from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from rhi.forms.base import Form
from rhi.forms.fields import too_long


def _code_field(label: str, description: str, message: str) -> StringField:
    return StringField(
        label,
        description=description,
        validators=[DataRequired(message), too_long(40)],
        # one-time-code lets a phone offer the code it just received; no spellcheck or capitals
        # on a code copied from paper.
        render_kw={
            "autocomplete": "one-time-code",
            "spellcheck": "false",
            "autocapitalize": "none",
            "autocorrect": "off",
        },
    )


class SignInCodeForm(Form):
    code = _code_field(
        "Code",
        "The 6-digit code your authenticator app shows now, or one of your recovery codes.",
        "Enter the code from your authenticator app.",
    )


class SetUpForm(Form):
    code = _code_field(
        "Code from the app",
        "After adding the key, your app shows a 6-digit code. Type it here to check the two agree.",
        "Enter the 6-digit code your app shows.",
    )


class TurnOffForm(Form):
    password = PasswordField(
        "Your password",
        validators=[DataRequired("Enter your password."), too_long(1024)],
        render_kw={"autocomplete": "current-password"},
    )
    code = _code_field(
        "Code",
        "The 6-digit code your authenticator app shows now, or one of your recovery codes.",
        "Enter the code from your authenticator app.",
    )
