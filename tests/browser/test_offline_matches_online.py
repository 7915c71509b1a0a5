"""The same returns, read online from the server and offline from the tablet, look the same.

What a page shows of a return (the 72-hour clock's words, the stripe and the tag, the status,
the repeat-episode marker) is worked out by the server only; the tablet is handed it with the
copies it keeps (rhi/sync/copies.py) and shows it with no signal. Here the network is really
cut: Chromium is offline, every request that would leave the browser is aborted, and the live
server counts what reaches it (nothing may).

Real Chromium, a real server on localhost.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask, request
from sqlalchemy import select

from rhi.extensions import db
from rhi.models import Child, Episode, Interview, User
from rhi.models.base import utcnow
from tests.browser.helpers import STORE, filled, open_offline, send_from_returns, tablet_ready

pytestmark = pytest.mark.browser

SURNAME = "Sametest"

# Each card's parts, as a person sees them: the words, and the classes that colour them.
READ_CARDS = """(surname) => [...document.querySelectorAll("li.card")]
    .filter((card) => card.querySelector(".card-title a").textContent.includes(surname))
    .map((card) => {
        const tag = card.querySelector(".clock .tag");
        const repeat = [...card.querySelectorAll(".tag-repeat")].filter((p) => !p.hidden);
        return {
            name: card.querySelector(".card-title a").textContent.trim(),
            stripe: card.className,
            tag_class: tag.className,
            tag: tag.textContent.trim(),
            clock: card.querySelector(".clock").innerText.replace(/\\s+/g, " ").trim(),
            facts: card.querySelector(".facts").innerText.replace(/\\s+/g, " ").trim(),
            repeat: repeat.map((p) => p.textContent.trim()),
            text: card.innerText.replace(/\\s+/g, " ").trim(),
        };
    })"""


def _child(first_name: str, now: datetime) -> Child:
    return Child(
        first_name=first_name,
        last_name=SURNAME,
        date_of_birth=date(now.year - 13, 3, 1),
        sex="Male",
        gender="Boy",
        ethnicity="white_british",
        home_authority="Westshire Council",
    )


def _episode(child: Child, worker: User, *, started: datetime, returned: datetime) -> Episode:
    return Episode(
        child=child,
        police_reference=f"S-{child.first_name}-{started:%d%H%M}",
        risk_grade="High",
        dfe_type="M",
        started_at=started,
        returned_at=returned,
        reported_by="Carer",
        assigned_worker=worker,
    )


def make_returns(live_app: Flask) -> dict[str, int]:
    """Returns in the states the issue names, for the demo worker: first name -> episode id."""
    with live_app.app_context():
        worker = db.session.scalar(select(User).where(User.email == "worker@example.org"))
        now = utcnow()
        hour = timedelta(hours=1)
        made: dict[str, Episode] = {}

        # Due in 41 minutes (and 50 seconds: it says "41 minutes left" for a while).
        soon = _child("Soon", now)
        made["Soon"] = _episode(
            soon,
            worker,
            started=now - 80 * hour,
            returned=now - 72 * hour + timedelta(minutes=41, seconds=50),
        )
        # Due in 4 days 4 hours (and a half): an interview given a later deadline.
        later = _child("Later", now)
        made["Later"] = _episode(later, worker, started=now - 6 * hour, returned=now - 2 * hour)
        accepted = Interview(
            status="accepted",
            due_at=now + timedelta(days=4, hours=4, minutes=30),
            offered_at=now - hour,
            accepted_at=now - hour,
            content={},
        )
        accepted.episodes.append(made["Later"])
        # Overdue by 5 hours (and a half).
        late = _child("Late", now)
        made["Late"] = _episode(
            late, worker, started=now - 90 * hour, returned=now - timedelta(hours=77, minutes=30)
        )
        # Three episodes in 30 days: the two earlier ones' offers were declined.
        again = _child("Again", now)
        for days in (20, 10):
            earlier = _episode(
                again,
                worker,
                started=now - timedelta(days=days),
                returned=now - timedelta(days=days) + 5 * hour,
            )
            declined = Interview(
                status="declined",
                due_at=earlier.returned_at + 72 * hour,
                offered_at=earlier.returned_at,
                content={},
                declined_at=earlier.returned_at,
                decline_reason="No thanks.",
            )
            declined.episodes.append(earlier)
            db.session.add_all([earlier, declined])
        made["Again"] = _episode(again, worker, started=now - 30 * hour, returned=now - 8 * hour)
        # An interview in progress.
        talking = _child("Talking", now)
        made["Talking"] = _episode(
            talking, worker, started=now - 30 * hour, returned=now - 10 * hour
        )
        under_way = Interview(
            status="in_progress",
            due_at=now + 62 * hour,
            held_at=now - hour,
            accepted_at=now - hour,
            worker_id=worker.id,
            content={},
        )
        under_way.episodes.append(made["Talking"])

        db.session.add_all([soon, later, late, again, talking, *made.values(), accepted, under_way])
        db.session.commit()
        return {name: episode.id for name, episode in made.items()}


class Heard:
    """What reaches the live server while `cut`, as the app itself sees it; while cut, the app
    answers nothing (503), as a server out of reach would not."""

    def __init__(self) -> None:
        self.cut = False
        self.requests: list[str] = []

    def __call__(self) -> tuple[str, int] | None:
        if not self.cut:
            return None
        self.requests.append(f"{request.method} {request.path}")
        return "No signal (the test cut the network).", 503


@pytest.fixture
def server_ears(live_app: Flask) -> Iterator[Heard]:
    """A `before_request` hook on the live app, appended to its hooks directly (a running app
    refuses new registrations) and taken off afterwards."""
    heard = Heard()
    hooks = live_app.before_request_funcs.setdefault(None, [])
    hooks.insert(0, heard)
    try:
        yield heard
    finally:
        hooks.remove(heard)


# Chromium's own update check of the service worker script, made by the browser itself on a
# navigation, is neither stopped by its offline mode nor seen by routing. With no signal it
# fails; here the server refuses it. Nothing of rhi's pages may reach the server.
BROWSERS_OWN = {"GET /sw.js"}


def cut_the_network(context) -> None:
    """No signal: offline, and any request that would still leave the browser aborted. The
    service worker's answers from its cache never reach the network, so are not affected."""
    context.set_offline(True)
    context.route("**/*", lambda route: route.abort("internetdisconnected"))


