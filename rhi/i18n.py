"""rhi's own words for the child, in the child's language; the worker's screens stay in English.

Flask-Babel is set up with English as every request's locale: the worker's interface is written
in English and is not translated. The few words of rhi's own that the *child* reads or hears on
the interview pages ("Show large", "You can stop or take a break at any time.") are looked up
in the child's language instead, from the message catalogues in rhi/translations/<code>/
LC_MESSAGES/messages.po. Those are compiled here at start-up, in memory (babel's read_po and
write_mo), so there is no build step and no compiled .mo file to fall out of step with its .po.

`child_gettext(code, message)` gives the words, or None where the catalogue has no
translation: the page then shows the English alone rather than a blank. `child_format` does the
same for words with a value put in ("{who} will know:"), the value looked up too where it is
rhi's own words ("Your social worker") and left as it is where it is a name.

A girl is spoken to as a girl: the code "pl.f" (ChildWords.messages) asks first for the entry
of the same English words with the context "feminine" (msgctxt), where the language's words for
a girl differ, and else for the usual entry.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Collection, Mapping
from pathlib import Path

from babel.core import UnknownLocaleError
from babel.dates import format_date as babel_format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from flask import Flask, current_app
from flask_babel import Babel
from markupsafe import Markup, escape

from rhi.interviews.child_copy import HELP
from rhi.interviews.fields import ACTION_KINDS, FEELINGS, READ_BACK_ANSWERS
from rhi.interviews.read_back import (
    FINDING_WORDS,
    KEPT_BACK,
    KEPT_BACK_PASSED_ON,
    KEPT_BACK_WORDS,
    MESSAGE,
    NO_OWN_MESSAGE,
    NO_OWN_MESSAGE_LABEL,
    NO_OWN_SOCIAL_WORKER,
    PASSED_ON_WORDS,
    POLICE_WORDS,
    RECIPIENT_WORDS,
    RISK_WORDS,
    SECTION_WORDS,
    WORKER_NOTES,
)
from rhi.prompts.languages import STATUSES
from rhi.timefmt import Day

FOLDER = Path(__file__).with_name("translations")
DOMAIN = "messages"
_KEY = "rhi.child_translations"

# The sharing page's words to the child (templates/interviews/page.html, "consent").
CONSENT_EXPLAINED = (
    "We write down what you told us so people can help. Tell me who you are happy for us to "
    "share it with. If we are very worried you could be hurt, we may have to share it anyway, "
    "and we will try to tell you."
)

FOR_THE_WORKER = "This page is for your worker."
NO_VOICE = "No voice for this language on this tablet"
# languages.STATUSES as a sentence: a catalogue's status note, as the pages end it.
STATUS_NOTES = tuple(f"{note}." for note in STATUSES.values())

# The interview pages and the child's view.
INTERVIEW_MESSAGES = (
    "Show large",
    "Read aloud",
    "Stop",
    "You can stop or take a break at any time.",
    "Before we start",
    # The child's view (templates/interviews/_child_view.html and the feelings scale).
    "How are you feeling?",
    *(words for key, words in FEELINGS.items() if key),
    "Give the tablet back",
    # The footer's line for the child (templates/base.html), in their language on their view.
    "If you are in danger now, call 999. Childline, free and private: 0800 1111. Missing "
    "People: call or text 116 000.",
    "Close",  # Show large's dialog (templates/interviews/page.html)
    "What I want my social worker to know",
    NO_OWN_MESSAGE_LABEL,  # the same field, for a child with no social worker of their own
    CONSENT_EXPLAINED,
    # A page with nothing of the child's (the findings, the analysis), and the panel any other
    # page shows in the child's view (templates/interviews/_child_view.html): said, not blank.
    FOR_THE_WORKER,
    # Beside "Read aloud" when the tablet has no voice for the child's language; the English
    # names the language for the worker, the child reads it in that language.
    NO_VOICE,
    # Whether a translator has checked the child's words: the reader of the translation is
    # told, in the words they read (the start page, the read-back, the letter).
    *STATUS_NOTES,
)

# Who will know what, as the read-back page (templates/interviews/read_back.html) and the
# child's letter say it: the plain labels of rhi/interviews/read_back.py (a test checks that
# every label it can give is here).
READ_BACK_LABELS = (
    *RECIPIENT_WORDS.values(),
    NO_OWN_SOCIAL_WORKER,
    *SECTION_WORDS.values(),
    "How you said you felt",
    KEPT_BACK_PASSED_ON,
    MESSAGE,
    NO_OWN_MESSAGE,
    POLICE_WORDS,
    *FINDING_WORDS.values(),
    "A place you told me about",
    "Someone you told me about",
    "What we agreed will happen next",
    "What helps keep you safe",
    WORKER_NOTES,
    RISK_WORDS,
    "What you said about sharing with them",
)
WILL_KNOW = "{who} will know:"
ONLY_THAT_WE_TALKED = "{who} will only know that we talked, and when."
# "Kept between us" when a decision the child is told of passes on something they asked us to
# keep (read_back.mark_passed_on): never "Nothing you asked me to keep between us." (they
# asked). The first under what still stays; the second when nothing does.
SOME_PASSED_ON = (
    "Some of what you asked me to keep between us has to be passed on to keep you safe. It is "
    "marked above, with who will know it."
)
ALL_PASSED_ON = (
    "What you asked me to keep between us has to be passed on to keep you safe. It is marked "
    "above, with who will know it."
)
IF_VERY_WORRIED = (
    "If I am very worried that you or someone else could be hurt, I may have to pass "
    "something on. I will try to tell you first."
)
# Once the child has answered that something is not right ("changes"), the read-back and the
# letter say what happens to that, in the same words: no longer only "This is what we will write
# down" (a probe of the child's view), and never the child's own words in the letter.
ASKED_FOR_CHANGES = (
    "You asked me to change some of what I wrote. I will change what I can, and tell you if "
    "there is anything I cannot change."
)

# The read-back page: what it says, and the child's three answers (the labels only: the answer
# recorded is the key, "agreed", "changes" or "not_read", whatever language the child reads).
READ_BACK_MESSAGES = (
    "Who will know what you told me",
    "This is what we will write down and who will see it. Read it with me, and tell me if it "
    "is right.",
    WILL_KNOW,
    ONLY_THAT_WE_TALKED,
    *READ_BACK_LABELS,
    "Kept between us:",
    *KEPT_BACK_WORDS.values(),  # "Kept between us" (read_back.kept_between_us)
    KEPT_BACK,
    # Something the child asked to keep, passed on by a decision they are told of: whole labels,
    # on the read-back and in the letter (a test checks every label the read-back gives is
    # here; these only when such a decision is in force, so listed apart).
    *PASSED_ON_WORDS.values(),
    SOME_PASSED_ON,
    ALL_PASSED_ON,
    "Nothing you asked me to keep between us.",
    IF_VERY_WORRIED,
    "Is this right?",
    *(words for key, words in READ_BACK_ANSWERS.items() if key),
    "What would you like to change?",
    ASKED_FOR_CHANGES,
    "Save my answer",  # the child's view of the read-back's button
    "Your answer is saved.",  # said beside it once it is (the worker's message is theirs)
)

# The child's letter (templates/interviews/_child_copy.html, rhi/interviews/child_copy.py).
# Childline, Missing People and their numbers are not words to translate: they are as they are.
LETTER_MESSAGES = (
    "Dear {name}",
    "Thank you for talking with me on {date}. You did not have to, and what you said matters.",
    "Thank you for talking with me. You did not have to, and what you said matters.",
    "What happens next",
    "We agreed these things will happen:",
    "I will write down what we talked about, and I will tell you if anything is going to "
    "happen because of it.",
    *ACTION_KINDS.values(),
    "Something else",
    "Who will know what",
    ASKED_FOR_CHANGES,
    "If you need help",
    *(how for _name, _number, how in HELP),
    "If you are in danger now, call 999.",
    "Or talk to me:",
    "From {worker}",
)

# rhi's own child-facing words: every catalogue is checked to hold each of them (the tests).
CHILD_MESSAGES = tuple(dict.fromkeys((*INTERVIEW_MESSAGES, *READ_BACK_MESSAGES, *LETTER_MESSAGES)))


def _worker_locale() -> str:
    """Every screen of rhi is the worker's and is in English; only the child's words are not."""
    return "en"


def compile_catalogues(folder: Path = FOLDER) -> dict[str, Translations]:
    """Each language's .po file, compiled in memory, by language code."""
    found: dict[str, Translations] = {}
    for po_path in sorted(folder.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        code = po_path.parent.parent.name
        found[code] = _compiled(code, po_path.read_bytes())
    return found


_COMPILED: dict[tuple[str, str], Translations] = {}


def _compiled(code: str, po: bytes) -> Translations:
    """One catalogue, compiled once per process for the same file's contents: the test suite
    makes an app per test, and each compiled all seven again. Translations are only read."""
    key = (code, hashlib.sha256(po).hexdigest())
    translations = _COMPILED.get(key)
    if translations is None:
        catalog = read_po(io.BytesIO(po), locale=code, domain=DOMAIN)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        translations = _COMPILED[key] = Translations(buffer, domain=DOMAIN)
    return translations


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=_worker_locale, default_locale="en")
    app.extensions[_KEY] = compile_catalogues()
    app.jinja_env.globals["child_gettext"] = child_gettext
    app.jinja_env.globals["child_format"] = child_format
    app.jinja_env.filters["numbers_ltr"] = numbers_ltr


