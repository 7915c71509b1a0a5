"""A value the server refuses in an interview kept on the tablet is said beside its field, as a
page says a refused save, and listed at the top of the part with those of the other parts,
until the worker changes it; then the interview goes.

Before: the bar said "Not sent (Zofia Testchild): start.held_on: This can't be in the future"
and nothing on the interview said which field, or where. Here the tablet's clock was ahead when
the chat began (its start time is in the future for the server), and an option kept on the
tablet is one the server no longer offers.

Real Chromium and a real server; `context.set_offline(True)` cuts the relay to the server, and
coming back fails the test if any request reached it while the worker mended the interview.
"""

from __future__ import annotations

import pytest

from tests.browser.helpers import (
    DRAFTS,
    STORE,
    filled,
    go_to,
    interviews_for,
    kept,
    offline_on_the_return,
    open_offline,
    send_with_pin,
    start_interview,
)

pytestmark = pytest.mark.browser

FUTURE = "This can't be in the future. Check the date and time."
OPTIONS = "Choose one of the options given."


def test_a_refused_value_is_said_beside_its_field_until_it_is_changed(page, live_app, new_return):
    episode_id = new_return("Zofia")
    tablet = offline_on_the_return(page, "Zofia")
    start_interview(tablet, "Zofia")
    go_to(tablet, "While away")
    tablet.get_by_label("What Zofia said").fill("I went to my cousin's in Leeds.")
    kept(tablet, "#meta-sections-away-text")
    uuid = tablet.url.split("/interviews/")[1].split("/")[0]
    tablet.evaluate(
        f"""async (uuid) => {DRAFTS}.changeDraft(uuid, null, (d) => {{
        d.content.start.held_on = "2999-01-01 10:00";
        d.content.risk_view = "catastrophic"; }})""",
        uuid,
    )
    tablet.evaluate(f"async () => {STORE}.lock()")
    tablet.context.set_offline(False)

    bar = send_with_pin(tablet)
    bar.get_by_text(f"When the chat started (Before we start): {FUTURE}").wait_for(timeout=30_000)
    assert "Not sent (Zofia Testchild): " in bar.inner_text()
    assert interviews_for(live_app, episode_id) == []

    # No signal: the interview as the tablet holds it, each refused field marked.
    tablet.context.set_offline(True)
    tablet.close()
    tablet = open_offline(page.context, f"/interviews/{uuid}/start")
    summary = tablet.locator(".refused-fields")
    summary.get_by_role(
        "heading", name="Not sent yet: change what is marked and it will be sent again"
    ).wait_for()
    assert summary.get_attribute("role") == "alert"
    assert sorted(summary.get_by_role("listitem").all_inner_texts()) == [
        f"When the chat started: {FUTURE}",
        f"Your view of the risk of harm the child faces: {OPTIONS}",
    ]
    held_on = tablet.get_by_label("When the chat started")
    assert held_on.get_attribute("aria-invalid") == "true"
    said = held_on.get_attribute("aria-describedby").split()[-1]
    assert tablet.locator(f"#{said}").inner_text() == f"Not sent: {FUTURE}"
    assert held_on.input_value().startswith("2999-01-01")  # what the tablet holds, kept

    # The other part's field: its link opens that part, where it is marked too.
    summary.get_by_role(
        "link", name=f"Your view of the risk of harm the child faces: {OPTIONS}"
    ).click()
    tablet.wait_for_url(f"**/interviews/{uuid}/analysis")
    filled(tablet)
    risk = tablet.locator("[name='f:risk_view']").first
    assert risk.get_attribute("aria-invalid") == "true"
    assert tablet.locator(".refused-fields").get_by_role("listitem").count() == 2
    group = risk.locator("xpath=ancestor::fieldset[1]")
    said = group.get_attribute("aria-describedby").split()[-1]
    assert tablet.locator(f"#{said}").inner_text() == f"Not sent: {OPTIONS}"
    # Changed: its mark goes, beside the field and at the top.
    risk.check()
    kept(tablet, "#meta-risk_view")
    assert risk.get_attribute("aria-invalid") is None
    assert tablet.locator(".refused-fields").get_by_role("listitem").all_inner_texts() == [
        f"When the chat started: {FUTURE}"
    ]

    go_to(tablet, "Before we start")
    held_on = tablet.get_by_label("When the chat started")
    assert held_on.get_attribute("aria-invalid") == "true"
    assert tablet.locator(".refused-fields").get_by_role("listitem").count() == 1  # not again
    held_on.fill("2026-11-23T09:30")
    kept(tablet, "#meta-start-held_on")
    assert held_on.get_attribute("aria-invalid") is None
    assert tablet.locator(".refused-fields").count() == 0

    # Back online (the relay fails the test if anything reached the server meanwhile): it
    # goes, with the worker's words.
    tablet.evaluate(f"async () => {STORE}.lock()")
    tablet.context.set_offline(False)
    bar = send_with_pin(tablet)
    bar.get_by_text("Sent 1 item. The server has everything.").wait_for(timeout=30_000)
    [interview] = interviews_for(live_app, episode_id)
    assert interview.content["sections"]["away"]["text"] == "I went to my cousin's in Leeds."
    assert interview.content["start"]["held_on"] == "2026-11-23 09:30"
