"""Issue 17, items 2 and 3: the read-back page and the child's letter in the child's language.

A Polish-speaking child's read-back page shows rhi's words in Polish beside the English, says
the Polish is a draft, and records the same answer keys; their letter, on screen and in the PDF
(WeasyPrint, read back with pypdf), is in Polish with the English under it and still names
Childline and Missing People with their numbers. An Arabic speaker's is marked right to left; an
English speaker's is as it was. Every label the read-back can give is among rhi's words for the
child, and every catalogue keeps each message's placeholders. What the read-back page says the
social worker will know is what the social worker's PDF holds.
"""

from __future__ import annotations

import io
import json
import re
from html import escape
from typing import Any

import pytest
from babel.messages.pofile import read_po
from pypdf import PdfReader
from sqlalchemy import select

from rhi import i18n
from rhi.extensions import db
from rhi.interviews import content as c
from rhi.interviews import read_back
from rhi.models import Child, Interview
from rhi.models.base import utcnow
from rhi.prompts.languages import catalogues
from rhi.summaries.service import render_for
from tests.app.helpers import blocks, marks, prepared_file, start, store
from tests.app.helpers import stored_document as stored

FEM = i18n.FEMININE

DRAFT = "Draft translation, not yet checked by a qualified translator"
POLISH = ' <span class="label-theirs" lang="pl" dir="ltr">'


# ---- small helpers (the read-back blocks, marks and documents: tests/app/helpers.py) ---------


def flat(text: str) -> str:
    return " ".join(text.split())


