"""What a recipient's copy says of the findings groups and of the child's own words (a probe).

- A findings group holds in a copy only what that reader may read of it. A group whose only
  entries the child asked to keep private is left out of the PDF, as the copy on screen leaves it
  out: never "None recorded" (read as nothing found, when something was), and never a gap that
  differs from a group with nothing in it, which would tell the reader something was kept out
  (rhi/sharing.py rule 6).
- The child's words, which the worker puts in quotation marks as the language guide asks, are
  shown in one pair of quotation marks in the copies, as the read-back shows them
  (read_back.without_outer_quotes), never two (“"Not the police."”).
"""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from rhi.extensions import db
from rhi.interviews import content as c
from rhi.models import Interview
from rhi.models.base import utcnow
from rhi.summaries.service import render_for
from tests.app.helpers import autosave, start
from tests.conftest import Web

FINDINGS = "Push and pull factors, harms and risk indicators"
PUSH = "What made them want to leave (push factors)"
PULL = "What drew them away (pull factors)"
HARMS = "Harms and risk indicators"
OPEN, CLOSE = "\u201c", "\u201d"


def _text(data: bytes) -> str:
    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join(p.extract_text().split()) for p in pages)


def _finished(app, uuid: str, document: dict[str, Any]) -> None:
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        interview.content = json.loads(json.dumps(document))
        interview.status = "finished"
        db.session.commit()


def _copy(app, uuid: str, recipient: str) -> str:
    """The copy `recipient` is sent, read back from its PDF."""
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        return _text(render_for(interview, recipient, "A reader", utcnow()))


def _on_screen(app, world, uuid: str) -> str:
    """The social worker's copy as their page shows it, as text."""
    reader = Web(app.test_client())
    reader.sign_in(world.emails["social_worker"])
    page = reader.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    assert "This is what your copy of the summary holds" in page
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def _findings(**entries: dict[str, Any]) -> dict[str, Any]:
    """A document sharing the findings with the social worker: `push__bullying={...}`."""
    d = c.empty_content()
    for path, entry in entries.items():
        group, key = path.split("__")
        d[group][key] = {"on": True, "note": "", "private": False, **entry}
    d["consent"]["social_worker"]["answer"] = "some"
    d["consent"]["social_worker"]["part_findings"] = True
    return d


# ---- a findings group holding nothing this reader may read ---------------------------------


def test_a_group_whose_only_entries_are_private_is_left_out_of_the_copy(app, web, world):
    uuid = start(web, world)
    _finished(
        app,
        uuid,
        _findings(
            push__bullying={"note": "PUSHPRIVATEX", "private": True},
            harms__self_harm={"note": "HARMPRIVATEX", "private": True},
            harms__criminal_exploitation={"note": "HARMSHAREDX"},
        ),
    )
    pdf = _copy(app, uuid, "social_worker")
    # The harm shared is there under its group; the private ones nowhere.
    assert FINDINGS in pdf and pdf.find("HARMSHAREDX", pdf.find(HARMS + " ")) > 0
    for never in ("PUSHPRIVATEX", "HARMPRIVATEX", "Bullying", "Self-harm"):
        assert never not in pdf, never
    # The push factors, only one of them private, and the pull factors, none recorded: both
    # left out alike, so nothing tells that one of them held something.
    assert PUSH not in pdf and PULL not in pdf
    assert "None recorded." not in pdf.partition(FINDINGS)[2].partition("Sharing with")[0]
    # The page: the same findings, and no group said to hold nothing.
    page = _on_screen(app, world, uuid)
    assert "HARMSHAREDX" in page and "None recorded" not in page
    for never in ("PUSHPRIVATEX", "HARMPRIVATEX", "Bullying", "Self-harm"):
        assert never not in page, never


def test_findings_all_kept_private_leave_out_the_findings_as_on_the_page(app, web, world):
    uuid = start(web, world)
    _finished(app, uuid, _findings(harms__self_harm={"note": "HARMPRIVATEX", "private": True}))
    pdf = _copy(app, uuid, "social_worker")
    page = _on_screen(app, world, uuid)
    for copy in (pdf, page):
        assert FINDINGS not in copy and HARMS not in copy
        assert "HARMPRIVATEX" not in copy and "Self-harm" not in copy
    # The child's answer still names the part they agreed to: the copy does not say it is empty.
    assert "Yes, to the parts ticked below (What we found: reasons for going and harms)" in pdf


