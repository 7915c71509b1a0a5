"""A form sent with htmx and refused (422) says what a whole page says without JavaScript
(accessibility probe, WCAG 3.3.1 and 2.4.2): "There is a problem" at the top of the part swapped
in, a line and a link for each field, and "Error: " first in the page's title (htmx takes the
title from a <title> at the top level of its answer). A choice in a group in error is described
by the group's reason (and hint), as a box is (1.3.1). The "Show large" dialog says the child's
words are a draft, as the child's view does."""

from __future__ import annotations

import html
import re

from rhi.extensions import db
from rhi.models import Child
from tests.app.helpers import autosave, start

HTMX = {"HX-Request": "true"}
DRAFT = "Draft translation, not yet checked by a qualified translator"


def _title(answer: str) -> str | None:
    found = re.search(r"<title>(.*?)</title>", answer, re.S)
    return html.unescape(found.group(1)) if found else None


def _summary(answer: str) -> list[tuple[str, str]]:
    """The error summary's lines: (the id each links to, its words)."""
    block = re.search(r'<div class="error-summary"[^>]*>(.*?)</div>', answer, re.S)
    if not block:
        return []
    return [
        (target, html.unescape(words))
        for target, words in re.findall(r'<a href="#([^"]+)">([^<]+)</a>', block.group(1))
    ]


def _part(answer: str, part_id: str) -> str:
    """The part's own element, from its opening tag (what htmx swaps in)."""
    start_at = answer.index(f'id="{part_id}"')
    return answer[answer.rindex("<", 0, start_at) :]


def _refused_in_part(answer: str, part_id: str, title: str) -> list[str]:
    """What a refused htmx answer shows: the part's element, the summary first inside it, and
    after it, at the top level, the page's title; the ids the summary's lines link to."""
    assert _title(answer) == f"Error: {title} – rhi", _title(answer)
    assert answer.lstrip().startswith("<") and f'id="{part_id}"' in answer.lstrip().split(">")[0]
    assert answer.rstrip().endswith("</title>") and answer.count("<title>") == 1
    part = _part(answer, part_id)
    # The summary is the first thing inside the part, focusable and said at once.
    first = re.search(r">\s*(<[^>]+>)", part)
    assert first and 'class="error-summary"' in first.group(1), part[:300]
    assert 'role="alert"' in first.group(1) and "data-focus-on-load" in first.group(1)
    assert "There is a problem" in part
    assert answer.count('class="error-summary"') == 1
    lines = _summary(part)
    for target, _words in lines:
        assert f'id="{target}"' in part, target
    return [target for target, _words in lines]


def test_a_refused_notification_sent_with_htmx_says_so_at_the_top_and_in_the_title(web, world):
    web.sign_in(world.emails["manager_a"])  # who records a missing notification
    url = f"/children/{world.children['a']}/episodes/new"
    refused = web.post(url, {"dfe_type": "M"}, page=url, headers=HTMX)
    assert refused.status_code == 422
    answer = refused.get_data(as_text=True)
    linked = _refused_in_part(answer, "notification-form", "Record a missing episode")
    assert {"started_at", "missing_from", "reported_by", "reported_to_police"} <= set(linked)
    # Without JavaScript the whole page says it as before: once, at the top of its content.
    whole = web.post(url, {"dfe_type": "M"}, page=url).get_data(as_text=True)
    assert _title(whole) == "Error: Record a missing episode – rhi"
    assert whole.count('class="error-summary"') == 1 and whole.count("<title>") == 1
    assert set(target for target, _ in _summary(whole)) == set(linked)


def test_the_episode_panel_says_so_when_refused_and_the_plain_title_comes_back_once_saved(
    web, world
):
    web.sign_in(world.emails["worker_a"])
    episode = f"/episodes/{world.episodes['a']}"
    attempt = {"attempted_at": "", "method": "visit", "outcome": "no_answer"}
    refused = web.post(episode + "/attempts", attempt, page=episode, headers=HTMX)
    assert refused.status_code == 422
    answer = refused.get_data(as_text=True)
    assert _refused_in_part(answer, "interview-panel", "Return: missing episode") == [
        "attempted_at"
    ]
    saved = web.post(
        episode + "/attempts",
        {**attempt, "attempted_at": "2026-11-23T09:30"},
        page=episode,
        headers=HTMX,
    )
    assert saved.status_code == 200
    answer = saved.get_data(as_text=True)
    assert _title(answer) == "Return: missing episode – rhi"
    assert "error-summary" not in answer


def test_a_refused_new_child_sent_with_htmx_says_so_at_the_top_and_in_the_title(web, world):
    web.sign_in(world.emails["manager_a"])  # who adds a child
    refused = web.post("/children/new", {"first_name": ""}, page="/children/new", headers=HTMX)
    assert refused.status_code == 422
    linked = _refused_in_part(refused.get_data(as_text=True), "child-form", "Add a child")
    assert "first_name" in linked


