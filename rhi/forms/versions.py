"""Forms on the page where a worker chooses between the server's version of an interview and a
version sent from a tablet (rhi/sync/versions.py).

The choosing form has one group of fields per part that differs, so its class is made per page
by `versions_form()`. Field names carry the field's dotted path ("choice:sections.away.text",
"merged:sections.away.text", "add:places.p1"), so a choice posted for one version of the page
still lands on the same field when the page is shown again; element ids carry the tablet
version's id, so two versions on one page never share an id.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from wtforms import BooleanField, HiddenField, RadioField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from rhi.forms.base import Form
from rhi.forms.fields import TextArea, checked_writing
from rhi.interviews.content import MAX_TEXT

TEXT_CHOICES = [
    ("both", "Keep both"),
    ("server", "Keep the server's"),
    ("tablet", "Keep the tablet's"),
]
ADD_CHOICES = [("add", "Add it"), ("leave", "Leave it out")]
CHOOSE_ONE = "Choose which to keep."
TOO_LONG = f"This is too long to save (the most is {MAX_TEXT:,} characters)."
# An addendum holds every word the tablet had for the fields that differ: allow a whole
# interview's worth (the request size limit still applies).
ADDENDUM_MAX = 400_000


class Differing(Protocol):
    path: str
    title: str
    kind: str  # "text", "flag", "choice" or "when"

    def shown(self, side: str) -> str: ...


class Added(Protocol):
    key: str  # "places.<id>"
    title: str


def choice_name(path: str) -> str:
    return f"choice:{path}"


def merged_name(path: str) -> str:
    return f"merged:{path}"


def add_name(key: str) -> str:
    return f"add:{key}"


def element_id(prefix: str, name: str) -> str:
    """An id safe in HTML and CSS selectors: "v12-choice-sections-away-text"."""
    return prefix + name.replace(":", "-").replace(".", "-")


class VersionsForm(Form):
    """Field by field: which version to keep. `version` is the server's version the page showed;
    if the server's copy moves on before the worker saves, nothing is applied."""

    version = HiddenField(validators=[InputRequired()])

    def choice(self, path: str) -> RadioField:
        return self[choice_name(path)]

    def merged(self, path: str) -> TextArea | None:
        return self._fields.get(merged_name(path))

    def addition(self, key: str) -> RadioField:
        return self[add_name(key)]


def versions_form(
    fields: Iterable[Differing],
    additions: Iterable[Added],
    *,
    id_prefix: str,
    version: int,
    formdata: Any = None,
) -> VersionsForm:
    """The choosing form for one tablet version. `formdata=None` shows the defaults: "Keep both"
    for text, so no words are dropped unless the worker chooses; the server's for the rest."""
    attrs: dict[str, Any] = {}
    for d in fields:
        name = choice_name(d.path)
        if d.kind == "text":
            attrs[name] = RadioField(
                d.title,
                choices=TEXT_CHOICES,
                default="both",
                id=element_id(id_prefix, name),
                invalid_choice_message=CHOOSE_ONE,
            )
            merged = merged_name(d.path)
            attrs[merged] = TextArea(
                "Or write it together",
                id=element_id(id_prefix, merged),
                description="If you write here, this is what is kept for this part.",
                validators=[
                    Optional(strip_whitespace=False),
                    Length(max=MAX_TEXT, message=TOO_LONG),
                ],
                render_kw=checked_writing(),
            )
        else:
            attrs[name] = RadioField(
                d.title,
                choices=[
                    ("server", f"Keep the server's: {d.shown('server')}"),
                    ("tablet", f"Keep the tablet's: {d.shown('tablet')}"),
                ],
                default="server",
                id=element_id(id_prefix, name),
                invalid_choice_message=CHOOSE_ONE,
            )
    for a in additions:
        name = add_name(a.key)
        attrs[name] = RadioField(
            a.title,
            choices=ADD_CHOICES,
            default="add",
            id=element_id(id_prefix, name),
            invalid_choice_message="Choose whether to add it.",
        )
    form_class = type("ChosenVersionsForm", (VersionsForm,), attrs)
    form = form_class(formdata=formdata)
    if formdata is None:
        form.version.data = str(version)
    return form


class KeepServerForm(Form):
    """The whole-page shortcut. It drops the tablet's words from the interview (the tablet's
    copy itself stays in the record of what was sent), so it asks for a tick first."""

    confirm = BooleanField(
        "I understand that the tablet's words in this version will not be added to the interview",
        validators=[DataRequired("Tick the box to confirm, or choose part by part above.")],
    )


class TabletAddendumForm(Form):
    """A finished interview is not changed: the tablet's words are added as an addendum."""

    text = TextArea(
        "The tablet's words, to add as an addendum",
        description="Everything the tablet had that differs is here. You can tidy it first.",
        validators=[
            DataRequired(
                "There is nothing to add. Write the words to add, or keep only "
                "the server's version below."
            ),
            Length(max=ADDENDUM_MAX, message="This is too long to add in one go."),
        ],
        render_kw=checked_writing(),
    )
