"""What the child reads on the read-back and the sharing page: whose words are whose, and in
whose words each line is.

A probe found the read-back telling the child "What you said about the police: “…”" of the
worker's note of their contact with the police (checked as the worker's writing), while what the
child said about sharing, read back to them in quotation marks as theirs, was checked as the
worker's ("I keep going back to his flat" was flagged). "Kept between us" gave the worker's
page titles ("The section “While away”") in English only, beside lines in the child's language;
and the sharing page told a child with no social worker of their own "Your social worker".
"""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from rhi import i18n
from rhi.extensions import db
from rhi.interviews import content as c
from rhi.interviews import read_back
from rhi.models import Child
from tests.app.helpers import blocks, start, store

WELSH = i18n.compile_catalogues()["cy"]


def welsh(message: str) -> str:
    words = WELSH.gettext(message)
    assert words and words != message, message
    return words


def text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", "", html)).split())


def line(html: str, attribute: str, key: str) -> list[str]:
    """The text of each <li> marked `attribute`="`key`" on the page."""
    return [text(m) for m in re.findall(rf'<li {attribute}="{re.escape(key)}">(.*?)</li>', html)]


def child(app, world, **values: Any) -> None:
    with app.app_context():
        ada = db.session.get(Child, world.children["a"])
        for name, value in values.items():
            setattr(ada, name, value)
        db.session.commit()


