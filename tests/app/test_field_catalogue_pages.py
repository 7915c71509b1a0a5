"""Every label the interview pages, the versions page and the review page show for a field is
the field catalogue's (rhi/interviews/fields.py), and a field added to the catalogue appears on
its page, in the upload check and on the versions page with nothing else changed."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from markupsafe import escape
from sqlalchemy import select

from rhi.extensions import db
from rhi.interviews import content as c
from rhi.interviews import fields
from rhi.interviews.pages import PAGE_IDS
from rhi.models import Interview
from rhi.shells import NEW_ENTRY_ID
from tests.app.helpers import autosave, item, one, send, start
from tests.conftest import Web
from tests.world import World

CHILD = "Ada"  # the child of episode a, as the pages name her


def fid(path: str) -> str:
    return "in-" + path.replace(".", "-")


class _Labels(HTMLParser):
    """Each form control's label: <label for=...> text, and a radio group's <legend>, as the
    worker's view shows them: words only the child's view shows (data-child-only, "Is this
    right?" on the read-back) are the child's, not the catalogue's label."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.labels: dict[str, str] = {}  # element id -> label text
        self.legends: dict[str, str] = {}  # field path (a radio group's name) -> legend
        self.version_legends: dict[str, str] = {}  # versions page: path -> legend
        self._label_for: str | None = None
        self._legend: list[str] | None = None
        self._fieldsets: list[dict[str, Any]] = []
        self._text: list[str] = []
        # For each open <span>: whether it is the child's only, or the child's language (a box
        # the child writes in is named in their language too, inside its label).
        self._spans: list[bool] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "span":
            classes = (a.get("class") or "").split()
            theirs = "label-theirs" in classes or "child-words-variant" in classes
            self._spans.append("data-child-only" in a or theirs)
        if tag == "label" and a.get("for"):
            self._label_for, self._text = a["for"], []
        elif tag == "fieldset":
            self._fieldsets.append({"legend": "", "name": None})
        elif tag == "legend" and self._fieldsets:
            self._legend = []
        elif tag == "input" and self._fieldsets and self._fieldsets[-1]["name"] is None:
            name = a.get("name") or ""
            if a.get("type") == "radio" and name.startswith(("f:", "choice:")):
                self._fieldsets[-1]["name"] = name

    def handle_data(self, data: str) -> None:
        if any(self._spans):
            return
        if self._label_for is not None:
            self._text.append(data)
        if self._legend is not None:
            self._legend.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self._spans:
            self._spans.pop()
        if tag == "label" and self._label_for is not None:
            self.labels[self._label_for] = " ".join("".join(self._text).split())
            self._label_for = None
        elif tag == "legend" and self._legend is not None:
            self._fieldsets[-1]["legend"] = " ".join("".join(self._legend).split())
            self._legend = None
        elif tag == "fieldset" and self._fieldsets:
            fieldset = self._fieldsets.pop()
            name = fieldset["name"] or ""
            if name.startswith("f:"):
                self.legends[name[2:]] = fieldset["legend"]
            elif name.startswith("choice:"):
                self.version_legends[name[7:]] = fieldset["legend"]


def radios(placed: fields.Placed) -> bool:
    """A choice of a few options is radio buttons under a legend (more: a labelled list)."""
    return placed.kind == fields.CHOICE and len(placed.options) <= 5


def labels_of(html: str) -> _Labels:
    parser = _Labels()
    parser.feed(html)
    return parser


def asked_on(page_id: str, document: dict[str, Any]) -> list[fields.Placed]:
    """Every field the page asks, as the document stands (list entries, factors ticked)."""
    out = []
    for placed in fields.paths(document):
        if placed.page == page_id and placed.asked:
            out.append(placed)
    return out


def store(app, uuid: str, document: dict[str, Any]) -> None:
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        interview.content = json.loads(json.dumps(document))
        db.session.commit()


def stored_document(app, uuid: str) -> dict[str, Any]:
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        return c.normalise(interview.content)


def every_field_filled(document: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Each list with an entry, each factor ticked, and words in every field that holds words
    (unique to that field)."""
    for kind in fields.lists():
        document, _ = c.add_item(document, kind, f"{kind}-1")
    for group, factors in c.FINDING_GROUPS.items():
        for factor in factors:
            document = c.set_field(document, f"{group}.{factor}.on", True)
    written = {}
    for number, placed in enumerate(fields.paths(document)):
        if placed.kind in (fields.TEXT, fields.LINE):
            written[placed.path] = f"Words{number:03d} here"
            document = c.set_field(document, placed.path, written[placed.path])
    return document, written


def test_every_label_on_the_interview_pages_is_the_catalogues(app, web, world):
    uuid = start(web, world)
    document, _ = every_field_filled(stored_document(app, uuid))
    store(app, uuid, document)
    for page_id in PAGE_IDS:
        if page_id == "review":
            continue
        found = labels_of(web.get(f"/interviews/{uuid}/{page_id}").get_data(as_text=True))
        for placed in asked_on(page_id, document):
            expected = placed.label(CHILD)
            if radios(placed):
                assert found.legends.get(placed.path) == expected, placed.path
            else:
                assert found.labels.get(fid(placed.path)) == expected, placed.path


def no_own_labels() -> dict[str, str]:
    from rhi.interviews.read_back import field_labels

    return field_labels(own_social_worker=False)


def test_the_blank_shell_pages_use_the_catalogues_labels(client):
    # A shell holds every factor's fields (shown once ticked) and a blank entry of each list.
    document = c.empty_content()
    for kind in fields.lists():
        document, _ = c.add_item(document, kind, NEW_ENTRY_ID)
    for group, factors in c.FINDING_GROUPS.items():
        for factor in factors:
            document = c.set_field(document, f"{group}.{factor}.on", True)
    for page_id in PAGE_IDS:
        if page_id == "review":
            continue
        found = labels_of(client.get(f"/shell/interviews/{page_id}").get_data(as_text=True))
        for placed in asked_on(page_id, document):
            # The page's label with a blank where the name goes, filled on the tablet.
            expected = placed.raw_label.replace("{child}", "the child")
            shown = (
                found.legends.get(placed.path)
                if radios(placed)
                else found.labels.get(fid(placed.path))
            )
            # A label worded otherwise for a child with no social worker of their own is there
            # in both wordings, the catalogue's first (the tablet keeps one: rhi/shells.py).
            other = no_own_labels().get(placed.path)
            if other is not None:
                expected += other.replace("{child}", "the child")
            assert shown == expected, placed.path


def test_the_review_shows_each_field_written_under_its_label(app, web, world):
    uuid = start(web, world)
    document, written = every_field_filled(stored_document(app, uuid))
    document = c.set_field(document, "start.explained_voluntary", True)
    store(app, uuid, document)
    html = web.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    for path, words in written.items():
        placed = fields.find(path)
        if placed.part == "consent":
            continue  # the sharing record's table: its columns are checked below
        label = re.escape(str(escape(placed.label(CHILD))))
        shown = (
            rf"<dt>{label}</dt><dd class=\"prose\" dir=\"auto\">{words}</dd>|"
            rf"<p class=\"muted\">{label}(?: <span class=\"tag\">[^<]+</span>)?</p>\s*"
            rf"<div class=\"prose\" dir=\"auto\">{words}</div>"
        )
        assert re.search(shown, html), path
    voluntary = fields.find("start.explained_voluntary").label(CHILD)
    assert f'<dt>{voluntary}</dt><dd class="prose" dir="auto">Yes</dd>' in html
    for column in ("answer", "words"):
        label = str(escape(fields.find(f"consent.police.{column}").label(CHILD)))
        assert f'<th scope="col">{label}</th>' in html


def conflict(web: Web, world: World, server: dict[str, Any], tablet: dict[str, Any]) -> str:
    """The server moves to version 2, then another tablet still on version 1 sends its copy."""
    web.sign_in(world.emails["worker_a"])
    uuid, episode = world.interviews["a"], world.episodes["a"]
    assert (
        one(send(web, [item([episode], server, uuid=uuid, base_version=1)]))["outcome"] == "updated"
    )
    assert (
        one(send(web, [item([episode], tablet, uuid=uuid, base_version=1)], device="tab-2"))[
            "outcome"
        ]
        == "conflict"
    )
    return uuid


def test_every_title_on_the_versions_page_is_the_catalogues_label(web, world_i):
    server, _ = every_field_filled(c.empty_content())
    tablet = server
    for placed in fields.paths(server):
        value = c.get_field(server, placed.path)
        if placed.kind == fields.FLAG:
            tablet = c.set_field(tablet, placed.path, not value)
        elif placed.kind == fields.CHOICE:
            other = next(o for o in placed.options if o != value)
            tablet = c.set_field(tablet, placed.path, other)
        elif placed.kind == fields.WHEN:
            tablet = c.set_field(tablet, placed.path, "2026-11-20 10:00")
        elif placed.kind == fields.DATE:
            tablet = c.set_field(tablet, placed.path, "2026-12-01")
        else:
            tablet = c.set_field(tablet, placed.path, f"{value} (tablet)")
    uuid = conflict(web, world_i, server, tablet)
    found = labels_of(web.get(f"/interviews/{uuid}/versions").get_data(as_text=True))
    every = {p.path for p in fields.paths(server)}
    assert set(found.version_legends) == every
    for path, legend in found.version_legends.items():
        placed = fields.find(path)
        assert legend == fields.title(path, [server]), path
        assert legend.endswith(": " + placed.label()), path
    # The "Before we start" titles are its page's labels, not words of their own.
    assert found.version_legends["start.location"] == "Before we start: Where the chat was held"


@pytest.fixture
def travel(monkeypatch: pytest.MonkeyPatch) -> fields.Field:
    """A question added to (a copy of) the catalogue, as a developer would add one."""
    field = fields.Field(
        "start.travel",
        fields.LINE,
        "How {child} got here",
        "start",
        "record",
        hint="Bus, train, a lift: in the child's words.",
    )
    monkeypatch.setattr(fields, "FIELDS", (*fields.FIELDS, field))
    return field


def test_a_new_field_appears_on_its_page_in_the_upload_check_and_on_the_versions_page(
    app, web, world_i, travel
):
    web.sign_in(world_i.emails["worker_a"])
    uuid, episode = world_i.interviews["a"], world_i.episodes["a"]
    page = web.get(f"/interviews/{uuid}/start").get_data(as_text=True)
    assert labels_of(page).labels[fid("start.travel")] == "How Ada got here"
    assert 'name="f:start.travel"' in page and "Bus, train, a lift" in page
    shell = web.get("/shell/interviews/start").get_data(as_text=True)
    assert 'name="f:start.travel"' in shell
    # The page saves it ...
    assert autosave(web, uuid, "start.travel", "The 42 bus", "").status_code == 200
    assert stored_document(app, uuid)["start"]["travel"] == "The 42 bus"
    # ... the upload check knows it (and still refuses what it does not know) ...
    refused = one(
        send(web, [item([episode], {"start": {"journey": "Bus"}}, uuid=uuid, base_version=2)])
    )
    assert refused["outcome"] == "rejected"
    assert "start.journey" in " ".join(refused["messages"])
    # ... and the versions page titles it with its label.
    server = c.set_field(c.empty_content(), "start.travel", "The 42 bus, then walked")
    tablet = c.set_field(c.empty_content(), "start.travel", "Walked")
    assert (
        one(send(web, [item([episode], server, uuid=uuid, base_version=2)]))["outcome"] == "updated"
    )
    assert (
        one(send(web, [item([episode], tablet, uuid=uuid, base_version=2)], device="tab-2"))[
            "outcome"
        ]
        == "conflict"
    )
    versions = labels_of(web.get(f"/interviews/{uuid}/versions").get_data(as_text=True))
    assert versions.version_legends == {"start.travel": "Before we start: How the child got here"}
    # The review lists it under its label too.
    review = web.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    got_here = '<dt>How Ada got here</dt><dd class="prose" dir="auto">'
    assert f"{got_here}The 42 bus, then walked</dd>" in review
