"""Template filters and globals: one place for how dates, names and labels are shown."""

from __future__ import annotations

from datetime import date

from flask import Flask

from rhi import access, ethnicity
from rhi.models.base import utcnow
from rhi.models.children import age_on
from rhi.models.episodes import DFE_TYPES
from rhi.models.interviews import CONTACT_METHODS, CONTACT_OUTCOMES, InterviewStatus
from rhi.models.people import Role
from rhi.timefmt import format_date, format_datetime, local_input_value, to_local


def age(dob: date) -> int:
    return age_on(dob, to_local(utcnow()).date())


def register(app: Flask) -> None:
    app.jinja_env.filters.update(
        datetime=format_datetime,
        date=format_date,
        local_input=local_input_value,
        ethnicity=ethnicity.label,
        dfe_ethnicity=ethnicity.dfe_code,
        method=lambda k: CONTACT_METHODS.get(k, k),
        outcome=lambda k: CONTACT_OUTCOMES.get(k, k),
        dfe_type=lambda k: DFE_TYPES.get(k, k),
        status_label=lambda s: InterviewStatus(s).label,
        age=age,
    )
    # Templates ask the same questions as the views, of the one module that answers them.
    app.jinja_env.globals.update(Role=Role, access=access)
