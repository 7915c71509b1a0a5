"""A probe (readers, findings 1 and 6).

1. A closed action's page has two forms, "Telling <child> what became of it" and "Record where it
   has got to", and both had a date field with id="on": the status form's date had no label of
   its own, its hint and error pointed at the other form's field, and the error summary's link
   took the person to the wrong field. Every id on the page is now its own.
2. The episode page's strategy meeting hint said "<social worker> and their manager will be told"
   when the social worker's team has no manager, and only the social worker was told. It now
   names those who will be told (rhi/actions/tracking.py `_tell_about_meeting`), and no one else.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser

from sqlalchemy import select

from rhi.extensions import db
from rhi.models import Child, User
from rhi.models.episodes import Notice
from tests.app.test_actions import _actions, _agreed, _as


@dataclass
class _Input:
    form: str  # the action of the form it is in
    id: str
    type: str
    described_by: list[str]


class _Page(HTMLParser):
    """Every id on the page, the inputs and labels in each form, and the error summary's links."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.inputs: list[_Input] = []
        self.labels: list[tuple[str, str]] = []  # (for=, the form it is in)
        # id -> the form its first element is in: a label's for=, aria-describedby and a link's
        # #id reach the first element with it, as a browser finds it.
        self.in_form: dict[str, str] = {}
        self.summary_links: list[str] = []
        self.form = ""
        self.summary_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.append(a["id"])
            self.in_form.setdefault(a["id"], self.form)
        if tag == "form":
            self.form = a.get("action", "")
        elif tag == "input":
            described = a.get("aria-describedby", "").split()
            self.inputs.append(_Input(self.form, a.get("id", ""), a.get("type", ""), described))
        elif tag == "label" and "for" in a:
            self.labels.append((a["for"], self.form))
        if tag == "div" and "error-summary" in a.get("class", "").split():
            self.summary_depth = 1
        elif tag == "div" and self.summary_depth:
            self.summary_depth += 1
        if tag == "a" and self.summary_depth:
            self.summary_links.append(a.get("href", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.form = ""
        elif tag == "div" and self.summary_depth:
            self.summary_depth -= 1


def _parsed(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def _date_in(page: _Page, form: str) -> _Input:
    (date,) = [i for i in page.inputs if i.form == form and i.type == "date"]
    return date


def _closed_action_page(app, web, world) -> tuple[str, str, str]:
    """A safety plan agreed with Ada, done: its page holds both forms. (page, the status form's
    action, the telling form's action)."""
    _agreed(web, world)
    plan = _actions(app)[1]
    page = f"/actions/{plan.id}"
    done = web.post(page, {"status": "done", "on": "2026-11-23", "version": 1}, page=page)
    assert done.status_code == 302
    return page, page, f"{page}/child-told"


def _assert_each_id_is_its_own(html: str) -> _Page:
    page = _parsed(html)
    twice = [i for i, n in Counter(page.ids).items() if n > 1]
    assert not twice, f"ids used more than once: {twice}"
    for date in (i for i in page.inputs if i.type == "date"):
        # Its label, hint and error are its own form's: none points into the other form.
        assert page.in_form[date.id] == date.form, f"#{date.id} reaches another form's field"
        assert (date.id, date.form) in page.labels, f"no label of its own for #{date.id}"
        for described in date.described_by:
            assert page.in_form.get(described) == date.form, (date.id, described)
    return page


def test_a_closed_actions_page_has_no_id_twice_and_each_date_has_its_own_label(app, web, world):
    url, status_form, told_form = _closed_action_page(app, web, world)
    html = web.get(url).get_data(as_text=True)
    assert "Telling Ada what became of it" in html
    page = _assert_each_id_is_its_own(html)
    assert _date_in(page, status_form).id != _date_in(page, told_form).id


def test_the_error_summary_links_to_the_date_in_error_of_its_own_form(app, web, world):
    url, status_form, told_form = _closed_action_page(app, web, world)
    # A day in the future, on the status form: the summary's link goes to its date.
    ahead = web.post(url, {"status": "done", "on": "30/11/2026", "version": 2}, page=url)
    assert ahead.status_code == 422
    html = ahead.get_data(as_text=True)
    assert "This can&#39;t be in the future." in html
    page = _assert_each_id_is_its_own(html)
    date = _date_in(page, status_form)
    assert page.summary_links == [f"#{date.id}"]
    assert page.in_form[date.id] == status_form  # not "When they were told"
    assert f"{date.id}-error" in date.described_by
    # The same on the telling form: its own date.
    ahead = web.post(told_form, {"on": "2026-11-30", "how": "By phone"}, page=url)
    assert ahead.status_code == 422
    page = _assert_each_id_is_its_own(ahead.get_data(as_text=True))
    date = _date_in(page, told_form)
    assert page.summary_links == [f"#{date.id}"]
    assert f"{date.id}-error" in date.described_by


def _meeting_hint(web, episode: int) -> str:
    html = web.get(f"/episodes/{episode}").get_data(as_text=True)
    block = html.split('id="meeting-heading"')[1].split("</form>")[0]
    (hint,) = re.findall(r'<p class="hint">([^<]*)</p>', block)
    return hint


def _told_of_meetings(app) -> set[str]:
    with app.app_context():
        return set(
            db.session.scalars(
                select(User.name)
                .join(Notice, Notice.user_id == User.id)
                .where(Notice.kind == "strategy_meeting")
            )
        )


def _ask(web, world, key: str) -> None:
    asked = web.post(
        f"/children/{world.children[key]}/strategy-meeting",
        {"came_from": "episode", "episode_id": str(world.episodes[key]), "note": ""},
        page=f"/episodes/{world.episodes[key]}",
    )
    assert asked.status_code == 302


def test_the_meeting_hint_names_the_social_worker_and_their_manager(app, world):
    """Ada's social worker is in the care team, which has a manager: both are told."""
    web = _as(app, world, "worker_a")
    hint = _meeting_hint(web, world.episodes["a"])
    assert hint == "Social Worker and their manager, Manager Care, will be told."
    _ask(web, world, "a")
    assert _told_of_meetings(app) == {"Social Worker", "Manager Care"}


def test_the_meeting_hint_names_only_the_social_worker_when_their_team_has_no_manager(app, world):
    """Ben's social worker is in no team with a manager: only they are told, and only they are
    named (the probe: "and their manager will be told")."""
    web = _as(app, world, "worker_b")
    hint = _meeting_hint(web, world.episodes["b"])
    assert hint == "Social Worker Other will be told."
    assert "manager" not in hint
    _ask(web, world, "b")
    assert _told_of_meetings(app) == {"Social Worker Other"}


def test_the_meeting_hint_names_the_askers_managers_when_the_child_has_no_social_worker(app, world):
    with app.app_context():
        db.session.get(Child, world.children["a"]).social_worker = None
        db.session.commit()
    web = _as(app, world, "worker_a")
    hint = _meeting_hint(web, world.episodes["a"])
    assert hint == "Manager A, manager of RHI A, will be told."
    _ask(web, world, "a")
    assert _told_of_meetings(app) == {"Manager A"}
