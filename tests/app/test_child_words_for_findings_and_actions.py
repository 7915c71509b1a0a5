"""The things ticked and the actions agreed, in words for the child, in the child's language.

A probe found the read-back showing what the worker ticked ("Arguments or falling out at home")
and the actions agreed in English only to a child who reads Arabic or Polish: those words were
in no catalogue, and the page printed them as they were. And the child's letter listed the next
steps in the worker's office words ("Substance misuse service", "Other"): a child was told
"Other" will happen. Now every one of rhi's words for a finding or an action is in every
catalogue (a draft, as the rest of it), the read-back shows them in the child's language beside
the English, and the letter says each action as the read-back does (read_back.CHILD_ACTIONS),
each kind once, in English and in the child's language.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from pypdf import PdfReader

from rhi import i18n
from rhi.extensions import db
from rhi.interviews import content as c
from rhi.interviews import read_back
from rhi.models import Child
from rhi.prompts.languages import catalogues
from tests.app.helpers import blocks, prepared_file, start, store

FINDING = read_back.CHILD_FINDINGS["push"]["family_conflict"]  # "Arguments or falling out..."
HARM = read_back.CHILD_FINDINGS["harms"]["online_grooming"]
DRUGS = read_back.CHILD_ACTIONS["substance_service"]  # "Help with drugs or alcohol"
MEETING = read_back.CHILD_ACTIONS["strategy_meeting"]  # has a comma of its own
SOMETHING_ELSE = read_back.CHILD_ACTIONS["other"]
# The worker's words for the same actions (fields.ACTION_KINDS): never in the child's letter.
OFFICE_WORDS = ("Substance misuse service", "Strategy meeting request")


def theirs(code: str, english: str) -> str:
    """rhi's words for the child in the language `code`, as the app compiles them."""
    return i18n.compile_catalogues()[code].gettext(english)


def flat(text: str) -> str:
    return " ".join(text.split())


def speaks(app, world, language: str) -> None:
    with app.app_context():
        db.session.get(Child, world.children["a"]).first_language = language
        db.session.commit()


def ticked_document() -> dict[str, Any]:
    """A factor and a harm ticked, one of them kept private; three actions, two of one kind;
    everything shared with the social worker."""
    d = c.empty_content()
    d["sections"]["before"]["text"] = "BEFOREX I had a row at home"
    d["push"]["family_conflict"] = {"on": True, "note": "", "private": False}
    d["harms"]["online_grooming"] = {"on": True, "note": "", "private": True}
    for n, kind in enumerate(("substance_service", "strategy_meeting", "substance_service")):
        d, action_id = c.add_item(d, "actions", f"a{n}")
        next(a for a in d["actions"] if a["id"] == action_id)["kind"] = kind
    d["consent"]["social_worker"]["answer"] = "yes"
    return d


def read_back_html(web, uuid: str) -> str:
    response = web.get(f"/interviews/{uuid}/read_back")
    assert response.status_code == 200
    return response.get_data(as_text=True)


# ---- every catalogue has the words --------------------------------------------------------


def childs_words() -> list[str]:
    """rhi's words for what was ticked and agreed, as the read-back and the letter say them."""
    words = [w for group in read_back.CHILD_FINDINGS.values() for w in group.values()]
    words += [*read_back.CHILD_ACTIONS.values(), *read_back.FINDING_WORDS.values()]
    return list(dict.fromkeys([*words, read_back.NOT_NAMED]))


def test_every_word_for_a_finding_or_an_action_is_in_every_catalogue():
    compiled = i18n.compile_catalogues()
    codes = {catalogue.code for catalogue in catalogues()}
    assert codes <= set(compiled) and len(codes) >= 7
    for code in codes:
        missing = [w for w in childs_words() if compiled[code].gettext(w) in ("", w)]
        assert not missing, (code, missing)
        for english in childs_words():
            said = compiled[code].gettext(english)
            # Names a child may be told or search for stay as they are.
            for kept in ("CAMHS", "National Referral Mechanism", "FGM"):
                if kept in english:
                    assert kept in said, (code, english)


# ---- the read-back page ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "language, code, direction, comma",
    [("Polish", "pl", "ltr", ", "), ("Arabic", "ar", "rtl", "\u060c ")],
)
def test_the_read_back_shows_what_was_ticked_and_agreed_in_the_childs_language(
    app, web, world, language, code, direction, comma
):
    speaks(app, world, language)
    uuid = start(web, world)
    store(app, uuid, ticked_document())
    html = read_back_html(web, uuid)
    page = flat(html)
    span = f' <span class="label-theirs" lang="{code}" dir="{direction}">'
    # The English the worker reads, then the child's language, for a ticked factor...
    assert theirs(code, FINDING) != FINDING
    assert f"{FINDING}{span}{theirs(code, FINDING)}</span>" in page
    # ...and the actions agreed, each kind once, in the order agreed.
    english = f"{DRUGS}, {MEETING}"
    their_actions = comma.join(theirs(code, words) for words in (DRUGS, MEETING))
    assert f"{english}{span}{their_actions}</span>" in page
    said = blocks(html)["social_worker"]
    assert said.count(DRUGS) == 1 and said.count(theirs(code, DRUGS)) == 1
    # What is kept between us, a ticked harm, in their language too.
    assert f"{HARM}{span}{theirs(code, HARM)}</span>" in page
    assert theirs(code, HARM) in blocks(html)["kept"]


