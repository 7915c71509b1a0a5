"""Placeholders and honest counts beyond the interview's own fields (issue 14 items 1 and 5).

A suggestion's placeholder ("[reason]") left in the note about a delay is a gap on review and
is named when finishing, even when the summary cannot be made; one left in a decline reason (on
the episode page or the start form), an addendum or a safeguarding decision is named when it is
saved, and the words are kept as written. A "refused to engage" left in a
decline reason is counted as left on the manager's Wording page, once, and a phrase kept there
with "Keep my words" is counted as kept, not also as left."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from rhi.extensions import db
from rhi.models import Episode, Interview
from tests.app.helpers import start
from tests.conftest import Web, csrf_from

DELAY_NOTE = "The interview was late because [reason]."


def _text(page: str) -> str:
    """A page's words, tags dropped and runs of spaces made one."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _start_late(web: Web, world) -> str:
    """An interview for Ben's return, whose deadline has passed (tests/world.py)."""
    return start(web, world, worker="worker_b", episode="b")


def _finish_late(web: Web, uuid: str):
    data = {"delay_reason": "interpreter", "delay_note": DELAY_NOTE}
    return web.post(
        f"/interviews/{uuid}/finish", data, page=f"/interviews/{uuid}/review", follow=True
    )


def _interview(app, episode_id: int) -> Interview:
    with app.app_context():
        found = db.session.get(Episode, episode_id).interview
        db.session.expunge(found)
        return found


def test_finishing_names_a_placeholder_in_the_delay_note_when_the_pdf_cannot_be_made(
    app, web, world, monkeypatch
):
    from rhi.summaries import service as summaries

    def broken(*args, **kwargs):
        raise RuntimeError("renderer fell over")

    monkeypatch.setattr(summaries, "render_for", broken)
    uuid = _start_late(web, world)
    page = _text(_finish_late(web, uuid).get_data(as_text=True))
    assert "its summary could not be made just now" in page
    assert "Still to fill in, as an addendum:" in page
    assert "\u201cAbout the delay\u201d still has [reason] to fill in." in page
    interview = _interview(app, world.episodes["b"])
    assert (interview.status, interview.delay_note) == ("finished", DELAY_NOTE)


def test_review_lists_a_placeholder_left_in_the_delay_note(app, web, world):
    uuid = _start_late(web, world)
    finished = _text(_finish_late(web, uuid).get_data(as_text=True))
    assert "Interview finished. Still to fill in, as an addendum:" in finished
    review = _text(web.get(f"/interviews/{uuid}/review").get_data(as_text=True))
    assert "Still to fill in, as an addendum (1)" in review
    assert "\u201cAbout the delay\u201d still has [reason] to fill in." in review


def test_a_decline_reason_with_a_placeholder_is_saved_and_the_placeholder_named(app, web, world):
    web.sign_in(world.emails["worker_a"])
    url = f"/episodes/{world.episodes['a']}"
    reason = "She did not want to talk because [reason]."
    data = {"declined_at": "2026-11-23T10:00", "reason": reason, "offer_again": "yes"}
    page = _text(web.post(url + "/decline", data, page=url, follow=True).get_data(as_text=True))
    assert "Saved: the child does not want an interview now." in page
    assert "[reason] is still in what the child said: replace it with what you know." in page
    assert _interview(app, world.episodes["a"]).decline_reason == reason
    # The same on the page's panel, as htmx swaps it in.
    token = csrf_from(web.get(url).get_data(as_text=True))
    outcome = {
        "csrf_token": token,
        "outcome": "declined",
        "outcome_at": "2026-11-23T11:00",
        "reason": "Not today, [reasons].",
    }
    panel = web.client.post(url + "/outcome", data=outcome, headers={"HX-Request": "true"})
    assert panel.status_code == 200
    said = _text(panel.get_data(as_text=True))
    assert "Outcome saved: child said no." in said
    assert "[reasons] is still in the reason: replace it with what you know." in said
    assert _interview(app, world.episodes["a"]).outcome_reason == "Not today, [reasons]."


