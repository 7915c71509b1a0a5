"""The decision to share without the child's agreement says every problem at once (a11y33,
item 3): sent empty, it named only "Share with"; once that was chosen, only "What will be
shared", and so on, up to five round trips at a safeguarding moment. Now each problem is
beside its field and listed in the error summary at the top, and what was typed is kept."""

from __future__ import annotations

import html
import re

from sqlalchemy import func, select

from rhi.extensions import db
from rhi.models import SharingDecision
from tests.app.helpers import start

CHILD_SAID = "CHILDSAIDWORDS please do not tell my mum"
TOLD_HOW = "TOLDHOWWORDS in person, at the end"


def _summary(page: str) -> dict[str, str]:
    """The error summary's lines: field id -> "Label: message", as a screen reader reads them."""
    block = re.search(r'<div class="error-summary"[^>]*>(.*?)</div>', page, re.S)
    assert block, "no error summary"
    lines = re.findall(r'<a href="#([^"]+)">(.*?)</a>', block.group(1), re.S)
    return {field: html.unescape(text) for field, text in lines}


def _beside(page: str, field: str) -> str:
    """The message drawn next to `field`."""
    found = re.search(rf'<p class="error-message" id="{field}-error">(.*?)</p>', page, re.S)
    assert found, f"no message beside {field}"
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip()


def _send(web, uuid: str, decision: dict[str, object]):
    return web.post(f"/interviews/{uuid}/overrides", decision, page=f"/interviews/{uuid}/consent")


def _decisions(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(SharingDecision.id)))


def test_an_empty_decision_names_every_missing_answer_at_once(app, web, world):
    uuid = start(web, world)
    sent = {
        "recipient": "",
        "child_told_how": TOLD_HOW,
        "child_said": CHILD_SAID,
        "urgent": "y",
    }
    response = _send(web, uuid, sent)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<title>Error: " in page
    assert _summary(page) == {
        "recipient": "Share with: Choose who the information will be shared with.",
        "parts": "What will be shared: Choose at least one part to share.",
        "reason": "Why the information must be shared without the child's agreement: "
        "Write the reason: the risk of significant harm you see.",
        "decider": "Who decided: Choose who made the decision.",
        "child_told": "Was the child told?: Say whether the child was told.",
        "urgent_reason": "Why it cannot wait for confirmation: "
        "Write why it cannot wait for confirmation.",
    }
    # Each message is beside its field, which is marked invalid and points to it.
    assert _beside(page, "recipient") == ("Error: Choose who the information will be shared with.")
    assert _beside(page, "decider") == "Error: Choose who made the decision."
    for field in ("recipient", "reason", "decider", "urgent_reason"):
        tag = re.search(rf'<(?:select|textarea)[^>]*\bid="{field}"[^>]*>', page)
        assert tag, field
        assert 'aria-invalid="true"' in tag.group(0), field
        assert f"{field}-error" in tag.group(0), field
    # What the worker typed or ticked is still there.
    assert CHILD_SAID in html.unescape(page)
    assert TOLD_HOW in html.unescape(page)
    assert re.search(r'<input[^>]*checked[^>]*id="urgent"|<input[^>]*id="urgent"[^>]*checked', page)
    assert _decisions(app) == 0


def test_a_box_too_long_and_a_rule_broken_are_said_together(app, web, world):
    uuid = start(web, world)
    sent = {
        "recipient": "parents_carers",
        "parts": ["away", "places_people"],
        "reason": "R" * 4001,  # too long for the form itself
        "decider": str(world.users["manager_a"]),
        "child_told": "not_yet",
        "child_said": CHILD_SAID,
    }
    page = _send(web, uuid, sent).get_data(as_text=True)
    lines = _summary(page)
    assert set(lines) == {"parts", "reason"}
    assert "Parents and carers are never given places and people" in lines["parts"]
    assert "Untick \u201cPlaces and people\u201d" in lines["parts"]
    assert _beside(page, "reason").startswith("Error: ")
    assert CHILD_SAID in html.unescape(page)
    assert _decisions(app) == 0

    # Put right in one go, it is recorded.
    fixed = {**sent, "parts": ["away"], "reason": "An adult is sending her to other towns."}
    assert _send(web, uuid, fixed).status_code == 302
    assert _decisions(app) == 1
