"""An action, place or person added and left blank is in no copy, no count and no letter, and
the review lists it as a gap (voice36, items 2 and 3).

The probe added an action, a place and a person twice and filled in one of each. The child's
letter promised "Something else" for the blank action, which the read-back, the copies and the
Actions list left out. The social worker's and police copies said "Named: 2 people and 2
places" and listed one of each, and the read-back told the child that both readers would know
"Someone you told me about: not named". One rule for each: an action is agreed
(content.agreed_action), a place or person has something written in it
(content.written_entry), and every reader of the interview asks it.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from rhi.interviews import content as c
from rhi.interviews import read_back
from rhi.sharing import view_for
from rhi.summaries import headings
from rhi.summaries.pdf import render_html
from tests.app.helpers import autosave, blocks, prepared_file, start, stored_document
from tests.conftest import Web

AGREED = read_back.CHILD_ACTIONS["exploitation_team"]
SOMETHING_ELSE = read_back.CHILD_ACTIONS["other"]
NOT_NAMED = read_back.NOT_NAMED
PLACE_GAP = "A place was added with nothing written in it: fill it in or remove it."
PERSON_GAP = "A person was added with nothing written in it: fill it in or remove it."


def flat(text: str) -> str:
    return " ".join(text.split())


def pdf_text(data: bytes) -> str:
    return " ".join(flat(p.extract_text()) for p in PdfReader(io.BytesIO(data)).pages)


def save(web: Web, uuid: str, path: str, value: str) -> None:
    response = autosave(web, uuid, path, value, None)
    assert response.status_code == 200, (path, response.get_data(as_text=True))


def add(web: Web, app, uuid: str, head: str, page: str, /, **fields: str) -> None:
    """Tap "Add" on `page` for a `head` entry and type `fields` into it (none: left blank)."""
    response = web.post(f"/interviews/{uuid}/items/{head}", page=f"/interviews/{uuid}/{page}")
    assert response.status_code == 302
    item_id = stored_document(app, uuid)[head][-1]["id"]
    for name, value in fields.items():
        save(web, uuid, f"{head}.{item_id}.{name}", value)


def finish(web: Web, uuid: str) -> None:
    response = web.post(f"/interviews/{uuid}/finish", page=f"/interviews/{uuid}/review")
    assert response.status_code == 302


def letter_pdf(web: Web, uuid: str) -> str:
    page = f"/interviews/{uuid}/child-copy"
    data = prepared_file(web, f"{page}.pdf", page)
    assert data.status_code == 200 and data.mimetype == "application/pdf"
    return pdf_text(data.data)


def copy_pdf(web: Web, uuid: str, recipient: str) -> str:
    response = web.get(f"/interviews/{uuid}/copies/{recipient}.pdf")
    assert response.status_code == 200
    return pdf_text(response.data)


def test_a_blank_action_is_not_in_the_childs_letter(app, web, world):
    uuid = start(web, world)
    save(web, uuid, "consent.social_worker.answer", "yes")
    add(web, app, uuid, "actions", "analysis")  # added and left blank
    add(
        web,
        app,
        uuid,
        "actions",
        "analysis",
        kind="exploitation_team",
        owner_kind="social_worker",
        due="2026-12-01",
        note="EXPLNOTE refer her",
    )
    # What the child is read back: the agreed action, nothing else.
    said = blocks(web.get(f"/interviews/{uuid}/read_back").get_data(as_text=True))
    assert f"What we agreed will happen next: {AGREED}" in said["social_worker"]
    assert SOMETHING_ELSE not in said["social_worker"]
    finish(web, uuid)
    letter = letter_pdf(web, uuid)
    assert AGREED in letter
    assert SOMETHING_ELSE not in letter
    copy = copy_pdf(web, uuid, "social_worker")
    assert "EXPLNOTE refer her" in copy and "Other" not in copy


def test_a_blank_place_or_person_is_in_no_copy_count_or_read_back_and_is_a_gap(app, web, world):
    uuid = start(web, world)
    save(web, uuid, "consent.social_worker.answer", "yes")
    save(web, uuid, "consent.police.answer", "yes")
    add(web, app, uuid, "places", "findings")  # added and left blank
    add(web, app, uuid, "places", "findings", name="NANSFLAT", area="Leeds")
    add(web, app, uuid, "people", "findings", name="MAREKX", age="about 25")
    add(web, app, uuid, "people", "findings")  # added and left blank

    # The review says each blank one is a gap, as it does of a blank action.
    review = flat(web.get(f"/interviews/{uuid}/review").get_data(as_text=True))
    assert review.count(PLACE_GAP) == 1 and review.count(PERSON_GAP) == 1

    # The read-back names the filled ones to both readers, never a blank one as "not named".
    said = blocks(web.get(f"/interviews/{uuid}/read_back").get_data(as_text=True))
    for reader in ("social_worker", "police"):
        assert "A place you told me about: NANSFLAT" in said[reader], reader
        assert "Someone you told me about: MAREKX" in said[reader], reader
        assert NOT_NAMED not in said[reader], reader
        assert said[reader].count("A place you told me about") == 1
        assert said[reader].count("Someone you told me about") == 1

    finish(web, uuid)
    for reader in ("social_worker", "police"):
        copy = copy_pdf(web, uuid, reader)
        assert "Named: 1 person and 1 place" in copy, reader
        assert "NANSFLAT" in copy and "MAREKX" in copy
    letter = letter_pdf(web, uuid)
    assert NOT_NAMED not in letter


# ---- any mix of blank and filled entries -----------------------------------------------------

_TEXT = st.sampled_from(["", "  ", "\n", "W"])


@st.composite
def entries(draw: Any, kind: str) -> list[dict[str, Any]]:
    """Entries of `kind`, each field blank, only spaces or written, some kept private."""
    found = []
    for n in range(draw(st.integers(0, 4))):
        entry: dict[str, Any] = {"id": f"{kind[:2]}{n}", "private": draw(st.booleans())}
        for name in c.LIST_FIELDS[kind]:
            entry[name] = draw(_TEXT).replace("W", f"{name.upper()}{n}X")
        found.append(entry)
    return found


def _named_counts(page: str) -> tuple[int, int]:
    """(people, places) as the copy's "Named:" line says them; (0, 0) with no such line."""
    line = re.search(r"Named: (.*?), under", page)
    if not line:
        return 0, 0
    people = re.search(r"(\d+) (?:person|people)", line.group(1))
    places = re.search(r"(\d+) places?\b", line.group(1))
    return int(people.group(1)) if people else 0, int(places.group(1)) if places else 0


