"""Issue 11, item 8: the social worker opens the summary before saying they have read it, says
what happens next, and can ask the worker who wrote it a question; the worker and their manager
see the response and answer in rhi."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from rhi.extensions import db
from rhi.models import AuditEvent, Summary, SummaryQuestion
from tests.app.helpers import autosave, start
from tests.conftest import Web

NOT_OPENED = "Please open the summary first, with the button above."


def finished(app, web, world) -> tuple[str, int]:
    """worker_a finishes an interview for child a: (its uuid, the social worker's summary id)."""
    uuid = start(web, world)
    autosave(web, uuid, "consent.social_worker.answer", "yes", None)
    autosave(web, uuid, "sections.own_words.text", "\u201cI want to see my nan more.\u201d", None)
    web.post(f"/interviews/{uuid}/finish", page=f"/interviews/{uuid}/review")
    with app.app_context():
        return uuid, db.session.scalar(select(Summary.id))


def as_user(app, world, key: str) -> Web:
    other = Web(app.test_client())
    other.sign_in(world.emails[key])
    return other


def text_of(response) -> str:
    page = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return re.sub(r"\s+", " ", html.unescape(page))


def summary_row(app, summary_id: int) -> Summary:
    with app.app_context():
        summary = db.session.get(Summary, summary_id)
        db.session.expunge(summary)
        return summary


def audit_of(app, action: str) -> list[tuple[int | None, str | None, str, str | None]]:
    with app.app_context():
        return [
            (e.user_id, e.object_id, e.outcome, e.detail)
            for e in db.session.scalars(
                select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            )
        ]


def acknowledge(sw: Web, summary_id: int, data: dict[str, str]):
    return sw.post(f"/summaries/{summary_id}/acknowledge", data, page=f"/summaries/{summary_id}")


# --- Opening comes first -------------------------------------------------------------------------


def test_i_have_read_this_is_refused_until_the_summary_is_opened(app, web, world):
    _uuid, summary_id = finished(app, web, world)
    sw = as_user(app, world, "social_worker")
    page = text_of(sw.get(f"/summaries/{summary_id}"))  # the page alone is not the summary
    assert "Opened Not yet" in page
    assert "Open the summary first." in page
    response = acknowledge(sw, summary_id, {"next_step": "no_further_action"})
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert NOT_OPENED in html.unescape(body)
    assert 'aria-describedby="ack-error"' in body and 'id="ack-error"' in body
    assert re.search(
        r'checked[^>]*value="no_further_action"|value="no_further_action"[^>]*checked', body
    )
    summary = summary_row(app, summary_id)
    assert summary.acknowledged_at is None and summary.next_step is None
    assert audit_of(app, "summary.acknowledge") == [
        (world.users["social_worker"], str(summary_id), "refused", "not opened yet")
    ]


def test_the_first_opening_is_recorded_once_and_then_i_have_read_this_works(app, web, world):
    uuid, summary_id = finished(app, web, world)
    sw = as_user(app, world, "social_worker")
    assert sw.get(f"/summaries/{summary_id}/pdf?view=1").status_code == 200
    first = summary_row(app, summary_id)
    assert first.opened_at is not None and first.opened_by_id == world.users["social_worker"]
    sw.get(f"/summaries/{summary_id}/pdf")
    assert summary_row(app, summary_id).opened_at == first.opened_at
    assert audit_of(app, "summary.opened") == [
        (world.users["social_worker"], str(summary_id), "ok", None)
    ]
    assert len(audit_of(app, "summary.download")) == 2
    page = text_of(sw.get(f"/summaries/{summary_id}"))
    assert "Opened Yes, 23 Nov 2026" in page
    assert "Opened, not yet marked as read" in text_of(sw.get("/inbox"))

    response = acknowledge(
        sw, summary_id, {"next_step": "strategy_meeting", "note": "Strategy meeting on Friday."}
    )
    assert response.status_code == 302
    page = text_of(sw.get(f"/summaries/{summary_id}"))
    assert "the interviewer can see you have read it, and what happens next" in page
    assert "What happens next Strategy meeting" in page
    assert "Note Strategy meeting on Friday." in page
    assert "I have read this summary" not in page
    summary = summary_row(app, summary_id)
    assert summary.acknowledged_by_id == world.users["social_worker"]
    assert summary.next_step == "strategy_meeting"
    assert audit_of(app, "summary.acknowledge") == [
        (world.users["social_worker"], str(summary_id), "ok", "next: strategy_meeting")
    ]
    assert "Strategy meeting on Friday" not in str(audit_of(app, "summary.acknowledge"))

    # The worker and their manager see the response: on the review page and the summary page.
    for key in ("worker_a", "manager_a"):
        reader = web if key == "worker_a" else as_user(app, world, key)
        review = text_of(reader.get(f"/interviews/{uuid}/review"))
        assert "What happens next Strategy meeting Note Strategy meeting on Friday." in review
        response = reader.get(f"/summaries/{summary_id}")
        assert response.status_code == 200
        shown = text_of(response)
        assert "What happens next Strategy meeting" in shown
        assert "I have read this summary" not in shown
    views = audit_of(app, "summary.view")
    assert (world.users["manager_a"], str(summary_id), "ok", "interviewer's side") in views


def test_saying_it_again_changes_nothing(app, web, world):
    _uuid, summary_id = finished(app, web, world)
    sw = as_user(app, world, "social_worker")
    sw.get(f"/summaries/{summary_id}/pdf")
    acknowledge(sw, summary_id, {"next_step": "care_plan_updated"})
    # From a tab opened before: not sent twice, and a note typed there is given back to copy.
    response = acknowledge(sw, summary_id, {"next_step": "other", "note": "Mum & school agree."})
    assert response.status_code == 409
    assert "Mum &amp; school agree.</blockquote>" in response.get_data(as_text=True)
    without_note = acknowledge(sw, summary_id, {"next_step": "other"})
    assert without_note.status_code == 302
    assert summary_row(app, summary_id).next_step == "care_plan_updated"
    assert len(audit_of(app, "summary.acknowledge")) == 1


def test_someone_elses_opening_is_not_the_social_workers(app, web, world):
    """The worker may open the kept copy that was sent; that does not open it for the social
    worker."""
    _uuid, summary_id = finished(app, web, world)
    assert web.get(f"/summaries/{summary_id}/pdf").status_code == 200
    assert summary_row(app, summary_id).opened_at is None
    assert audit_of(app, "summary.opened") == []


BAD_RESPONSES = [
    ({}, "next_step", "Choose what happens next."),
    ({"next_step": "ignore_it"}, "next_step", "Choose what happens next."),
    ({"next_step": "other"}, "note", "Write what happens next."),
    ({"next_step": "other", "note": "   "}, "note", "Write what happens next."),
    ({"next_step": "strategy_meeting", "note": "x" * 2001}, "note", "This is too long"),
]


@pytest.mark.parametrize(("data", "field_id", "message"), BAD_RESPONSES)
def test_a_response_without_what_happens_next_is_explained(
    app, web, world, data, field_id, message
):
    _uuid, summary_id = finished(app, web, world)
    sw = as_user(app, world, "social_worker")
    sw.get(f"/summaries/{summary_id}/pdf")
    response = acknowledge(sw, summary_id, data)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert message in body
    assert f'id="{field_id}-error"' in body
    assert re.search(rf'aria-describedby="[^"]*{field_id}-error"', body)
    if data.get("next_step") == "other":
        assert re.search(r'checked[^>]*value="other"|value="other"[^>]*checked', body)
    assert summary_row(app, summary_id).acknowledged_at is None
    assert [a[2] for a in audit_of(app, "summary.acknowledge")] == []


# --- Questions to the worker ---------------------------------------------------------------------


def ask(sw: Web, summary_id: int, text: str):
    return sw.post(f"/summaries/{summary_id}/questions", {"question": text}, page="/inbox")


def answer(reader: Web, uuid: str, summary_id: int, question_id: int, text: str, htmx=False):
    return reader.post(
        f"/summaries/{summary_id}/questions/{question_id}/answer",
        {f"q{question_id}-answer": text},
        page=f"/interviews/{uuid}/review",
        headers={"HX-Request": "true"} if htmx else None,
    )


def question_ids(app) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(SummaryQuestion.id).order_by(SummaryQuestion.id)))