def pdf_words(data: bytes) -> str:
    return " ".join(flat(page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages)


def pdf_text(app, uuid: str, recipient: str) -> str:
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        return pdf_words(render_for(interview, recipient, "A reader", utcnow(), draft=True))


def speaks(app, world, language: str) -> None:
    with app.app_context():
        db.session.get(Child, world.children["a"]).first_language = language
        db.session.commit()


def shared_document() -> dict[str, Any]:
    d = c.empty_content()
    d["sections"]["before"]["text"] = "BEFOREX I had a row at home"
    d["sections"]["away"]["text"] = "AWAYX I stayed at a friend's"
    d["sections"]["help"]["text"] = "HELPX someone to talk to"
    d["sections"]["help"]["private"] = True
    d["sections"]["own_words"]["kept_back"] = "SECRETX"
    d["child_message"] = "MESSAGEX"
    d["police_contact"] = "POLICECONTACTX"
    d["feelings"]["away"] = {"choice": "not_good", "at": "2026-11-23 11:20"}
    d["consent"]["social_worker"]["answer"] = "yes"
    d["consent"]["police"] = {**d["consent"]["police"], "answer": "some", "part_away": True}
    d, _ = c.add_item(d, "actions", "a1")
    d["actions"][0]["kind"] = "safety_plan"
    return d


def read_back_page(web, uuid: str) -> str:
    response = web.get(f"/interviews/{uuid}/read_back")
    assert response.status_code == 200
    return response.get_data(as_text=True)


# ---- rhi's words for the read-back and the letter are in every catalogue ---------------------


def every_label_document() -> dict[str, Any]:
    """A document that makes the read-back give every label it has, for someone."""
    d = c.empty_content()
    for s in ("before", "away", "after", "help", "own_words", "analysis"):
        d["sections"][s]["text"] = f"words for {s}"
    d["sections"]["help"]["kept_back"] = "kept back, then passed on"
    d["feelings"]["away"] = {"choice": "ok", "at": "2026-11-23 11:20"}
    d["child_message"] = "a message"
    d["police_contact"] = "the police were fine"
    d["protective_factors"] = "my nan"
    d["risk_view"] = next(key for key in c.RISK_VIEWS if key)
    for group, factors in c.FINDING_GROUPS.items():
        d[group][next(iter(factors))] = {"on": True, "note": "", "private": False}
    d, _ = c.add_item(d, "places", "p1")
    d, _ = c.add_item(d, "people", "q1")
    # Something written in each: one left empty is no place or person, in no copy.
    d["places"][0]["name"] = "the park"
    d["people"][0]["description"] = "tall, a red coat"
    d, _ = c.add_item(d, "actions", "a1")
    d["actions"][0]["kind"] = "safety_plan"  # agreed: one left blank is in no copy
    for recipient in c.RECIPIENTS:
        d["consent"][recipient]["answer"] = "yes"
        d["consent"][recipient]["words"] = "that is fine"
    release = {"id": "d1", "recipient": "social_worker", "reason": "Risk of serious harm"}
    d["overrides"] = [{**release, "parts": [], "releases": ["sections.help.kept_back"]}]
    return d


def test_every_label_the_read_back_gives_is_a_childs_message():
    labels = {
        thing.label
        for own in (True, False)  # a child with a social worker of their own, and one with none
        for r in read_back.recipients(every_label_document(), ("d1",), own_social_worker=own)
        for thing in r.things
    }
    who = {*read_back.RECIPIENT_WORDS.values(), read_back.NO_OWN_SOCIAL_WORKER}
    assert labels == set(i18n.READ_BACK_LABELS) - who
    assert set(read_back.RECIPIENT_WORDS.values()) <= set(i18n.CHILD_MESSAGES)
    for words in ("Yes, that\u2019s right", "I want changes", "I didn\u2019t want to read it"):
        assert words in i18n.CHILD_MESSAGES
    for words in ("Dear {name}", "If you need help", "Safety plan", "Something else"):
        assert words in i18n.CHILD_MESSAGES


def test_every_catalogue_keeps_each_messages_placeholders_and_names():
    compiled = i18n.compile_catalogues()
    placeholder = re.compile(r"\{\w+\}")
    assert {catalogue.code for catalogue in catalogues()} <= set(compiled)
    for code, translations in compiled.items():
        for message in i18n.CHILD_MESSAGES:
            # The words as written, and the words for a girl where they differ (else the same).
            for theirs in (translations.gettext(message), translations.pgettext(FEM, message)):
                assert sorted(placeholder.findall(theirs)) == sorted(
                    placeholder.findall(message)
                ), (code, message)
                for kept in ("childline.org.uk", "999", "CAMHS", "National Referral Mechanism"):
                    if kept in message:
                        assert kept in theirs, (code, message)


def test_each_words_for_a_girl_are_of_a_childs_message_the_file_has_as_written():
    # What the read-back and the letter say to the child: rhi's messages, and the words written
    # for the child for what the worker ticked and what was agreed will happen next.
    said = {
        *i18n.CHILD_MESSAGES,
        *(words for group in read_back.CHILD_FINDINGS.values() for words in group.values()),
        *read_back.CHILD_ACTIONS.values(),
    }
    for po_path in sorted(i18n.FOLDER.glob("*/LC_MESSAGES/messages.po")):
        with po_path.open("rb") as po:
            catalog = read_po(po)
        as_written = {m.id for m in catalog if not m.context and m.string}
        for m in catalog:
            if m.context:
                assert m.context == FEM, (po_path, m.id)
                assert m.id in said and m.id in as_written, (po_path, m.id)
                assert m.string and m.string != catalog.get(m.id).string, (po_path, m.id)


# ---- the read-back page ----------------------------------------------------------------------


def test_a_polish_speakers_read_back_is_in_polish_beside_the_english(app, web, world):
    speaks(app, world, "Polish")
    uuid = start(web, world)
    store(app, uuid, shared_document())
    html = read_back_page(web, uuid)
    page = flat(html)
    assert f"Who will know what you told me{POLISH}Kto się dowie, o czym rozmawialiśmy</span>" in (
        page
    )
    assert f"Polski</span> (Polish): {DRAFT}." in page
    said = blocks(html)
    assert said["social_worker"].startswith(
        "Your social worker will know: Twój pracownik socjalny będzie wiedzieć:"
    )
    assert said["police"].startswith("The police will know: Policja będzie wiedzieć:")
    assert (
        "What you told me about while you were away Co mówisz o czasie, kiedy cię nie było: AWAYX"
    ) in said["police"]
    assert "\u201cNot so good Nie za dobrze\u201d" in said["police"]  # the feeling too
    assert said["parents_carers"] == (
        "Your parents or carers will only know that we talked, and when. Każdy z twoich "
        "rodziców lub opiekunów będzie wiedzieć tylko, że rozmawialiśmy, i kiedy."
    )
    assert said["kept"].startswith("Kept between us: Zostaje między nami:")
    # The child's words are as they wrote them, in no other language; the same marks as ever.
    assert marks(said["police"]) == {"AWAYX", "POLICECONTACTX"}
    # The three answers: the English and the Polish, the values recorded unchanged.
    for value, english, polish in (
        ("agreed", "Yes, that\u2019s right", "Tak, zgadza się"),
        ("changes", "I want changes", "Chcę coś zmienić"),
        ("not_read", "I didn\u2019t want to read it", "Nie chcę tego czytać"),
    ):
        assert f'name="f:read_back.answer" value="{value}"' in page
        assert f"{escape(english, quote=False)}{POLISH}{polish}</span></label>" in page
    # The question and the box are named in Polish too, inside the legend and the label (a
    # probe: the Polish was a line beside them, so a screen reader named them in English only).
    assert (
        f"<span data-child-only>Is this right?{POLISH}Czy to się zgadza?</span></span></legend>"
        in page
    )
    changes = f"What would you like to change?{POLISH}Co chcesz zmienić?</span></span></label>"
    assert changes in page

    response = web.post(
        f"/interviews/{uuid}/read-back",
        {"f:read_back.answer": "agreed", "f:read_back.changes": ""},
        page=f"/interviews/{uuid}/read_back",
    )
    assert response.status_code == 302
    assert stored(app, uuid)["read_back"]["answer"] == "agreed"


def test_an_arabic_speakers_read_back_is_right_to_left(app, web, world):
    speaks(app, world, "Arabic")
    uuid = start(web, world)
    store(app, uuid, shared_document())
    page = flat(read_back_page(web, uuid))
    arabic = ' <span class="label-theirs" lang="ar" dir="rtl">'
    assert f"The police will know:{arabic}سيتم إخبار الشرطة بما يلي:</span>" in page
    assert f"I want changes{arabic}أريد تغييرات</span>" in page
    assert DRAFT in page


def test_an_english_speakers_read_back_has_no_second_language(app, web, world):
    uuid = start(web, world)
    store(app, uuid, shared_document())
    html = read_back_page(web, uuid)
    for other in ("label-theirs", "child-line", 'lang="pl"', 'dir="rtl"', DRAFT):
        assert other not in html.split('class="read-back"', 1)[1], other
    said = blocks(html)
    assert said["police"].startswith("The police will know: What you told me about while")
    assert said["parents_carers"] == (
        "Your parents or carers will only know that we talked, and when."
    )
    # The worker's view names the child; the child's view asks them, in English too.
    assert (
        "<legend><span data-worker-only>When it was read back, Ada said</span>"
        "<span data-child-only>Is this right?</span></legend>" in html
    )
    assert "<span data-child-only>What would you like to change?</span></label>" in html
    assert '<label for="in-read_back-answer-1">Yes, that\u2019s right</label>' in html


# ---- the child's letter ----------------------------------------------------------------------


def letter(web, uuid: str) -> tuple[str, str]:
    """The letter as the page shows it and as the PDF's text reads."""
    html = web.get(f"/interviews/{uuid}/child-copy")
    assert html.status_code == 200
    data = prepared_file(
        web, f"/interviews/{uuid}/child-copy.pdf", f"/interviews/{uuid}/child-copy"
    )
    assert data.status_code == 200 and data.mimetype == "application/pdf"
    return flat(html.get_data(as_text=True)), pdf_words(data.data)


def worker_name(app, uuid: str) -> str:
    with app.app_context():
        return db.session.scalar(select(Interview).where(Interview.uuid == uuid)).worker.name


def test_a_polish_speakers_letter_is_in_polish_with_the_english_and_where_to_get_help(
    app, web, world
):
    speaks(app, world, "Polish")
    uuid = start(web, world)
    store(app, uuid, shared_document())
    worker = worker_name(app, uuid)
    page, pdf = letter(web, uuid)
    assert '<span class="letter-theirs" lang="pl" dir="ltr">Cześć Ada</span>' in page
    assert f"Polski</span> (Polish): {DRAFT}." in page
    for text in (page, pdf):
        # In Polish...
        assert "Cześć Ada" in text and "Co będzie dalej" in text
        # The day they talked, written as Polish writes it (the app tests' clock: November 2026).
        assert re.search(r"\b\d{1,2} listopada 2026\b", text), "the day in Polish"
        assert "Plan, który ma zapewnić ci bezpieczeństwo" in text  # "A plan to keep you safe"
        assert "Policja będzie wiedzieć: Co mówisz o czasie, kiedy cię nie było" in text
        assert "Jeśli potrzebujesz pomocy" in text
        assert "zadzwoń albo napisz SMS, za darmo i poufnie" in text
        assert "Jeśli jesteś teraz w niebezpieczeństwie, zadzwoń pod 999." in text
        assert f"Albo porozmawiaj ze mną: {worker}" in text and f"Od {worker}" in text
        assert f"Polski (Polish): {DRAFT}" in flat(re.sub(r"<[^>]+>", "", text))
        # ...with the English, and Childline and Missing People named with their numbers.
        assert "Dear Ada" in text and "What happens next" in text
        assert "The police will know: What you told me about while you were away" in text
        assert "Childline: 0800 1111" in text and "Missing People: 116 000" in text
        assert "childline.org.uk" in text and "call or text, free and private" in text
        # Labels only, still: none of the child's words, nothing kept between them.
        for words in ("AWAYX", "MESSAGEX", "SECRETX", "HELPX"):
            assert words not in text


@pytest.mark.parametrize(
    "language", ["Welsh", "Arabic", "Romanian", "Somali", "Pashto", "Tigrinya"]
)
def test_every_languages_letter_is_made_with_the_names_and_numbers_unchanged(
    app, web, world, language
):
    speaks(app, world, language)
    uuid = start(web, world)
    store(app, uuid, shared_document())
    response = web.get(f"/interviews/{uuid}/child-copy")
    assert response.status_code == 200
    page = flat(response.get_data(as_text=True))
    assert page.count('class="letter-theirs"') >= 15 and DRAFT in page
    for kept in ("Childline: 0800 1111", "Missing People: 116 000", "childline.org.uk", "999"):
        assert kept in page
    if language in ("Arabic", "Pashto"):
        assert 'class="letter-theirs" lang="' in page and 'dir="rtl"' in page


def test_an_english_speakers_letter_is_as_it_was(app, web, world):
    uuid = start(web, world)
    store(app, uuid, shared_document())
    page, pdf = letter(web, uuid)
    assert '<h1 id="child-copy-heading">Dear Ada</h1>' in page
    assert "letter-theirs" not in page and "english-words" not in page and DRAFT not in page
    assert "<li><strong>Childline: 0800 1111</strong> (call free, any time, or chat at " in page
    assert pdf.startswith("Dear Ada Thank you for talking with me")
    assert "Your parents or carers will only know that we talked, and when." in pdf


# ---- the read-back page holds what the social worker's copy holds ----------------------------


def social_worker_document() -> dict[str, Any]:
    """The child's words in every place the social worker's copy can hold them, some kept back
    or not to be shared; the worker's notes with no mark (they are named, not read back)."""
    d = shared_document()
    d["sections"]["after"]["text"] = "AFTERX better now"
    d["sections"]["own_words"]["text"] = "OWNX in my words"
    d["sections"]["analysis"]["text"] = "the worker's notes"
    d["feelings"]["after"] = {"choice": "good", "at": "2026-11-23 11:40"}
    d["protective_factors"] = "PROTECTIVEX her nan"
    for group in c.FINDING_GROUPS:
        d["findings_other"][group] = f"OTHER{group.upper()}X"
    for kind, private in (("places", False), ("places", True), ("people", False)):
        d, item_id = c.add_item(d, kind, f"{kind}{private}")
        entry = next(e for e in d[kind] if e["id"] == item_id)
        entry["name"] = f"{kind.upper()}{int(private)}X"
        entry["private"] = private
    d["consent"]["social_worker"]["words"] = "WORDSsocial_workerX"
    return d


def test_the_read_back_tells_the_social_worker_what_their_pdf_holds(app, web, world):
    uuid = start(web, world)
    document = social_worker_document()
    store(app, uuid, document)
    said = marks(blocks(read_back_page(web, uuid))["social_worker"])
    everything = marks(json.dumps(document))
    holds = marks(pdf_text(app, uuid, "social_worker")) & everything
    # What the worker wrote on their own pages (what keeps the child safe, their "Other"
    # reasons and harms) is in the copy, and named to the child, not read out.
    workers = {"PROTECTIVEX", *(f"OTHER{g.upper()}X" for g in c.FINDING_GROUPS)}
    assert workers <= holds
    assert said == holds - workers
    # Not empty, and none of what is not to be shared or was told and kept back.
    assert {"BEFOREX", "AWAYX", "MESSAGEX", "PLACES0X", "PEOPLE0X"} <= said
    assert not said & {"HELPX", "SECRETX", "PLACES1X"}


def _fonts(data: bytes) -> set[str]:
    """The names of the fonts a PDF embeds."""
    names = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            names.add(str(font.get_object().get("/BaseFont", "")))
    return names


@pytest.mark.parametrize(
    "language, first, last, font",
    [("Tigrinya", 0x1200, 0x137F, "Abyssinica"), ("Arabic", 0x0600, 0x06FF, "DejaVu")],
)
def test_the_letter_is_drawn_in_a_font_that_has_the_childs_letters(
    app, web, world, language, first, last, font
):
    """Tigrinya's Ethiopic letters are in none of the default fonts: the PDF embeds one that
    has them (`make fonts` installs Abyssinica SIL), and its text holds them."""
    speaks(app, world, language)
    uuid = start(web, world)
    store(app, uuid, shared_document())
    data = prepared_file(
        web, f"/interviews/{uuid}/child-copy.pdf", f"/interviews/{uuid}/child-copy"
    ).data
    assert any(font in name for name in _fonts(data)), _fonts(data)
    assert sum(first <= ord(ch) <= last for ch in pdf_words(data)) >= 20


def test_emoji_the_child_wrote_are_drawn_in_the_copy_not_left_as_empty_boxes(app, web, world):
    """A worker's probe: "🙂👍🏽" in what the child said printed as
    empty boxes in the social worker's copy, as no font the renderer had held them (`make
    fonts` installs Noto Color Emoji). The copy embeds a font with them, and its text holds
    them."""
    uuid = start(web, world)
    document = shared_document()
    document["sections"]["away"]["text"] = "AWAYX I stayed at a friend's \U0001f642\U0001f44d"
    store(app, uuid, document)
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        data = render_for(interview, "social_worker", "A reader", utcnow(), draft=True)
    assert "\U0001f642" in pdf_words(data), pdf_words(data)
    assert any("Emoji" in name for name in _fonts(data)), _fonts(data)
