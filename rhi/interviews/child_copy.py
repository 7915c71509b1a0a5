"""The child's copy: a short letter in plain words for the child to keep, as a page and a PDF.

What happens next (the actions agreed, in the words the read-back says them in:
read_back.CHILD_ACTIONS), who will know what (the read-back's plain labels, from rhi/sharing.py
through rhi/interviews/read_back.py: labels only, never the child's words, as a letter can be
found by someone else; and never what is kept between the worker and the child), and how to get
help: Childline, Missing People and the worker's name. The PDF is made by WeasyPrint with the
app's locked-down fetcher (rhi/summaries/fetcher.py), as the summaries are, as a download job
(`make_for`, rhi/jobs/downloads.py) so that a render never holds a request.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from flask import render_template

from rhi.interviews import read_back
from rhi.interviews.content import agreed_action, normalise
from rhi.timefmt import Day, to_local

TEMPLATE = "interviews/child_copy_pdf.html"
HELP = (
    ("Childline", "0800 1111", "call free, any time, or chat at childline.org.uk"),
    ("Missing People", "116 000", "call or text, free and private"),
)


@dataclass(frozen=True)
class Letter:
    name: str
    held_on: Day | str  # the day they talked, named in the child's language too ("" unknown)
    worker: str
    worker_contact: str
    next_steps: list[str]  # in the child's words (read_back.CHILD_ACTIONS)
    who_knows: list[tuple[str, list[str]]]  # (who, what: plain labels), or (who, []) for nothing
    # Their last answer to the read-back was that something is not right: the letter says what
    # happens to that (never in their words: a letter can be found by someone else).
    asked_for_changes: bool = False
    help: tuple[tuple[str, str, str], ...] = HELP


def letter_for(interview: Any, child: Any, in_force: Collection[str]) -> Letter:
    content = normalise(interview.content)
    worker = interview.worker
    held = interview.held_at
    who_knows = []
    from rhi.summaries.service import allocated_reader  # who gets the social worker's copy

    own = allocated_reader(interview) is not None
    for recipient in read_back.recipients(content, in_force, own_social_worker=own):
        if not recipient.told_of:
            continue
        labels = list(dict.fromkeys(thing.label for thing in recipient.things))
        who_knows.append((recipient.who, labels))
    return Letter(
        name=str(child.preferred_name or child.first_name),
        held_on=Day(to_local(held).date()) if held else "",
        worker=worker.name if worker else "your worker",
        worker_contact=worker.email if worker else "",
        # Said as the read-back says them (never the worker's kinds: a child was told "Other"
        # will happen), each kind once; only the actions agreed, as every copy and the Actions
        # list hold them (a probe: one added and left blank was promised as "Something else").
        next_steps=read_back.child_action_words(
            [a for a in content["actions"] if agreed_action(a)]
        ),
        who_knows=who_knows,
        asked_for_changes=content["read_back"].get("answer") == "changes",
    )


def render_pdf(letter: Letter, **context: Any) -> bytes:
    """The letter as a PDF; needs an app context (the template and the fetcher's assets).
    `context`: more for the template, as the child's words (`child_words_variants`)."""
    from rhi.summaries.asset_urls import CSS_URL
    from rhi.summaries.pdf import write_pdf

    html = render_template(TEMPLATE, letter=letter, css_url=CSS_URL, **context)
    with _languages_of_parts():
        return write_pdf(html)


# The language of each part, in the PDF's structure. The letter is tagged (PDF/UA-1:
# summaries/pdf.py write_pdf), but WeasyPrint writes only the document's language (the
# catalogue's /Lang, from <html lang>): the lang the template puts on each line in the child's
# language, and on the English under it, is lost, so a screen reader or read-aloud tool reads
# the Arabic with an English voice. Each structure element made for an element with a lang of
# its own is given it as /Lang (which its text inherits), as WCAG's "language of parts" asks of
# a PDF (technique PDF19). WeasyPrint has no way to ask for this, so the function that builds
# the structure tree is wrapped, once; the wrapper acts only while a letter is made in this
# context (a summary being made meanwhile in another thread is left as WeasyPrint makes it).
# If a WeasyPrint to come builds its tree otherwise, the letter is still made, tagged with the
# document's language alone (tests/app/test_child_letter_pdf_language.py then says so).
_tagging_languages: ContextVar[bool] = ContextVar("rhi_letter_languages", default=False)


@contextmanager
def _languages_of_parts() -> Iterator[None]:
    _wrap_weasyprint_tags()
    token = _tagging_languages.set(True)
    try:
        yield
    finally:
        _tagging_languages.reset(token)


def _wrap_weasyprint_tags() -> None:
    import pydyf
    from weasyprint.pdf import tags

    build = getattr(tags, "_build_box_tree", None)
    if build is None or getattr(build, "rhi_languages", False):
        return

    def build_with_languages(box: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
        # The function calls itself through the module, so every level passes here. The
        # elements of <html>, <body> and the pages are their children's, already given theirs.
        own = getattr(box, "_box", box)  # an absolutely placed box's placeholder
        element = getattr(own, "element", None)
        lang = None
        if (
            _tagging_languages.get()
            and hasattr(element, "get")
            and getattr(own, "element_tag", None) not in ("html", "body")
        ):
            lang = element.get("lang") or None
        for made in build(box, *args, **kwargs):
            if lang and "Lang" not in made:
                made["Lang"] = pydyf.String(lang)
            yield made

    build_with_languages.rhi_languages = True  # type: ignore[attr-defined]
    tags._build_box_tree = build_with_languages


def _interview(user: Any, arguments: dict[str, Any]) -> Any:
    """The interview named in the job, if `user` reads it whole (the interviewer's side: the
    letter names who knows what)."""
    from sqlalchemy import select

    from rhi import access
    from rhi.extensions import db
    from rhi.models import Interview

    uuid = arguments.get("uuid")
    if not isinstance(uuid, str):
        return None
    interview = db.session.scalar(
        select(Interview).where(Interview.uuid == uuid, access.interview_filter(user))
    )
    if interview is None or not access.reads_whole_interview(user, interview):
        return None
    return interview


def may_have(user: Any, arguments: dict[str, Any]) -> bool:
    return _interview(user, arguments) is not None


def make_for(user: Any, arguments: dict[str, Any]) -> Any:
    """The `child_letter` download: the letter as a PDF, in the child's language where rhi has
    its words, as on the interview pages."""
    from rhi.interviews import decisions
    from rhi.interviews.child_words import words_for
    from rhi.jobs.downloads import File
    from rhi.models.base import utcnow

    interview = _interview(user, arguments)
    if interview is None:
        raise PermissionError("the interview is not one this person reads whole")
    letter = letter_for(interview, interview.child, decisions.in_force(interview))
    words = words_for(interview.child, to_local(interview.held_at or utcnow()).date())
    return File(
        "rhi-letter.pdf", "application/pdf", render_pdf(letter, child_words_variants=[words])
    )