def test_a_question_and_its_answer_are_a_thread_both_sides_see(app, web, world):
    uuid, summary_id = finished(app, web, world)
    sw = as_user(app, world, "social_worker")
    response = ask(sw, summary_id, "Who is the adult she met online?")
    assert response.status_code == 302
    (qid,) = question_ids(app)
    page = text_of(sw.get(f"/summaries/{summary_id}"))
    assert "Your question is sent." in page
    assert "Questions 1 waiting for an answer" in page
    assert "Social Worker asked, 23 Nov 2026" in page
    assert "Who is the adult she met online?" in page
    assert "None" not in text_of(sw.get("/inbox")).split("Your questions")[1][:40]
    assert "1 waiting for an answer" in text_of(sw.get("/inbox"))

    # The worker who wrote it is told on their home page, and sees it waiting on the review
    # page and the summary page.
    home = web.get("/returns").get_data(as_text=True)
    assert "1 question about your summaries, waiting for your answer" in text_of(
        web.get("/returns")
    )
    assert f'href="/interviews/{uuid}/review#summary-copies"' in home
    assert "Social Worker asked about Ada Alpha" in text_of(web.get("/returns"))
    review = text_of(web.get(f"/interviews/{uuid}/review"))
    assert "Questions from the social worker 1 waiting for an answer" in review
    assert "Who is the adult she met online?" in review
    assert "Your answer to Social Worker's question of 23 Nov 2026" in review
    assert "Questions 1 waiting for an answer" in text_of(web.get(f"/summaries/{summary_id}"))
    with app.app_context():
        question = db.session.get(SummaryQuestion, qid)
        assert question.asked_to_id == world.users["worker_a"]

    response = answer(web, uuid, summary_id, qid, "Known to police as 'Jay'; see the police copy.")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/interviews/{uuid}/review#summary-copies")
    review = text_of(web.get(f"/interviews/{uuid}/review"))
    assert "Your answer is sent to the social worker." in review
    assert "Worker A answered, 23 Nov 2026" in review
    assert "waiting for an answer" not in review
    assert "waiting for your answer" not in text_of(web.get("/returns"))
    page = text_of(sw.get(f"/summaries/{summary_id}"))
    assert "Questions 0 waiting for an answer, 1 answered" in page
    assert "Worker A answered" in page and "Known to police as 'Jay'" in page

    assert audit_of(app, "summary.question") == [
        (world.users["social_worker"], str(summary_id), "ok", None)
    ]
    assert audit_of(app, "summary.answer") == [
        (world.users["worker_a"], str(summary_id), "ok", f"question {qid}")
    ]


