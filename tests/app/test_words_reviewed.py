"""Words reviewed against the language guide (/work/shared/domain/language.md).

- The child's own words, which the worker puts in quotation marks as the guide asks, are read
  back to the child in one pair of quotation marks, never two (““…””); quotation marks inside
  them are kept as written.
- The harm the checklist called "Suspected offending, which may be criminal exploitation"
  (blaming the child: a child exploited into harming others is a victim) is printed in the
  professionals' copies as "May have been made to break the law (possible criminal
  exploitation)", and the old words are nowhere in the app.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

import rhi
from rhi.extensions import db
from rhi.interviews import content as c
from rhi.interviews import read_back
from rhi.interviews.fields import HARMS
from rhi.models import Interview
from rhi.models.base import utcnow
from rhi.summaries.service import render_for
from tests.app.helpers import blocks, start, store
from tests.conftest import Web

OLD_HARM = "Suspected offending, which may be criminal exploitation"
NEW_HARM = "May have been made to break the law (possible criminal exploitation)"
OWN = "What you said in your own words: "
MESSAGE = "What you want your social worker to know: "


# ---- the child's own words, in one pair of quotation marks ----------------------------------


def _shared_with_the_social_worker(**words: str) -> dict[str, Any]:
    d = c.empty_content()
    d["sections"]["own_words"]["text"] = words.get("own_words", "")
    d["child_message"] = words.get("child_message", "")
    d["consent"]["social_worker"]["answer"] = "yes"
    return d


def _read_to_the_child(app, web, world, **words: str) -> str:
    """What the read-back page tells the child their social worker will know, as text."""
    uuid = start(web, world)
    store(app, uuid, _shared_with_the_social_worker(**words))
    html = web.get(f"/interviews/{uuid}/read_back").get_data(as_text=True)
    assert "\u201c\u201c" not in html and "\u201d\u201d" not in html
    return blocks(html)["social_worker"]


@pytest.mark.parametrize(
    ("written", "read"),
    [
        # Curly and straight double quotes round the whole: one pair taken off.
        (
            "\u201cI want Jo to know I'm not being bad. I just didn't want to be there.\u201d",
            "\u201cI want Jo to know I'm not being bad. I just didn't want to be there.\u201d",
        ),
        ('"I want to go home"', "\u201cI want to go home\u201d"),
        # Single quotes are quotation marks too (rhi/language/matcher.py), apostrophes are not.
        (
            "\u2018I don\u2019t want to go back there\u2019",
            "\u201cI don\u2019t want to go back there\u201d",
        ),
        # Quotation marks inside stay as written.
        (
            "\u201cHe said \u2018you owe me\u2019 and I had to go\u201d",
            "\u201cHe said \u2018you owe me\u2019 and I had to go\u201d",
        ),
        # Straight double quotes do not nest, as the writing check reads them (one home for
        # what a quotation is: rhi/language/matcher.py quoted_spans): in doubt, kept as written.
        (
            '"He said "you owe me" and I had to go"',
            '\u201c"He said "you owe me" and I had to go"\u201d',
        ),
        # Not quoted by the worker: the page's own pair, as before.
        ("I just wanted to see my brother", "\u201cI just wanted to see my brother\u201d"),
    ],
)
def test_the_childs_own_words_are_read_back_in_one_pair_of_quotation_marks(
    app, web, world, written, read
):
    said = _read_to_the_child(app, web, world, own_words=written)
    assert OWN + read in said


def test_the_message_to_their_social_worker_is_read_back_in_one_pair_too(app, web, world):
    said = _read_to_the_child(
        app, web, world, child_message="\u201cPlease tell my nan I'm safe\u201d"
    )
    assert MESSAGE + "\u201cPlease tell my nan I'm safe\u201d" in said


def test_only_a_pair_round_the_whole_of_the_words_is_taken_off():
    """Two quotations side by side, or words that only begin or end with one, keep their
    marks: nothing of what the worker wrote is lost."""
    for kept in (
        "\u201cHome\u201d and \u201cschool\u201d",
        '"Home" and "school"',
        "\u2018Home\u2019 and \u2018school\u2019",
        "\u201cI want to go home\u201d, she said",
        "She said \u201cI want to go home\u201d",
        "\u201cunclosed",
        "\u201c\u201d",
    ):
        assert read_back.without_outer_quotes(kept) == kept
    assert read_back.without_outer_quotes("  \u201cpadded\u201d \n") == "padded"


def test_what_was_read_is_kept_as_the_worker_wrote_it():
    """The fingerprint of what was read (`what_was_read`) holds the words as written, so an
    answer the child gave before is not shown as given to something else."""
    d = _shared_with_the_social_worker(own_words="\u201cI want to go home\u201d")
    (own,) = [
        t
        for r in read_back.recipients(d, ())
        if r.key == "social_worker"
        for t in r.things
        if t.key == "sections.own_words"
    ]
    assert own.words == "\u201cI want to go home\u201d"
    assert own.shown == "I want to go home"


# ---- the harm label in the professionals' copies -------------------------------------------


def _finished(app, uuid: str, document: dict[str, Any]) -> None:
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        interview.content = json.loads(json.dumps(document))
        interview.status = "finished"
        db.session.commit()


def _pdf_text(app, uuid: str, recipient: str) -> str:
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        data = render_for(interview, recipient, "A reader", utcnow(), draft=True)
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)


def test_the_social_workers_copy_says_the_child_may_have_been_made_to_break_the_law(
    app, web, world
):
    assert HARMS["suspected_offending"] == NEW_HARM
    uuid = start(web, world)
    d = c.empty_content()
    d["sections"]["away"]["text"] = "AWAYX She stayed at a flat."
    d["harms"]["suspected_offending"] = {"on": True, "note": "HARMNOTEX", "private": False}
    d["consent"]["social_worker"]["answer"] = "yes"
    _finished(app, uuid, d)
    # Their PDF: the new words under the harms, where the old ones were printed.
    pdf = _pdf_text(app, uuid, "social_worker")
    heading = pdf.find("Push and pull factors, harms and risk indicators")
    assert heading >= 0
    assert pdf.find(NEW_HARM, heading) > heading
    assert "Suspected offending" not in pdf
    # Their copy on screen, too.
    reader = Web(app.test_client())
    reader.sign_in(world.emails["social_worker"])
    page = reader.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    assert "This is what your copy of the summary holds" in page
    assert NEW_HARM in " ".join(page.split())
    assert "Suspected offending" not in page


def test_the_old_harm_label_is_nowhere_in_the_app():
    root = Path(rhi.__file__).parent
    found = []
    for path in root.rglob("*"):
        if not path.is_file() or path.suffix in (".pyc", ".mo", ".png", ".jpg", ".woff2"):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        if OLD_HARM.lower() in " ".join(text.split()).lower():
            found.append(str(path.relative_to(root)))
    assert found == []
