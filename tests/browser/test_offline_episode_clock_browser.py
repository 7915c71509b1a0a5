"""A return's own page says the same of the 72-hour clock and the offer offline as online.

A tablet probe: with no signal, the episode page said only when the return was due. Online it
says how long is left or how late, after its tag ("Due soon 3 hours left", "Overdue by 2
hours", "Held in time, being written up"), and when the interview was offered and how, and the
child's answer.
The Returns cards offline already showed the clock, from the schedule the server hands over with
the copies (rhi/sync/copies.py); the episode page now shows it from the same schedule, and the
offer's lines as the server says them. And as time passes with no signal, the words move on, as
the cards' do.

Real Chromium, a real server; the network is really cut (tests/browser/relay.py).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask

from rhi import deadlines
from rhi.extensions import db
from rhi.models import Episode, Interview
from rhi.models.base import utcnow
from tests.browser.helpers import filled, open_offline, tablet_ready

pytestmark = pytest.mark.browser

REASON = "Not today, I'm too tired to talk."
CARER = "She slept most of the day."

# The lines of the return's interview panel a person sees (a hidden one is not seen), each as
# [what it is, what it says].
READ_FACTS = """() => [...document.querySelectorAll("#interview-panel dl.facts > div")]
    .filter((row) => row.offsetParent !== null)
    .map((row) => [row.querySelector("dt").innerText.trim(),
                   row.querySelector("dd").innerText.replace(/\\s+/g, " ").trim()])"""


def make_interviews(live_app: Flask, new_return) -> dict[str, int]:
    """Three returns for the demo worker, first name -> episode id: a no with the offer kept
    open (due in 3 and a half hours; under "Offer open", so kept on the tablet from its page),
    a yes (overdue by 2 and a half hours), and an interview
    held in time and being written up."""
    ids = {name: new_return(name) for name in ("Ottilie", "Perpetua", "Quenby")}
    with live_app.app_context():
        now = utcnow()
        hour = timedelta(hours=1)
        declined = Interview(
            status="declined",
            due_at=now + 3.5 * hour,
            offered_at=now - 3 * hour,
            offer_method="phone",
            declined_at=now - 2 * hour,
            decline_reason=REASON,
            offer_again=True,
            reoffer_at=now + 70 * hour,
            carer_said=CARER,
            content={},
        )
        accepted = Interview(
            status="accepted",
            due_at=now - 2.5 * hour,
            offered_at=now - 5 * hour,
            offer_method="visit",
            accepted_at=now - 4 * hour,
            content={},
        )
        held = Interview(
            status="in_progress",
            due_at=now + 10 * hour,
            offered_at=now - 3 * hour,
            offer_method="text",
            accepted_at=now - 2 * hour,
            held_at=now - hour,
            content={},
        )
        for name, interview in zip(ids, (declined, accepted, held), strict=True):
            interview.episodes.append(db.session.get(Episode, ids[name]))
            db.session.add(interview)
        db.session.commit()
    return ids


def due_of(live_app: Flask, episode_id: int) -> datetime:
    with live_app.app_context():
        return db.session.get(Episode, episode_id).interview.due_at


def facts(page) -> list[list[str]]:
    return page.evaluate(READ_FACTS)


def said(rows: list[list[str]], what: str) -> str:
    return dict(rows)[what]


def open_return(tablet, first_name: str) -> list[list[str]]:
    """From the Returns list kept on the tablet, the child's return, filled; its lines, and
    back to the list."""
    tablet.get_by_role("link", name=f"{first_name} Testchild").click()
    # The page's own heading (each card on the list is headed with the child's name too).
    tablet.get_by_role("heading", level=1, name=f"{first_name} Testchild").wait_for()
    filled(tablet)
    rows = facts(tablet)
    tablet.get_by_role("link", name="Back to the list").click()
    tablet.get_by_role("heading", name="Returns waiting for an interview").wait_for()
    filled(tablet)
    return rows


def card_clock(tablet, first_name: str) -> str:
    card = tablet.locator("li.card").filter(has_text=f"{first_name} Testchild")
    return " ".join(card.locator(".clock").inner_text().split())


def test_the_episode_page_offline_says_the_clock_and_the_offer_as_online(
    page, live_app, new_return
):
    ids = make_interviews(live_app, new_return)
    tablet_ready(page)  # signed in, a PIN set, the list kept on the tablet
    online = {}
    for name, episode_id in ids.items():
        page.goto(f"/episodes/{episode_id}")
        online[name] = facts(page)
        if name == "Ottilie":  # a no with the offer kept open: not on the list, kept from here
            page.get_by_role("button", name="Keep on this tablet").click()
            page.get_by_text("Kept on this tablet, encrypted").wait_for(timeout=20_000)
    context = page.context
    page.close()

    # Online says what the probe missed offline, so the comparison means something.
    ottilie, perpetua, quenby = online["Ottilie"], online["Perpetua"], online["Quenby"]
    assert said(ottilie, "Due by").endswith("Due soon 3 hours left"), ottilie
    assert said(ottilie, "Offered").endswith("(Phone call)"), ottilie
    assert said(ottilie, "Child said no").endswith(". Offer kept open."), ottilie
    assert said(ottilie, "In the child's words") == REASON
    assert "Offer again from" in dict(ottilie) and said(ottilie, "What the carer said") == CARER
    assert "Child said yes" not in dict(ottilie)
    assert said(perpetua, "Due by").endswith("Overdue by 2 hours"), perpetua
    assert said(perpetua, "Offered").endswith("(Visit)") and "Child said yes" in dict(perpetua)
    assert "Child said no" not in dict(perpetua)
    assert said(quenby, "Due by").endswith("Held in time, being written up"), quenby

    context.set_offline(True)  # the relay cut too: nothing reaches the server
    tablet = open_offline(context)
    for name in ids:
        assert open_return(tablet, name) == online[name], name
    tablet.close()

    # Two hours later, still with no signal: the page's clock has moved on, as the card's has,
    # in the words the server's rule gives for then.
    later = datetime.now(UTC) + timedelta(hours=2)
    context.clock.set_fixed_time(later)
    tablet = open_offline(context)
    then = later.replace(tzinfo=None)
    for name, episode_id in ids.items():
        due_by = said(open_return(tablet, name), "Due by")
        if name == "Quenby":  # held: said for good, however long the writing up takes
            assert due_by == said(online[name], "Due by")
            continue
        shown = deadlines.Clock(due_of(live_app, episode_id), then).shown
        assert due_by.endswith(f"{shown.tag} {shown.after_tag}"), (name, due_by)
        assert due_by != said(online[name], "Due by")
        assert f"{shown.tag} {shown.after_tag}" in card_clock(tablet, name)
    assert said(open_return(tablet, "Ottilie"), "Due by").endswith("Due soon 1 hour left")
