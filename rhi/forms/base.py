"""The base of every rhi form.

The forms a request makes are kept for the rest of it, so that whatever page is sent back with
errors says so at its top, with a link to each field (base.html, `sent_back_errors`) and "Error:"
in its title: every page, not only those that remembered to pass their forms' errors."""

from __future__ import annotations

from typing import Any

from flask import g, has_request_context
from flask_wtf import FlaskForm

from rhi.forms.fields import field_errors


def _without_nul(value: Any) -> Any:
    """A NUL character (pasted in with text from some programs) is dropped: PostgreSQL cannot
    hold one in text, and the save failed whole, losing the words typed with it."""
    return value.replace("\x00", "") if isinstance(value, str) else value


class Form(FlaskForm):
    class Meta:
        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
            # A new tuple each time: the field's own definition is shared by every form made.
            filters = (*unbound_field.kwargs.get("filters", ()), _without_nul)
            return unbound_field.bind(form=form, filters=filters, **options)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Every form made for the request: its errors are read when the page is drawn, so an
        # error a view adds after validating (an email already in use) is listed too.
        if has_request_context():
            g.setdefault("forms_made", []).append(self)


def sent_back_errors() -> list[tuple[str, str, list[str]]]:
    """Each field in error of the forms this request made (field_errors' shape)."""
    if not has_request_context():
        return []
    return field_errors(*g.get("forms_made", []))
