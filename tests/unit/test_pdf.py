"""The summary PDF: real WeasyPrint, read back with pypdf.

Checks the marking and footer on every page, the order (the child's words first), that sharing
decisions from rhi.sharing show through, that typed text stays text, and that the renderer can
load nothing but rhi's own assets.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib import request

import pytest
from pypdf import PdfReader
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from rhi import create_app
from rhi.interviews.content import empty_content
from rhi.sharing import view_for
from rhi.summaries import pdf as summary_pdf
from rhi.summaries.fetcher import (
    BASE_URL,
    CSS_URL,
    STATIC_DIR,
    AssetFetcher,
    AssetRefusedError,
    MissingAssetsError,
)

HOSTILE = (
    '<b>bold</b> <link rel="attachment" href="file:///etc/passwd"> '
    '<img src="http://127.0.0.1:9/x.png">'
)
PREPARED = "Prepared for Sam Patel (allocated social worker), 23 Nov 2026 10:42"


@pytest.fixture(scope="module")
def pdf_app() -> Iterator[Any]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x" * 40})
    with app.app_context():
        yield app


def make_content(*, long: bool = False, answer: str = "yes") -> dict[str, Any]:
    c = empty_content()
    repeat = 60 if long else 1
    c["sections"]["own_words"]["text"] = "OWNWORDS I just want people to listen to me."
    c["sections"]["before"]["text"] = "BEFORETEXT There was shouting at home. " * repeat
    c["sections"]["away"]["text"] = "AWAYTEXT Stayed at a flat in town. " * repeat
    c["sections"]["after"]["text"] = "AFTERTEXT Tired but glad to be back."
    c["sections"]["help"]["text"] = "HELPTEXT Someone to talk to at school."
    c["sections"]["analysis"]["text"] = "ANALYSISTEXT An adult may be grooming them."
    c["push"]["family_conflict"] = {"on": True, "note": "PUSHNOTE arguments", "private": False}
    c["harms"]["criminal_exploitation"] = {"on": True, "note": "HARMNOTE", "private": False}
    c["places"] = [
        {
            "id": "p1",
            "name": "PLACENAME flat",
            "area": "Town",
            "when": "Friday",
            "note": "",
            "private": False,
        }
    ]
    c["people"] = [
        {
            "id": "q1",
            "name": "PERSONNAME",
            "age": "24",
            "relationship": "friend",
            "phone": "",
            "vehicle": "",
            "concern": "",
            "private": False,
        }
    ]
    c["actions"] = [
        {
            "id": "a1",
            "kind": "safety_plan",
            "owner": "ACTIONOWNER",
            "due": "30 Nov 2026",
            "note": "",
        }
    ]
    c["risk_view"] = "high"
    c["protective_factors"] = "PROTECTIVE Close to her nan."
    c["consent"]["social_worker"] = {"answer": answer, "words": "CONSENTWORDS ok", "name": ""}
    c["consent"]["police"] = {"answer": "no", "words": "not the police", "name": ""}
    return c


def render(content: dict[str, Any], recipient: str = "social_worker", **extra: Any) -> bytes:
    kwargs: dict[str, Any] = {
        "child": SimpleNamespace(display_name="Jordan Reyes", date_of_birth=date(2011, 3, 4)),
        "episodes": [
            SimpleNamespace(
                started_at=datetime(2026, 11, 20, 22, 5),
                returned_at=datetime(2026, 11, 21, 9, 30),
                risk_grade="Medium",
            )
        ],
        "interview": SimpleNamespace(held_at=datetime(2026, 11, 22, 15, 0)),
        # Decisions in these tests are in force (confirmed): those here carry an id.
        "view": view_for(
            content, recipient, in_force={o["id"] for o in content["overrides"] if "id" in o}
        ),
        "prepared_for": "Sam Patel (allocated social worker)",
        "prepared_at": datetime(2026, 11, 23, 10, 42),  # naive UTC; GMT in November
        "interviewer": "Alex Morgan",
        "place": "Café on the high street",
        "present": "Jordan and Alex",
        "dismissed_flags": 0,
    }
    kwargs.update(extra)
    return summary_pdf.render_summary(**kwargs)


def pages_text(data: bytes) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages]


def squash(text: str) -> str:
    """Without any whitespace: a long token may be wrapped anywhere on the page."""
    return "".join(text.split())


def test_every_page_has_marking_footer_and_page_numbers(pdf_app: Any) -> None:
    data = render(make_content(long=True), dismissed_flags=3)
    pages = pages_text(data)
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert text.count("OFFICIAL-SENSITIVE") >= 2, f"page {number}: header and footer"
        assert PREPARED in text, f"page {number}"
        assert f"Page {number} of {len(pages)}" in text
    whole = " ".join(pages)
    assert "Language check: 3 suggestions were considered and not taken." in whole
    assert PdfReader(io.BytesIO(data)).metadata.title == (
        "Return home interview summary: Jordan Reyes"
    )


def test_header_then_own_words_first_then_the_rest(pdf_app: Any) -> None:
    text = " ".join(pages_text(render(make_content())))
    for expected in (
        "Jordan Reyes",
        "4 Mar 2011",
        "20 Nov 2026 22:05",
        "21 Nov 2026 09:30",
        "Medium",
        "Alex Morgan",
        "22 Nov 2026 15:00",
        "Café on the high street",
        "Jordan and Alex",
    ):
        assert expected in text
    order = [
        "Date of birth",
        "In their own words",
        "OWNWORDS",
        "BEFORETEXT",
        "AWAYTEXT",
        "AFTERTEXT",
        "PUSHNOTE",
        "HARMNOTE",
        "PLACENAME",
        "PERSONNAME",
        "HELPTEXT",
        "ACTIONOWNER",
        "ANALYSISTEXT",
        "High risk of harm",
        "PROTECTIVE",
        "CONSENTWORDS",
    ]
    positions = [text.index(marker) for marker in order]
    assert positions == sorted(positions)


def test_what_the_child_kept_private_is_left_out_and_not_mentioned(pdf_app: Any) -> None:
    c = make_content()
    c["sections"]["away"]["private"] = True
    c["harms"]["criminal_exploitation"]["private"] = True
    text = " ".join(pages_text(render(c)))
    assert "AWAYTEXT" not in text and "HARMNOTE" not in text
    # Saying that something was kept out tells the reader there is something to ask about.
    assert "not included" not in text and "asked for" not in text


def test_no_consent_shows_only_that_it_took_place_and_whom_to_contact(pdf_app: Any) -> None:
    text = " ".join(pages_text(render(make_content(), recipient="police")))
    for marker in (
        "OWNWORDS",
        "BEFORETEXT",
        "AWAYTEXT",
        "AFTERTEXT",
        "HELPTEXT",
        "PUSHNOTE",
        "HARMNOTE",
        "PLACENAME",
        "PERSONNAME",
        "ACTIONOWNER",
        "ANALYSISTEXT",
        "PROTECTIVE",
        "In their own words",
    ):
        assert marker not in text
    assert "A return home interview took place with Jordan Reyes" in text
    assert "contact the interviewer, Alex Morgan" in text
    assert "Date of interview" in text  # when (the header says it)
    # Not what the child said about sharing, nor anyone else's answer, nor that they refused.
    assert "not the police" not in text and "CONSENTWORDS" not in text
    assert "agreed" not in text and "safeguarding" not in text


def test_a_recorded_safeguarding_decision_shares_and_says_so(pdf_app: Any) -> None:
    c = make_content()
    c["overrides"] = [
        {
            "id": "d1",
            "recipient": "police",
            "parts": ["own_words", "before"],
            "reason": "OVERRIDEREASON risk of harm",
            "decided_by": "Priya Shah, manager",
            "child_told": "told",
            "child_said": "CHILDSAID fine",
            "urgent": True,
            "urgent_reason": "URGENTWHY tonight",
        }
    ]
    text = " ".join(pages_text(render(c, recipient="police")))
    assert "OWNWORDS" in text and "BEFORETEXT" in text
    assert "AWAYTEXT" not in text  # a part the decision does not name
    assert "OVERRIDEREASON risk of harm (decided by Priya Shah, manager)" in text
    assert "they said: \u201cCHILDSAID fine\u201d" in text
    assert "Urgent: released before confirmation because URGENTWHY tonight" in text
    assert "because of a safeguarding decision" in text


def test_typed_markup_stays_text_and_loads_nothing(pdf_app: Any) -> None:
    c = make_content()
    c["sections"]["own_words"]["text"] = HOSTILE
    c["sections"]["before"]["text"] = HOSTILE
    c["people"][0]["name"] = HOSTILE
    data = render(c)
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(pages_text(data))
    assert squash(text).count(squash(HOSTILE)) == 3
    assert not reader.attachments
    assert b"/EmbeddedFile" not in data
    assert "root:" not in text and b"root:x:0:0" not in data


class SpyFetcher(AssetFetcher):
    """Records what WeasyPrint asked for and whether it got it."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[tuple[str, bool]] = []

    def fetch(self, url: str, headers: Any = None) -> Any:
        try:
            response = super().fetch(url, headers)
        except AssetRefusedError:
            self.asked.append((url, False))
            raise
        self.asked.append((url, True))
        return response


