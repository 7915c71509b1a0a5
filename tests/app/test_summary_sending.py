"""Issue 11, item 6: every copy of a summary that leaves rhi is recorded as sent (to whom, how,
when, by whom), and the interviewer's side sees what went where on the review page."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from rhi.extensions import db
from rhi.models import AuditEvent, SummarySending
from tests.app.helpers import autosave, count, start
from tests.conftest import Web

GOOD = {
    "recipient": "police",
    "sent_to": "PC Jo Reed, Humber Police missing persons unit",
    "method": "secure_email",
    "sent_at": "2026-11-23T12:01",
}


def finished(app, web, world) -> str:
    """worker_a holds a finished interview for child a; the social worker has its summary."""
    uuid = start(web, world)
    autosave(web, uuid, "consent.social_worker.answer", "yes", None)
    autosave(web, uuid, "consent.police.answer", "yes", None)
    web.post(f"/interviews/{uuid}/finish", page=f"/interviews/{uuid}/review")
    return uuid


def as_user(app, world, key: str) -> Web:
    other = Web(app.test_client())
    other.sign_in(world.emails[key])
    return other


def text_of(response) -> str:
    """The page's words, as a person reads them (tags dropped, entities decoded)."""
    page = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return re.sub(r"\s+", " ", html.unescape(page))


def record(web: Web, uuid: str, data: dict[str, str], *, htmx: bool = False):
    return web.post(
        f"/interviews/{uuid}/copies/sent",
        data,
        page=f"/interviews/{uuid}/review",
        headers={"HX-Request": "true"} if htmx else None,
    )


def sent_rows(app) -> list[tuple[str, str, str, str, int]]:
    with app.app_context():
        return [
            (
                s.recipient,
                s.sent_to,
                s.method,
                s.sent_at.strftime("%Y-%m-%d %H:%M"),
                s.recorded_by_id,
            )
            for s in db.session.scalars(select(SummarySending).order_by(SummarySending.id))
        ]


