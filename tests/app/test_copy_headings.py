"""Issue 17 item 5: a copy of the summary speaks in one voice. The social worker reads the same
headings, in the same order, on screen (their copy of the interview) and in their PDF (made by
WeasyPrint and read back with pypdf); both come from one table (rhi/summaries/headings.py), name
the child, and call the interview by the council's own name."""

from __future__ import annotations

import io
import json
from html.parser import HTMLParser
from typing import Any

from pypdf import PdfReader
from sqlalchemy import select

from rhi.extensions import db
from rhi.interviews import content as c
from rhi.models import Interview
from rhi.models.base import utcnow
from rhi.summaries.headings import COPY_HEADINGS, copy_headings
from rhi.summaries.service import render_for
from tests.app.helpers import ADMIN_SETTINGS, start
from tests.conftest import Web

SETTINGS = ADMIN_SETTINGS


class Headings(HTMLParser):
    """The text of each h2 and h3 after the page's h1 (the copy itself, not the menus)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.after_h1 = False
        self.current: list[str] | None = None
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("h2", "h3") and self.after_h1:
            self.current = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "h1":
            self.after_h1 = True
        elif tag in ("h2", "h3") and self.current is not None:
            self.found.append(" ".join("".join(self.current).split()))
            self.current = None

    def handle_data(self, data: str) -> None:
        if self.current is not None:
            self.current.append(data)


def everything_shared() -> dict[str, Any]:
    """Something in every part the social worker's copy can hold."""
    d = c.empty_content()
    for s in ("before", "away", "after", "help", "own_words", "analysis"):
        d["sections"][s]["text"] = f"{s.upper()}TEXT said things"
    d["child_message"] = "MESSAGETEXT please call my nan"
    d["feelings"]["before"] = {"choice": "really_bad", "at": "2026-11-23 11:10"}
    d["police_contact"] = "POLICETEXT only if they listen"
    d["push"]["family_conflict"] = {"on": True, "note": "PUSHNOTE arguments", "private": False}
    d["harms"]["criminal_exploitation"] = {"on": True, "note": "HARMNOTE", "private": False}
    d["places"] = [
        {"id": "p1", "name": "PLACENAME flat", "area": "Town", "when": "Friday", "note": ""}
    ]
    d["people"] = [{"id": "q1", "name": "PERSONNAME", "age": "24", "relationship": "friend"}]
    d["actions"] = [{"id": "a1", "kind": "safety_plan", "owner": "ACTIONOWNER", "due": ""}]
    d["risk_view"] = "high"
    d["protective_factors"] = "PROTECTIVE Close to her nan."
    d["consent"]["social_worker"] = {**d["consent"]["social_worker"], "answer": "yes"}
    return d


def store(app, uuid: str, document: dict[str, Any]) -> None:
    """The interview holds `document`, finished: a copy is read once it is (an interview still
    being written is nobody's copy yet)."""
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        interview.content = json.loads(json.dumps(document))
        interview.status = "finished"
        db.session.commit()


def pdf_text(app, uuid: str, recipient: str) -> str:
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        data = render_for(interview, recipient, "A reader", utcnow(), draft=True)
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)


def in_order(text: str, markers: list[str]) -> None:
    at = 0
    for marker in markers:
        found = text.find(marker, at)
        assert found >= 0, f"{marker!r} not after {text[max(0, at - 80) : at]!r}"
        at = found + len(marker)


def on_screen(app, world, uuid: str) -> tuple[str, list[str]]:
    reader = Web(app.test_client())
    reader.sign_in(world.emails["social_worker"])
    page = reader.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    assert "This is what your copy of the summary holds" in page  # the copy, not the record
    parser = Headings()
    parser.feed(page)
    return page, parser.found


def test_the_social_worker_reads_the_same_headings_on_screen_and_in_the_pdf(app, web, world):
    uuid = start(web, world)
    store(app, uuid, everything_shared())
    _, screen = on_screen(app, world, uuid)
    table = copy_headings("Ada", "social_worker")
    shown = [h for h in screen if h in table.values()]
    # Every heading of the copy on screen is from the table, and every part holds one.
    assert shown == screen, set(screen) - set(shown)
    expected = [
        "What Ada says would help",
        "In Ada\u2019s own words",
        "What Ada wants their social worker to know",
        "How Ada said they felt",
        "Before Ada left",
        "While Ada was away",
        "How Ada feels now",
        "What Ada said about the police",
        "Push and pull factors, harms and risk indicators",
        "Places and people",
        "People Ada mentioned",
        "Places Ada mentioned",
        "The interviewer\u2019s analysis",
        "The interviewer\u2019s view of the risk of harm Ada faces",
        "What is keeping Ada safe",
        "Actions agreed",
        "Sharing with the allocated social worker",
    ]
    assert screen == expected
    # The PDF: the same headings, in the same order, and none of the table's others.
    text = pdf_text(app, uuid, "social_worker")
    in_order(text, screen)
    for key, heading in table.items():
        if heading not in screen:
            assert heading not in text, key
    # No heading of the interview pages' own, which speak to the child or the worker.
    for theirs in ("Before you left", "In their own words", "Your analysis", "Sharing with you"):
        assert theirs not in text and theirs not in screen
    assert set(COPY_HEADINGS) - {"police_words"} <= {k for k, h in table.items() if h in screen}


def test_both_copies_call_the_interview_by_the_councils_own_name(app, web, world):
    uuid = start(web, world)
    store(app, uuid, everything_shared())
    admin = Web(app.test_client())
    admin.sign_in(world.emails["admin"])
    changed = {**SETTINGS, "interview_name": "Missing Chat"}
    assert admin.post("/admin/settings", changed, page="/admin/settings").status_code == 302
    page, _ = on_screen(app, world, uuid)
    assert "Missing Chat: Ada" in page
    text = pdf_text(app, uuid, "social_worker")
    in_order(text, ["Missing Chat summary", "Earlier Missing Chats", "Missing Chat worker"])
    # (The organisation is named apart: RHI_ORGANISATION, "The return home interview service".)
    assert "return home interview summary" not in text.lower()
    assert "return home interviews" not in text.lower()


def test_the_social_workers_screen_copy_says_actions_places_and_people_in_words(app, web, world):
    uuid = start(web, world)
    d = everything_shared()
    d["actions"] = [
        {
            "id": "a1",
            "kind": "exploitation_team",
            "owner_kind": "other_agency",
            "owner": "ACTIONOWNER 0113 000 0000",
            "due": "2026-12-03",
            "note": "",
        }
    ]
    store(app, uuid, d)
    page, _ = on_screen(app, world, uuid)
    # The choice's words and the date as a date, as the PDF says them; never the stored codes.
    for words in ("Exploitation team", "Another agency", "ACTIONOWNER 0113 000 0000"):
        assert words in page, words
    assert "3 December 2026" in page
    for code in ("other_agency", "exploitation_team", "2026-12-03"):
        assert code not in page, code
    # Places and people under their columns' labels, the typed words kept as typed.
    for words in ("PLACENAME flat", "Town", "Friday", "PERSONNAME", "24", "friend"):
        assert f">{words}</td>" in page, words
    text = pdf_text(app, uuid, "social_worker")
    assert "Another agency" in text and "3 December 2026" in text