def test_the_manager_answers_with_htmx_and_a_second_answer_is_refused(app, web, world):
    uuid, summary_id = finished(app, web, world)
    sw = as_user(app, world, "social_worker")
    ask(sw, summary_id, "Is a strategy meeting needed?")
    (qid,) = question_ids(app)
    manager = as_user(app, world, "manager_a")
    response = answer(manager, uuid, summary_id, qid, "Yes: I have asked for one.", htmx=True)
    assert response.status_code == 200
    assert "<html" not in response.get_data(as_text=True)
    assert "Manager A answered" in text_of(response)
    for htmx in (False, True):
        late = answer(web, uuid, summary_id, qid, "Also yes: police & school invited.", htmx=htmx)
        assert late.status_code == 409
        assert "Someone has already answered this question" in text_of(late)
        # The answer typed is given back to copy, not dropped.
        assert "Also yes: police &amp; school invited.</blockquote>" in late.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(SummaryQuestion, qid).answer == "Yes: I have asked for one."
    assert len(audit_of(app, "summary.answer")) == 1


def test_an_empty_question_or_answer_is_explained(app, web, world):
    uuid, summary_id = finished(app, web, world)
    sw = as_user(app, world, "social_worker")
    response = ask(sw, summary_id, "   ")
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Write your question." in body
    assert re.search(r'aria-describedby="[^"]*question-error"', body)
    response = ask(sw, summary_id, "y" * 2001)
    assert response.status_code == 422
    assert "This is too long" in response.get_data(as_text=True)
    assert "y" * 2001 in response.get_data(as_text=True)  # kept as typed
    assert question_ids(app) == []

    ask(sw, summary_id, "Where is the police copy?")
    (qid,) = question_ids(app)
    for htmx in (False, True):
        response = answer(web, uuid, summary_id, qid, "", htmx=htmx)
        assert response.status_code == 422
        body = response.get_data(as_text=True)
        assert "Write your answer." in body
        assert f'id="q{qid}-answer-error"' in body
        assert re.search(rf'aria-describedby="[^"]*q{qid}-answer-error"', body)
        assert ("<html" in body) is not htmx
    with app.app_context():
        assert db.session.get(SummaryQuestion, qid).answered_at is None
    assert audit_of(app, "summary.answer") == []


