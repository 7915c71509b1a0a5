"""An id names one element on a page: a label, an error summary's link and aria-labelledby
reach the first element with it, so a second leaves its own field or table unnamed (an
accessibility probe: "Team name" put focus in "Full name" on the users page, and a finished
interview's "Copies sent" table was announced as "Summary sent")."""

from __future__ import annotations

import re
from collections import Counter

from tests.app.test_sharing_decisions import _finished_with_decision
from tests.conftest import Web


def _repeated_ids(html: str) -> list[str]:
    """Ids given to more than one element, but the forms' hidden CSRF tokens: no label, link
    or name reaches those."""
    ids = Counter(re.findall(r'\sid="([^"]+)"', html))
    return sorted(name for name, times in ids.items() if times > 1 and name != "csrf_token")


def test_the_users_page_names_each_field_once_even_with_a_team_refused(app, web: Web, world):
    web.sign_in(world.emails["admin"])
    page = web.get("/admin/users").get_data(as_text=True)
    assert _repeated_ids(page) == []
    refused = web.post("/admin/teams", {"name": ""}, page="/admin/users")
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert _repeated_ids(html) == []
    assert '<label for="team_name"' in html
    assert 'href="#team_name"' in html  # the error summary's link reaches the team's box


def test_a_finished_interview_with_a_copy_sent_names_each_part_once(app, web, world):
    uuid, _decision, _manager = _finished_with_decision(app, web, world)
    sent = web.post(
        f"/interviews/{uuid}/copies/sent",
        {
            "recipient": "police",
            "sent_to": "PC Jo Reed, Humber Police",
            "method": "secure_email",
            "sent_at": "2026-11-23T12:00",
        },
        page=f"/interviews/{uuid}/review",
    )
    assert sent.status_code in (200, 302), sent.get_data(as_text=True)[:500]
    review = web.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    assert "Copies sent" in review and "Summary sent" in review
    assert _repeated_ids(review) == []
