"""A contact attempt, and the return's outcome, come after the child came back.

A helper found the episode page's attempt and outcome forms took any date: a visit, or "not
reached", dated while Ada was still missing was saved, and the register and the timeliness
figures read it as tried before she was back (while a return time is never moved after an
attempt or an outcome: rhi/episodes/notifications.py `recorded_before`). They are refused as the
offer and the child's answer are, by the same rule (`service.not_before_return`), beside the
date, with what was typed kept. Ada came back at 02:00 on 23 November (local time is UTC then).
"""

from __future__ import annotations

from sqlalchemy import func, select

from rhi.extensions import db
from rhi.models import ContactAttempt, Episode, Interview
from tests.conftest import Web

EARLY = "2026-11-22T09:00"  # the day before she came back
BEFORE = "This is before the child came back (23 Nov 2026 02:00). Check the date and time."


def _worker(app, world) -> tuple[Web, str]:
    web = Web(app.test_client())
    web.sign_in(world.emails["worker_a"])
    return web, f"/episodes/{world.episodes['a']}"


def _error(html: str, field: str) -> str:
    """The message shown beside `field` (macros/forms.html)."""
    return html.split(f'id="{field}-error"')[1].split("</p>")[0]


def _attempts(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ContactAttempt))


def test_a_contact_attempt_before_the_child_came_back_is_refused_beside_its_date(app, world):
    worker, url = _worker(app, world)
    attempt = {
        "attempted_at": EARLY,
        "method": "visit",
        "outcome": "not_in",
        "note": "Knocked twice; no answer at the placement.",
    }
    refused = worker.post(url + "/attempts", attempt, page=url)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert BEFORE in " ".join(_error(html, "attempted_at").split())
    assert f'value="{EARLY}"' in html  # kept as typed, note and all
    assert "Knocked twice; no answer at the placement." in html
    assert _attempts(app) == 0
    with app.app_context():  # and no interview was made for it
        assert db.session.scalar(select(Interview)) is None

    # The minute she came back is not before it (her return is 02:00 and a few seconds: the
    # tests' clock ticks).
    at_return = {**attempt, "attempted_at": "2026-11-23T02:00"}
    assert worker.post(url + "/attempts", at_return, page=url).status_code == 302
    assert _attempts(app) == 1


def test_an_outcome_before_the_child_came_back_is_refused_beside_its_date(app, world):
    worker, url = _worker(app, world)
    tried = {"attempted_at": "2026-11-23T03:00", "method": "phone", "outcome": "no_answer"}
    assert worker.post(url + "/attempts", tried, page=url).status_code == 302

    for outcome in (
        {"outcome": "not_reached", "reason": "Phoned and visited; no one answered."},
        {
            "outcome": "not_interviewed",
            "reason": "Seen by the police instead.",
            "decided_by": "Sam Lee, team manager",
        },
    ):
        refused = worker.post(url + "/outcome", {**outcome, "outcome_at": EARLY}, page=url)
        assert refused.status_code == 422, outcome["outcome"]
        html = refused.get_data(as_text=True)
        assert BEFORE in " ".join(_error(html, "outcome_at").split()), outcome["outcome"]
        assert f'value="{EARLY}"' in html
        assert outcome["reason"] in html  # the reason, and who decided, as typed
        assert outcome.get("decided_by", "") in html
        with app.app_context():
            assert db.session.scalar(select(Interview.outcome)) is None
            assert db.session.get(Episode, world.episodes["a"]).closed_at is None

    ended = {
        "outcome": "not_reached",
        "outcome_at": "2026-11-23T04:00",
        "reason": "Phoned and visited; no one answered.",
    }
    assert worker.post(url + "/outcome", ended, page=url).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Interview.outcome)) == "not_reached"


def test_the_refusal_is_shown_in_the_panel_when_sent_from_the_open_page(app, world):
    """The page sends its forms with htmx: the panel comes back with the message by the date."""
    worker, url = _worker(app, world)
    attempt = {"attempted_at": EARLY, "method": "visit", "outcome": "not_in"}
    refused = worker.post(url + "/attempts", attempt, page=url, headers={"HX-Request": "true"})
    assert refused.status_code == 422
    assert BEFORE in " ".join(_error(refused.get_data(as_text=True), "attempted_at").split())
    assert _attempts(app) == 0