def _wording_rows(page: str) -> dict[str, tuple[int, ...]]:
    """The Wording page's table: phrase -> (changed, kept, left as written)."""
    rows = {}
    for phrase, cells in re.findall(r'<th scope="row">([^<]+)</th>(.*?)</tr>', page, re.S):
        rows[phrase.strip()] = tuple(int(n) for n in re.findall(r"<td>(\d+)</td>", cells))
    return rows


def _decline(web: Web, world, reason: str) -> None:
    web.sign_in(world.emails["worker_a"])
    url = f"/episodes/{world.episodes['a']}"
    # "No, the child asked us not to": the reason is also the outcome's, and counted once.
    data = {"declined_at": "2026-11-23T10:00", "reason": reason, "offer_again": "no"}
    assert web.post(url + "/decline", data, page=url).status_code == 302


def _wording_page(app, world) -> str:
    manager = Web(app.test_client())
    manager.sign_in(world.emails["manager_a"])
    return manager.get("/oversight/language").get_data(as_text=True)


def test_refused_to_engage_left_in_a_decline_is_counted_as_left_and_kept_once_kept(app, web, world):
    _decline(web, world, "She refused to engage when I called.")
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.decline_reason != ""))
        assert interview.outcome_reason == interview.decline_reason
    page = _wording_page(app, world)
    rows = _wording_rows(page)
    assert rows.get("Refused to engage") == (0, 0, 1), rows
    assert rows["All phrases"] == (0, 0, 1)
    for name in ("Ada", "Alpha", "Ben", "Worker A", world.emails["worker_a"]):
        assert name not in page

    # "Keep my words" in that box: kept, and no longer also left.
    token = csrf_from(web.get(f"/episodes/{world.episodes['a']}").get_data(as_text=True))
    told = web.client.post(
        "/language/events",
        data={"rule_id": "refused-to-engage", "action": "dismissed"},
        headers={"X-CSRFToken": token},
    )
    assert told.status_code == 204
    assert _wording_rows(_wording_page(app, world)).get("Refused to engage") == (0, 1, 0)


def test_a_no_on_the_start_form_with_a_placeholder_is_saved_and_the_placeholder_named(
    app, web, world
):
    web.sign_in(world.emails["worker_a"])
    url = f"/episodes/{world.episodes['a']}"
    reason = "She said no because [reason]."
    data = {"offered_at": "2026-11-23T09:30", "method": "visit", "answer": "no", "reason": reason}
    page = _text(web.post(url + "/interview", data, page=url, follow=True).get_data(as_text=True))
    assert "[reason] is still in what the child said: replace it with what you know." in page
    assert _interview(app, world.episodes["a"]).decline_reason == reason


def test_an_addendum_with_a_placeholder_is_added_and_the_placeholder_named(app, web, world):
    uuid = _start_late(web, world)
    _finish_late(web, uuid)
    note = "She later said she stayed at [reason] for two nights."
    review = f"/interviews/{uuid}/review"
    page = _text(
        web.post(f"/interviews/{uuid}/addenda", {"text": note}, page=review, follow=True).get_data(
            as_text=True
        )
    )
    assert "Addendum added. [reason] is still in the addendum: replace it with what you know." in (
        page
    )
    assert note in page


def test_a_decision_with_placeholders_is_recorded_and_each_box_named(app, web, world):
    uuid = start(web, world)
    page = f"/interviews/{uuid}/consent"
    decision = {
        "recipient": "police",
        "parts": ["away"],
        "reason": "An adult is holding her phone and [reason].",
        "decider": str(world.users["manager_a"]),
        "child_told": "told",
        "child_said": "She said [reasons].",
    }
    said = _text(
        web.post(f"/interviews/{uuid}/overrides", decision, page=page, follow=True).get_data(
            as_text=True
        )
    )
    assert "The decision to share without agreement is recorded." in said
    assert "[reason] is still in why it must be shared: replace it with what you know." in said
    assert "[reasons] is still in what the child said: replace it with what you know." in said
    assert "how the child was told" not in said  # nothing left there
    with app.app_context():
        [saved] = db.session.get(Episode, world.episodes["a"]).interview.content["overrides"]
    assert saved["reason"] == decision["reason"]
