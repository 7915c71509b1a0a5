"""The child's words in other languages: one message catalogue per language, beside the English.

English (questions.json) is the source. Each other language is its own file,
``questions.<code>.json``, holding only what the child reads or hears (the section headings of
the child's parts, the prompts, the "before we start" points, the helplines and the 999 line),
keyed by the English ids and age bands, with what the page needs to show it properly::

    {"language": "ar", "name": "العربية", "english_name": "Arabic", "direction": "rtl",
     "status": "draft", "speech": "ar", "also_called": ["Arabic"],
     "section_titles": {"before": "..."}, "prompts": {"before-1": {"under_11": "...", ...}},
     "before_we_start": {...}, "helplines": {...}, "emergency_text": {...}}

A file is checked against the English when it is loaded: every id and band of the English must
be there, or loading fails with one error naming every missing text, so a practice lead sees the
whole list at once. ``status`` says whether a qualified translator has checked the words; every
page that shows a "draft" says so next to the words. No Flask here.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rhi.prompts.bank import BAND_IDS, PromptFileError, QuestionBank, load_bank

FOLDER = Path(__file__).parent
SOURCE = "en"
DIRECTIONS = ("ltr", "rtl")
STATUSES = {
    "draft": "Draft translation, not yet checked by a qualified translator",
    "reviewed": "Checked by a qualified translator",
}
# The parts of a catalogue file that hold texts, and whether each text has one wording per band.
TEXT_PARTS = {
    "section_titles": False,
    "prompts": True,
    "before_we_start": True,
    "helplines": True,
}
EMERGENCY = "emergency_text"
_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def text_key(part: str, item_id: str = "") -> str:
    """The one name of a child-facing text: "prompts:before-1", "section_titles:away",
    "emergency_text"."""
    return f"{part}:{item_id}" if item_id else part


@dataclass(frozen=True)
class Catalogue:
    """One language's child-facing words. `texts` maps a text key (see `text_key`) to its
    wording by band; a section title has the same words in every band."""

    code: str
    name: str  # in the language itself, as the child would write it
    english_name: str
    direction: str  # "ltr" or "rtl"
    status: str  # a key of STATUSES
    speech: str  # the BCP-47 tag a tablet's voice is chosen by
    also_called: tuple[str, ...]
    texts: Mapping[str, Mapping[str, str]]
    # The texts whose words change for a girl (the file's "feminine" block: its texts that
    # address the child in the feminine), by text key and band: only those that differ. A
    # language that marks gender addressed every girl as a boy ("Zanim odszedłeś"; probes).
    feminine: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @property
    def status_note(self) -> str:
        return STATUSES[self.status]

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    def text(self, key: str, band: str, feminine: bool = False) -> str | None:
        """The words for a text in a band, or None if this catalogue lacks them; `feminine`,
        their words for a girl where they differ."""
        if feminine and band in (self.feminine.get(key) or {}):
            return self.feminine[key][band]
        return (self.texts.get(key) or {}).get(band)


def english_texts(bank: QuestionBank) -> dict[str, dict[str, str]]:
    """Every child-facing text of the English bank, by text key and band: what each
    catalogue must translate. The worker's own parts (the analysis) are not among them."""
    texts: dict[str, dict[str, str]] = {}
    for section in bank.sections:
        if section.audience != "child":
            continue
        texts[text_key("section_titles", section.id)] = dict.fromkeys(BAND_IDS, section.child_title)
        for prompt in section.prompts:
            texts[text_key("prompts", prompt.id)] = prompt.texts.as_dict()
    for point in bank.before_we_start:
        texts[text_key("before_we_start", point.id)] = point.child_texts.as_dict()
    for line in bank.safety_info.helplines:
        texts[text_key("helplines", line.id)] = line.child_texts.as_dict()
    texts[EMERGENCY] = bank.safety_info.emergency_texts.as_dict()
    return texts


def catalogue_paths(folder: Path = FOLDER) -> list[Path]:
    return sorted(folder.glob("questions.*.json"))


