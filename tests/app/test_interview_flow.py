"""The whole interview through the test client, bad input, and the summary's failure path."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from rhi.extensions import db
from rhi.interviews.content import MAX_TEXT
from rhi.models import Interview, Summary
from tests.app.helpers import autosave, content, start
from tests.conftest import Web, csrf_from

EVERY_SECTION = {
    "start.explained_voluntary": "1",
    "start.explained_confidentiality": "1",
    "start.location": "Her nan's kitchen",
    "start.present": "Ada and her nan",
    "sections.before.text": "\u201cThe new carer shouts at me.\u201d",
    "sections.away.text": "Stayed with a friend in Hull. Took the train with money from an "
    "adult she met online.",
    "sections.after.text": "\u201cOK now. Tired.\u201d",
    "sections.help.text": "She would like more time with her nan.",
    "sections.own_words.text": "\u201cPlease tell Sam I want to see my nan more.\u201d",
    "sections.analysis.text": "An adult she met online paid for her travel: online grooming "
    "is a concern.",
    "push.placement_relationships.on": "1",
    "pull.friends_family.on": "1",
    "harms.online_grooming.on": "1",
    "harms.online_grooming.note": "Messages from an adult on a game chat.",
    "protective_factors": "Her nan; she told us about the messages.",
    "risk_view": "medium",
    "consent.social_worker.answer": "yes",
    "consent.police.answer": "yes",
    "consent.parents_carers.answer": "no",
    "consent.parents_carers.words": "Not my mum.",
}


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_whole_flow_from_offer_to_acknowledgement(app, web, world):
    url = f"/episodes/{world.episodes['a']}"
    web.sign_in(world.emails["worker_a"])
    web.post(url + "/offer", {"offered_at": "2026-11-22T10:00", "method": "phone"}, page=url)
    web.post(url + "/accept", {"accepted_at": "2026-11-22T10:05"}, page=url)
    uuid = start(web, world)
    for path, value in EVERY_SECTION.items():
        response = autosave(web, uuid, path, value, None)
        assert response.status_code == 200, (path, response.get_data(as_text=True))
    review = web.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    for text in (
        "Please tell Sam I want to see my nan more.",
        "Online grooming",
        "Messages from an adult on a game chat.",
        "Medium risk of harm",
    ):
        assert text in review.replace("&#39;", "'")
    web.post(f"/interviews/{uuid}/finish", page=f"/interviews/{uuid}/review")
    assert content(app, uuid)[2] == "shared"

    social_worker = Web(app.test_client())
    social_worker.sign_in(world.emails["social_worker"])
    with app.app_context():
        summary_id = db.session.scalar(select(Summary.id))
    text = pdf_text(social_worker.get(f"/summaries/{summary_id}/pdf").data)
    assert "I want to see my nan more" in text
    assert "online grooming" in text.lower()
    # What happens next is said with "I have read this" (issue 11 item 8).
    social_worker.post(
        f"/summaries/{summary_id}/acknowledge",
        {"next_step": "no_further_action"},
        page=f"/summaries/{summary_id}",
    )

    review = web.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    assert "To Social Worker" in review and "read " in review

    # Parents and carers: the child said no, so their copy carries none of her words.
    parents = pdf_text(web.get(f"/interviews/{uuid}/copies/parents_carers.pdf?draft=1").data)
    assert "nan more" not in parents and "Hull" not in parents


def test_second_download_is_the_kept_copy(app, web, world):
    uuid = start(web, world)
    autosave(web, uuid, "consent.social_worker.answer", "yes", None)
    web.post(f"/interviews/{uuid}/finish", page=f"/interviews/{uuid}/review")
    social_worker = Web(app.test_client())
    social_worker.sign_in(world.emails["social_worker"])
    with app.app_context():
        summary_id = db.session.scalar(select(Summary.id))
    first = social_worker.get(f"/summaries/{summary_id}/pdf")
    second = social_worker.get(f"/summaries/{summary_id}/pdf")
    assert first.data == second.data  # byte for byte: rendered once, kept
    assert first.headers["Cache-Control"] == "no-store"
    assert "Ada" not in first.headers["Content-Disposition"]


def test_long_text_emoji_rtl_and_markup_are_kept_exactly_and_escaped(app, web, world):
    uuid = start(web, world)
    tricky = ("<script>alert(1)</script> <b>bold</b> 😀 مرحبا بك e\u0301 " * 1000)[:MAX_TEXT]
    assert autosave(web, uuid, "sections.away.text", tricky, "").status_code == 200
    assert content(app, uuid)[0]["sections"]["away"]["text"] == tricky
    page = web.get(f"/interviews/{uuid}/away").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    autosave(web, uuid, "consent.police.answer", "yes", None)
    text = pdf_text(web.get(f"/interviews/{uuid}/copies/police.pdf?draft=1").data)
    assert "<script>alert(1)</script>" in text  # shown as text, not run or dropped
    too_long = autosave(web, uuid, "sections.after.text", "x" * (MAX_TEXT + 1), "")
    assert too_long.status_code == 422
    assert "too long to save" in too_long.get_data(as_text=True)


def test_held_on_in_the_future_is_refused(app, web, world):
    uuid = start(web, world)
    held = content(app, uuid)[0]["start"]["held_on"]
    assert held  # filled in when the interview starts
    response = autosave(web, uuid, "start.held_on", "2099-01-01 10:00", held)
    assert response.status_code == 422
    assert "can&#39;t be in the future" in response.get_data(as_text=True)
    bad = autosave(web, uuid, "start.held_on", "next Tuesday", held)
    assert "Enter a date and time like 2026-11-23 14:30" in bad.get_data(as_text=True)
    assert autosave(web, uuid, "start.held_on", "23/11/2026 09:15", held).status_code == 200
    assert content(app, uuid)[0]["start"]["held_on"] == "2026-11-23 09:15"


def test_a_save_after_finishing_elsewhere_is_reported_not_applied(app, web, world):
    uuid = start(web, world)
    page = web.get(f"/interviews/{uuid}/away").get_data(as_text=True)
    other = Web(app.test_client())
    other.sign_in(world.emails["manager_a"])
    other.post(f"/interviews/{uuid}/finish", page=f"/interviews/{uuid}/review")
    token = csrf_from(page)
    response = web.client.post(
        f"/interviews/{uuid}/save",
        data={"f:sections.away.text": "late words", "o:sections.away.text": ""},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
    assert response.status_code == 409
    assert "has been finished (perhaps on another device)" in response.get_data(as_text=True)
    assert content(app, uuid)[0]["sections"]["away"]["text"] == ""


def test_summary_failure_keeps_the_interview_and_can_be_retried(app, web, world, monkeypatch):
    from rhi.summaries import service as summaries

    uuid = start(web, world)

    def broken(*args, **kwargs):
        raise RuntimeError("renderer fell over")

    monkeypatch.setattr(summaries, "render_for", broken)
    page = web.post(
        f"/interviews/{uuid}/finish", page=f"/interviews/{uuid}/review", follow=True
    ).get_data(as_text=True)
    assert "its summary could not be made just now" in page
    assert content(app, uuid)[2] == "finished"
    monkeypatch.undo()
    page = web.post(
        f"/interviews/{uuid}/send-summary", page=f"/interviews/{uuid}/review", follow=True
    ).get_data(as_text=True)
    assert "The summary is in the social worker" in page
    assert content(app, uuid)[2] == "shared"


def test_summary_command_writes_the_recipients_pdf(app, web, world, tmp_path):
    uuid = start(web, world)
    autosave(web, uuid, "sections.away.text", "A flat in Hull.", "")
    out = tmp_path / "police.pdf"
    result = app.test_cli_runner().invoke(
        args=["rhi", "summary", uuid, "--for", "police", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    text = pdf_text(out.read_bytes())
    assert "Prepared for Police (command line)" in text
    assert "A flat in Hull." not in text  # the child was not asked about the police
    with app.app_context():
        assert (
            db.session.scalar(select(Interview.status).where(Interview.uuid == uuid))
            == "in_progress"
        )


def test_kept_back_text_is_in_the_record_and_in_no_pdf(app, web, world):
    uuid = start(web, world)
    autosave(web, uuid, "sections.away.text", "Stayed with a friend.", "")
    autosave(web, uuid, "sections.away.kept_back", "Her friend's mum is called Tina.", "")
    autosave(web, uuid, "consent.police.answer", "yes", None)
    review = web.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    assert "Her friend&#39;s mum is called Tina." in review
    text = pdf_text(web.get(f"/interviews/{uuid}/copies/police.pdf?draft=1").data)
    assert "Stayed with a friend." in text and "Tina" not in text


def test_a_summary_that_failed_for_a_child_with_no_social_worker_can_be_sent_again(
    app, web, world, monkeypatch
):
    """The message says "Send the summary again below": the button is there whoever it goes
    to (the duty inbox here), not only when a social worker is allocated."""
    from rhi.models import Child, Setting
    from rhi.summaries import service as summaries

    with app.app_context():
        db.session.get(Child, world.children["a"]).social_worker_id = None
        db.session.add(Setting(name="RHI_DUTY_INBOX", value=world.emails["social_worker_other"]))
        db.session.commit()
    uuid = start(web, world)

    def broken(*args, **kwargs):
        raise RuntimeError("renderer fell over")

    monkeypatch.setattr(summaries, "render_for", broken)
    page = web.post(
        f"/interviews/{uuid}/finish", page=f"/interviews/{uuid}/review", follow=True
    ).get_data(as_text=True)
    assert "Send the summary again</button>" in page
    monkeypatch.undo()
    page = web.post(
        f"/interviews/{uuid}/send-summary", page=f"/interviews/{uuid}/review", follow=True
    ).get_data(as_text=True)
    assert "The summary is in Social Worker Other&#39;s inbox." in page


def test_a_nul_character_pasted_into_a_form_is_dropped_not_a_failure(app, web, world):
    """PostgreSQL holds no NUL in text: an addendum pasted with one failed whole (500) and the
    words were lost. Every form drops it (rhi/forms/base.py)."""
    uuid = start(web, world)
    review = f"/interviews/{uuid}/review"
    assert web.post(f"/interviews/{uuid}/finish", page=review).status_code in (302, 303)
    sent = web.post(
        f"/interviews/{uuid}/addenda", {"text": "She rang back\x00 at six."}, page=review
    )
    assert sent.status_code in (302, 303)
    with app.app_context():
        from rhi.models import Addendum

        assert db.session.scalar(select(Addendum.text)) == "She rang back at six."


def _child_said_no_meanwhile(web, world, uuid: str) -> str:
    """The interview's page is open; on the return's page the child's no is recorded, the offer
    not kept open: the return has its outcome, the interview ends unfinished."""
    page = web.get(f"/interviews/{uuid}/away").get_data(as_text=True)
    url = f"/episodes/{world.episodes['a']}"
    said = web.post(
        url + "/decline",
        {"declined_at": "2026-11-23T10:05", "reason": "I've said enough.", "offer_again": "no"},
        page=url,
        follow=True,
    )
    assert said.status_code == 200
    return page


def test_a_save_after_the_child_said_no_elsewhere_is_refused_with_the_words_kept(app, web, world):
    uuid = start(web, world)
    page = _child_said_no_meanwhile(web, world, uuid)
    response = web.client.post(
        f"/interviews/{uuid}/save",
        data={"f:sections.away.text": "late words", "o:sections.away.text": ""},
        headers={"HX-Request": "true", "X-CSRFToken": csrf_from(page)},
    )
    assert response.status_code == 409  # was a 500: the worker's page retried for ever
    said = response.get_data(as_text=True)
    assert "now has its outcome (the child said no, or another was recorded)" in said
    assert "add them as an addendum on the review page" in said
    assert content(app, uuid)[0]["sections"]["away"]["text"] == ""
    # Without JavaScript the review page quotes the words, to add as an addendum.
    whole = web.client.post(
        f"/interviews/{uuid}/save",
        data={
            "csrf_token": csrf_from(page),
            "page": "away",
            "f:sections.away.text": "late words",
            "o:sections.away.text": "",
        },
    )
    assert whole.status_code == 409
    text = whole.get_data(as_text=True)
    assert "late words" in text and "Add what you wrote as an addendum below." in text
    # A list's button (adding a person) is refused too, not a 500.
    added = web.client.post(
        f"/interviews/{uuid}/items/people",
        data={"csrf_token": csrf_from(page)},
        headers={"HX-Request": "true", "X-CSRFToken": csrf_from(page)},
    )
    assert added.status_code == 409


def test_a_plain_form_sent_after_the_page_expired_gives_back_what_was_typed(app, web, world):
    """Signed out after a while with nothing sent, a form without htmx (here the child's no on
    the return's page) was answered "may need to be entered again", and Back led to sign-in and
    an empty form: the words typed come back to copy, and only to rhi's own page."""
    url = f"/episodes/{world.episodes['a']}"
    web.sign_in(world.emails["worker_a"])
    token = csrf_from(web.get(url).get_data(as_text=True))
    web.sign_out()  # as the idle timeout does: the page's token is no longer the session's
    said = {
        "csrf_token": token,
        "declined_at": "2026-11-23T10:05",
        "reason": "I'm tired and I don't want to talk about the flat today.",
        "offer_again": "yes",
        "carer_information": "y",
        "carer_said": "Her nan says she was collected from school by a man in a black car.",
        "contact": "07700 900123",  # a number someone gave: words to keep, not a code
        "f:harms.sleeping_rough.note": "Slept two nights at the bus station.",  # not a "pin"
    }
    expired = web.client.post(url + "/decline", data=said, headers={"Origin": "http://localhost"})
    assert expired.status_code == 400
    text = " ".join(expired.get_data(as_text=True).split())
    assert "What you typed, to copy:" in text
    assert "I&#39;m tired and I don&#39;t want to talk about the flat today." in text
    assert "collected from school by a man in a black car." in text
    assert "07700 900123" in text and "Slept two nights at the bus station." in text
    assert "2026-11-23T10:05" not in text and token not in text  # not words: not quoted
    # From another site's page (or sent without saying where from), nothing is quoted back.
    for headers in ({"Origin": "https://elsewhere.example"}, {}):
        other = web.client.post(url + "/decline", data=said, headers=headers)
        assert other.status_code in (400, 403)
        assert "black car" not in other.get_data(as_text=True)


@pytest.mark.parametrize(
    ("url", "form"),
    [
        ("/sign-in", {"email": "x@example.org", "password": "Sunflower-Tuesday-42"}),
        (
            "/account/password",
            {"current": "Sunflower-Tuesday-42", "password": "Sunflower-Tuesday-43", "again": "x"},
        ),
    ],
)
def test_a_password_sent_after_the_page_expired_is_never_shown_again(app, web, world, url, form):
    web.sign_in(world.emails["worker_a"])
    token = csrf_from(web.get("/returns").get_data(as_text=True))
    web.sign_out()
    expired = web.client.post(
        url, data={"csrf_token": token, **form}, headers={"Origin": "http://localhost"}
    )
    assert expired.status_code == 400
    text = expired.get_data(as_text=True)
    assert "Sunflower-Tuesday" not in text and "What you typed, to copy" not in text
