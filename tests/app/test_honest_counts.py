"""Honest counts (issue 14 item 5): the review, every copy and the manager's Wording page say how
many flagged phrases were left as written, kept with "Keep my words", and changed, counted over
the final words by the Python matcher, and they say the same numbers.

The worked example: a note with six flagged phrases and a person's line with one more. The
worker changes two (absconded, refused to engage), keeps two (streetwise, with a reason; older
boyfriend, without), and leaves three (puts herself at risk, kicking off, and the older
boyfriend on the person's line, where nobody kept it)."""

from __future__ import annotations

import html
import io
import re

from pypdf import PdfReader
from sqlalchemy import select

from rhi.extensions import db
from rhi.language import Matcher, load_rules
from rhi.language.rules import rules_as_json
from rhi.models import Summary
from rhi.writing.counts import example, plain_phrase
from tests.app.helpers import autosave, content, start
from tests.conftest import Web, csrf_from

NOTE = (
    "Ada absconded from her placement on Friday. Staff say she is streetwise and puts herself "
    "at risk. She refused to engage with the police when found. She has an older boyfriend. "
    "Carers say she was kicking off before she left. She said \u201cI was fine, I was with my "
    "mates\u201d."
)
# The same note after the worker took two suggestions.
CHANGED = NOTE.replace("absconded from", "went missing from").replace(
    "She refused to engage with the police when found",
    "She said she did not want to talk today to the police when found",
)
SENTENCE = (
    "3 flagged phrases left as written; 2 kept by the worker with \u201cKeep my words\u201d "
    "(1 with a reason given); 2 changed to suggested wording."
)
# Per rule on the Wording page: (changed, kept, left).
PER_RULE = {
    "Absconding": (1, 0, 0),
    "Refused to engage": (1, 0, 0),
    "Streetwise": (0, 1, 0),
    "Older boyfriend": (0, 1, 1),
    "Putting themselves at risk": (0, 0, 1),
    "Kicking off": (0, 0, 1),
}


def pdf_text(data: bytes) -> str:
    """The PDF's words with line breaks and runs of spaces made single spaces."""
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)


def tell(web: Web, uuid: str, token: str, **said: str) -> None:
    """What the browser's writing check posts when the worker taps (static/js/writing.js)."""
    response = web.client.post(
        f"/interviews/{uuid}/language", data=said, headers={"X-CSRFToken": token}
    )
    assert response.status_code == 204, response.get_data(as_text=True)


def write_the_worked_example(web: Web, uuid: str) -> None:
    away = "sections.away.text"
    assert autosave(web, uuid, away, NOTE, None).status_code == 200
    token = csrf_from(web.get(f"/interviews/{uuid}/away").get_data(as_text=True))
    # Two suggestions taken: the words change, and the tap is recorded.
    assert autosave(web, uuid, away, CHANGED, None).status_code == 200
    for rule_id, text in (("absconding", "absconded"), ("refused-to-engage", "refused to engage")):
        tell(web, uuid, token, path=away, rule_id=rule_id, text=text, action="replaced")
    # Two kept, one with the worker's reason.
    tell(web, uuid, token, path=away, rule_id="streetwise", text="streetwise", action="dismissed")
    tell(
        web,
        uuid,
        token,
        path=away,
        rule_id="streetwise",
        text="streetwise",
        action="reason",
        reason="Her own word for herself.",
    )
    tell(
        web,
        uuid,
        token,
        path=away,
        rule_id="older-boyfriend",
        text="older boyfriend",
        action="dismissed",
    )
    # A person's one-line field the worker writes: the same phrase, left as written there.
    # ("Who they are, in the child's words" is the child's own, never checked.)
    web.post(f"/interviews/{uuid}/items/people", page=f"/interviews/{uuid}/findings")
    document = content(web.client.application, uuid)[0]
    person = document["people"][0]["id"]
    description = f"people.{person}.description"
    assert autosave(web, uuid, description, "Her older boyfriend", None).status_code == 200
    # The social worker may read all of it, so their copy counts what the review counts.
    answer = "consent.social_worker.answer"
    assert autosave(web, uuid, answer, "yes", None).status_code == 200


def wording_rows(html: str) -> dict[str, tuple[int, int, int]]:
    """The Wording page's table: phrase -> (changed, kept, left as written)."""
    rows = {}
    for phrase, cells in re.findall(r'<th scope="row">([^<]+)</th>(.*?)</tr>', html, re.S):
        numbers = re.findall(r"<td>(\d+)</td>", cells)
        rows[phrase.strip()] = tuple(int(n) for n in numbers)
    return rows


