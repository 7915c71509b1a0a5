from wtforms import EmailField, HiddenField, PasswordField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from rhi.forms.base import Form
from rhi.forms.fields import too_long
from rhi.passwords import MIN_LENGTH, MOST_LENGTH, password_problem


class SignInForm(Form):
    email = EmailField(
        "Email address",
        validators=[
            DataRequired("Enter your email address."),
            Email("Enter an email address like name@example.org.", check_deliverability=False),
            too_long(254),
        ],
        render_kw={"autocomplete": "username", "spellcheck": "false", "autocapitalize": "none"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired("Enter your password."), too_long(1024)],
        render_kw={"autocomplete": "current-password"},
    )
    # The page the person asked for before signing in (Flask-Login's ?next=), carried through
    # the form; rhi/auth/views.py decides whether it is one of rhi's own pages.
    next = HiddenField()


def _not_refused(form: object, field: PasswordField) -> None:
    """The rest of password_problem (often-guessed passwords, spaces at the ends, the person's
    own name or email: the view sets the form's `about`); the length has its own message from
    Length, said once (a password too long was told so twice, rev38b)."""
    if field.errors or not MIN_LENGTH <= len(field.data or "") <= MOST_LENGTH:
        return
    problem = password_problem(field.data or "", getattr(form, "about", ()))
    if problem:
        raise ValidationError(problem)


def _new_password(label: str) -> PasswordField:
    return PasswordField(
        label,
        description=f"At least {MIN_LENGTH} characters. A few unrelated words are easy to "
        "remember and hard to guess.",
        validators=[
            DataRequired("Enter a new password."),
            Length(min=MIN_LENGTH, message=f"Use at least {MIN_LENGTH} characters."),
            too_long(MOST_LENGTH),
            _not_refused,
        ],
        render_kw={"autocomplete": "new-password"},
    )


class NewPasswordForm(Form):
    """Setting a password from a one-time link. The view sets `about` (the person's name and
    email address) before validating."""

    about: tuple[str, ...] = ()

    password = _new_password("New password")
    again = PasswordField(
        "The new password again",
        validators=[
            DataRequired("Enter the new password again."),
            EqualTo("password", "The two passwords are not the same."),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField(
        "Your current password",
        validators=[DataRequired("Enter your current password."), too_long(1024)],
        render_kw={"autocomplete": "current-password"},
    )
