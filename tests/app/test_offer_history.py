"""A child's "no", and each offer, stay on record when a later one takes their place.

A probe found a "no" kept open then a "yes" wiped the no and the child's words from the page
and the figures, an offer made again overwrote when the child was first offered one (the time
to offer went from 3 hours to a week, in the figures and the inspectors' list), and the social
worker's notice went on saying "the offer stays open" or "asked not to be offered it again"
when neither was true."""

from __future__ import annotations

import re

from sqlalchemy import select

from rhi.extensions import db
from rhi.models import ContactAttempt, Interview
from rhi.models.episodes import Notice
from tests.conftest import Web

NO = {
    "declined_at": "2026-11-23T03:10",
    "reason": "“I don't want to talk about it right now.”",
    "offer_again": "yes",
}


def _as(app, world, key: str) -> Web:
    web = Web(app.test_client())
    web.sign_in(world.emails[key])
    return web


def _interview(app) -> Interview:
    with app.app_context():
        return db.session.scalar(select(Interview))


def _history(app) -> list[tuple[str, str, str | None]]:
    with app.app_context():
        return [
            (a.attempted_at.strftime("%d/%m %H:%M"), a.outcome, a.note)
            for a in db.session.scalars(select(ContactAttempt).order_by(ContactAttempt.id))
        ]


def _open_notices(app) -> list[Notice]:
    with app.app_context():
        return db.session.scalars(
            select(Notice).where(Notice.kind == "offer_declined", Notice.dismissed_at.is_(None))
        ).all()


def test_a_no_then_an_offer_again_then_a_yes_keeps_the_first_offer_and_the_childs_words(app, world):
    worker = _as(app, world, "worker_a")
    url = f"/episodes/{world.episodes['a']}"
    offer = {"offered_at": "2026-11-23T03:00", "method": "phone"}
    assert worker.post(url + "/offer", offer, page=url).status_code == 302
    assert worker.post(url + "/decline", NO, page=url).status_code == 302
    assert len(_open_notices(app)) == 1  # the social worker is told of the no
    again = {"offered_at": "2026-11-23T09:00", "method": "visit"}
    assert worker.post(url + "/offer", again, page=url).status_code == 302
    assert (
        worker.post(url + "/accept", {"accepted_at": "2026-11-23T09:05"}, page=url).status_code
        == 302
    )

    interview = _interview(app)
    # UTC in November: local time is UTC. The first offer is the interview's.
    assert interview.offered_at.strftime("%d/%m %H:%M") == "23/11 03:00"
    assert interview.offer_method == "phone" and interview.status == "accepted"
    assert _history(app) == [
        ("23/11 09:00", "offered_again", None),
        ("23/11 03:10", "said_no", NO["reason"]),
    ]
    page = worker.get(url).get_data(as_text=True)
    assert "23 Nov 2026 03:00 (Phone call)" in page
    attempts = page.split("<h3>Contact attempts</h3>")[1].split("</table>")[0]
    assert "Offered again" in attempts and "Visit" in attempts
    assert "The child said no" in attempts
    assert "I don&#39;t want to talk about it right now." in attempts
    # The no is no longer true: the social worker's unread notice of it is withdrawn.
    assert _open_notices(app) == []
    home = _as(app, world, "social_worker").get("/children").get_data(as_text=True)
    assert "not taken up yet" not in home


def test_an_offer_recorded_earlier_than_the_first_takes_its_place_and_keeps_it(app, world):
    worker = _as(app, world, "worker_a")
    url = f"/episodes/{world.episodes['a']}"
    worker.post(url + "/offer", {"offered_at": "2026-11-23T06:00", "method": "visit"}, page=url)
    worker.post(url + "/offer", {"offered_at": "2026-11-23T04:00", "method": "text"}, page=url)
    interview = _interview(app)
    assert interview.offered_at.strftime("%H:%M") == "04:00" and interview.offer_method == "text"
    assert _history(app) == [("23/11 06:00", "offered_again", None)]


