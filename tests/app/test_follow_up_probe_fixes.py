"""Following up after the interview (probe "actions", findings 3-7), through rhi's own pages:
an action with no date is a gap on review; "What happens next: Strategy meeting" asks for one;
a copy cannot be recorded as sent before it existed; a meeting held leaves no "asked for"
notice behind; a question sent twice is asked once."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from sqlalchemy import func, select

from rhi.extensions import db
from rhi.interviews import content as c
from rhi.models import (
    AuditEvent,
    FollowedAction,
    Interview,
    Summary,
    SummaryQuestion,
    SummarySending,
)
from tests.app.helpers import autosave, start
from tests.conftest import Web

# The clock starts at 2026-11-23 12:00 UTC (tests/app/conftest.py); London is on GMT then.
NEXT_WEEK = "30/11/2026"


def _as(app, world, key: str) -> Web:
    other = Web(app.test_client())
    other.sign_in(world.emails[key])
    return other


def _text(response) -> str:
    """The page's words, as a person reads them (tags dropped, entities decoded)."""
    page = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return re.sub(r"\s+", " ", html.unescape(page))


def _home(reader: Web) -> str:
    return _text(reader.get("/", follow_redirects=True))


def _add_action(web: Web, uuid: str, **fields: str) -> str:
    response = web.post(f"/interviews/{uuid}/items/actions", page=f"/interviews/{uuid}/analysis")
    assert response.status_code == 302
    app = web.client.application
    with app.app_context():
        document = db.session.scalar(select(Interview.content).where(Interview.uuid == uuid))
    item_id = c.normalise(document)["actions"][-1]["id"]
    for name, value in fields.items():
        saved = autosave(web, uuid, f"actions.{item_id}.{name}", value, None)
        assert saved.status_code == 200, (name, saved.get_data(as_text=True))
    return item_id


def _finish(web: Web, uuid: str) -> None:
    response = web.post(f"/interviews/{uuid}/finish", page=f"/interviews/{uuid}/review")
    assert response.status_code == 302, _text(response)


def _meetings(app) -> list[FollowedAction]:
    with app.app_context():
        rows = list(
            db.session.scalars(
                select(FollowedAction)
                .where(FollowedAction.kind == "strategy_meeting")
                .order_by(FollowedAction.id)
            )
        )
        for row in rows:
            db.session.expunge(row)
        return rows


def _summary_id(app) -> int:
    with app.app_context():
        return int(db.session.scalar(select(Summary.id)) or 0)


# --- Finding 3: an action with no date is a gap on review ---------------------------------------


def test_an_action_with_no_date_is_a_gap_on_review_and_finishing_still_works(app, web, world):
    uuid = start(web, world)
    _add_action(web, uuid, kind="camhs", owner_kind="worker")
    _add_action(web, uuid, kind="school", owner_kind="worker", due=NEXT_WEEK)
    review = _text(web.get(f"/interviews/{uuid}/review"))
    assert "Gaps to look at" in review
    assert "An action (CAMHS (mental health)) has no date." in review
    assert "An action (School) has no date." not in review  # it has one
    # "Other" with no words says nothing to whoever is asked to do it (a probe): nor does any.
    _add_action(web, uuid, kind="other", owner_kind="social_worker", due=NEXT_WEEK)
    _add_action(web, uuid, kind="other", owner_kind="worker", due=NEXT_WEEK, note="Ring her aunt")
    review = _text(web.get(f"/interviews/{uuid}/review"))
    assert review.count("An action (Other) has no note saying what is to be done.") == 1
    # A gap is to look at, never a bar: the interview is finished as before.
    _finish(web, uuid)
    with app.app_context():
        finished = db.session.scalar(select(Interview.finished_at).where(Interview.uuid == uuid))
    assert finished is not None


# --- Finding 4: "What happens next: Strategy meeting" asks for one -------------------------------


