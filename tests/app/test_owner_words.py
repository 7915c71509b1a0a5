"""Words about who, as a reader other than the worker reads them.

A probe (LOW): an action the worker will do said "Me (the worker)" to everyone: on the social
worker's page of the interview and in every PDF copy ("Other: Me (the worker), by 8 December
2026"). Those readers read the worker's name; the worker's own pages keep "Me (the worker)".

A probe (LOW): "Who they are, in the child's words" (a person the child named) was checked as
the worker's writing: "my boyfriend" there was flagged on the page, listed under "Wording to
look at again" and counted by the copies' writing check. It holds the child's own words, which
are never corrected (shared/domain/language.md)."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

from pypdf import PdfReader
from sqlalchemy import select

from rhi.extensions import db
from rhi.interviews import content as c
from rhi.models import Child, Interview, Summary, SummarySending
from tests.app.helpers import autosave, page_text, start
from tests.conftest import Web

ME = "Me (the worker)"
NAMED = "Worker A (the return home interview worker)"


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)


def add_item(web: Web, uuid: str, kind: str, page: str, fields: dict[str, str]) -> str:
    response = web.post(f"/interviews/{uuid}/items/{kind}", page=f"/interviews/{uuid}/{page}")
    assert response.status_code == 302
    with web.client.application.app_context():
        document = db.session.scalar(select(Interview.content).where(Interview.uuid == uuid))
    item_id = str(c.normalise(document)[kind][-1]["id"])
    for name, value in fields.items():
        saved = autosave(web, uuid, f"{kind}.{item_id}.{name}", value, None)
        assert saved.status_code == 200, (name, saved.get_data(as_text=True))
    return item_id


def finish(web: Web, uuid: str) -> None:
    response = web.post(f"/interviews/{uuid}/finish", page=f"/interviews/{uuid}/review")
    assert response.status_code == 302


def social_worker(app, world) -> Web:
    sw = Web(app.test_client())
    sw.sign_in(world.emails["social_worker"])
    return sw


def kept_summary(app) -> bytes:
    with app.app_context():
        return bytes(db.session.scalar(select(Summary.pdf)))


# --- An action the worker will do -----------------------------------------------------------


def test_readers_other_than_the_worker_read_the_workers_name(app, web, world):
    uuid = start(web, world)
    add_item(
        web,
        uuid,
        "actions",
        "analysis",
        {"kind": "other", "owner_kind": "worker", "due": "2026-12-08"},
    )
    add_item(web, uuid, "actions", "analysis", {"kind": "school", "owner_kind": "school"})
    autosave(web, uuid, "consent.social_worker.answer", "yes", None)
    # The worker's own page asks in their words.
    assert ME in web.get(f"/interviews/{uuid}/analysis").get_data(as_text=True)
    finish(web, uuid)

    # The copy sent to the social worker, and a copy made now: by name, on page 1 and in the
    # table of actions; another owner as before.
    for text in (kept_summary(app), web.get(f"/interviews/{uuid}/copies/social_worker.pdf").data):
        words = pdf_text(text)
        assert f"Other: {NAMED}, by 8 December 2026." in words
        assert "School: School, by Not set." in words
        assert ME not in words

    # The social worker's page of the interview: the same words as their PDF.
    page = page_text(social_worker(app, world).get(f"/interviews/{uuid}/start").get_data(True))
    actions = page[page.index("Actions agreed") :]
    assert NAMED in actions and ME not in page


def test_with_no_worker_recorded_the_copy_says_the_role():
    from rhi.summaries.headings import owner_for_readers

    assert owner_for_readers("worker") == "The return home interview worker"
    assert owner_for_readers("worker", "07700 900123") == (
        "07700 900123 (the return home interview worker)"
    )
    assert owner_for_readers("worker", "07700 900123", "Sam Green") == (
        "Sam Green (the return home interview worker)"
    )
    assert owner_for_readers("police", "PC Reed") == "Police: PC Reed"


# --- "Who they are, in the child's words" -----------------------------------------------------


class _Lines(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: dict[str, dict[str, str | None]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("input", "textarea") and a.get("id"):
            self.lines[str(a["id"])] = a


def lines(html: str) -> dict[str, dict[str, str | None]]:
    parser = _Lines()
    parser.feed(html)
    return parser.lines


def test_who_they_are_in_the_childs_words_is_never_corrected(app, web, world):
    uuid = start(web, world)
    person = add_item(
        web, uuid, "people", "findings", {"name": "Dee", "relationship": "my boyfriend"}
    )
    autosave(web, uuid, "consent.social_worker.answer", "yes", None)

    # Not checked on the page, online or on the tablet's offline copy of it.
    for url in (f"/interviews/{uuid}/findings", "/shell/interviews/findings"):
        found = {
            box_id: attrs
            for box_id, attrs in lines(web.get(url).get_data(as_text=True)).items()
            if box_id.startswith("in-people-") and box_id.endswith("-relationship")
        }
        assert found and all("data-check-language" not in a for a in found.values()), url
    assert f"in-people-{person}-relationship" in lines(
        web.get(f"/interviews/{uuid}/findings").get_data(as_text=True)
    )

    # Nothing to look at again, nothing counted: in the review and in the copy.
    review = page_text(web.get(f"/interviews/{uuid}/review").get_data(as_text=True))
    assert "Wording to look at again" not in review
    assert "flagged phrase" not in review
    copy = pdf_text(web.get(f"/interviews/{uuid}/copies/social_worker.pdf?draft=1").data)
    assert "my boyfriend" in copy and "flagged phrase" not in copy

    # The worker's own writing on the same person is still checked.
    autosave(web, uuid, f"people.{person}.concern", "Her older boyfriend.", None)
    review = page_text(web.get(f"/interviews/{uuid}/review").get_data(as_text=True))
    assert "Wording to look at again (1)" in review


# --- "Sent to", when a copy is recorded as sent ----------------------------------------------
# A probe (MEDIUM): "Sent to" started as "Westshire Council (placing authority)" whichever copy
# was chosen, police included, and for a child whose placing authority is their own council.
# It starts so only for the social worker's copy of a child placed here by another authority.

FILLED = "Kirklees Council (placing authority)"


def placed(app, world, home: str | None, placing: str | None) -> None:
    with app.app_context():
        child = db.session.get(Child, world.children["a"])
        child.home_authority, child.placing_authority = home, placing
        db.session.commit()


def sent_to_box(body: str) -> tuple[str | None, str]:
    """(the copy chosen, what "Sent to" holds) on a page or fragment."""
    found = lines(body)
    select = re.search(r'<select[^>]*id="sent_recipient".*?</select>', body, re.S)
    chosen = re.search(r'<option selected value="([^"]+)"', select.group(0)) if select else None
    return (chosen.group(1) if chosen else None), str(found["sent_to"].get("value") or "")


def sent_to_for(web: Web, uuid: str, recipient: str, typed: str):
    """What the form's "Which copy" asks for as it changes (htmx)."""
    return web.post(
        f"/interviews/{uuid}/copies/sent-to",
        {"recipient": recipient, "sent_to": typed, "method": "", "sent_at": ""},
        page=f"/interviews/{uuid}/review",
        headers={"HX-Request": "true"},
    )


