"""A summary withdrawn when the child took back their agreement to share (a probe): its page
told the social worker so, yet still offered "Open the summary (PDF)" and "Download" (both
refused, 410) and "I have read this summary"; and the worker was told to tell the social worker
about "copies that already went to their inbox", which rhi had itself just withdrawn."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from rhi.extensions import db
from rhi.models import Summary
from tests.app.helpers import page_text
from tests.app.test_addenda_reach_readers import _finished_with
from tests.app.test_summary_recipient import as_user
from tests.conftest import Web

# All the parts but "In their own words": what the child still agrees to share.
KEEP = ["before", "away", "after", "help", "findings", "places_people"]


def _finished(app, web: Web, world) -> str:
    return _finished_with(
        app,
        web,
        world,
        ("sections.away.text", "AWAYX she stayed with Kay"),
        ("consent.social_worker.answer", "yes"),
    )


def _take_back(web: Web, uuid: str) -> str:
    """The worker records the child taking back "In their own words"; the message they read."""
    review = f"/interviews/{uuid}/review"
    done = web.post(
        f"/interviews/{uuid}/consent-changes",
        {"recipient": "social_worker", "keep": KEEP, "said_on": "2026-11-23", "words": ""},
        page=review,
    )
    assert done.status_code == 302
    return html.unescape(page_text(web.get(review).get_data(as_text=True)))


def _ids(app) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(Summary.id).order_by(Summary.id)))


def _text(response) -> str:
    """The page's words; a link's end no longer parts it from the comma after it."""
    words = " ".join(html.unescape(page_text(response.get_data(as_text=True))).split())
    return re.sub(r" ([,.;:])", r"\1", words)


def test_a_withdrawn_summary_offers_nothing_to_open_and_leads_to_the_newer_one(app, web, world):
    uuid = _finished(app, web, world)
    said = _take_back(web, uuid)
    # rhi withdrew the summary in the inbox itself: nothing to tell the social worker about.
    assert (
        "Saved: copies for allocated social worker made from now hold only what Ada still "
        "agrees to share. The social worker's summary that held it is withdrawn: a new one is "
        "in Social Worker's inbox." in said
    )
    assert "inbox (" not in said and "cannot call them back" not in said

    old, new = _ids(app)
    social_worker = as_user(app, world, "social_worker")
    page = social_worker.get(f"/summaries/{old}")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert f"/summaries/{old}/pdf" not in body  # neither "Open" nor "Download", both refused
    assert "Open the summary (PDF)" not in body and "Download" not in body
    assert "When you have read it" not in body and "I have read this summary" not in body
    assert f"/summaries/{old}/acknowledge" not in body
    assert f"/summaries/{old}/questions" not in body  # asked on the newer one
    assert f'href="/summaries/{new}"' in body
    text = _text(page)
    assert (
        "This summary was withdrawn 23 Nov 2026 12:00: the child took back their agreement to "
        "share. It held something you may no longer read, so it no longer opens, and you do not "
        "need to say you have read it. Read the newer summary, made 23 Nov 2026 12:00 with what "
        "you may read now, and say you have read that one." in text
    )
    # The newer one opens as before.
    newer = social_worker.get(f"/summaries/{new}").get_data(as_text=True)
    assert f"/summaries/{new}/pdf" in newer and "I have read this summary" in newer
    assert "was withdrawn" not in newer


def test_saying_a_withdrawn_summary_was_read_is_refused_and_the_note_given_back(app, web, world):
    uuid = _finished(app, web, world)
    (old,) = _ids(app)
    social_worker = as_user(app, world, "social_worker")
    page = f"/summaries/{old}"
    assert social_worker.get(f"{page}/pdf").status_code == 200  # opened before it was withdrawn
    said = _take_back(web, uuid)
    # Opened: the social worker has read, and may keep, what Ada no longer agrees to share.
    assert (
        "Copies that already went to Social Worker (opened from their inbox 23 Nov 2026 12:00) "
        "hold what Ada no longer agrees to share, and rhi cannot call them back: tell them." in said
    )

    refused = social_worker.post(
        f"{page}/acknowledge",
        {"next_step": "other", "note": "NOTEX a strategy meeting on Friday"},
        page=page,
    )
    assert refused.status_code == 410
    text = _text(refused)
    assert (
        "Not saved. This summary was withdrawn, so it is not marked as read. Read the newer "
        "summary, and say you have read that one." in text
    )
    assert "NOTEX a strategy meeting on Friday" in text  # to copy
    asked = social_worker.post(f"{page}/questions", {"question": "QX who is Kay?"}, page=page)
    assert asked.status_code == 410
    assert "This summary was withdrawn, so questions are asked about the newer summary" in (
        _text(asked)
    )
    with app.app_context():
        row = db.session.get(Summary, old)
        assert row.acknowledged_at is None and row.questions == []


def test_the_interviewer_side_keeps_the_withdrawn_summary_for_the_record(app, web, world):
    uuid = _finished(app, web, world)
    _take_back(web, uuid)
    old, new = _ids(app)
    body = web.get(f"/summaries/{old}").get_data(as_text=True)
    assert f"/summaries/{old}/pdf" in body  # the record of what was sent
    text = _text(web.get(f"/summaries/{old}"))
    assert (
        "This summary was withdrawn 23 Nov 2026 12:00: the child took back their agreement to "
        "share. Social Worker can no longer open it; it is kept here as the record of what was "
        "sent. The newer summary" in text
    )
    assert f'href="/summaries/{new}"' in body
