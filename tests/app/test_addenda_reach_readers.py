"""An addendum goes with the part of the interview it belongs to (rhi/sharing.py rule 8): a
probe found a correction ("the adult carries a knife and knows where the aunt lives") reached
no one outside the interviewer's side, while the finish form said "later corrections are added
as addenda". Now the worker says which part it belongs to; the copies of that part's readers
hold it, and the social worker, whose summary was made before it, gets a new one."""

from __future__ import annotations

import html
import io

from pypdf import PdfReader
from sqlalchemy import select

from rhi.extensions import db
from rhi.models import AuditEvent, Summary
from tests.app.helpers import autosave, page_text, start
from tests.conftest import Web


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)


def _copy(web: Web, uuid: str, recipient: str) -> str:
    response = web.get(f"/interviews/{uuid}/copies/{recipient}.pdf")
    assert response.status_code == 200
    return _pdf_text(response.data)


def _summaries(app) -> list[str]:
    with app.app_context():
        rows = db.session.scalars(
            select(Summary).where(Summary.recipient == "social_worker").order_by(Summary.id)
        )
        return [_pdf_text(s.pdf) for s in rows]


def _add(web: Web, uuid: str, text: str, part: str = ""):
    review = f"/interviews/{uuid}/review"
    return web.post(f"/interviews/{uuid}/addenda", {"text": text, "part": part}, page=review)


def test_an_addendum_reaches_the_readers_of_its_part_and_a_new_summary_goes(app, web, world):
    uuid = start(web, world)
    for path, value in (
        ("sections.away.text", "AWAYX she stayed with Kay"),
        ("consent.social_worker.answer", "some"),
        ("consent.social_worker.part_away", "y"),
        ("consent.police.answer", "no"),
    ):
        assert autosave(web, uuid, path, value, None).status_code == 200, path
    review = f"/interviews/{uuid}/review"
    assert web.post(f"/interviews/{uuid}/finish", page=review).status_code in (302, 303)
    (first,) = _summaries(app)
    assert "AWAYX" in first

    added = _add(web, uuid, "ADDAWAY Kay carries a knife and knows where her aunt lives", "away")
    assert added.status_code == 302
    message = html.unescape(page_text(web.get(review).get_data(as_text=True)))
    assert "Addendum added. A new summary that holds it is in Social Worker's inbox." in message
    assert "Belongs to While away: it goes to whoever may read that part." in message
    old, new = _summaries(app)
    assert old == first and "ADDAWAY" not in old  # the first, as it was sent
    assert "Added after the interview was finished" in new and "ADDAWAY Kay carries" in new
    assert "They were not read back to Ada." in new
    social_worker = Web(app.test_client())
    social_worker.sign_in(world.emails["social_worker"])
    page = page_text(social_worker.get(f"/interviews/{uuid}/review").get_data(as_text=True))
    assert "ADDAWAY Kay carries a knife" in page
    assert "ADDAWAY" not in _copy(web, uuid, "police")  # the child said no to the police

    # A part the social worker's copy does not hold, and a note for the interviewer's side:
    # in no copy, and no new summary.
    assert _add(web, uuid, "ADDBEFORE a row at home", "before").status_code == 302
    assert _add(web, uuid, "ADDNONE ring the school").status_code == 302
    assert len(_summaries(app)) == 2
    page = social_worker.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    assert "ADDBEFORE" not in page and "ADDNONE" not in page
    whole = html.unescape(page_text(web.get(review).get_data(as_text=True)))
    assert "ADDBEFORE" in whole and "For the interviewer's side only." in whole
    with app.app_context():
        details = db.session.scalars(
            select(AuditEvent.detail)
            .where(AuditEvent.action == "interview.addendum")
            .order_by(AuditEvent.id)
        ).all()
    assert details == ["part away", "part before", None]


def test_an_addendum_to_a_part_the_child_asked_to_keep_reaches_no_one(app, web, world):
    uuid = start(web, world)
    for path, value in (
        ("sections.away.text", "AWAYX she stayed with Kay"),
        ("sections.away.private", "y"),
        ("consent.social_worker.answer", "yes"),
    ):
        assert autosave(web, uuid, path, value, None).status_code == 200, path
    review = f"/interviews/{uuid}/review"
    assert web.post(f"/interviews/{uuid}/finish", page=review).status_code in (302, 303)
    assert _add(web, uuid, "ADDPRIVATE more about Kay", "away").status_code == 302
    assert len(_summaries(app)) == 1
    assert "ADDPRIVATE" not in _copy(web, uuid, "social_worker")


