"""The summary PDF: real WeasyPrint, read back with pypdf.

Checks the marking and footer on every page, the order (the child's words first), that sharing
decisions from rhi.sharing show through, that typed text stays text, and that the renderer can
load nothing but rhi's own assets.
"""

from __future__ import annotations

import io
import subprocess  # nosec B404 - the test runs this interpreter
import sys
from collections.abc import Iterator
from datetime import date, datetime, timedelta
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
from rhi.writing.counts import LanguageCounts

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
    counts = LanguageCounts(left=4, kept=3, kept_with_reason=1, changed=2)
    data = render(make_content(long=True), language=counts)
    pages = pages_text(data)
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert text.count("OFFICIAL-SENSITIVE") >= 2, f"page {number}: header and footer"
        assert PREPARED in text, f"page {number}"
        assert f"Page {number} of {len(pages)}" in text
    whole = " ".join(pages)
    assert (
        "Language check: 4 flagged phrases left as written; 3 kept by the worker with "
        "\u201cKeep my words\u201d (1 with a reason given); 2 changed to suggested wording."
    ) in whole
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
        "At a glance",
        "High risk of harm",
        "HELPTEXT",
        "ACTIONOWNER",
        "In Jordan\u2019s own words",
        "OWNWORDS",
        "About Jordan and the episode",
        "BEFORETEXT",
        "AWAYTEXT",
        "AFTERTEXT",
        "PUSHNOTE",
        "HARMNOTE",
        "PERSONNAME",
        "PLACENAME",
        "ANALYSISTEXT",
        "PROTECTIVE",
        "Actions agreed",
        "CONSENTWORDS",
        "Who to contact",
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
    assert "Reason (decided by Priya Shah, manager): OVERRIDEREASON risk of harm." in text
    assert "they said: \u201cCHILDSAID fine\u201d" in text
    assert "Urgent, so released before confirmation: URGENTWHY tonight." in text
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
    if summary_pdf.pdf_variant() == "pdf/ua-1":
        root = reader.trailer["/Root"]
        assert "/StructTreeRoot" in root
        assert root["/Lang"] == "en-GB"
        assert root["/MarkInfo"]["/Marked"]


# ---- the summary's shape (issue 11, must haves 5 and 6) -------------------------------------


def rich_child() -> SimpleNamespace:
    return SimpleNamespace(
        display_name="Jordan Reyes",
        preferred_name="Jordan",
        date_of_birth=date(2011, 3, 4),
        legal_status_label="Looked after",
        placement_label="Children's home",
        home_authority="HOMEAUTH Council",
        placing_authority="PLACINGAUTH Council",
        social_worker=SimpleNamespace(name="SOCIALWORKER Sam Patel"),
        ethnicity="black_caribbean",
        first_language="FIRSTLANG Portuguese",
        interpreter_needed=True,
    )


def rich_episode(**extra: Any) -> SimpleNamespace:
    fields: dict[str, Any] = {
        "started_at": datetime(2026, 11, 20, 22, 5),
        "returned_at": datetime(2026, 11, 23, 9, 30),  # 59 hours: over the 48-hour mark
        "risk_grade": "High",
        "police_reference": "POLREF-0042",
        "missing_from": "MISSINGFROM Oak House",
        "found_where": "FOUNDWHERE Leeds station",
        "found_by": "FOUNDBY British Transport Police",
    }
    fields.update(extra)
    return SimpleNamespace(**fields)


def earlier_episodes(n: int, first: datetime = datetime(2026, 11, 10, 20, 0)) -> list[Any]:
    """`n` episodes, one every 5 days back from `first`."""
    return [
        SimpleNamespace(
            started_at=first - timedelta(days=5 * k),
            returned_at=first - timedelta(days=5 * k) + timedelta(hours=6),
            risk_grade="Medium",
        )
        for k in range(n)
    ]


CONTEXT = (
    "Looked after",
    "Children's home",
    "HOMEAUTH",
    "PLACINGAUTH",
    "SOCIALWORKER",
    "Black, Black British, Black Welsh, Caribbean or African: Caribbean",
    "FIRSTLANG",
    "Interpreter needed",
    "POLREF-0042",
    "MISSINGFROM",
    "FOUNDWHERE",
    "FOUNDBY",
    "2 days 11 hours",  # how long missing
    "Earlier episodes",
    "Earlier return home interviews",
    "3 Nov 2026 11:00",  # an earlier interview
)


def shaped(content: dict[str, Any], recipient: str = "social_worker", **extra: Any) -> list[str]:
    kwargs: dict[str, Any] = {
        "child": rich_child(),
        "episodes": [rich_episode()],
        "interview": SimpleNamespace(
            held_at=datetime(2026, 11, 27, 15, 0), due_at=datetime(2026, 11, 26, 9, 30)
        ),
        "history": earlier_episodes(3),
        "earlier_interviews": [datetime(2026, 11, 3, 11, 0)],
        "interviewer_role": "Return home interview worker",
        "interviewer_contact": "alex.morgan@example.org",
        "settings": {
            "RHI_DEADLINE_HOURS": 72,
            "RHI_REPEAT_EPISODES": 3,
            "RHI_REPEAT_DAYS": 30,
            "RHI_LONG_EPISODE_HOURS": 48,
            "RHI_ORGANISATION": "ORGNAME Children's Society",
            "RHI_SERVICE_CONTACT": "SERVICECONTACT 01632 960000",
        },
    }
    kwargs.update(extra)
    return pages_text(render(content, recipient, **kwargs))