def test_a_final_no_recorded_as_the_outcome_tells_the_social_worker_truly(app, world):
    worker = _as(app, world, "worker_a")
    url = f"/episodes/{world.episodes['a']}"
    worker.post(url + "/offer", {"offered_at": "2026-11-23T03:00", "method": "phone"}, page=url)
    ended = {
        "outcome": "declined",
        "outcome_at": "2026-11-23T11:00",
        "reason": "She asked us not to ask again.",
    }
    assert worker.post(url + "/outcome", ended, page=url).status_code == 302
    home = _as(app, world, "social_worker").get("/children").get_data(as_text=True)
    assert "said no to a return home interview" in home
    # The outcome's form asks nothing of offering again: never "she asked" (a probe).
    assert "The return has since ended: child said no." in home
    assert "asked not to be offered" not in home and "The offer stays open" not in home


def test_a_no_kept_open_then_not_reached_says_how_the_return_ended(app, world):
    worker = _as(app, world, "worker_a")
    url = f"/episodes/{world.episodes['a']}"
    worker.post(url + "/offer", {"offered_at": "2026-11-23T03:00", "method": "phone"}, page=url)
    worker.post(url + "/decline", NO, page=url)
    home = _as(app, world, "social_worker").get("/children").get_data(as_text=True)
    assert "The offer stays open: it is made again from" in home
    # One sentence after another, with a space between (a probe found "12:00.The offer").
    said = " ".join(home.split())
    assert re.search(r"said no to a return home interview on [^<]+?\. The offer stays open", said)
    worker.post(
        url + "/attempts",
        {"attempted_at": "2026-11-23T10:00", "method": "visit", "outcome": "not_in"},
        page=url,
    )
    ended = {"outcome": "not_reached", "outcome_at": "2026-11-23T11:00", "reason": "Two visits."}
    assert worker.post(url + "/outcome", ended, page=url).status_code == 302
    # Before, the notice said she "asked not to be offered it again": she never did. It still
    # tells of her no (the social worker may not have read it yet), and how the return ended.
    home = _as(app, world, "social_worker").get("/children").get_data(as_text=True)
    assert "said no to a return home interview" in home
    assert "The return has since ended: not reached after attempts." in home
    assert "asked not to be offered" not in home and "The offer stays open" not in home


def test_an_offer_or_answer_before_the_child_came_back_is_refused_beside_its_field(app, world):
    """Typed a day early, an offer made the time to offer negative: the service page said
    "under an hour". Ada came back at 02:00 on 23 November."""
    worker = _as(app, world, "worker_a")
    url = f"/episodes/{world.episodes['a']}"
    early = "2026-11-22T09:00"
    for path, data, field in (
        ("/offer", {"offered_at": early, "method": "phone"}, "offered_at"),
        ("/decline", {**NO, "declined_at": early}, "declined_at"),
    ):
        response = worker.post(url + path, data, page=url)
        assert response.status_code == 422, path
        html = response.get_data(as_text=True)
        error = html.split(f'id="{field}-error"')[1].split("</p>")[0]
        assert "This is before the child came back (23 Nov 2026 02:00)" in error, path
        assert f'value="{early}"' in html, path  # kept as typed
    started = worker.post(
        f"{url}/interview", {"offered_at": early, "method": "visit", "answer": "yes"}, page=url
    )
    assert started.status_code == 422
    assert "before the child came back" in started.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Interview.offered_at)) is None


