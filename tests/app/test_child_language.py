"""Issue 17, items 3 and 4: the child's language, the interpreter, easy-read and read-aloud.

An Arabic-speaking child's interview shows the Arabic words (lang="ar", dir="rtl") beside the
English, says the translation is a draft, and offers "Read aloud" in Arabic; a Sylheti speaker's
shows the English and says why. The worker chooses simpler words for a child on the child's
page, and the interview, the shell pages and the tablet's copy follow that choice. An
interpreter recorded on the start page is on the review and on the summary PDF (read back).
"""

from __future__ import annotations

import io
import json
import re
from html import escape
from html.parser import HTMLParser

from pypdf import PdfReader
from sqlalchemy import select

from rhi.extensions import db
from rhi.interviews import child_words
from rhi.models import AuditEvent, Child, Interview
from rhi.models.base import utcnow
from rhi.prompts import load_bank
from rhi.prompts.languages import by_code, catalogue_paths, parse_language
from rhi.summaries.service import render_for
from tests.app.helpers import autosave

ARABIC = by_code("ar")
DRAFT = "Draft translation, not yet checked by a qualified translator"


class _Elements(HTMLParser):
    """Each element with an id: its attributes and its text (the words inside it)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, tuple[dict[str, str], list[str]]] = {}
        self.open: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        attributes = {k: v or "" for k, v in attrs}
        if tag in ("input", "meta", "link", "br", "img"):
            return
        self.open.append(attributes.get("id"))
        if attributes.get("id"):
            self.found[attributes["id"]] = (attributes, [])

    def handle_endtag(self, tag):
        if self.open and tag not in ("input", "meta", "link", "br", "img"):
            self.open.pop()

    def handle_data(self, data):
        for element_id in self.open:
            if element_id:
                self.found[element_id][1].append(data)


def element(html: str, element_id: str) -> tuple[dict[str, str], str]:
    parser = _Elements()
    parser.feed(html)
    attrs, text = parser.found[element_id]
    return attrs, " ".join("".join(text).split())


def set_child(app, world, **values) -> None:
    with app.app_context():
        child = db.session.get(Child, world.children["a"])
        for name, value in values.items():
            setattr(child, name, value)
        db.session.commit()


def page(web, world, page_id: str) -> str:
    response = web.get(f"/interviews/{world.interviews['a']}/{page_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def english(prompt_id: str, band: str) -> str:
    return load_bank().prompt(prompt_id).text_for(band)


def test_an_arabic_speaking_childs_prompts_are_in_arabic_beside_the_english(app, web, world_i):
    set_child(app, world_i, first_language="Arabic")  # Ada is 15: the words for 15 to 17
    web.sign_in(world_i.emails["worker_a"])
    html = page(web, world_i, "away")

    attrs, text = element(html, "prompt-away-1")
    assert (attrs["lang"], attrs["dir"]) == ("ar", "rtl")
    assert text == ARABIC.text("prompts:away-1", "15_to_17")
    assert (
        '<span class="english-words" lang="en" dir="ltr"><span class="english-tag">English:</span> '
        + escape(english("away-1", "15_to_17"))
    ) in html
    assert DRAFT in html
    # The heading the child reads, in Arabic too; rhi's own words for the child in Arabic.
    assert '<span class="title-theirs" lang="ar" dir="rtl">عندما كنت بعيدًا</span>' in html
    assert "اعرض بخط كبير" in html  # "Show large"
    # Read aloud: told the language by the server, hidden until read-aloud.js finds a voice.
    assert (
        '<button type="button" class="button button-secondary read-aloud" '
        'data-read-aloud="prompt-away-1" data-lang="ar" hidden>'
    ) in html
    assert "No Arabic voice on this tablet" in html
    assert "js/read-aloud.js" in html
    assert "data-read-aloud-stop" in html


def test_the_start_page_says_before_we_start_and_stop_at_any_time_in_arabic(app, web, world_i):
    set_child(app, world_i, first_language="Arabic")
    web.sign_in(world_i.emails["worker_a"])
    html = page(web, world_i, "start")
    attrs, text = element(html, "start-stop_any_time")
    assert (attrs["lang"], text) == ("ar", ARABIC.text("before_we_start:stop_any_time", "15_to_17"))
    assert '<p class="stop-note child-line" lang="ar" dir="rtl">' in html
    assert "يمكنك أن تتوقف أو تأخذ استراحة في أي وقت." in html


def test_the_childs_view_speaks_to_them_in_arabic_beside_the_english(app, web, world_i):
    """The feelings faces, the question over them, the child's message, stopping at any time
    and giving the tablet back: rhi's own words the child reads, from the Arabic catalogue."""
    set_child(app, world_i, first_language="Arabic")
    web.sign_in(world_i.emails["worker_a"])
    html = " ".join(page(web, world_i, "own_words").split())
    arabic = ' <span class="label-theirs" lang="ar" dir="rtl">'
    assert f"How are you feeling?{arabic}كيف تشعر؟</span>" in html
    for english, theirs in (("Really bad", "سيئ جدًا"), ("Really good", "جيد جدًا")):
        assert f'<span class="feeling-word">{english}{arabic}{theirs}</span>' in html
    assert f"Give the tablet back{arabic}أعد الجهاز اللوحي</span>" in html
    # Show large's dialog closes in their words too.
    assert f'<button class="button" type="submit">Close{arabic}إغلاق</span></button>' in html
    # The child's own box is named in Arabic inside its label, not in a line beside it (a probe:
    # a screen reader named it in English only).
    own_box = re.search(r'<label for="in-child_message">(.*?)</label>', html).group(1)
    assert own_box.startswith(f"What I want my social worker to know{arabic}ما أريد أن يعرفه")
    assert 'class="child-line" lang="ar" dir="rtl">ما أريد' not in html
    assert '<p class="child-view-stop" lang="ar" dir="rtl">يمكنك أن تتوقف' in html