def test_an_action_due_before_the_chat_is_a_gap_on_review(app, web, world):
    """A slip of the year (30/11/2025 for 30/11/2026) was kept silently and the action showed
    overdue for a year the moment it was followed."""
    uuid = start(web, world)
    saved = autosave(web, uuid, "start.held_on", "2026-11-23 09:30", None)
    assert saved.status_code == 200
    _add_action(web, uuid, kind="school", owner_kind="worker", due="30/11/2025")
    _add_action(web, uuid, kind="camhs", owner_kind="worker", due="23/11/2026")  # that day: fine
    review = _text(web.get(f"/interviews/{uuid}/review"))
    assert (
        "An action (School) is due on 30 Nov 2025, before the chat on 23 Nov 2026: check its date."
        in review
    )
    assert "An action (CAMHS (mental health)) is due" not in review


def _read(app, web, world) -> tuple[Web, int]:
    """The social worker has opened the summary of a finished interview for child a."""
    summary_id = _summary_id(app)
    social_worker = _as(app, world, "social_worker")
    assert social_worker.get(f"/summaries/{summary_id}/pdf").status_code == 200
    return social_worker, summary_id


def _acknowledge(reader: Web, summary_id: int, data: dict[str, str]):
    return reader.post(
        f"/summaries/{summary_id}/acknowledge", data, page=f"/summaries/{summary_id}", follow=True
    )


def test_a_strategy_meeting_as_what_happens_next_is_asked_for_and_followed(app, web, world):
    uuid = start(web, world)
    autosave(web, uuid, "consent.social_worker.answer", "yes", None)
    _finish(web, uuid)
    social_worker, summary_id = _read(app, web, world)
    manager = _as(app, world, "manager_care")
    assert "A strategy meeting for Ada Alpha" not in _home(manager)

    page = _text(
        _acknowledge(
            social_worker,
            summary_id,
            {"next_step": "strategy_meeting", "note": "MEETINGNOTE with police and school"},
        )
    )
    assert "A strategy meeting is asked for Ada Alpha: it is followed on the Actions page." in page
    (meeting,) = _meetings(app)
    assert meeting.owner_id == world.users["social_worker"] and meeting.status == "open"
    # Followed where meetings are: the social worker's Actions page, and their manager is told.
    assert "Strategy meeting request" in _text(social_worker.get("/actions"))
    assert "MEETINGNOTE" in _text(social_worker.get(f"/actions/{meeting.id}"))
    told = _home(manager)
    assert "A strategy meeting for Ada Alpha was asked for by Social Worker" in told
    with app.app_context():
        details = list(
            db.session.scalars(
                select(AuditEvent.detail).where(
                    AuditEvent.action == "action.create",
                    AuditEvent.user_id == world.users["social_worker"],
                )
            )
        )
    assert details == ["strategy_meeting asked for from the summary"]


def test_a_meeting_already_asked_for_is_not_asked_for_twice(app, web, world):
    uuid = start(web, world)
    _add_action(web, uuid, kind="strategy_meeting", owner_kind="social_worker", due=NEXT_WEEK)
    autosave(web, uuid, "consent.social_worker.answer", "yes", None)
    _finish(web, uuid)
    social_worker, summary_id = _read(app, web, world)
    page = _text(_acknowledge(social_worker, summary_id, {"next_step": "strategy_meeting"}))
    assert "A strategy meeting for Ada Alpha was already asked for" in page
    assert "so it was not asked for again" in page
    assert len(_meetings(app)) == 1


def test_another_next_step_asks_for_no_meeting(app, web, world):
    uuid = start(web, world)
    autosave(web, uuid, "consent.social_worker.answer", "yes", None)
    _finish(web, uuid)
    social_worker, summary_id = _read(app, web, world)
    page = _text(_acknowledge(social_worker, summary_id, {"next_step": "care_plan_updated"}))
    assert "the interviewer can see you have read it" in page
    assert "strategy meeting" not in page.lower().split("what happens next")[0]
    assert _meetings(app) == []


# --- Finding 5: a copy is not recorded as sent before it existed --------------------------------


def _record_sent(web: Web, uuid: str, recipient: str, sent_at: str):
    return web.post(
        f"/interviews/{uuid}/copies/sent",
        {
            "recipient": recipient,
            "sent_to": "PC Jo Reed, Humber Police missing persons unit",
            "method": "secure_email",
            "sent_at": sent_at,
        },
        page=f"/interviews/{uuid}/review",
    )


