"""A drop-down list starts at "Choose one": a list always sends what it shows, and an
accessibility probe pressed "Save attempt" at once and recorded a visit at which the child was
spoken with. Nothing chosen is refused beside the list, and nothing is recorded."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from rhi.extensions import db
from rhi.models import ContactAttempt


def _shown(page: str, select_id: str) -> str:
    """The option a browser shows in the list: the one marked selected, else the first."""
    found = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', page, re.S)
    assert found, select_id
    options = re.findall(r"<option([^>]*)>([^<]*)<", found.group(1))
    chosen = [o for o in options if "selected" in o[0]] or options[:1]
    return chosen[0][1]


def test_the_contact_attempt_starts_unchosen_and_is_refused_until_chosen(app, web, world):
    web.sign_in(world.emails["worker_a"])
    url = f"/episodes/{world.episodes['a']}"
    page = web.get(url).get_data(as_text=True)
    for select_id in ("attempt_method", "outcome", "offer_method"):
        assert _shown(page, select_id) == "Choose one", select_id
    assert 'data-required="Choose how you tried."' in page
    # What the browser sends when nothing was chosen.
    refused = web.post(
        url + "/attempts",
        {"attempted_at": "2026-11-22T09:30", "method": "", "outcome": "", "note": "Left a card."},
        page=url,
    )
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "Choose how you tried." in text and "Choose what happened." in text
    assert "Left a card." in text  # what was typed is kept
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ContactAttempt)) == 0


def test_a_missing_notification_starts_with_no_risk_grade_or_reporter_chosen(app, web, world):
    web.sign_in(world.emails["manager_a"])
    page = web.get(f"/children/{world.children['a']}/episodes/new").get_data(as_text=True)
    for select_id in ("risk_grade", "reported_by"):
        assert _shown(page, select_id) == "Choose one", select_id
