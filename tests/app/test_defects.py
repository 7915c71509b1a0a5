"""Defects found while reading the code (issue 10), each held by a test."""

from __future__ import annotations

from sqlalchemy import func, select, update

from rhi.extensions import db
from rhi.interviews import decisions, service
from rhi.models import Interview, SharingDecision
from tests.app.helpers import content, start
from tests.conftest import make_test_app


def test_healthz_answers_503_when_the_database_does_not(tmp_path):
    app = make_test_app(f"sqlite:///{tmp_path / 'no-such-folder' / 'rhi.sqlite3'}", tmp_path)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "degraded", "database": False}


def _saved_elsewhere_once(app, monkeypatch, name: str, module=service) -> list[int]:
    """Make module.<name> meet a save that lands between its read and its write, once."""
    real = getattr(module, name)
    calls: list[int] = []

    def racing(interview, *args, **kwargs):
        calls.append(interview.version)
        if len(calls) == 1:  # another tab saves now, through its own connection
            with db.engine.begin() as conn:
                conn.execute(
                    update(Interview)
                    .where(Interview.id == interview.id)
                    .values(version=Interview.version + 1)
                )
        return real(interview, *args, **kwargs)

    monkeypatch.setattr(module, name, racing)
    return calls


def test_finishing_reads_again_when_a_save_lands_meanwhile(app, web, world, monkeypatch):
    uuid = start(web, world)
    calls = _saved_elsewhere_once(app, monkeypatch, "finish")
    response = web.post(
        f"/interviews/{uuid}/finish", page=f"/interviews/{uuid}/review", follow=True
    )
    assert response.status_code == 200
    assert len(calls) == 2  # refused once, read again, then finished
    assert content(app, uuid)[2] in ("finished", "shared")


def test_a_safeguarding_decision_reads_again_when_a_save_lands_meanwhile(
    app, web, world, monkeypatch
):
    uuid = start(web, world)
    calls = _saved_elsewhere_once(app, monkeypatch, "record", decisions)
    response = web.post(
        f"/interviews/{uuid}/overrides",
        {
            "recipient": "police",
            "parts": ["away"],
            "reason": "An adult is sending her to other towns.",
            "decider": str(world.users["manager_a"]),
            "child_told": "not_yet",
        },
        page=f"/interviews/{uuid}/consent",
        follow=True,
    )
    assert response.status_code == 200
    assert "is recorded" in response.get_data(as_text=True)
    assert len(calls) == 2
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        assert len(interview.content["overrides"]) == 1
        assert db.session.scalar(select(func.count(SharingDecision.id))) == 1


def test_demo_data_uses_the_configured_deadline(backend, tmp_path, request):
    from datetime import timedelta

    from rhi.demo import load_demo
    from tests.conftest import database_url

    app = make_test_app(database_url(backend, tmp_path, request), tmp_path, RHI_DEADLINE_HOURS=48)
    with app.app_context():
        db.drop_all()
        db.create_all()
        load_demo()
        interviews = list(db.session.scalars(select(Interview)))
        assert interviews
        for interview in interviews:
            returned = min(e.returned_at for e in interview.episodes)
            assert interview.due_at - returned == timedelta(hours=48)
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def test_the_episode_page_refuses_times_in_the_future_or_long_ago(app, web, world):
    """The same rule and words as a tablet's upload (rhi.forms.fields.RecentPast)."""
    web.sign_in(world.emails["worker_a"])
    url = f"/episodes/{world.episodes['a']}"
    for when, words in (
        ("2026-11-24T09:30", "be in the future"),
        ("2025-11-01T09:30", "more than a year ago"),
    ):
        response = web.post(
            url + "/attempts",
            {"attempted_at": when, "method": "visit", "outcome": "not_in", "note": "Left a card."},
            page=url,
        )
        html = response.get_data(as_text=True)
        assert response.status_code == 422
        assert words in html
        assert "Left a card." in html  # what was typed is kept
        response = web.post(url + "/offer", {"offered_at": when, "method": "phone"}, page=url)
        assert response.status_code == 422 and words in response.get_data(as_text=True)
    # A minute ago is fine.
    assert (
        web.post(
            url + "/offer", {"offered_at": "2026-11-23T11:59", "method": "phone"}, page=url
        ).status_code
        == 302
    )
