"""A notification waiting for a person, whose time away rhi already holds for the child it may
be, can be settled with nothing added (coordinator probe, finding 3): "same child" is refused
(it would count the time away twice) and "a different child" would make a second record of the
child, so such rows stayed on the list for good."""

from __future__ import annotations

import html
from datetime import timedelta

from sqlalchemy import select

from rhi.extensions import db
from rhi.models import AuditEvent, Episode, WaitingRow
from tests.app.helpers import page_text
from tests.app.test_import_notifications import WEAK, csv_bytes, episodes_with, import_file
from tests.app.test_import_notifications import manager as manager


def _waiting(app) -> WaitingRow:
    with app.app_context():
        row = db.session.scalar(select(WaitingRow))
        db.session.expunge(row)
        return row


def _said(web) -> str:
    return html.unescape(page_text(web.get("/imports/waiting").get_data(as_text=True)))


def test_a_time_away_already_held_is_settled_with_nothing_added(app, manager, world):
    import_file(manager, csv_bytes(WEAK))  # inside Ada's time away that rhi holds
    waiting = _waiting(app).id
    url = f"/imports/waiting/{waiting}"
    page = _said(manager)
    assert "Yes, the same child, and rhi already holds this time away: add nothing" in page
    assert manager.post(url, {f"w{waiting}-decision": "same_child"}).status_code == 302
    assert "falls inside Ada Alpha's time away" in _said(manager)  # refused, still waiting
    assert manager.post(url, {f"w{waiting}-decision": "already_recorded"}).status_code == 302
    page = _said(manager)
    assert "Settled: this time away of Ada Alpha's is already recorded" in page
    assert "Nothing is waiting." in page
    assert episodes_with(app, "IMP-3") == []
    row = _waiting(app)
    assert row.resolution == "already_recorded" and row.episode_id == world.episodes["a"]
    with app.app_context():
        detail = db.session.scalar(
            select(AuditEvent.detail).where(AuditEvent.action == "import.resolve")
        )
    assert detail == f"already_recorded: the time away of episode {world.episodes['a']}"


def test_a_time_away_rhi_does_not_hold_is_not_settled_as_already_recorded(app, manager, world):
    import_file(manager, csv_bytes(WEAK.replace("22/11/2026", "15/11/2026")))  # a week before
    waiting = _waiting(app).id
    url = f"/imports/waiting/{waiting}"
    assert manager.post(url, {f"w{waiting}-decision": "already_recorded"}).status_code == 302
    page = _said(manager)
    assert "This notification was not settled: rhi holds no time away for Ada Alpha" in page
    assert _waiting(app).resolved_at is None  # still waiting for a person


def test_a_time_away_before_one_rhi_holds_is_another_and_not_settled(app, manager, world):
    """Missing three days before Ada's time away rhi holds, with no return: the child came
    back in between, so it is another time away, which "same child" adds (a review: it was
    settled as already recorded, and lost)."""
    with app.app_context():
        start = db.session.get(Episode, world.episodes["a"]).started_at - timedelta(days=3)
    import_file(manager, csv_bytes(f"IMP-9,,Adah,Alpha,01/05/2011,{start:%d/%m/%Y %H:%M},,Medium"))
    waiting = _waiting(app).id
    url = f"/imports/waiting/{waiting}"
    assert manager.post(url, {f"w{waiting}-decision": "already_recorded"}).status_code == 302
    assert "rhi holds no time away for Ada Alpha that this one is part of" in _said(manager)
    assert _waiting(app).resolved_at is None
    assert manager.post(url, {f"w{waiting}-decision": "same_child"}).status_code == 302
    (added,) = episodes_with(app, "IMP-9")
    assert added.child_id == world.children["a"]


def test_the_same_reference_sent_again_is_not_put_before_a_person_again(app, manager, world):
    import_file(manager, csv_bytes(WEAK))
    waiting = _waiting(app).id
    manager.post(f"/imports/waiting/{waiting}", {f"w{waiting}-decision": "already_recorded"})
    import_file(manager, csv_bytes(WEAK))  # the police send the same row again
    with app.app_context():
        rows = db.session.scalars(select(WaitingRow)).all()
    assert [r.resolution for r in rows] == ["already_recorded"]
    assert "Nothing is waiting." in _said(manager)
    assert episodes_with(app, "IMP-3") == []
