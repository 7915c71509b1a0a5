"""What a probe (voice36) found in the summaries and their copies:

- A newer summary, made when an addendum was added to a finished interview, replaced the one in
  the social worker's inbox, and the social worker was never told: two rows alike but for the
  time sent, the older copy said to be read with no word of the newer one, while the worker's
  side said "Not the current copy". Now the older copy's page, its "I have read" and the inbox
  say so, pointing only to a newer summary the social worker may read.
- The police copy printed the child's words about sharing with the police twice.
- The copies wrote "2026-12-07 11:31" beside "7 Dec 2026 11:31".
"""

from __future__ import annotations

import html
import io
import re

from pypdf import PdfReader
from sqlalchemy import select

from rhi.extensions import db
from rhi.interviews import content as c
from rhi.models import Summary
from tests.app.helpers import page_text, start, store
from tests.app.test_summary_recipient import as_user
from tests.conftest import Web

ADDENDUM = "ADDAWAY a grey car waits for her outside school"


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)


def _text(response) -> str:
    """The page's words; a link's end no longer parts it from the comma or stop after it."""
    words = " ".join(html.unescape(page_text(response.get_data(as_text=True))).split())
    return re.sub(r" ([,.;:])", r"\1", words)


def _finished(app, web: Web, world) -> str:
    """Ada's interview, finished: the social worker's copy and some parts for the police, with
    what Ada said about the police, when she chose a feeling and when it was read back."""
    uuid = start(web, world)
    d = c.empty_content()
    d["sections"]["away"]["text"] = "AWAYX she stayed with Kay"
    d["feelings"]["away"] = {"choice": "ok", "at": "2026-11-23 11:27"}
    d["read_back"] = {"answer": "agreed", "changes": "", "at": "2026-11-23 11:31"}
    d["consent"]["social_worker"]["answer"] = "yes"
    d["consent"]["police"]["answer"] = "some"
    d["consent"]["police"]["part_away"] = True
    d["consent"]["police"]["words"] = "POLWORDS only if they leave mum out of it"
    store(app, uuid, d)
    review = f"/interviews/{uuid}/review"
    assert web.post(f"/interviews/{uuid}/finish", page=review).status_code in (302, 303)
    return uuid


def _add_to_away(web: Web, uuid: str) -> None:
    review = f"/interviews/{uuid}/review"
    added = web.post(f"/interviews/{uuid}/addenda", {"text": ADDENDUM, "part": "away"}, page=review)
    assert added.status_code == 302


def _ids(app) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(Summary.id).order_by(Summary.id)))


def test_the_social_worker_is_told_a_newer_summary_replaces_the_one_they_read(app, web, world):
    uuid = _finished(app, web, world)
    _add_to_away(web, uuid)
    old, new = _ids(app)
    social_worker = as_user(app, world, "social_worker")

    # The inbox says which copy is the newer, and which it replaced, with when each was sent.
    inbox = social_worker.get("/inbox")
    text = _text(inbox)
    assert "Replaced by a newer copy sent 23 Nov 2026 12:00: read the newer copy" in text
    assert "Newer copy replaces the copy sent 23 Nov 2026 12:00" in text
    assert f'href="/summaries/{new}"' in inbox.get_data(as_text=True)

    # The older copy's page: what the newer adds, and a way to it, at the top.
    page = social_worker.get(f"/summaries/{old}")
    assert page.status_code == 200
    text = _text(page)
    assert (
        "A newer summary replaces this one: made 23 Nov 2026 12:00, it adds the addendum of "
        "23 Nov 2026 12:00 to \u201cWhile away\u201d. Read the newer summary, and say you have "
        "read that one. This older copy is kept as it was sent." in text
    )
    body = page.get_data(as_text=True)
    assert f'href="/summaries/{new}"' in body
    assert "When you have read this older copy" in text and "I have read this older copy" in text
    assert "I have read this summary" not in text

    # The newer one says none of this, and is the one to say is read.
    newer = _text(social_worker.get(f"/summaries/{new}"))
    assert "replaces this one" not in newer and "older copy" not in newer
    assert "I have read this summary" in newer

    # Saying the older copy is read is kept, and leads to the newer one.
    assert social_worker.get(f"/summaries/{old}/pdf").status_code == 200
    done = social_worker.post(
        f"/summaries/{old}/acknowledge",
        {"next_step": "care_plan_updated", "note": ""},
        page=f"/summaries/{old}",
    )
    assert done.status_code == 302
    text = _text(social_worker.get(f"/summaries/{old}"))
    assert (
        "Thank you: the interviewer can see you have read this older copy, and what happens "
        "next. A newer summary replaces it: read that one too, and say you have read it." in text
    )
    kept = "You said you have read this older copy 23 Nov 2026 12:00: that stays on the record."
    assert kept in text
    with app.app_context():
        assert db.session.get(Summary, old).acknowledged_at is not None
        assert db.session.get(Summary, new).acknowledged_at is None
    assert "Not yet read" in _text(social_worker.get("/inbox"))  # the newer one

    # The interviewer's side reads, on the older copy's page, that it is not the current one.
    text = _text(web.get(f"/summaries/{old}"))
    assert (
        "Not the current copy: a newer one was sent 23 Nov 2026 12:00 to Social Worker, with the "
        "addendum of 23 Nov 2026 12:00 to \u201cWhile away\u201d." in text
    )


def test_a_newer_summary_in_another_inbox_is_never_named_to_the_social_worker(app, web, world):
    uuid = _finished(app, web, world)
    _add_to_away(web, uuid)
    old, new = _ids(app)
    with app.app_context():  # the newer copy went to someone else's inbox
        row = db.session.get(Summary, new)
        row.prepared_for_id = world.users["social_worker_other"]
        row.prepared_for_name = "Someone Else"
        db.session.commit()
    social_worker = as_user(app, world, "social_worker")
    for url in (f"/summaries/{old}", "/inbox"):
        response = social_worker.get(url)
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        assert f"/summaries/{new}" not in body
        assert "newer" not in body.lower() and "older copy" not in body
    assert "I have read this summary" in _text(social_worker.get(f"/summaries/{old}"))
    assert social_worker.get(f"/summaries/{new}").status_code == 404


def test_the_copies_say_the_childs_words_once_and_write_times_one_way(app, web, world):
    uuid = _finished(app, web, world)
    police = _pdf_text(web.get(f"/interviews/{uuid}/copies/police.pdf").data)
    assert police.count("POLWORDS only if they leave mum out of it") == 1
    assert "What Ada said about sharing with the police \u201cPOLWORDS" in police
    assert "Under \u201cWhat Ada said about sharing with the police\u201d, above" in police

    social_worker = as_user(app, world, "social_worker")
    (summary,) = _ids(app)
    in_inbox = _pdf_text(social_worker.get(f"/summaries/{summary}/pdf").data)
    for copy in (police, in_inbox):
        assert "Read back to Ada on 23 Nov 2026 11:31:" in copy
        assert "While Ada was away: OK (chosen 23 Nov 2026 11:27)" in copy
        assert not re.search(r"\d{4}-\d\d-\d\d", copy), copy