# A number as it is written and read aloud: digits, in groups with single spaces between.
_NUMBER = re.compile(r"\d+(?: \d+)*")


def numbers_ltr(text: str) -> Markup:
    """Words in a right-to-left language with each number isolated left to right: without it
    the bidirectional algorithm lays the groups of a number out from the right, and Childline's
    0800 1111 read "1111 0800" in Arabic and Pashto (an accessibility probe). Escaped here, as
    the template would have escaped it."""
    out = Markup("")
    at = 0
    for found in _NUMBER.finditer(text):
        out += escape(text[at : found.start()])
        out += Markup('<bdi dir="ltr">{}</bdi>').format(found.group(0))
        at = found.end()
    return out + escape(text[at:])


FEMININE = "feminine"  # the msgctxt of the words for a girl


def child_gettext(code: str | None, message: str) -> str | None:
    """rhi's own words for the child in the language `code` ("ar", or "ar.f" for a girl), or
    None with no translation."""
    if not code:
        return None
    language, _, form = code.partition(".")
    translations = current_app.extensions.get(_KEY, {}).get(language)
    if translations is None:
        return None
    if form == "f":
        text = translations.pgettext(FEMININE, message)
        if text and text != message:
            return text
    text = translations.gettext(message)
    return text if text and text != message else None


def child_format(
    code: str | None,
    message: str,
    values: Mapping[str, object] | None = None,
    own: Collection[str] = (),
) -> str | None:
    """`message` in the language `code` with `values` put in ("{who} will know:"), or None with
    no translation. The values named in `own` are rhi's own words and are looked up too (a
    recipient, "Your social worker"); the others (a name, a date) are put in as they are."""
    theirs = child_gettext(code, message)
    if theirs is None:
        return None
    filled: dict[str, object] = dict(values or {})
    for name in own:
        filled[name] = child_gettext(code, str(filled[name])) or filled[name]
    for name, value in filled.items():
        if isinstance(value, Day):  # "23 listopada 2026": the day in the child's language
            filled[name] = _day_in(code.partition(".")[0], value)
    return theirs.format(**filled)


def _day_in(code: str, day: Day) -> str:
    """The day written as in the language `code` (Babel's CLDR data), or in English when Babel
    has no data for it."""
    try:
        return babel_format_date(day.value, format="long", locale=code)
    except (UnknownLocaleError, ValueError):
        return str(day)
