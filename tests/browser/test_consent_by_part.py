"""Consent by part and a safeguarding decision confirmed by a manager, in Chromium (issue 11):
the child agrees to share only how she feels now with health; the worker records a decision to
share what happened while she was away with the police, naming the team manager, who confirms
it from "Decisions to confirm". The health copy holds only what was agreed, the police copy
only what the decision shares, and it is released only once confirmed. axe on each page."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from tests.browser.helpers import open_interview_of, serious_violations, sign_in

pytestmark = pytest.mark.browser

SAVED = re.compile(r"^Saved")
AWAY = "ODAWAY we stayed in a flat above a takeaway"
AFTER = "ODAFTER tired, and worried about the clinic"


def _pdf_text(page, url: str) -> str:
    response = page.request.get(url)
    assert response.ok, (url, response.status)
    pages = PdfReader(io.BytesIO(response.body())).pages
    return " ".join(" ".join(p.extract_text().split()) for p in pages)


def _write(page, uuid: str, part: str, label: str, words: str) -> None:
    page.goto(f"/interviews/{uuid}/{part}")
    box = page.get_by_label(label, exact=True)
    box.fill(words)
    box.press("Tab")
    page.locator(".save-status").filter(has_text=SAVED).first.wait_for()


def test_consent_by_part_and_a_decision_the_manager_confirms(
    page, browser, live_server, new_return
):
    episode_id = new_return("Odette")
    open_interview_of(page, episode_id)
    uuid = re.search(r"/interviews/([0-9a-f-]{36})/", page.url).group(1)
    _write(page, uuid, "away", "What Odette said", AWAY)
    _write(page, uuid, "after", "What Odette said", AFTER)

    # Health: only "How you feel now", as she agreed.
    page.goto(f"/interviews/{uuid}/consent")
    health = page.locator("section.consent", has=page.get_by_role("heading", name="Health"))
    health.get_by_label("Yes, to the parts ticked below").check()
    health.get_by_label("How you feel now").check()
    health.locator(".save-status").filter(has_text=SAVED).last.wait_for()
    police = page.locator("section.consent", has=page.get_by_role("heading", name="Police"))
    police.get_by_label("No", exact=True).check()
    police.locator(".save-status").filter(has_text=SAVED).last.wait_for()
    assert serious_violations(page) == []

    # A decision to share "While away" with the police, for the team manager to confirm.
    page.reload()
    page.get_by_label("Share with").select_option("police")
    page.get_by_label("While away").last.check()
    page.get_by_label("Why the information must be shared without the child's agreement").fill(
        "An adult is exploiting her; the police need the address to protect her."
    )
    decider = page.get_by_label("Who decided")
    alex = decider.locator("option", has_text="Alex Morgan").get_attribute("value")
    decider.select_option(alex)
    page.get_by_label("Yes, the child was told").check()
    page.get_by_role("button", name="Record the decision to share").click()
    page.get_by_text("Waiting for Alex Morgan to confirm: not shared yet.").wait_for()
    assert serious_violations(page) == []

    health_copy = _pdf_text(page, f"/interviews/{uuid}/copies/health.pdf?draft=1")  # to check
    assert "ODAFTER" in health_copy and "ODAWAY" not in health_copy
    # Not yet confirmed: not even in the draft (which holds all the child agreed to).
    police_copy = _pdf_text(page, f"/interviews/{uuid}/copies/police.pdf?draft=1")
    assert "ODAWAY" not in police_copy and "ODAFTER" not in police_copy

    # The manager confirms it from their list.
    context = browser.new_context(base_url=live_server, viewport={"width": 1024, "height": 768})
    manager = context.new_page()
    sign_in(manager, "manager@example.org")
    manager.wait_for_url("**/returns")
    manager.get_by_role("link", name=re.compile("Decisions to confirm")).click()
    manager.get_by_role("link", name="Odette Testchild").click()
    assert serious_violations(manager) == []
    manager.get_by_role("button", name=re.compile("Confirm")).click()
    manager.get_by_text("Confirmed.").wait_for()
    assert serious_violations(manager) == []
    context.close()

    page.goto(f"/interviews/{uuid}/consent")
    page.get_by_text("Confirmed by Alex Morgan: shared.").wait_for()
    police_copy = _pdf_text(page, f"/interviews/{uuid}/copies/police.pdf")
    assert "ODAWAY" in police_copy and "ODAFTER" not in police_copy
    assert "worried about the clinic" not in police_copy