def test_review_copies_and_the_wording_page_agree_on_a_worked_example(app, web, world):
    uuid = start(web, world)
    write_the_worked_example(web, uuid)

    review = web.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    said = " ".join(re.sub(r"<[^>]+>", " ", review).split())
    assert f"Writing check: {SENTENCE}" in said
    # "Left as written" is exactly the list of wording to look at again.
    assert "Wording to look at again (3)" in review
    # Each is the worker's own words, never quoted after "What Ada said:" as if hers (a probe).
    flags = review.split("Wording to look at again")[1].split("</section>")[0]
    assert flags.count(", your words \u201c") == 3
    assert "said</strong>: \u201c" not in flags

    finished = web.post(f"/interviews/{uuid}/finish", page=f"/interviews/{uuid}/review")
    assert finished.status_code == 302
    locked = web.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    assert SENTENCE in " ".join(re.sub(r"<[^>]+>", " ", locked).split())

    # The copy sent to the social worker when the interview was finished, read back.
    with app.app_context():
        sent = db.session.scalar(select(Summary).where(Summary.recipient == "social_worker"))
        assert sent is not None
        sent_text = pdf_text(sent.pdf)
    assert f"Language check: {SENTENCE}" in sent_text
    assert "1 suggestion was considered" not in sent_text
    # A copy made now says the same.
    again = web.get(f"/interviews/{uuid}/copies/social_worker.pdf")
    assert f"Language check: {SENTENCE}" in pdf_text(again.data)

    # The social worker's copy on screen, as their PDF.
    social_worker = Web(app.test_client())
    social_worker.sign_in(world.emails["social_worker"])
    on_screen = social_worker.get(f"/interviews/{uuid}/start").get_data(as_text=True)
    assert f"Language check: {SENTENCE}" in " ".join(on_screen.split())

    manager = Web(app.test_client())
    manager.sign_in(world.emails["manager_a"])
    page = manager.get("/oversight/language").get_data(as_text=True)
    rows = wording_rows(page)
    for phrase, numbers in PER_RULE.items():
        assert rows.get(phrase) == numbers, (phrase, rows.get(phrase))
    assert rows["All phrases"] == (2, 2, 3)
    # Rules in plain words, each with an example; never the rules file's syntax, never a name.
    table = page[page.index("<table") : page.index("</table>")]
    assert "{" not in table and " / " not in table
    rules = {rule["id"]: rule for rule in rules_as_json()["rules"]}
    shown = html.unescape(table)
    for rule_id in ("putting-themselves-at-risk", "streetwise", "older-boyfriend"):
        assert f"\u201c{example(rules[rule_id])}\u201d" in shown
    for name in ("Ada", "Alpha", "Worker A", world.emails["worker_a"]):
        assert name not in page


def test_a_copy_counts_only_the_words_it_holds(web, world):
    """A count over words kept out of a copy would tell its reader that something was."""
    uuid = start(web, world)
    assert autosave(web, uuid, "sections.away.text", "She absconded.", None).status_code == 200
    before = "sections.before.text"
    assert autosave(web, uuid, before, "Staff say she is streetwise.", None).status_code == 200
    assert autosave(web, uuid, "consent.police.answer", "some", None).status_code == 200
    assert autosave(web, uuid, "consent.police.part_away", "1", None).status_code == 200
    police = pdf_text(web.get(f"/interviews/{uuid}/copies/police.pdf?draft=1").data)
    assert "She absconded." in police and "streetwise" not in police
    assert (
        "Language check: 1 flagged phrase left as written; 0 kept by the worker with "
        "\u201cKeep my words\u201d; 0 changed to suggested wording."
    ) in police
    review = web.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    assert "2 flagged phrases left as written" in review


def test_every_rule_has_a_plain_phrase_and_an_example_it_flags():
    matcher = Matcher(load_rules())
    for rule in rules_as_json()["rules"]:
        phrase, shown = plain_phrase(rule), example(rule)
        assert phrase and "-" not in phrase and "{" not in shown and "#" not in shown
        flagged = [f.rule_id for f in matcher.check(shown)]
        assert rule["id"] in flagged, (rule["id"], shown, flagged)


def test_an_example_is_the_rules_own_or_the_first_concrete_form_of_its_pattern():
    assert example({"phrases": ["{put,puts} {herself,himself} {at,in} {risk,danger}"]}) == (
        "put herself at risk"
    )
    assert example({"phrases": ["street-{wise,smart,savvy}", "other"]}) == "street-wise"
    assert example({"phrases": ["{,very }high-risk child"]}) == "high-risk child"
    assert example({"phrases": ["missing # times"]}) == "missing 3 times"
    assert example({"phrases": ["x"], "example": "kept going missing"}) == "kept going missing"
    assert plain_phrase({"id": "refused-to-engage"}) == "Refused to engage"
