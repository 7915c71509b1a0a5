"""What the child asked us not to pass on, passed on by a safeguarding decision they are told
of, is said to be so on the read-back and in their letter (a probe: a private "How you feel now"
released to school was listed under "Your school will know:" worded as if the child had agreed,
and "Kept between us" said "Nothing you asked me to keep between us."). Through the test client:
a private section, a private finding and a private place, released to the school (urgent) and
the police (confirmed by the decider), with the child told; "Kept between us" then says what
stays, or that what they asked to keep has to be passed on. With no decision the words are as
they were; a decision the child is not to be told about stays off their pages as before."""

from __future__ import annotations

import io
import re
from html import unescape
from typing import Any

from pypdf import PdfReader

from rhi import i18n
from rhi.interviews import content as c
from rhi.interviews import read_back
from tests.app.helpers import blocks, prepared_file, start, store
from tests.app.helpers import stored_document as stored
from tests.app.test_read_back_language import speaks
from tests.app.test_summary_sending import as_user
from tests.conftest import Web

ASKED = "you asked me to keep this between us, but we have to pass it on to keep you safe"
NOTHING_KEPT = "Nothing you asked me to keep between us."
ALL_PASSED_ON = (
    "What you asked me to keep between us has to be passed on to keep you safe. It is marked "
    "above, with who will know it."
)
SOME_PASSED_ON = (
    "Some of what you asked me to keep between us has to be passed on to keep you safe. It is "
    "marked above, with who will know it."
)


def document(*, keep_help: bool = False) -> dict[str, Any]:
    """A private "How you feel now", a private reason for leaving and a private place; the
    child said yes to the school and no to the police. `keep_help`: a private "What would
    help" too, which no decision names."""
    d = c.empty_content()
    d["sections"]["after"]["text"] = "AFTERX I feel scared all the time"
    d["sections"]["after"]["private"] = True
    d["sections"]["before"]["text"] = "BEFOREX we had a row"
    if keep_help:
        d["sections"]["help"]["text"] = "HELPX my nan"
        d["sections"]["help"]["private"] = True
    d["push"]["bullying"] = {"on": True, "note": "", "private": True}
    d, place = c.add_item(d, "places", "p1")
    d["places"][0]["name"] = "PLACEX the flat on Elm St"
    d["places"][0]["private"] = True
    d["consent"]["school"]["answer"] = "yes"
    d["consent"]["police"]["answer"] = "no"
    return d


def decide(web: Web, uuid: str, world, **changes: object) -> None:
    decision: dict[str, object] = {
        "recipient": "school",
        "parts": ["before"],
        "releases": ["sections.after"],
        "reason": "She is being hurt at school and the school must act today.",
        "decider": str(world.users["manager_a"]),
        "child_told": "told",
        "child_told_how": "In person, at the end of the chat",
        "child_said": "ok",
        "urgent": "y",
        "urgent_reason": "She goes back to school tomorrow.",
    }
    decision.update(changes)
    response = web.post(
        f"/interviews/{uuid}/overrides", decision, page=f"/interviews/{uuid}/consent"
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def confirm_last(app, world, uuid: str, decider: str) -> None:
    """`decider` confirms the decision recorded last."""
    decision_id = stored(app, uuid)["overrides"][-1]["id"]
    page = f"/decisions/{decision_id}"
    response = as_user(app, world, decider).post(f"{page}/confirm", page=page)
    assert response.status_code in (302, 303), response.get_data(as_text=True)


def words_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def read_back_page(web: Web, uuid: str) -> str:
    response = web.get(f"/interviews/{uuid}/read_back")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def letter(web: Web, uuid: str) -> tuple[str, str]:
    """The child's letter: the page's words, and the PDF's."""
    page = words_of(web.get(f"/interviews/{uuid}/child-copy").get_data(as_text=True))
    data = prepared_file(web, f"/interviews/{uuid}/child-copy.pdf", "/")
    pdf = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data.data)).pages
    )
    return page, pdf


