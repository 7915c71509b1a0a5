"""Issue 17 item 1: the child's view of an interview page.

The server marks what is the worker's only (data-worker-only); the child's view hides it. Each
page is parsed, and everything a child could see (text and field values outside those parts)
is checked for the worker's content. The feelings scale and "What I want my social worker to
know" are saved as other fields are, shown on the review, and reach only the copies their
section reaches (the PDFs read back with pypdf). The way back online is the worker's password:
checked, throttled and audited.
"""

from __future__ import annotations

import io
from html.parser import HTMLParser

from pypdf import PdfReader
from sqlalchemy import select

from rhi.extensions import db
from rhi.interviews import content as c
from rhi.interviews.pages import PAGE_IDS
from rhi.models import AuditEvent, Interview
from rhi.models.base import utcnow
from rhi.summaries.service import render_for
from tests.app.helpers import autosave, start, store
from tests.app.helpers import stored_document as stored
from tests.child_view_words import CHROME, WORKERS_WORDS, worker_wrote
from tests.conftest import Web, csrf_from

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class ChildSees(HTMLParser):
    """The text and field values outside every data-worker-only part (and outside <template>,
    <script> and <head>, which are never shown); and whether the parts a child needs are there."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, hidden from the child)
        self.seen: list[str] = []
        self.child_only = 0  # elements marked data-child-only, outside worker-only parts

    @property
    def hidden(self) -> bool:
        return any(h for _, h in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        hidden = "data-worker-only" in a or tag in ("template", "script", "head", "style")
        if not self.hidden and not hidden:
            if tag in ("input", "textarea", "option") and a.get("type") != "hidden":
                self.seen.append(a.get("value") or "")
            if "data-child-only" in a:
                self.child_only += 1
        if tag not in VOID:
            self.stack.append((tag, hidden))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.seen.append(data)

    def text(self) -> str:
        return " ".join(" ".join(self.seen).split())


def child_sees(html: str) -> str:
    parser = ChildSees()
    parser.feed(html)
    assert parser.child_only, "the page has no child's view"
    return parser.text()


def test_the_childs_view_of_every_page_holds_nothing_of_the_workers(app, web, world):
    uuid = start(web, world)
    store(app, uuid, worker_wrote())
    shown_to_the_worker = set()
    for page_id in PAGE_IDS:
        if page_id == "review":
            continue  # the review is the worker's: it has no child's view
        html = web.get(f"/interviews/{uuid}/{page_id}").get_data(as_text=True)
        seen = child_sees(html)
        for words in WORKERS_WORDS:
            if page_id == "read_back" and words not in CHROME:
                continue  # the read-back shows the child what is shared: test_read_back.py
            if words in html:  # on the page, for the worker...
                shown_to_the_worker.add(words)
                assert words not in seen, (page_id, words)  # ...and hidden from the child
        assert "Give the tablet back" in seen
    # Every one of them was on some page (so none was missed by not being there at all).
    assert shown_to_the_worker == set(WORKERS_WORDS)
    # What the child sees: the question's place, their feelings, their own message.
    after = child_sees(web.get(f"/interviews/{uuid}/after").get_data(as_text=True))
    assert "How are you feeling?" in after
    for words in ("Really bad", "Not so good", "OK", "Good", "Really good"):
        assert words in after
    own = child_sees(web.get(f"/interviews/{uuid}/own_words").get_data(as_text=True))
    assert "What I want my social worker to know" in own
    assert "MESSAGEWORDS I want to stay at my nan's" in own


def test_the_feelings_faces_show_which_was_chosen(app, web, world):
    uuid = start(web, world)
    store(app, uuid, worker_wrote())
    html = web.get(f"/interviews/{uuid}/after").get_data(as_text=True)
    assert 'data-feeling="not_good" aria-pressed="true"' in html
    assert 'data-feeling="good" aria-pressed="false"' in html
    # The faces choose in the field's own list and stamp when in the field after it.
    assert 'data-feelings="in-feelings-after-choice"' in html
    assert 'data-feelings-at="in-feelings-after-at"' in html
    assert 'id="in-feelings-after-choice" name="f:feelings.after.choice"' in html


def test_the_blank_shell_pages_have_the_same_childs_view(client):
    for page_id in ("start", "before", "away", "own_words", "findings", "analysis", "consent"):
        html = client.get(f"/shell/interviews/{page_id}").get_data(as_text=True)
        seen = child_sees(html)
        for words in ("Questions you could ask", "Sexual exploitation", "Parts of the interview"):
            assert words not in seen, (page_id, words)
        assert 'id="child-view-dialog"' in html
    away = client.get("/shell/interviews/away").get_data(as_text=True)
    assert "How are you feeling?" in child_sees(away)
    assert 'name="f:feelings.away.choice"' in away and 'name="f:feelings.away.at"' in away


def test_feelings_and_the_childs_words_save_like_every_field_and_show_on_review(app, web, world):
    uuid = start(web, world)
    assert autosave(web, uuid, "feelings.help.choice", "really_good", "").status_code == 200
    assert autosave(web, uuid, "feelings.help.at", "2026-11-23 11:55", "").status_code == 200
    said = "I want my social worker to ring me on Fridays"
    assert autosave(web, uuid, "child_message", said, "").status_code == 200
    document = stored(app, uuid)
    assert document["feelings"]["help"] == {"choice": "really_good", "at": "2026-11-23 11:55"}
    assert document["child_message"] == said
    # Not one of the options, or a time still to come: refused like any field.
    assert autosave(web, uuid, "feelings.help.choice", "fine", None).status_code == 422
    assert autosave(web, uuid, "feelings.help.at", "2026-11-24 09:00", None).status_code == 422
    review = web.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    assert '<dt>How Ada feels</dt><dd class="prose" dir="auto">Really good</dd>' in review
    chose = '<dt>When Ada chose how they feel</dt><dd class="prose" dir="auto">'
    assert f"{chose}23 Nov 2026 11:55</dd>" in review  # as every page writes a time
    assert "What I want my social worker to know" in review and said in review
    with app.app_context():
        saves = db.session.scalars(
            select(AuditEvent.detail).where(
                AuditEvent.action == "interview.save", AuditEvent.object_id == uuid
            )
        ).all()
    assert any("feelings.help.choice" in d for d in saves)
    assert any("child_message" in d for d in saves)


def pdf_text(app, uuid: str, recipient: str) -> str:
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        data = render_for(interview, recipient, "A reader", utcnow(), draft=True)
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)


def test_the_childs_words_reach_only_the_copies_their_section_reaches(app, web, world):
    uuid = start(web, world)
    d = c.empty_content()
    d["sections"]["before"]["text"] = "BEFOREWORDS"
    d["sections"]["own_words"]["text"] = "OWNWORDS"
    d["child_message"] = "MESSAGEWORDS please call my nan"
    d["feelings"]["before"] = {"choice": "really_bad", "at": "2026-11-23 11:10"}
    d["feelings"]["own_words"] = {"choice": "good", "at": "2026-11-23 11:30"}
    d["consent"]["social_worker"]["answer"] = "yes"
    d["consent"]["police"] = {**d["consent"]["police"], "answer": "some", "part_before": True}
    store(app, uuid, d)
    social_worker = pdf_text(app, uuid, "social_worker")
    assert "What Ada wants their social worker to know" in social_worker
    assert "MESSAGEWORDS please call my nan" in social_worker
    assert "How Ada said they felt" in social_worker
    assert "Good (chosen 23 Nov 2026 11:30)" in social_worker
    assert "Really bad (chosen 23 Nov 2026 11:10)" in social_worker
    police = pdf_text(app, uuid, "police")
    assert "BEFOREWORDS" in police and "Really bad (chosen 23 Nov 2026 11:10)" in police
    assert "MESSAGEWORDS" not in police and "OWNWORDS" not in police
    assert "Good (chosen" not in police
    parents = pdf_text(app, uuid, "parents_carers")
    assert "MESSAGEWORDS" not in parents and "felt" not in parents
    # The message is to the social worker: not in the police copy even with their own words.
    d["consent"]["police"]["part_own_words"] = True
    store(app, uuid, d)
    police = pdf_text(app, uuid, "police")
    assert "OWNWORDS" in police and "MESSAGEWORDS" not in police


def test_the_social_worker_reads_on_screen_the_childs_words_as_their_copy_holds(app, web, world):
    uuid = start(web, world)
    d = c.empty_content()
    d["sections"]["own_words"]["text"] = "OWNWORDS"
    d["child_message"] = "MESSAGEWORDS please call my nan"
    d["feelings"]["own_words"] = {"choice": "good", "at": "2026-11-23 11:30"}
    d["consent"]["social_worker"]["answer"] = "yes"
    store(app, uuid, d)
    with app.app_context():  # finished: a copy is read once it is
        db.session.scalar(select(Interview).where(Interview.uuid == uuid)).status = "finished"
        db.session.commit()
    reader = Web(app.test_client())
    reader.sign_in(world.emails["social_worker"])
    page = " ".join(reader.get(f"/interviews/{uuid}/review").get_data(as_text=True).split())
    assert "This is what your copy of the summary holds" in page
    assert "wants their social worker to know</h2>" in page
    assert "MESSAGEWORDS please call my nan" in page
    assert "Good (chosen 23 Nov 2026 11:30)" in page  # as every page writes a time
    assert "What is shared was not read back to" in page
    d["read_back"] = {"answer": "agreed", "at": "2026-11-23 11:50"}
    store(app, uuid, d)
    page = " ".join(reader.get(f"/interviews/{uuid}/review").get_data(as_text=True).split())
    assert "on 23 Nov 2026 11:50: who will know what" in page and "not read back" not in page
    # Kept private, their own words go to no one, and the message with them.
    d["sections"]["own_words"]["private"] = True
    store(app, uuid, d)
    page = reader.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    assert "MESSAGEWORDS" not in page and "Good (chosen" not in page


def unlock(web, uuid: str, password: str, token: str | None = None):
    if token is None:
        token = csrf_from(web.get(f"/interviews/{uuid}/after").get_data(as_text=True))
    return web.client.post(
        f"/interviews/{uuid}/child-view/unlock",
        data={"password": password},
        headers={"X-CSRFToken": token},
    )


def unlock_events(app, uuid: str) -> list[tuple[str, str]]:
    with app.app_context():
        return [
            (e.outcome, e.detail or "")
            for e in db.session.scalars(
                select(AuditEvent)
                .where(
                    AuditEvent.action == "interview.child_view_unlock",
                    AuditEvent.object_id == uuid,
                )
                .order_by(AuditEvent.id)
            )
        ]


def test_back_to_the_workers_view_online_needs_the_workers_password(app, web, world):
    uuid = start(web, world)
    wrong = unlock(web, uuid, "not my password")
    assert wrong.status_code == 422
    assert wrong.get_json()["message"] == "That password is not right. Try again."
    assert unlock(web, uuid, "correct horse battery staple").status_code == 204
    assert unlock_events(app, uuid) == [("refused", ""), ("ok", "")]
    # No token: refused before anything is checked.
    refused = web.client.post(
        f"/interviews/{uuid}/child-view/unlock", data={"password": "correct horse battery staple"}
    )
    assert refused.status_code == 400
    assert len(unlock_events(app, uuid)) == 2


def test_wrong_passwords_pause_the_way_back_as_they_pause_signing_in(app, web, world):
    uuid = start(web, world)
    token = csrf_from(web.get(f"/interviews/{uuid}/after").get_data(as_text=True))
    statuses = [unlock(web, uuid, f"guess {n}", token).status_code for n in range(12)]
    assert statuses[0] == 422
    assert 429 in statuses  # paused (or the rate limit), never let through
    assert unlock(web, uuid, "correct horse battery staple", token).status_code == 429
    assert unlock_events(app, uuid)[-1][0] == "refused"


def test_only_the_interviewers_side_may_try(app, web, world):
    uuid = start(web, world)
    web.sign_out()
    web.sign_in(world.emails["worker_b"])
    token = csrf_from(web.get("/returns").get_data(as_text=True))
    response = unlock(web, uuid, "correct horse battery staple", token)
    assert response.status_code in (403, 404)
    assert unlock_events(app, uuid) == []
