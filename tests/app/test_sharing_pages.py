"""The record pages follow the same rule as the copies (rhi/sharing.py): the child's social
worker, and their manager, read on screen exactly what the social worker's copy holds; the
interviewer's side reads everything."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from sqlalchemy import delete, select

from rhi.extensions import db
from rhi.models import AuditEvent, Interview, SharingDecision
from rhi.models.base import utcnow
from tests.conftest import Web
from tests.sharing_cases import Case, cases

TAGS = re.compile(r"<[^>]+>")


def _text(html: str) -> str:
    return "".join(TAGS.sub(" ", html).split())


def _set(app, uuid: str, content, in_force: set[str] = frozenset()) -> None:
    """The interview's document, finished, with the decisions `in_force` confirmed (rows in
    the database, as rhi/interviews/decisions.py makes them) and no others."""
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        interview.content = content
        interview.status = "finished"  # a copy is read once it is: see the last test here
        db.session.execute(delete(SharingDecision))
        for entry in content.get("overrides", []):
            db.session.add(
                SharingDecision(
                    decision_id=entry["id"],
                    interview=interview,
                    recipient=entry["recipient"],
                    urgent=False,
                    confirmed_at=utcnow() if entry["id"] in in_force else None,
                )
            )
        db.session.commit()


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=cases())
def test_the_social_worker_reads_on_screen_what_their_copy_holds(app, world_i, case: Case):
    app.config["RHI_SIGN_IN_RATE_LIMIT"] = "10000 per minute"  # two sign-ins per example
    uuid = world_i.interviews["a"]
    _set(app, uuid, case.content, case.in_force)
    allowed = case.may_read("social_worker")
    for key in ("social_worker", "manager_care"):
        reader = Web(app.test_client())
        reader.sign_in(world_i.emails[key])
        for page in ("review", "start", "away", "consent"):
            response = reader.get(f"/interviews/{uuid}/{page}")
            assert response.status_code == 200
            text = _text(response.get_data(as_text=True))
            found = {m for m in case.markers if m in text}
            assert found == allowed, (key, page, sorted(found - allowed), sorted(allowed - found))


def test_the_interviewer_reads_everything_and_the_social_worker_the_copy(app, world_i):
    uuid = world_i.interviews["a"]
    document = {
        "sections": {
            "away": {"text": "She stayed at Jay's flat.", "private": True, "kept_back": ""}
        },
        "consent": {
            "social_worker": {"answer": "yes", "words": "Fine by me.", "name": ""},
            "police": {"answer": "no", "words": "Not the police.", "name": ""},
        },
    }
    _set(app, uuid, document)
    worker = Web(app.test_client())
    worker.sign_in(world_i.emails["worker_a"])
    assert "Jay&#39;s flat" in worker.get(f"/interviews/{uuid}/away").get_data(as_text=True)
    assert "Not the police." in worker.get(f"/interviews/{uuid}/consent").get_data(as_text=True)
    social_worker = Web(app.test_client())
    social_worker.sign_in(world_i.emails["social_worker"])
    html = social_worker.get(f"/interviews/{uuid}/away").get_data(as_text=True)
    assert "This is what your copy of the summary holds" in html
    assert "Jay" not in html and "Not the police." not in html
    assert "Fine by me." in html
    with app.app_context():
        details = list(
            db.session.scalars(
                select(AuditEvent.detail)
                .where(AuditEvent.action == "interview.view")
                .order_by(AuditEvent.id)
            )
        )
    assert details[-1] == "social worker's copy"


def test_an_interview_still_being_written_is_nobodys_copy_yet(app, world_i):
    """The child has not heard it read back nor settled who is told what: the social worker
    (and their manager) read that it is under way, and nothing of it, though the consent box
    already says yes."""
    uuid = world_i.interviews["a"]
    document = {
        "sections": {"away": {"text": "She stayed at the garage with Tony.", "private": False}},
        "consent": {"social_worker": {"answer": "yes", "words": "Fine by me.", "name": ""}},
    }
    _set(app, uuid, document)
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        interview.status = "in_progress"
        db.session.commit()
    for key in ("social_worker", "manager_care"):
        reader = Web(app.test_client())
        reader.sign_in(world_i.emails[key])
        for page in ("review", "away", "consent"):
            text = " ".join(reader.get(f"/interviews/{uuid}/{page}").get_data(as_text=True).split())
            assert "is still being written with Ada Alpha" in text, (key, page)
            assert "garage" not in text and "Fine by me." not in text
    with app.app_context():  # the trail says nothing was shown, not that a copy was read
        details = set(
            db.session.scalars(
                select(AuditEvent.detail).where(AuditEvent.action == "interview.view")
            )
        )
    assert details == {"not finished: nothing shown"}
    _set(app, uuid, document)  # finished: their copy
    reader = Web(app.test_client())
    reader.sign_in(world_i.emails["social_worker"])
    text = " ".join(reader.get(f"/interviews/{uuid}/away").get_data(as_text=True).split())
    assert "garage with Tony" in text and "still being written" not in text


def test_an_urgent_decision_reaches_the_social_worker_before_the_interview_is_finished(
    app, world_i
):
    """An urgent safeguarding decision is released at once: while the interview is still
    being written, the social worker reads what it shares, and nothing the child's consent
    alone would share."""
    uuid = world_i.interviews["a"]
    document = {
        "sections": {
            "away": {"text": "An older man drove her to Leeds.", "private": False},
            "after": {"text": "She misses her nan.", "private": False},
        },
        "consent": {"social_worker": {"answer": "yes", "words": "CONSENTWORDS ok", "name": ""}},
        "overrides": [
            {
                "id": "d1",
                "recipient": "social_worker",
                "parts": ["away"],
                "reason": "Risk of exploitation.",
                "urgent": True,
            }
        ],
    }
    _set(app, uuid, document, in_force={"d1"})
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        interview.status = "in_progress"
        db.session.commit()
    reader = Web(app.test_client())
    reader.sign_in(world_i.emails["social_worker"])
    text = " ".join(reader.get(f"/interviews/{uuid}/away").get_data(as_text=True).split())
    assert "An older man drove her to Leeds." in text
    assert "Below is only what a safeguarding decision shares with you now" in text
    assert "She misses her nan." not in text
    # Nor what she said of sharing, not yet read back nor settled; and no "without agreement".
    assert "CONSENTWORDS" not in text and "without Ada Alpha" not in text
    assert "read back" not in text and "Risk of exploitation." in text