RAW_HOSTILE_HTML = """<!DOCTYPE html><html lang="en-GB"><head><title>t</title>
<link rel="attachment" href="file:///etc/passwd">
<link rel="stylesheet" href="https://example.org/x.css">
<style>@import url("file:///etc/passwd"); body { background: url("http://127.0.0.1:9/b.png"); }
</style></head><body><p>hello</p><img src="http://127.0.0.1:9/x.png" alt="x">
<a rel="attachment" href="../../../../etc/passwd">a</a><img src="data:image/png;base64,AAAA"
alt="d"></body></html>"""


def test_the_fetcher_stops_weasyprint_itself_not_just_escaping() -> None:
    # Control: WeasyPrint's default fetcher really does embed a local file (no network used).
    control = '<html><head><link rel="attachment" href="file:///etc/passwd"></head></html>'
    default = HTML(string=control, url_fetcher=URLFetcher(timeout=1)).write_pdf()
    assert PdfReader(io.BytesIO(default)).attachments
    spy = SpyFetcher()
    data = HTML(string=RAW_HOSTILE_HTML, base_url=BASE_URL, url_fetcher=spy).write_pdf()
    assert not PdfReader(io.BytesIO(data)).attachments
    assert b"/EmbeddedFile" not in data
    asked = dict(spy.asked)
    for url in (
        "file:///etc/passwd",
        "https://example.org/x.css",
        "http://127.0.0.1:9/x.png",
        "http://127.0.0.1:9/b.png",
    ):
        assert asked.get(url) is False, url
    assert not any(ok for _, ok in spy.asked)