def test_a_part_that_is_not_one_is_refused_and_the_words_are_kept(app, web, world):
    uuid = start(web, world)
    review = f"/interviews/{uuid}/review"
    assert autosave(web, uuid, "consent.social_worker.answer", "yes", None).status_code == 200
    assert web.post(f"/interviews/{uuid}/finish", page=review).status_code in (302, 303)
    refused = _add(web, uuid, "ADDWORDS kept", "everything")
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "ADDWORDS kept" in html and "Not a valid choice" in html


def _finished_with(app, web, world, *fields: tuple[str, str]) -> str:
    uuid = start(web, world)
    for path, value in fields:
        assert autosave(web, uuid, path, value, None).status_code == 200, path
    review = f"/interviews/{uuid}/review"
    assert web.post(f"/interviews/{uuid}/finish", page=review).status_code in (302, 303)
    return uuid


def test_an_addendum_naming_someone_the_child_kept_back_is_said_before_it_goes(app, web, world):
    """A review: a correction under "Actions" naming the adult the child asked to keep between
    them went whole to the parents' copy, unwarned (the check ran only before finishing)."""
    from rhi.interviews import content as c
    from tests.app.helpers import store

    uuid = start(web, world)
    d = c.empty_content()
    d["people"] = [{"id": "p1", "name": "Marcus Reed", "private": True}]
    d["consent"]["social_worker"]["answer"] = "yes"
    d["consent"]["parents_carers"]["answer"] = "yes"
    store(app, uuid, d)
    review = f"/interviews/{uuid}/review"
    assert web.post(f"/interviews/{uuid}/finish", page=review).status_code in (302, 303)
    words = "ADDNAMED Marcus picks her up from the flat"
    refused = _add(web, uuid, words, "actions")
    assert refused.status_code == 422
    page = html.unescape(page_text(refused.get_data(as_text=True)))
    assert (
        "These words name Marcus Reed. Ada asked to keep this between you, and the words would "
        "go to: Allocated social worker; Parents or carers." in page
    )
    assert words in page and "Add it all the same" in page
    assert len(_summaries(app)) == 1 and "ADDNAMED" not in _copy(web, uuid, "parents_carers")
    # Under no part it goes nowhere: nothing to say.
    assert _add(web, uuid, "ADDNONE Marcus rang", "").status_code == 302
    ticked = web.post(
        f"/interviews/{uuid}/addenda",
        {"text": words, "part": "actions", "names_checked": "y"},
        page=review,
    )
    assert ticked.status_code == 302
    assert "ADDNAMED" in _copy(web, uuid, "parents_carers")
    with app.app_context():
        details = db.session.scalars(
            select(AuditEvent.detail)
            .where(AuditEvent.action == "interview.addendum")
            .order_by(AuditEvent.id)
        ).all()
    assert details == [None, "part actions; names someone kept back: added all the same"]


def test_copies_sent_before_an_addendum_their_reader_may_read_are_marked(app, web, world):
    uuid = _finished_with(
        app,
        web,
        world,
        ("sections.away.text", "AWAYX she stayed with Kay"),
        ("consent.police.answer", "yes"),
        ("consent.social_worker.answer", "yes"),
    )
    review = f"/interviews/{uuid}/review"
    sent = web.post(
        f"/interviews/{uuid}/copies/sent",
        {
            "recipient": "police",
            "sent_to": "PC Jo Reed, Humber Police",
            "method": "secure_email",
            "sent_at": "2026-11-23T12:00",
        },
        page=review,
    )
    assert sent.status_code == 302
    assert _add(web, uuid, "ADDKNIFE Kay carries a knife", "away").status_code == 302
    page = html.unescape(page_text(web.get(review).get_data(as_text=True)))
    assert (
        "Copies for police were recorded as sent before it and do not hold it: send a new copy."
        in page
    )
    assert (
        "Sent before the addendum of 23 Nov 2026 12:00 to “While away”: it does not hold it."
        in (page)
    )
    # A note for the interviewer's side alone marks nothing.
    assert _add(web, uuid, "ADDNOTE ring the school").status_code == 302
    page = html.unescape(page_text(web.get(review).get_data(as_text=True)))
    assert page.count("Sent before the addendum") == 1