def load_language(
    path: str | os.PathLike[str], bank: QuestionBank | None = None, *, allow_missing: bool = False
) -> Catalogue:
    """Load and check one language's file against the English bank.

    A missing text is an error naming every one missing, unless `allow_missing` (a catalogue
    being written): then the page shows those texts in English and says so.
    """
    where = str(path)
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise PromptFileError(where, f"cannot read file: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PromptFileError(where, f"not valid UTF-8 JSON: {exc}") from exc
    return parse_language(raw, bank or load_bank(), where, allow_missing=allow_missing)


def parse_language(
    raw: Any, bank: QuestionBank, where: str, *, allow_missing: bool = False
) -> Catalogue:
    if not isinstance(raw, dict):
        raise PromptFileError(where, "must be a JSON object")
    code = _word(raw, "language", where)
    if not _CODE.match(code) or code == SOURCE:
        raise PromptFileError(
            where, f"'language' must be a language code other than 'en': {code!r}"
        )
    direction = _word(raw, "direction", where)
    if direction not in DIRECTIONS:
        raise PromptFileError(where, f"'direction' must be one of {', '.join(DIRECTIONS)}")
    status = _word(raw, "status", where)
    if status not in STATUSES:
        raise PromptFileError(where, f"'status' must be one of {', '.join(STATUSES)}")
    speech = raw.get("speech", code)
    if not isinstance(speech, str) or not _CODE.match(speech):
        raise PromptFileError(where, f"'speech' must be a BCP-47 language tag: {speech!r}")
    also = raw.get("also_called", [])
    if not isinstance(also, list) or not all(isinstance(a, str) and a.strip() for a in also):
        raise PromptFileError(where, "'also_called' must be a list of names")
    english = english_texts(bank)
    texts = _texts(raw, english, where, allow_missing)
    feminine = raw.get("feminine", {})
    if not isinstance(feminine, dict):
        raise PromptFileError(where, "'feminine' must be an object of texts, as the file's own")
    # Only the texts that change for a girl, and in them only the bands that change.
    feminine_texts = _texts(feminine, english, f"{where} (feminine)", True)
    return Catalogue(
        code=code,
        name=_word(raw, "name", where),
        english_name=_word(raw, "english_name", where),
        direction=direction,
        status=status,
        speech=speech,
        also_called=tuple(a.strip() for a in also),
        texts=texts,
        feminine=feminine_texts,
    )


def _texts(
    raw: Mapping[str, Any], english: Mapping[str, Mapping[str, str]], where: str, allow: bool
) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for part, banded in TEXT_PARTS.items():
        block = raw.get(part, {})
        if not isinstance(block, dict):
            raise PromptFileError(where, f"'{part}' must be an object of texts by id")
        for item_id, value in block.items():
            found[text_key(part, item_id)] = _banded(value, banded, f"{part} {item_id!r}", where)
    if EMERGENCY in raw:
        found[EMERGENCY] = _banded(raw[EMERGENCY], True, EMERGENCY, where)
    unknown = sorted(set(found) - set(english))
    if unknown:
        raise PromptFileError(where, f"texts the English does not have: {', '.join(unknown)}")
    missing: list[str] = []
    for key, bands in english.items():
        if key not in found:
            missing.append(key)
        else:
            missing.extend(f"{key} ({band})" for band in bands if band not in found[key])
    if missing and not allow:
        raise PromptFileError(
            where, f"{len(missing)} texts of the English are missing: {', '.join(missing)}"
        )
    return found


def _banded(value: Any, banded: bool, what: str, where: str) -> dict[str, str]:
    if not banded:
        if not isinstance(value, str) or not value.strip():
            raise PromptFileError(where, f"{what}: must be non-empty text")
        return dict.fromkeys(BAND_IDS, value.strip())
    if not isinstance(value, dict):
        raise PromptFileError(where, f"{what}: must be an object of texts by age band")
    unknown = sorted(set(value) - set(BAND_IDS))
    if unknown:
        raise PromptFileError(where, f"{what}: unknown age band {unknown[0]!r}")
    out: dict[str, str] = {}
    for band, text in value.items():
        if not isinstance(text, str) or not text.strip():
            raise PromptFileError(where, f"{what}: text for age band {band!r} is empty")
        out[band] = text.strip()
    return out


def _word(raw: Mapping[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise PromptFileError(where, f"missing or empty '{key}'")
    return value.strip()


@functools.cache
def catalogues() -> tuple[Catalogue, ...]:
    """Every shipped language, by code (read once, checked against the shipped English)."""
    found = tuple(load_language(path) for path in catalogue_paths())
    codes = [c.code for c in found]
    if len(set(codes)) != len(codes):
        raise PromptFileError(str(FOLDER), f"a language has two files: {codes}")
    return found


def by_code(code: str) -> Catalogue | None:
    return next((c for c in catalogues() if c.code == code), None)


def _fold(name: str) -> str:
    return " ".join(name.casefold().replace("-", " ").split())


def catalogue_for(recorded: str | None) -> Catalogue | None:
    """The catalogue for a language as the child's record names it ("Arabic", "arabic",
    "العربية", "ar"), or None when rhi has no words in it (English, or a language such as
    Sylheti with no catalogue yet: the pages then show the English and say so)."""
    wanted = _fold(recorded or "")
    if not wanted:
        return None
    for catalogue in catalogues():
        names = (catalogue.code, catalogue.name, catalogue.english_name, *catalogue.also_called)
        if wanted in {_fold(n) for n in names}:
            return catalogue
    return None


def is_english(recorded: str | None) -> bool:
    return _fold(recorded or "") in ("", "english", "en")
