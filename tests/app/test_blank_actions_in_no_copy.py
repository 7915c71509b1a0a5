"""An action added and left blank is in no copy (readers probe, finding 7): the social worker's
copy said "Other: Not yet agreed, by Not set" of an action no one followed. The copy lists the
actions that are followed, by one rule (rhi/interviews/content.py agreed_action)."""

from __future__ import annotations

import io

from pypdf import PdfReader

from tests.app.helpers import autosave, start
from tests.app.test_actions import _actions, _add_action, _finish


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)


def test_a_blank_action_is_neither_followed_nor_listed(app, web, world):
    uuid = start(web, world)
    assert autosave(web, uuid, "consent.social_worker.answer", "yes", None).status_code == 200
    _add_action(web, uuid)  # added and left blank
    _add_action(web, uuid, kind="safety_plan", note="SAFETYPLAN with her carers")
    _finish(web, uuid)
    assert [a.kind for a in _actions(app)] == ["safety_plan"]
    copy = _pdf_text(web.get(f"/interviews/{uuid}/copies/social_worker.pdf").data)
    assert "SAFETYPLAN with her carers" in copy
    # The safety plan, with no one named yet, is listed; the blank one is not.
    assert "Safety plan: Not yet agreed, by Not set." in copy
    assert "Other: Not yet agreed" not in copy and "Other Not yet agreed" not in copy
