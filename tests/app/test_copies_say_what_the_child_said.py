"""The copies panel says, beside each copy and in "Record a copy as sent", what the child said
about sharing with that person and what they were told that person will know (a probe: Aisha
said no to her school, her read-back and letter rightly never named the school, yet the copy for
school, which says a return home interview took place, was offered and recorded as sent without
a word). A copy for someone the child was not told would hear of the chat is recorded as sent
only with a tick, in those words. Through the test client."""

from __future__ import annotations

import html
import re

from tests.app.helpers import autosave, content, start
from tests.app.test_sharing_decisions import _decision, _record
from tests.app.test_summary_sending import as_user, audit_of, record, sent_rows, text_of
from tests.conftest import Web

SCHOOL = "Ms Dee, Head of Year 9, Westshire Academy"
SENT = {
    "recipient": "school",
    "sent_to": SCHOOL,
    "method": "secure_email",
    "sent_at": "2026-11-23T12:01",
}
# The child of the world is Ada Alpha: the interview's pages call her Ada.
SAID_NO = "Ada said no to sharing with school, and was not told school would hear about this chat."
NOT_ASKED = (
    "Ada was not asked about sharing with health workers, and was not told health workers would "
    "hear about this chat."
)
SAID_YES = (
    "Ada said yes to sharing with the police. What the police would know was not read back to Ada."
)
ONLY_THE_CHAT = (
    "Ada was not asked about sharing with parents or carers. What parents or carers would know "
    "was not read back to Ada."
)
TICK_NEEDED = (
    "Tick the box to record this copy as sent: Ada was not told school would hear about this chat."
)


def _write(web: Web, uuid: str, **fields: str) -> None:
    for path, value in fields.items():
        assert autosave(web, uuid, path.replace("__", "."), value, None).status_code == 200, path


def _finish(web: Web, uuid: str) -> None:
    finished = web.post(f"/interviews/{uuid}/finish", page=f"/interviews/{uuid}/review")
    assert finished.status_code in (302, 303)


def _finished(web: Web, world, **consent: str) -> str:
    """worker_a holds a finished interview for Ada: what she said while away, yes to her social
    worker and the police, and `consent` (school: no, unless changed)."""
    uuid = start(web, world)
    answers = {"social_worker": "yes", "police": "yes", "school": "no", **consent}
    _write(
        web,
        uuid,
        sections__away__text="AWAYWORDS stayed at a friend's flat",
        **{f"consent__{who}__answer": answer for who, answer in answers.items()},
    )
    _finish(web, uuid)
    return uuid


def _said_beside(body: str, key: str) -> str:
    """The words beside the copy for `key`, as a person reads them."""
    found = re.search(rf'<p id="said-{key}" class="([a-z]+)"[^>]*>(.*?)</p>', body, re.S)
    assert found, key
    return f"{found.group(1)}: {html.unescape(found.group(2)).strip()}"


def _option(body: str, key: str) -> str:
    """The option of "Which copy" in "Record a copy as sent" (the review page has other lists
    of readers: the child's change of mind about sharing)."""
    start = body.index('id="sent_recipient"')
    listed = body[start : body.index("</select>", start)]
    found = re.search(rf'<option(?: selected)? value="{key}">(.*?)</option>', listed, re.S)
    assert found, key
    return html.unescape(found.group(1))


def _refused_beside_the_tick(response) -> str:
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    error = re.search(r'<p class="error-message" id="sent_not_told-error">(.*?)</p>', body, re.S)
    assert error and TICK_NEEDED in html.unescape(error.group(1))
    assert re.search(r'id="sent_not_told"[^>]*aria-describedby="sent_not_told-error"', body) or (
        re.search(r'aria-describedby="sent_not_told-error"[^>]*id="sent_not_told"', body)
    )
    assert f'value="{SCHOOL}"' in body  # what was typed is kept
    assert f'value="{SENT["sent_at"]}"' in body
    assert '<details class="action" open>' in body
    return body