# --- Who may do what ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key", ["social_worker_other", "worker_b", "manager_b", "manager_care", "admin"]
)
def test_someone_without_access_gets_404_and_nothing_is_recorded(app, web, world, key):
    uuid, summary_id = finished(app, web, world)
    sw = as_user(app, world, "social_worker")
    ask(sw, summary_id, "A question.")
    (qid,) = question_ids(app)
    other = as_user(app, world, key)
    assert other.get(f"/summaries/{summary_id}").status_code == 404
    assert other.get(f"/summaries/{summary_id}/pdf").status_code == 404
    for url, data in (
        (f"/summaries/{summary_id}/acknowledge", {"next_step": "other", "note": "x"}),
        (f"/summaries/{summary_id}/questions", {"question": "Mine."}),
        (f"/summaries/{summary_id}/questions/{qid}/answer", {f"q{qid}-answer": "Theirs."}),
    ):
        assert other.post(url, data, page="/").status_code == 404
    summary = summary_row(app, summary_id)
    assert summary.opened_at is None and summary.acknowledged_at is None
    assert question_ids(app) == [qid]
    with app.app_context():
        assert db.session.get(SummaryQuestion, qid).answered_at is None
    refused = [a for a in audit_of(app, "access.refused") if a[0] == world.users[key]]
    assert len(refused) == 5 and {a[1] for a in refused} == {str(summary_id)}
    assert audit_of(app, "summary.answer") == []


def test_each_side_does_only_its_own_part(app, web, world):
    """The worker cannot say the social worker has read it or ask in their name; the social
    worker cannot answer their own question. Both are told 403: the summary is theirs to see."""
    uuid, summary_id = finished(app, web, world)
    sw = as_user(app, world, "social_worker")
    ask(sw, summary_id, "A question.")
    (qid,) = question_ids(app)
    web.get(f"/summaries/{summary_id}/pdf")
    assert acknowledge(web, summary_id, {"next_step": "no_further_action"}).status_code == 403
    assert ask(web, summary_id, "From the worker.").status_code == 403
    assert answer(sw, uuid, summary_id, qid, "My own answer.").status_code == 403
    assert summary_row(app, summary_id).acknowledged_at is None
    assert question_ids(app) == [qid]
    refused = audit_of(app, "change.refused")
    assert (world.users["worker_a"], str(summary_id), "refused", None) in refused
    assert (world.users["social_worker"], str(summary_id), "refused", None) in refused
    page = text_of(web.get(f"/summaries/{summary_id}"))
    assert "Send the question" not in page and "I have read this summary" not in page
    assert "Answer it on the interview's review page" in page


def test_a_question_of_another_summary_is_not_found(app, web, world):
    uuid, summary_id = finished(app, web, world)
    assert answer(web, uuid, summary_id, 12345, "Nothing.").status_code == 404


def test_without_the_csrf_token_nothing_changes(app, web, world):
    _uuid, summary_id = finished(app, web, world)
    sw = as_user(app, world, "social_worker")
    sw.get(f"/summaries/{summary_id}/pdf")
    response = sw.client.post(
        f"/summaries/{summary_id}/acknowledge", data={"next_step": "no_further_action"}
    )
    assert response.status_code == 400
    assert (
        sw.client.post(f"/summaries/{summary_id}/questions", data={"question": "Q"}).status_code
        == 400
    )
    assert summary_row(app, summary_id).acknowledged_at is None
    assert question_ids(app) == []


def test_a_link_from_another_site_does_not_mark_the_summary_opened(app, web, world):
    """The sign-in cookie goes with a link followed from another site: the copy is shown, but
    that is not the social worker opening it, and "I have read this" still waits for that."""
    _uuid, summary_id = finished(app, web, world)
    sw = as_user(app, world, "social_worker")
    url = f"/summaries/{summary_id}/pdf"
    for elsewhere in ("cross-site", "same-site"):
        shown = sw.client.get(url, headers={"Sec-Fetch-Site": elsewhere})
        assert shown.status_code == 200 and shown.mimetype == "application/pdf"
    assert summary_row(app, summary_id).opened_at is None
    assert "Open the summary first." in text_of(sw.get(f"/summaries/{summary_id}"))
    assert sw.client.get(url, headers={"Sec-Fetch-Site": "same-origin"}).status_code == 200
    assert summary_row(app, summary_id).opened_at is not None