def test_a_child_placed_by_their_own_council_starts_with_nothing(app, web, world):
    placed(app, world, "Westshire Council", " westshire council ")
    uuid = start(web, world)
    review = web.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    assert sent_to_box(review)[1] == ""
    assert "was placed here by" not in review  # nor told to send them a copy on finishing


def test_only_the_social_workers_copy_starts_with_the_placing_authority(app, web, world):
    placed(app, world, "Westshire Council", "Kirklees Council")
    uuid = start(web, world)
    autosave(web, uuid, "consent.police.answer", "yes", None)
    autosave(web, uuid, "consent.social_worker.answer", "yes", None)
    finish(web, uuid)
    review = web.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    assert sent_to_box(review) == ("social_worker", FILLED)

    # The copy changed on the form: what rhi filled in follows it; what the worker typed stays.
    for recipient, typed, shown in (
        ("police", FILLED, ""),
        ("school", "", ""),
        ("social_worker", "", FILLED),
        ("police", "PC Jo Reed, Humber Police", "PC Jo Reed, Humber Police"),
        (
            "social_worker",
            "Ms Dee, Kirklees children's services",
            "Ms Dee, Kirklees children's services",
        ),
    ):
        fragment = sent_to_for(web, uuid, recipient, typed)
        assert fragment.status_code == 200
        body = fragment.get_data(as_text=True)
        assert "<html" not in body and sent_to_box(body)[1] == shown, (recipient, typed)

    # Without JavaScript "Sent to" cannot follow: left as filled in for another copy, refused.
    data = {"recipient": "police", "sent_to": FILLED, "method": "secure_email"}
    data["sent_at"] = "2026-11-23T12:01"
    refused = web.post(f"/interviews/{uuid}/copies/sent", data, page=f"/interviews/{uuid}/review")
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert 'id="sent_to-error"' in body and "was filled in for the social worker" in body
    assert sent_to_box(body) == ("police", FILLED)
    with app.app_context():
        assert db.session.scalar(select(SummarySending.id)) is None
    saved = web.post(
        f"/interviews/{uuid}/copies/sent",
        {**data, "recipient": "social_worker"},
        page=f"/interviews/{uuid}/review",
    )
    assert saved.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(SummarySending.sent_to)) == FILLED