def test_a_summary_loads_only_its_css_and_fonts(pdf_app: Any, monkeypatch: Any) -> None:
    spy = SpyFetcher()
    monkeypatch.setattr(summary_pdf, "_fetcher", spy)
    render(make_content())
    assert spy.asked and all(ok for _, ok in spy.asked), spy.asked
    urls = {url for url, _ in spy.asked}
    assert CSS_URL in urls
    assert any(url.startswith(f"{BASE_URL}fonts/atkinson-hyperlegible-") for url in urls)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.org/x.css",
        "https://example.org/x.css",
        "ftp://example.org/x.css",
        "data:text/css,body{}",
        "rhi-asset:/../../etc/passwd",
        "rhi-asset:/css/../../../etc/passwd",
        "rhi-asset:/%2e%2e/%2e%2e/etc/passwd",
        "rhi-asset://example.org/css/pdf.css",
        "rhi-asset:/css/pdf.css?x=1",
        "/static/css/pdf.css",
        "css/pdf.css",
        "RHI-ASSET:/css/pdf.css",
    ],
)
def test_the_fetcher_refuses_everything_else(url: str) -> None:
    fetcher = summary_pdf.asset_fetcher()
    with pytest.raises(AssetRefusedError):
        fetcher.fetch(url)
    with pytest.raises(AssetRefusedError):
        fetcher(url)


def test_the_fetcher_serves_its_css_from_memory_and_has_no_url_handlers() -> None:
    fetcher = summary_pdf.asset_fetcher()
    response = fetcher.fetch(CSS_URL)
    assert response.read() == (STATIC_DIR / "css" / "pdf.css").read_bytes()
    assert response.content_type == "text/css"
    assert fetcher.handlers == []  # urllib's file/http/ftp/data handlers were dropped
    with pytest.raises(AssetRefusedError):
        fetcher.open(request.Request("file:///etc/passwd"))


def test_missing_fonts_say_how_to_build_them(tmp_path: Path) -> None:
    with pytest.raises(MissingAssetsError, match="npm run build"):
        AssetFetcher(static_dir=tmp_path)


def test_fonts_are_embedded_and_the_pdf_is_tagged(pdf_app: Any) -> None:
    reader = PdfReader(io.BytesIO(render(make_content())))
    fonts = {}
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            fonts[str(font["/BaseFont"])] = font
    assert fonts and all("Atkinson" in name for name in fonts), fonts
    for font in fonts.values():
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    if summary_pdf.PDF_VARIANT == "pdf/ua-1":
        root = reader.trailer["/Root"]
        assert "/StructTreeRoot" in root
        assert root["/Lang"] == "en-GB"
        assert root["/MarkInfo"]["/Marked"]
