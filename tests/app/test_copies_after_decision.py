"""A copy recorded as sent before a safeguarding decision to share with its recipient came into
force does not hold what the decision shares, and rhi cannot replace a copy that left it (a
probe: the police kept the earlier copy, without the adult's name, phone and car, while the
manager was told "The copy for police holds what it shares"). The person confirming is told, and
the copies panel marks each such copy, through the test client."""

from __future__ import annotations

from sqlalchemy import select

from rhi.extensions import db
from rhi.models import SharingDecision
from rhi.models.base import utcnow
from rhi.timefmt import format_date, format_datetime, to_local
from tests.app.helpers import content
from tests.app.test_sharing_decisions import _decision, _interview, _record, _write
from tests.app.test_summary_sending import as_user, record, text_of
from tests.conftest import Web

POLICE = "PC Jo Reed, Humber Police missing persons unit"
# What _decision() shares, as the panel names it: the part, and the kept-back item by count only.
SHARES = "\u201cWhile away\u201d and 1 thing the child asked us not to pass on"


def _sent_now(
    app, web: Web, uuid: str, recipient: str = "police", sent_to: str = POLICE, tick: bool = False
) -> str:
    """Record a copy as sent just now, as the worker types it (to the minute, local time): the
    time as pages show it. `tick`: for a reader the child was not told would hear anything."""
    with app.app_context():
        now = to_local(utcnow()).replace(tzinfo=None)
    data = {
        "recipient": recipient,
        "sent_to": sent_to,
        "method": "secure_email",
        "sent_at": now.strftime("%Y-%m-%dT%H:%M"),
        **({"not_told": recipient} if tick else {}),
    }
    response = record(web, uuid, data)
    assert response.status_code == 302, text_of(response)
    return f"{now.day} {now:%b %Y %H:%M}"


def _decided(app, web: Web, uuid: str, world, **changes: object) -> str:
    """Record a decision to share with the police, decided by the social worker: its id."""
    assert _record(web, uuid, _decision(world, **changes)).status_code == 302
    return str(content(app, uuid)[0]["overrides"][-1]["id"])


def _finish(web: Web, uuid: str) -> None:
    _write(web, uuid, consent__social_worker__answer="yes")
    finished = web.post(f"/interviews/{uuid}/finish", page=f"/interviews/{uuid}/review")
    assert finished.status_code in (302, 303)


def _confirm(app, world, decision_id: str) -> str:
    """The social worker, who decided, confirms: what they are told."""
    page = f"/decisions/{decision_id}"
    said = as_user(app, world, "social_worker").post(f"{page}/confirm", page=page, follow=True)
    return text_of(said)


def _mark(app, decision_id: str, then: str) -> str:
    """The words the panel puts under a copy sent before this decision came into force."""
    with app.app_context():
        row = db.session.scalar(
            select(SharingDecision).where(SharingDecision.decision_id == decision_id)
        )
        moment = row.recorded_at if row.urgent else row.confirmed_at
        decided = format_date(to_local(row.recorded_at).date())
        in_force = format_datetime(moment)
    return (
        f"Sent before the decision of {decided} to share {SHARES} came into force "
        f"({in_force}): it does not hold what the decision shares. {then}"
    )


def _panel(web: Web, uuid: str) -> str:
    """The copies panel on its own page: what the interviewer's side reads of it."""
    response = web.get(f"/interviews/{uuid}/copies")
    assert response.status_code == 200
    return text_of(response)