def test_the_same_offer_again_adds_nothing_and_a_late_offer_does_not_undo_a_no(app, world):
    worker = _as(app, world, "worker_a")
    url = f"/episodes/{world.episodes['a']}"
    offer = {"offered_at": "2026-11-23T05:00", "method": "phone"}
    worker.post(url + "/offer", offer, page=url)
    worker.post(url + "/offer", offer, page=url)  # sent twice
    assert _history(app) == []
    worker.post(url + "/decline", {**NO, "declined_at": "2026-11-23T06:00"}, page=url)
    # An earlier offer, recorded after the no: kept, and the child's no stands.
    worker.post(url + "/offer", {"offered_at": "2026-11-23T04:00", "method": "visit"}, page=url)
    interview = _interview(app)
    assert interview.status == "declined" and interview.offer_method == "visit"
    assert _history(app) == [("23/11 05:00", "offered_again", None)]


def test_an_offer_recorded_after_the_answer_it_came_before_is_the_first_offer(app, world):
    """A yes recorded with no offer before it fills in the offer's time from its own; the
    offer, recorded afterwards, is the first one, not the child being offered it again."""
    worker = _as(app, world, "worker_a")
    url = f"/episodes/{world.episodes['a']}"
    worker.post(url + "/accept", {"accepted_at": "2026-11-23T06:00"}, page=url)
    worker.post(url + "/offer", {"offered_at": "2026-11-23T04:00", "method": "visit"}, page=url)
    interview = _interview(app)
    assert (interview.status, interview.offer_method) == ("accepted", "visit")
    assert interview.offered_at.strftime("%d/%m %H:%M") == "23/11 04:00"
    assert _history(app) == []
    page = worker.get(url).get_data(as_text=True)
    assert "Offered again" not in page
    # A later offer, after the yes, is an offer made again.
    worker.post(url + "/offer", {"offered_at": "2026-11-23T08:00", "method": "phone"}, page=url)
    assert _history(app) == [("23/11 08:00", "offered_again", None)]


def test_a_second_no_without_the_carers_words_keeps_what_the_carer_said(app, world):
    worker = _as(app, world, "worker_a")
    url = f"/episodes/{world.episodes['a']}"
    carer = {"carer_information": "y", "carer_said": "She came home hungry and slept all day."}
    worker.post(url + "/decline", {**NO, **carer}, page=url)
    worker.post(url + "/decline", {**NO, "declined_at": "2026-11-23T09:00"}, page=url)
    assert _interview(app).carer_said == "She came home hungry and slept all day."
    page = worker.get(url).get_data(as_text=True)
    assert "She came home hungry and slept all day." in page


def test_with_an_offer_on_record_starting_asks_only_for_the_childs_answer(app, world):
    """An accessibility probe (WCAG 3.3.7, redundant entry): with the offer recorded, "Before
    you start" asked again when and how it was offered, filled with now and no way; what was
    typed there was kept as an offer made again, without a word."""
    worker = _as(app, world, "worker_a")
    url = f"/episodes/{world.episodes['a']}"
    offer = {"offered_at": "2026-11-23T03:00", "method": "phone"}
    assert worker.post(url + "/offer", offer, page=url).status_code == 302
    page = worker.get(url).get_data(as_text=True)
    start = page.split("data-start-offer")[1].split("</fieldset>")[0]
    assert "Before you start: Ada's answer" in start
    assert "Offered 23 Nov 2026 03:00 (Phone call)." in start
    assert 'name="offered_at"' not in start and 'name="method"' not in start
    # No answer: said beside it, the offer still not asked for.
    refused = worker.post(url + "/interview", {}, page=url)
    assert refused.status_code == 422
    assert "Choose the child&#39;s answer." in refused.get_data(as_text=True)
    # An answer alone starts it; the offer stays the one on record, and none is added.
    started = worker.post(url + "/interview", {"answer": "yes"}, page=url)
    assert started.status_code == 302 and "/interviews/" in started.headers["Location"]
    interview = _interview(app)
    assert interview.status == "in_progress"
    assert interview.offered_at.strftime("%d/%m %H:%M") == "23/11 03:00"
    assert interview.offer_method == "phone"
    assert interview.accepted_at.strftime("%d/%m %H:%M") == "23/11 12:00"
    assert _history(app) == []
