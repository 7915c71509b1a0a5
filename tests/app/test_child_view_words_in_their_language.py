"""A probe (the child's view with Arabic, Polish or Somali set): English left in the child's view
and letter while their language is set, and the worker's own notes shown to the child.

Each page is parsed as the child's view shows it (tests/app/test_child_view.py `ChildSees`:
everything outside the parts marked data-worker-only). What the child reads is in their language
too, or, where it is the worker's, hidden from the child and still shown to the worker:

- the analysis ("What happens next" with nothing under it) and the findings say, in the child's
  language too, that the page is for the worker; the heading stays the worker's;
- "Draft translation, not yet checked by a qualified translator." is said in the child's
  language too, on the start page, the read-back and the letter (page and PDF);
- "No Arabic voice on this tablet" on "Read aloud" is said in Arabic too;
- a save's status under the child's own boxes ("Saved 09:47") is the worker's;
- the panel any other page shows is given "This page is for your worker." in their language;
- "rhi has no questions in Urdu yet ..." is the worker's note.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from rhi.extensions import db
from rhi.models import Child
from rhi.prompts.languages import STATUSES
from tests.app.helpers import autosave, prepared_file, start, store
from tests.app.test_child_view import child_sees
from tests.app.test_read_back_language import pdf_words, shared_document

DRAFT = STATUSES["draft"] + "."
DRAFT_PL = "Wersja robocza tłumaczenia, jeszcze niesprawdzona przez wykwalifikowanego tłumacza."
DRAFT_AR = "ترجمة أولية، لم يراجعها مترجم مؤهل بعد."
FOR_WORKER = "This page is for your worker."
FOR_WORKER_PL = "Ta strona jest dla osoby, która z tobą pracuje."
FOR_WORKER_AR = "هذه الصفحة للشخص الذي يعمل معك."


def speaks(app, world, language: str) -> None:
    with app.app_context():
        db.session.get(Child, world.children["a"]).first_language = language
        db.session.commit()


def flat(text: str) -> str:
    return " ".join(text.split())


def shown(web, uuid: str, page_id: str) -> tuple[str, str]:
    """The page's HTML (the worker's view: all of it) and the text of the child's view."""
    response = web.get(f"/interviews/{uuid}/{page_id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return html, child_sees(html)


class _Inside(HTMLParser):
    """Whether the element with `element_id` is inside a part marked data-worker-only."""

    VOID = frozenset({"br", "hr", "img", "input", "link", "meta", "source", "wbr"})

    def __init__(self, element_id: str) -> None:
        super().__init__()
        self.element_id = element_id
        self.stack: list[tuple[str, bool]] = []
        self.worker_only: bool | None = None  # None: not on the page

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        hidden = "data-worker-only" in a
        if a.get("id") == self.element_id:
            self.worker_only = hidden or any(h for _, h in self.stack)
        if tag not in self.VOID:
            self.stack.append((tag, hidden))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return


def worker_only(html: str, element_id: str) -> bool:
    parser = _Inside(element_id)
    parser.feed(html)
    assert parser.worker_only is not None, f"no #{element_id} on the page"
    return parser.worker_only


# ---- 1. the analysis: the worker's page, and the child is told so ----------------------------


def test_the_analysis_tells_the_child_it_is_for_their_worker_in_their_language(app, web, world):
    speaks(app, world, "Polish")
    uuid = start(web, world)
    for page_id in ("analysis", "findings"):
        html, seen = shown(web, uuid, page_id)
        assert FOR_WORKER in seen and FOR_WORKER_PL in seen, page_id
        assert f'<p class="child-line" lang="pl" dir="ltr">{FOR_WORKER_PL}</p>' in html
    html, seen = shown(web, uuid, "analysis")
    # Not promised "what happens next" with nothing under it; the worker keeps the heading.
    assert "What happens next" not in seen
    assert '<h2 class="child-title">What happens next</h2>' in html
    # The child's own parts keep their heading in the child's view, in Polish too.
    html, seen = shown(web, uuid, "away")
    assert "While you were away" in seen and FOR_WORKER not in seen


def test_an_english_speakers_analysis_says_it_is_for_their_worker_in_english(app, web, world):
    uuid = start(web, world)
    _, seen = shown(web, uuid, "analysis")
    assert FOR_WORKER in seen and "What happens next" not in seen


# ---- 2. the draft: said in the child's language, on every page and in the letter -------------


def test_the_draft_notice_is_in_the_childs_language_on_the_start_page_and_read_back(
    app, web, world
):
    speaks(app, world, "Arabic")
    uuid = start(web, world)
    store(app, uuid, shared_document())
    for page_id in ("start", "read_back"):
        html, seen = shown(web, uuid, page_id)
        # The worker's English is there as it was; the child reads it in Arabic after it.
        assert f"(Arabic): {DRAFT}" in flat(html), page_id
        assert f'<span class="label-theirs" lang="ar" dir="rtl">{DRAFT_AR}</span>' in html
        assert DRAFT_AR in seen, page_id


def test_the_letter_says_it_is_a_draft_translation_in_the_childs_language(app, web, world):
    speaks(app, world, "Polish")
    uuid = start(web, world)
    store(app, uuid, shared_document())
    page = flat(web.get(f"/interviews/{uuid}/child-copy").get_data(as_text=True))
    assert f"Polski</span> (Polish): {DRAFT}" in page and DRAFT_PL in page
    data = prepared_file(
        web, f"/interviews/{uuid}/child-copy.pdf", f"/interviews/{uuid}/child-copy"
    )
    pdf = pdf_words(data.data)
    assert DRAFT_PL in pdf and DRAFT in pdf


# ---- 3. "Read aloud" with no voice for the child's language -----------------------------------


def test_no_voice_for_their_language_is_said_in_their_language(app, web, world):
    speaks(app, world, "Arabic")
    uuid = start(web, world)
    html, _ = shown(web, uuid, "start")
    label = re.search(r"<span data-no-voice-label hidden>(.*?)</span></span>", html).group(1)
    # The worker's English first, on its line; under it the Arabic.
    assert label == (
        'No Arabic voice on this tablet<br><span class="label-theirs" lang="ar" dir="rtl">'
        "لا يوجد صوت لهذه اللغة على هذا الجهاز اللوحي"
    )


# ---- 4. a save's status under the child's own boxes ------------------------------------------


def test_a_saves_status_under_the_childs_own_box_is_the_workers(app, web, world):
    speaks(app, world, "Polish")
    uuid = start(web, world)
    said = autosave(web, uuid, "child_message", "I want to see my sister", "")
    assert said.status_code == 200
    answer = said.get_data(as_text=True)
    assert re.search(r'<div class="save-meta" id="meta-child_message"', answer)
    assert re.search(r"Saved \d\d:\d\d", answer)  # the worker is told it saved...
    html, seen = shown(web, uuid, "own_words")
    # ...where the status stands: swapped in whole (its hx-target), inside the worker's part.
    assert 'hx-target="#meta-child_message" hx-swap="outerHTML"' in html
    assert worker_only(html, "meta-child_message")
    assert "I want to see my sister" in seen  # the child still sees their own words
    # The read-back's box for the changes the child asks for, the same.
    store(app, uuid, shared_document())
    html, _ = shown(web, uuid, "read_back")
    assert worker_only(html, "meta-read_back-changes")
    # The worker's view still has it, where each save's answer is put.
    assert '<span class="save-status" role="status"></span>' in flat(html)


# ---- 5. the panel any other page shows in the child's view -----------------------------------


def test_the_way_back_on_any_other_page_says_the_page_is_for_their_worker_in_their_language(
    app, web, world
):
    speaks(app, world, "Arabic")
    uuid = start(web, world)
    html, _ = shown(web, uuid, "own_words")
    # Kept by child-view.js when the child's view begins, for the panel of any other page.
    words = re.search(r"<div hidden data-away-words [^>]*>", html).group(0)
    assert f'data-for-worker="{FOR_WORKER_AR}"' in words
    # The panel: the sentence child-view.js puts the child's words beside, on its own.
    panel = re.search(r'<template id="child-view-away-template">.*?</template>', html, re.S)
    assert f"<p data-away-for-worker>{FOR_WORKER}</p>" in panel.group(0)
    assert "<p data-away-stop>You can stop or take a break at any time.</p>" in panel.group(0)


# ---- 6. a language rhi has no words in -------------------------------------------------------


def test_the_note_that_rhi_has_no_questions_in_their_language_is_the_workers(app, web, world):
    speaks(app, world, "Urdu")
    uuid = start(web, world)
    note = (
        "rhi has no questions in Urdu yet, so they are shown in English. An interpreter can help."
    )
    html, seen = shown(web, uuid, "start")
    assert note in html  # the worker reads it
    assert "rhi has no questions" not in seen  # the child is not told it in English