def test_confirming_after_a_copy_went_says_the_interviewer_must_send_a_new_one(app, web, world):
    uuid = _interview(web, world)  # the police: "no"
    decision_id = _decided(app, web, uuid, world)
    _finish(web, uuid)
    when = _sent_now(app, web, uuid)
    # Not in force yet: nothing to send again, nothing marked.
    assert "Sent before the decision" not in _panel(web, uuid)

    said = _confirm(app, world, decision_id)
    assert (
        "Confirmed. A copy for police was recorded as sent before this decision came into force "
        f"(to {POLICE}, {when}). It does not hold what this decision shares. Worker A, who "
        "interviewed Ada Alpha, needs to send a new copy for police: a copy made now holds it."
    ) in said
    assert "holds what it shares" not in said

    panel = _panel(web, uuid)
    row = f"Police {POLICE} Secure email {when} Worker A"
    assert f"{row} {_mark(app, decision_id, 'Send a new copy.')}" in panel
    # The decision's reason and the words it releases stay on the pages that may show them.
    for never in ("REASONWORDS", "KEPTPHOTOS", "CHILDSAID"):
        assert never not in panel, never

    # A new copy, sent after it came into force, holds it: not marked, and the first says so.
    again = _sent_now(app, web, uuid, sent_to="PC Jo Reed again")
    panel = _panel(web, uuid)
    assert f"{row} {_mark(app, decision_id, 'A new copy was sent after it.')}" in panel
    assert "Send a new copy." not in panel
    assert panel.count("Sent before the decision") == 1
    assert f"PC Jo Reed again Secure email {again} Worker A Sent before" not in panel


def test_copies_for_another_recipient_are_not_marked_nor_named(app, web, world):
    uuid = _interview(web, world)
    decision_id = _decided(app, web, uuid, world)
    _finish(web, uuid)
    school = _sent_now(app, web, uuid, "school", "Ms Dee, Head of Year 9", tick=True)
    police = _sent_now(app, web, uuid)

    said = _confirm(app, world, decision_id)
    sent_before = "A copy for police was recorded as sent before this decision came into force"
    assert f"{sent_before} (to {POLICE}, {police})." in said
    assert "Ms Dee" not in said

    panel = _panel(web, uuid)
    school_row = f"School Ms Dee, Head of Year 9 Secure email {school} Worker A"
    police_row = f"Police {POLICE} Secure email {police} Worker A"
    assert f"{school_row} {police_row} {_mark(app, decision_id, 'Send a new copy.')}" in panel
    assert panel.count("Sent before the decision") == 1


def test_a_copy_sent_after_one_decision_and_before_another_is_marked_for_the_later_only(
    app, web, world
):
    uuid = _interview(web, world)
    first = _decided(app, web, uuid, world, releases=[])
    second = _decided(app, web, uuid, world)
    _finish(web, uuid)
    said = _confirm(app, world, first)
    assert "Confirmed. The copy for police holds what it shares." in said  # nothing sent yet
    when = _sent_now(app, web, uuid)  # after the first came into force: it holds the first

    said = _confirm(app, world, second)
    assert f"(to {POLICE}, {when}). It does not hold what this decision shares." in said
    panel = _panel(web, uuid)
    assert f"Secure email {when} Worker A {_mark(app, second, 'Send a new copy.')}" in panel
    assert panel.count("Sent before the decision") == 1  # not for the first


def test_an_urgent_decision_is_in_force_from_when_it_was_recorded(app, web, world):
    """Urgent: shared at once, so a copy sent between recording and confirming holds it."""
    uuid = _interview(web, world)
    urgent = {"urgent": "y", "urgent_reason": "He is meeting her tonight"}
    first = _decided(app, web, uuid, world, releases=[], **urgent)
    earlier = _sent_now(app, web, uuid)  # before finishing: the first decision's copy
    second = _decided(app, web, uuid, world, **urgent)
    panel = _panel(web, uuid)
    assert f"Secure email {earlier} Worker A {_mark(app, second, 'Send a new copy.')}" in panel
    assert panel.count("Sent before the decision") == 1  # not for the first

    # After the second was recorded, before it is confirmed.
    later = _sent_now(app, web, uuid, sent_to="PC Jo Reed, the copy sent later")
    said = _confirm(app, world, second)
    # The police hold a copy with what it shares: nothing to send again.
    assert "Confirmed. The copy for police holds what it shares." in said
    assert "recorded as sent before" not in said
    assert "Confirmed. The copy for police holds what it shares." in _confirm(app, world, first)
    panel = _panel(web, uuid)
    marked = _mark(app, second, "A new copy was sent after it.")
    assert f"Secure email {earlier} Worker A {marked}" in panel
    assert f"the copy sent later Secure email {later} Worker A Sent before" not in panel
    assert panel.count("Sent before the decision") == 1
