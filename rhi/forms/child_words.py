"""The per-child choice of question words (easy-read): which band's words the interview pages
use with this child, whatever their age."""

from __future__ import annotations

from wtforms import SelectField

from rhi.forms.base import Form
from rhi.interviews.child_words import BAND_CHOICES


class ChildWordsForm(Form):
    question_band = SelectField(
        "Questions for this child",
        choices=list(BAND_CHOICES.items()),
        description="Simpler words can suit any child, for example a 15-year-old with a "
        "learning disability. By age, the words follow the child's age on the day.",
    )
