"""A probe (HIGH): on a summary's page, what the social worker typed in one box was lost when
they pressed the other box's button. A question typed, then "I have read this summary" pressed
before opening the PDF: the refusal came back with the question box empty and no error summary.
A note typed under "What happens next", then an empty question sent: the note was gone.

The page is driven here as a browser sends it, without JavaScript: each button sends the
controls of the form it belongs to (by nesting or a `form` attribute) to its `formaction` or the
form's action, so the test holds whatever way the page ties its boxes to its buttons."""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from sqlalchemy import select

from rhi.extensions import db
from rhi.models import Summary, SummaryQuestion
from tests.app.helpers import autosave, start
from tests.conftest import Web

QUESTION = "Who is \u201cDee\u201d & does the school know?"
NOTE = "Strategy meeting booked for Friday; Ada's nan to be asked too."


@dataclass
class Control:
    tag: str
    attrs: dict[str, str]
    form: str | None  # the id (or the position) of the form it belongs to
    text: str = ""


@dataclass
class _Page(HTMLParser):
    """The forms of a page and their controls, as a browser ties them together."""

    forms: dict[str, dict[str, str]] = field(default_factory=dict)
    controls: list[Control] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._open_form: str | None = None
        self._open: Control | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            key = a.get("id") or f"form-{len(self.forms)}"
            self.forms[key] = a
            self._open_form = key
        elif tag in ("input", "textarea", "button", "select", "option"):
            control = Control(tag, a, a.get("form") or self._open_form)
            self.controls.append(control)
            if tag in ("textarea", "button"):
                self._open = control

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._open_form = None
        if tag in ("textarea", "button"):
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open.text += data


def _shown(text: str) -> str:
    """A text box's words as a browser shows them: a first line break is not part of them."""
    return text.removeprefix("\r").removeprefix("\n")


def read_page(body: str) -> _Page:
    page = _Page()
    page.feed(body)
    return page


def box(body: str, name: str) -> str:
    """What a text box shows."""
    found = [c for c in read_page(body).controls if c.tag == "textarea" and c.attrs["name"] == name]
    assert found, f"no box {name!r} on the page"
    return _shown(found[0].text)


def chosen(body: str, name: str) -> str | None:
    radios = [c for c in read_page(body).controls if c.attrs.get("name") == name]
    return next((c.attrs["value"] for c in radios if "checked" in c.attrs), None)


def press(web: Web, body: str, button: str, typed: dict[str, str]):
    """Type `typed` into the page's boxes (a radio: its value chosen), then press `button`:
    what the browser sends is what belongs to that button's form, nothing else."""
    page = read_page(body)
    pressed = next(
        c for c in page.controls if c.tag == "button" and " ".join(c.text.split()) == button
    )
    form = page.forms[str(pressed.form)]
    data: dict[str, str] = {}
    for c in page.controls:
        name = c.attrs.get("name")
        if c.form != pressed.form or not name or c.tag in ("button", "option"):
            continue
        kind = c.attrs.get("type", "text")
        if c.tag == "input" and kind == "radio":
            ticked = typed[name] == c.attrs["value"] if name in typed else "checked" in c.attrs
            if ticked:
                data[name] = c.attrs["value"]
        elif c.tag == "textarea":
            data[name] = typed.get(name, _shown(c.text))
        else:
            data[name] = typed.get(name, c.attrs.get("value", ""))
    url = pressed.attrs.get("formaction") or form.get("action")
    assert url and form.get("method", "get").lower() == "post"
    assert data.get("csrf_token"), "the form carries no CSRF token"
    return web.client.post(htmllib.unescape(url), data=data)


def finished(app, web, world) -> int:
    """worker_a finishes an interview for child a: the social worker's summary's id."""
    uuid = start(web, world)
    autosave(web, uuid, "consent.social_worker.answer", "yes", None)
    web.post(f"/interviews/{uuid}/finish", page=f"/interviews/{uuid}/review")
    with app.app_context():
        return int(db.session.scalar(select(Summary.id)))


def social_worker(app, world) -> Web:
    sw = Web(app.test_client())
    sw.sign_in(world.emails["social_worker"])
    return sw


def error_summary_links(body: str) -> list[str]:
    summary = re.search(
        r'<div class="error-summary"[^>]*data-focus-on-load[^>]*>(.*?)</div>', body, re.S
    )
    assert summary, "no error summary at the top of the page"
    return re.findall(r'href="#([^"]+)"', summary.group(1))


def questions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(SummaryQuestion.question)))


