"""A probe of "Record a copy as sent" on a finished interview's copies: "When it was sent"
started empty, where every other "when" box in rhi starts at now, so a worker recording a copy
straight after sending it was refused; and a record refused came back with its error summary
some 1,600 px above the form, just under "Add addendum", reading as if about the addendum.
The box starts at now, in local time; refused, the form is drawn right under a summary that
says the copy is not recorded, each message beside its field and what was typed kept."""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta

from rhi.models.base import utcnow
from rhi.timefmt import INPUT_WHEN, STORED_WHEN, to_local
from tests.app.test_summary_sending import GOOD, finished, record, sent_rows

HTMX = {"HX-Request": "true"}


def _record_form(body: str) -> str:
    """The form that records a copy as sent, as drawn."""
    found = re.search(r'<form[^>]*action="[^"]*/copies/sent"[^>]*>.*?</form>', body, re.S)
    assert found, body[:500]
    return found.group(0)


def _value_of(form: str, field_id: str) -> str:
    tag = re.search(rf'<input\b[^>]*\bid="{field_id}"[^>]*>', form)
    assert tag, field_id
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return html.unescape(value.group(1)) if value else ""


def _words(part: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", part)))


def _local_now(app) -> datetime:
    with app.app_context():
        return to_local(utcnow()).replace(tzinfo=None, second=0, microsecond=0)


def _when_shown(value: str) -> datetime:
    for fmt in (INPUT_WHEN, STORED_WHEN):
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    raise AssertionError(f"When it was sent holds {value!r}, not a time")


def test_when_it_was_sent_starts_at_now_in_local_time(app, web, world):
    uuid = finished(app, web, world)
    before = _local_now(app)
    for page in (f"/interviews/{uuid}/review", f"/interviews/{uuid}/copies"):
        form = _record_form(web.get(page).get_data(as_text=True))
        shown = _when_shown(_value_of(form, "sent_at"))
        after = _local_now(app)
        assert before <= shown <= after, (page, shown)

    # Recorded as it starts, straight after sending: taken, at that time.
    form = _record_form(web.get(f"/interviews/{uuid}/review").get_data(as_text=True))
    sent_at = _value_of(form, "sent_at")
    answer = record(web, uuid, {**GOOD, "sent_at": sent_at}, htmx=True)
    assert answer.status_code == 200
    assert "Recorded: the copy for police was sent." in _words(answer.get_data(as_text=True))
    ((_, _, _, when, _),) = sent_rows(app)
    with app.app_context():
        kept_local = to_local(_when_shown(when)).replace(tzinfo=None)
    assert abs(kept_local - _when_shown(sent_at)) < timedelta(minutes=1)
    # And the form after it starts at now again.
    again = _record_form(answer.get_data(as_text=True))
    assert _when_shown(_value_of(again, "sent_at")) >= before


def test_a_refused_copy_is_said_at_its_form_with_what_was_typed_kept(app, web, world):
    uuid = finished(app, web, world)
    typed = "PC Dana Reid, Beeston MISPER unit"
    answer = record(web, uuid, {**GOOD, "sent_to": typed, "sent_at": ""}, htmx=True)
    assert answer.status_code == 422
    body = answer.get_data(as_text=True)

    # The summary says it is about the copy not recorded, not about the part above it.
    summary = re.search(r'<div class="error-summary"[^>]*>(.*?)</div>', body, re.S)
    assert summary
    said = _words(summary.group(1))
    assert "the copy is not recorded as sent yet" in said
    assert "When it was sent: Enter the date and time it was sent." in said
    assert body.count('class="error-summary"') == 1

    # The form comes right after it: before the copies, the table of copies sent and the rest.
    form = _record_form(body)
    form_at = body.index(form)
    assert body.index(summary.group(0)) < form_at
    between = _words(body[body.index(summary.group(0)) + len(summary.group(0)) : form_at])
    assert "Copy for" not in between and "Copies sent" not in between, between
    assert form_at < body.index('id="sent-heading"')
    # Open, the message beside its field, and the words typed kept.
    assert re.search(r'<details class="action"\s+open>\s*<summary>Record a copy as sent', body)
    assert "Enter the date and time it was sent." in _words(form)
    assert 'id="sent_at-error"' in form
    assert _value_of(form, "sent_to") == typed
    # Drawn once only.
    assert body.count("Record a copy as sent</summary>") == 1

    # Without JavaScript the copies page says it at its top (base.html), and the form is drawn
    # right under the part's heading, with the words typed.
    whole = record(web, uuid, {**GOOD, "sent_to": typed, "sent_at": ""}).get_data(as_text=True)
    assert whole.count('class="error-summary"') == 1
    form = _record_form(whole)
    assert whole.index('id="copies-heading"') < whole.index(form) < whole.index('id="sent-heading"')
    assert _value_of(form, "sent_to") == typed
    assert sent_rows(app) == []


def test_a_keystroke_while_sent_to_is_asked_about_is_answered_with_nothing(app, web, world):
    """The page asks with `typing` when "Sent to" is typed in while the answer for the copy
    chosen is on its way (that answer is then dropped): nothing comes back to put in the box."""
    uuid = finished(app, web, world)
    asked = web.post(
        f"/interviews/{uuid}/copies/sent-to",
        {"recipient": "police", "sent_to": "PC Dana", "typing": "1"},
        page=f"/interviews/{uuid}/review",
        headers=HTMX,
    )
    assert asked.status_code == 204 and asked.get_data() == b""
    # Asked as the copy changes, it answers the box as before.
    box = web.post(
        f"/interviews/{uuid}/copies/sent-to",
        {"recipient": "police", "sent_to": "PC Dana"},
        page=f"/interviews/{uuid}/review",
        headers=HTMX,
    )
    assert box.status_code == 200
    assert 'id="sent-to-field"' in box.get_data(as_text=True)
    assert _value_of(box.get_data(as_text=True), "sent_to") == "PC Dana"