def test_the_sharing_page_tells_an_arabic_speaker_its_limits_in_arabic(app, web, world_i):
    """A probe: the paragraph on the page where the child says who may be told, with the limit
    of safeguarding, was in English only."""
    from rhi import i18n

    set_child(app, world_i, first_language="Arabic")
    web.sign_in(world_i.emails["worker_a"])
    html = " ".join(page(web, world_i, "consent").split())
    assert f'<p class="child-text">{i18n.CONSENT_EXPLAINED}</p>' in html
    assert '<p class="child-line" lang="ar" dir="rtl">نكتب ما أخبرتنا به' in html


def test_an_english_speakers_childs_view_is_in_english_only(app, web, world_i):
    web.sign_in(world_i.emails["worker_a"])
    html = page(web, world_i, "own_words")
    assert "How are you feeling?" in html and "Give the tablet back" in html
    assert "label-theirs" not in html and 'dir="rtl"' not in html


def test_a_sylheti_speaker_sees_the_english_and_why(app, web, world_i):
    set_child(app, world_i, first_language="Sylheti")
    web.sign_in(world_i.emails["worker_a"])
    html = page(web, world_i, "away")
    attrs, text = element(html, "prompt-away-1")
    assert (attrs["lang"], text) == ("en", english("away-1", "15_to_17"))
    assert "rhi has no questions in Sylheti yet, so they are shown in English." in html
    assert DRAFT not in html
    assert 'data-read-aloud="prompt-away-1" data-lang="en-GB"' in html


def test_an_english_speakers_page_has_no_second_language(app, web, world_i):
    web.sign_in(world_i.emails["worker_a"])
    html = page(web, world_i, "away")
    attrs, text = element(html, "prompt-away-1")
    assert (attrs["lang"], text) == ("en", english("away-1", "15_to_17"))
    assert "English: " not in html and DRAFT not in html and "rhi has no questions" not in html


def test_the_worker_chooses_simpler_words_and_every_copy_follows(app, web, world_i):
    set_child(app, world_i, first_language="Arabic")
    web.sign_in(world_i.emails["worker_a"])
    child_page = f"/children/{world_i.children['a']}"
    shown = web.get(child_page).get_data(as_text=True)
    assert "Questions for this child" in shown
    assert "Today: the words for 15 to 17 (by age)." in shown

    response = web.post(
        f"{child_page}/words", {"question_band": "under_11"}, page=child_page, follow=True
    )
    assert response.status_code == 200
    assert "Questions for this child: the words for under 11." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Child, world_i.children["a"]).question_band == "under_11"
        audit = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "child.update")
        ).all()
        assert [a.detail for a in audit] == ["changed: question_band to under_11"]

    html = page(web, world_i, "away")
    attrs, text = element(html, "prompt-away-1")
    assert text == ARABIC.text("prompts:away-1", "under_11")
    assert english("away-1", "under_11") in html
    assert english("away-1", "15_to_17") not in html
    assert "The words for under 11 were chosen for this child." in html

    # The tablet's copy names the child's words; the shell page holds them under that name.
    copies = web.get("/sync/v1/copies").get_json()["copies"]
    mine = next(e for e in copies if e["uuid"] == world_i.interviews["a"])
    assert mine["child"]["age_band"] == "under_11.ar"
    shell = web.get("/shell/interviews/away").get_data(as_text=True)
    attrs, text = element(shell, "prompt-away-1-under_11-ar")
    assert (attrs["lang"], attrs["dir"]) == ("ar", "rtl")
    assert text == ARABIC.text("prompts:away-1", "under_11")
    assert '<span class="child-words-variant" data-band="under_11.ar">' in shell

    # Back to the child's age.
    web.post(f"{child_page}/words", {"question_band": ""}, page=child_page)
    with app.app_context():
        assert db.session.get(Child, world_i.children["a"]).question_band is None
    assert english("away-1", "15_to_17") in page(web, world_i, "away")


