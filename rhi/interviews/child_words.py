"""Which words a child is asked in: the question band and the language. The one rule.

The band is the one the worker chose for this child (the easy-read choice on the child's page,
e.g. the under-11 words for a 15-year-old with a learning disability), or else the band for the
child's age on the day of the interview. The language is the catalogue for the child's recorded
first language (rhi/prompts/languages.py), or none: English. The interview pages, the shell
pages kept on the tablet and the tablet's copy of the child all ask `words_for`; the browser is
handed the result and never works it out again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from rhi.prompts import BAND_IDS, age_band_for, load_bank
from rhi.prompts.languages import Catalogue, catalogue_for, catalogues, is_english

# The worker's choice on the child's page; "" (the default) follows the child's age.
BY_AGE = ""
BAND_CHOICES: dict[str, str] = {
    BY_AGE: "By age (default)",
    "under_11": "The words for under 11",
    "11_to_14": "The words for 11 to 14",
    "15_to_17": "The words for 15 to 17",
}
ENGLISH_SPEECH = "en-GB"


class HasChild(Protocol):
    first_language: str | None
    question_band: str | None
    sex: str | None
    gender: str | None
    pronouns: str | None

    def age_on(self, day: date) -> int: ...


@dataclass(frozen=True)
class ChildWords:
    """The words for one child: a band, and the catalogue of their language (None: English)."""

    band: str
    catalogue: Catalogue | None = None
    chosen: bool = False  # the worker chose the band (not the child's age)
    recorded_language: str = ""  # as the child's record says it, for "no words in ..." notes
    # Spoken to as a girl, in a language whose words for a girl differ (`addressed_as_girl`).
    feminine: bool = False

    @property
    def key(self) -> str:
        """The name of these words in a shell page and the tablet's copy ("15_to_17",
        "15_to_17.ar", or "15_to_17.pl.f" for a girl): the shell holds every such variant and
        the tablet keeps the child's."""
        if not self.catalogue:
            return self.band
        return f"{self.band}.{self.catalogue.code}" + (".f" if self.feminine else "")

    @property
    def messages(self) -> str | None:
        """The code rhi's own words for the child are looked up by (rhi/i18n.py child_gettext):
        "ar", or "ar.f" for a girl; None in English."""
        if not self.catalogue:
            return None
        return self.catalogue.code + (".f" if self.feminine else "")

    @property
    def lang(self) -> str:
        return self.catalogue.code if self.catalogue else "en"

    @property
    def speech(self) -> str:
        """The BCP-47 tag the tablet picks a voice by (read-aloud.js)."""
        return self.catalogue.speech if self.catalogue else ENGLISH_SPEECH

    @property
    def direction(self) -> str:
        return self.catalogue.direction if self.catalogue else "ltr"

    @property
    def language_name(self) -> str:
        return self.catalogue.english_name if self.catalogue else "English"

    @property
    def no_catalogue_note(self) -> str:
        """Said on the page when the child speaks a language rhi has no words in."""
        if self.catalogue or is_english(self.recorded_language):
            return ""
        return (
            f"rhi has no questions in {self.recorded_language} yet, so they are shown in "
            "English. An interpreter can help."
        )

    def translated(self, key: str) -> str | None:
        """The child's-language words for a text (see languages.text_key), or None: English."""
        return self.catalogue.text(key, self.band, self.feminine) if self.catalogue else None


def band_for(child: HasChild, held: date) -> tuple[str, bool]:
    """The band for this child on the day `held`, and whether the worker chose it."""
    chosen = child.question_band or BY_AGE
    if chosen in BAND_IDS:
        return chosen, True
    return age_band_for(max(child.age_on(held), 0)), False


# How a child's record says they are a girl: their pronouns first (the child's own words, the
# first of them when there are two: "she/they"), then their gender, then, with neither, their
# sex. A gender is free text: any word of a boy's or of neither ("Trans boy (assigned female at
# birth)", "Non-binary") keeps the words as written, whatever else it says (a review); "male"
# is not one of them, as a sex given beside it ("Girl (assigned male at birth)").
_SHE = frozenset({"she", "her", "hers"})
_GIRL_WORDS = frozenset({"girl", "female", "woman", "f"})
_NOT_A_GIRL_WORDS = frozenset(
    {"boy", "man", "masc", "masculine", "non", "binary", "nonbinary", "enby"}
    | {"fluid", "agender", "neither", "not", "prefer", "unknown"}
)


def _words(text: str | None) -> list[str]:
    return re.findall(r"[a-z]+", (text or "").casefold())


def addressed_as_girl(child: HasChild) -> bool:
    """Whether the child is spoken to as a girl, in a language whose words say so: "she/her"
    pronouns (the first given); else a gender that is only a girl's ("Girl", "Female", "Trans
    girl"); else, with no gender recorded, sex "Female". "They/them", a boy's or a non-binary
    gender, or no record keeps the words as written."""
    pronouns = _words(child.pronouns)
    if pronouns:
        return pronouns[0] in _SHE
    gender = _words(child.gender)
    if gender:
        return not _NOT_A_GIRL_WORDS.intersection(gender) and bool(_GIRL_WORDS.intersection(gender))
    return _words(child.sex) == ["female"]


def words_for(child: HasChild, held: date) -> ChildWords:
    band, chosen = band_for(child, held)
    recorded = (child.first_language or "").strip()
    catalogue = catalogue_for(recorded)
    feminine = bool(catalogue and catalogue.feminine) and addressed_as_girl(child)
    return ChildWords(band, catalogue, chosen, recorded, feminine)


def every_variant() -> list[ChildWords]:
    """Every band in English and in each language, and for a girl in a language whose words
    for her differ: what a shell page holds (it is the same for everyone and is kept before
    anyone knows which child it will show)."""
    out = [ChildWords(band) for band in BAND_IDS]
    for lang in catalogues():
        out += [ChildWords(band, lang) for band in BAND_IDS]
        if lang.feminine:
            out += [ChildWords(band, lang, feminine=True) for band in BAND_IDS]
    return out


def every_key() -> list[str]:
    return [variant.key for variant in every_variant()]


def band_label(band: str) -> str:
    return next((b.label for b in load_bank().age_bands if b.id == band), band)


def describe(child: Any, held: date) -> str:
    """The words for the child, as the worker's pages say it ("Arabic, the words for 11 to
    14 (chosen for this child)")."""
    words = words_for(child, held)
    how = "chosen for this child" if words.chosen else "by age"
    return f"{words.language_name}, the words for {band_label(words.band).lower()} ({how})"


def interpreter_words(content: Any) -> str:
    """The interpreter as the summaries and the review say it: "Yes: Arabic, Amal Haddad
    (Language Line)", or "None recorded" (the fields are on the start page: fields.py)."""
    start = (content or {}).get("start") or {}
    language, name, agency = (
        str(start.get(key) or "").strip()
        for key in ("interpreter_language", "interpreter_name", "interpreter_agency")
    )
    if not (start.get("interpreter_present") or language or name or agency):
        return "None recorded"
    who = ", ".join(part for part in (language, name) if part)
    if agency:
        who = f"{who} ({agency})" if who else agency
    return f"Yes: {who}" if who else "Yes"
