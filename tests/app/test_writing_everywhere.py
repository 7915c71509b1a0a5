"""Every free-text field is checked where the worker writes it, online and on the tablet's
offline copy of the page (issue 14 item 3): each box carries data-check-language, which the
browser's writing check (static/js/writing.js) looks for, and a tap on a suggestion in it is
counted for the team."""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from rhi.extensions import db
from rhi.forms.versions import TabletAddendumForm
from rhi.models import Interview, LanguageEvent
from rhi.models.base import utcnow
from tests.app.helpers import OFFER_AND_YES, start
from tests.conftest import Web, csrf_from


class _Boxes(HTMLParser):
    """The attributes of every text box and line on a page, by id."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.boxes: dict[str, dict[str, str | None]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("textarea", "input") and a.get("id"):
            self.boxes[str(a["id"])] = a


def boxes(html: str) -> dict[str, dict[str, str | None]]:
    parser = _Boxes()
    parser.feed(html)
    return parser.boxes


def assert_checked(html: str, box_id: str) -> dict[str, str | None]:
    found = boxes(html)
    assert box_id in found, f"no box {box_id!r} on the page"
    assert "data-check-language" in found[box_id], f"{box_id!r} is not checked"
    assert found[box_id].get("data-language-url"), f"{box_id!r}: a tap would not be counted"
    return found[box_id]


# The episode page: the boxes a worker writes in before and instead of an interview.
EPISODE_BOXES = [
    "reason",  # the child said no: in their words
    "carer_said",  # what the carer said
    "note",  # a contact attempt's note
    "outcome_reason",  # the return's outcome: why
    "start_reason",  # the child's answer when starting with no offer on record
]


@pytest.mark.parametrize("box_id", EPISODE_BOXES)
def test_the_episode_page_checks_the_writing_in(web, world, box_id):
    web.sign_in(world.emails["worker_a"])
    html = web.get(f"/episodes/{world.episodes['a']}").get_data(as_text=True)
    assert_checked(html, box_id)


# The tablet's offline copy of the episode page (rhi/shells.py) draws the same forms: the flag is
# on the form's field, so the two cannot differ.
@pytest.mark.parametrize("box_id", ["reason", "carer_said", "note"])
def test_the_offline_episode_page_checks_the_same_boxes(client, box_id):
    html = client.get("/shell/episode").get_data(as_text=True)
    assert_checked(html, box_id)


@pytest.mark.parametrize("box_id", ["reason", "urgent_reason", "child_said", "child_told_how"])
def test_a_safeguarding_decision_is_checked(web, world, box_id):
    uuid = start(web, world)
    html = web.get(f"/interviews/{uuid}/consent").get_data(as_text=True)
    assert_checked(html, box_id)


def test_the_reason_for_a_delay_is_checked(app, web, world):
    uuid = start(web, world)
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        interview.due_at = utcnow() - timedelta(hours=1)  # finishing now would be late
        db.session.commit()
    html = web.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    assert "after its deadline" in html
    assert_checked(html, "delay_note")


def test_an_addendum_is_checked(web, world):
    uuid = start(web, world)
    finished = web.post(f"/interviews/{uuid}/finish", page=f"/interviews/{uuid}/review")
    assert finished.status_code == 302
    html = web.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    assert "Add a correction or later note" in html
    assert_checked(html, "text")


def test_the_tablets_words_added_as_an_addendum_are_checked(app):
    with app.test_request_context():
        form = TabletAddendumForm(meta={"csrf": False})
        assert 'data-check-language="1"' in form.text()


# Not "Who they are, in the child's words": the child's own (tests/app/test_owner_words.py).
ONE_LINE = {
    "places": ["name", "area", "when"],
    "people": ["name", "age", "description", "vehicle"],
    "actions": ["owner"],
}


@pytest.mark.parametrize(
    ("kind", "name"), [(kind, name) for kind, names in ONE_LINE.items() for name in names]
)
def test_one_line_fields_of_places_people_and_actions_are_checked(web, world, kind, name):
    uuid = start(web, world)
    page = "analysis" if kind == "actions" else "findings"
    added = web.post(
        f"/interviews/{uuid}/items/{kind}",
        page=f"/interviews/{uuid}/{page}",
        headers={"HX-Request": "true"},
    )
    assert added.status_code == 200
    html = web.get(f"/interviews/{uuid}/{page}").get_data(as_text=True)
    line = next(
        (
            attrs
            for box_id, attrs in boxes(html).items()
            if box_id.startswith(f"in-{kind}-") and box_id.endswith(f"-{name}")
        ),
        None,
    )
    assert line is not None and line.get("type") == "text"
    assert "data-check-language" in line
    # A tap is recorded with the interview, as for its notes.
    assert line.get("data-language-url") == f"/interviews/{uuid}/language"


def test_a_phone_number_is_not_checked(web, world):
    uuid = start(web, world)
    web.post(f"/interviews/{uuid}/items/people", page=f"/interviews/{uuid}/findings")
    html = web.get(f"/interviews/{uuid}/findings").get_data(as_text=True)
    phones = [
        a for i, a in boxes(html).items() if i.startswith("in-people-") and i.endswith("-phone")
    ]
    assert phones and all("data-check-language" not in a for a in phones)


@pytest.mark.parametrize("kind", ["places", "people", "actions"])
def test_the_offline_interview_pages_check_the_same_lines(client, kind):
    """The blank entry the tablet copies for a new place, person or action."""
    page = "analysis" if kind == "actions" else "findings"
    html = client.get(f"/shell/interviews/{page}").get_data(as_text=True)
    names = ONE_LINE[kind]
    found = {
        box_id.rsplit("-", 1)[-1]: attrs
        for box_id, attrs in boxes(html).items()
        if box_id.startswith(f"in-{kind}-")
    }
    for name in names:
        assert name in found, f"no {kind} {name} on the offline page"
        assert "data-check-language" in found[name]


def test_a_tap_in_a_box_outside_the_interview_is_counted_for_the_team(app, web, world):
    web.sign_in(world.emails["worker_a"])
    page = web.get(f"/episodes/{world.episodes['a']}").get_data(as_text=True)
    url = boxes(page)["reason"]["data-language-url"]
    token = csrf_from(page)
    for action in ("replaced", "dismissed", "reason"):
        response = web.client.post(
            str(url),
            data={
                "path": "reason",
                "rule_id": "refused-to-engage",
                "text": "refused to engage",
                "action": action,
                "reason": "Her words to me.",
            },
            headers={"X-CSRFToken": token},
        )
        assert response.status_code == 204
    unknown = web.client.post(
        str(url),
        data={"rule_id": "no-such-rule", "action": "replaced"},
        headers={"X-CSRFToken": token},
    )
    assert unknown.status_code == 400
    with app.app_context():
        kept = db.session.execute(
            select(LanguageEvent.rule_id, LanguageEvent.action, LanguageEvent.team_id)
        ).all()
    team = {r for _, _, r in kept}
    assert sorted((r, a) for r, a, _ in kept) == [
        ("refused-to-engage", "kept"),
        ("refused-to-engage", "replaced"),
    ]
    assert len(team) == 1 and None not in team  # the worker's team; no words, no child
    manager = Web(app.test_client())
    manager.sign_in(world.emails["manager_a"])
    html = manager.get("/oversight/language").get_data(as_text=True)
    assert "Refused to engage" in html


def test_the_decline_is_saved_with_the_words_as_written(app, web, world):
    """Flag, never block: the worker's words are saved as they wrote them."""
    web.sign_in(world.emails["worker_a"])
    episode = f"/episodes/{world.episodes['a']}"
    said = "She refused to engage and said \u201cI just want to sleep\u201d."
    response = web.post(
        f"{episode}/decline",
        {"declined_at": OFFER_AND_YES["offered_at"], "reason": said, "offer_again": "yes"},
        page=episode,
    )
    assert response.status_code in (200, 302)
    with app.app_context():
        interview = db.session.scalar(select(Interview))
        assert interview is not None and interview.decline_reason == said