def released_to_school_and_police(app, web: Web, world, **made: bool) -> str:
    uuid = start(web, world)
    store(app, uuid, document(**made))
    place = stored(app, uuid)["places"][0]["id"]
    decide(web, uuid, world)  # urgent: in force at once
    decide(
        web,
        uuid,
        world,
        recipient="police",
        parts=[],
        releases=["push.bullying", f"places.{place}"],
        decider=str(world.users["social_worker"]),
        urgent="",
        urgent_reason="",
    )
    confirm_last(app, world, uuid, "social_worker")
    return uuid


def test_what_a_decision_passes_on_against_the_childs_wish_is_said_to_be(app, web, world):
    uuid = released_to_school_and_police(app, web, world)
    said = blocks(read_back_page(web, uuid))
    # Passed on, and said to be what the child asked to keep between us.
    assert (
        f"What you told me about how you feel now ({ASKED}): AFTERX I feel scared all the time"
        in said["school"]
    )
    assert f"Why you wanted to leave ({ASKED}): Being bullied" in said["police"]
    assert f"A place you told me about ({ASKED}): PLACEX the flat on Elm St" in said["police"]
    # What the child agreed to share is worded as before.
    assert "What you told me about before you left: BEFOREX we had a row" in said["school"]
    assert f"before you left ({ASKED})" not in said["school"]
    # "Kept between us" never says they asked nothing to be kept.
    assert NOTHING_KEPT not in said["kept"]
    assert ALL_PASSED_ON in said["kept"]
    school, police = (
        f"Your school will know: What you told me about before you left; What you told me "
        f"about how you feel now ({ASKED})",
        f"The police will know: Why you wanted to leave ({ASKED}); A place you told me about "
        f"({ASKED})",
    )
    for text in letter(web, uuid):
        assert school in text and police in text
        for words in ("AFTERX", "PLACEX", NOTHING_KEPT):  # labels only, as before
            assert words not in text


def test_what_still_stays_between_us_is_listed_with_a_word_on_what_does_not(app, web, world):
    uuid = released_to_school_and_police(app, web, world, keep_help=True)
    kept = blocks(read_back_page(web, uuid))["kept"]
    assert "What you said would help" in kept and "HELPX" not in kept
    assert SOME_PASSED_ON in kept
    assert ALL_PASSED_ON not in kept and NOTHING_KEPT not in kept


def test_in_the_childs_language_too(app, web, world):
    speaks(app, world, "Polish")
    uuid = released_to_school_and_police(app, web, world)
    polish = i18n.compile_catalogues()["pl"]
    said = blocks(read_back_page(web, uuid))
    passed_on = f"What you told me about how you feel now ({ASKED})"
    theirs = polish.gettext(passed_on)
    assert theirs != passed_on and theirs in said["school"]
    assert polish.gettext(ALL_PASSED_ON) in said["kept"]
    for text in letter(web, uuid):
        assert theirs in text


def test_with_no_decision_the_words_are_as_they_were(app, web, world):
    uuid = start(web, world)
    store(app, uuid, document())
    said = blocks(read_back_page(web, uuid))
    assert "What you told me about before you left: BEFOREX we had a row" in said["school"]
    for words in (ASKED, "AFTERX", "PLACEX", "Being bullied"):
        assert words not in " ".join(v for k, v in said.items() if k != "kept")
    assert "What you told me about how you feel now" in said["kept"]
    assert "A place you told me about: PLACEX the flat on Elm St" in said["kept"]
    assert ALL_PASSED_ON not in said["kept"] and SOME_PASSED_ON not in said["kept"]
    for text in letter(web, uuid):
        assert ASKED not in text
        assert "Your school will know: What you told me about before you left." in text


def test_with_nothing_private_it_still_says_nothing_was_asked_to_be_kept(app, web, world):
    uuid = start(web, world)
    d = c.empty_content()
    d["sections"]["before"]["text"] = "BEFOREX we had a row"
    d["consent"]["school"]["answer"] = "yes"
    store(app, uuid, d)
    kept = blocks(read_back_page(web, uuid))["kept"]
    assert NOTHING_KEPT in kept and ALL_PASSED_ON not in kept


