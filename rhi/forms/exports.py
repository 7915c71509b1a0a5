"""The statutory exports' choices (rhi/oversight/export_views.py). Read from the query string:
checking and downloading change nothing, so there is no CSRF token to carry."""

from __future__ import annotations

from typing import Any

from wtforms import DateField, IntegerField, RadioField
from wtforms.validators import InputRequired, NumberRange, ValidationError

from rhi.forms.base import Form
from rhi.oversight.exports import BY_YEAR, KINDS, period_problem

# The first collection year offered: rhi holds nothing older.
FIRST_YEAR = 2000


class ExportForm(Form):
    class Meta:
        csrf = False

    export = RadioField(
        "Which export",
        choices=list(KINDS.items()),
        validators=[InputRequired("Choose which export to check.")],
    )
    year = IntegerField(
        "Collection year (for the SSDA903 and Standard Safeguarding Dataset tables)",
        description="The year starting 1 April: 2026 is 1 April 2026 to 31 March 2027.",
    )
    start = DateField("From (for the list for inspectors)", format="%Y-%m-%d")
    end = DateField("To (for the list for inspectors)", format="%Y-%m-%d")

    def __init__(self, *args: Any, last_year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.last_year = last_year

    def validate(self, extra_validators: Any = None) -> bool:
        """Only the fields the chosen export uses are checked: a year for the tables, two
        dates for the list."""
        if not self.export.validate(self):
            return False
        chosen = [self.year] if self.export.data in BY_YEAR else [self.start, self.end]
        valid = True
        for field in chosen:
            # One message in plain words, whether the box was empty or held something else
            # (WTForms' own "Not a valid date value." says neither what nor how).
            field.errors = []
            if field.data is None:
                field.errors.append(f"Enter {_what(field.name)}.")
                valid = False
        if not valid:
            return False
        if self.export.data in BY_YEAR:
            try:
                NumberRange(
                    FIRST_YEAR,
                    self.last_year,
                    f"Choose a collection year from {FIRST_YEAR} to {self.last_year}.",
                )(self, self.year)
            except ValidationError as exc:
                self.year.errors.append(str(exc))
                return False
            return True
        problem = period_problem(self.start.data, self.end.data)
        if problem:
            self.end.errors.append(problem)
            return False
        return True


def _what(name: str) -> str:
    return {
        "year": "the collection year, for example 2026",
        "start": "the first day, for example 2026-04-01",
        "end": "the last day, for example 2026-11-30",
    }[name]
