"""With no signal, a contact attempt or an offer dated before the child came back is not kept on
the tablet: it is refused beside its date and time, in the very words the server uses online
(rhi/episodes/service.py not_before_return), and what was typed stays in the form. Before, the
tablet kept it, and the upload took it as it was (the server cannot refuse one event of a
tablet's without leaving the whole item stuck there).

The same minute as the return is not before it (the server compares to the minute too).

The network is really cut (the browser context offline); real Chromium, a real server.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from rhi.episodes import service
from rhi.extensions import db
from rhi.models import Episode
from tests.browser.helpers import offline_on_the_return

pytestmark = pytest.mark.browser

# A time as a datetime-local field takes it, in the tablet's own clock.
LOCAL_INPUT = """([iso, minutes]) => {
    const d = new Date(Date.parse(iso) + minutes * 60000);
    const pad = (n) => String(n).padStart(2, "0");
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
        `T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}"""


def _server_words(live_app, episode_id: int, field: str) -> tuple[str, str]:
    """The return's time (UTC, ISO) and what the server says of a time two hours before it."""
    with live_app.app_context():
        episode = db.session.get(Episode, episode_id)
        returned = episode.returned_at
        with pytest.raises(service.OutcomeError) as refused:
            service.not_before_return(episode, returned - timedelta(hours=2), field)
    assert refused.value.field == field
    return returned.isoformat() + "Z", str(refused.value)


def test_an_attempt_before_the_return_is_refused_in_the_servers_words(page, live_app, new_return):
    episode_id = new_return("Ottoline")
    returned, said = _server_words(live_app, episode_id, "attempted_at")
    assert said.startswith("This is before the child came back (")
    tablet = offline_on_the_return(page, "Ottoline")
    tablet.get_by_text("Record a contact attempt").click()
    attempt = tablet.locator("form[action$='/attempts']")
    before = tablet.evaluate(LOCAL_INPUT, [returned, -120])
    attempt.get_by_label("When").fill(before)
    attempt.get_by_label("How", exact=True).select_option("visit")
    attempt.get_by_label("What happened").select_option("no_answer")
    attempt.get_by_label("Note").fill("Knocked twice; nobody came to the door.")
    attempt.get_by_role("button", name="Save attempt").click()

    refusal = attempt.locator(".error-message")
    expect(refusal).to_have_text(said)
    # Beside the date and time, which has the focus, as the server's page puts it.
    assert refusal.evaluate("(p) => p.nextElementSibling.id") == "attempted_at"
    assert tablet.evaluate("() => document.activeElement.id") == "attempted_at"
    # Nothing kept, and nothing typed lost.
    expect(tablet.get_by_text("Contact attempt: kept on this tablet")).to_have_count(0)
    expect(tablet.locator("[data-shell-events] li")).to_have_text(["Nothing yet."])
    expect(attempt.get_by_label("When")).to_have_value(before)
    expect(attempt.get_by_label("How", exact=True)).to_have_value("visit")
    expect(attempt.get_by_label("What happened")).to_have_value("no_answer")
    expect(attempt.get_by_label("Note")).to_have_value("Knocked twice; nobody came to the door.")

    # The minute the child came back is not before it: kept.
    attempt.get_by_label("When").fill(tablet.evaluate(LOCAL_INPUT, [returned, 0]))
    attempt.get_by_role("button", name="Save attempt").click()
    tablet.get_by_text("Contact attempt: kept on this tablet").wait_for()
    expect(attempt.locator(".error-message")).to_have_count(0)
    expect(tablet.locator("[data-shell-events] li")).to_have_count(1)


def test_an_offer_before_the_return_is_refused_in_the_servers_words(page, live_app, new_return):
    episode_id = new_return("Perpetua")
    returned, said = _server_words(live_app, episode_id, "offered_at")
    tablet = offline_on_the_return(page, "Perpetua")
    tablet.get_by_text("Record the offer").click()
    offer = tablet.locator("form[action$='/offer']")
    before = tablet.evaluate(LOCAL_INPUT, [returned, -120])
    offer.get_by_label("When the interview was offered").fill(before)
    offer.get_by_label("How it was offered").select_option("phone")
    offer.get_by_role("button", name="Save offer").click()

    expect(offer.locator(".error-message")).to_have_text(said)
    expect(tablet.get_by_text("Offer: kept on this tablet")).to_have_count(0)
    expect(offer.get_by_label("When the interview was offered")).to_have_value(before)