def test_a_decision_the_child_is_not_to_be_told_of_stays_off_their_pages(app, web, world):
    uuid = start(web, world)
    store(app, uuid, document())
    decide(web, uuid, world, child_told="not_told")
    page = read_back_page(web, uuid)
    said = blocks(page)
    assert "AFTERX" not in page and ASKED not in page
    assert ALL_PASSED_ON not in page and SOME_PASSED_ON not in page
    # As before: what that decision passes on is not said to be kept, nor passed on.
    assert "What you told me about how you feel now" not in said["kept"]
    for text in letter(web, uuid):
        assert ASKED not in text and "how you feel now" not in text


def test_every_passed_on_label_is_among_the_childs_messages():
    for label in (*read_back.SECTION_WORDS.values(), *read_back.FINDING_WORDS.values()):
        assert f"{label} ({ASKED})" in i18n.CHILD_MESSAGES
    for label in (read_back.PLACE, read_back.PERSON, read_back.WORKER_NOTES, read_back.FELT):
        assert f"{label} ({ASKED})" in i18n.CHILD_MESSAGES
    for label in (read_back.MESSAGE, read_back.NO_OWN_MESSAGE, read_back.POLICE_WORDS):
        assert f"{label} ({ASKED})" in i18n.CHILD_MESSAGES
    assert ALL_PASSED_ON in i18n.CHILD_MESSAGES and SOME_PASSED_ON in i18n.CHILD_MESSAGES


def test_saying_so_does_not_make_an_earlier_answer_look_out_of_date(monkeypatch):
    """An answer the child gave before the read-back said what was passed on against their
    wish keeps its fingerprint: what each copy holds did not change (read_back.what_was_read)."""
    d = document()
    d["overrides"] = [
        {
            "id": "d1",
            "recipient": "police",
            "reason": "Risk of serious harm",
            "child_told": "told",
            "parts": [],
            "releases": ["sections.after", "push.bullying", f"places.{d['places'][0]['id']}"],
        }
    ]
    said = read_back.what_was_read(d, ("d1",))
    police = {r.key: r for r in read_back.recipients(d, ("d1",))}["police"]
    assert police.passes_on_what_was_asked_kept
    monkeypatch.setattr(read_back, "mark_passed_on", lambda things, withheld: things)
    assert read_back.what_was_read(d, ("d1",)) == said


def test_what_goes_with_a_section_passed_on_is_marked_with_it(app, web, world):
    """A private "While away" passed on to the police takes its feeling and the words about
    the police with it, and a private "In your own words" passed on to the social worker takes
    the child's message: each is marked as the section is (they had read as though the child
    had agreed: sharing probe, session 29). The same things, shared because the child said
    yes, are worded as before."""
    uuid = start(web, world)
    d = c.empty_content()
    d["sections"]["away"]["text"] = "AWAYX I stayed at a friend's"
    d["sections"]["away"]["private"] = True
    d["feelings"]["away"] = {"choice": "not_good", "at": ""}
    d["police_contact"] = "POLICEX the officer who found me was kind"
    d["sections"]["own_words"]["text"] = "OWNX I want to stay where I am"
    d["sections"]["own_words"]["private"] = True
    d["child_message"] = "MSGX please ring me after school"
    d["sections"]["before"]["text"] = "BEFOREX we had a row"
    d["feelings"]["before"] = {"choice": "ok", "at": ""}
    d["consent"]["police"]["answer"] = "yes"
    store(app, uuid, d)
    decide(web, uuid, world, recipient="police", parts=["before"], releases=["sections.away"])
    decide(
        web,
        uuid,
        world,
        recipient="social_worker",
        parts=[],
        releases=["sections.own_words"],
        reason="She is at risk tonight and her social worker must know what she said.",
    )
    said = blocks(read_back_page(web, uuid))
    police, social = said["police"], said["social_worker"]
    assert f"What you told me about while you were away ({ASKED}): AWAYX" in police
    assert f"How you said you felt ({ASKED}): \u201cNot so good\u201d" in police
    assert f"What is written about the police ({ASKED}): POLICEX" in police
    assert f"What you want your social worker to know ({ASKED}): \u201cMSGX" in social
    # The child said yes to "Before you left" for the police: its feeling is as before.
    assert "How you said you felt: \u201cOK\u201d" in police
    for text in letter(web, uuid):
        assert f"How you said you felt ({ASKED})" in text
        assert f"What is written about the police ({ASKED})" in text
        assert f"What you want your social worker to know ({ASKED})" in text
