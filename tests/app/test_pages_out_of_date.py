"""A page opened before the record moved on (a colleague recorded the child's answer, the
interview was finished, the return was given its outcome): what it sends is never applied over
what is recorded, and what was typed is never thrown away: the page says what happened and
gives the words back."""

from __future__ import annotations

from datetime import timedelta

import markupsafe as markup
from sqlalchemy import select

from rhi.extensions import db
from rhi.models import Interview
from rhi.models.base import utcnow
from rhi.timefmt import to_local
from tests.app.helpers import start
from tests.conftest import Web

CHILD_SAID = "I'm not talking to anyone from the council & that's that."


def _an_hour_ago(app) -> str:
    with app.app_context():
        return (to_local(utcnow()) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")


def _interview(app) -> Interview:
    with app.app_context():
        found = db.session.scalar(select(Interview))
        assert found is not None
        db.session.expunge(found)
        return found


def test_a_no_from_a_page_opened_before_a_colleague_recorded_yes_starts_nothing(app, web, world):
    episode = world.episodes["a"]
    web.sign_in(world.emails["worker_a"])
    colleague = Web(app.test_client())
    colleague.sign_in(world.emails["manager_a"])
    when = _an_hour_ago(app)
    colleague.post(
        f"/episodes/{episode}/offer",
        {"offered_at": when, "method": "visit"},
        page=f"/episodes/{episode}",
    )
    colleague.post(
        f"/episodes/{episode}/accept", {"accepted_at": when}, page=f"/episodes/{episode}"
    )
    # This worker's page still showed the start form: the child said no.
    response = web.post(
        f"/episodes/{episode}/interview",
        {"offered_at": when, "method": "visit", "answer": "no", "reason": CHILD_SAID},
        page=f"/episodes/{episode}",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert _interview(app).status == "accepted"  # not started
    assert _interview(app).decline_reason is None
    assert "Nothing was started" in page and "someone recorded that Ada said yes" in page
    # The child's words wait in "The child said no", open, for the worker to save.
    assert markup.escape(CHILD_SAID) in page
    assert '<details class="action" open>\n      <summary>The child said no</summary>' in page
    saved = web.post(
        f"/episodes/{episode}/decline",
        {"declined_at": when, "reason": CHILD_SAID, "offer_again": "yes"},
        page=f"/episodes/{episode}",
    )
    assert saved.status_code == 302
    assert _interview(app).decline_reason == CHILD_SAID


def test_a_yes_from_a_page_opened_before_a_colleague_recorded_yes_starts_it(app, web, world):
    episode = world.episodes["a"]
    web.sign_in(world.emails["worker_a"])
    when = _an_hour_ago(app)
    web.post(
        f"/episodes/{episode}/offer",
        {"offered_at": when, "method": "visit"},
        page=f"/episodes/{episode}",
    )
    web.post(f"/episodes/{episode}/accept", {"accepted_at": when}, page=f"/episodes/{episode}")
    response = web.post(
        f"/episodes/{episode}/interview",
        {"offered_at": when, "method": "visit", "answer": "yes", "reason": ""},
        page=f"/episodes/{episode}",
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/start")
    assert _interview(app).status == "in_progress"


def test_a_no_for_a_finished_interview_is_given_back(app, web, world):
    uuid = start(web, world)
    web.post(f"/interviews/{uuid}/finish", page=f"/interviews/{uuid}/review")
    assert _interview(app).locked
    episode = world.episodes["a"]
    form = {
        "declined_at": _an_hour_ago(app),
        "reason": CHILD_SAID,
        "offer_again": "yes",
        "carer_said": "Her mum says she has been\nsleeping a lot.",
    }
    for headers in (None, {"HX-Request": "true"}):
        response = web.post(
            f"/episodes/{episode}/decline", form, page=f"/episodes/{episode}", headers=headers
        )
        page = response.get_data(as_text=True)
        assert response.status_code == 409
        assert "Not saved." in page and "This interview has been finished" in page
        # Quoted back to copy, each under its label.
        assert f'<blockquote class="typed prose">{markup.escape(CHILD_SAID)}</blockquote>' in page
        assert "sleeping a lot." in page and "What the carer said (optional)" in page
    assert _interview(app).decline_reason is None
    # The start form's "no" for it too.
    response = web.post(
        f"/episodes/{episode}/interview",
        {"offered_at": _an_hour_ago(app), "method": "visit", "answer": "no", "reason": CHILD_SAID},
        page=f"/episodes/{episode}",
    )
    assert response.status_code == 409
    assert markup.escape(CHILD_SAID) in response.get_data(as_text=True)


def test_an_outcome_sent_after_another_was_recorded_is_given_back(app, web, world):
    episode = world.episodes["a"]
    web.sign_in(world.emails["worker_a"])
    first = {
        "outcome": "declined",
        "outcome_at": _an_hour_ago(app),
        "reason": "Not today, thanks.",
    }
    assert (
        web.post(f"/episodes/{episode}/outcome", first, page=f"/episodes/{episode}").status_code
        == 302
    )
    again = {**first, "outcome": "declined", "reason": "She said she was fine and wanted to sleep."}
    response = web.post(f"/episodes/{episode}/outcome", again, page=f"/episodes/{episode}")
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "This return has its outcome now" in page
    assert "She said she was fine and wanted to sleep." in page


def test_a_decision_to_share_sent_to_a_finished_interview_is_given_back(app, web, world):
    uuid = start(web, world)
    decision = {
        "recipient": "police",
        "parts": ["away"],
        "reason": "",
        "decider": str(world.users["manager_a"]),
        "child_told": "told",
        "child_said": "She said she understood but was scared of what Jay would do.",
    }
    # Sent back with an error: the summary at the top links to the field.
    response = web.post(
        f"/interviews/{uuid}/overrides", decision, page=f"/interviews/{uuid}/consent"
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<title>Error: " in page and 'class="error-summary"' in page
    web.post(f"/interviews/{uuid}/finish", page=f"/interviews/{uuid}/review")
    decision["reason"] = "An adult is holding her phone and sending her to other towns."
    response = web.post(
        f"/interviews/{uuid}/overrides", decision, page=f"/interviews/{uuid}/review"
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "This interview has been finished" in page
    assert "An adult is holding her phone and sending her to other towns." in page
    assert "She said she understood but was scared of what Jay would do." in page
