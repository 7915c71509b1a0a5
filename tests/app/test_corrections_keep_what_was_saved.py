"""The correction forms show what is saved, and sending one back unchanged changes nothing
(coordinator probe, findings 1 and 2). The forms were filled from the episode object, which
WTForms prefers to the values the view gives: in British Summer Time the times showed in UTC,
an hour early, and saving either form moved the time away an hour earlier; "Reported to the
police?" showed no answer, so every correction was refused until it was chosen again.

The app tests' clock stands in November (GMT); these episodes are in July (BST)."""

from __future__ import annotations

from datetime import datetime
from html.parser import HTMLParser

from sqlalchemy import select

from rhi.extensions import db
from rhi.models import Episode, Team
from tests.conftest import Web
from tests.world import World


class _Form(HTMLParser):
    """What a browser would send for the page's main form, as shown: each input's value, the
    checked radio of each group, each select's selected option, each textarea's text."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action
        self.inside = False
        self.values: dict[str, str] = {}
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("action", "") == self.action or (
                a.get("method", "").lower() == "post" and not a.get("action")
            )
        if not self.inside or not a.get("name", "") and tag != "option":
            return
        if tag == "input" and a.get("type") in ("radio", "checkbox"):
            if "checked" in a:
                self.values[a["name"]] = a.get("value", "on")
        elif tag == "input" and a.get("type") != "submit":
            self.values[a["name"]] = a.get("value", "")
        elif tag == "select":
            self.select = a["name"]
            self.values.setdefault(a["name"], "")
        elif tag == "option" and self.select and "selected" in a:
            self.values[self.select] = a.get("value", "")
        elif tag == "textarea":
            self.textarea = a["name"]
            self.values[a["name"]] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea:
            # A browser drops the one line break that follows <textarea>.
            first = not self.values[self.textarea]
            text = data.removeprefix("\r\n").removeprefix("\n") if first else data
            self.values[self.textarea] += text


def _as_shown(html: str, action: str) -> dict[str, str]:
    form = _Form(action)
    form.feed(html)
    return form.values


def _summer_episode(app, world: World) -> int:
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == "RHI A"))
        episode = Episode(
            child_id=world.children["a"],
            police_reference="WY-0710",
            risk_grade="Medium",
            dfe_type="M",
            reported_by="Parent",
            reported_to_police=True,
            missing_from="Home",
            started_at=datetime(2026, 7, 10, 7, 7),  # 08:07 in London
            reported_at=datetime(2026, 7, 10, 9, 30),  # 10:30
            returned_at=datetime(2026, 7, 11, 8, 0),  # 09:00
            return_method="police",
            found_where="Leeds bus station",
            safe_and_well_by="PC Shah",
            safe_and_well_at=datetime(2026, 7, 11, 9, 15),  # 10:15
            safe_and_well_notes="Cold and hungry.",
            assigned_team=team,
            closed_at=datetime(2026, 7, 20, 12, 0),
        )
        db.session.add(episode)
        db.session.commit()
        return episode.id


def _times(app, episode_id: int) -> tuple[datetime | None, ...]:
    with app.app_context():
        e = db.session.get(Episode, episode_id)
        return e.started_at, e.reported_at, e.returned_at, e.safe_and_well_at


def test_the_missing_notification_shows_local_times_and_saves_unchanged(app, world) -> None:
    episode_id = _summer_episode(app, world)
    before = _times(app, episode_id)
    web = Web(app.test_client())
    web.sign_in(world.emails["manager_a"])
    page = f"/episodes/{episode_id}/notification"
    shown = _as_shown(web.get(page).get_data(as_text=True), page)
    assert shown["started_at"] == "2026-07-10 08:07"
    assert shown["reported_at"] == "2026-07-10 10:30"
    assert shown["came_back_at"] == "2026-07-11 09:00"
    assert shown["reported_to_police"] == "yes"
    assert shown["reported_by"] == "parent"
    assert shown["police_reference"] == "WY-0710" and shown["risk_grade"] == "Medium"
    shown.pop("csrf_token", None)
    saved = web.post(page, shown, page=page)
    assert saved.status_code == 302, saved.get_data(as_text=True)[-3000:]
    assert _times(app, episode_id) == before


def test_the_return_shows_local_times_and_saves_unchanged(app, world) -> None:
    episode_id = _summer_episode(app, world)
    before = _times(app, episode_id)
    web = Web(app.test_client())
    web.sign_in(world.emails["manager_a"])
    page = f"/episodes/{episode_id}/return"
    shown = _as_shown(web.get(page).get_data(as_text=True), page)
    assert shown["returned_at"] == "2026-07-11 09:00"
    assert shown["safe_and_well_at"] == "2026-07-11 10:15"
    assert shown["return_method"] == "police" and shown["found_where"] == "Leeds bus station"
    assert shown["safe_and_well_notes"] == "Cold and hungry."
    shown.pop("csrf_token", None)
    saved = web.post(page, shown, page=page)
    assert saved.status_code == 302, saved.get_data(as_text=True)[-3000:]
    assert _times(app, episode_id) == before