# ---- the child's words in one pair of quotation marks --------------------------------------


def _write(web: Web, uuid: str, **fields: str) -> None:
    for path, value in fields.items():
        assert autosave(web, uuid, path.replace("__", "."), value, None).status_code == 200, path


def _urgent_decision(web: Web, world, uuid: str, recipient: str, child_said: str) -> None:
    """A decision to share with `recipient`, urgent so in force at once."""
    decision = {
        "recipient": recipient,
        "parts": ["away"],
        "reason": "REASONX adults are exploiting her",
        "decider": str(world.users["social_worker"]),
        "child_told": "told",
        "child_told_how": "In person, at the end of the chat",
        "child_said": child_said,
        "urgent": "y",
        "urgent_reason": "URGENTX he is meeting her tonight",
    }
    response = web.post(
        f"/interviews/{uuid}/overrides", decision, page=f"/interviews/{uuid}/consent"
    )
    assert response.status_code == 302


def _draft(web: Web, uuid: str, recipient: str) -> str:
    response = web.get(f"/interviews/{uuid}/copies/{recipient}.pdf?draft=1")
    assert response.status_code == 200
    return _text(response.data)


@pytest.mark.parametrize(
    "typed",
    ['"Not the police."', "\u201cNot the police.\u201d", "Not the police."],
)
def test_the_police_copy_quotes_the_childs_words_once(app, web, world, typed):
    uuid = start(web, world)
    _write(
        web,
        uuid,
        sections__away__text="AWAYX stayed with a man called Kay",
        consent__police__answer="no",
        consent__police__words=typed,
    )
    _urgent_decision(web, world, uuid, "police", typed.replace("Not the police", "Fine, but"))
    police = _draft(web, uuid, "police")
    assert "AWAYX" in police  # the decision shares "While away" with the police
    # What they said about the police having it, and what they said of the decision: each in
    # one pair, and once (voice36: the consent table said their words again; it points to them).
    assert police.count(f"{OPEN}Not the police.{CLOSE}") == 1
    assert f"Under {OPEN}What Ada said about sharing with the police{CLOSE}, above" in police
    assert f"they said: {OPEN}Fine, but.{CLOSE}" in police
    assert '"' not in police
    assert OPEN + OPEN not in police and CLOSE + CLOSE not in police
    # The worker's record on the review page says the decision once too.
    review = web.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    assert "they said: &#8220;<span" in review
    said = re.search(r"they said: &#8220;<span[^>]*>([^<]*)</span>&#8221;", review)
    assert said and said.group(1) == "Fine, but."


def test_the_social_workers_copy_quotes_the_childs_words_once(app, web, world):
    uuid = start(web, world)
    _write(
        web,
        uuid,
        consent__social_worker__answer="yes",
        consent__social_worker__words='"She can know about home."',
    )
    pdf = _draft(web, uuid, "social_worker")
    assert f"{OPEN}She can know about home.{CLOSE}" in pdf
    assert '"She can know' not in pdf


def test_a_decision_on_the_social_workers_page_quotes_the_child_once(app, web, world):
    uuid = start(web, world)
    _write(web, uuid, sections__away__text="AWAYX stayed with a man called Kay")
    _urgent_decision(web, world, uuid, "social_worker", '"OK, but not my mum."')
    reader = Web(app.test_client())
    reader.sign_in(world.emails["social_worker"])
    page = reader.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    assert "AWAYX" in page  # what the decision shares, before the interview is finished
    said = re.search(r"they said: &#8220;<span[^>]*>([^<]*)</span>&#8221;", page)
    assert said and said.group(1) == "OK, but not my mum."


def test_the_social_workers_page_quotes_their_answer_once(app, web, world):
    uuid = start(web, world)
    d = c.empty_content()
    d["consent"]["social_worker"]["answer"] = "yes"
    d["consent"]["social_worker"]["words"] = '"She can know about home."'
    _finished(app, uuid, d)
    _on_screen(app, world, uuid)
    reader = Web(app.test_client())
    reader.sign_in(world.emails["social_worker"])
    page = reader.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    said = re.search(r": &#8220;<span[^>]*>([^<]*)</span>&#8221;", page)
    assert said and said.group(1) == "She can know about home."