def test_a_question_typed_stays_when_i_have_read_this_is_refused(app, web, world):
    summary_id = finished(app, web, world)
    sw = social_worker(app, world)
    page = sw.get(f"/summaries/{summary_id}").get_data(as_text=True)
    response = press(
        sw,
        page,
        "I have read this summary",
        {"question": QUESTION, "next_step": "strategy_meeting", "note": NOTE},
    )
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    # Every box holds what was typed, the one not sent included.
    assert box(body, "question") == QUESTION
    assert box(body, "note") == NOTE and chosen(body, "next_step") == "strategy_meeting"
    # The refusal is beside the button, and at the top, linking to it; the title says so.
    assert "Please open the summary first" in htmllib.unescape(body)
    assert re.search(r'<button[^>]*id="acknowledge"[^>]*aria-describedby="ack-error"', body)
    assert error_summary_links(body) == ["acknowledge"]
    assert "<title>Error: " in body
    assert questions(app) == []
    with app.app_context():
        assert db.session.get(Summary, summary_id).acknowledged_at is None


def test_a_note_typed_stays_when_an_empty_question_is_refused(app, web, world):
    summary_id = finished(app, web, world)
    sw = social_worker(app, world)
    page = sw.get(f"/summaries/{summary_id}").get_data(as_text=True)
    response = press(
        sw, page, "Send the question", {"next_step": "other", "note": NOTE, "question": "  "}
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert box(body, "note") == NOTE and chosen(body, "next_step") == "other"
    assert "Write your question." in body
    assert error_summary_links(body) == ["question"]
    # The boxes not sent for checking are not said to be wrong.
    assert 'id="note-error"' not in body and 'id="next_step-error"' not in body


def test_what_is_typed_in_the_other_box_stays_after_each_is_done(app, web, world):
    summary_id = finished(app, web, world)
    sw = social_worker(app, world)
    page = sw.get(f"/summaries/{summary_id}").get_data(as_text=True)
    asked = press(
        sw,
        page,
        "Send the question",
        {"question": QUESTION, "next_step": "strategy_meeting", "note": NOTE},
    )
    assert asked.status_code == 200  # drawn here: a redirect would drop the note
    body = asked.get_data(as_text=True)
    assert "Your question is sent." in body
    assert questions(app) == [QUESTION]
    assert box(body, "question") == ""
    assert box(body, "note") == NOTE and chosen(body, "next_step") == "strategy_meeting"

    sw.get(f"/summaries/{summary_id}/pdf")  # opened: now it may be said to be read
    page = sw.get(f"/summaries/{summary_id}").get_data(as_text=True)
    second = "And is her nan allowed to visit?"
    read = press(
        sw,
        page,
        "I have read this summary",
        {"next_step": "strategy_meeting", "note": NOTE, "question": second},
    )
    assert read.status_code == 200
    body = read.get_data(as_text=True)
    assert "the interviewer can see you have read it" in body
    assert box(body, "question") == second
    with app.app_context():
        summary = db.session.get(Summary, summary_id)
        assert summary.next_step == "strategy_meeting" and summary.next_step_note == NOTE
    assert questions(app) == [QUESTION]  # the second question is not sent: only kept


def test_with_nothing_else_typed_each_button_still_answers_with_a_fresh_page(app, web, world):
    summary_id = finished(app, web, world)
    sw = social_worker(app, world)
    page = sw.get(f"/summaries/{summary_id}").get_data(as_text=True)
    asked = press(sw, page, "Send the question", {"question": QUESTION})
    assert asked.status_code == 302
    assert asked.headers["Location"].endswith(f"/summaries/{summary_id}#questions")


def test_a_note_from_a_page_read_meanwhile_is_quoted_back_after_a_question(app, web, world):
    """The summary was said to be read in another tab: this page's note has no box any more,
    so it is given back to copy, not dropped, while the question is sent."""
    summary_id = finished(app, web, world)
    sw = social_worker(app, world)
    sw.get(f"/summaries/{summary_id}/pdf")
    page = sw.get(f"/summaries/{summary_id}").get_data(as_text=True)
    sw.post(
        f"/summaries/{summary_id}/acknowledge",
        {"next_step": "no_further_action"},
        page=f"/summaries/{summary_id}",
    )
    response = press(
        sw, page, "Send the question", {"question": QUESTION, "next_step": "other", "note": NOTE}
    )
    assert response.status_code == 200
    body = htmllib.unescape(response.get_data(as_text=True))
    assert questions(app) == [QUESTION]
    assert "Not saved." in body and f"{NOTE}</blockquote>" in body