def audit_of(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        events = list(
            db.session.scalars(
                select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            )
        )
        for e in events:
            db.session.expunge(e)
        return events


def test_a_copy_recorded_as_sent_is_listed_with_who_how_when_and_by_whom(app, web, world):
    uuid = finished(app, web, world)
    response = record(web, uuid, GOOD)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/interviews/{uuid}/review#summary-copies")
    page = text_of(web.get(f"/interviews/{uuid}/review"))
    assert "Recorded: the copy for police was sent." in page
    assert (
        "Police PC Jo Reed, Humber Police missing persons unit Secure email "
        "23 Nov 2026 12:01 Worker A"
    ) in page
    # Kept in UTC: November in London is GMT, so the same clock time.
    assert sent_rows(app) == [
        ("police", GOOD["sent_to"], "secure_email", "2026-11-23 12:01", world.users["worker_a"])
    ]
    (event,) = audit_of(app, "summary.sent")
    assert event.user_id == world.users["worker_a"]
    assert event.object_id == uuid
    assert event.child_id == world.children["a"]
    assert event.detail == "copy for police, secure_email"
    assert "Jo Reed" not in (event.detail or "")  # what was typed never goes in the audit


def test_a_copy_sent_again_is_another_record_and_the_social_workers_copy_too(app, web, world):
    uuid = finished(app, web, world)
    record(web, uuid, GOOD)
    record(web, uuid, {**GOOD, "method": "by_hand", "sent_at": "2026-11-23T12:03"})
    record(
        web,
        uuid,
        {
            "recipient": "social_worker",
            "sent_to": "Sam Okafor, Leeds children's services (out of hours)",
            "method": "portal",
            "sent_at": "23/11/2026 12:05",
        },
    )
    assert [(r[0], r[2], r[3]) for r in sent_rows(app)] == [
        ("police", "secure_email", "2026-11-23 12:01"),
        ("police", "by_hand", "2026-11-23 12:03"),
        ("social_worker", "portal", "2026-11-23 12:05"),
    ]
    page = text_of(web.get(f"/interviews/{uuid}/review"))
    assert "Police PC Jo Reed, Humber Police missing persons unit By hand 23 Nov 2026 12:03" in page
    assert (
        "Allocated social worker Sam Okafor, Leeds children's services (out of hours) Portal"
        in (page)
    )
    assert len(audit_of(app, "summary.sent")) == 3


def test_with_htmx_the_copies_part_comes_back_alone(app, web, world):
    uuid = finished(app, web, world)
    response = record(web, uuid, GOOD, htmx=True)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<section id="summary-copies"')
    assert "<html" not in body
    assert "Recorded: the copy for police was sent." in text_of(response)
    assert "PC Jo Reed" in body


def test_the_manager_sees_what_went_where_and_can_record_it_too(app, web, world):
    uuid = finished(app, web, world)
    record(web, uuid, GOOD)
    manager = as_user(app, world, "manager_a")
    page = text_of(manager.get(f"/interviews/{uuid}/review"))
    assert "Police PC Jo Reed, Humber Police missing persons unit Secure email" in page
    # Ada was not asked about school: recorded with the tick that says the copy went all the
    # same (tests/app/test_copies_say_what_the_child_said.py).
    school = {**GOOD, "recipient": "school", "sent_to": "Ms Dee, Head", "not_told": "school"}
    response = record(manager, uuid, school)
    assert response.status_code == 302
    assert sent_rows(app)[-1][0] == "school"
    assert sent_rows(app)[-1][4] == world.users["manager_a"]


def test_the_copies_page_without_javascript_shows_the_same_and_is_audited(app, web, world):
    uuid = finished(app, web, world)
    record(web, uuid, GOOD)
    response = web.get(f"/interviews/{uuid}/copies")
    assert response.status_code == 200
    page = text_of(response)
    assert "Copy for police (PDF)" in page
    assert "PC Jo Reed" in page
    body = response.get_data(as_text=True)
    assert "hx-post" not in body.split('id="summary-copies"')[1]  # plain forms on this page
    assert '<h2 id="copies-heading">' in body
    (event,) = audit_of(app, "summary.sent.view")
    assert event.object_id == uuid and event.user_id == world.users["worker_a"]


BAD = [
    (
        {"sent_to": ""},
        "sent_to",
        "Write who it was sent to: their name and organisation or address.",
    ),
    ({"sent_to": "   "}, "sent_to", "Write who it was sent to"),
    ({"sent_to": "x" * 201}, "sent_to", "This is too long: the most is 200 characters."),
    ({"method": "carrier_pigeon"}, "sent_method", "Choose how it was sent. One of: secure_email"),
    ({"method": ""}, "sent_method", "Choose how it was sent."),
    ({"recipient": "newspaper"}, "sent_recipient", "Choose which copy was sent. One of:"),
    ({"sent_at": "2026-11-24T09:30"}, "sent_at", "This can't be in the future."),
    ({"sent_at": "2025-10-01T09:30"}, "sent_at", "This is more than a year ago."),
    ({"sent_at": "next Tuesday"}, "sent_at", "Enter a date and time in this form"),
    ({"sent_at": ""}, "sent_at", "Enter the date and time it was sent."),
]


@pytest.mark.parametrize(("change", "field_id", "message"), BAD)
def test_bad_input_is_explained_next_to_the_field_and_what_was_typed_is_kept(
    app, web, world, change, field_id, message
):
    uuid = finished(app, web, world)
    data = {**GOOD, **change}
    for htmx in (False, True):
        response = record(web, uuid, data, htmx=htmx)
        assert response.status_code == 422
        body = response.get_data(as_text=True)
        assert message in html.unescape(body)
        # The message is next to the field, and the field (or its group) points at it.
        assert f'id="{field_id}-error"' in body
        assert re.search(rf'aria-describedby="[^"]*{field_id}-error"', body)
        assert '<details class="action" open>' in body
        if "sent_to" not in change:
            assert f'value="{GOOD["sent_to"]}"' in body
        if change.get("sent_at"):
            assert f'value="{change["sent_at"]}"' in body  # as typed, even when refused
        if htmx:
            assert "<html" not in body
        else:
            assert "<html" in body
    assert sent_rows(app) == []
    assert audit_of(app, "summary.sent") == []


def test_without_the_csrf_token_nothing_is_recorded(app, web, world):
    uuid = finished(app, web, world)
    response = web.client.post(f"/interviews/{uuid}/copies/sent", data=GOOD)
    assert response.status_code == 400
    assert sent_rows(app) == []


@pytest.mark.parametrize("key", ["worker_b", "manager_b", "social_worker_other", "admin"])
def test_someone_who_cannot_see_the_interview_gets_404_and_nothing_is_recorded(
    app, web, world, key
):
    uuid = finished(app, web, world)
    other = as_user(app, world, key)
    assert other.get(f"/interviews/{uuid}/copies").status_code == 404
    assert record(other, uuid, GOOD).status_code == 404
    assert sent_rows(app) == []
    assert audit_of(app, "summary.sent") == []
    refused = audit_of(app, "access.refused")
    assert {(e.user_id, e.object_id) for e in refused} == {(world.users[key], uuid)}


@pytest.mark.parametrize("key", ["social_worker", "manager_care"])
def test_the_childs_social_worker_side_cannot_record_or_take_copies(app, web, world, key):
    """They may read the interview (the social worker's copy), so it exists for them: 403."""
    uuid = finished(app, web, world)
    other = as_user(app, world, key)
    assert other.get(f"/interviews/{uuid}/copies").status_code == 403
    assert record(other, uuid, GOOD).status_code == 403
    assert other.get(f"/interviews/{uuid}/copies/police.pdf").status_code == 403
    assert sent_rows(app) == []
    refused = audit_of(app, "change.refused")
    assert len(refused) == 3
    assert {(e.user_id, e.object_id, e.outcome) for e in refused} == {
        (world.users[key], uuid, "refused")
    }
    # Their page of the interview shows no copies and no record of sending.
    page = other.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    assert "summary-copies" not in page


def test_the_copies_part_is_not_on_the_social_workers_page_and_count(app, web, world):
    uuid = finished(app, web, world)
    record(web, uuid, GOOD)
    assert count(app, SummarySending) == 1
    social_worker = as_user(app, world, "social_worker")
    page = social_worker.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    assert "PC Jo Reed" not in page


def test_no_copy_is_recorded_as_sent_before_the_interview_is_finished(app, web, world):
    """A review: the draft (all the child agreed to, not yet read back) sat beside "Record as
    sent", so "the copy for the police was sent" could stand for a draft. Before finishing,
    only a copy a safeguarding decision in force shares may be recorded as sent."""
    uuid = start(web, world)
    autosave(web, uuid, "consent.police.answer", "yes", None)
    response = record(web, uuid, GOOD)
    assert response.status_code == 422
    assert (
        "This interview is not finished, so no copy for police can be sent yet: a draft is "
        "to check with the child, not to send." in text_of(response)
    )
    assert sent_rows(app) == []
    # "?draft=0" is not a draft.
    plain = web.get(f"/interviews/{uuid}/copies/police.pdf?draft=0")
    assert 'filename="rhi-police-' in plain.headers["Content-Disposition"]


def test_a_return_ended_without_an_interview_is_not_told_to_finish_it(app, web, world):
    """A review: after the child's final no, "record it once the interview is finished" was
    untrue (it never will be)."""
    from rhi.models import Interview

    web.sign_in(world.emails["worker_a"])
    url = f"/episodes/{world.episodes['a']}"
    no = {"declined_at": "2026-11-23T09:00", "reason": "“I don't want one.”", "offer_again": "no"}
    assert web.post(url + "/decline", no, page=url).status_code == 302
    with app.app_context():
        uuid = db.session.scalar(select(Interview.uuid))
    response = record(web, uuid, GOOD)
    assert response.status_code == 422
    said = text_of(response)
    assert "This return ended without a finished interview, so there is no copy for police" in said
    assert "once the interview is finished" not in said