def test_a_refused_copy_sent_record_sent_with_htmx_says_so_on_the_review_page(app, web, world):
    uuid = start(web, world)
    autosave(web, uuid, "consent.social_worker.answer", "yes", None)
    autosave(web, uuid, "consent.police.answer", "yes", None)
    web.post(f"/interviews/{uuid}/finish", page=f"/interviews/{uuid}/review")
    review = web.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    review_title = _title(review)
    assert review_title and not review_title.startswith("Error: ")
    refused = web.post(
        f"/interviews/{uuid}/copies/sent",
        {"recipient": "police", "sent_to": "", "method": "", "sent_at": ""},
        page=f"/interviews/{uuid}/review",
        headers=HTMX,
    )
    assert refused.status_code == 422
    answer = refused.get_data(as_text=True)
    # The review page's own title, with "Error: " first.
    linked = _refused_in_part(answer, "summary-copies", review_title.removesuffix(" – rhi"))
    assert {"sent_to", "sent_method", "sent_at"} <= set(linked)


def _choice(answer: str, name: str, value: str) -> str:
    """The <input> of one choice of a group, as drawn."""
    for tag in re.findall(rf'<input\b[^>]*name="{name}"[^>]*>', answer):
        if f'value="{value}"' in tag:
            return tag
    raise AssertionError((name, value))


def _described_by(tag: str) -> list[str]:
    found = re.search(r'aria-describedby="([^"]*)"', tag)
    return found.group(1).split() if found else []


def test_each_radio_button_of_a_group_in_error_is_described_by_its_reason(web, world):
    web.sign_in(world.emails["manager_a"])  # who records a missing notification
    url = f"/children/{world.children['a']}/episodes/new"
    for headers in (None, HTMX):
        answer = web.post(url, {"dfe_type": "M"}, page=url, headers=headers).get_data(as_text=True)
        assert 'id="reported_to_police-error"' in answer
        for value in ("yes", "no", "not_known"):
            choice = _choice(answer, "reported_to_police", value)
            assert 'aria-invalid="true"' in choice, choice
            assert _described_by(choice) == ["reported_to_police-error"], choice
        # A group not in error says nothing of the kind.
        fine = _choice(answer, "dfe_type", "M")
        assert "aria-invalid" not in fine and "aria-describedby" not in fine


def test_each_tick_box_of_a_group_in_error_is_described_by_its_hint_and_reason(web, world):
    uuid = start(web, world)
    consent = f"/interviews/{uuid}/consent"
    decision = {
        "recipient": "police",
        "reason": "An adult is sending her to other towns.",
        "decider": str(world.users["manager_a"]),
        "child_told": "not_yet",
    }
    refused = web.post(f"/interviews/{uuid}/overrides", decision, page=consent)
    assert refused.status_code == 422
    answer = refused.get_data(as_text=True)
    assert 'id="parts-error"' in answer and 'id="parts-hint"' in answer
    boxes = re.findall(r'<input\b[^>]*name="parts"[^>]*>', answer)
    assert boxes
    for box in boxes:
        assert 'aria-invalid="true"' in box, box
        assert _described_by(box) == ["parts-hint", "parts-error"], box


def test_show_large_says_the_childs_words_are_a_draft_as_the_childs_view_does(app, web, world):
    with app.app_context():
        child = db.session.get(Child, world.children["a"])
        child.first_language = "Arabic"
        db.session.commit()
    uuid = start(web, world)
    page = web.get(f"/interviews/{uuid}/away").get_data(as_text=True)
    dialog = re.search(r'<dialog id="prompt-dialog".*?</dialog>', page, re.S)
    assert dialog, "no Show large dialog"
    said = re.search(r'<div class="child-view-draft" data-child-only>(.*?)</div>', page, re.S)
    assert said and DRAFT in said.group(1)
    in_dialog = re.search(r'<div id="prompt-dialog-draft"[^>]*>(.*?)</div>', dialog.group(0), re.S)
    assert in_dialog, dialog.group(0)
    # The same note, in the same words (English and Arabic), as the child's view shows.
    assert in_dialog.group(1) == said.group(1)
    assert 'aria-describedby="prompt-dialog-draft"' in dialog.group(0)


def test_show_large_says_nothing_of_a_draft_for_a_child_who_reads_english(app, web, world):
    uuid = start(web, world)
    page = web.get(f"/interviews/{uuid}/away").get_data(as_text=True)
    dialog = re.search(r'<dialog id="prompt-dialog".*?</dialog>', page, re.S)
    assert dialog and "prompt-dialog-draft" not in dialog.group(0)
    assert DRAFT not in page