def _sent(app) -> list[tuple[str, str]]:
    with app.app_context():
        return [
            (s.recipient, s.sent_at.strftime("%H:%M"))
            for s in db.session.scalars(select(SummarySending).order_by(SummarySending.id))
        ]


def _refused_beside_the_field(response, typed: str, words: str) -> None:
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert words in _text(response)
    assert 'id="sent_at-error"' in body
    assert re.search(r'aria-describedby="[^"]*sent_at-error"', body)
    assert f'value="{typed}"' in body  # what was typed is kept


# The clock is moved on by less than the 30 minutes a session may sit idle.
LATER = timedelta(minutes=25)


def test_a_copy_sent_before_the_interview_was_finished_is_refused(app, web, world, fixed_clock):
    uuid = start(web, world)
    autosave(web, uuid, "consent.police.answer", "yes", None)
    fixed_clock.shift(LATER)  # finished at 12:25
    _finish(web, uuid)
    early = _record_sent(web, uuid, "police", "2026-11-23T12:05")
    _refused_beside_the_field(
        early,
        "2026-11-23T12:05",
        "This is before the copy existed: the interview was finished 23 Nov 2026 12:25. "
        "Check the date and time.",
    )
    assert _sent(app) == []
    # A clock a few minutes out is not a mistake; after finishing is what is expected.
    assert _record_sent(web, uuid, "police", "2026-11-23T12:20").status_code == 302
    assert _record_sent(web, uuid, "police", "2026-11-23T12:26").status_code == 302
    assert _sent(app) == [("police", "12:20"), ("police", "12:26")]


def test_a_copy_a_safeguarding_decision_shares_may_go_from_when_it_came_into_force(
    app, web, world, fixed_clock
):
    uuid = start(web, world)
    autosave(web, uuid, "sections.away.text", "AWAYWORDS stayed with a man", None)
    autosave(web, uuid, "consent.police.answer", "no", None)
    autosave(web, uuid, "consent.health.answer", "yes", None)
    decision = {
        "recipient": "police",
        "parts": ["away"],
        "reason": "Adults are exploiting her",
        "decider": str(world.users["social_worker"]),
        "child_told": "told",
        "child_told_how": "In person",
        "urgent": "y",
        "urgent_reason": "He is meeting her tonight",
    }
    consent = f"/interviews/{uuid}/consent"
    recorded = web.post(f"/interviews/{uuid}/overrides", decision, page=consent)
    assert recorded.status_code == 302  # urgent: in force at once, at 12:00
    fixed_clock.shift(LATER)

    # Before finishing: from when the decision came into force, not before.
    early = _record_sent(web, uuid, "police", "2026-11-23T11:45")
    _refused_beside_the_field(
        early,
        "2026-11-23T11:45",
        "This is before the copy existed: the safeguarding decision to share it came into "
        "force 23 Nov 2026 12:00.",
    )
    assert _record_sent(web, uuid, "police", "2026-11-23T12:10").status_code == 302

    # Finished at 12:50: the police copy sent at 12:20 under the decision is still believed;
    # the health copy, which no decision shares, existed only from 12:50.
    fixed_clock.shift(LATER)
    _finish(web, uuid)
    assert _record_sent(web, uuid, "police", "2026-11-23T12:20").status_code == 302
    health = _record_sent(web, uuid, "health", "2026-11-23T12:20")
    _refused_beside_the_field(
        health, "2026-11-23T12:20", "the interview was finished 23 Nov 2026 12:50"
    )
    assert _sent(app) == [("police", "12:10"), ("police", "12:20")]


# --- Finding 6: a meeting held no longer shows as asked for --------------------------------------


def test_a_meeting_held_is_no_longer_shown_as_asked_for(app, web, world):
    uuid = start(web, world)
    _add_action(web, uuid, kind="strategy_meeting", owner_kind="social_worker", due=NEXT_WEEK)
    _finish(web, uuid)
    (meeting,) = _meetings(app)
    social_worker = _as(app, world, "social_worker")
    manager = _as(app, world, "manager_care")
    for reader in (social_worker, manager):
        assert "Strategy meetings asked for" in _home(reader)

    page = f"/actions/{meeting.id}"
    held = social_worker.post(
        page,
        {"status": "held", "on": "2026-11-23", "note": "Police attended.", "version": 1},
        page=page,
        follow=True,
    )
    assert "Saved." in _text(held)
    for reader in (social_worker, manager):
        home = _home(reader)
        assert "Strategy meetings asked for" not in home
        assert "A strategy meeting for Ada Alpha" not in home


