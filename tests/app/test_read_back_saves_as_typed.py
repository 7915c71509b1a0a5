"""A probe: the changes a child asked for at the read-back were lost on leaving the page. The
read-back's answer was a plain form with no autosave, so "I want changes" and the child's words,
typed and then left by "Review and finish", a reload or Back, came back as an empty box, with
the banner above still saying "Everything saves as you type".

Now the changes box saves as it is typed, by the save every box uses (the catalogue field
read_back.changes), with its original for clashes and the CSRF token; the child's answer is
still recorded only by "Save what <child> said", with what was read; and the banner says so.
(tests/browser/test_read_back_saves_as_typed_browser.py leaves the page in a real browser.)
"""

from __future__ import annotations

import html as htmllib
import re

from sqlalchemy import select

from rhi.extensions import db
from rhi.interviews import content as c
from rhi.interviews import read_back
from rhi.models import Interview
from tests.app.helpers import autosave, start, store
from tests.app.helpers import stored_document as stored

WORDS = "Take out the bit about my mum's boyfriend."
GAP = "What will be shared was not read back to the child."


def shared(app, uuid: str) -> None:
    """Something to read back: the child's words from while away, shared with the social
    worker."""
    d = c.empty_content()
    d["sections"]["away"]["text"] = "I stayed at a friend's in Hull"
    d["consent"]["social_worker"]["answer"] = "yes"
    store(app, uuid, d)


def read_back_of(app, uuid: str) -> str | None:
    with app.app_context():
        return db.session.scalar(select(Interview.read_back_of).where(Interview.uuid == uuid))


def read_back_form(page: str) -> str:
    """The read-back's own form (its answer, the changes box and its save button)."""
    match = re.search(r'<form[^>]*action="[^"]*/read-back"[^>]*>.*?</form>', page, re.S)
    assert match, "no read-back form"
    return match.group(0)


def changes_box(page: str) -> tuple[str, str]:
    """The changes box's tag and the words in it."""
    match = re.search(r'(<textarea id="in-read_back-changes"[^>]*>)(.*?)</textarea>', page, re.S)
    assert match, "no changes box"
    return match.group(1), htmllib.unescape(match.group(2))


def original(page: str) -> str | None:
    match = re.search(r'<input type="hidden" name="o:read_back.changes" value="([^"]*)"', page)
    return htmllib.unescape(match.group(1)) if match else None


def test_the_changes_save_as_typed_and_are_there_on_coming_back(app, web, world):
    uuid = start(web, world)
    shared(app, uuid)
    page = web.get(f"/interviews/{uuid}/read_back").get_data(as_text=True)
    # The box saves itself as every box does: to the interview's save, with what it started
    # from (in the read-back's form, where its save and the page's leaving read it).
    tag, _ = changes_box(page)
    assert f'hx-post="/interviews/{uuid}/save"' in tag and "data-autosave" in tag
    assert 'hx-params="f:read_back.changes,o:read_back.changes"' in tag
    assert original(read_back_form(page)) == ""
    # The banner's promise is what this page does.
    assert "Everything saves as you type" not in page
    assert (
        "Ada can stop or take a break at any time. What you type saves as you type; what Ada "
        "said is recorded when you tap &#8220;Save what Ada said&#8221;." in page
    )

    saved = autosave(web, uuid, "read_back.changes", WORDS, "")
    assert saved.status_code == 200 and "Saved" in saved.get_data(as_text=True)

    # Left (Review and finish, a reload, Back) and come back to: the child's words are there.
    again = web.get(f"/interviews/{uuid}/read_back").get_data(as_text=True)
    assert changes_box(again)[1] == WORDS
    assert original(again) == WORDS
    # Saved as typed, the answer is not recorded: nothing is chosen, not read back, no when.
    assert not re.search(r'name="f:read_back.answer" value="[a-z_]+" checked', again)
    assert "Not read back yet." in again
    assert stored(app, uuid)["read_back"] == {"answer": "", "changes": WORDS, "at": ""}
    assert read_back_of(app, uuid) is None
    assert GAP in web.get(f"/interviews/{uuid}/review").get_data(as_text=True)


def test_without_the_csrf_token_the_changes_are_not_saved(app, web, world):
    uuid = start(web, world)
    web.get(f"/interviews/{uuid}/read_back")
    refused = web.client.post(
        f"/interviews/{uuid}/save",
        data={"f:read_back.changes": WORDS, "o:read_back.changes": ""},
        headers={"HX-Request": "true"},
    )
    assert refused.status_code == 400
    assert stored(app, uuid)["read_back"]["changes"] == ""


