"""A probe: on "What we found", ticking a finding showed only its tick box; its note and its
"Not to be shared" box appeared only once the page was reloaded, so a worker could not mark a
harm "Not to be shared" while the child was saying so.

Now they are drawn always and show from the moment the finding is ticked; an untick hides them
and keeps what was typed; a page without JavaScript shows them all. Real Chromium, a real
server."""

from __future__ import annotations

import pytest

from tests.browser.helpers import interviews_for, sign_in, start_online, to_part

pytestmark = pytest.mark.browser

NOTE = "Older boys at the park take her phone"


def finding(page, label: str):
    """The finding's block: its tick box, then its note and "Not to be shared"."""
    return page.locator(".finding").filter(has=page.get_by_label(label, exact=True))


def held(live_app, episode_id: int) -> dict:
    (interview,) = interviews_for(live_app, episode_id)
    return interview.content["harms"].get("victim_of_crime", {})


def saved(block, box_id: str) -> None:
    block.locator(f"#meta-{box_id} .save-saved").wait_for()


def test_a_ticked_finding_shows_its_note_and_not_to_be_shared_at_once(page, live_app, new_return):
    episode_id = new_return("Siobhan")
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    start_online(page, episode_id)
    to_part(page, "What we found")
    block = finding(page, "Harmed by a crime")
    note = block.get_by_label("Note on harmed by a crime")
    private = block.get_by_label("Not to be shared")
    assert not note.is_visible() and not private.is_visible()  # not ticked: nothing more shown

    block.get_by_label("Harmed by a crime", exact=True).check()
    # At once, with no reload: the note and "Not to be shared", while the child says so.
    note.wait_for(state="visible", timeout=2_000)
    assert private.is_visible()
    note.fill(NOTE)
    private.check()
    saved(block, "harms-victim_of_crime-note")
    saved(block, "harms-victim_of_crime-private")
    assert held(live_app, episode_id) == {"on": True, "note": NOTE, "private": True}

    # Unticked: hidden, and what was typed stays, on the page and in the interview.
    block.get_by_label("Harmed by a crime", exact=True).uncheck()
    note.wait_for(state="hidden", timeout=2_000)
    assert not private.is_visible()
    saved(block, "harms-victim_of_crime-on")
    assert held(live_app, episode_id) == {"on": False, "note": NOTE, "private": True}
    page.reload()
    block = finding(page, "Harmed by a crime")
    note = block.get_by_label("Note on harmed by a crime")
    assert not note.is_visible()
    block.get_by_label("Harmed by a crime", exact=True).check()
    note.wait_for(state="visible", timeout=2_000)
    assert note.input_value() == NOTE
    assert block.get_by_label("Not to be shared").is_checked()
    assert page.console_errors == []


def test_without_javascript_every_finding_shows_its_note(browser, relay, new_return):
    """A page without JavaScript cannot show them on a tick: it shows them all, ticked or not."""
    episode_id = new_return("Tegan")
    with_script = browser.new_context(base_url=relay.url)
    page = with_script.new_page()
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    start_online(page, episode_id)
    findings = page.url.replace("/start", "/findings")
    cookies = with_script.cookies()
    with_script.close()
    without = browser.new_context(base_url=relay.url, java_script_enabled=False)
    try:
        without.add_cookies(cookies)
        plain = without.new_page()
        plain.goto(findings)
        block = finding(plain, "Harmed by a crime")
        assert not block.get_by_label("Harmed by a crime", exact=True).is_checked()
        assert block.get_by_label("Note on harmed by a crime").is_visible()
        assert block.get_by_label("Not to be shared").is_visible()
    finally:
        without.close()