def test_only_people_who_keep_the_childs_profile_choose_the_words(app, web, world_i):
    child_page = f"/children/{world_i.children['a']}"
    web.sign_in(world_i.emails["worker_b"])  # another team's worker: cannot see Ada
    response = web.post(f"{child_page}/words", {"question_band": "under_11"}, page="/")
    assert response.status_code == 404
    web.sign_out()
    web.sign_in(world_i.emails["worker_a"])
    response = web.client.post(f"{child_page}/words", data={"question_band": "under_11"})
    assert response.status_code == 400  # no CSRF token
    response = web.post(f"{child_page}/words", {"question_band": "teens"}, page=child_page)
    assert response.status_code == 400  # not one of the choices
    with app.app_context():
        assert db.session.get(Child, world_i.children["a"]).question_band is None


def test_the_interpreter_is_recorded_reviewed_and_printed_on_the_summary(app, web, world_i):
    set_child(app, world_i, first_language="Arabic", interpreter_needed=True)
    web.sign_in(world_i.emails["worker_a"])
    uuid = world_i.interviews["a"]
    start = page(web, world_i, "start")
    for label in (
        "An interpreter was at the chat",
        "Interpreter: language",
        "Interpreter: name",
        "Interpreter: agency",
    ):
        assert label in start
    for path, value in (
        ("start.interpreter_present", "on"),
        ("start.interpreter_language", "Arabic"),
        ("start.interpreter_name", "Amal Haddad"),
        ("start.interpreter_agency", "Language Line"),
    ):
        assert autosave(web, uuid, path, value, None).status_code == 200
    review = " ".join(page(web, world_i, "review").split())
    assert "Interpreter: agency" in review and "Language Line" in review

    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        content = dict(interview.content)
        content["consent"] = {
            **content["consent"],
            "social_worker": {"answer": "yes", "words": "", "name": ""},
        }
        interview.content = content
        interview.held_at = utcnow()
        db.session.commit()
        data = render_for(interview, "social_worker", "A reader", utcnow(), draft=True)
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)
    assert "Interpreter Yes: Arabic, Amal Haddad (Language Line)" in text


def test_a_text_not_yet_translated_shows_in_english_and_says_so(app, web, world_i, monkeypatch):
    """A catalogue being written (loaded with texts missing): never a blank, the English."""
    raw = json.loads(
        next(p for p in catalogue_paths() if p.name == "questions.ar.json").read_text("utf-8")
    )
    del raw["prompts"]["away-1"]
    partial = parse_language(raw, load_bank(), "test", allow_missing=True)
    monkeypatch.setattr(child_words, "catalogue_for", lambda recorded: partial)
    web.sign_in(world_i.emails["worker_a"])
    html = page(web, world_i, "away")
    attrs, text = element(html, "prompt-away-1")
    assert (attrs["lang"], text) == ("en", english("away-1", "15_to_17"))
    assert "Not yet in Arabic: shown in English." in html
    attrs, text = element(html, "prompt-away-2")
    assert (attrs["lang"], text) == ("ar", ARABIC.text("prompts:away-2", "15_to_17"))


def test_a_polish_speaking_girl_is_asked_as_a_girl(app, web, world_i):
    """Two probes: the Polish, Arabic and Romanian drafts spoke to every girl as a boy ("Zanim
    odszedłeś": "before you [a boy] left"). Recorded as a girl, she reads the feminine."""
    polish = by_code("pl")
    assert polish is not None
    set_child(app, world_i, first_language="Polish", gender="Girl")
    web.sign_in(world_i.emails["worker_a"])
    html = page(web, world_i, "before")
    _attrs, text = element(html, "prompt-before-2")
    assert text == polish.text("prompts:before-2", "15_to_17", feminine=True)
    assert "chciałaś" in text and "chciałeś" not in text
    assert '<span class="title-theirs" lang="pl" dir="ltr">Zanim odeszłaś</span>' in html
    # Recorded as a boy, the words as written.
    set_child(app, world_i, gender="Boy")
    _attrs, text = element(page(web, world_i, "before"), "prompt-before-2")
    assert text == polish.text("prompts:before-2", "15_to_17")


def test_an_arabic_speaking_girl_is_told_rhis_own_words_as_a_girl(app, web, world_i):
    """A probe: her questions spoke to her as a girl, but "you can stop", "give the tablet back"
    and her read-back spoke to her as a boy, one screen in two genders. rhi's own words for a
    girl are the catalogue's "feminine" entries (rhi/i18n.py child_gettext)."""
    set_child(app, world_i, first_language="Arabic", gender="Girl")
    web.sign_in(world_i.emails["worker_a"])
    html = " ".join(page(web, world_i, "own_words").split())
    arabic = ' <span class="label-theirs" lang="ar" dir="rtl">'
    assert f"Give the tablet back{arabic}أعيدي الجهاز اللوحي</span>" in html
    assert '<p class="child-view-stop" lang="ar" dir="rtl">يمكنك أن تتوقفي أو تأخذي' in html
    assert "أعد الجهاز اللوحي" not in html
    # Words the same for a girl come from the usual entries.
    assert f"How are you feeling?{arabic}" in html
    # Recorded as a boy, the words as written.
    set_child(app, world_i, gender="Boy")
    html = " ".join(page(web, world_i, "own_words").split())
    assert f"Give the tablet back{arabic}أعد الجهاز اللوحي</span>" in html