# Boxes that hold what the child said: the check spares quoted words only (language.md: "the
# child's own words are sacred"), so each says to quote them, beside the box and read out with
# it (a probe: "I chose to go, leave me alone", typed as the child's reason, was flagged and
# rewritten with one tap, the child beside the worker).
def _hint_of(html: str, box_id: str) -> str:
    described = boxes(html)[box_id].get("aria-describedby") or ""
    hint_id = f"{box_id}-hint"
    assert hint_id in described.split(), f"{box_id!r} has no hint read with it"
    start = html.index(f'id="{hint_id}"')
    return html[start : html.index("</p>", start)]


@pytest.mark.parametrize("box_id", ["reason", "start_reason", "outcome_reason"])
def test_the_childs_reasons_say_to_quote_them(web, world, box_id):
    web.sign_in(world.emails["worker_a"])
    html = web.get(f"/episodes/{world.episodes['a']}").get_data(as_text=True)
    assert "in quotation marks" in _hint_of(html, box_id)
    assert "never flagged or changed" in _hint_of(html, box_id)


def test_what_the_child_said_in_a_decision_says_to_quote_it(web, world):
    uuid = start(web, world)
    html = web.get(f"/interviews/{uuid}/consent").get_data(as_text=True)
    assert "Put the child&#39;s exact words in quotation marks" in _hint_of(html, "child_said")