def test_each_copy_says_what_the_child_said_and_was_told(app, web, world):
    uuid = _finished(web, world)
    for page in (f"/interviews/{uuid}/review", f"/interviews/{uuid}/copies"):
        body = web.get(page).get_data(as_text=True)
        assert "Copy for school (PDF)" in text_of(web.get(page))
        # A "no" and a "not asked": plainly, as a notice beside the link that describes it.
        assert _said_beside(body, "school") == f"notice: {SAID_NO}"
        assert 'aria-describedby="said-school">Copy for school (PDF)</a>' in body
        assert _said_beside(body, "health") == f"notice: {NOT_ASKED}"
        # A "yes", and someone told of the chat whatever the child said: said, no warning.
        assert _said_beside(body, "police") == f"hint: {SAID_YES}"
        assert _said_beside(body, "parents_carers") == f"hint: {ONLY_THE_CHAT}"
        # The same words in "Record a copy as sent".
        assert _option(body, "school") == f"School: {SAID_NO}"
        assert _option(body, "health") == f"Health: {NOT_ASKED}"
        assert _option(body, "police") == f"Police: {SAID_YES}"
        # The social worker's copy is chosen at first: no tick to give.
        assert 'id="sent_not_told"' not in body


def test_a_yes_to_school_says_so_and_is_recorded_without_a_tick(app, web, world):
    uuid = _finished(web, world, school="yes")
    body = web.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    said = "Ada said yes to sharing with school. What school would know was not read back to Ada."
    assert _said_beside(body, "school") == f"hint: {said}"
    assert _option(body, "school") == f"School: {said}"
    assert record(web, uuid, SENT).status_code == 302
    assert [row[0] for row in sent_rows(app)] == ["school"]


def test_the_copy_for_a_school_told_nothing_needs_the_tick(app, web, world):
    uuid = _finished(web, world)
    for htmx in (False, True):
        refused = record(web, uuid, SENT, htmx=htmx)
        body = _refused_beside_the_tick(refused)
        # The tick, in the words said beside the copy, for this copy only.
        tick = re.search(r'<input[^>]*id="sent_not_told"[^>]*>', body)
        assert tick and 'value="school"' in tick.group(0) and "checked" not in tick.group(0)
        assert f"{SAID_NO} The copy was sent all the same Error:" in text_of(refused)
    # Ticked for another copy, it says nothing of this one.
    body = _refused_beside_the_tick(record(web, uuid, {**SENT, "not_told": "health"}))
    assert "checked" not in re.search(r'<input[^>]*id="sent_not_told"[^>]*>', body).group(0)
    assert sent_rows(app) == []
    assert audit_of(app, "summary.sent") == []

    done = record(web, uuid, {**SENT, "not_told": "school"})
    assert done.status_code == 302
    assert sent_rows(app) == [
        ("school", SCHOOL, "secure_email", "2026-11-23 12:01", world.users["worker_a"])
    ]
    (event,) = audit_of(app, "summary.sent")
    assert event.detail == (
        "copy for school, secure_email; ticked as sent all the same: "
        "Ada was not told school would hear about this chat"
    )
    assert event.user_id == world.users["worker_a"]


def test_a_decision_in_force_for_school_takes_the_warning_away(app, web, world):
    uuid = start(web, world)
    _write(
        web,
        uuid,
        sections__away__text="AWAYWORDS stayed at a friend's flat",
        consent__social_worker__answer="yes",
        consent__school__answer="no",
    )
    decided = _record(web, uuid, _decision(world, recipient="school", releases=[]))
    assert decided.status_code == 302
    decision_id = content(app, uuid)[0]["overrides"][-1]["id"]
    _finish(web, uuid)
    # Not confirmed yet, so not in force: the school was told nothing, the tick is needed.
    body = web.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    assert _said_beside(body, "school") == f"notice: {SAID_NO}"
    assert record(web, uuid, SENT).status_code == 422

    page = f"/decisions/{decision_id}"
    confirmed = as_user(app, world, "social_worker").post(f"{page}/confirm", page=page)
    assert confirmed.status_code in (302, 303)
    body = web.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    said = _said_beside(body, "school")
    assert said.startswith("hint: Ada said no to sharing with school. What school would know was")
    assert said.endswith("A safeguarding decision in force shares with school.")
    assert "was not told school would hear about this chat" not in said
    assert record(web, uuid, SENT).status_code == 302
    assert [row[0] for row in sent_rows(app)] == ["school"]


def test_only_the_interviewers_side_reads_what_the_child_said_here(app, web, world):
    uuid = _finished(web, world)
    social_worker = as_user(app, world, "social_worker")
    page = social_worker.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    assert "was not told school would hear about this chat" not in page
    assert "data-child-said" not in page
    assert social_worker.get(f"/interviews/{uuid}/copies").status_code == 403
