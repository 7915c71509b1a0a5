"""Children's words stay out of the browser's own files (issue 12): every field of a child's
record is autocomplete="off" (itself or through its form), and page titles, which browsers keep
in History and Top Sites, never hold a child's name."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from tests.app.helpers import start
from tests.conftest import Web

TEXT_TYPES = {"text", "search", "tel", "email", "url", "number", "datetime-local", "date", None}


class _Fields(HTMLParser):
    """Each text field and whether autocomplete is off for it (its own attribute first)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[str | None] = []
        self.fields: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self.forms.append(a.get("autocomplete"))
        elif tag == "textarea" or (tag == "input" and a.get("type") in TEXT_TYPES):
            own = a.get("autocomplete")
            inherited = next((f for f in reversed(self.forms) if f), None)
            self.fields.append((a.get("name") or a.get("id") or "?", (own or inherited) == "off"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.forms:
            self.forms.pop()


def _check(html: str, names: tuple[str, ...]) -> None:
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert not any(n in title for n in names), title
    parser = _Fields()
    parser.feed(html)
    remembered = [name for name, off in parser.fields if not off]
    assert not remembered, remembered


def test_pages_of_a_childs_record_keep_nothing_in_the_browser(app, web, world):
    uuid = start(web, world)
    names = ("Ada", "Alpha")
    pages = [
        f"/episodes/{world.episodes['a']}",
        *(
            f"/interviews/{uuid}/{p}"
            for p in ("start", "away", "findings", "analysis", "consent", "review")
        ),
        f"/children/{world.children['a']}",
        "/returns",
        "/shell/returns",
        "/shell/episode",
        "/shell/interviews/start",
    ]
    for url in pages:
        response = web.get(url)
        assert response.status_code == 200, url
        _check(response.get_data(as_text=True), names)
    social_worker = Web(app.test_client())
    social_worker.sign_in(world.emails["social_worker"])
    _check(social_worker.get(f"/interviews/{uuid}/start").get_data(as_text=True), names)
