"""The copies panel says what truly happened at the read-back, as the copies themselves say it
(a probe: "Zain said yes to sharing some parts with the social worker, and was told what the
social worker would know" beside a copy that rightly said "What is shared was not read back"),
and a summary withdrawn after the child changed their mind is said as withdrawn, with the
current copy named, never listed as "not yet read" (a probe: four summaries "not yet read",
three of them withdrawn and never to be read). Through the test client, as the worker reads
the review and copies pages."""

from __future__ import annotations

import html
import re

from tests.app.helpers import autosave, page_text, start
from tests.conftest import Web

# The child of the world is Ada Alpha; her social worker is called Social Worker.
TOLD = "and was told what"


def _write(web: Web, uuid: str, *fields: tuple[str, str]) -> None:
    for path, value in fields:
        assert autosave(web, uuid, path, value, None).status_code == 200, path


def _read_back(web: Web, uuid: str, answer: str, changes: str = "") -> None:
    done = web.post(
        f"/interviews/{uuid}/read-back",
        {"f:read_back.answer": answer, "f:read_back.changes": changes},
        page=f"/interviews/{uuid}/read_back",
    )
    assert done.status_code == 302


def _finish(web: Web, uuid: str) -> None:
    done = web.post(f"/interviews/{uuid}/finish", page=f"/interviews/{uuid}/review")
    assert done.status_code in (302, 303)


def _begun(web: Web, world) -> str:
    """worker_a's interview with Ada: what she said while away, yes to her social worker and
    the police, no to her parents or carers."""
    uuid = start(web, world)
    _write(
        web,
        uuid,
        ("sections.away.text", "AWAYX she stayed at a friend's flat"),
        ("consent.social_worker.answer", "yes"),
        ("consent.police.answer", "yes"),
        ("consent.parents_carers.answer", "no"),
    )
    return uuid


def _said_beside(body: str, key: str) -> str:
    """The words beside the copy for `key` on the copies panel, as a person reads them."""
    found = re.search(rf'<p id="said-{key}" class="[a-z]+"[^>]*>(.*?)</p>', body, re.S)
    assert found, key
    return html.unescape(found.group(1)).strip()


def _panels(web: Web, uuid: str) -> list[str]:
    return [
        web.get(f"/interviews/{uuid}/{page}").get_data(as_text=True)
        for page in ("review", "copies")
    ]


def _copy_says(app, world, uuid: str) -> str:
    """What the social worker's own copy, on their page, says of the read-back."""
    reader = Web(app.test_client())
    reader.sign_in(world.emails["social_worker"])
    body = reader.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    found = re.search(r"<p data-read-back>(.*?)</p>", body, re.S)
    assert found
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())


def test_not_read_back_is_said_as_the_copy_says_it(app, web, world):
    uuid = _begun(web, world)
    _finish(web, uuid)
    assert _copy_says(app, world, uuid) == "What is shared was not read back to Ada."
    for body in _panels(web, uuid):
        assert _said_beside(body, "social_worker") == (
            "Ada said yes to sharing with the social worker. What the social worker would know "
            "was not read back to Ada."
        )
        assert _said_beside(body, "police") == (
            "Ada said yes to sharing with the police. What the police would know was not read "
            "back to Ada."
        )
        assert _said_beside(body, "parents_carers") == (
            "Ada said no to sharing with parents or carers. What parents or carers would know "
            "was not read back to Ada."
        )
        assert TOLD not in body and "was told parents" not in body
        # The same words in "Which copy" of "Record a copy as sent".
        listed = body[body.index('id="sent_recipient"') :]
        option = re.search(r'<option(?: selected)? value="police">(.*?)</option>', listed, re.S)
        assert option and html.unescape(option.group(1)) == (
            "Police: Ada said yes to sharing with the police. What the police would know was "
            "not read back to Ada."
        )


def test_read_back_and_agreed_says_so_with_her_answer(app, web, world):
    uuid = _begun(web, world)
    _read_back(web, uuid, "agreed")
    _finish(web, uuid)
    assert "Ada said: \u201cYes, that\u2019s right\u201d" in _copy_says(app, world, uuid)
    for body in _panels(web, uuid):
        assert _said_beside(body, "social_worker") == (
            "Ada said yes to sharing with the social worker, and was told what the social "
            "worker would know. Ada said: \u201cYes, that\u2019s right\u201d."
        )
        assert _said_beside(body, "parents_carers") == (
            "Ada said no to sharing with parents or carers, and was told parents or carers "
            "would know only that this chat took place, and when. Ada said: \u201cYes, that\u2019s "
            "right\u201d."
        )


def test_read_back_and_asked_for_changes_says_so(app, web, world):
    uuid = _begun(web, world)
    _read_back(web, uuid, "changes", "Leave out the flat")
    _finish(web, uuid)
    for body in _panels(web, uuid):
        assert _said_beside(body, "police") == (
            "Ada said yes to sharing with the police, and was told what the police would know. "
            "Ada said: \u201cI want changes\u201d."
        )


def test_not_wanting_it_read_is_never_said_as_told(app, web, world):
    uuid = _begun(web, world)
    _read_back(web, uuid, "not_read")
    _finish(web, uuid)
    assert "Ada said: \u201cI didn\u2019t want to read it\u201d" in _copy_says(app, world, uuid)
    for body in _panels(web, uuid):
        assert _said_beside(body, "social_worker") == (
            "Ada said yes to sharing with the social worker. When it was to be read back, Ada "
            "said: \u201cI didn\u2019t want to read it\u201d."
        )
        assert TOLD not in body