# --- Finding 7: a question sent twice is asked once ---------------------------------------------


def _ask(reader: Web, summary_id: int, text: str):
    return reader.post(
        f"/summaries/{summary_id}/questions", {"question": text}, page=f"/summaries/{summary_id}"
    )


def test_the_same_question_sent_twice_is_asked_once(app, web, world):
    uuid = start(web, world)
    autosave(web, uuid, "consent.social_worker.answer", "yes", None)
    _finish(web, uuid)
    summary_id = _summary_id(app)
    social_worker = _as(app, world, "social_worker")
    question = "Who is the adult she met online?"
    assert _ask(social_worker, summary_id, question).status_code == 302
    again = _ask(social_worker, summary_id, f"  {question} ")
    assert again.status_code == 302
    assert again.headers["Location"].endswith(f"/summaries/{summary_id}#questions")
    page = _text(social_worker.get(f"/summaries/{summary_id}"))
    assert "You had already sent this question: it is waiting for an answer" in page
    assert "Questions 1 waiting for an answer" in page
    assert "1 question about your summaries, waiting for your answer" in _home(web)
    with app.app_context():
        assert db.session.scalar(select(func.count(SummaryQuestion.id))) == 1
        asked = db.session.scalars(
            select(AuditEvent.id).where(AuditEvent.action == "summary.question")
        ).all()
        assert len(asked) == 1

    # Other words are another question; and once answered, the same words may be asked again.
    assert _ask(social_worker, summary_id, "Is the police copy sent?").status_code == 302
    assert "2 questions about your summaries, waiting for your answer" in _home(web)
    with app.app_context():
        first = db.session.scalar(select(SummaryQuestion.id).order_by(SummaryQuestion.id))
    answered = web.post(
        f"/summaries/{summary_id}/questions/{first}/answer",
        {f"q{first}-answer": "Known to police as 'Jay'."},
        page=f"/interviews/{uuid}/review",
    )
    assert answered.status_code == 302
    assert _ask(social_worker, summary_id, question).status_code == 302
    assert "Your question is sent." in _text(social_worker.get(f"/summaries/{summary_id}"))
    assert "2 questions about your summaries, waiting for your answer" in _home(web)


def test_actions_with_no_one_or_no_date_are_listed_to_chase(app, world_i):
    """A probe: an action with no one to do it or no date is never overdue, so no box ever
    reminded anyone of it (what the child asked for among them). The Actions page lists them."""
    from datetime import date

    from rhi.models import FollowedAction, Interview

    with app.app_context():
        interview_id = db.session.scalar(
            select(Interview.id).where(Interview.uuid == world_i.interviews["a"])
        )
        for item, kind, owner_kind, due in (
            ("undated", "camhs", "worker", None),
            ("no-one", "school", "", date(2026, 12, 1)),
            ("planned", "safety_plan", "worker", date(2026, 12, 1)),
        ):
            db.session.add(
                FollowedAction(
                    child_id=world_i.children["a"],
                    interview_id=interview_id,
                    item_id=item,
                    kind=kind,
                    owner_kind=owner_kind,
                    owner_id=world_i.users["worker_a"] if owner_kind else None,
                    due_on=due,
                )
            )
        db.session.commit()
    worker = Web(app.test_client())
    worker.sign_in(world_i.emails["worker_a"])
    listed = worker.get("/actions?show=unplanned").get_data(as_text=True)
    assert "No one or no date" in listed
    assert "CAMHS" in listed and "School" in listed
    assert "Safety plan" not in listed
    # The home page's box says so, and leads there.
    home = " ".join(html.unescape(worker.get("/returns").get_data(as_text=True)).split())
    assert "2 actions have no one to do them or no date" in home
    assert 'href="/actions?show=unplanned"' in home
