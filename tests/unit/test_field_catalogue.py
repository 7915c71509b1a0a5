"""The field catalogue (rhi/interviews/fields.py) is the one list of the interview's fields: the
blank document, the writer, the upload check, the versions page's titles, the review and the
sharing parts all agree with it. The pages' labels are checked in
tests/app/test_field_catalogue_pages.py."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from rhi.interviews import content as c
from rhi.interviews import fields, review
from rhi.interviews.pages import PAGE_IDS
from rhi.sharing import PROFESSIONALS, view_for
from rhi.sync import compare
from rhi.sync.validate import validate


def leaves(value: Any, prefix: str = "") -> list[str]:
    """Every dotted path to a value in a document; list entries by their id."""
    if isinstance(value, dict):
        return [
            p
            for key, sub in value.items()
            for p in leaves(sub, f"{prefix}.{key}" if prefix else key)
        ]
    if isinstance(value, list) and prefix in fields.lists():
        return [f"{prefix}.{entry['id']}.{key}" for entry in value for key in entry if key != "id"]
    return [prefix]


def full_document() -> dict[str, Any]:
    """A document with an entry in every list and every factor ticked."""
    document = c.empty_content()
    for kind in fields.lists():
        document, _ = c.add_item(document, kind, f"{kind}-1")
    for group, factors in c.FINDING_GROUPS.items():
        for factor in factors:
            document = c.set_field(document, f"{group}.{factor}.on", True)
    return document


def test_every_path_of_a_blank_document_is_in_the_catalogue():
    for path in leaves(c.empty_content()):
        if path.split(".")[0] in fields.NOT_FIELDS:
            continue
        assert fields.find(path) is not None, path


def test_every_path_of_the_catalogue_resolves_to_its_kind():
    document = full_document()
    placed_paths = [p for p in fields.paths(document)]
    assert placed_paths, "the catalogue expands to paths"
    for placed in placed_paths:
        _holder, key, kind = c.resolve(document, placed.path)
        assert key == placed.name
        assert kind == placed.field.stored_as, placed.path
    # And the document holds exactly the catalogue's paths, nothing more, nothing less.
    document_paths = {p for p in leaves(document) if p.split(".")[0] not in fields.NOT_FIELDS}
    assert document_paths == {p.path for p in placed_paths}


def test_every_pattern_has_at_least_one_path_and_each_page_is_real():
    document = full_document()
    for f in fields.catalogue():
        if f.kind == fields.ENTRY:
            assert f.head in fields.lists()
            continue
        assert fields.expand(f, document), f.path
        for placed in fields.expand(f, document):
            assert placed.page in PAGE_IDS, f.path
            assert placed.part in fields.PARTS, f.path


def test_unknown_paths_are_refused_with_the_same_message_everywhere():
    for path in (
        "start.nope",
        "sections.nowhere.text",
        "push.nope.on",
        "findings_other.x",
        "risk_view.x",
        "consent.nobody.answer",
        "places",
        "places.p1",
    ):
        assert fields.find(path) is None or fields.find(path).kind == fields.ENTRY
        with pytest.raises(c.ContentError, match="does not know the field"):
            c.set_field(c.empty_content(), path, "x")


# The child's own words, whole (domain/language.md: "never flagged or changed"): what they
# want their social worker to know, what they said about sharing with each person, and the
# changes they asked for when it was read back.
CHILDS_OWN = {
    "child_message",
    "read_back.changes",
    *(f"consent.{recipient}.words" for recipient in c.RECIPIENTS),
}


def test_the_writing_check_reads_every_box_and_the_lines_of_places_people_and_actions():
    """Every box of several lines but the child's own words, and every line of a place, a
    person or an action but a phone number (issue 14 item 3)."""
    document = full_document()
    checked = {p.path for p in fields.writing_checked(document)}
    boxes = {p.path for p in fields.paths(document) if p.kind == fields.TEXT} - CHILDS_OWN
    lines = {
        p.path
        for p in fields.paths(document)
        if p.kind == fields.LINE
        and p.path.split(".")[0] in ("places", "people", "actions")
        and not p.path.endswith(".phone")
        and not p.path.endswith(".relationship")  # who they are, in the child's words
    }
    assert lines and checked == boxes | lines == c.text_paths(document)


def test_choices_take_only_their_options_and_start_blank():
    document = full_document()
    for placed in fields.paths(document):
        if placed.kind != fields.CHOICE:
            continue
        assert c.get_field(document, placed.path) == placed.field.empty
        with pytest.raises(c.ContentError, match="Choose one of the options"):
            c.set_field(document, placed.path, "not-an-option")
        for option in placed.options:
            assert c.get_field(c.set_field(document, placed.path, option), placed.path) == option


def test_a_field_longer_than_its_limit_is_refused():
    short = dataclasses.replace(fields.find("start.location").field, max_length=10)
    catalogue = tuple(short if f.path == "start.location" else f for f in fields.FIELDS)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(fields, "FIELDS", catalogue)
        assert c.set_field(c.empty_content(), "start.location", "x" * 10)
        with pytest.raises(c.ContentError, match="the most is 10"):
            c.set_field(c.empty_content(), "start.location", "x" * 11)
        _doc, problems = validate({"start": {"location": "x" * 11}})
        assert problems == [
            "Where the chat was held (Before we start): This is too long to save (11 "
            "characters; the most is 10). Split it into two parts."
        ]


def test_a_broken_catalogue_entry_is_refused_by_name():
    bad = [
        fields.Field("start.<section>.x", fields.LINE, "X", "start", "record"),
        fields.Field("start.mood", "feeling", "X", "start", "record"),
        fields.Field("start.mood", fields.LINE, "X", "nowhere", "record"),
        fields.Field("start.mood", fields.CHOICE, "X", "start", "record"),
        fields.Field("start", fields.LINE, "X", "start", "record"),
    ]
    for entry in bad:
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(fields, "FIELDS", (*fields.FIELDS, entry))
            with pytest.raises(fields.CatalogueError):
                fields.find("start.location")


def test_titles_are_the_heading_and_the_pages_label():
    document = full_document()
    document = c.set_field(document, "places.places-1.name", "Jay's flat")
    assert fields.title("start.location") == "Before we start: Where the chat was held"
    assert fields.title("sections.away.text") == "While away: What the child said"
    assert fields.title("sections.away.text", child="Ada") == "While away: What Ada said"
    assert fields.title("sections.analysis.text") == "Analysis and actions: Your notes"
    assert (
        fields.title("sections.before.private")
        == "Before you left: The child asked for this part not to be shared"
    )
    assert (
        fields.title("push.bullying.note")
        == "What made them want to leave (push factors): Note on bullying"
    )
    assert fields.title("places.places-1.area", [document]) == "Place 1 (Jay's flat): Area or town"
    assert (
        fields.title("consent.police.answer")
        == "Sharing with police: Is the child happy for us to share with them?"
    )
    assert fields.title("no.such.field") == "no.such.field"
    # The versions page's titles are these, for every field.
    for placed in fields.paths(document):
        assert compare.field_title(placed.path, document, document) == fields.title(
            placed.path, [document]
        )
        assert compare.field_title(placed.path, document, document).endswith(placed.label())


def test_the_sharing_part_of_each_field_is_what_sharing_does_with_it():
    """Write a word only that field holds into every field that holds words, agree to share
    with everyone, and see where sharing.view_for puts each word."""
    document = full_document()
    marks = {}
    for number, placed in enumerate(fields.paths(document)):
        if placed.kind in (fields.TEXT, fields.LINE):
            marks[placed.path] = f"MARK{number:04d}X"
            document = c.set_field(document, placed.path, marks[placed.path])
    for recipient in c.RECIPIENTS:
        document = c.set_field(document, f"consent.{recipient}.answer", "yes")
    for recipient in ("police", "parents_carers"):
        shown = repr(view_for(document, recipient, in_force=()))
        professional = recipient in PROFESSIONALS
        for path, mark in marks.items():
            placed = fields.find(path)
            part = placed.part
            # "about" (where, who else) is in every copy's heading, from summaries.service.
            expected = {
                "record": False,
                "kept_back": False,
                "about": False,
                # A copy holds its own recipient's consent line only.
                "consent": placed.asked and path.startswith(f"consent.{recipient}."),
                "places_people": professional,
                "risk_view": professional,
                "analysis": professional,
                # What the child wants their social worker to know goes to them alone.
                "child_message": recipient == "social_worker",
            }.get(part, True)
            assert (mark in shown) is expected, (recipient, path, part)


def test_the_review_lists_every_field_written_with_its_label():
    document = full_document()
    written = {}
    for number, placed in enumerate(fields.paths(document)):
        if placed.kind in (fields.TEXT, fields.LINE) and placed.part != "consent":
            written[placed.path] = f"Words {number}"
            document = c.set_field(document, placed.path, written[placed.path])
    lines = {}

    def collect(block: review.Block) -> None:
        for line in block.lines:
            lines[line.path] = line
        for item in block.items:
            collect(item)

    for block in review.recorded(document, "Ada"):
        collect(block)
    for path, words in written.items():
        assert lines[path].value == words, path
        assert lines[path].label == fields.find(path).label("Ada"), path


def test_a_new_field_is_everywhere_once_it_is_in_the_catalogue(monkeypatch):
    travel = fields.Field("start.travel", fields.LINE, "How {child} got here", "start", "record")
    monkeypatch.setattr(fields, "FIELDS", (*fields.FIELDS, travel))
    assert c.empty_content()["start"]["travel"] == ""
    assert [p.path for p in fields.on_page("start")][-1] == "start.travel"
    document, problems = validate({"start": {"travel": "Bus"}})
    assert problems == [] and document["start"]["travel"] == "Bus"
    assert validate({"start": {"journey": "Bus"}})[1] == [
        "rhi does not know the field 'start.journey'."
    ]
    server = c.empty_content()
    tablet = c.set_field(server, "start.travel", "Bus")
    (difference,) = compare.compare(server, tablet).fields
    assert difference.title == "Before we start: How the child got here"
    assert difference.kind == "text"
