"""The child's letter PDF says which language each part is in (probe "access", finding 3).

A screen reader or a read-aloud tool picks its voice from the language the PDF gives each piece
of text: the structure element's /Lang, else its parent's, up to the catalogue's /Lang. The
letter of an Arabic-speaking child is half Arabic and half English (each line in their
language, the English under it for the worker), as the page marks it (lang="ar" dir="rtl").
Read back with pypdf: every piece of text is followed to the language it would be read in.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from tests.app.helpers import prepared_file, start, store
from tests.app.test_read_back_language import shared_document, speaks

ARABIC = ((0x0600, 0x06FF), (0x0750, 0x077F), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))


def _is_arabic(ch: str) -> bool:
    return any(first <= ord(ch) <= last for first, last in ARABIC)


def _text_by_mcid(page: Any) -> dict[int, str]:
    """The text each marked-content sequence of `page` draws, by its MCID."""
    stack: list[int | None] = []
    texts: dict[int, list[str]] = {}

    def before(operator: bytes, operands: list[Any], *_: Any) -> None:
        if operator == b"BDC":
            props = operands[1] if len(operands) > 1 else None
            mcid = props.get("/MCID") if isinstance(props, dict) else None
            stack.append(int(mcid) if mcid is not None else None)
        elif operator == b"BMC":
            stack.append(None)
        elif operator == b"EMC" and stack:
            stack.pop()

    def text(words: str, *_: Any) -> None:
        current = next((m for m in reversed(stack) if m is not None), None)
        if current is not None and words:
            texts.setdefault(current, []).append(words)

    page.extract_text(visitor_operand_before=before, visitor_text=text)
    return {mcid: "".join(parts) for mcid, parts in texts.items()}


def _read_as(data: bytes) -> list[tuple[str, str]]:
    """Each piece of text of the PDF with the language a screen reader would read it in,
    following the structure tree (tagged content: /MCID kids) from the catalogue's /Lang."""
    reader = PdfReader(io.BytesIO(data))
    catalogue = reader.trailer["/Root"]
    pages = {page.indirect_reference.idnum: page for page in reader.pages}
    texts = {number: _text_by_mcid(page) for number, page in pages.items()}
    read: list[tuple[str, str]] = []

    def walk(node: Any, lang: str, page: int | None) -> None:
        node = node.get_object() if isinstance(node, IndirectObject) else node
        if isinstance(node, ArrayObject):
            for kid in node:
                walk(kid, lang, page)
            return
        if isinstance(node, int):
            if page is not None and node in texts[page]:
                read.append((texts[page][node], lang))
            return
        if not isinstance(node, DictionaryObject):
            return
        if "/Pg" in node:
            page = node.raw_get("/Pg").idnum
        if "/Lang" in node:
            lang = str(node["/Lang"])
        if node.get("/Type") == "/MCR":
            walk(node.get("/MCID"), lang, page)
        elif "/K" in node:
            walk(node["/K"], lang, page)

    walk(catalogue["/StructTreeRoot"], str(catalogue.get("/Lang", "")), None)
    return read


@pytest.fixture()
def arabic_letter(app, web, world) -> bytes:
    speaks(app, world, "Arabic")
    uuid = start(web, world)
    store(app, uuid, shared_document())
    response = prepared_file(
        web, f"/interviews/{uuid}/child-copy.pdf", f"/interviews/{uuid}/child-copy"
    )
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return response.data


def test_the_arabic_in_the_letter_is_read_as_arabic_and_the_english_as_english(arabic_letter):
    read = _read_as(arabic_letter)
    arabic = [(text, lang) for text, lang in read if any(map(_is_arabic, text))]
    english = [
        (text, lang)
        for text, lang in read
        if not any(map(_is_arabic, text)) and sum(ch.isalpha() for ch in text) >= 4
    ]
    # The letter is all there to be read (Arabic and English lines), as tagged content.
    assert sum(len(text) for text, _ in arabic) >= 200, read
    assert any("What happens next" in text for text, _ in english), english
    # Every piece of Arabic is read in Arabic: none with the English voice.
    assert {lang.split("-")[0] for _, lang in arabic} == {"ar"}, [
        (text, lang) for text, lang in arabic if not lang.startswith("ar")
    ]
    # And the English under each line, and Childline's words, in English.
    assert {lang.split("-")[0] for _, lang in english} == {"en"}, [
        (text, lang) for text, lang in english if not lang.startswith("en")
    ]
    assert any("Childline" in text for text, _ in english)


def test_the_letter_says_its_own_language_and_is_tagged(arabic_letter):
    catalogue = PdfReader(io.BytesIO(arabic_letter)).trailer["/Root"]
    assert str(catalogue["/Lang"]).startswith(("en", "ar"))
    assert catalogue["/MarkInfo"]["/Marked"] in (True, "true")
    assert "/StructTreeRoot" in catalogue
