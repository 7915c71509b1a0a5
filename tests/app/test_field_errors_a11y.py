"""A refused save of a tick box, a drop-down list or a group of radio buttons, without
JavaScript, is linked to its reason as a refused box is (WCAG 1.3.1, 3.3.1).

A probe found the page sent back (409) saying why under each field, but only the text boxes
described by it and marked invalid: a screen reader on the tick box "Ada asked for this part not
to be shared", the feelings list or the view of risk heard nothing of it. And the reason told
the worker "Your words are still in the box" of a tick box or a radio button.
"""

from __future__ import annotations

import re

from rhi.interviews import content as c
from tests.app.helpers import start, store

TEXT_BOX = "Your words are still in the box."


def held(app, uuid: str) -> None:
    d = c.empty_content()
    d = c.set_field(d, "sections.before.text", "Words saved elsewhere")
    d = c.set_field(d, "sections.before.private", True)
    d = c.set_field(d, "feelings.before.choice", "ok")
    d = c.set_field(d, "risk_view", "low")
    store(app, uuid, d)


def tag(html: str, element: str, attributes: str) -> str:
    found = re.search(rf"<{element}\b[^>]*{attributes}[^>]*>", html)
    assert found, (element, attributes)
    return found.group(0)


def reason(html: str, error_id: str) -> str:
    found = re.search(rf'<p class="save-status save-error" id="{error_id}">(.*?)</p>', html, re.S)
    assert found, error_id
    return re.sub(r"<[^>]+>", "", found.group(1))


def test_a_refused_tick_box_and_drop_down_are_described_by_their_reason(app, web, world):
    uuid = start(web, world)
    held(app, uuid)
    # Posted without JavaScript from a page opened before the other saves: every field clashes.
    response = web.post(
        f"/interviews/{uuid}/save",
        {
            "page": "before",
            "f:sections.before.text": "My words",
            "o:sections.before.text": "",
            "f:sections.before.private": "0",
            "o:sections.before.private": "0",
            "f:feelings.before.choice": "good",
            "o:feelings.before.choice": "",
        },
        page=f"/interviews/{uuid}/before",
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    for element, path in (
        ("textarea", "sections-before-text"),
        ("input", "sections-before-private"),
        ("select", "feelings-before-choice"),
    ):
        control = tag(html, element, f'id="in-{path}"')
        described = re.search(r'aria-describedby="([^"]*)"', control)
        assert described and f"error-{path}" in described.group(1).split(), control
        assert 'aria-invalid="true"' in control, control
    # Each reason says what of the worker's is still on the page.
    assert TEXT_BOX in reason(html, "error-sections-before-text")
    assert "The tick box is still as you left it." in reason(html, "error-sections-before-private")
    assert TEXT_BOX not in reason(html, "error-sections-before-private")
    assert "Your choice is still selected." in reason(html, "error-feelings-before-choice")
    assert TEXT_BOX not in reason(html, "error-feelings-before-choice")


def test_a_refused_group_of_radio_buttons_is_described_by_its_reason(app, web, world):
    uuid = start(web, world)
    held(app, uuid)
    response = web.post(
        f"/interviews/{uuid}/save",
        {"page": "analysis", "f:risk_view": "high", "o:risk_view": ""},
        page=f"/interviews/{uuid}/analysis",
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    # The group is described by the reason; each button says the group is in error.
    fieldsets = re.findall(r'<fieldset class="field autosave choice"[^>]*>', html)
    assert [f for f in fieldsets if "error-risk_view" in f] == [
        '<fieldset class="field autosave choice" aria-describedby="error-risk_view">'
    ]
    buttons = re.findall(r'<input type="radio"[^>]*name="f:risk_view"[^>]*>', html)
    assert buttons and all('aria-invalid="true"' in b for b in buttons)
    said = reason(html, "error-risk_view")
    assert "Your choice is still selected." in said and TEXT_BOX not in said
    # The error summary links to the first button, inside the described group.
    assert 'href="#in-risk_view-1"' in html


def test_fields_not_refused_carry_no_error(app, web, world):
    uuid = start(web, world)
    held(app, uuid)
    html = web.get(f"/interviews/{uuid}/before").get_data(as_text=True)
    for element, path in (
        ("input", "sections-before-private"),
        ("select", "feelings-before-choice"),
    ):
        control = tag(html, element, f'id="in-{path}"')
        assert "aria-invalid" not in control and "aria-describedby" not in control