def in_order(text: str, markers: list[str]) -> None:
    at = 0
    for marker in markers:
        found = text.find(marker, at)
        assert found >= 0, (marker, text[at : at + 300])
        at = found + len(marker)


def test_page_one_is_the_headline_then_the_childs_words(pdf_app: Any) -> None:
    c = make_content()
    c["actions"].insert(
        0,
        {
            "id": "a0",
            "kind": "strategy_meeting",
            "owner": "STRATOWNER Sam Patel",
            "due": "STRATDUE 25 Nov 2026",
            "note": "",
        },
    )
    c["pull"]["exploiting_adults"] = {"on": True, "note": "", "private": False}
    pages = shaped(c)
    in_order(
        pages[0],
        [
            "At a glance",
            "The risk of harm now",
            "The interviewer\u2019s view: High risk of harm.",
            "Police risk grade: High.",
            "Harms and risk indicators: Criminal exploitation or county lines.",
            "What drew Jordan away: Adults who may be exploiting them.",
            "Named: 1 person and 1 place",
            "What Jordan says would help",
            "HELPTEXT",
            "What is asked, and by when",
            "Strategy meeting request: STRATOWNER Sam Patel, by STRATDUE 25 Nov 2026.",
            "Safety plan: ACTIONOWNER, by 30 November 2026.",
            "Repeat episodes",
            # this episode and the three earlier ones, all in the 30 days before it began
            "Reported missing 4 times in 30 days: at or over the local threshold of 3 in 30 days.",
            "Missing for more than 48 hours.",
            "Within 72 hours",
            "No: held 4 days 5 hours after Jordan returned, 29 hours after the deadline "
            "(26 Nov 2026 09:30).",
            "In Jordan\u2019s own words",
            "OWNWORDS",
        ],
    )


def test_the_headline_says_on_time_and_under_the_threshold(pdf_app: Any) -> None:
    pages = shaped(
        make_content(),
        interview=SimpleNamespace(held_at=datetime(2026, 11, 22, 15, 0)),
        history=[],
        episodes=[rich_episode(returned_at=datetime(2026, 11, 21, 9, 30))],
    )
    assert "Reported missing 1 time in 30 days: under the local threshold of 3" in pages[0]
    assert "Yes: held 29 hours after Jordan returned." in pages[0]  # no due_at: from the return
    assert "Missing for more than" not in pages[0]


def test_held_at_the_deadline_itself_is_late_and_the_deadline_is_the_interviews_own(
    pdf_app: Any,
) -> None:
    returned = datetime(2026, 11, 21, 9, 30)
    due = returned + timedelta(hours=72)  # given when the interview was made
    pages = shaped(
        make_content(),
        interview=SimpleNamespace(held_at=due, due_at=due),
        history=[],
        episodes=[rich_episode(returned_at=returned)],
        # The service has since moved to 48 hours: this interview's deadline stays 72.
        settings={
            "RHI_DEADLINE_HOURS": 48,
            "RHI_REPEAT_EPISODES": 3,
            "RHI_REPEAT_DAYS": 30,
            "RHI_LONG_EPISODE_HOURS": 48,
            "RHI_ORGANISATION": "ORGNAME Children's Society",
            "RHI_SERVICE_CONTACT": "SERVICECONTACT 01632 960000",
        },
    )
    assert "Within 72 hours" in pages[0] and "Within 48 hours" not in pages[0]
    assert "No: held 3 days after Jordan returned" in pages[0]  # Clock: at the deadline is late


def test_the_context_follows_for_a_reader_who_gets_content(pdf_app: Any) -> None:
    text = " ".join(shaped(make_content()))
    for marker in CONTEXT:
        assert marker in text, marker
    in_order(text, ["OWNWORDS", "About Jordan and the episode", "Legal status", "BEFORETEXT"])
    in_order(
        text,
        [
            "Who to contact",
            "Alex Morgan",
            "Return home interview worker",
            "ORGNAME Children's Society",
            "alex.morgan@example.org",
            "SERVICECONTACT",
        ],
    )


def test_a_reader_with_no_content_gets_none_of_the_context(pdf_app: Any) -> None:
    text = " ".join(shaped(make_content(), recipient="police"))  # the child said no
    assert "A return home interview took place with Jordan Reyes" in text
    assert "contact the interviewer, Alex Morgan" in text
    for marker in (
        *CONTEXT,
        "At a glance",
        "Repeat episodes",
        "Within 72 hours",
        "High",  # the police grade
        "Reported missing",
        "HELPTEXT",
        "ACTIONOWNER",
    ):
        assert marker not in text, marker


