"""Saving an interview's page without JavaScript: the whole page is posted, and a field that is
refused comes back on the same page holding what was typed, with its reason beside it and in a
summary at the top, never as a fresh page that has dropped the words."""

from __future__ import annotations

import re

from tests.app.helpers import autosave, content, start


def _box(html: str, field_id: str) -> str:
    """The value a one-line box or a text box shows."""
    line = re.search(rf'<input[^>]*id="{field_id}"[^>]*value="([^"]*)"', html)
    if line:
        return line.group(1)
    box = re.search(rf'<textarea[^>]*id="{field_id}"[^>]*>(.*?)</textarea>', html, re.S)
    assert box, f"no box {field_id}"
    return box.group(1)


def test_a_refused_field_keeps_the_words_and_says_why_next_to_it(app, web, world):
    uuid = start(web, world)
    response = web.post(
        f"/interviews/{uuid}/save",
        {
            "page": "start",
            "f:start.location": "The library, by the window",
            "o:start.location": "",
            "f:start.held_on": "the thirty-first of February",
            "o:start.held_on": "",
            "f:start.present": "Just us &amp; Sam's foster carer",
            "o:start.present": "",
        },
        page=f"/interviews/{uuid}/start",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    # What was typed is still in its box; the field that was fine was saved.
    assert _box(html, "in-start-held_on") == "the thirty-first of February"
    assert _box(html, "in-start-location") == "The library, by the window"
    saved = content(app, uuid)[0]["start"]
    assert saved["location"] == "The library, by the window"
    assert saved["present"] == "Just us &amp; Sam's foster carer"
    assert _box(html, "in-start-present") == "Just us &amp;amp; Sam&#39;s foster carer"
    assert saved["held_on"] != "the thirty-first of February"
    # The reason is beside the field, and the summary at the top links to it.
    reason = re.search(r'id="error-start-held_on">Not saved: ([^<]+)<', html)
    assert reason and reason.group(1).strip()
    assert re.search(r'<div class="error-summary"[^>]*>.*href="#in-start-held_on"', html, re.S)
    assert "<title>Error: " in html
    assert re.search(r'id="in-start-held_on"[^>]*aria-describedby="[^"]*error-start-held_on"', html)
    assert 'aria-invalid="true"' in html

    # Put right and saved again: saved, and the page is a fresh one.
    fixed = web.post(
        f"/interviews/{uuid}/save",
        {"page": "start", "f:start.held_on": "", "o:start.held_on": saved["held_on"]},
        page=f"/interviews/{uuid}/start",
        follow=True,
    )
    assert fixed.status_code == 200
    assert "Saved." in fixed.get_data(as_text=True)


def test_a_field_changed_elsewhere_keeps_the_words_and_saving_again_keeps_them(app, web, world):
    uuid = start(web, world)
    autosave(web, uuid, "sections.away.text", "Stayed at a friend's.", "")
    # This page was opened before that save: it still thinks the field is empty.
    response = web.post(
        f"/interviews/{uuid}/save",
        {
            "page": "away",
            "f:sections.away.text": "Went to Leeds on the train.",
            "o:sections.away.text": "",
        },
        page=f"/interviews/{uuid}/away",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert _box(html, "in-sections-away-text").strip() == "Went to Leeds on the train."
    assert "Not saved: this changed somewhere else" in html
    assert "Stayed at a friend&#39;s." in html  # the other version, to compare
    assert re.search(r'href="#in-sections-away-text"', html)
    assert content(app, uuid)[0]["sections"]["away"]["text"] == "Stayed at a friend's."
    # The page now carries the other version as its original: saving again keeps the words.
    original = re.search(r'name="o:sections.away.text" value="([^"]*)"', html)
    assert original and original.group(1) == "Stayed at a friend&#39;s."
    again = web.post(
        f"/interviews/{uuid}/save",
        {
            "page": "away",
            "f:sections.away.text": "Went to Leeds on the train.",
            "o:sections.away.text": "Stayed at a friend's.",
        },
        page=f"/interviews/{uuid}/away",
        follow=True,
    )
    assert again.status_code == 200
    assert content(app, uuid)[0]["sections"]["away"]["text"] == "Went to Leeds on the train."


def test_a_refused_choice_links_to_its_first_option(app, web, world):
    uuid = start(web, world)
    response = web.post(
        f"/interviews/{uuid}/save",
        {"page": "consent", "f:consent.police.answer": "everything", "o:consent.police.answer": ""},
        page=f"/interviews/{uuid}/consent",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'href="#in-consent-police-answer-1"' in html
    assert 'id="in-consent-police-answer-1"' in html


def _read_back(web, uuid: str, data: dict[str, str]):
    return web.post(f"/interviews/{uuid}/read-back", data, page=f"/interviews/{uuid}/read_back")


def test_the_childs_changes_are_kept_when_no_answer_was_chosen(app, web, world):
    uuid = start(web, world)
    words = "Please don't write down Dee's name."
    response = _read_back(web, uuid, {"f:read_back.changes": words})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert _box(html, "in-read_back-changes") == "Please don&#39;t write down Dee&#39;s name."
    assert re.search(r'id="error-read_back-answer">.*Choose one of the answers\.', html)
    assert 'href="#in-read_back-answer-1"' in html
    assert content(app, uuid)[0]["read_back"]["answer"] == ""
    # Chosen, and sent again: recorded with the child's words.
    recorded = _read_back(
        web, uuid, {"f:read_back.answer": "changes", "f:read_back.changes": words}
    )
    assert recorded.status_code == 302
    assert content(app, uuid)[0]["read_back"]["changes"] == words


def test_changes_too_long_to_keep_come_back_in_the_box(app, web, world):
    uuid = start(web, world)
    words = "I want it to say that I was scared. " * 2000
    response = _read_back(
        web, uuid, {"f:read_back.answer": "changes", "f:read_back.changes": words}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert _box(html, "in-read_back-changes").startswith("I want it to say that I was scared.")
    assert len(_box(html, "in-read_back-changes")) >= len(words.rstrip())
    assert re.search(r'id="in-read_back-changes"[^>]*aria-invalid="true"', html)
    assert re.search(r'id="error-read_back-changes">', html)
    # The answer chosen is still chosen.
    assert re.search(r'value="changes" checked', html)
    assert content(app, uuid)[0]["read_back"]["changes"] == ""


def test_adding_a_place_keeps_a_refused_field_of_the_page_sent_with_it(app, web, world):
    uuid = start(web, world)
    note = "push.family_conflict.note"
    for tick in ("push.family_conflict.on", "push.bullying.on"):
        autosave(web, uuid, tick, "1", "0")
    autosave(web, uuid, note, "Arguments at home most nights.", "")
    # Without JavaScript, "Add a place" posts the whole page, opened before that save.
    response = web.post(
        f"/interviews/{uuid}/items/places",
        {
            "page": "findings",
            f"f:{note}": "Mum and her partner argue about money.",
            f"o:{note}": "",
            "f:push.bullying.note": "Names called on the bus.",
            "o:push.bullying.note": "",
        },
        page=f"/interviews/{uuid}/findings",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert (
        _box(html, "in-push-family_conflict-note").strip()
        == "Mum and her partner argue about money."
    )
    assert "Not saved: this changed somewhere" in html
    saved = content(app, uuid)[0]
    assert len(saved["places"]) == 1  # the place was added
    assert saved["push"]["bullying"]["note"] == "Names called on the bus."  # the rest saved


def test_words_sent_to_a_finished_interview_are_given_back_to_copy(app, web, world):
    uuid = start(web, world)
    web.post(f"/interviews/{uuid}/finish", page=f"/interviews/{uuid}/review")
    words = "She said Jay & his friend drove her to Leeds."
    for url in (f"/interviews/{uuid}/save", f"/interviews/{uuid}/items/people"):
        response = web.post(
            url,
            {
                "page": "away",
                "f:sections.away.text": words,
                "o:sections.away.text": "",
                "f:sections.away.private": "0",
                "o:sections.away.private": "0",
            },
            page=f"/interviews/{uuid}/review",
        )
        html = response.get_data(as_text=True)
        assert response.status_code == 409, url
        assert "Not saved." in html and "This interview has been finished" in html
        assert (
            '<blockquote class="typed prose">She said Jay &amp; his friend drove her to Leeds.'
            in html
        )
        assert html.count("<blockquote") == 1  # only what differs from the record
    assert content(app, uuid)[0]["sections"]["away"]["text"] == ""
    # The list's own button, with htmx, on a page opened before it was finished: said plainly.
    refused = web.post(
        f"/interviews/{uuid}/items/people",
        {},
        page=f"/interviews/{uuid}/review",
        headers={"HX-Request": "true"},
    )
    assert refused.status_code == 409
    assert "This changed while your page was open" in refused.get_data(as_text=True)
