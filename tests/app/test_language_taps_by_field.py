"""A copy's "N changed to suggested wording" counts only the suggestions taken in the fields it
holds (a probe: a copy holding only one part counted every tap in the record, as the taps were
kept as a bare number). Each tap is still counted (`language.replaced`) and now also names its
field (`language.taps`), online and in the tablet's upload. Taps with no field recorded (a
record made before, a tablet still running the older script, which only counts) go on
counting in every copy.

What is read is what people see: the review's counts sentence and the police's copy (a PDF
holding only the part the child agreed to share: "Before they went")."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from tests.app.helpers import (
    autosave,
    content,
    doc,
    item,
    one,
    send,
    start,
    store,
    with_yes,
)
from tests.conftest import Web, csrf_from

AWAY, BEFORE = "sections.away.text", "sections.before.text"


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)


def review_says(web: Web, uuid: str) -> str:
    page = web.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    said = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    found = re.search(r"\d+ changed to suggested wording", said)
    assert found, said
    return found.group(0)


def police_copy_says(web: Web, uuid: str) -> str:
    """The police's copy as it would go now: it holds "Before they went" only. With nothing
    found in what it holds, it has no language line at all."""
    text = pdf_text(web.get(f"/interviews/{uuid}/copies/police.pdf?draft=1").data)
    if "Language check:" not in text:
        return "no language line"
    found = re.search(r"\d+ changed to suggested wording", text)
    assert found, text
    return found.group(0)


def tap(web: Web, uuid: str, path: str, rule_id: str = "absconding") -> None:
    """A suggestion taken, as the page's writing check tells the server (writing.js tell)."""
    token = csrf_from(web.get(f"/interviews/{uuid}/away").get_data(as_text=True))
    response = web.client.post(
        f"/interviews/{uuid}/language",
        data={"path": path, "rule_id": rule_id, "text": "absconded", "action": "replaced"},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 204, response.get_data(as_text=True)


def share_before_with_the_police(web: Web, uuid: str) -> None:
    assert autosave(web, uuid, "consent.police.answer", "some", None).status_code == 200
    assert autosave(web, uuid, "consent.police.part_before", "1", None).status_code == 200


def test_a_copy_counts_only_the_suggestions_taken_in_the_parts_it_holds(web, world):
    uuid = start(web, world)
    assert autosave(web, uuid, BEFORE, "She went missing from school.", None).status_code == 200
    assert autosave(web, uuid, AWAY, "She went missing at 9pm.", None).status_code == 200
    # Two taps in "While away" (one told on its own, one with the save of its words, as an
    # autosaved field sends it), one in "Before they went".
    tap(web, uuid, AWAY)
    token = web.csrf(f"/interviews/{uuid}/start")
    saved = web.client.post(
        f"/interviews/{uuid}/save",
        data={f"f:{AWAY}": "She went missing at 9pm and was found.", f"t:{AWAY}": "absconding"},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
    assert saved.status_code == 200
    tap(web, uuid, BEFORE)
    share_before_with_the_police(web, uuid)
    assert review_says(web, uuid) == "3 changed to suggested wording"
    assert police_copy_says(web, uuid) == "1 changed to suggested wording"


def test_a_record_counting_taps_as_a_number_goes_on_counting_them_in_every_copy(app, web, world):
    uuid = start(web, world)
    share_before_with_the_police(web, uuid)
    document = content(app, uuid)[0]
    document["language"]["replaced"] = 2  # as every record was kept before taps named a field
    store(app, uuid, document)
    assert review_says(web, uuid) == "2 changed to suggested wording"
    assert police_copy_says(web, uuid) == "2 changed to suggested wording"
    tap(web, uuid, AWAY)  # which field its two earlier taps were in, nobody can say now
    assert review_says(web, uuid) == "3 changed to suggested wording"
    # The two with no field recorded, in every copy; the new one in "While away" only.
    assert police_copy_says(web, uuid) == "2 changed to suggested wording"


def test_a_record_with_no_taps_yet_names_the_field_of_its_first(app, web, world):
    uuid = start(web, world)
    share_before_with_the_police(web, uuid)
    document = content(app, uuid)[0]
    document["language"]["replaced"] = 0  # made before taps named their field, none taken
    store(app, uuid, document)
    tap(web, uuid, AWAY)
    assert review_says(web, uuid) == "1 changed to suggested wording"
    assert police_copy_says(web, uuid) == "no language line"  # nothing in what it holds


# ---- a tablet's upload -------------------------------------------------------------------------


def tablet_document(replaced: object, taps: object = None) -> dict:
    document = doc(
        sections__before__text="She went missing from school.",
        sections__away__text="She went missing at 9pm.",
        consent__police__answer="some",
        consent__police__part_before=True,
    )
    document["language"]["replaced"] = replaced
    if taps is None:  # the older script's copy of a record: no taps
        document["language"].pop("taps", None)
    else:
        document["language"]["taps"] = taps
    return document


TWO_AWAY_ONE_BEFORE = [
    {"path": AWAY, "rule_id": "absconding"},
    {"path": BEFORE, "rule_id": "absconding"},
    {"path": AWAY, "rule_id": "refused-to-engage"},
]


def test_a_tablets_taps_are_counted_by_field_and_never_twice_when_sent_again(web, world):
    web.sign_in(world.emails["worker_a"])
    upload = with_yes(item([world.episodes["a"]], tablet_document(3, TWO_AWAY_ONE_BEFORE)))
    first = one(send(web, [upload]))
    assert first["outcome"] == "created", first
    assert review_says(web, upload["uuid"]) == "3 changed to suggested wording"
    assert police_copy_says(web, upload["uuid"]) == "1 changed to suggested wording"
    # The same upload again (its answer lost on the way): nothing counted twice.
    assert one(send(web, [upload]))["outcome"] == "unchanged"
    assert review_says(web, upload["uuid"]) == "3 changed to suggested wording"
    # The tablet's next upload, on the version it was told: its document replaces the server's
    # (rhi/sync/apply.py), taps and all, so a tap it sent before is not added again.
    later = item(
        [world.episodes["a"]],
        tablet_document(4, [*TWO_AWAY_ONE_BEFORE, {"path": BEFORE, "rule_id": "absconding"}]),
        uuid=upload["uuid"],
        base_version=first["version"],
    )
    assert one(send(web, [later]))["outcome"] == "updated"
    assert review_says(web, upload["uuid"]) == "4 changed to suggested wording"
    assert police_copy_says(web, upload["uuid"]) == "2 changed to suggested wording"


def test_a_tablet_on_the_older_script_is_counted_as_before(web, world):
    """The older script only counts: its taps have no field, and count in every copy."""
    web.sign_in(world.emails["worker_a"])
    upload = with_yes(item([world.episodes["a"]], tablet_document(2)))
    assert one(send(web, [upload]))["outcome"] == "created"
    assert review_says(web, upload["uuid"]) == "2 changed to suggested wording"
    assert police_copy_says(web, upload["uuid"]) == "2 changed to suggested wording"


def test_the_older_script_on_a_record_whose_taps_name_their_field(web, world):
    """A record whose first tap named its field ("While away"), then one more taken on the
    older script, which carries the taps it was given and counts: the named one where it was
    made, the other in every copy."""
    web.sign_in(world.emails["worker_a"])
    named = [{"path": AWAY, "rule_id": "absconding"}]
    mixed = with_yes(item([world.episodes["a"]], tablet_document(2, named)))
    assert one(send(web, [mixed]))["outcome"] == "created"
    assert review_says(web, mixed["uuid"]) == "2 changed to suggested wording"
    assert police_copy_says(web, mixed["uuid"]) == "1 changed to suggested wording"


def test_taps_an_upload_cannot_place_are_left_out_never_refusing_the_notes(app, web, world):
    """A review: one tap naming a field no longer checked (renamed since, say) refused the
    whole interview, and the worker's notes stayed on the tablet. Taps are bookkeeping: one
    that cannot be placed is left out, and still counted by `replaced`, in every copy."""
    web.sign_in(world.emails["worker_a"])
    for not_a_list in ("3", {"path": AWAY}):
        upload = with_yes(item([world.episodes["a"]], tablet_document(1, not_a_list)))
        result = one(send(web, [upload]))
        assert result["outcome"] == "rejected", result
        assert "language.taps: should be a list." in result["messages"]
    one_tap = {"path": AWAY, "rule_id": "absconding"}
    unplaceable = [
        "x",
        {"path": AWAY},
        {"path": "child_message", "rule_id": "absconding"},  # the child's words: never checked
        {"path": "no.such.field", "rule_id": "absconding"},
        {"path": AWAY, "rule_id": "r" * 81},
    ]
    upload = with_yes(
        item([world.episodes["a"]], tablet_document(len(unplaceable) + 1, [*unplaceable, one_tap]))
    )
    assert one(send(web, [upload]))["outcome"] == "created"
    with app.app_context():
        from sqlalchemy import select

        from rhi.extensions import db
        from rhi.models import Interview

        saved = db.session.scalar(select(Interview).where(Interview.uuid == upload["uuid"]))
        assert saved.content["language"]["taps"] == [one_tap]
    assert review_says(web, upload["uuid"]) == "6 changed to suggested wording"
    # The five it could not place count in every copy; the one in "While away" does not reach
    # the police's, which holds "Before they went" only.
    assert police_copy_says(web, upload["uuid"]) == "5 changed to suggested wording"