def test_an_english_speakers_read_back_shows_the_same_words_alone(app, web, world):
    uuid = start(web, world)
    store(app, uuid, ticked_document())
    html = read_back_html(web, uuid)
    said = blocks(html)["social_worker"]
    assert f"Why you wanted to leave: {FINDING}" in said
    assert f"What we agreed will happen next: {DRUGS}, {MEETING}" in said
    assert "label-theirs" not in html.split('class="read-back"', 1)[1]


def test_the_words_the_child_read_are_kept_as_they_were():
    """The child's language is shown beside the words, not put in them: what was read (the
    fingerprint kept with the child's answer) is the English words, as before."""
    people = read_back.recipients(ticked_document(), ())
    things = next(r for r in people if r.key == "social_worker").things
    actions = next(t for t in things if t.key == "actions")
    assert actions.words == f"{DRUGS}, {MEETING}" and actions.phrases == (DRUGS, MEETING)
    finding = next(t for t in things if t.key == "push.family_conflict")
    assert finding.words == FINDING and finding.phrases == (FINDING,)


# ---- the child's letter -----------------------------------------------------------------------


def letter(web, uuid: str) -> tuple[str, str]:
    """The letter as the page shows it and as the PDF's text reads."""
    html = web.get(f"/interviews/{uuid}/child-copy")
    assert html.status_code == 200
    data = prepared_file(
        web, f"/interviews/{uuid}/child-copy.pdf", f"/interviews/{uuid}/child-copy"
    )
    assert data.status_code == 200 and data.mimetype == "application/pdf"
    pdf = " ".join(flat(p.extract_text()) for p in PdfReader(io.BytesIO(data.data)).pages)
    return flat(html.get_data(as_text=True)), pdf


def next_steps(page: str) -> str:
    """The letter page's list of what happens next."""
    found = re.search(r"What happens next.*?<ul>(.*?)</ul>", page)
    assert found, "no next steps on the letter"
    return found.group(1)


def with_other(d: dict[str, Any]) -> dict[str, Any]:
    """An action of the kind "other" with a note (agreed: one with nothing in it is no action,
    and no letter says it: tests/app/test_blank_items_left_out.py)."""
    d, action_id = c.add_item(d, "actions", "a-other")
    action = next(a for a in d["actions"] if a["id"] == action_id)
    action.update(kind="other", note="Ring her nan each week")
    return d


def test_a_polish_speakers_letter_says_what_happens_next_in_the_childs_words(app, web, world):
    speaks(app, world, "Polish")
    uuid = start(web, world)
    store(app, uuid, with_other(ticked_document()))
    page, pdf = letter(web, uuid)
    steps = next_steps(page)
    for words in (DRUGS, MEETING, SOMETHING_ELSE):
        assert theirs("pl", words) != words
        # The Polish, with the English under it for the worker; each kind once.
        said = (
            f'<li><span class="letter-theirs" lang="pl" dir="ltr">{theirs("pl", words)}</span> '
            f'<span class="english-words" lang="en" dir="ltr">{words}</span></li>'
        )
        assert steps.count(said) == 1, words
    assert steps.count("<li>") == 3
    for text in (page, pdf):
        assert DRUGS in text and theirs("pl", DRUGS) in text
        for office in (*OFFICE_WORDS, "Other"):
            assert not re.search(rf"\b{office}\b", text), office
            assert theirs("pl", office) not in text, office


def test_an_english_speakers_letter_says_the_childs_words_for_an_action(app, web, world):
    uuid = start(web, world)
    store(app, uuid, with_other(ticked_document()))
    page, pdf = letter(web, uuid)
    assert next_steps(page) == "".join(
        f"<li>{words}</li>" for words in (DRUGS, MEETING, SOMETHING_ELSE)
    )
    for text in (page, pdf):
        assert DRUGS in text and "Something else" in text
        for office in (*OFFICE_WORDS, "Other"):
            assert not re.search(rf"\b{office}\b", text), office


def test_the_letters_next_steps_are_the_read_backs():
    """One home for how an action is said to the child (read_back.CHILD_ACTIONS)."""
    with_kinds = [{"kind": kind} for kind in (*c.ACTION_KINDS, "", "not-a-kind")]
    said = read_back.child_action_words(with_kinds)
    assert said == [read_back.CHILD_ACTIONS[kind] for kind in c.ACTION_KINDS]
