"""Template filters and globals: one place for how dates, names and labels are shown."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any

from flask import Flask, has_request_context, request
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket

from rhi import access, ethnicity, plain_text
from rhi.episodes import prepare
from rhi.forms.base import sent_back_errors
from rhi.interviews.pages import PAGES
from rhi.models.base import utcnow
from rhi.models.children import age_on
from rhi.models.episodes import DFE_TYPES
from rhi.models.interviews import ATTEMPT_OUTCOMES, CONTACT_METHODS, status_label
from rhi.models.people import Role
from rhi.naming import interview_name
from rhi.sessions import BACKGROUND_PARAM, background_url
from rhi.shells import Blank, when_words
from rhi.summaries.headings import copy_headings_for
from rhi.summaries.service import signed_in_inbox_news
from rhi.timefmt import format_date, format_datetime, kept_when, local_input_value, to_local


class _ProcessTemplateCode(BytecodeCache):
    """Compiled templates kept in memory for the life of the process, shared by every app made
    in it. A server makes one app, so this changes nothing there; the test suite makes one app
    per test, and compiling the same templates again for each was a fifth of its time. Jinja
    keeps the source's checksum with the code and compiles again when a template changes."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CODE = _ProcessTemplateCode()


def age(dob: date) -> int:
    return age_on(dob, to_local(utcnow()).date())


def sent_alone() -> bool:
    """This request is htmx's: its answer is a part of a page, swapped into the page in place
    (each view sends htmx the part its form replaces), not a whole page."""
    return has_request_context() and bool(getattr(request, "htmx", False))


def interview_page_title(page_id: str) -> str:
    """An interview page's title (interviews/page.html), also said by a part of it sent back
    alone (summaries/_copies.html, on the review page)."""
    return f"Interview: {dict(PAGES)[page_id]}"


def _keeps_blanks(show: Callable[..., Any]) -> Callable[..., Any]:
    """A blank in a shell page (rhi/shells.py) is shown as it is: the tablet fills it."""

    @wraps(show)
    def filter_(value: Any, *args: Any, **kwargs: Any) -> Any:
        return value if isinstance(value, Blank) else show(value, *args, **kwargs)

    return filter_


def register(app: Flask) -> None:
    filters: dict[str, Callable[..., Any]] = {
        "datetime": format_datetime,
        "kept_when": kept_when,  # a time as an interview keeps it, as the pages write a time
        "date": format_date,
        "local_input": local_input_value,
        "ethnicity": ethnicity.label,
        "dfe_ethnicity": ethnicity.dfe_code,
        "method": lambda k: CONTACT_METHODS.get(k, k),
        "outcome": lambda k: ATTEMPT_OUTCOMES.get(k, k),
        "dfe_type": lambda k: DFE_TYPES.get(k, k),
        "status_label": status_label,  # None: "Not yet offered"
        "age": age,
        "sentence": plain_text.as_sentence,  # typed words printed as a sentence of their own
        "background": background_url,  # a request the page sends by itself (rhi/sessions.py)
    }
    app.jinja_env.filters.update({name: _keeps_blanks(f) for name, f in filters.items()})
    app.jinja_env.finalize = plain_text.for_display
    app.jinja_env.bytecode_cache = TEMPLATE_CODE
    # Templates ask the same questions as the views, of the one module that answers them.
    app.jinja_env.globals.update(
        Role=Role,
        access=access,
        prepare_facts=prepare.facts,  # what the worker prepares with (rhi/episodes/prepare.py)
        prepare_blanks=prepare.blanks,
        interview_name=interview_name,
        copy_headings_for=copy_headings_for,  # a copy's headings, on screen as in the PDF
        sent_back_errors=sent_back_errors,  # a page sent back with errors says so (base.html)
        sent_alone=sent_alone,  # ... and a part of one sent back to htmx (macros/forms.html)
        interview_page_title=interview_page_title,
        when_words=when_words,  # the pages' way of writing a time, for the page's scripts
        BACKGROUND_PARAM=BACKGROUND_PARAM,
        inbox_news=signed_in_inbox_news,  # the Inbox link's count, the "For you" box
    )
