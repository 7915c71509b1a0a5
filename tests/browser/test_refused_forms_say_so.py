"""A form sent with htmx that the server refuses whole (an error page, never swapped in) or
that never reaches the server says so beside the form, and what was typed stays in it: a press
that changed nothing is never silent (static/js/app.js).

Real Chromium and a real server; the network is really cut (tests/browser/relay.py), and the
refusal is the server's own (a form token it no longer takes)."""

from __future__ import annotations

import pytest

from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser

NOTE = "Knocked twice; a neighbour said the family are away until Sunday."


def _attempt_form(page, episode_id: int):
    page.goto(f"/episodes/{episode_id}")
    page.get_by_text("Record a contact attempt", exact=True).click()
    form = page.locator("form", has=page.get_by_role("button", name="Save attempt"))
    form.get_by_label("How").select_option("visit")
    form.get_by_label("What happened").select_option(index=1)
    form.get_by_label("Note").fill(NOTE)
    return form


def test_a_form_that_did_not_reach_rhi_says_so_and_keeps_the_words(
    page, new_return, relay, request_log
):
    episode_id = new_return("Imogen")
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    form = _attempt_form(page, episode_id)
    page.context.set_offline(True)
    mark = request_log.mark()
    form.get_by_role("button", name="Save attempt").click()
    said = form.locator(".request-failed[role=alert]")
    said.wait_for()
    assert said.inner_text().startswith("Not saved: it did not reach rhi")
    assert form.get_by_label("Note").input_value() == NOTE
    assert request_log.relayed_during(relay.cuts, mark) == []  # the save really never arrived
    page.context.set_offline(False)
    form.get_by_role("button", name="Save attempt").click()
    page.get_by_text("Contact attempt saved.").wait_for()
    assert page.get_by_text(NOTE).count() == 1  # in the attempts table, once
    assert page.locator(".request-failed").count() == 0


def test_a_form_the_server_refused_whole_says_why_in_its_words(page, new_return):
    episode_id = new_return("Juno")
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    form = _attempt_form(page, episode_id)
    # As after the session behind the page's form token has gone: the server answers 400.
    page.evaluate(
        """() => {
            document.querySelector('meta[name="csrf-token"]').content = "gone";
            const inputs = document.querySelectorAll('input[name="csrf_token"]');
            for (const input of inputs) input.value = "gone";
        }"""
    )
    form.get_by_role("button", name="Save attempt").click()
    said = form.locator(".request-failed[role=alert]")
    said.wait_for()
    text = said.inner_text()
    assert text.startswith("Not saved: ") and text.endswith("What you typed is still here.")
    assert "Something was wrong with that request" in text or "expired" in text, text
    assert form.get_by_label("Note").input_value() == NOTE


def test_a_saved_form_puts_focus_on_what_it_says(page, new_return):
    """A probe: the episode's forms replace the interview panel, and focus fell to the page
    itself (the next Tab started again at the top) with "Contact attempt saved." perhaps never
    read. Focus lands on the message."""
    episode_id = new_return("Quenby")
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    form = _attempt_form(page, episode_id)
    form.get_by_role("button", name="Save attempt").click()
    page.get_by_text("Contact attempt saved.").wait_for()
    page.wait_for_function(
        "() => document.activeElement && "
        "document.activeElement.textContent.includes('Contact attempt saved.')"
    )
    assert page.evaluate("document.activeElement.getAttribute('role')") == "status"
