"""A return's clock reads once, naturally, after its tag: a coordinator found the Returns card
and the episode page saying "Overdue overdue by 8 hours" and "Held held in time, being written
up" (the tag, then the clock's words said as if alone). Beside the tag they now read "Overdue
by 8 hours", "Due soon 5 hours left", "Held in time, being written up"; said alone (a notice, a
list without the tag) they keep their first word. The tablet shows the same words offline, from
the steps the server hands over (rhi/sync/copies.py). The clock stands at 2026-11-23 12:00 UTC
(tests/app/conftest.py)."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest

from rhi import deadlines
from rhi.extensions import db
from rhi.models import Episode, Interview
from rhi.models.base import utcnow
from tests.app.helpers import page_text

# A word said twice in a row, whatever its case ("Overdue overdue", "Held held").
TWICE = re.compile(r"\b(\w+)\s+\1\b", re.IGNORECASE)


def _set_up(app, world, case: str) -> None:
    """Ada's return (worker A's team) as `case` wants it: back 80 hours ago and no interview
    (overdue by 8 hours), back 66 and a half hours ago (5 hours left), or back 80 hours ago with its
    interview held at 60 hours (in time) or 75 hours (3 hours late), still being written up."""
    with app.app_context():
        episode = db.session.get(Episode, world.episodes["a"])
        now = utcnow()
        back = timedelta(hours=66, minutes=30) if case == "soon" else timedelta(hours=80)
        episode.started_at = now - back - timedelta(hours=10)
        episode.returned_at = now - back
        if case in ("held", "held_late"):
            interview = Interview(
                status="in_progress",
                due_at=episode.returned_at + timedelta(hours=72),
                held_at=episode.returned_at + timedelta(hours=60 if case == "held" else 75),
                content={},
            )
            interview.episodes.append(episode)
            db.session.add(interview)
        db.session.commit()


def _card_clock(page: str, episode_id: int) -> str:
    """The clock line of one Returns card, as its words."""
    start = page.rindex("<li", 0, page.index(f'id="card-{episode_id}"'))
    card = page[start : page.index("</li>", start)]
    line = card[card.index('<p class="clock">') :]
    return html.unescape(page_text(line[: line.index("</p>")]))


def _due_by(page: str) -> str:
    """The episode page's "Due by" line, as its words."""
    start = page.index("<dt>Due by</dt>")
    return html.unescape(page_text(page[start : page.index("</dd>", start)]))


CASES = {
    # case: (what the card and the page say after the due time, the tag, the words after it)
    "overdue": ("Overdue by 8 hours", "Overdue", "by 8 hours"),
    "soon": ("Due soon 5 hours left", "Due soon", "5 hours left"),
    "held": ("Held in time, being written up", "Held", "in time, being written up"),
    "held_late": ("Held 3 hours late, being written up", "Held", "3 hours late, being written up"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_returns_card_and_the_episode_page_say_the_clock_once(app, web, world, case):
    said, _, _ = CASES[case]
    _set_up(app, world, case)
    web.sign_in(world.emails["worker_a"])
    card = _card_clock(web.get("/returns").get_data(as_text=True), world.episodes["a"])
    page = web.get(f"/episodes/{world.episodes['a']}").get_data(as_text=True)
    due_by = _due_by(page)
    assert card.startswith(f"{said} (due "), card
    assert due_by.endswith(said), due_by
    for words in (card, due_by):
        assert not TWICE.search(words), words


@pytest.mark.parametrize("case", list(CASES))
def test_the_tablet_is_handed_the_words_after_the_tag(app, web, world, case):
    """Offline the card and the page fill the words beside the tag from the server's steps
    (shell-fill.js): the steps hold those words, as the pages online show them, never the
    words said alone (which the tablet would show after the tag: "Overdue overdue by")."""
    _, tag, after_tag = CASES[case]
    _set_up(app, world, case)
    web.sign_in(world.emails["worker_a"])
    returns = web.get("/returns").get_data(as_text=True)
    copies = web.get("/sync/v1/copies").get_json()["copies"]
    (copy,) = [c for c in copies if world.episodes["a"] in c["episode_ids"]]
    clock = copy["clock"]
    assert clock["words"][0] == [0, after_tag]
    assert clock["tone"][0][2] == tag
    assert f"{tag} {after_tag}" in _card_clock(returns, world.episodes["a"])
    if case.startswith("held"):  # said for good, however long the writing up takes
        assert len(clock["words"]) == 1
    else:  # each later step too, up to the last ("by more than 14 days ...", after "Overdue")
        assert not any(TWICE.search(f"{tag} {words}") for _, words in clock["words"])
        assert all(not words.startswith("overdue") for _, words in clock["words"])
        assert clock["words"][-1][1].startswith("by more than ")


def test_the_shell_pages_fill_the_words_after_the_tag(web, world):
    """The pages a tablet keeps leave a blank for the words after the tag, right after it."""
    web.sign_in(world.emails["worker_a"])
    for path in ("/shell/returns", "/shell/episode"):
        page = " ".join(web.get(path).get_data(as_text=True).split())
        assert re.search(
            r'data-fill="urgency_label"[^>]*></(?:strong|span)> <span data-fill="after_tag">', page
        ), path
        assert 'data-fill="phrase"' not in page, path


def test_the_clock_said_alone_keeps_its_first_word():
    """Where no tag stands before them (a notice, a list), the words say what the tag would."""
    due = utcnow()
    overdue = deadlines.Clock(due, due + timedelta(hours=8))
    assert (overdue.tag, overdue.after_tag) == ("Overdue", "by 8 hours")
    assert overdue.phrase == "overdue by 8 hours"
    held = deadlines.Clock(due, due + timedelta(days=2), held=due - timedelta(hours=1))
    assert (held.tag, held.after_tag) == ("Held", "in time, being written up")
    assert held.phrase == "held in time, being written up"
    at_deadline = deadlines.Clock(due, due + timedelta(days=2), held=due)
    assert at_deadline.after_tag == "at the deadline (counted as late), being written up"
    assert at_deadline.phrase == "held at the deadline (counted as late), being written up"
    soon = deadlines.Clock(due, due - timedelta(hours=5))
    assert (soon.tag, soon.after_tag, soon.phrase) == ("Due soon", "5 hours left", "5 hours left")
    beyond = deadlines.clock_schedule(due, due)[-1][1]
    assert beyond.after_tag.startswith("by more than ")
    assert beyond.label == f"overdue {beyond.after_tag}"
