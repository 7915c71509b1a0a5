"""rhi's own words for the child, in the child's language; the worker's screens stay in English.

Flask-Babel is set up with English as every request's locale: the worker's interface is written
in English and is not translated. The few words of rhi's own that the *child* reads or hears on
the interview pages ("Show large", "You can stop or take a break at any time.") are looked up
in the child's language instead, from the message catalogues in rhi/translations/<code>/
LC_MESSAGES/messages.po. Those are compiled here at start-up, in memory (babel's read_po and
write_mo), so there is no build step and no compiled .mo file to fall out of step with its .po.

`child_gettext(code, message)` gives the words, or None where the catalogue has no
translation: the page then shows the English alone rather than a blank.
"""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from flask import Flask, current_app
from flask_babel import Babel

from rhi.interviews.fields import FEELINGS

FOLDER = Path(__file__).with_name("translations")
DOMAIN = "messages"
_KEY = "rhi.child_translations"

# rhi's own child-facing words: every catalogue is checked to hold each of them (the tests).
CHILD_MESSAGES = (
    "Show large",
    "Read aloud",
    "Stop",
    "You can stop or take a break at any time.",
    "Before we start",
    # The child's view (templates/interviews/_child_view.html and the feelings scale).
    "How are you feeling?",
    *(words for key, words in FEELINGS.items() if key),
    "Give the tablet back",
    "What I want my social worker to know",
)


def _worker_locale() -> str:
    """Every screen of rhi is the worker's and is in English; only the child's words are not."""
    return "en"


def compile_catalogues(folder: Path = FOLDER) -> dict[str, Translations]:
    """Each language's .po file, compiled in memory, by language code."""
    found: dict[str, Translations] = {}
    for po_path in sorted(folder.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        code = po_path.parent.parent.name
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=code, domain=DOMAIN)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        found[code] = Translations(buffer, domain=DOMAIN)
    return found


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=_worker_locale, default_locale="en")
    app.extensions[_KEY] = compile_catalogues()
    app.jinja_env.globals["child_gettext"] = child_gettext


def child_gettext(code: str | None, message: str) -> str | None:
    """rhi's own words for the child in the language `code`, or None with no translation."""
    if not code:
        return None
    translations = current_app.extensions.get(_KEY, {}).get(code)
    if translations is None:
        return None
    text = translations.gettext(message)
    return text if text and text != message else None