def test_parents_and_carers_get_the_context_without_police_reference_or_intelligence(
    pdf_app: Any,
) -> None:
    c = make_content()
    c["consent"]["parents_carers"] = {"answer": "yes", "words": "", "name": ""}
    text = " ".join(shaped(c, recipient="parents_carers"))
    assert "SOCIALWORKER" in text and "FOUNDWHERE" in text and "OWNWORDS" in text
    for marker in ("POLREF-0042", "Police reference", "PERSONNAME", "PLACENAME", "Named:"):
        assert marker not in text, marker


def test_the_police_copy_starts_with_the_reference_and_the_intelligence(pdf_app: Any) -> None:
    c = make_content()
    c["consent"]["police"] = {"answer": "yes", "words": "POLICEWORDS fine", "name": ""}
    c["people"][0].update(
        phone="07700 900123", vehicle="Silver Vauxhall Astra", concern="CONCERNTEXT"
    )
    pages = shaped(c, recipient="police")
    in_order(
        pages[0],
        [
            "Police reference",
            "POLREF-0042",
            "Police risk grade",
            "High",
            "Places and people",
            "People Jordan mentioned",
            "PERSONNAME",
            "24",
            "friend",
            "07700 900123",
            "Silver Vauxhall Astra",
            "CONCERNTEXT",
            "Places Jordan mentioned",
            "PLACENAME flat",
            "Friday",  # when
            "What Jordan said about sharing with the police",
            "POLICEWORDS fine",
            "At a glance",
        ],
    )
    text = " ".join(pages)
    assert text.count("PERSONNAME") == 1 and text.count("PLACENAME") == 1  # not twice


def test_only_the_parts_shared_reach_the_police_copy(pdf_app: Any) -> None:
    c = make_content()
    c["consent"]["police"] = {
        "answer": "some",
        "words": "",
        "name": "",
        "part_places_people": True,
    }
    c["people"].append({**c["people"][0], "id": "q2", "name": "PRIVATEPERSON", "private": True})
    text = " ".join(shaped(c, recipient="police"))
    assert "PERSONNAME" in text and "PLACENAME" in text and "POLREF-0042" in text
    for marker in ("PRIVATEPERSON", "OWNWORDS", "HELPTEXT", "ANALYSISTEXT", "ACTIONOWNER"):
        assert marker not in text, marker


def test_earlier_episodes_most_recent_first_and_capped(pdf_app: Any) -> None:
    text = " ".join(shaped(make_content(), history=earlier_episodes(13)))
    in_order(text, ["Earlier episodes", "10 Nov 2026 20:00", "5 Nov 2026 20:00"])
    assert "And 3 earlier episodes." in text
    assert "26 Sep 2026" in text  # the 10th
    assert "21 Sep 2026" not in text and "11 Sep 2026" not in text  # the 11th to 13th: counted


def test_a_long_word_in_a_table_cell_is_not_broken(pdf_app: Any) -> None:
    c = make_content()
    c["people"][0].update(
        name="Maximilian Featherstonehaugh",
        age="about twenty",
        relationship="Counterrevolutionaries acquaintance",
        phone="07700 900123",
        vehicle="Silver Vauxhall Insignia estate",
        concern="Photographed Jordan without permission and threatened her",
    )
    text = " ".join(pages_text(render(c)))  # split mid-word, the text reads "Featherstoneha ugh"
    assert "Featherstonehaugh" in text
    assert "Counterrevolutionaries" in text


def test_the_app_starts_without_loading_the_pdf_renderer() -> None:
    """WeasyPrint takes over a second to import: every gunicorn worker and `flask` command would
    pay it at start. It is loaded when the first PDF is made, and a PDF is still made."""
    code = (
        "import sys\n"
        "from rhi import create_app\n"
        "app = create_app({'SQLALCHEMY_DATABASE_URI': 'sqlite://', 'SECRET_KEY': 'x' * 40})\n"
        "print('weasyprint' in sys.modules)\n"
        "from rhi.summaries.pdf import write_pdf\n"
        "with app.app_context():\n"
        "    pdf = write_pdf('<p>Hello</p>')\n"
        "print(pdf[:5].decode(), 'weasyprint' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    ).stdout.split("\n")
    assert out[:2] == ["False", "%PDF- True"]


def test_an_interview_for_two_returns_is_judged_by_the_latest_returns_own_deadline(
    pdf_app: Any,
) -> None:
    """One interview made for two returns three days apart (its deadline from the first),
    held 28 hours after the second: in time for that return, as the service's figures count it
    (deadlines.due_for_return). The PDF said "No: ... 28 hours after the deadline" of the first
    return, under "Within 72 hours" read from the setting."""
    first = datetime(2026, 11, 3, 10, 0)
    second = first + timedelta(days=3)
    pages = shaped(
        make_content(),
        interview=SimpleNamespace(
            held_at=second + timedelta(hours=28), due_at=first + timedelta(hours=48)
        ),
        history=[],
        episodes=[rich_episode(returned_at=first), rich_episode(returned_at=second)],
    )
    assert "Within 48 hours" in pages[0] and "Within 72 hours" not in pages[0]
    assert "Yes: held 28 hours after Jordan returned." in pages[0]
