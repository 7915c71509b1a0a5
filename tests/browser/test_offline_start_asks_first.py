"""With no signal, starting an interview whose offer and answer are not recorded asks for both
first, in one step, as online (issue 13, item 6): the rule is the server's (`may_start`, handed
to the tablet), a "yes" is only what the worker chose, and all of it reaches the server.

Real Chromium, a real server on localhost, `context.set_offline(True)` cutting the page off.
"""

from __future__ import annotations

import pytest

from tests.browser.helpers import (
    STORE,
    filled,
    go_to,
    interviews_for,
    kept,
    offline_on_the_return,
    send_from_returns,
    serious_violations,
)

pytestmark = pytest.mark.browser

NAME = "Henrietta"
WORDS = "I stayed at my cousin's flat in Leeds."


def test_offline_start_asks_for_the_offer_and_the_answer_first(page, live_app, new_return):
    episode_id = new_return(NAME)
    tablet = offline_on_the_return(page, NAME)  # a kept return: no offer recorded yet
    step = tablet.get_by_role("group", name=f"Before you start: the offer and {NAME}'s answer")
    step.wait_for()
    assert serious_violations(tablet) == []

    # Tapping start does not start it: how it was offered, then the child's answer, are asked
    # for, never assumed.
    tablet.get_by_role("button", name="Start the interview now").click()
    step.get_by_text("Choose how you offered it.").wait_for()
    step.get_by_label("How you offered it").select_option("visit")
    tablet.get_by_role("button", name="Start the interview now").click()
    step.get_by_text("Choose the child's answer.").wait_for()
    assert f"/episodes/{episode_id}" in tablet.url
    assert tablet.get_by_text("Talking with").count() == 0

    step.get_by_label("Yes, they would like to talk now").check()
    tablet.get_by_role("button", name="Start the interview now").click()
    tablet.get_by_role("heading", name=f"Talking with {NAME}").wait_for()
    filled(tablet)
    go_to(tablet, "While away")
    tablet.get_by_label(f"What {NAME} said").fill(WORDS)
    kept(tablet, "#meta-sections-away-text")

    # Back online: the offer, the yes and the words are on the server, once. The store locks
    # first (as after 15 idle minutes): an unlocked page coming back online sends on its own,
    # which is right, but raced the bar's "1 interview ... waiting to send" this test waits for.
    tablet.evaluate(f"async () => {STORE}.lock()")
    tablet.context.set_offline(False)
    send_from_returns(tablet)
    (interview,) = interviews_for(live_app, episode_id)
    assert interview.status == "in_progress"
    assert interview.offered_at is not None and interview.offer_method == "visit"
    assert interview.accepted_at == interview.offered_at  # the yes, as the one step records it
    assert interview.content["sections"]["away"]["text"] == WORDS


def test_offline_an_interview_accepted_and_not_begun_says_start(page, live_app, new_return):
    """A tablet probe: offline, a return whose child had said yes, with nothing begun, offered
    "Continue the interview"; online it is "Start the interview now"."""
    from datetime import timedelta

    from rhi.extensions import db
    from rhi.models import Episode, Interview

    episode_id = new_return("Ignatia")
    with live_app.app_context():
        episode = db.session.get(Episode, episode_id)
        at = episode.returned_at + timedelta(minutes=30)
        interview = Interview(
            status="accepted",
            due_at=episode.returned_at + timedelta(hours=72),
            offered_at=at,
            offer_method="phone",
            accepted_at=at,
            content={},
        )
        interview.episodes.append(episode)
        db.session.add(interview)
        db.session.commit()
    tablet = offline_on_the_return(page, "Ignatia")
    tablet.get_by_role("button", name="Start the interview now").wait_for()
    assert tablet.get_by_role("button", name="Continue the interview").count() == 0


def test_offline_an_offer_recorded_first_is_not_asked_for_again(page, live_app, new_return):
    """A tablet probe: offline, after "Record the offer", the start step still asked how it was
    offered, and the offer typed again was kept as a second offer. With the offer on record it
    asks only for the child's answer, as online (rhi/episodes/service.py offer_on_record)."""
    from sqlalchemy import select

    from rhi.extensions import db
    from rhi.models import ContactAttempt

    episode_id = new_return("Octavia")
    tablet = offline_on_the_return(page, "Octavia")
    tablet.get_by_text("Record the offer").click()
    offer = tablet.locator("form[action$='/offer']")
    offer.get_by_label("When the interview was offered").fill(
        tablet.evaluate(
            "() => { const d = new Date(Date.now() - 60000);"
            " const p = (n) => String(n).padStart(2, '0');"
            " return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}"
            "T${p(d.getHours())}:${p(d.getMinutes())}`; }"
        )
    )
    offer.get_by_label("How it was offered").select_option("phone")
    offer.get_by_role("button", name="Save offer").click()

    step = tablet.get_by_role("group", name="Before you start: Octavia's answer", exact=True)
    step.wait_for()
    assert step.get_by_label("How you offered it").count() == 0
    assert step.get_by_label("When you offered the interview").count() == 0
    step.get_by_label("Yes, they would like to talk now").check()
    tablet.get_by_role("button", name="Start the interview now").click()
    tablet.get_by_role("heading", name="Talking with Octavia").wait_for()
    filled(tablet)

    tablet.evaluate(f"async () => {STORE}.lock()")
    tablet.context.set_offline(False)
    send_from_returns(tablet)
    (interview,) = interviews_for(live_app, episode_id)
    assert interview.status == "in_progress"
    assert interview.offer_method == "phone"  # the one offer, as recorded
    with live_app.app_context():
        attempts = db.session.scalars(
            select(ContactAttempt.outcome).where(ContactAttempt.interview_id == interview.id)
        ).all()
    assert "offered_again" not in attempts
