"""Forms for "Confirm it's you" (rhi/auth/fresh.py): the password, then the second factor's code
for someone who has one. Each carries where to go back to, checked again when it is used."""

from __future__ import annotations

from wtforms import HiddenField, PasswordField
from wtforms.validators import DataRequired

from rhi.forms.base import Form
from rhi.forms.fields import too_long
from rhi.forms.second_factor import SignInCodeForm


class ConfirmPasswordForm(Form):
    password = PasswordField(
        "Your password",
        validators=[DataRequired("Enter your password."), too_long(1024)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()


class ConfirmCodeForm(SignInCodeForm):
    """The code, as at sign-in: from the app, or a recovery code."""

    next = HiddenField()