def test_a_change_after_the_read_back_is_said_as_the_copy_says_it(app, web, world):
    uuid = _begun(web, world)
    _read_back(web, uuid, "agreed")
    _write(web, uuid, ("sections.before.text", "BEFOREX a row at home"))
    _finish(web, uuid)
    again = "What is shared changed after that, and was not read back again."
    assert _copy_says(app, world, uuid).endswith(again)
    for body in _panels(web, uuid):
        assert _said_beside(body, "social_worker") == (
            "Ada said yes to sharing with the social worker, and was told what the social "
            f"worker would know. Ada said: \u201cYes, that\u2019s right\u201d. {again}"
        )


# ---- summaries withdrawn after the child changed their mind --------------------------------

WHY = "because the child took back their agreement to share"
# All the parts but "In their own words", then only "While away".
KEEP = ["before", "away", "after", "help", "findings", "places_people", "actions"]


def _take_back(web: Web, uuid: str, keep: list[str] = KEEP) -> None:
    """Ada takes back her agreement to share with her social worker all but `keep`."""
    done = web.post(
        f"/interviews/{uuid}/consent-changes",
        {"recipient": "social_worker", "keep": keep, "said_on": "2026-11-23", "words": ""},
        page=f"/interviews/{uuid}/review",
    )
    assert done.status_code == 302


def _summary_lines(body: str) -> list[str]:
    """Each summary of "Summary sent" on the review page, as a person reads it."""
    start = body.index('id="summary-sent-heading"')
    part = body[start : body.index("</section>", start)]
    lines = re.findall(r"<p data-summary=\"\d+\">(.*?)</p>", part, re.S)
    return [_read(line) for line in lines]


def _responses(body: str) -> list[str]:
    """Each summary of "The social worker's response" on the copies panel, as read."""
    blocks = re.findall(r'<dl class="facts" data-summary="\d+">(.*?)</dl>', body, re.S)
    return [_read(block) for block in blocks]


def _read(part: str) -> str:
    """The words of part of a page; a tag's end no longer parts a word from the stop after it."""
    words = " ".join(html.unescape(page_text(part)).split())
    return re.sub(r" ([,.;:])", r"\1", words)


def test_a_withdrawn_summary_is_said_as_withdrawn_and_the_current_one_named(app, web, world):
    uuid = _begun(web, world)
    _finish(web, uuid)
    _take_back(web, uuid)
    _take_back(web, uuid, ["away"])  # and again: each withdrawal replaces the one standing

    review = web.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    first, second, current = _summary_lines(review)
    for withdrawn in (first, second):
        assert withdrawn.startswith("To Social Worker, 23 Nov 2026 12:00: not read before it was")
        assert f"Withdrawn 23 Nov 2026 12:00 {WHY}. Social Worker can no longer open it." in (
            withdrawn
        )
        assert withdrawn.endswith(
            "Replaced by the current copy, sent 23 Nov 2026 12:00 to Social Worker."
        )
        assert "not yet read" not in withdrawn
    assert current == "To Social Worker, 23 Nov 2026 12:00: not yet read. Current copy"

    for body in (review, web.get(f"/interviews/{uuid}/copies").get_data(as_text=True)):
        first, second, current = _responses(body)
        for withdrawn in (first, second):
            assert f"This copy Withdrawn 23 Nov 2026 12:00 {WHY}." in withdrawn
            assert "Opened Not before it was withdrawn" in withdrawn
            assert "Read Not before it was withdrawn" in withdrawn
            assert "Not yet" not in withdrawn
        assert "This copy Current copy Opened Not yet Read Not yet" in current


def test_a_summary_read_before_it_was_withdrawn_keeps_when_it_was_read(app, web, world):
    uuid = _begun(web, world)
    _finish(web, uuid)
    reader = Web(app.test_client())
    reader.sign_in(world.emails["social_worker"])
    inbox = reader.get("/inbox").get_data(as_text=True)
    summary_id = re.search(r'href="/summaries/(\d+)"', inbox).group(1)
    page = f"/summaries/{summary_id}"
    assert reader.get(f"{page}/pdf").status_code == 200
    read = reader.post(f"{page}/acknowledge", {"next_step": "no_further_action"}, page=page)
    assert read.status_code in (302, 303)
    _take_back(web, uuid)

    old, current = _summary_lines(web.get(f"/interviews/{uuid}/review").get_data(as_text=True))
    assert old.startswith("To Social Worker, 23 Nov 2026 12:00: read 23 Nov 2026 12:00.")
    assert f"Withdrawn 23 Nov 2026 12:00 {WHY}." in old
    assert current.endswith("not yet read. Current copy")


def test_a_copy_followed_by_one_with_an_addendum_is_not_called_current(app, web, world):
    uuid = _begun(web, world)
    _finish(web, uuid)
    added = web.post(
        f"/interviews/{uuid}/addenda",
        {"text": "ADDX she was collected at 9pm", "part": "away"},
        page=f"/interviews/{uuid}/review",
    )
    assert added.status_code == 302

    old, current = _summary_lines(web.get(f"/interviews/{uuid}/review").get_data(as_text=True))
    assert old == (
        "To Social Worker, 23 Nov 2026 12:00: not yet read. Not the current copy: a newer one "
        "was sent 23 Nov 2026 12:00 to Social Worker."
    )
    assert current == "To Social Worker, 23 Nov 2026 12:00: not yet read. Current copy"


def test_a_single_summary_is_said_as_before(app, web, world):
    uuid = _begun(web, world)
    _finish(web, uuid)
    review = web.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    assert _summary_lines(review) == ["To Social Worker, 23 Nov 2026 12:00: not yet read"]
    assert "Current copy" not in review and "This copy" not in review