def page(web, uuid: str, page_id: str) -> str:
    response = web.get(f"/interviews/{uuid}/{page_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


# ---- whose words: the worker's note of the police, the child's words about sharing ----------


POLICE_NOTE = "POLICEX Found by PC Smith at 2am. She keeps going back to his flat."
SHARING_WORDS = "CONSENTX I keep going back to his flat, the police can know"


def police_document() -> dict[str, Any]:
    d = c.empty_content()
    d["sections"]["away"]["text"] = "AWAYX I went to Leeds"
    d["police_contact"] = POLICE_NOTE
    d["consent"]["social_worker"]["answer"] = "yes"
    d["consent"]["police"]["answer"] = "yes"
    d["consent"]["police"]["words"] = SHARING_WORDS
    return d


def test_the_police_note_is_read_back_as_written_and_the_words_about_sharing_as_said(
    app, web, world
):
    child(app, world, first_language="Welsh")
    uuid = start(web, world)
    store(app, uuid, police_document())
    html = page(web, uuid, "read_back")
    label = read_back.POLICE_WORDS
    # The worker's note: named plainly, in Welsh too, and never "what you said", never quoted.
    assert (
        line(html, "data-thing", "police_contact") == [f"{label} {welsh(label)}: {POLICE_NOTE}"] * 2
    )
    assert "What you said about the police" not in html
    assert "\u201cPOLICEX" not in html
    # What the child said about sharing with the police: theirs, in quotation marks.
    said = "What you said about sharing with them"
    assert line(html, "data-thing", "consent") == [
        f"{said} {welsh(said)}: \u201c{SHARING_WORDS}\u201d"
    ]
    assert blocks(html)["police"].startswith("The police will know:")


def test_the_words_about_sharing_are_not_checked_as_the_workers_writing(app, web, world):
    uuid = start(web, world)
    store(app, uuid, police_document())
    consent = page(web, uuid, "consent")
    box = re.search(r'<textarea[^>]*id="in-consent-police-words"[^>]*>', consent)
    assert box and "data-check-language" not in box.group(0)
    # The worker's note of the police is still checked, on its page and on the review.
    away = page(web, uuid, "away")
    note = re.search(r'<textarea[^>]*id="in-police_contact"[^>]*>', away)
    assert note and "data-check-language" in note.group(0)
    flags = re.search(
        r'<section class="panel flags-open".*?</section>', page(web, uuid, "review"), re.S
    )
    assert flags, "the police note's wording is listed to look at again"
    listed = text(flags.group(0))
    # One flag: the worker's note ("She keeps going back to"); the child's words are not read.
    assert "Wording to look at again (1)" in listed
    assert "Contact with the police while away" in listed and "What they said" not in listed


# ---- "Kept between us", in the child's words and language ------------------------------------


def kept_document() -> dict[str, Any]:
    d = c.empty_content()
    d["sections"]["away"]["text"] = "AWAYX I stayed at a flat"
    d["sections"]["away"]["private"] = True
    d["sections"]["own_words"]["kept_back"] = "SECRETX"
    d["harms"]["suspected_offending"] = {"on": True, "note": "", "private": True}
    d, place = c.add_item(d, "places", "p1")
    next(e for e in d["places"] if e["id"] == place).update(name="KINGSX Kings Cross", private=True)
    d["consent"]["social_worker"]["answer"] = "yes"
    return d


def test_kept_between_us_is_in_the_childs_words_and_language(app, web, world):
    child(app, world, first_language="Welsh")
    uuid = start(web, world)
    store(app, uuid, kept_document())
    html = page(web, uuid, "read_back")
    kept = blocks(html)["kept"]
    away = read_back.SECTION_WORDS["away"]
    kept_back = read_back.KEPT_BACK_WORDS["own_words"]
    factor = read_back.CHILD_FINDINGS["harms"]["suspected_offending"]
    worry = read_back.FINDING_WORDS["harms"]
    place = read_back.PLACE
    assert line(html, "data-kept", "sections.away") == [f"{away} {welsh(away)}"]
    assert line(html, "data-kept", "sections.own_words.kept_back") == [
        f"{kept_back} {welsh(kept_back)}"
    ]
    # A ticked factor as the lines above say it: their label in Welsh too, and the words for
    # the child in English and in Welsh.
    assert line(html, "data-kept", "harms.suspected_offending") == [
        f"{worry} {welsh(worry)}: {factor} {welsh(factor)}"
    ]
    (place_line,) = [t for t in re.findall(r'<li data-kept="places\.[^"]+">(.*?)</li>', html)]
    assert text(place_line) == f"{place} {welsh(place)}: KINGSX Kings Cross"
    # Never the worker's titles, nor what was kept back.
    for worker_words in ("The section", "Told and kept back", "While away", "In your own words"):
        assert worker_words not in kept
    assert "SECRETX" not in html and "AWAYX" not in html


# ---- a child with no social worker of their own ----------------------------------------------


def test_a_child_with_no_social_worker_is_not_told_your_social_worker(app, web, world):
    uuid = start(web, world)
    store(app, uuid, police_document())
    people = r'<ul class="consent-people" data-child-only>(.*?)</ul>'

    def told() -> tuple[list[str], str]:
        consent = re.search(people, page(web, uuid, "consent"), re.S)
        assert consent
        listed = [text(li) for li in re.findall(r"<li>(.*?)</li>", consent.group(1), re.S)]
        return listed, blocks(page(web, uuid, "read_back"))["social_worker"]

    listed, said = told()
    assert listed[0] == "Your social worker" and said.startswith("Your social worker will know:")
    child(app, world, social_worker=None)
    listed, said = told()
    # The sharing page and the read-back say the same, by the same rule.
    assert listed[0] == read_back.NO_OWN_SOCIAL_WORKER == "A social worker"
    assert said.startswith("A social worker will know:")
    assert "Your social worker" not in listed
    assert listed == list(read_back.recipient_words(own_social_worker=False).values())


MESSAGE = "MESSAGEX Please tell someone about my nan"


def test_a_child_with_no_social_worker_writes_to_a_social_worker(app, web, world):
    """The child's own message to their social worker: with none allocated it goes to a social
    worker (the duty inbox), and the child's field, the read-back and "Kept between us" say
    "a social worker". Before: "What I want my social worker to know" whoever they had. The
    child's answer to what was read stays an answer to what is shared, whoever is allocated."""
    child(app, world, first_language="Welsh")
    uuid = start(web, world)
    d = police_document()
    d["child_message"] = MESSAGE
    d["consent"]["social_worker"]["part_own_words"] = True  # the message goes with these
    store(app, uuid, d)

    def said() -> tuple[str, str]:
        own_words = text(page(web, uuid, "own_words"))
        return own_words, blocks(page(web, uuid, "read_back"))["social_worker"]

    own_words, told = said()
    with app.app_context():
        social_worker = db.session.get(Child, world.children["a"]).social_worker
    assert "What I want my social worker to know" in own_words
    yours = read_back.MESSAGE
    assert f"{yours} {welsh(yours)}: \u201c{MESSAGE}\u201d" in told
    child(app, world, social_worker=None)
    own_words, told = said()
    mine = read_back.NO_OWN_MESSAGE_LABEL
    assert mine == "What I want a social worker to know"
    assert mine in own_words and welsh(mine) in own_words
    assert (
        "my social worker" not in own_words
        and welsh("What I want my social worker to know") not in own_words
    )
    a_social_worker = read_back.NO_OWN_MESSAGE
    assert f"{a_social_worker} {welsh(a_social_worker)}: \u201c{MESSAGE}\u201d" in told
    assert "your social worker" not in told and welsh(yours) not in told

    # The answer is to what is shared: the label naming who is not part of it.
    response = web.post(
        f"/interviews/{uuid}/read-back",
        {"f:read_back.answer": "agreed", "f:read_back.changes": ""},
        page=f"/interviews/{uuid}/read_back",
    )
    assert response.status_code == 302
    assert "data-read-back-changed" not in page(web, uuid, "read_back")
    child(app, world, social_worker=social_worker)
    assert "data-read-back-changed" not in page(web, uuid, "read_back")
    child(app, world, social_worker=None)

    # Told to no social worker: the message is kept between us, in the same words.
    d["consent"]["social_worker"]["answer"] = "no"
    store(app, uuid, d)
    kept = blocks(page(web, uuid, "read_back"))["kept"]
    assert f"{a_social_worker} {welsh(a_social_worker)}" in kept
    assert "your social worker" not in kept


def test_the_childs_line_about_danger_is_in_their_language_too(app, web, world):
    """A probe: the footer's line for the child (call 999, Childline, Missing People) was in
    English only on the child's view, though their letter had it in their language."""
    child(app, world, first_language="Welsh")
    uuid = start(web, world)
    html = page(web, uuid, "away")
    footer = html[html.index('<footer class="site-footer">') :]
    danger = (
        "If you are in danger now, call 999. Childline, free and private: 0800 1111. "
        "Missing People: call or text 116 000."
    )
    said = text(footer)
    assert danger in said and welsh(danger) in said
    assert "999" in welsh(danger) and "0800 1111" in welsh(danger)


def test_the_childs_save_button_on_the_read_back_is_in_their_language_too(app, web, world):
    """A probe: "Save my answer", the child's view of the read-back's button, was English only."""
    child(app, world, first_language="Welsh")
    uuid = start(web, world)
    store(app, uuid, police_document())
    button = re.search(
        r"<button[^>]*>(.*?)</button>",
        page(web, uuid, "read_back").split('data-read-back="kept"')[1],
        re.S,
    )
    assert button and "Save my answer" in text(button.group(1))
    assert welsh("Save my answer") in text(button.group(1))


def test_the_numbers_in_a_right_to_left_line_read_left_to_right(app, web, world):
    """An accessibility probe: in Arabic and Pashto the footer's Childline number showed as
    "1111 0800" and Missing People's as "000 116": each number is isolated left to right."""
    child(app, world, first_language="Arabic")
    uuid = start(web, world)
    html = page(web, uuid, "away")
    footer = html[html.index('<footer class="site-footer">') :]
    arabic = re.search(r'<p class="child-line" lang="ar" dir="rtl">(.*?)</p>', footer, re.S)
    assert arabic, footer
    line = arabic.group(1)
    for number in ("999", "0800 1111", "116 000"):
        assert f'<bdi dir="ltr">{number}</bdi>' in line, number
    assert "0800 1111" in text(line) and "<bdi" not in text(line)


def test_numbers_are_isolated_and_everything_else_escaped():
    from rhi.i18n import numbers_ltr

    assert str(numbers_ltr("<b>'x' 12 34, 5</b>")) == (
        '&lt;b&gt;&#39;x&#39; <bdi dir="ltr">12 34</bdi>, <bdi dir="ltr">5</bdi>&lt;/b&gt;'
    )