def _listed(page: str, caption: str) -> int:
    """How many rows the copy's table under `caption` lists."""
    table = re.search(rf"<h3>{re.escape(caption)}</h3>\s*<table>.*?<tbody>(.*?)</tbody>", page)
    return table.group(1).count("<tr>") if table else 0


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(places=entries("places"), people=entries("people"))
def test_every_copy_counts_what_it_lists_and_the_review_says_each_blank_one(app, places, people):
    document = c.empty_content()
    document["places"], document["people"] = places, people
    for reader in ("social_worker", "police"):
        document["consent"][reader]["answer"] = "yes"
    written = {
        kind: [e for e in entries if c.written_entry(kind, e)]
        for kind, entries in (("places", places), ("people", people))
    }
    shared = {kind: [e for e in found if not e["private"]] for kind, found in written.items()}
    with app.test_request_context():
        for reader in ("social_worker", "police"):
            view = view_for(document, reader, in_force=set())
            page = flat(
                render_html(
                    child=SimpleNamespace(
                        display_name="Jordan Reyes", date_of_birth=date(2011, 3, 4)
                    ),
                    episodes=[
                        SimpleNamespace(
                            started_at=datetime(2026, 11, 20, 22, 5),
                            returned_at=datetime(2026, 11, 21, 9, 30),
                            risk_grade="Medium",
                        )
                    ],
                    interview=SimpleNamespace(held_at=datetime(2026, 11, 22, 15, 0)),
                    view=view,
                    prepared_for="Sam Patel",
                    prepared_at=datetime(2026, 11, 23, 10, 42),
                    interviewer="Alex Morgan",
                    place="Home",
                    present="Jordan and Alex",
                )
            )
            people_listed = _listed(page, headings.entry_heading("people", "Jordan"))
            places_listed = _listed(page, headings.entry_heading("places", "Jordan"))
            # The count says what the tables list, and they list every written entry shared.
            assert _named_counts(page) == (people_listed, places_listed)
            assert (people_listed, places_listed) == (len(shared["people"]), len(shared["places"]))
    # The read-back tells each reader of each entry their copy holds, and of nothing else.
    for recipient in read_back.recipients(document, ()):
        if recipient.key not in ("social_worker", "police"):
            continue
        keys = {t.key for t in recipient.things if t.key.startswith(("places.", "people."))}
        assert keys == {f"{k}.{e['id']}" for k, found in shared.items() for e in found}
    # What is kept between us is the private entries with something written in them.
    kept = {t.key for t in read_back.kept_between_us(document, ())}
    assert {k for k in kept if k.startswith(("places.", "people."))} == {
        f"{k}.{e['id']}" for k, found in written.items() for e in found if e["private"]
    }
    # The review lists each entry with nothing written in it.
    gaps = c.gaps(document)
    blank = {
        kind: len(found) - len(written[kind])
        for kind, found in (("places", places), ("people", people))
    }
    assert gaps.count(PLACE_GAP) == blank["places"]
    assert gaps.count(PERSON_GAP) == blank["people"]
