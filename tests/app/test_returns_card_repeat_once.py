"""The Returns card says the child's repeat count once: at the repeat threshold it said it as a
fact beside the others ("Reported missing in the last 30 days: 3 times") and again in the
repeat marker under them ("3 episodes in the last 30 days"). The clock stands at 2026-11-23
12:00 UTC (tests/app/conftest.py)."""

from __future__ import annotations

import html
import re
from datetime import datetime

from rhi.extensions import db
from rhi.models import Episode
from tests.app.helpers import page_text


def _card(page: str, episode_id: int) -> str:
    """The Returns card of one return, as its words."""
    start = page.index(f'id="card-{episode_id}"')
    start = page.rindex("<li", 0, start)
    return html.unescape(page_text(page[start : page.index("</li>", start)]))


def test_the_returns_card_says_the_repeat_count_once(app, web, world):
    """Reported missing three times in 30 days: the card said it as a fact beside the others
    ("3 times") and again under them ("3 episodes in the last 30 days")."""
    with app.app_context():
        for days in (5, 12):
            db.session.add(
                Episode(
                    child_id=world.children["a"],
                    risk_grade="Low",
                    dfe_type="M",
                    started_at=datetime(2026, 11, 23 - days, 9, 0),
                    returned_at=datetime(2026, 11, 23 - days, 20, 0),
                )
            )
        db.session.commit()
    web.sign_in(world.emails["manager_a"])
    card = _card(web.get("/returns").get_data(as_text=True), world.episodes["a"])
    assert "Ada Alpha" in card
    said = re.findall(r"\b3 (?:times|episodes)\b", card)
    assert len(said) == 1, card
    assert card.count("in the last 30 days") == 1, card