def test_the_answer_is_recorded_only_when_saved_with_what_was_read(app, web, world):
    uuid = start(web, world)
    shared(app, uuid)
    autosave(web, uuid, "read_back.changes", WORDS, "")
    page = f"/interviews/{uuid}/read_back"

    # Saved as typed, the words are still changes asked for now: another answer is refused
    # (never recorded as "Yes, that's right" beside them), and the box keeps them.
    refused = web.post(
        f"/interviews/{uuid}/read-back",
        {
            "f:read_back.answer": "agreed",
            "f:read_back.changes": WORDS,
            "o:read_back.changes": WORDS,
        },
        page=page,
    )
    assert refused.status_code == 422
    sent_back = refused.get_data(as_text=True)
    assert "choose \u201cI want changes\u201d to record them" in htmllib.unescape(sent_back)
    assert changes_box(sent_back)[1] == WORDS
    assert stored(app, uuid)["read_back"]["answer"] == ""

    # "Save what Ada said": recorded, with when and what was read.
    recorded = web.post(
        f"/interviews/{uuid}/read-back",
        {
            "f:read_back.answer": "changes",
            "f:read_back.changes": WORDS,
            "o:read_back.changes": WORDS,
        },
        page=page,
    )
    assert recorded.status_code == 302
    document = stored(app, uuid)
    assert document["read_back"] == {
        "answer": "changes",
        "changes": WORDS,
        "at": "2026-11-23 12:00",
    }
    assert read_back_of(app, uuid).partition(":")[0] == read_back.what_was_read(document, set())

    # The words put better afterwards save as typed too, and are not a change to what was read.
    better = WORDS + " And the name of the street."
    assert autosave(web, uuid, "read_back.changes", better, WORDS).status_code == 200
    after = web.get(page).get_data(as_text=True)
    assert changes_box(after)[1] == better
    assert "data-read-back-changed" not in after
    assert re.search(r'value="changes" checked', after)


def test_words_sent_back_unsaved_keep_what_the_server_holds_as_their_original(app, web, world):
    """Without JavaScript, words sent with no answer chosen come back in the box; the box's
    original stays what the server holds, so its next save is not a clash with itself."""
    uuid = start(web, world)
    sent = web.post(
        f"/interviews/{uuid}/read-back",
        {"f:read_back.changes": WORDS},
        page=f"/interviews/{uuid}/read_back",
    )
    assert sent.status_code == 422
    html = sent.get_data(as_text=True)
    assert changes_box(html)[1] == WORDS
    assert original(read_back_form(html)) == ""
    assert autosave(web, uuid, "read_back.changes", WORDS, "").status_code == 200
    assert stored(app, uuid)["read_back"]["changes"] == WORDS


def test_an_answer_from_a_page_drawn_before_the_words_were_saved_does_not_empty_them(
    app, web, world
):
    """A page drawn before the box's last words reached the server (the words go as the page
    is left, beside the next page's own request) shows the box as it was: "I want changes"
    saved from it is a clash, shown with the other version, never written over the words."""
    uuid = start(web, world)
    page = f"/interviews/{uuid}/read_back"
    drawn = web.get(page).get_data(as_text=True)
    assert original(read_back_form(drawn)) == ""
    autosave(web, uuid, "read_back.changes", WORDS, "")  # arrives after the page was drawn
    clash = web.post(
        f"/interviews/{uuid}/read-back",
        {"f:read_back.answer": "changes", "f:read_back.changes": "", "o:read_back.changes": ""},
        page=page,
    )
    assert clash.status_code == 409
    html = htmllib.unescape(clash.get_data(as_text=True))
    assert "Not saved: this changed somewhere else since you opened it." in html
    assert re.search(r'<div class="theirs prose">\s*' + re.escape(WORDS), html)
    assert original(html) == WORDS  # saved again, the worker's own choice is kept
    assert stored(app, uuid)["read_back"] == {"answer": "", "changes": WORDS, "at": ""}


def test_new_changes_typed_at_a_second_read_back_are_not_recorded_as_agreed(app, web, world):
    """A review: the box saves as typed, so at a second read-back the words held are always
    the words sent, and new changes typed there with "Yes, that's right" left chosen were
    recorded as the child agreeing. The words the box held when the child last answered are
    kept with that answer (read_back.answered_mark): the changes asked for before may stand
    beside a later "Yes, that's right"; new ones may not."""
    uuid = start(web, world)
    shared(app, uuid)
    page = f"/interviews/{uuid}/read_back"

    def answer(choice: str, words: str):
        return web.post(
            f"/interviews/{uuid}/read-back",
            {
                "f:read_back.answer": choice,
                "f:read_back.changes": words,
                "o:read_back.changes": words,
            },
            page=page,
        )

    autosave(web, uuid, "read_back.changes", WORDS, "")
    assert answer("changes", WORDS).status_code == 302
    # Read again once the changes were made: the child agrees, the changes asked for before
    # still in the box (and in the record).
    assert answer("agreed", WORDS).status_code == 302
    assert stored(app, uuid)["read_back"]["answer"] == "agreed"
    # A third reading: new changes typed (saved as typed), "Yes, that's right" still chosen.
    newer = "Please take out what I said about my mum."
    assert autosave(web, uuid, "read_back.changes", newer, WORDS).status_code == 200
    refused = answer("agreed", newer)
    assert refused.status_code == 422
    assert "choose \u201cI want changes\u201d to record them" in htmllib.unescape(
        refused.get_data(as_text=True)
    )
    assert stored(app, uuid)["read_back"]["answer"] == "agreed"  # as it was: nothing recorded
    assert answer("changes", newer).status_code == 302