def restore_the_network(context) -> None:
    context.unroute("**/*")
    context.set_offline(False)


def due_in_41_minutes_and_55_seconds(live_app: Flask, episode_id: int) -> None:
    """The return's clock set again just before it is read, so that "41 minutes left" holds for
    the 55 seconds in which it is read online and then offline (the set-up before it takes a
    varying time), with no waiting for a minute to turn."""
    with live_app.app_context():
        episode = db.session.get(Episode, episode_id)
        episode.returned_at = utcnow() - timedelta(hours=72) + timedelta(minutes=41, seconds=55)
        db.session.commit()


def cards(page) -> dict[str, dict[str, Any]]:
    found = page.evaluate(READ_CARDS, SURNAME)
    return {card["name"]: card for card in found}


def episode_status(page) -> str:
    return page.locator("#interview-panel dl.facts strong").first.inner_text().strip()


def test_returns_and_an_episode_page_read_the_same_offline_as_online(
    page, live_app, server_ears: Heard
):
    ids = make_returns(live_app)
    tablet_ready(page)  # signed in, a PIN set, the list kept on the tablet
    context = page.context
    due_in_41_minutes_and_55_seconds(live_app, ids["Soon"])
    page.reload()
    page.wait_for_selector("body[data-copies-kept]", state="attached", timeout=20_000)
    online = cards(page)
    online_order = list(online)
    page.goto(f"/episodes/{ids['Talking']}")
    online_status = episode_status(page)
    page.close()

    # What the issue saw go wrong offline is right online, so the comparison means something.
    assert set(online) == {f"{name} {SURNAME}" for name in ids}
    soon, later, late = (online[f"{n} {SURNAME}"] for n in ("Soon", "Later", "Late"))
    assert re.search(r"\b4[01] minutes left", soon["clock"]), soon
    assert "4 days 4 hours left" in later["clock"], later
    assert "Overdue by 5 hours" in late["clock"] and "urgency-overdue" in late["stripe"], late
    assert late["tag"] == "Overdue" and "tag-overdue" in late["tag_class"]
    assert online[f"Again {SURNAME}"]["repeat"] == ["3 episodes in the last 30 days"]
    assert "In progress" in online[f"Talking {SURNAME}"]["facts"]
    assert online_status == "In progress"

    cut_the_network(context)
    server_ears.cut = True
    tablet = open_offline(context)
    offline = cards(tablet)
    for name, card in online.items():
        assert offline.get(name) == card, name
    assert list(offline) == online_order

    # The episode page of the interview in progress: an offer recorded with no signal leaves
    # it in progress, as the server does.
    tablet.get_by_role("link", name=f"Talking {SURNAME}").click()
    tablet.get_by_role("heading", name=f"Talking {SURNAME}").wait_for()
    filled(tablet)
    assert episode_status(tablet) == online_status
    tablet.get_by_text("Record the offer").click()
    tablet.get_by_label("How it was offered").select_option("phone")
    tablet.get_by_role("button", name="Save offer").click()
    tablet.get_by_text("Offer: kept on this tablet").wait_for()
    offline_status = episode_status(tablet)
    assert offline_status == "In progress"
    # And so does the Returns list, from the tablet.
    tablet.get_by_role("link", name="Back to the list").click()
    tablet.get_by_role("heading", name="Returns waiting for an interview").wait_for()
    filled(tablet)
    assert "In progress" in cards(tablet)[f"Talking {SURNAME}"]["facts"]

    server_ears.cut = False
    # Nothing of rhi's reached the server while there was no signal.
    assert set(server_ears.requests) <= BROWSERS_OWN, server_ears.requests

    # Back online: the offer reaches the server, which shows what the tablet showed.
    tablet.evaluate(f"async () => {STORE}.lock()")
    restore_the_network(context)
    send_from_returns(tablet)
    with live_app.app_context():
        interview = db.session.get(Episode, ids["Talking"]).interview
        assert interview.status == "in_progress"
        assert interview.offer_method == "phone"
    tablet.goto(f"/episodes/{ids['Talking']}")
    assert episode_status(tablet) == offline_status
