"""A probe: a subject access request made by a parent got a ZIP holding, with no warning, what
the child asked to keep between them and the worker, what they said no to sharing, and a
safeguarding decision the child was not told of (telling them would put them at risk), with its
reason. The download now opens with "To review before you hand this over" (the first pages of
record.pdf, and review.json), naming each of those things by its label, never its words, and
the subject access page says how many there are beside the download button.

The app tests' clock stands at 2026-11-23 12:00 UTC."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from pypdf import PdfReader

from rhi.interviews import content as c
from tests.app.helpers import start, store
from tests.app.test_subject_access import as_user, export
from tests.conftest import Web

PARENT = {"requested_by": "Ada's mother (parent)"}
# The words themselves: in the record (the controller's copy), never in the review list.
WORDS = ("AWAYWORDSX", "KEPTPHOTOSX", "BULLYNOTEX", "POLICEWORDSX", "JAYNOTEX")
SENTENCE = (
    "This record holds 5 things Ada asked to keep between them and the worker, 2 answers "
    "where Ada said no, or yes to only some parts, to sharing and 1 decision Ada was not told "
    "of: the download lists them first, to review before you hand it over."
)


def private_document() -> dict[str, Any]:
    """Ada's interview: a private part, something told and kept back, a private finding with
    its note, a private person and place; no to the police, only some parts to the school."""
    d = c.empty_content()
    d["sections"]["before"]["text"] = "I had a row at home."
    d["sections"]["away"]["text"] = "AWAYWORDSX I stayed at a flat."
    d["sections"]["away"]["private"] = True
    d["sections"]["help"]["kept_back"] = "KEPTPHOTOSX"
    d["push"]["bullying"] = {"on": True, "note": "BULLYNOTEX", "private": True}
    d["push"]["family_conflict"] = {"on": True, "note": "", "private": False}
    d, person = c.add_item(d, "people", "p1")
    d["people"][0].update({"name": "Jay", "notes": "JAYNOTEX", "private": True})
    d, place = c.add_item(d, "places", "pl1")
    d["places"][0].update({"name": "Hill Street flat", "private": True})
    d["consent"]["social_worker"]["answer"] = "yes"
    d["consent"]["police"].update({"answer": "no", "words": "POLICEWORDSX"})
    d["consent"]["school"].update({"answer": "some", "part_before": True})
    return d


def interview_with_a_decision_not_told(app, world) -> None:
    """The worker records the interview, and an urgent decision (in force at once) to pass
    what Ada kept back to the police, recorded as "telling the child would put them at risk"."""
    web = Web(app.test_client())
    uuid = start(web, world)
    store(app, uuid, private_document())
    decision = {
        "recipient": "police",
        "releases": ["sections.help.kept_back"],
        "reason": "Photos are being used to threaten her.",
        "decider": str(world.users["manager_a"]),
        "child_told": "not_told",
        "urgent": "y",
        "urgent_reason": "She is at risk tonight.",
    }
    response = web.post(
        f"/interviews/{uuid}/overrides", decision, page=f"/interviews/{uuid}/consent"
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def download(app, world) -> zipfile.ZipFile:
    response = export(as_user(app, world, "admin"), world.children["a"], **PARENT)
    assert response.status_code == 200
    return zipfile.ZipFile(io.BytesIO(response.data))


def pdf_pages(data: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def test_the_download_lists_what_to_review_first_by_label_never_by_its_words(app, world):
    interview_with_a_decision_not_told(app, world)
    archive = download(app, world)
    assert archive.namelist()[0] == "review.json"  # read first

    review = json.loads(archive.read("review.json"))
    assert review["summary"] == {
        "kept_between_them_and_the_worker": 5,
        "said_no_or_only_some_to_sharing": 2,
        "decisions_not_told_of": 1,
        "sentence": SENTENCE,
    }
    (entry,) = review["interviews"]
    kept = {item["key"]: item for item in entry["kept_back"]}
    assert {key: item["label"] for key, item in kept.items()} == {
        "sections.away": "The section \u201cWhile away\u201d",
        "sections.help.kept_back": "Told and kept back in \u201cWhat would help\u201d",
        "push.bullying": "What made them want to leave (push factors): Bullying",
        "people.p1": "Person: Jay",
        "places.pl1": "Place: Hill Street flat",
    }
    # Passed to the police by the decision, it is still what Ada asked to keep.
    assert [key for key, item in kept.items() if item["passed_on"]] == ["sections.help.kept_back"]
    refused = {item["recipient"]: item for item in entry["refused"]}
    assert set(refused) == {"police", "school"}
    assert refused["police"]["answer"] == "No" and refused["police"]["said_about_it"] is True
    assert refused["school"]["agreed_parts"] == ["Before you left"]
    (not_told,) = entry["not_told"]
    assert not_told["recipient"] == "police" and not_told["in_force"] is True
    assert not_told["reason"] == "Photos are being used to threaten her."
    assert "Do not disclose" in not_told["caution"]
    assert not_told["releases"] == ["Told and kept back in \u201cWhat would help\u201d"]
    listed = archive.read("review.json").decode()
    for words in WORDS:
        assert words not in listed, words

    # The PDF opens with the same list, before everything else; the record follows whole.
    pages = pdf_pages(archive.read("record.pdf"))
    text = " ".join(pages)
    assert pages[0].startswith("To review before you hand this over")
    before, _, record = text.partition("Everything held about Ada Alpha")
    assert record, "the record follows the list"
    for expected in (
        SENTENCE,
        "What Ada asked to keep between them and the worker",
        "The section \u201cWhile away\u201d",
        "Told and kept back in \u201cWhat would help\u201d: passed on by a safeguarding decision",
        "What made them want to leave (push factors): Bullying",
        "Person: Jay",
        "Place: Hill Street flat",
        "Who Ada said no, or yes to only some parts, to sharing with",
        "Police: No. What Ada said about sharing with them is in the record",
        "School: Yes, to the parts ticked below (only: Before you left)",
        "Decisions Ada was not told of",
        "A decision to share with Police without the child's agreement",
        "Do not disclose the decision, its reason or what it shares without first considering "
        "that risk.",
        "Photos are being used to threaten her.",
    ):
        assert expected in before, expected
    for words in WORDS:
        assert words not in before and words in record, words
    # Who asked is on the record as before; the list is there whoever asked.
    assert "Ada's mother (parent)" in record
    assert (
        json.loads(archive.read("record.json"))["request"]["requested_by"] == PARENT["requested_by"]
    )


def test_the_page_says_how_many_things_to_review_beside_the_download_button(app, world):
    interview_with_a_decision_not_told(app, world)
    web = as_user(app, world, "admin")
    page = web.get(f"/subject-access/children/{world.children['a']}").get_data(as_text=True)
    form = page.split("Record the request and download</h2>")[1].split("</form>")[0]
    said = " ".join(form.split("</button>")[0].split())
    assert SENTENCE in said  # above the button itself
    assert 'aria-describedby="to-review"' in form
    assert "Who asked" in form  # the request still says who asked


def test_nothing_is_listed_for_an_interview_with_nothing_kept_back(app, world):
    web = Web(app.test_client())
    uuid = start(web, world)
    d = c.empty_content()
    d["sections"]["away"]["text"] = "I stayed at the park."
    d["push"]["bullying"] = {"on": True, "note": "At school", "private": False}
    d, _ = c.add_item(d, "people", "p1")
    d["people"][0]["name"] = "Sam"
    for recipient in c.RECIPIENTS:
        d["consent"][recipient]["answer"] = "yes"
    store(app, uuid, d)
    archive = download(app, world)
    review = json.loads(archive.read("review.json"))
    assert review["interviews"] == []
    assert review["summary"]["kept_between_them_and_the_worker"] == 0
    nothing = (
        "This record holds nothing Ada asked to keep between them and the worker, no answer "
        "where Ada said no to sharing, and no decision Ada was not told of."
    )
    assert review["summary"]["sentence"] == nothing
    first = pdf_pages(archive.read("record.pdf"))[0]
    assert first.startswith("To review before you hand this over") and nothing in first
    for absent in ("Person: Sam", "asked to keep between them and the worker Bullying"):
        assert absent not in first
    page = as_user(app, world, "admin").get(f"/subject-access/children/{world.children['a']}")
    assert nothing in " ".join(page.get_data(as_text=True).split())


def test_a_tablets_version_of_the_interview_is_reviewed_too(app, world):
    """A tablet's copy not applied (sync_conflicts) is in the download whole: what it holds
    that the interview no longer does is listed under it, and nothing is counted twice."""
    from sqlalchemy import select

    from rhi.extensions import db
    from rhi.models import Interview
    from rhi.models.sync import SyncConflict

    web = Web(app.test_client())
    uuid = start(web, world)
    server = c.empty_content()
    server["sections"]["away"].update({"text": "I stayed at a flat.", "private": True})
    store(app, uuid, server)
    tablet = json.loads(json.dumps(server))
    tablet["sections"]["after"]["kept_back"] = "TABLETKEPTX"
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        db.session.add(
            SyncConflict(
                interview_id=interview.id,
                device_uuid=uuid,
                content=tablet,
                content_hash="tablet-copy",
            )
        )
        db.session.commit()
    review = json.loads(download(app, world).read("review.json"))
    server_entry, tablet_entry = review["interviews"]
    assert [k["key"] for k in server_entry["kept_back"]] == ["sections.away"]
    assert tablet_entry["title"].startswith("A tablet's version of the return home interview")
    assert [k["key"] for k in tablet_entry["kept_back"]] == [
        "sections.away",
        "sections.after.kept_back",
    ]
    assert review["summary"]["kept_between_them_and_the_worker"] == 2
    assert "TABLETKEPTX" not in json.dumps(review)
